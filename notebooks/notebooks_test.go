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

	mode := os.Getenv(nbrun.ModeEnvVar)
	if mode == "" {
		mode = nbrun.Quick
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
	var only *regexp.Regexp
	if s := os.Getenv("GAN_NOTEBOOK_RUN"); s != "" {
		if only, err = regexp.Compile(s); err != nil {
			t.Fatalf("GAN_NOTEBOOK_RUN=%q: %v", s, err)
		}
	}
	out := os.Getenv("GAN_NOTEBOOK_OUT")
	if out == "" {
		out = t.TempDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	timings, err := os.Create(filepath.Join(out, "timings.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = timings.Close() }()
	fmt.Fprintf(timings, "notebook\tmode\tseconds\tresult\n")

	// One notebook at a time: each may use every core.
	for _, path := range paths {
		if only != nil && !only.MatchString(path) {
			continue
		}
		t.Run(path, func(t *testing.T) {
			res, err := nbrun.Run(context.Background(), path, nbrun.Options{
				Mode: mode, OutDir: out, Timeout: timeout, Strip: true,
			})
			result := "ok"
			if err != nil {
				result = "FAIL"
			}
			fmt.Fprintf(timings, "%s\t%s\t%.0f\t%s\n", path, mode, res.Duration.Seconds(), result)
			if err != nil {
				t.Fatalf("%s mode:\n%v", mode, err)
			}
			t.Logf("%s: %s mode, %s -> %s", path, mode, res.Duration.Round(time.Second), res.Output)
		})
	}
}
