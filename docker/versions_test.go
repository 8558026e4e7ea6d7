package docker

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// goMod is the part of go.mod these tests read.
type goMod struct {
	goVersion string            // the go directive, e.g. "1.26.5"
	toolchain string            // the toolchain directive without "go", or ""
	require   map[string]string // module path -> version
	tools     []string          // tool directives
}

// parseGoMod reads go.mod's go, toolchain, require and tool directives,
// single-line and block forms alike.
func parseGoMod(t *testing.T, path string) goMod {
	t.Helper()
	m := goMod{require: map[string]string{}}
	block := ""
	for i, raw := range strings.Split(readFile(t, path), "\n") {
		line, _, _ := strings.Cut(raw, "//")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if block != "" {
			if fields[0] == ")" {
				block = ""
				continue
			}
			fields = append([]string{block}, fields...)
		} else if len(fields) == 2 && fields[1] == "(" {
			block = fields[0]
			continue
		}
		switch fields[0] {
		case "go":
			m.goVersion = fields[1]
		case "toolchain":
			m.toolchain = strings.TrimPrefix(fields[1], "go")
		case "require":
			if len(fields) < 3 {
				t.Fatalf("%s:%d: malformed require %q", path, i+1, raw)
			}
			m.require[fields[1]] = fields[2]
		case "tool":
			m.tools = append(m.tools, fields[1])
		}
	}
	if m.goVersion == "" {
		t.Fatalf("%s: no go directive", path)
	}
	return m
}

// compareVersions compares dotted numeric versions ("1.26.5", "v0.104.0",
// "24.04"): -1, 0 or +1. Missing components count as 0.
func compareVersions(t *testing.T, a, b string) int {
	t.Helper()
	pa := strings.Split(strings.TrimPrefix(a, "v"), ".")
	pb := strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var na, nb int
		var err error
		if i < len(pa) {
			if na, err = strconv.Atoi(pa[i]); err != nil {
				t.Fatalf("version %q is not dotted numbers", a)
			}
		}
		if i < len(pb) {
			if nb, err = strconv.Atoi(pb[i]); err != nil {
				t.Fatalf("version %q is not dotted numbers", b)
			}
		}
		if na != nb {
			if na < nb {
				return -1
			}
			return 1
		}
	}
	return 0
}

func TestCompareVersions(t *testing.T) {
	// Expected signs by hand.
	for _, tc := range []struct {
		name string
		a, b string
		want int
	}{
		{"patch below", "1.26.5", "1.26.8", -1},
		{"equal", "1.26.8", "1.26.8", 0},
		{"missing component is zero", "1.26", "1.26.0", 0},
		{"minor beats patch", "1.27.0", "1.26.9", 1},
		{"v prefix, multi-digit", "v0.104.0", "v0.98.0", 1},
		{"ubuntu style", "24.04", "22.04", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := compareVersions(t, tc.a, tc.b); got != tc.want {
				t.Errorf("compareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// moduleDir returns the module cache folder of a module in the build list,
// or skips the test when the module is not downloaded.
func moduleDir(t *testing.T, root, module string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go not on PATH, cannot locate %s: %v", module, err)
	}
	cmd := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", module)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off")
	out, err := cmd.Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("%s is not in the module cache (go mod download); cannot compare "+
			"the Dockerfile with its sources: %v", module, err)
	}
	return dir
}

// findOne returns the first submatch of re in the file, failing if absent.
func findOne(t *testing.T, path string, re *regexp.Regexp) string {
	t.Helper()
	m := re.FindStringSubmatch(readFile(t, path))
	if m == nil {
		t.Fatalf("%s: no match for %s; go-xla's sources changed, re-read them "+
			"and update docker/Dockerfile", path, re)
	}
	return m[1]
}

// TestVersionsAgreeWithGoMod checks the Dockerfile's pins against go.mod.
func TestVersionsAgreeWithGoMod(t *testing.T) {
	root := repoRoot(t)
	df := parseDockerfile(t, filepath.Join(root, "docker", "Dockerfile"))
	mod := parseGoMod(t, filepath.Join(root, "go.mod"))

	// The image's Go must build this module without fetching a toolchain
	// (GOTOOLCHAIN=local in the image).
	goVersion := df.arg(t, "GO_VERSION")
	if compareVersions(t, mod.goVersion, goVersion) > 0 {
		t.Errorf("go.mod says go %s, newer than the image's GO_VERSION=%s", mod.goVersion, goVersion)
	}
	if mod.toolchain != "" && compareVersions(t, mod.toolchain, goVersion) > 0 {
		t.Errorf("go.mod says toolchain go%s, newer than the image's GO_VERSION=%s",
			mod.toolchain, goVersion)
	}
	if sha := df.arg(t, "GO_SHA256"); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sha) {
		t.Errorf("GO_SHA256=%q is not 64 lower-case hex digits", sha)
	}

	// Module pins: the image checks them again at build time
	// (install-go-tools.sh), this catches the drift before a build.
	for _, tc := range []struct{ arg, module string }{
		{"GONB_VERSION", "github.com/janpfeifer/gonb"},
		{"GOPLS_VERSION", "golang.org/x/tools/gopls"},
		{"GOXLA_VERSION", "github.com/gomlx/go-xla"},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			want, ok := mod.require[tc.module]
			if !ok {
				t.Fatalf("go.mod does not require %s", tc.module)
			}
			if got := df.arg(t, tc.arg); got != want {
				t.Errorf("Dockerfile ARG %s=%s, but go.mod requires %s %s", tc.arg, got, tc.module, want)
			}
		})
	}

	// `go install tool` must install what GoNB needs.
	for _, tool := range []string{"github.com/janpfeifer/gonb", "golang.org/x/tools/cmd/goimports",
		"golang.org/x/tools/gopls"} {
		found := false
		for _, have := range mod.tools {
			found = found || have == tool
		}
		if !found {
			t.Errorf("go.mod has no `tool %s` directive; the image installs GoNB's tools with "+
				"`go install tool`", tool)
		}
	}
}

// TestPJRTPluginsAgreeWithGoXLA reads go-xla's installer, at the version
// go.mod requires, and checks the plugins the image installs against it.
func TestPJRTPluginsAgreeWithGoXLA(t *testing.T) {
	root := repoRoot(t)
	df := parseDockerfile(t, filepath.Join(root, "docker", "Dockerfile"))
	dir := moduleDir(t, root, "github.com/gomlx/go-xla")

	// CPU: the release go-xla's CPUAutoInstall fetches.
	want := findOne(t, filepath.Join(dir, "internal", "utils", "utils.go"),
		regexp.MustCompile(`DefaultCPUVersion\s*=\s*"([^"]+)"`))
	if got := df.arg(t, "PJRT_CPU_VERSION"); got != want {
		t.Errorf("PJRT_CPU_VERSION=%s, but go-xla's installer fetches pjrt-cpu-binaries %s", got, want)
	}
	if sha := df.args["PJRT_CPU_SHA256"]; sha != "" && !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sha) {
		t.Errorf("PJRT_CPU_SHA256=%q is neither empty nor 64 lower-case hex digits", sha)
	}

	// CUDA: the wheel family go-xla's CudaAutoInstall picks ("cuda13").
	wantCUDA := findOne(t, filepath.Join(dir, "installer", "cuda.go"),
		regexp.MustCompile(`return CudaInstall\("(cuda\d+)"`))
	if got := df.arg(t, "CUDA_PLUGIN"); got != wantCUDA {
		t.Errorf("CUDA_PLUGIN=%s, but go-xla's installer installs %s", got, wantCUDA)
	}
	// go-xla asks PyPI for the latest release; the image pins an exact one.
	if v := df.arg(t, "JAX_CUDA_VERSION"); !regexp.MustCompile(`^\d+\.\d+\.\d+(\.\d+)?$`).MatchString(v) {
		t.Errorf("JAX_CUDA_VERSION=%q is not an exact release such as 0.11.0", v)
	}

	// The install folder is one go-xla always searches.
	const folder = "/usr/local/lib/go-xla"
	if src := readFile(t, filepath.Join(dir, "pjrt", "dynamiclib_posix.go")); !strings.Contains(src, `"`+folder+`"`) {
		t.Errorf("go-xla's pjrt/dynamiclib_posix.go no longer searches %s", folder)
	}
	for _, script := range []string{"install-pjrt-cpu.sh", "install-pjrt-cuda.sh"} {
		if src := readFile(t, filepath.Join(root, "docker", script)); !strings.Contains(src, "/usr/local/lib/go-xla") {
			t.Errorf("docker/%s does not install into %s", script, folder)
		}
	}
}

// TestBaseImage checks the base image is pinned to a release whose glibc
// can load the PJRT plugins (built on glibc 2.35+): Debian 13 or Ubuntu 24.04
// and later.
func TestBaseImage(t *testing.T) {
	df := parseDockerfile(t, filepath.Join(repoRoot(t), "docker", "Dockerfile"))
	image := df.arg(t, "BASE_IMAGE")
	m := regexp.MustCompile(`^(debian|ubuntu):(\d+(?:\.\d+)*)(-slim)?$`).FindStringSubmatch(image)
	if m == nil {
		t.Fatalf("BASE_IMAGE=%q: want debian:<N.N>[-slim] or ubuntu:<YY.MM>, pinned by version number", image)
	}
	minimum := map[string]string{"debian": "13", "ubuntu": "24.04"}[m[1]]
	if compareVersions(t, m[2], minimum) < 0 {
		t.Errorf("BASE_IMAGE=%q is older than %s %s", image, m[1], minimum)
	}
}

// TestOtherPins checks the pins that no other file names.
func TestOtherPins(t *testing.T) {
	df := parseDockerfile(t, filepath.Join(repoRoot(t), "docker", "Dockerfile"))
	exact := regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	if v := df.arg(t, "JUPYTERLAB_VERSION"); !exact.MatchString(v) {
		t.Errorf("JUPYTERLAB_VERSION=%q is not an exact release such as 4.6.6", v)
	}
	// Every *_VERSION default is a concrete version.
	for name, value := range df.args {
		if strings.HasSuffix(name, "_VERSION") && (value == "" || strings.Contains(value, "latest")) {
			t.Errorf("ARG %s=%q is not a pinned version", name, value)
		}
	}
}

// makeAssign matches `NAME = value`, `NAME ?= value`, `NAME := value`.
var makeAssign = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[?:]?=\s*(.*?)\s*$`)

// TestVersionsAgreeWithMakefile compares the versions the Makefile names
// with the Dockerfile's (same variable names), and its GOEXPERIMENT.
func TestVersionsAgreeWithMakefile(t *testing.T) {
	root := repoRoot(t)
	path := filepath.Join(root, "Makefile")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no Makefile at %s: nothing to compare", path)
	}
	df := parseDockerfile(t, filepath.Join(root, "docker", "Dockerfile"))
	compared := 0
	for i, line := range strings.Split(readFile(t, path), "\n") {
		if strings.HasPrefix(line, "\t") || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue // recipe or comment
		}
		m := makeAssign.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, value := m[1], m[2]
		if strings.Contains(value, "$") {
			continue // computed, not a literal version
		}
		if name == "GOEXPERIMENT" {
			compared++
			if !strings.Contains(value, "simd") {
				t.Errorf("Makefile:%d: GOEXPERIMENT=%s lacks simd, which the image and kernel use", i+1, value)
			}
			continue
		}
		if want, ok := df.args[name]; ok && strings.HasSuffix(name, "_VERSION") {
			compared++
			if value != want {
				t.Errorf("Makefile:%d: %s=%s, but docker/Dockerfile has ARG %s=%s", i+1, name, value, name, want)
			}
		}
	}
	t.Logf("compared %d Makefile variable(s) with docker/Dockerfile", compared)
}
