package kernelext

// Figure 1 frames across notebook cells and live: every GoNB cell is a new
// process, so frames collected while training in one cell are saved to a
// folder (SaveFrames) and replayed in a later one (LoadFigure1Frames).
// Figure1Live shows the newest frame in one transient output, updated in
// place during training, and keeps every frame for the replay.

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot/vg"
)

// framesIndexName is the file listing the saved frames' captions, one line
// per frame, in order.
const framesIndexName = "frames.txt"

// SaveFrames writes the frames into dir as frame-NNNN.png plus frames.txt
// (one caption per line), each file atomically, creating dir. Frames already
// in dir with higher numbers are removed, so dir holds exactly these frames.
func (ff *Figure1Frames) SaveFrames(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("kernelext: SaveFrames: creating %q: %w", dir, err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	keep := map[string]bool{}
	for i, f := range ff.frames {
		name := filepath.Join(dir, fmt.Sprintf("frame-%04d.png", i))
		keep[name] = true
		if err := writeFileAtomic(name, f); err != nil {
			return err
		}
	}
	for _, p := range old {
		if !keep[p] {
			_ = os.Remove(p)
		}
	}
	labels := make([]string, len(ff.labels))
	for i, l := range ff.labels {
		labels[i] = strings.ReplaceAll(l, "\n", " ")
	}
	return writeFileAtomic(filepath.Join(dir, framesIndexName), []byte(strings.Join(labels, "\n")))
}

// LoadFigure1Frames reads frames written by SaveFrames. Width and Height of
// the result are 0 (the defaults) for frames added later.
func LoadFigure1Frames(dir string) (*Figure1Frames, error) {
	index, err := os.ReadFile(filepath.Join(dir, framesIndexName))
	if err != nil {
		return nil, fmt.Errorf("kernelext: LoadFigure1Frames: %w", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	sort.Strings(files)
	var labels []string
	if s := string(index); s != "" {
		labels = strings.Split(s, "\n")
	}
	if len(labels) != len(files) {
		return nil, fmt.Errorf("kernelext: LoadFigure1Frames: %s lists %d captions but %s holds %d frame-*.png files",
			filepath.Join(dir, framesIndexName), len(labels), dir, len(files))
	}
	ff := &Figure1Frames{labels: labels}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("kernelext: LoadFigure1Frames: %w", err)
		}
		if !strings.HasPrefix(string(b[:min(len(b), len(pngMagic))]), string(pngMagic)) {
			return nil, fmt.Errorf("kernelext: LoadFigure1Frames: %s is not a PNG", f)
		}
		ff.frames = append(ff.frames, b)
	}
	return ff, nil
}

// Append adds the frames of other after ff's (e.g. the frames of a later
// training phase, loaded from another folder).
func (ff *Figure1Frames) Append(other *Figure1Frames) {
	ff.frames = append(ff.frames, other.frames...)
	ff.labels = append(ff.labels, other.labels...)
}

// Figure1Live shows Figure 1 live while a 1-D game trains: each Add renders
// a frame, keeps it in Frames, and (in a notebook) replaces the transient
// output's image with it. Finish clears the transient output; replay the
// frames with Frames.Display, or save them with Frames.SaveFrames.
type Figure1Live struct {
	Frames Figure1Frames
	id     string
}

// NewFigure1Live returns a live Figure 1 view with frames of w x h inches (0
// means the defaults, 5 x 3.5).
func NewFigure1Live(w, h float64) *Figure1Live {
	fl := &Figure1Live{id: "kernelext_fig1_" + gonbui.UniqueId()}
	fl.Frames.Width, fl.Frames.Height = lengthOrZero(w), lengthOrZero(h)
	return fl
}

// Add renders in as the next frame and shows it in place of the previous
// one (in a notebook only). Errors are Figure1Frame's (empty or non-finite
// input).
func (fl *Figure1Live) Add(in Figure1Input) error {
	if err := fl.Frames.Add(in); err != nil {
		return err
	}
	if InNotebook() {
		last := fl.Frames.frames[len(fl.Frames.frames)-1]
		gonbui.UpdateHTML(fl.id, fmt.Sprintf(`<img src="data:image/png;base64,%s"/>`, base64PNG(last)))
		gonbui.Sync()
	}
	return nil
}

// Finish clears the transient output (the frames stay in Frames).
func (fl *Figure1Live) Finish() {
	if InNotebook() {
		gonbui.UpdateHTML(fl.id, "")
		gonbui.Sync()
	}
}

func lengthOrZero(inches float64) vg.Length {
	if inches <= 0 {
		return 0
	}
	return vg.Length(inches) * vg.Inch
}

func base64PNG(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
