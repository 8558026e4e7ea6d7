package kernelext

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gan-notebooks/gan/data"
)

func fakePoints(n int) []MetricPoint {
	var pts []MetricPoint
	for i := 0; i < n; i++ {
		s := float64(i)
		pts = append(pts, MetricPoint{Step: i, DLoss: 1.386 - 0.3*math.Exp(-s/20),
			GLoss: 0.693 + 0.2*math.Sin(s/7), DReal: 0.5 + 0.2*math.Exp(-s/30), DFake: 0.5 - 0.2*math.Exp(-s/30)})
	}
	return pts
}

func TestLiveHTML(t *testing.T) {
	s := LiveSnapshot{Title: "MNIST", Step: 99, TotalSteps: 200, Points: fakePoints(100),
		Samples: syntheticDigits(8), Grid: GridOptions{Cols: 4},
		Notes: []string{CollapseBadgeHTML(false, 3.2, 0.5, "mean pairwise L2")}}
	h, err := LiveHTML(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<b>MNIST</b> step 99 / 200 (50%)", "mean D(G(z))", "<td style=\"padding:2px 8px;text-align:right\">99</td>", "diverse: mean pairwise L2 = 3.2"} {
		if !strings.Contains(h, want) {
			t.Errorf("live HTML lacks %q", want)
		}
	}
	if n := strings.Count(h, `<img src="data:image/png;base64,`); n != 2 {
		t.Errorf("%d embedded PNGs, want 2 (plots and grid)", n)
	}
	if strings.Contains(h, "http") {
		t.Error("live HTML must not reference the network")
	}

	// bad samples: the builder reports the grid's error
	s.Samples = &data.Images{H: 28, W: 28, C: 1, Range: data.RangeUnit}
	if _, err := LiveHTML(s); err == nil || !strings.Contains(err.Error(), "no samples to display") {
		t.Errorf("LiveHTML with 0 samples: err = %v", err)
	}
}

func TestMetricsPNG(t *testing.T) {
	b, err := MetricsPNG(fakePoints(3000)) // strided to <= 1000 points per curve
	if err != nil {
		t.Fatal(err)
	}
	dumpPNG(t, "metrics.png", b)
	img := decodePNG(t, b)
	if sz := img.Bounds().Size(); sz.X != 768 || sz.Y != 288 {
		t.Errorf("size %v, want 768x288 (two 4x3in plots at 96 dpi)", sz)
	}
}

func TestLiveViewOutsideNotebook(t *testing.T) {
	if InNotebook() {
		t.Skip("running inside GoNB")
	}
	dir := t.TempDir()
	SetDisplayDir(dir)
	defer SetDisplayDir("")

	lv := NewLiveView("toy", 10, 30, GridOptions{Cols: 2})
	calls := 0
	sampler := func() (*data.Images, error) { calls++; return syntheticDigits(4), nil }
	for _, p := range fakePoints(30) {
		if err := lv.Step(p, sampler); err != nil {
			t.Fatal(err)
		}
	}
	// outside a notebook nothing is drawn, so samples are taken every 10
	// steps: steps 0, 10, 20
	if calls != 3 {
		t.Errorf("sampler called %d times, want 3", calls)
	}
	// GAN-05: a NaN loss is refused, named, not recorded
	err := lv.Step(MetricPoint{Step: 30, DLoss: 1, GLoss: math.Inf(1), DReal: .5, DFake: .5}, sampler)
	if err == nil || err.Error() != "kernelext: G loss is +Inf at step 30" {
		t.Errorf("Step with Inf: err = %v", err)
	}
	// NaN samples are refused too, naming the step and sample
	nanSampler := func() (*data.Images, error) {
		imgs := syntheticDigits(4)
		imgs.Image(1)[5] = float32(math.NaN())
		return imgs, nil
	}
	err = lv.Step(MetricPoint{Step: 40, DLoss: 1, GLoss: 1, DReal: .5, DFake: .5}, nanSampler)
	if err == nil || !strings.Contains(err.Error(), "samples at step 40: kernelext: sample 1 has non-finite value NaN") {
		t.Errorf("Step with NaN samples: err = %v", err)
	}
	if lv.Snapshot().Samples.N != 4 || CheckFinite(lv.Snapshot().Samples, "s") != nil {
		t.Error("NaN samples replaced the last good ones")
	}
	snap := lv.Snapshot()
	if len(snap.Points) != 31 || snap.Step != 40 {
		t.Errorf("snapshot has %d points up to step %d, want 31 up to 40", len(snap.Points), snap.Step)
	}
	if !strings.Contains(lv.HTML(), "sample 1 has non-finite value NaN") {
		t.Error("live HTML does not show the refused step")
	}

	shown, err := lv.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if shown.Path == "" {
		t.Fatalf("Finish: %+v", shown)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, f := range files {
		name := filepath.Base(f)
		names = append(names, name[5:]) // drop the sequence number
		if strings.HasSuffix(name, ".png") {
			b, _ := os.ReadFile(f)
			if !bytes.HasPrefix(b, pngMagic) {
				t.Errorf("%s is not a PNG", name)
			}
		}
	}
	sort.Strings(names)
	want := []string{"grid.png", "metrics.png", "note.html", "table.html"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("Finish wrote %v, want %v", names, want)
	}
}

func TestProgressTerminal(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &Progress{label: "parzen", total: 100, out: &buf, now: func() time.Time { return clock },
		start: clock, Interval: time.Second}
	clock = clock.Add(2 * time.Second)
	p.Update(20)
	clock = clock.Add(100 * time.Millisecond)
	p.Update(21) // throttled: within Interval
	clock = clock.Add(2 * time.Second)
	p.Update(50)
	p.Done()
	p.Done() // idempotent
	p.Update(70)
	got := buf.String()
	lines := strings.Split(got, "\r")
	// "", first draw, second draw, final draw
	if len(lines) != 4 {
		t.Fatalf("%d redraws in %q, want 3", len(lines)-1, got)
	}
	// 20 units in 2s: 10/s, 80 left -> 8s (hand derivation)
	if !strings.Contains(lines[1], "[======                        ] parzen 20/100 (20.0%) 10.0/s, 8s left") {
		t.Errorf("first line = %q", lines[1])
	}
	if !strings.HasSuffix(got, "\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("Done should end the line once: %q", got)
	}
}

func TestWidgetsHeadless(t *testing.T) {
	t.Setenv(EnvNotebookMode, "quick")
	if !Headless() {
		t.Fatal("Headless() = false with GAN_NOTEBOOK_MODE set")
	}
	f, err := NewForm("D architecture",
		IntKnob("d_hidden", []int{120, 240}, 240),
		IntKnob("maxout_pieces", []int{2, 5}, 5),
		FloatKnob("keep_prob", []float64{0.5, 0.8}, 0.8),
		FloatKnob("d_learning_rate", []float64{0.01, 0.1}, 0.05), // not among options: prepended
		ChoiceKnob("loss", []string{"minimax", "non-saturating"}, "non-saturating"),
	)
	if err != nil {
		t.Fatal(err)
	}
	var runs []Values
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range f.Runs(context.Background()) {
			runs = append(runs, v)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("headless form blocked")
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs, want exactly 1 with the defaults", len(runs))
	}
	v := runs[0]
	if n, err := v.Int("d_hidden"); err != nil || n != 240 {
		t.Errorf("d_hidden = %d, %v; want 240", n, err)
	}
	if x, err := v.Float("d_learning_rate"); err != nil || x != 0.05 {
		t.Errorf("d_learning_rate = %g, %v; want 0.05", x, err)
	}
	if v["loss"] != "non-saturating" {
		t.Errorf("loss = %q", v["loss"])
	}
	if _, err := v.Int("loss"); err == nil || !strings.Contains(err.Error(), `"loss" = "non-saturating" is not an integer`) {
		t.Errorf("Int(loss): err = %v", err)
	}
	if _, err := v.Float("missing"); err == nil {
		t.Error("Float of a missing setting gave no error")
	}
	tbl := f.Table(v).HTML()
	if !strings.Contains(tbl, ">0.05</td>") || !strings.Contains(tbl, "maxout_pieces") {
		t.Errorf("settings table: %s", tbl)
	}

	// validation
	if _, err := NewForm("x", Knob{Name: "a", Options: []string{"1"}}, Knob{Name: "a", Options: []string{"2"}}); err == nil {
		t.Error("duplicate knob names accepted")
	}
	if _, err := NewForm("x", Knob{Name: "a", Options: []string{"1"}, Default: 1}); err == nil ||
		!strings.Contains(err.Error(), `knob "a" has Default 1, want 0..0`) {
		t.Errorf("bad default: err = %v", err)
	}
}

func TestShowInterrupted(t *testing.T) {
	h := InterruptedHTML(1234, "/tmp/ckpt<1>")
	if !strings.Contains(h, "after step 1234") || !strings.Contains(h, "/tmp/ckpt&lt;1&gt;") {
		t.Errorf("InterruptedHTML = %s", h)
	}
	if h := InterruptedHTML(5, ""); !strings.Contains(h, "progress is lost") {
		t.Errorf("without a checkpoint dir: %s", h)
	}
}
