package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunFlags(t *testing.T) {
	dir := t.TempDir()
	hello := filepath.Join(dir, "hello.ipynb") // not JSON: fails before Jupyter starts
	if err := os.WriteFile(hello, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // "" : nothing printed
		wantStderr string
	}{
		// Checked once, naming the flag, before any notebook runs.
		{"bad mode", []string{"-mode", "fast", hello}, 2, "", `nbrun: -mode "fast": want quick or full`},
		// Case and spaces are accepted and normalised (as kernelext.NotebookMode).
		{"mode any case", []string{"-mode", " Quick ", "-out", out, hello}, 1,
			"=== RUN   " + hello + " (quick mode)", ""},
		{"invalid notebook", []string{"-out", out, hello}, 1, hello + ": not a valid notebook: invalid character 'h'", ""},
		{"repo not a checkout", []string{"-repo", dir, hello}, 2, "", "nbrun: -repo " + dir + ": no go.mod of module github.com/gan-notebooks/gan at or above it"},
		{"same name twice", []string{filepath.Join(dir, "a", "x.ipynb"), filepath.Join(dir, "b", "x.ipynb")}, 2, "",
			"have the same name x.ipynb"},
		{"bad timeout", []string{"-timeout", "-1s", hello}, 2, "", "nbrun: -timeout -1s: want a positive duration"},
		{"no notebook", nil, 2, "", "usage: nbrun"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("run(%q) = %d, want %d\nstdout: %s\nstderr: %s", tc.args, code, tc.wantCode, &stdout, &stderr)
			}
			if tc.wantStdout == "" && stdout.Len() > 0 {
				t.Errorf("run(%q) printed %q, want nothing run", tc.args, &stdout)
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) || !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("run(%q):\nstdout %q\nstderr %q\nwant them to contain %q and %q",
					tc.args, &stdout, &stderr, tc.wantStdout, tc.wantStderr)
			}
		})
	}
}
