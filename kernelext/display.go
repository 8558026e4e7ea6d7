package kernelext

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"k8s.io/klog/v2"
)

// Environment variables read by this package.
const (
	// EnvDisplayDir names a directory where Display... functions write
	// their content (PNG, SVG, HTML files) when the program does not run
	// inside a GoNB notebook, e.g. under `go test` or `go run`.
	EnvDisplayDir = "GAN_DISPLAY_DIR"

	// EnvNotebookMode is set by the headless notebook runner to "quick"
	// or "full". When it is set, widgets take their defaults and never
	// wait for a click.
	EnvNotebookMode = "GAN_NOTEBOOK_MODE"
)

var (
	muDisplay  sync.Mutex
	displayDir string // set by SetDisplayDir; overrides EnvDisplayDir.
	displaySeq int    // numbers the files written outside a notebook.
	warnOnce   sync.Once
)

// InNotebook reports whether the program was started by a GoNB kernel (the
// GONB_PIPE environment variable is set), i.e. whether display calls reach a
// notebook.
func InNotebook() bool { return gonbui.IsNotebook }

// Headless reports whether nobody can interact with the program: it is not in
// a notebook, or the headless runner set EnvNotebookMode. Widgets use their
// defaults when Headless is true.
func Headless() bool {
	return !InNotebook() || os.Getenv(EnvNotebookMode) != ""
}

// SetDisplayDir sets the directory where Display... functions write files when
// not in a notebook. It overrides the EnvDisplayDir environment variable; ""
// restores the environment variable.
func SetDisplayDir(dir string) {
	muDisplay.Lock()
	defer muDisplay.Unlock()
	displayDir = dir
}

// DisplayDir returns the directory in use for files written outside a
// notebook, or "" if there is none.
func DisplayDir() string {
	muDisplay.Lock()
	defer muDisplay.Unlock()
	if displayDir != "" {
		return displayDir
	}
	return os.Getenv(EnvDisplayDir)
}

// Shown reports where a Display... call sent its content. Display functions
// never fail because of the display channel: problems are reported here.
type Shown struct {
	// InNotebook is true when the content was sent to the notebook.
	InNotebook bool
	// Path is the file written when not in a notebook and a display
	// directory is set; "" otherwise.
	Path string
	// Note is a one-line human-readable account, e.g.
	// "not in a notebook: wrote /tmp/out/0003-grid.png".
	Note string
	// Err is set when the content could not be delivered (pipe error,
	// file write error).
	Err error
}

// String returns s.Note.
func (s Shown) String() string { return s.Note }

var badNameChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// deliver sends content to the notebook, or writes it under DisplayDir().
// send is called only in a notebook; name+ext names the file otherwise.
// Every call flushes with gonbui.Sync before returning.
func deliver(name, ext string, content []byte, send func()) Shown {
	if InNotebook() {
		send()
		gonbui.Sync()
		if err := gonbui.Error(); err != nil {
			return Shown{InNotebook: true, Note: "notebook display failed: " + err.Error(), Err: err}
		}
		return Shown{InNotebook: true, Note: "sent to notebook"}
	}

	dir := DisplayDir()
	if dir == "" {
		warnOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "kernelext: not running in a GoNB notebook (no %s); "+
				"set %s to save displays as files\n", protocol.GONB_PIPE_ENV, EnvDisplayDir)
		})
		return Shown{Note: fmt.Sprintf("not in a notebook: %s%s not shown (set %s to save it)",
			name, ext, EnvDisplayDir)}
	}

	// write the file atomically, numbered so that successive displays don't clash
	muDisplay.Lock()
	displaySeq++
	seq := displaySeq
	muDisplay.Unlock()
	clean := badNameChars.ReplaceAllString(name, "_")
	if clean == "" {
		clean = "display"
	}
	path := filepath.Join(dir, fmt.Sprintf("%04d-%s%s", seq, clean, ext))
	if err := writeFileAtomic(path, content); err != nil {
		return Shown{Note: "not in a notebook: " + err.Error(), Err: err}
	}
	klog.V(1).Infof("kernelext: not in a notebook, wrote %s", path)
	return Shown{Path: path, Note: "not in a notebook: wrote " + path}
}

// writeFileAtomic writes content to path through a temporary file and a
// rename, creating the directory if needed.
func writeFileAtomic(path string, content []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("kernelext: creating display directory %q: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("kernelext: writing %q: %w", path, err)
	}
	_, err = tmp.Write(content)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("kernelext: writing %q: %w", path, err)
	}
	return nil
}

// DisplayPNG shows PNG bytes as an image/png output (which persists in the
// saved notebook), or writes name.png under DisplayDir() outside a notebook.
func DisplayPNG(name string, pngBytes []byte) Shown {
	return deliver(name, ".png", pngBytes, func() { gonbui.DisplayPng(pngBytes) })
}

// DisplayHTML shows an HTML fragment, or writes name.html under DisplayDir()
// outside a notebook.
func DisplayHTML(name, html string) Shown {
	return deliver(name, ".html", []byte(html), func() { gonbui.DisplayHTML(html) })
}

// DisplaySVG shows an SVG document (GoNB wraps it in HTML), or writes
// name.svg under DisplayDir() outside a notebook.
func DisplaySVG(name, svg string) Shown {
	return deliver(name, ".svg", []byte(svg), func() { gonbui.DisplaySvg(svg) })
}
