// Command installkernel installs (or refreshes) the GoNB Jupyter kernel spec
// for this checkout: `gonb --install --go_work=<checkout>`, then the kernel's
// environment (GOEXPERIMENT=simd, GOTOOLCHAIN=local, PATH with go and
// $GOPATH/bin, GAN_REPO, GOPROXY=off unless -online). `make notebook` runs
// it; it is safe to rerun.
//
//	go run ./notebooks/cmd/installkernel [-repo DIR] [-online]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

func main() {
	repo := flag.String("repo", "", "checkout the notebooks import (default: the one holding the current folder)")
	online := flag.Bool("online", false, "let cells download modules (default: GOPROXY=off in the kernel, "+
		"cells build from the module cache with the versions of go.mod)")
	flag.Parse()
	if err := run(*repo, !*online); err != nil {
		fmt.Fprintf(os.Stderr, "installkernel: %v\n", err)
		os.Exit(1)
	}
}

func run(repo string, offline bool) error {
	if repo == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if repo, err = nbrun.FindRepo(wd); err != nil {
			return err
		}
	}
	g, err := nbrun.FindGoEnv()
	if err != nil {
		return err
	}
	path, err := nbrun.InstallKernel(g, repo, offline)
	if err != nil {
		return err
	}
	proxy := "GOPROXY=off (offline)"
	if !offline {
		proxy = "GOPROXY from the environment"
	}
	fmt.Printf("GoNB kernel spec %q installed in %s\n  go:    %s (%s)\n  tools: %s\n"+
		"  cells import %s from %s, %s\n",
		nbrun.KernelName, path, g.GoBin, g.Version, g.ToolBin, nbrun.ModulePath, repo, proxy)
	return nil
}
