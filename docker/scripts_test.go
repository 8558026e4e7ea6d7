package docker

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The install scripts download from the network, which tests must not do.
// These tests put a fake curl (or python3) first on PATH that serves a
// local fixture and records the URL, and then check what the script did
// with it: checksum verification, layout, links.

// fakeCurl copies $FAKE_CURL_FILE to the --output path and logs the URL.
const fakeCurl = `#!/bin/bash
out=""; url=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --output) out=$2; shift ;;
    http*) url=$1 ;;
  esac
  shift
done
echo "${url}" >> "${FAKE_LOG}"
cp "${FAKE_CURL_FILE}" "${out}"
`

// runScript runs docker/<name> with bash, fake tools in bin first on PATH,
// and returns its combined output and exit code.
func runScript(t *testing.T, bin string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("bash not on PATH: %v", err)
	}
	script := filepath.Join(repoRoot(t), "docker", name)
	cmd := exec.Command(bash, append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return string(out), exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	return string(out), 0
}

// writeTarGz writes a .tar.gz with the given files (name -> content; names
// ending in "/" are folders, content starting with "#!" is executable) and
// returns its SHA-256 in hex.
func writeTarGz(t *testing.T, path string, files map[string]string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for name, content := range files {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(name, "/") {
			hdr = &tar.Header{Name: name, Mode: 0o755, Typeflag: tar.TypeDir}
		} else if strings.HasPrefix(content, "#!") {
			hdr.Mode = 0o755
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fakeBin makes a folder holding the fake curl.
func fakeBin(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(fakeCurl), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestInstallGoScript(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("install-go.sh is for linux/amd64 machines only")
	}
	bin := fakeBin(t)
	dir := t.TempDir()
	tarball := filepath.Join(dir, "go.tar.gz")
	sum := writeTarGz(t, tarball, map[string]string{
		"go/":       "",
		"go/bin/":   "",
		"go/bin/go": "#!/bin/sh\necho go version go1.99.1 linux/amd64\n",
	})
	wrong := strings.Repeat("0", 64)

	for _, tc := range []struct {
		name     string
		version  string
		sha      string
		wantCode int
		wantOut  string
	}{
		{"checksum matches", "1.99.1", sum, 0, "go version go1.99.1"},
		{"checksum differs", "1.99.1", wrong, 1, "FAILED"},
		{"checksum missing", "1.99.1", "", 2, "is not 64 lower-case hex digits"},
		{"not a release", "latest", sum, 2, "is not a release number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "usr", "local")
			log := filepath.Join(t.TempDir(), "urls")
			out, code := runScript(t, bin, []string{"FAKE_CURL_FILE=" + tarball, "FAKE_LOG=" + log},
				"install-go.sh", tc.version, tc.sha, prefix)
			if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
				t.Fatalf("exit %d, want %d with %q in the output:\n%s", code, tc.wantCode, tc.wantOut, out)
			}
			if tc.wantCode != 0 {
				if _, err := os.Stat(filepath.Join(prefix, "go")); err == nil {
					t.Errorf("Go was unpacked although the script failed")
				}
				return
			}
			if got, want := strings.TrimSpace(readFile(t, log)),
				"https://go.dev/dl/go1.99.1.linux-amd64.tar.gz"; got != want {
				t.Errorf("downloaded %q, want %q", got, want)
			}
		})
	}
}

func TestInstallPJRTCPUScript(t *testing.T) {
	bin := fakeBin(t)
	dir := t.TempDir()
	const version = "v0.104.0"
	plugin := "pjrt_c_api_cpu_" + version + "_plugin.so"
	good := filepath.Join(dir, "good.tar.gz")
	sum := writeTarGz(t, good, map[string]string{plugin: "ELF plugin bytes"})
	bad := filepath.Join(dir, "bad.tar.gz")
	writeTarGz(t, bad, map[string]string{"pjrt_c_api_cpu_v0.1.0_plugin.so": "other"})

	for _, tc := range []struct {
		name     string
		fixture  string
		sha      string
		wantCode int
		wantOut  string
	}{
		{"no checksum given: digest printed", good, "", 0, "has sha256 " + sum},
		{"checksum matches", good, sum, 0, ": OK"},
		{"checksum differs", good, strings.Repeat("f", 64), 1, "FAILED"},
		{"wrong plugin inside", bad, "", 1, "did not contain " + plugin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			destdir := t.TempDir()
			log := filepath.Join(t.TempDir(), "urls")
			out, code := runScript(t, bin, []string{"FAKE_CURL_FILE=" + tc.fixture, "FAKE_LOG=" + log},
				"install-pjrt-cpu.sh", version, tc.sha, destdir)
			if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
				t.Fatalf("exit %d, want %d with %q in the output:\n%s", code, tc.wantCode, tc.wantOut, out)
			}
			if tc.wantCode != 0 {
				return
			}
			// URL and layout as in go-xla's installer/cpu.go.
			if got, want := strings.TrimSpace(readFile(t, log)),
				"https://github.com/gomlx/pjrt-cpu-binaries/releases/download/v0.104.0/pjrt_cpu_linux_amd64.tar.gz"; got != want {
				t.Errorf("downloaded %q, want %q", got, want)
			}
			libDir := filepath.Join(destdir, "usr", "local", "lib", "go-xla")
			if got := readFile(t, filepath.Join(libDir, plugin)); got != "ELF plugin bytes" {
				t.Errorf("%s holds %q", plugin, got)
			}
			if target, err := os.Readlink(filepath.Join(libDir, "pjrt_c_api_cpu_plugin.so")); err != nil || target != plugin {
				t.Errorf("pjrt_c_api_cpu_plugin.so -> %q (%v), want -> %s", target, err, plugin)
			}
		})
	}
}

// fakePython implements `python3 -m venv DIR` by writing DIR/bin/pip, a
// fake pip whose `install --target T ...` lays out what JAX's CUDA wheels
// unpack to (nvidia/ folders and jax_plugins/) and logs its arguments.
const fakePython = `#!/bin/bash
[[ $1 == -m && $2 == venv ]] || exit 3
mkdir -p "$3/bin"
cat > "$3/bin/pip" <<'PIP'
#!/bin/bash
if [[ $1 == list ]]; then echo "jax-cuda13-pjrt 0.11.0"; exit 0; fi
echo "$@" >> "${FAKE_LOG}"
target=""
while [[ $# -gt 0 ]]; do
  [[ $1 == --target ]] && { target=$2; shift; }
  shift
done
mkdir -p "$target/jax_plugins/xla_cuda13" "$target/nvidia/cu13/bin" "$target/nvidia/cu13/lib" "$target/nvidia/cudnn/lib"
echo plugin > "$target/jax_plugins/xla_cuda13/xla_cuda_plugin.so"
printf '#!/bin/sh\n' > "$target/nvidia/cu13/bin/ptxas"; chmod +x "$target/nvidia/cu13/bin/ptxas"
[[ -n ${FAKE_NO_CUBLAS:-} ]] || touch "$target/nvidia/cu13/lib/libcublas.so.13" "$target/nvidia/cu13/lib/libcublasLt.so.13"
touch "$target/nvidia/cudnn/lib/libcudnn.so.9"
PIP
chmod +x "$3/bin/pip"
`

func TestInstallPJRTCUDAScript(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "python3"), []byte(fakePython), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		plugin   string
		version  string
		env      []string
		wantCode int
		wantOut  string
	}{
		{"pinned cuda13", "cuda13", "0.11.0", nil, 0, ""},
		{"cuda12 is not what go-xla installs", "cuda12", "0.11.0", nil, 2, "unsupported"},
		{"unpinned version", "cuda13", "latest", nil, 2, "is not an exact release"},
		{"cuBLAS missing", "cuda13", "0.11.0", []string{"FAKE_NO_CUBLAS=1"}, 1, "libcublasLt.so.13 missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			destdir := t.TempDir()
			log := filepath.Join(t.TempDir(), "pip-args")
			out, code := runScript(t, bin, append([]string{"FAKE_LOG=" + log}, tc.env...),
				"install-pjrt-cuda.sh", tc.plugin, tc.version, destdir)
			if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
				t.Fatalf("exit %d, want %d with %q in the output:\n%s", code, tc.wantCode, tc.wantOut, out)
			}
			if tc.wantCode != 0 {
				return
			}
			// pip asked for exactly the pinned wheels, binary only.
			args := readFile(t, log)
			for _, want := range []string{"--only-binary=:all:", "jax-cuda13-pjrt==0.11.0",
				"jax-cuda13-plugin[with-cuda]==0.11.0"} {
				if !strings.Contains(args, want) {
					t.Errorf("pip arguments %q lack %q", args, want)
				}
			}
			// Layout as in go-xla's installer/cuda.go.
			lib := filepath.Join(destdir, "usr", "local", "lib")
			nvidia := filepath.Join(lib, "go-xla", "nvidia")
			if got := readFile(t, filepath.Join(nvidia, "pjrt_c_api_cuda_plugin.so")); got != "plugin\n" {
				t.Errorf("pjrt_c_api_cuda_plugin.so holds %q", got)
			}
			for _, link := range []struct{ path, target string }{
				{filepath.Join(nvidia, "bin", "ptxas"), "../cu13/bin/ptxas"},
				{filepath.Join(lib, "libcublas.so.13"), "go-xla/nvidia/cu13/lib/libcublas.so.13"},
				{filepath.Join(lib, "libcublasLt.so.13"), "go-xla/nvidia/cu13/lib/libcublasLt.so.13"},
			} {
				target, err := os.Readlink(link.path)
				if err != nil || target != link.target {
					t.Errorf("%s -> %q (%v), want -> %s", link.path, target, err, link.target)
				}
				if _, err := os.Stat(link.path); err != nil {
					t.Errorf("link %s is dangling: %v", link.path, err)
				}
			}
			if _, err := os.Stat(filepath.Join(nvidia, "cudnn", "lib", "libcudnn.so.9")); err != nil {
				t.Errorf("NVIDIA libraries not copied: %v", err)
			}
		})
	}
}

// fakeGo stands in for `go run ./notebooks/cmd/installkernel`: it writes a
// kernel spec from $FAKE_SPEC into $JUPYTER_DATA_DIR.
const fakeGo = `#!/bin/bash
mkdir -p "${JUPYTER_DATA_DIR}/kernels/gonb"
printf '%s\n' "${FAKE_SPEC}" > "${JUPYTER_DATA_DIR}/kernels/gonb/kernel.json"
`

// TestInstallKernelScriptChecks feeds install-kernel.sh specs that the
// project's installer might write, through a fake go, and checks which it
// accepts.
func TestInstallKernelScriptChecks(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skipf("python3 not on PATH: %v", err)
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	good := `"env": {"GOEXPERIMENT": "simd", "GOTOOLCHAIN": "local"}`
	for _, tc := range []struct {
		name     string
		spec     string
		wantCode int
		wantOut  string
	}{
		{"good", `{"argv": ["/x/gonb", "--kernel", "{connection_file}", "-go_work=` + root + `"], ` + good + `}`,
			0, "checked: --go_work=" + root},
		{"other experiments kept", `{"argv": ["-go_work=` + root + `"], "env": {"GOEXPERIMENT": "arenas,simd", "GOTOOLCHAIN": "local"}}`,
			0, "GOEXPERIMENT=arenas,simd"},
		{"no go_work", `{"argv": ["/x/gonb", "--kernel", "{connection_file}"], ` + good + `}`,
			1, "lacks --go_work=" + root},
		{"go_work of another checkout", `{"argv": ["-go_work=/elsewhere"], ` + good + `}`,
			1, "lacks --go_work"},
		{"no simd", `{"argv": ["-go_work=` + root + `"], "env": {"GOTOOLCHAIN": "local"}}`,
			1, "lacks simd"},
		{"toolchain auto", `{"argv": ["-go_work=` + root + `"], "env": {"GOEXPERIMENT": "simd", "GOTOOLCHAIN": "auto"}}`,
			1, "want 'local'"},
		{"not JSON", `{`, 1, "cannot read the kernel spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := []string{"JUPYTER_DATA_DIR=" + t.TempDir(), "FAKE_SPEC=" + tc.spec}
			out, code := runScript(t, bin, env, "install-kernel.sh", root)
			if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
				t.Errorf("exit %d, want %d with %q in the output:\n%s", code, tc.wantCode, tc.wantOut, out)
			}
		})
	}
}

// TestInstallKernelScript runs install-kernel.sh for real, with the
// project's installer and the gonb from `go install tool`, into a scratch
// Jupyter data folder: what the image build does.
func TestInstallKernelScript(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles notebooks/cmd/installkernel; skipped with -short")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skipf("python3 not on PATH: %v", err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go not on PATH: %v", err)
	}
	out, err := exec.Command(goBin, "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n") // GOBIN, GOPATH
	if len(lines) != 2 {
		t.Fatalf("go env GOBIN GOPATH printed %q", out)
	}
	toolBin := lines[0]
	if toolBin == "" {
		toolBin = filepath.Join(filepath.SplitList(lines[1])[0], "bin")
	}
	if _, err := os.Stat(filepath.Join(toolBin, "gonb")); err != nil {
		t.Skipf("gonb is not installed in %s (run `go install tool`): %v", toolBin, err)
	}

	root := repoRoot(t)
	dataDir := t.TempDir()
	got, code := runScript(t, toolBin, []string{"JUPYTER_DATA_DIR=" + dataDir}, "install-kernel.sh", root)
	if code != 0 {
		t.Fatalf("install-kernel.sh failed (exit %d):\n%s", code, got)
	}
	spec := readFile(t, filepath.Join(dataDir, "kernels", "gonb", "kernel.json"))
	for _, want := range []string{"go_work=" + root, `"GOEXPERIMENT": "simd`, `"GOTOOLCHAIN": "local"`} {
		if !strings.Contains(spec, want) {
			t.Errorf("kernel.json lacks %q:\n%s", want, spec)
		}
	}
}
