// Command nbrun executes notebooks headless with the GoNB kernel and fails,
// naming the notebook and the cell, when any cell fails (see package
// notebooks/nbrun).
//
//	go run ./notebooks/cmd/nbrun [flags] notebook.ipynb...
//
// It prints one line per notebook and exits with status 1 if any failed, 2 on
// bad flags (checked once, before anything runs). -repo names the checkout
// cells import the project from when the notebooks are outside it.
// With -strip-only it runs nothing and strips the given notebooks in place
// (execution counts and volatile metadata), for committing outputs.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status (0 all
// passed, 1 a notebook failed, 2 bad usage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("nbrun", flag.ContinueOnError)
	flags.SetOutput(stderr)
	mode := flags.String("mode", envOr(nbrun.ModeEnvVar, nbrun.Quick),
		"quick or full, any case (default: $"+nbrun.ModeEnvVar+" or quick)")
	out := flags.String("out", "build/notebooks", "folder for the executed notebooks, their logs and HTML")
	html := flags.Bool("html", false, "also export each executed notebook as HTML")
	strip := flags.Bool("strip", true, "strip execution counts and volatile metadata from the executed notebooks")
	stripOnly := flags.Bool("strip-only", false, "run nothing: strip the given notebooks in place")
	timeout := flags.Duration("timeout", nbrun.DefaultTimeout, "deadline for each notebook")
	online := flags.Bool("online", false, "let cells download modules (default: GOPROXY=off in the kernel)")
	repo := flags.String("repo", "", "checkout of "+nbrun.ModulePath+" that cells import "+
		"(default: found at or above each notebook, else at or above the current directory)")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "usage: nbrun [flags] notebook.ipynb...\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}

	if *stripOnly {
		for _, path := range flags.Args() {
			if err := nbrun.StripFile(path); err != nil {
				fmt.Fprintf(stderr, "nbrun: %+v\n", err)
				return 1
			}
		}
		return 0
	}

	// Check the flags once, before any notebook runs.
	m, err := nbrun.ParseMode(*mode)
	if err != nil {
		fmt.Fprintf(stderr, "nbrun: -mode %v\n", err)
		return 2
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "nbrun: -timeout %s: want a positive duration\n", *timeout)
		return 2
	}
	if *repo != "" {
		found, err := nbrun.FindRepo(*repo)
		if err != nil {
			fmt.Fprintf(stderr, "nbrun: -repo %s: no go.mod of module %s at or above it\n", *repo, nbrun.ModulePath)
			return 2
		}
		*repo = found
	}
	if err := nbrun.CheckDistinctNames(flags.Args()); err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 2
	}

	failed := 0
	for _, path := range flags.Args() {
		fmt.Fprintf(stdout, "=== RUN   %s (%s mode)\n", path, m)
		res, err := nbrun.Run(ctx, path, nbrun.Options{
			Mode: m, OutDir: *out, HTML: *html, Strip: *strip, Timeout: *timeout, Online: *online, Repo: *repo,
		})
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "--- FAIL: %s (%s)\n%v\n", path, res.Duration.Round(time.Second), err)
			continue
		}
		fmt.Fprintf(stdout, "--- PASS: %s (%s) -> %s\n", path, res.Duration.Round(time.Second), res.Output)
		if res.HTML != "" {
			fmt.Fprintf(stdout, "    html: %s\n", res.HTML)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "FAIL: %d of %d notebooks failed\n", failed, flags.NArg())
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d notebooks passed\n", flags.NArg())
	return 0
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
