package nbrun

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkg/errors"
)

// ModulePath is the module whose checkout the kernel's go.work points at.
const ModulePath = "github.com/gan-notebooks/gan"

// ModeEnvVar is the environment variable notebooks read to size their work.
const ModeEnvVar = "GAN_NOTEBOOK_MODE"

// Mode values of ModeEnvVar.
const (
	// Quick shrinks each notebook to a smoke run (CI: minutes for all).
	Quick = "quick"
	// Full runs each notebook as written (the reproduction).
	Full = "full"
)

// DefaultTimeout bounds one notebook's execution when Options.Timeout is 0.
const DefaultTimeout = 20 * time.Minute

//go:embed execute.py
var executeScript []byte

// Options configure Run. The zero value runs in quick mode, offline, with
// outputs in a temporary folder.
type Options struct {
	// Mode is Quick (default) or Full, in any case (see ParseMode); the
	// kernel gets it, in lower case, as $GAN_NOTEBOOK_MODE.
	Mode string
	// OutDir receives <name>.ipynb (executed), <name>.log (the executor's and
	// GoNB's log) and, with HTML set, <name>.html. Default: a new temporary
	// folder.
	OutDir string
	// HTML also exports the executed notebook as HTML.
	HTML bool
	// Strip removes execution counts and volatile metadata from the executed
	// notebook (see Strip).
	Strip bool
	// Timeout bounds the whole notebook (kernel start included); a cell still
	// running at the deadline fails with KindTimeout. Default DefaultTimeout.
	Timeout time.Duration
	// Repo is the checkout cells import the project from. Default: the
	// folder at or above the notebook holding this module's go.mod, else the
	// one at or above the current directory (see DefaultRepo).
	Repo string
	// Online lets cells download modules (GOPROXY as in the environment).
	// By default the kernel runs with GOPROXY=off: notebooks must build from
	// the module cache, as a user without network would.
	Online bool
	// Python is an interpreter that can import nbclient and nbformat.
	// Default: /usr/bin/python3 (Debian's python3-nbclient), else python3.
	Python string
	// Env is added to the environment of the executor and the kernel.
	Env []string
}

// Result describes one executed notebook.
type Result struct {
	// Notebook is the path given to Run.
	Notebook string
	// Output, HTML and Log are the files written in Options.OutDir (HTML is
	// empty unless asked for).
	Output, HTML, Log string
	// Duration is the wall time of the execution, kernel start included.
	Duration time.Duration
	// Failures lists the cells that failed; empty when the notebook passed.
	Failures []Failure
}

// RunError is returned by Run when a notebook failed.
type RunError struct {
	Failures []Failure
	// Log is the file holding the executor's and GoNB's log.
	Log string
}

// Error lists every failure, one per line, then where the log is.
func (e *RunError) Error() string {
	lines := make([]string, 0, len(e.Failures)+1)
	for _, f := range e.Failures {
		lines = append(lines, f.Error())
	}
	if e.Log != "" {
		lines = append(lines, "(kernel log: "+e.Log+")")
	}
	return strings.Join(lines, "\n")
}

// status is what execute.py writes.
type status struct {
	OK      bool   `json:"ok"`
	Kind    string `json:"kind"`
	Cell    int    `json:"cell"` // 0-based, -1 when none
	Message string `json:"message"`
}

// Run executes the notebook at path headless with GoNB (see the package doc)
// and checks its outputs. It returns a *RunError listing every failed cell
// when the notebook fails; the executed notebook is written either way.
func Run(ctx context.Context, path string, opts Options) (*Result, error) {
	res := &Result{Notebook: path}
	abs, err := filepath.Abs(path)
	if err != nil {
		return res, errors.WithStack(err)
	}
	if _, err := os.Stat(abs); err != nil {
		return res, errors.Wrap(err, "nbrun")
	}
	if err := ValidateNotebook(path); err != nil {
		return res, err
	}
	if opts.Mode == "" {
		opts.Mode = Quick
	}
	if opts.Mode, err = ParseMode(opts.Mode); err != nil {
		return res, errors.WithMessage(err, "nbrun: Options.Mode")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Repo == "" {
		if opts.Repo, err = DefaultRepo(abs); err != nil {
			return res, err
		}
	}

	// Output files; checked before anything starts.
	if opts.OutDir == "" {
		if opts.OutDir, err = os.MkdirTemp("", "nbrun-out-"); err != nil {
			return res, errors.WithStack(err)
		}
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return res, errors.WithStack(err)
	}
	base := strings.TrimSuffix(filepath.Base(abs), ".ipynb")
	res.Output = filepath.Join(opts.OutDir, base+".ipynb")
	res.Log = filepath.Join(opts.OutDir, base+".log")
	if opts.HTML {
		res.HTML = filepath.Join(opts.OutDir, base+".html")
	}
	for _, out := range []string{res.Output, res.Log, res.HTML} {
		if fi, err := os.Stat(out); err == nil && fi.IsDir() {
			return res, errors.Errorf("nbrun: %s: output %s is a folder, not a file: remove it or choose another -out",
				path, out)
		}
	}
	goEnv, err := FindGoEnv()
	if err != nil {
		return res, err
	}
	python, err := findPython(opts.Python)
	if err != nil {
		return res, err
	}

	// Private Jupyter path with the headless kernel spec and the script.
	tmp, err := os.MkdirTemp("", "nbrun-")
	if err != nil {
		return res, errors.WithStack(err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	spec, err := headlessSpec(goEnv, opts.Repo, !opts.Online)
	if err != nil {
		return res, err
	}
	if _, err := WriteKernelSpec(tmp, HeadlessKernelName, spec); err != nil {
		return res, err
	}
	script := filepath.Join(tmp, "execute.py")
	if err := os.WriteFile(script, executeScript, 0o644); err != nil {
		return res, errors.WithStack(err)
	}

	statusPath := filepath.Join(tmp, "status.json")
	args := executorArgs(script, opts.Timeout, res.Output, statusPath, res.HTML, abs)

	// Execute; the context deadline is a backstop for a hung executor.
	logFile, err := os.Create(res.Log)
	if err != nil {
		return res, errors.WithStack(err)
	}
	defer func() { _ = logFile.Close() }()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Dir = filepath.Dir(abs)
	cmd.Env = append(os.Environ(),
		"JUPYTER_PATH="+joinPath(tmp, os.Getenv("JUPYTER_PATH")),
		ModeEnvVar+"="+opts.Mode,
		"PATH="+spec.Env["PATH"],
		"PYTHONUNBUFFERED=1")
	cmd.Env = append(cmd.Env, opts.Env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	setProcessGroup(cmd)
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	res.Duration = time.Since(start)

	// Judge the outcome.
	var st status
	raw, statusErr := os.ReadFile(statusPath)
	if statusErr == nil {
		statusErr = json.Unmarshal(raw, &st)
	}
	if statusErr != nil {
		msg := fmt.Sprintf("executor failed (%v) after %s; last log lines:\n%s",
			runErr, res.Duration.Round(time.Second), tailFile(res.Log, 15))
		res.Failures = []Failure{{Notebook: path, Kind: KindKernel, Message: msg}}
		return res, &RunError{Failures: res.Failures, Log: res.Log}
	}
	nb, err := ReadNotebook(res.Output)
	if err != nil {
		return res, err
	}
	res.Failures = judge(path, nb, st, opts.Timeout)
	if opts.Strip {
		if err := StripFile(res.Output); err != nil {
			return res, err
		}
	}
	if len(res.Failures) > 0 {
		return res, &RunError{Failures: res.Failures, Log: res.Log}
	}
	return res, nil
}

// ParseMode normalises a notebook mode: Quick or Full, in any case and with
// surrounding spaces (as kernelext.NotebookMode reads $GAN_NOTEBOOK_MODE).
func ParseMode(s string) (string, error) {
	m := strings.ToLower(strings.TrimSpace(s))
	if m != Quick && m != Full {
		return "", errors.Errorf("%q: want %s or %s", s, Quick, Full)
	}
	return m, nil
}

// DefaultRepo returns the checkout Run uses when Options.Repo is empty: the
// folder at or above the notebook (a file path) holding this module's go.mod,
// else the one at or above the current directory.
func DefaultRepo(notebook string) (string, error) {
	abs, err := filepath.Abs(notebook)
	if err != nil {
		return "", errors.WithStack(err)
	}
	if repo, err := FindRepo(filepath.Dir(abs)); err == nil {
		return repo, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", errors.WithStack(err)
	}
	if repo, err := FindRepo(wd); err == nil {
		return repo, nil
	}
	return "", errors.Errorf("nbrun: no go.mod of module %s at or above %s nor the current directory %s: "+
		"pass the checkout with -repo (Options.Repo)", ModulePath, filepath.Dir(abs), wd)
}

// ValidateNotebook checks, before Jupyter starts, that the file at path is
// an nbformat 4 notebook: a JSON object with "nbformat": 4 and a "cells"
// list. The error reads "<path>: not a valid notebook: <reason>".
func ValidateNotebook(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return errors.WithStack(err)
	}
	var nb struct {
		NBFormat *int             `json:"nbformat"`
		Cells    *json.RawMessage `json:"cells"`
	}
	invalid := func(format string, args ...any) error {
		return errors.Errorf("%s: not a valid notebook: "+format, append([]any{path}, args...)...)
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		return invalid("%v", err)
	}
	switch {
	case nb.NBFormat == nil:
		return invalid(`no "nbformat" field`)
	case *nb.NBFormat != 4:
		return invalid(`"nbformat" is %d, want 4`, *nb.NBFormat)
	case nb.Cells == nil:
		return invalid(`no "cells" list`)
	}
	var cells []Cell
	if err := json.Unmarshal(*nb.Cells, &cells); err != nil {
		return invalid(`"cells": %v`, err)
	}
	return nil
}

// CheckDistinctNames returns an error when two different notebooks among
// paths have the same base name: run into the same output folder, the second
// would overwrite the first's <name>.ipynb, .log and .html.
func CheckDistinctNames(paths []string) error {
	seen := map[string]string{} // base name -> absolute path
	given := map[string]string{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return errors.WithStack(err)
		}
		base := filepath.Base(abs)
		if prev, ok := seen[base]; ok && prev != abs {
			return errors.Errorf("nbrun: %s and %s have the same name %s: their outputs would overwrite "+
				"each other; run them with different output folders", given[base], p, base)
		}
		seen[base], given[base] = abs, p
	}
	return nil
}

// FindRepo returns the first folder at or above dir holding the go.mod of
// ModulePath.
func FindRepo(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", errors.WithStack(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if raw, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			if modulePath(raw) == ModulePath {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.Errorf("nbrun: no go.mod of module %s at or above %s: pass the checkout with -repo "+
				"(Options.Repo)", ModulePath, dir)
		}
	}
}

func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

var (
	pythonOnce  sync.Once
	pythonFound string
	pythonErr   error
)

// findPython returns want if set, else the first of /usr/bin/python3 and
// python3 that imports nbclient and nbformat.
func findPython(want string) (string, error) {
	if want != "" {
		return want, nil
	}
	pythonOnce.Do(func() {
		for _, p := range []string{"/usr/bin/python3", "python3"} {
			if err := exec.Command(p, "-c", "import nbclient, nbformat").Run(); err == nil {
				pythonFound = p
				return
			}
		}
		pythonErr = errors.New("nbrun: no python3 with nbclient and nbformat found: install the Debian " +
			"packages python3-nbclient and jupyter-nbconvert (or run `make notebook`)")
	})
	return pythonFound, pythonErr
}

// executorArgs builds execute.py's command line. The deadline is passed in
// fractional seconds (milliseconds kept), so that 5.5s stays 5.5s.
func executorArgs(script string, timeout time.Duration, out, statusPath, html, notebook string) []string {
	secs := strconv.FormatFloat(timeout.Seconds(), 'f', 3, 64)
	args := []string{script, "--kernel", HeadlessKernelName,
		"--deadline", secs, "--cell-timeout", secs,
		"--out", out, "--status", statusPath}
	if html != "" {
		args = append(args, "--html", html)
	}
	return append(args, notebook)
}

// judge turns the executed notebook and the executor's status into failures.
// Output checks (Check) judge every cell, except that a timeout reported by
// the executor wins over them for the cell that was running: interrupting
// that cell makes GoNB print errors ("signal: interrupt") that would
// otherwise be reported instead of the timeout. Other executor failures are
// added only when Check found nothing wrong with that cell.
func judge(path string, nb *Notebook, st status, timeout time.Duration) []Failure {
	failures := Check(path, nb)
	if st.OK {
		return failures
	}
	cell := st.Cell + 1 // 1-based; 0 when not tied to a cell
	if st.Cell < 0 || st.Cell >= len(nb.Cells) {
		cell = 0
	}
	f := Failure{Notebook: path, Kind: KindKernel, Message: firstLines(st.Message, 8)}
	switch st.Kind {
	case "timeout":
		f.Kind = KindTimeout
		f.Message = fmt.Sprintf("still running at the notebook deadline (%s)", timeout)
		kept := failures[:0]
		for _, g := range failures {
			if cell == 0 || g.Cell != cell {
				kept = append(kept, g)
			}
		}
		failures = kept
	case "error":
		f.Kind = KindError
		if failedAt(failures, cell) {
			return failures
		}
	default:
		if failedAt(failures, cell) {
			return failures
		}
	}
	if cell > 0 {
		f.Cell, f.CodeCell = cell, codeCellNumber(nb, st.Cell)
	}
	return append(failures, f)
}

func failedAt(failures []Failure, cell int) bool {
	for _, f := range failures {
		if f.Cell == cell {
			return true
		}
	}
	return false
}

// codeCellNumber is the 1-based number among code cells of cell index i.
func codeCellNumber(nb *Notebook, i int) int {
	n := 0
	for j := 0; j <= i && j < len(nb.Cells); j++ {
		if nb.Cells[j].CellType == "code" {
			n++
		}
	}
	return n
}

// StripFile applies Strip to the notebook at path, in place (atomically).
func StripFile(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return errors.WithStack(err)
	}
	clean, err := Strip(raw)
	if err != nil {
		return errors.WithMessage(err, path)
	}
	return writeFileAtomic(path, clean)
}

func joinPath(first, rest string) string {
	if rest == "" {
		return first
	}
	return first + string(os.PathListSeparator) + rest
}

// tailFile returns the last n lines of the file at path.
func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	raw, _ := io.ReadAll(f)
	return lastLines(string(raw), n)
}

// RequireEnvVar, when set to 1, makes tests fail instead of skipping when
// Available reports something missing (the Makefile sets it).
const RequireEnvVar = "GAN_NOTEBOOK_REQUIRE"

// Available checks that everything Run needs is installed: go, gonb,
// goimports and gopls (from `go install tool`), and a python3 with nbclient.
// The error says what is missing and how to install it.
func Available() error {
	g, err := FindGoEnv()
	if err != nil {
		return err
	}
	for _, tool := range []string{"gonb", "goimports", "gopls"} {
		if _, err := os.Stat(filepath.Join(g.ToolBin, tool)); err != nil {
			return errors.Errorf("nbrun: %s not found in %s: run `go install tool` in the checkout "+
				"(or `make notebook`)", tool, g.ToolBin)
		}
	}
	_, err = findPython("")
	return err
}
