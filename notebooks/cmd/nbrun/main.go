// Command nbrun executes notebooks headless with the GoNB kernel and fails,
// naming the notebook and the cell, when any cell fails (see package
// notebooks/nbrun).
//
//	go run ./notebooks/cmd/nbrun [flags] notebook.ipynb...
//
// It prints one line per notebook and exits with status 1 if any failed.
// With -strip-only it runs nothing and strips the given notebooks in place
// (execution counts and volatile metadata), for committing outputs.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

func main() {
	mode := flag.String("mode", envOr(nbrun.ModeEnvVar, nbrun.Quick), "quick or full (default: $"+nbrun.ModeEnvVar+" or quick)")
	out := flag.String("out", "build/notebooks", "folder for the executed notebooks, their logs and HTML")
	html := flag.Bool("html", false, "also export each executed notebook as HTML")
	strip := flag.Bool("strip", true, "strip execution counts and volatile metadata from the executed notebooks")
	stripOnly := flag.Bool("strip-only", false, "run nothing: strip the given notebooks in place")
	timeout := flag.Duration("timeout", nbrun.DefaultTimeout, "deadline for each notebook")
	online := flag.Bool("online", false, "let cells download modules (default: GOPROXY=off in the kernel)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: nbrun [flags] notebook.ipynb...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}

	if *stripOnly {
		for _, path := range flag.Args() {
			if err := nbrun.StripFile(path); err != nil {
				fmt.Fprintf(os.Stderr, "nbrun: %+v\n", err)
				os.Exit(1)
			}
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed := 0
	for _, path := range flag.Args() {
		fmt.Printf("=== RUN   %s (%s mode)\n", path, *mode)
		res, err := nbrun.Run(ctx, path, nbrun.Options{
			Mode: *mode, OutDir: *out, HTML: *html, Strip: *strip, Timeout: *timeout, Online: *online,
		})
		if err != nil {
			failed++
			fmt.Printf("--- FAIL: %s (%s)\n%v\n", path, res.Duration.Round(time.Second), err)
			continue
		}
		fmt.Printf("--- PASS: %s (%s) -> %s\n", path, res.Duration.Round(time.Second), res.Output)
		if res.HTML != "" {
			fmt.Printf("    html: %s\n", res.HTML)
		}
	}
	if failed > 0 {
		fmt.Printf("FAIL: %d of %d notebooks failed\n", failed, flag.NArg())
		os.Exit(1)
	}
	fmt.Printf("ok: %d notebooks passed\n", flag.NArg())
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
