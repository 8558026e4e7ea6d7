package nbrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKernelEnv(t *testing.T) {
	g := GoEnv{GoBin: "/opt/go/bin/go", ToolBin: "/home/u/go/bin"}
	tests := []struct {
		name                        string
		goflags, goexperiment, path string
		offline                     bool
		wantFlags, wantExp          string
		wantPath                    string
	}{
		// Workspace mode rejects -mod=mod (go build: "-mod may only be set to
		// readonly or vendor when in workspace mode"), so it is dropped.
		{"mod=mod dropped", "-mod=mod -buildvcs=false", "", "/usr/bin:/bin", true,
			"-buildvcs=false", "simd", "/opt/go/bin:/home/u/go/bin:/usr/bin:/bin"},
		{"experiments kept", "", "arenas", "/home/u/go/bin:/usr/bin", false,
			"", "arenas,simd", "/opt/go/bin:/home/u/go/bin:/usr/bin"},
		{"simd not repeated", "", "simd", "", false, "", "simd", "/opt/go/bin:/home/u/go/bin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOFLAGS", tc.goflags)
			t.Setenv("GOEXPERIMENT", tc.goexperiment)
			t.Setenv("PATH", tc.path)
			env := KernelEnv(g, "/src/gan", tc.offline)
			if env["GOFLAGS"] != tc.wantFlags || env["GOEXPERIMENT"] != tc.wantExp || env["PATH"] != tc.wantPath {
				t.Errorf("KernelEnv: GOFLAGS=%q GOEXPERIMENT=%q PATH=%q, want %q %q %q",
					env["GOFLAGS"], env["GOEXPERIMENT"], env["PATH"], tc.wantFlags, tc.wantExp, tc.wantPath)
			}
			if env["GOTOOLCHAIN"] != "local" || env["GAN_REPO"] != "/src/gan" || env["GOWORK"] != "" {
				t.Errorf("KernelEnv = %v, want GOTOOLCHAIN=local GAN_REPO=/src/gan GOWORK=\"\"", env)
			}
			if proxy, set := env["GOPROXY"]; tc.offline != set || (set && proxy != "off") {
				t.Errorf("offline=%v: GOPROXY=%q (set %v)", tc.offline, proxy, set)
			}
		})
	}
}

func TestFindRepo(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	repo, err := FindRepo(wd)
	if err != nil {
		t.Fatal(err)
	}
	// This package sits at <repo>/notebooks/nbrun.
	if want := filepath.Dir(filepath.Dir(wd)); repo != want {
		t.Errorf("FindRepo(%s) = %s, want %s", wd, repo, want)
	}
	if _, err := FindRepo(t.TempDir()); err == nil || !strings.Contains(err.Error(), ModulePath) {
		t.Errorf("FindRepo(empty dir): err = %v, want one naming %s", err, ModulePath)
	}
}

func TestInstallKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gonb --install (skipped with -short)")
	}
	requireTools(t)
	g, err := FindGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", dataDir)
	t.Setenv("GOFLAGS", "-mod=mod")
	p, err := InstallKernel(g, "/src/gan", true)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	got := string(raw)
	// What the spec must carry, from the issue: GoNB's absolute path and
	// --go_work, plus the kernel environment.
	for _, want := range []string{`"` + filepath.Join(g.ToolBin, "gonb") + `"`, `"-go_work=/src/gan"`,
		`"GOEXPERIMENT": "simd"`, `"GOTOOLCHAIN": "local"`, `"GAN_REPO": "/src/gan"`, `"GOFLAGS": ""`,
		`"GOPROXY": "off"`, `"PATH": "` + filepath.Dir(g.GoBin) + ":" + g.ToolBin} {
		if !strings.Contains(got, want) {
			t.Errorf("kernel.json lacks %s:\n%s", want, got)
		}
	}
}

// requireTools skips (or, with GAN_NOTEBOOK_REQUIRE=1, fails) when Jupyter,
// nbclient or GoNB are missing.
func requireTools(t *testing.T) {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv(RequireEnvVar) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}
