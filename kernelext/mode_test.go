package kernelext

import (
	"path/filepath"
	"testing"
)

func TestNotebookModeAndWorkDir(t *testing.T) {
	for _, tc := range []struct {
		name, env, want string
	}{
		{"unset is full", "", ModeFull},
		{"quick", "quick", ModeQuick},
		{"case and space", " Quick ", ModeQuick},
		{"full", "full", ModeFull},
		{"anything else is full", "fast", ModeFull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvNotebookMode, tc.env)
			if got := NotebookMode(); got != tc.want {
				t.Fatalf("NotebookMode() with %q = %q, want %q", tc.env, got, tc.want)
			}
			if got, want := PickMode(1, 2), map[string]int{ModeQuick: 1, ModeFull: 2}[tc.want]; got != want {
				t.Fatalf("PickMode(1, 2) = %d, want %d", got, want)
			}
		})
	}

	base := t.TempDir()
	t.Setenv(EnvWorkDir, base)
	t.Setenv(EnvNotebookMode, "quick")
	dir, err := WorkDir("04-mnist")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "04-mnist", "quick"); dir != want {
		t.Fatalf("WorkDir = %q, want %q", dir, want)
	}
	t.Setenv(EnvWorkDir, "")
	t.Setenv("GAN_REPO", base)
	dir, err = WorkDir("x")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "notebooks", "work", "x", "quick"); dir != want {
		t.Fatalf("WorkDir = %q, want %q", dir, want)
	}
}
