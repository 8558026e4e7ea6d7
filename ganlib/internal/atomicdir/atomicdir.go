package atomicdir

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

const (
	// TempPrefix starts the name of a directory being written.
	TempPrefix = ".tmp-"
	// TrashPrefix starts the name of a directory being deleted.
	TrashPrefix = ".trash-"
)

// MkTemp creates an empty temporary directory parent/.tmp-<pid>-<random>,
// where the new directory's contents are written before publishing.
func MkTemp(parent string) (string, error) {
	return os.MkdirTemp(parent, fmt.Sprintf("%s%d-*", TempPrefix, os.Getpid()))
}

// SyncTree fsyncs every entry directly in dir (not recursively), then dir
// itself.
func SyncTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Wrapf(err, "reading %q", dir)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		f, err := os.Open(path)
		if err != nil {
			return errors.Wrapf(err, "opening %q to sync", path)
		}
		err = f.Sync()
		_ = f.Close()
		if err != nil {
			return errors.Wrapf(err, "syncing %q", path)
		}
	}
	return SyncDir(dir)
}

// SyncDir fsyncs the directory dir, making renames inside it durable.
func SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return errors.Wrapf(err, "opening %q to sync", dir)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return errors.Wrapf(err, "syncing directory %q", dir)
	}
	return nil
}

// Discard removes path, a directory inside parent: it is first renamed into
// a fresh parent/.trash-<pid>-* directory (one atomic step, so path is gone
// at once), then deleted.
func Discard(parent, path string) error {
	trash, err := os.MkdirTemp(parent, fmt.Sprintf("%s%d-*", TrashPrefix, os.Getpid()))
	if err != nil {
		return err
	}
	if err := os.Rename(path, filepath.Join(trash, filepath.Base(path))); err != nil {
		_ = os.Remove(trash)
		return err
	}
	return os.RemoveAll(trash)
}

// RemoveStale deletes the temporary and trash directories in parent whose
// writer (the pid in the name) is no longer running, and those whose name
// holds no pid. Directories of this process are deleted too when removeOwn
// is set (use it when this process never writes two at once: a pid reused
// after a restart, as in containers, then reads as this process), and kept
// otherwise. Errors are ignored: such directories are never read.
func RemoveStale(parent string, removeOwn bool) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), TempPrefix)
		if !ok {
			if rest, ok = strings.CutPrefix(e.Name(), TrashPrefix); !ok {
				continue
			}
		}
		pidText, _, _ := strings.Cut(rest, "-")
		if pid, err := strconv.Atoi(pidText); err == nil {
			own := pid == os.Getpid()
			if (own && !removeOwn) || (!own && ProcessAlive(pid)) {
				continue
			}
		}
		path := filepath.Join(parent, e.Name())
		klog.V(1).Infof("atomicdir: removing stale %s", path)
		_ = os.RemoveAll(path)
	}
}

// ProcessAlive reports whether a process with this pid exists (signal 0
// succeeds, or is refused for lack of permission).
func ProcessAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
