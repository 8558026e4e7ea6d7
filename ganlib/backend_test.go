package ganlib

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewBackendXLAWithoutPlugin: asking for XLA when no plugin is installed is
// an error that says how to install one (the CUDA hint for xla:cuda), and
// nothing is downloaded (automatic install is off).
func TestNewBackendXLAWithoutPlugin(t *testing.T) {
	if plugins, err := xlaPlugins(); err != nil || len(plugins) > 0 {
		t.Skipf("XLA plugins present (%v, %v): this test needs a machine without them", plugins, err)
	}
	for _, tc := range []struct{ config, want string }{
		{"xla:cpu", "PJRT_PLUGIN_LIBRARY_PATH"},
		{"xla", "no XLA PJRT plugin is installed"},
		{"xla:cuda", "installer.CudaInstall"},
	} {
		b, err := NewBackend(tc.config)
		if err == nil {
			t.Fatalf("NewBackend(%q) = %v, want an error", tc.config, b)
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.config) {
			t.Errorf("NewBackend(%q) error %q, want it to name the config and contain %q", tc.config, err, tc.want)
		}
	}
	if _, err := NewBackend("bogus"); err == nil || !strings.Contains(err.Error(), "known backends") {
		t.Errorf("NewBackend(\"bogus\") error = %v, want one listing the known backends", err)
	}
}

// TestChooseBackendSurvivesCorruptPlugin: a garbage plugin file on the search
// path must not crash automatic selection; the pure-Go backend is chosen and
// the reason says why. Run in a child process, since go-xla caches its search.
func TestChooseBackendSurvivesCorruptPlugin(t *testing.T) {
	if os.Getenv("GANLIB_CORRUPT_PLUGIN_CHILD") == "1" {
		choice := ChooseBackend()
		os.Stdout.WriteString("CHOICE " + choice.Config + " | " + choice.Reason + "\n")
		return
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pjrt_c_api_cpu_plugin.so"), []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChooseBackendSurvivesCorruptPlugin$", "-test.v")
	cmd.Env = append(os.Environ(), "GANLIB_CORRUPT_PLUGIN_CHILD=1", "PJRT_PLUGIN_LIBRARY_PATH="+dir,
		BackendEnvVar+"=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child crashed: %v\n%s", err, out)
	}
	line := ""
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "CHOICE ") {
			line = l
		}
	}
	if !strings.HasPrefix(line, "CHOICE go:ops_sequential | ") {
		t.Fatalf("child chose %q, want the pure-Go backend\n%s", line, out)
	}
	if !strings.Contains(line, "probing XLA PJRT plugins failed") || !strings.Contains(line, "pure-Go backend") {
		t.Errorf("reason %q does not say which backend and why", line)
	}
}
