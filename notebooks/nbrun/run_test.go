package nbrun

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixture returns the path of a fixture notebook in notebooks/testdata.
func fixture(name string) string { return filepath.Join("..", "testdata", name+".ipynb") }

func TestRunFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks with Jupyter and GoNB (skipped with -short)")
	}
	requireTools(t)

	// Each broken fixture has a passing code cell, a markdown cell, then the
	// broken code cell: cell 4 of the notebook, code cell 2.
	tests := []struct {
		name      string
		kind      string
		wantInMsg string
		timeout   time.Duration
	}{
		{"compile_error", KindCompile, "undefined: undefinedVariable", 0},
		{"panic", KindPanic, "panic: boom", 0},
		{"exit", KindExit, `exit status 1 after printing "giving up"`, 0},
		{"error_printed", KindPrinted, "Error: data folder not found", 0},
		{"timeout", KindTimeout, "still running", 15 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := fixture(tc.name)
			res, err := Run(context.Background(), path, Options{OutDir: t.TempDir(), Timeout: tc.timeout})
			var runErr *RunError
			if !errors.As(err, &runErr) {
				t.Fatalf("Run(%s) error = %v, want a *RunError", path, err)
			}
			want := path + ": cell 4 (code cell 2): " + tc.kind + ": "
			if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, tc.wantInMsg) {
				t.Errorf("Run(%s) error =\n%s\nwant it to start with %q and contain %q", path, msg, want, tc.wantInMsg)
			}
			if len(res.Failures) != 1 {
				t.Errorf("Run(%s): %d failures, want 1: %v", path, len(res.Failures), res.Failures)
			}
			// The executed notebook is saved even when a cell failed, and shows
			// that the cells before the broken one ran.
			raw, err := os.ReadFile(res.Output)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte("cell 2 runs")) {
				t.Errorf("%s does not show the output of the cell before the failure", res.Output)
			}
		})
	}
}

func TestRunGood(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook with Jupyter and GoNB (skipped with -short)")
	}
	requireTools(t)
	out := t.TempDir()
	res, err := Run(context.Background(), fixture("good"), Options{OutDir: out, HTML: true, Strip: true})
	if err != nil {
		t.Fatalf("Run(good): %v", err)
	}
	nb, err := ReadNotebook(res.Output)
	if err != nil {
		t.Fatal(err)
	}

	// GAN-17 (a): the displayed image is saved as image/png whose bytes start
	// with the PNG signature (cases.md; PNG spec, section 5.2).
	pngs, err := nb.PNGs()
	if err != nil {
		t.Fatal(err)
	}
	signature := []byte{0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A}
	if len(pngs) != 1 || !bytes.HasPrefix(pngs[0], signature) {
		t.Errorf("image/png outputs: got %d, want 1 starting with % X", len(pngs), signature)
	}

	// The kernel sees the mode and the checkout.
	if s := string(nb.Cells[1].Streams()); !strings.Contains(s, "mode: quick") ||
		!strings.Contains(s, "repo set: true") {
		t.Errorf("first cell printed %q, want mode: quick and repo set: true", s)
	}

	// Strip: no execution counts left; HTML written.
	for i, c := range nb.Cells {
		if c.ExecutionCount != nil {
			t.Errorf("cell %d: execution_count %d after Strip", i+1, *c.ExecutionCount)
		}
	}
	if html, err := os.ReadFile(res.HTML); err != nil || !bytes.Contains(html, []byte("data:image/png;base64,")) {
		t.Errorf("HTML export %s: err %v, or no inline PNG", res.HTML, err)
	}
}

// TestRunOffline proves that cells import the project and GoMLX from the
// local checkout without network: the environment has GOPROXY=off and
// GOFLAGS=-mod=mod (which workspace mode would reject if passed on).
func TestRunOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook with Jupyter and GoNB (skipped with -short)")
	}
	requireTools(t)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	res, err := Run(context.Background(), fixture("import_project"), Options{OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Run(import_project): %v", err)
	}
	raw, err := os.ReadFile(res.Output)
	if err != nil {
		t.Fatal(err)
	}
	// 3*3 and 4+4 computed by GoMLX in the cells.
	for _, want := range []string{"3*3 = float32(9)", "4+4 = float32(8)"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("%s lacks %q", res.Output, want)
		}
	}
}
