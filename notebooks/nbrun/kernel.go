package nbrun

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/pkg/errors"
)

// KernelName is the name of the interactive kernel spec installed by
// InstallKernel (GoNB's own name: notebooks' metadata refer to it).
const KernelName = "gonb"

// HeadlessKernelName is the kernel spec Run uses. It lives in a private
// folder, so it never shows in the notebook UI's kernel list.
const HeadlessKernelName = "gonb-headless"

// GoEnv holds the facts about the Go installation that the kernel needs.
type GoEnv struct {
	// GoBin is the absolute path of the go binary.
	GoBin string
	// ToolBin is where `go install tool` puts gonb, goimports and gopls
	// ($GOBIN, or $GOPATH/bin).
	ToolBin string
	// Version is runtime.Version()-style, e.g. "go1.26.8".
	Version string
}

// FindGoEnv locates the go binary (on PATH) and asks it for GOBIN/GOPATH.
func FindGoEnv() (GoEnv, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return GoEnv{}, errors.Wrap(err, "nbrun: go is not on PATH")
	}
	goBin, err = filepath.Abs(goBin)
	if err != nil {
		return GoEnv{}, errors.WithStack(err)
	}
	out, err := exec.Command(goBin, "env", "GOBIN", "GOPATH", "GOVERSION").Output()
	if err != nil {
		return GoEnv{}, errors.Wrapf(err, "nbrun: %s env GOBIN GOPATH GOVERSION", goBin)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 3 {
		return GoEnv{}, errors.Errorf("nbrun: unexpected output of go env: %q", out)
	}
	env := GoEnv{GoBin: goBin, ToolBin: lines[0], Version: lines[2]}
	if env.ToolBin == "" {
		gopath, _, _ := strings.Cut(lines[1], string(os.PathListSeparator))
		env.ToolBin = filepath.Join(gopath, "bin")
	}
	return env, nil
}

// Gonb returns the absolute path of the gonb binary installed by
// `go install tool`, or an error saying how to install it.
func (g GoEnv) Gonb() (string, error) {
	p := filepath.Join(g.ToolBin, "gonb")
	if _, err := os.Stat(p); err != nil {
		return "", errors.Errorf("nbrun: gonb not found at %s: run `go install tool` "+
			"in the checkout (or `make notebook`)", p)
	}
	return p, nil
}

// KernelEnv returns the environment GoNB runs with, for the checkout at
// repo (absolute path):
//
//   - GOEXPERIMENT gains "simd" (the pure-Go backend is ~4x faster with it);
//   - GOTOOLCHAIN=local: never download another toolchain;
//   - PATH starts with the go binary's folder and ToolBin, then the current
//     PATH (GoNB and Jupyter do not inherit a login shell's PATH);
//   - GOFLAGS is the current one without -mod=...: GoNB builds cells in
//     workspace mode (go.work), where -mod=mod is rejected;
//   - GOWORK is empty, so each cell's go.work (made by --go_work) is used;
//   - GAN_REPO=repo, for notebooks that read files of the checkout;
//   - with offline set, GOPROXY=off: a cell that needs a module missing from
//     the module cache fails instead of downloading it.
func KernelEnv(g GoEnv, repo string, offline bool) map[string]string {
	env := map[string]string{
		"GOTOOLCHAIN": "local",
		"GOWORK":      "",
		"GAN_REPO":    repo,
	}

	// GOEXPERIMENT: keep what the user set, add simd.
	experiments := splitNonEmpty(os.Getenv("GOEXPERIMENT"), ",")
	if !slices.Contains(experiments, "simd") {
		experiments = append(experiments, "simd")
	}
	env["GOEXPERIMENT"] = strings.Join(experiments, ",")

	// PATH: go and the tools first, no duplicates.
	var path []string
	for _, dir := range append([]string{filepath.Dir(g.GoBin), g.ToolBin},
		filepath.SplitList(os.Getenv("PATH"))...) {
		if dir != "" && !slices.Contains(path, dir) {
			path = append(path, dir)
		}
	}
	env["PATH"] = strings.Join(path, string(os.PathListSeparator))

	// GOFLAGS without -mod.
	var flags []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if !strings.HasPrefix(f, "-mod=") && !strings.HasPrefix(f, "--mod=") {
			flags = append(flags, f)
		}
	}
	env["GOFLAGS"] = strings.Join(flags, " ")

	if offline {
		env["GOPROXY"] = "off"
	}
	return env
}

// KernelSpec is the content of a Jupyter kernel.json. Fields other than
// these (GoNB writes none today) are kept by InstallKernel in Extra.
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode,omitempty"`
	Env           map[string]string `json:"env"`
}

// WriteKernelSpec writes spec to <dataDir>/kernels/<name>/kernel.json
// (atomically) and returns the file's path.
func WriteKernelSpec(dataDir, name string, spec KernelSpec) (string, error) {
	dir := filepath.Join(dataDir, "kernels", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", errors.Wrapf(err, "nbrun: creating kernel spec folder %s", dir)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(spec); err != nil {
		return "", errors.WithStack(err)
	}
	p := filepath.Join(dir, "kernel.json")
	return p, writeFileAtomic(p, buf.Bytes())
}

// JupyterDataDir is where Jupyter reads user kernel specs: $JUPYTER_DATA_DIR,
// else the platform default GoNB itself installs into.
func JupyterDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.Wrap(err, "nbrun: cannot find the Jupyter data folder (set JUPYTER_DATA_DIR)")
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if appData := os.Getenv("APPDATA"); appData != "" {
			return filepath.Join(appData, "jupyter"), nil
		}
		return filepath.Join(home, "AppData", "Roaming", "jupyter"), nil
	default:
		return filepath.Join(home, ".local", "share", "jupyter"), nil
	}
}

// InstallKernel installs the interactive GoNB kernel spec for the checkout
// at repo: it runs `gonb --install --go_work=<repo>` (GoNB records its own
// absolute path and the go.work flag in argv), then rewrites the spec's env
// with KernelEnv. It returns the path of kernel.json. Running it again
// rewrites the same file.
//
// With offline set (what `make notebook` does) the kernel gets GOPROXY=off.
// That matters: for every import GoNB runs `go get`, which asks the proxy
// whether a module with the package's longer path exists (e.g.
// ".../gomlx/core/graph/@v/list") even when go.mod already provides the
// package; without network that query fails the cell, with GOPROXY=off Go
// skips it. A notebook can still opt in with `%env GOPROXY=https://proxy.golang.org`.
func InstallKernel(g GoEnv, repo string, offline bool) (string, error) {
	gonb, err := g.Gonb()
	if err != nil {
		return "", err
	}
	env := KernelEnv(g, repo, offline)

	// gonb --install checks that goimports and gopls are on PATH.
	cmd := exec.Command(gonb, "--install", "--go_work="+repo, "--logtostderr")
	cmd.Env = append(os.Environ(), "PATH="+env["PATH"])
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.Wrapf(err, "nbrun: %s failed:\n%s", cmd, out)
	}

	// Rewrite env in the kernel.json GoNB wrote.
	dataDir, err := JupyterDataDir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(dataDir, "kernels", KernelName, "kernel.json")
	raw, err := os.ReadFile(p)
	if err != nil {
		return "", errors.Wrapf(err, "nbrun: reading the kernel spec gonb --install wrote")
	}
	var spec KernelSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return "", errors.Wrapf(err, "nbrun: parsing %s", p)
	}
	if len(spec.Argv) == 0 || !filepath.IsAbs(spec.Argv[0]) {
		return "", errors.Errorf("nbrun: %s: argv[0] is not an absolute path: %q", p, spec.Argv)
	}
	spec.Env = env
	return WriteKernelSpec(dataDir, KernelName, spec)
}

// headlessSpec is the kernel spec Run installs in its private Jupyter path.
func headlessSpec(g GoEnv, repo string, offline bool) (KernelSpec, error) {
	gonb, err := g.Gonb()
	if err != nil {
		return KernelSpec{}, err
	}
	return KernelSpec{
		Argv: []string{gonb, "--kernel", "{connection_file}", "--raw_error",
			"--go_work=" + repo, "--logtostderr"},
		DisplayName:   "Go (gonb, headless)",
		Language:      "go",
		InterruptMode: "message",
		Env:           KernelEnv(g, repo, offline),
	}, nil
}

// writeFileAtomic writes data to a temporary file next to path, then renames.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return errors.Wrapf(err, "nbrun: writing %s", path)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return errors.Wrapf(err, "nbrun: writing %s", path)
	}
	return nil
}

func splitNonEmpty(s, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
