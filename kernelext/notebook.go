package kernelext

import (
	"os"
	"path/filepath"
	"strings"
)

// Notebook modes, read from the GAN_NOTEBOOK_MODE environment variable.
const (
	// ModeQuick shrinks every experiment so a notebook runs top to bottom in
	// about a minute; the headless test runner (make test) sets it.
	ModeQuick = "quick"
	// ModeFull runs the experiments at the size the notebook's text describes;
	// it is the default when GAN_NOTEBOOK_MODE is unset (a person at the keyboard).
	ModeFull = "full"
)

// EnvWorkDir names the environment variable that, when set, is the folder
// under which notebooks keep their checkpoints and other files.
const EnvWorkDir = "GAN_WORK_DIR"

// NotebookMode returns ModeQuick or ModeFull, from GAN_NOTEBOOK_MODE (any value
// other than "quick" counts as full).
func NotebookMode() string {
	if strings.EqualFold(strings.TrimSpace(os.Getenv(EnvNotebookMode)), ModeQuick) {
		return ModeQuick
	}
	return ModeFull
}

// Quick reports whether notebooks run in quick mode.
func Quick() bool { return NotebookMode() == ModeQuick }

// PickMode returns quick in quick mode and full otherwise: a notebook writes
// its sizes as kernelext.PickMode(200, 20000).
func PickMode[T any](quick, full T) T {
	if Quick() {
		return quick
	}
	return full
}

// WorkDir returns (and creates) the folder where notebook name keeps its
// checkpoints and files that later cells read back: every GoNB cell is a new
// process, so state passes through these files.
//
// It is $GAN_WORK_DIR/<name>/<mode> when GAN_WORK_DIR is set, else
// <repo>/notebooks/work/<name>/<mode> with <repo> from $GAN_REPO (set by the
// project's kernel spec), else <os temp dir>/gan-notebooks/<name>/<mode>.
// Quick and full runs never share a folder. The notebooks/work folder is
// ignored by git.
func WorkDir(name string) (string, error) {
	var base string
	switch {
	case os.Getenv(EnvWorkDir) != "":
		base = os.Getenv(EnvWorkDir)
	case os.Getenv("GAN_REPO") != "":
		base = filepath.Join(os.Getenv("GAN_REPO"), "notebooks", "work")
	default:
		base = filepath.Join(os.TempDir(), "gan-notebooks")
	}
	dir := filepath.Join(base, name, NotebookMode())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}
