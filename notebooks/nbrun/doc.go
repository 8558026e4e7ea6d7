// Package nbrun executes the project's Jupyter notebooks headless, with the
// GoNB kernel, and fails loudly when a cell goes wrong.
//
// A notebook is run through Jupyter's own executor (python3-nbclient, driven
// by the small embedded script execute.py) with a private kernel spec,
// "gonb-headless": GoNB started with --raw_error (compile errors as plain
// text), --go_work=<checkout> (cells import this module from the local
// checkout) and the environment of KernelEnv (GOEXPERIMENT=simd,
// GOTOOLCHAIN=local, GOPROXY=off when offline, go and $GOPATH/bin on PATH).
// The notebook file is validated first (ValidateNotebook), so a broken file
// fails with a JSON error rather than a Python traceback. The executed
// notebook is always saved, then Check inspects its outputs: a cell fails
// when it does not compile, panics, exits non-zero, runs a "!" shell command
// that exits non-zero, prints an error line (see ErrorLine) or runs past its
// deadline; a timeout wins over whatever the interrupted cell printed. Every
// failure names the notebook and the cell number.
//
// Strip removes execution counts and volatile metadata, so that executed
// notebooks can be committed with their outputs and diff cleanly.
//
// The same package installs the interactive kernel spec used by
// `make notebook` (InstallKernel).
//
// Out of scope: the notebooks' content (they belong to their authors), and
// any GAN code. Nothing here downloads anything.
package nbrun
