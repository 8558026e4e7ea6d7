package notebooks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

// TestNotebooks executes every notebook of this folder (see the package doc).
func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("executes every notebook with Jupyter and GoNB (skipped with -short)")
	}
	if err := nbrun.Available(); err != nil {
		if os.Getenv(nbrun.RequireEnvVar) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no notebooks (*.ipynb) in notebooks/")
	}

	mode := nbrun.Quick
	if s := os.Getenv(nbrun.ModeEnvVar); s != "" {
		if mode, err = nbrun.ParseMode(s); err != nil {
			t.Fatalf("%s: %v", nbrun.ModeEnvVar, err)
		}
	}
	timeout := 10 * time.Minute
	if mode == nbrun.Full {
		timeout = 2 * time.Hour
	}
	if s := os.Getenv("GAN_NOTEBOOK_TIMEOUT"); s != "" {
		if timeout, err = time.ParseDuration(s); err != nil {
			t.Fatalf("GAN_NOTEBOOK_TIMEOUT=%q: %v", s, err)
		}
	}
	if paths, err = selectNotebooks(paths, os.Getenv("GAN_NOTEBOOK_RUN")); err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("GAN_NOTEBOOK_OUT")
	if out == "" {
		out = t.TempDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// Rows of notebooks not run this time are kept (see nbrun.RecordTiming).
	timings := filepath.Join(out, "timings.tsv")

	// One notebook at a time: each may use every core.
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			res, err := nbrun.Run(context.Background(), path, nbrun.Options{
				Mode: mode, OutDir: out, Timeout: timeout, Strip: true,
			})
			result := "ok"
			if err != nil {
				result = "FAIL"
			}
			row := nbrun.Timing{Notebook: path, Mode: mode, Seconds: res.Duration.Seconds(), Result: result}
			if err := nbrun.RecordTiming(timings, row); err != nil {
				t.Error(err)
			}
			if err != nil {
				t.Fatalf("%s mode:\n%v", mode, err)
			}
			t.Logf("%s: %s mode, %s -> %s", path, mode, res.Duration.Round(time.Second), res.Output)
		})
	}
}

// selectNotebooks keeps the paths that the regular expression filter
// ($GAN_NOTEBOOK_RUN) matches, all of them when filter is empty. A filter
// that matches none is an error: a typo must not pass with nothing run.
func selectNotebooks(paths []string, filter string) ([]string, error) {
	if filter == "" {
		return paths, nil
	}
	only, err := regexp.Compile(filter)
	if err != nil {
		return nil, fmt.Errorf("GAN_NOTEBOOK_RUN=%q: %w", filter, err)
	}
	var kept []string
	for _, p := range paths {
		if only.MatchString(p) {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("GAN_NOTEBOOK_RUN=%q matches none of the notebooks %v", filter, paths)
	}
	return kept, nil
}

func TestSelectNotebooks(t *testing.T) {
	paths := []string{"00-setup-check.ipynb", "01-game-1d.ipynb", "04-mnist.ipynb"}
	tests := []struct {
		name, filter string
		want         []string // nil: an error is wanted
	}{
		{"no filter runs all", "", paths},
		{"prefix", "^0[01]", paths[:2]},
		{"one", "mnist", paths[2:]},
		{"no match fails", "zzz", nil},
		{"bad regexp fails", "(", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := selectNotebooks(paths, tc.filter)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("selectNotebooks(%q) = %v, want an error", tc.filter, got)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("selectNotebooks(%q) = %v, %v; want %v", tc.filter, got, err, tc.want)
			}
		})
	}
}
