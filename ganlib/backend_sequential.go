package ganlib

// This file works around a deadlock in GoMLX's pure-Go backend (module
// github.com/gomlx/compute v0.1.0, internal/gobackend/workerspool). In its
// default ("dynamic") mode the backend runs independent ops of a graph in
// parallel, each in a worker of one shared pool, and a large matrix product
// inside such a worker fans out again through Pool.Saturate on the same pool.
// Waiters (the graph's scheduler in WaitToStart and every Saturate) share one
// sync.Cond that is woken with Signal, one waiter at a time: when the wake-up
// goes to a waiter that cannot proceed, the others sleep forever. Training
// mnist-released (G 100-1200-1200-784, D maxout 240x5 twice) on 2 cores hangs
// after a few dozen to a few hundred steps, every goroutine parked in
// sync.Cond.Wait (seen December 2026 in the 04-mnist notebook's runs).
//
// With the backend option "ops_sequential" the ops run one at a time and only
// the matrix products fan out, so there is a single waiter and no lost
// wake-up; on 2 cores it was not slower (5.4 it/s sequential against 3.4 it/s
// dynamic for mnist-released on the same loaded machine).
//
// BUG: this is a workaround, applied by ChooseBackend (so by Backend) to
// every pure-Go configuration that does not choose an ops mode itself.
// TODO: drop it once a compute release fixes the pool (Broadcast instead of
// Signal) and go.mod moves to it; then "go:ops_parallel" may be faster on
// machines with many cores.
import (
	"strings"
)

// GoSequentialOption is the pure-Go backend's configuration option that runs
// a graph's ops one at a time (each matrix product still uses every core).
const GoSequentialOption = "ops_sequential"

// WithSequentialGoOps returns config with GoSequentialOption added when config
// names GoMLX's pure-Go backend ("go", "go:parallelism=4", ...) and does not
// already choose an ops execution mode ("ops_sequential" or "ops_parallel");
// any other configuration (XLA, or an explicit mode) is returned unchanged.
//
//	"go"                 → "go:ops_sequential"
//	"go:parallelism=4"   → "go:parallelism=4,ops_sequential"
//	"go:ops_parallel"    → "go:ops_parallel" (the caller asked for it)
//	"xla:cuda"           → "xla:cuda"
func WithSequentialGoOps(config string) string {
	name, options, hasOptions := strings.Cut(config, ":")
	if strings.TrimSpace(name) != "go" {
		return config
	}
	for _, opt := range strings.Split(options, ",") {
		key, _, _ := strings.Cut(strings.TrimSpace(opt), "=")
		if key == GoSequentialOption || key == "ops_parallel" {
			return config
		}
	}
	if !hasOptions || strings.TrimSpace(options) == "" {
		return "go:" + GoSequentialOption
	}
	return config + "," + GoSequentialOption
}
