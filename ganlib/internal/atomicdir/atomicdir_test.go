package atomicdir

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// names lists the entries of dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestMkTempSyncRename(t *testing.T) {
	parent := t.TempDir()
	tmp, err := MkTemp(parent)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s%d-", TempPrefix, os.Getpid())
	if !strings.HasPrefix(filepath.Base(tmp), want) || filepath.Dir(tmp) != parent {
		t.Fatalf("MkTemp(%q) = %q, want %s/%s*", parent, tmp, parent, want)
	}
	if err := os.WriteFile(filepath.Join(tmp, "a"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SyncTree(tmp); err != nil {
		t.Fatalf("SyncTree: %v", err)
	}
	final := filepath.Join(parent, "entry")
	if err := os.Rename(tmp, final); err != nil {
		t.Fatal(err)
	}
	if err := SyncDir(parent); err != nil {
		t.Fatalf("SyncDir: %v", err)
	}
	if got := names(t, parent); len(got) != 1 || got[0] != "entry" {
		t.Errorf("parent holds %v, want [entry]", got)
	}

	// errors name the path
	missing := filepath.Join(parent, "missing")
	for name, err := range map[string]error{"SyncTree": SyncTree(missing), "SyncDir": SyncDir(missing)} {
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s(%q) = %v, want an error naming the path", name, missing, err)
		}
	}
}

func TestDiscard(t *testing.T) {
	parent := t.TempDir()
	victim := filepath.Join(parent, "step-1")
	if err := os.MkdirAll(filepath.Join(victim, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Discard(parent, victim); err != nil {
		t.Fatalf("Discard: %v", err)
	}
	if got := names(t, parent); len(got) != 0 {
		t.Errorf("after Discard the parent holds %v, want nothing", got)
	}
	if err := Discard(parent, victim); err == nil {
		t.Error("Discard of a missing directory: no error")
	}
	if got := names(t, parent); len(got) != 0 {
		t.Errorf("a failed Discard left %v", got)
	}
}

func TestRemoveStale(t *testing.T) {
	own := os.Getpid()
	// 4194305 = 2^22+1: Linux pids stay below 2^22, so no such process
	const dead = 4194305
	parent0 := os.Getppid() // alive: the go test driver
	tests := []struct {
		name      string
		removeOwn bool
		want      []string // what stays
	}{
		{"keep own", false, []string{"entry", fmt.Sprintf(".tmp-%d-a", own), fmt.Sprintf(".tmp-%d-c", parent0)}},
		{"remove own", true, []string{"entry", fmt.Sprintf(".tmp-%d-c", parent0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			for _, n := range []string{"entry", fmt.Sprintf(".tmp-%d-a", own), fmt.Sprintf(".tmp-%d-b", dead),
				fmt.Sprintf(".trash-%d-b", dead), fmt.Sprintf(".tmp-%d-c", parent0), ".tmp-nopid"} {
				if err := os.Mkdir(filepath.Join(parent, n), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			RemoveStale(parent, tc.removeOwn)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			got := names(t, parent)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("RemoveStale(removeOwn=%v) left %v, want %v", tc.removeOwn, got, want)
			}
		})
	}
	RemoveStale(filepath.Join(t.TempDir(), "missing"), true) // no panic on a missing parent
}

func TestProcessAlive(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		want bool
	}{
		{"self", os.Getpid(), true},
		{"above Linux pid_max (2^22)", 4194305, false},
	}
	for _, tc := range tests {
		if got := ProcessAlive(tc.pid); got != tc.want {
			t.Errorf("%s: ProcessAlive(%d) = %v, want %v", tc.name, tc.pid, got, tc.want)
		}
	}
}
