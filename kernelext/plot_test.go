package kernelext

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dumpPNG writes PNG bytes under $KERNELEXT_DUMP (if set) to look at them.
func dumpPNG(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("KERNELEXT_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// countColour counts pixels within tol (per 8-bit channel) of c.
func countColour(img image.Image, c color.RGBA, tol int) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-int(c.R)) <= tol && abs(int(g>>8)-int(c.G)) <= tol &&
				abs(int(bl>>8)-int(c.B)) <= tol {
				n++
			}
		}
	}
	return n
}

func abs(x int) int { return max(x, -x) }

func TestCurvesPlot(t *testing.T) {
	steps := []float64{0, 1, 2, 3, 4}
	p, err := CurvesPlot([]Series{
		{Name: "D loss", X: steps, Y: []float64{1.4, 1.2, 1.1, 1.3, 1.35}},
		{Name: "G loss", X: steps, Y: []float64{0.7, 0.9, 1.0, 0.8, 0.75}, Dashed: true},
	}, PlotOptions{Title: "losses", XLabel: "step"})
	if err != nil {
		t.Fatal(err)
	}
	pngBytes, err := RenderPNG(0, 0, p)
	if err != nil {
		t.Fatal(err)
	}
	dumpPNG(t, "curves.png", pngBytes)
	img := decodePNG(t, pngBytes)
	// 5in x 3.5in at 96 dpi = 480 x 336 pixels
	if b := img.Bounds(); b.Dx() != 480 || b.Dy() != 336 {
		t.Errorf("PNG size %v, want 480x336", b.Size())
	}
	// both series drawn in their palette colours
	for i, name := range []string{"D loss", "G loss"} {
		c := Palette[i].(color.RGBA)
		if n := countColour(img, c, 10); n < 50 {
			t.Errorf("series %q: only %d pixels of its colour %v", name, n, c)
		}
	}
	svg, err := RenderSVG(0, 0, p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg, "<svg") || !strings.Contains(svg, "G loss") {
		t.Errorf("SVG lacks <svg or the legend text: %.200s", svg)
	}
}

func TestPlotsRefuseNonFinite(t *testing.T) {
	// GAN-10 (c), GAN-05: a NaN in any plot input is refused with a message.
	nan := math.NaN()
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"curves", func() error {
			_, err := CurvesPlot([]Series{{Name: "D loss", X: []float64{0, 1}, Y: []float64{1, nan}}}, PlotOptions{})
			return err
		}, `refusing to plot series "D loss" Y: value 1 is NaN`},
		{"histogram", func() error {
			_, err := HistogramPlot([]float64{1, 2, math.Inf(1)}, 10, true, PlotOptions{})
			return err
		}, "refusing to plot histogram values: value 2 is +Inf"},
		{"sigma sweep", func() error {
			_, err := SigmaSweepPlot([]float64{0.1, 0.2}, []float64{nan, 1}, 0.1)
			return err
		}, "value 0 is NaN"},
		{"metrics", func() error {
			_, _, err := MetricsPlots([]MetricPoint{{Step: 2}, {Step: 3, DLoss: nan}})
			return err
		}, "D loss is NaN at step 3"},
		{"figure 1", func() error {
			_, err := Figure1Frame(Figure1Input{X: []float64{0, 1}, PData: []float64{0, 1},
				PG: []float64{nan, 0}, D: []float64{0.5, 0.5}})
			return err
		}, "Figure1Input.PG: value 0 is NaN"},
		{"log x needs positive", func() error {
			_, err := CurvesPlot([]Series{{Name: "s", X: []float64{0, 1}, Y: []float64{1, 2}}}, PlotOptions{LogX: true})
			return err
		}, "X[0] = 0, but a log x axis needs X > 0"},
		{"length mismatch", func() error {
			_, err := CurvesPlot([]Series{{Name: "s", X: []float64{0, 1}, Y: []float64{1}}}, PlotOptions{})
			return err
		}, `series "s" has 2 X values but 1 Y values`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestSigmaSweepAndHistogram(t *testing.T) {
	sigmas := []float64{0.05, 0.1, 0.2, 0.5, 1}
	ll := []float64{150, 210, 225, 180, 90}
	p, err := SigmaSweepPlot(sigmas, ll, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float64, 2000)
	for i := range vals {
		vals[i] = 4 + 0.5*math.Sin(float64(i)*0.37)*math.Cos(float64(i)*0.11)
	}
	h, err := HistogramPlot(vals, 40, true, PlotOptions{Title: "generated x", XLabel: "x"})
	if err != nil {
		t.Fatal(err)
	}
	pngBytes, err := RenderPNG(0, 0, p, h)
	if err != nil {
		t.Fatal(err)
	}
	dumpPNG(t, "sweep_hist.png", pngBytes)
	img := decodePNG(t, pngBytes)
	if b := img.Bounds(); b.Dx() != 960 || b.Dy() != 336 {
		t.Errorf("two plots side by side: size %v, want 960x336", b.Size())
	}
	// the chosen-sigma marker (red) and the histogram bars (blue fill) are drawn
	if n := countColour(img, Palette[3].(color.RGBA), 10); n < 30 {
		t.Errorf("chosen sigma marker: %d red pixels", n)
	}
	if n := countColour(img, Palette[0].(color.RGBA), 10); n < 2000 {
		t.Errorf("histogram/curve: %d blue pixels", n)
	}
	if _, err := SigmaSweepPlot(sigmas, ll, 0); err == nil {
		t.Error("chosen sigma 0 accepted")
	}
}

// figure1Input is a hand-made 1-D game: data N(4, 0.5), G's density N(3.5,
// 0.7), D a logistic curve, and G(z) = 3.5 + 0.7*Φ^-1(z)-like spread.
func figure1Input(step int) Figure1Input {
	var in Figure1Input
	shift := 0.5 * math.Exp(-float64(step)/3)
	for i := 0; i <= 200; i++ {
		x := 1 + 6*float64(i)/200
		in.X = append(in.X, x)
		in.PData = append(in.PData, gauss(x, 4, 0.5))
		in.PG = append(in.PG, gauss(x, 4-shift, 0.5+shift/2))
		in.D = append(in.D, 1/(1+math.Exp(-4*shift*(x-4+shift/2))))
	}
	for i := 0; i < 25; i++ {
		z := (float64(i) + 0.5) / 25
		in.Z = append(in.Z, z)
		in.GZ = append(in.GZ, 4-shift+(0.5+shift/2)*1.6*(z-0.5)*2)
	}
	in.ZMin, in.ZMax = 0, 1
	in.Title = "step " + string(rune('0'+step))
	return in
}

func gauss(x, mu, sd float64) float64 {
	return math.Exp(-0.5*(x-mu)*(x-mu)/(sd*sd)) / (sd * math.Sqrt(2*math.Pi))
}

func TestFigure1(t *testing.T) {
	pngBytes, err := Figure1PNG(figure1Input(0), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	dumpPNG(t, "figure1.png", pngBytes)
	img := decodePNG(t, pngBytes)
	// the three curves in their colours: black (p_data, dotted), green (p_g), blue (D)
	for _, c := range []struct {
		name string
		c    color.RGBA
	}{{"p_g green", Figure1GenColor.(color.RGBA)}, {"D blue", Figure1DiscColor.(color.RGBA)}} {
		if n := countColour(img, c.c, 30); n < 100 {
			t.Errorf("%s: only %d pixels", c.name, n)
		}
	}

	// mismatched inputs are refused
	bad := figure1Input(0)
	bad.D = bad.D[:10]
	if _, err := Figure1Frame(bad); err == nil || !strings.Contains(err.Error(), "Figure1Input.D has 10 values, want len(X) = 201") {
		t.Errorf("short D: err = %v", err)
	}
	bad = figure1Input(0)
	bad.GZ = bad.GZ[:3]
	if _, err := Figure1Frame(bad); err == nil || !strings.Contains(err.Error(), "25 Z but 3 GZ") {
		t.Errorf("short GZ: err = %v", err)
	}
}

func TestFramesHTMLAndGIF(t *testing.T) {
	ff := &Figure1Frames{Width: 4 * 72, Height: 3 * 72}
	for step := 0; step < 4; step++ {
		if err := ff.Add(figure1Input(step)); err != nil {
			t.Fatal(err)
		}
	}
	frames, labels := ff.PNGs(), ff.labels
	if ff.Len() != 4 {
		t.Fatalf("%d frames, want 4", ff.Len())
	}
	// 4in x 3in at 96 dpi
	if sz := decodePNG(t, frames[0]).Bounds().Size(); sz.X != 384 || sz.Y != 288 {
		t.Errorf("frame size %v, want 384x288", sz)
	}
	h, err := ff.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h, `data-label="step 3"`) {
		t.Error("frames are not labelled with their titles")
	}
	if n := strings.Count(h, `src="data:image/png;base64,`); n != 4 {
		t.Errorf("%d embedded frames, want 4", n)
	}
	// only the last frame is visible without script; no network references
	if strings.Count(h, "display:block") != 1 || strings.Count(h, "display:none") != 3 {
		t.Errorf("want 1 visible and 3 hidden frames")
	}
	if strings.Contains(h, "http") || strings.Contains(h, "<script") {
		t.Errorf("player must work offline, without external scripts")
	}
	if !strings.Contains(h, `max="3" value="3"`) {
		t.Errorf("slider should span 0..3 and start at the last frame")
	}
	if _, err := FramesHTML(frames, labels[:2]); err == nil {
		t.Error("label count mismatch accepted")
	}
	if _, err := FramesHTML([][]byte{[]byte("GIF89a")}, nil); err == nil {
		t.Error("non-PNG frame accepted")
	}
	if testing.Short() {
		return
	}
	g, err := ff.GIF(50)
	if err != nil {
		t.Fatal(err)
	}
	anim, err := gif.DecodeAll(bytes.NewReader(g))
	if err != nil {
		t.Fatal(err)
	}
	if len(anim.Image) != 4 || anim.Delay[3] != 50 || anim.Image[0].Bounds().Dx() != 384 {
		t.Errorf("GIF has %d frames (delay %v, width %d), want 4 frames of 384 px, delay 50",
			len(anim.Image), anim.Delay, anim.Image[0].Bounds().Dx())
	}
	dumpPNG(t, "figure1.gif", g)
}
