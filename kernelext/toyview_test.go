package kernelext

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Frames saved by one cell (process) come back identical in the next.
func TestSaveLoadFigure1Frames(t *testing.T) {
	dir := t.TempDir()
	live := NewFigure1Live(3, 2)
	for step := range 3 {
		if err := live.Add(figure1Input(step)); err != nil {
			t.Fatal(err)
		}
	}
	live.Finish() // outside a notebook: nothing to clear
	if live.Frames.Len() != 3 {
		t.Fatalf("Figure1Live kept %d frames, want 3", live.Frames.Len())
	}
	if err := live.Frames.SaveFrames(dir); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFigure1Frames(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 3 {
		t.Fatalf("loaded %d frames, want 3", got.Len())
	}
	for i := range 3 {
		if !bytes.Equal(got.PNGs()[i], live.Frames.PNGs()[i]) || got.labels[i] != live.Frames.labels[i] {
			t.Errorf("frame %d differs after the round trip (label %q vs %q)", i, got.labels[i], live.Frames.labels[i])
		}
	}

	// saving fewer frames removes the extra files
	short := &Figure1Frames{frames: got.frames[:1], labels: got.labels[:1]}
	if err := short.SaveFrames(dir); err != nil {
		t.Fatal(err)
	}
	if again, err := LoadFigure1Frames(dir); err != nil || again.Len() != 1 {
		t.Errorf("after saving 1 frame: %v frames, err %v; want 1, nil", again, err)
	}

	// Append joins two phases, and the player shows them all
	got.Append(short)
	html, err := got.HTML()
	if err != nil || got.Len() != 4 || bytes.Count([]byte(html), []byte("<img")) != 4 {
		t.Errorf("Append: %d frames, %d images in the player, err %v; want 4, 4, nil",
			got.Len(), bytes.Count([]byte(html), []byte("<img")), err)
	}
}

func TestLoadFigure1FramesErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadFigure1Frames(dir); err == nil {
		t.Error("empty folder: no error")
	}
	// two captions, one frame
	if err := os.WriteFile(filepath.Join(dir, framesIndexName), []byte("a\nb"), 0o644); err != nil {
		t.Fatal(err)
	}
	png, err := Figure1PNG(figure1Input(0), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "frame-0000.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFigure1Frames(dir); err == nil {
		t.Error("2 captions for 1 frame: no error")
	}
	// not a PNG
	if err := os.WriteFile(filepath.Join(dir, framesIndexName), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "frame-0000.png"), []byte("<html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFigure1Frames(dir); err == nil {
		t.Error("non-PNG frame: no error")
	}
}
