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
		{"shell_error", KindShell, `one of 3 ! commands: exit status 2 after printing "ls: cannot access`, 0},
		{"exit", KindExit, `exit status 1 after printing "giving up"`, 0},
		{"error_printed", KindPrinted, "Error: data folder not found", 0},
		// Whatever the kernel prints after the interrupt, the timeout is
		// reported (TestJudge checks this without timing); 20s leaves room
		// for the kernel start and cell 2 on a loaded machine.
		{"timeout", KindTimeout, "still running at the notebook deadline (20s)", 20 * time.Second},
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

// TestRunOutsideCheckout runs a notebook copied out of the checkout, from a
// folder outside it, with Options.Repo (nbrun's -repo) naming the checkout.
func TestRunOutsideCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook with Jupyter and GoNB (skipped with -short)")
	}
	requireTools(t)
	repo, err := FindRepo(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(fixture("good"))
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	nb := filepath.Join(outside, "copy.ipynb")
	if err := os.WriteFile(nb, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(outside)
	if _, err := Run(context.Background(), nb, Options{OutDir: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "-repo") {
		t.Errorf("Run without Repo outside the checkout = %v, want an error naming -repo", err)
	}
	if _, err := Run(context.Background(), nb, Options{OutDir: t.TempDir(), Repo: repo}); err != nil {
		t.Errorf("Run with Repo %s: %v", repo, err)
	}
}

func TestJudge(t *testing.T) {
	// Cells: markdown, passing code, markdown, then code cell 2 (cell 4).
	running := `{"cell_type": "code", "source": "%%\ntime.Sleep(time.Hour)", "outputs": [
		{"output_type": "stream", "name": "stderr", "text": ["^C\n", "ERROR: signal: interrupt\n"]},
		{"output_type": "error", "ename": "ERROR", "evalue": "signal: interrupt", "traceback": ["signal: interrupt"]}]}`
	panicked := `{"cell_type": "code", "source": "", "outputs": [
		{"output_type": "stream", "name": "stderr", "text": "panic: boom\n"},
		{"output_type": "error", "ename": "ERROR", "evalue": "exit status 2", "traceback": ["exit status 2"]}]}`
	silent := `{"cell_type": "code", "source": "", "outputs": []}`
	tests := []struct {
		name string
		cell string
		st   status
		want []string // Failure.Error() of each failure
	}{
		// The executor's timeout wins over the error the interrupted cell
		// printed (the flaky TestRunFailures/timeout, reproduced with -timeout
		// 4s and 6s, reported "error: ERROR: signal: interrupt").
		{"timeout wins over interrupt output", running,
			status{Kind: "timeout", Cell: 3, Message: "Cell execution timed out"},
			[]string{"x.ipynb: cell 4 (code cell 2): timeout: still running at the notebook deadline (4s)"}},
		{"timeout of a silent cell", silent, status{Kind: "timeout", Cell: 3},
			[]string{"x.ipynb: cell 4 (code cell 2): timeout: still running at the notebook deadline (4s)"}},
		// A cell error the outputs explain is reported once, by Check.
		{"error explained by outputs", panicked, status{Kind: "error", Cell: 3, Message: "exit status 2"},
			[]string{"x.ipynb: cell 4 (code cell 2): panic: boom"}},
		{"error without outputs", silent, status{Kind: "error", Cell: 3, Message: "exit status 3"},
			[]string{"x.ipynb: cell 4 (code cell 2): error: exit status 3"}},
		{"kernel did not start", silent, status{Kind: "RuntimeError", Cell: -1, Message: "Kernel died before replying"},
			[]string{"x.ipynb: kernel failure: Kernel died before replying"}},
		{"passed", silent, status{OK: true, Cell: -1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := notebook(t, mdCell, okCell, mdCell, tc.cell)
			var got []string
			for _, f := range judge("x.ipynb", nb, tc.st, 4*time.Second) {
				got = append(got, f.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("judge =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestExecutorArgs(t *testing.T) {
	// The deadline keeps its fraction: 5.5s was passed as 5 (int truncation).
	tests := []struct {
		name    string
		timeout time.Duration
		want    string
	}{
		{"fraction kept", 5500 * time.Millisecond, "5.500"},
		{"whole seconds", 20 * time.Minute, "1200.000"},
		{"sub-second", 250 * time.Millisecond, "0.250"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := executorArgs("execute.py", tc.timeout, "out.ipynb", "status.json", "", "in.ipynb")
			got := map[string]string{}
			for i := 1; i+1 < len(args); i++ {
				if strings.HasPrefix(args[i], "--") {
					got[args[i]] = args[i+1]
				}
			}
			if got["--deadline"] != tc.want || got["--cell-timeout"] != tc.want {
				t.Errorf("executorArgs(%s) = %q, want --deadline and --cell-timeout %s", tc.timeout, args, tc.want)
			}
			if args[len(args)-1] != "in.ipynb" {
				t.Errorf("executorArgs: last argument %q, want the notebook", args[len(args)-1])
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"quick", Quick, ""},
		{" Quick ", Quick, ""}, // as kernelext.NotebookMode accepts it
		{"FULL", Full, ""},
		{"fast", "", `"fast": want quick or full`},
		{"", "", `"": want quick or full`},
	}
	for _, tc := range tests {
		got, err := ParseMode(tc.in)
		if got != tc.want || (err == nil) != (tc.wantErr == "") || (err != nil && err.Error() != tc.wantErr) {
			t.Errorf("ParseMode(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestValidateNotebook(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(fixture("good"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, wantErr string // wantErr "": valid
	}{
		{"fixture", string(good), ""},
		{"plain text", "hello", "not a valid notebook: invalid character 'h'"},
		{"truncated", string(good[:len(good)/2]), "not a valid notebook: unexpected end of JSON input"},
		{"empty object", "{}", `not a valid notebook: no "nbformat" field`},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, `not a valid notebook: "nbformat" is 3, want 4`},
		{"cells not a list", `{"nbformat": 4, "cells": {}}`, `not a valid notebook: "cells":`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".ipynb")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			err := ValidateNotebook(path)
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("ValidateNotebook: %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), path+": "+tc.wantErr) {
				t.Errorf("ValidateNotebook = %v, want %q", err, path+": "+tc.wantErr)
			}
			// Run fails the same way before starting Jupyter: no log written.
			out := t.TempDir()
			res, err := Run(context.Background(), path, Options{OutDir: out})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Run = %v, want %q", err, tc.wantErr)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 || res.Log != "" {
				t.Errorf("Run of an invalid notebook wrote %v (log %q), want nothing", entries, res.Log)
			}
		})
	}
}

func TestRunOutputIsFolder(t *testing.T) {
	out := t.TempDir()
	if err := os.Mkdir(filepath.Join(out, "good.ipynb"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), fixture("good"), Options{OutDir: out})
	if err == nil || !strings.Contains(err.Error(), "good.ipynb is a folder") {
		t.Fatalf("Run = %v, want an error saying the output is a folder", err)
	}
	if _, err := os.Stat(filepath.Join(out, "good.log")); err == nil {
		t.Error("Run wrote good.log: it ran although the output is a folder")
	}
}

func TestDefaultRepo(t *testing.T) {
	repo, err := FindRepo(".") // the checkout holding this package
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	nb := filepath.Join(outside, "x.ipynb")

	// From the notebook's folder when it is in the checkout.
	if got, err := DefaultRepo(fixture("good")); err != nil || got != repo {
		t.Errorf("DefaultRepo(fixture) = %q, %v; want %q", got, err, repo)
	}
	// A notebook outside the checkout: from the current directory.
	if got, err := DefaultRepo(nb); err != nil || got != repo {
		t.Errorf("DefaultRepo(%s) from the checkout = %q, %v; want %q", nb, got, err, repo)
	}
	// Neither: the error says to pass -repo.
	t.Chdir(outside)
	if _, err := DefaultRepo(nb); err == nil || !strings.Contains(err.Error(), "pass the checkout with -repo") {
		t.Errorf("DefaultRepo(%s) outside any checkout = %v, want an error naming -repo", nb, err)
	}
}

func TestCheckDistinctNames(t *testing.T) {
	tests := []struct {
		name    string
		paths   []string
		wantErr bool
	}{
		{"distinct", []string{"a/x.ipynb", "a/y.ipynb", "b/z.ipynb"}, false},
		{"same file twice", []string{"a/x.ipynb", "a/../a/x.ipynb"}, false},
		{"same name, other folder", []string{"a/x.ipynb", "b/x.ipynb"}, true},
	}
	for _, tc := range tests {
		err := CheckDistinctNames(tc.paths)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: CheckDistinctNames(%q) = %v, want error %v", tc.name, tc.paths, err, tc.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "a/x.ipynb and b/x.ipynb") {
			t.Errorf("%s: error %q does not name both notebooks", tc.name, err)
		}
	}
}

func TestRecordTiming(t *testing.T) {
	path := filepath.Join(t.TempDir(), "timings.tsv")
	steps := []struct {
		row  Timing
		want string // whole file after the step
	}{
		{Timing{"00.ipynb", Quick, 12.4, "ok"}, TimingsHeader + "\n00.ipynb\tquick\t12\tok\n"},
		{Timing{"01.ipynb", Quick, 30, "FAIL"}, TimingsHeader + "\n00.ipynb\tquick\t12\tok\n01.ipynb\tquick\t30\tFAIL\n"},
		// A filtered rerun of 00 replaces its row and keeps 01's.
		{Timing{"00.ipynb", Quick, 9.6, "ok"}, TimingsHeader + "\n00.ipynb\tquick\t10\tok\n01.ipynb\tquick\t30\tFAIL\n"},
		// Another mode is another row.
		{Timing{"00.ipynb", Full, 600, "ok"},
			TimingsHeader + "\n00.ipynb\tquick\t10\tok\n01.ipynb\tquick\t30\tFAIL\n00.ipynb\tfull\t600\tok\n"},
	}
	for i, s := range steps {
		if err := RecordTiming(path, s.row); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != s.want {
			t.Errorf("step %d: %s =\n%s\nwant\n%s", i, path, got, s.want)
		}
	}
}
