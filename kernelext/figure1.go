package kernelext

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/png"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Figure1Input is one frame of the paper's Figure 1 for a 1-D game: the data
// density p_data, the generator's density p_g, the discriminator D(x), all on
// the grid X, and the mapping x = G(z) for some noise values.
type Figure1Input struct {
	// X is the grid of x values, increasing.
	X []float64
	// PData, PG and D hold p_data(x), p_g(x) (e.g. a normalised histogram or
	// kernel density of generated samples) and D(x) in [0, 1] on X.
	PData, PG, D []float64
	// Z and GZ are pairs (z, G(z)) drawn as lines from the z line (below) to
	// the x line (above). Keep them to a few dozen for a readable figure.
	Z, GZ []float64
	// ZMin, ZMax is the z interval drawn on the lower line; when equal, the
	// range of Z is used. z is mapped linearly onto the x extent.
	ZMin, ZMax float64
	// Title, e.g. "step 1000".
	Title string
}

// Figure1 line styles, after the paper: p_data black dotted, p_g green solid,
// D blue dashed.
var (
	Figure1DataColor color.Color = color.Black
	Figure1GenColor  color.Color = color.RGBA{0, 150, 0, 255}
	Figure1DiscColor color.Color = color.RGBA{0, 0, 230, 255}
)

// Figure1Frame builds one frame of Figure 1. Above the x axis it draws p_data
// (black, dotted), p_g (green, solid) and D(x) (blue, dashed); below, a
// horizontal x line and, under it, the z line, joined by one thin line per
// pair (z, G(z)), so one sees how G squeezes or stretches the uniform noise.
// Errors: empty or mismatched inputs, and NaN or ±Inf anywhere (naming the
// field and index).
func Figure1Frame(in Figure1Input) (*plot.Plot, error) {
	n := len(in.X)
	if n < 2 {
		return nil, fmt.Errorf("kernelext: Figure1Frame needs at least 2 grid points in X, got %d", n)
	}
	for _, f := range []struct {
		name string
		v    []float64
	}{{"PData", in.PData}, {"PG", in.PG}, {"D", in.D}} {
		if len(f.v) != n {
			return nil, fmt.Errorf("kernelext: Figure1Input.%s has %d values, want len(X) = %d",
				f.name, len(f.v), n)
		}
		if err := checkFinite("Figure1Input."+f.name, f.v); err != nil {
			return nil, err
		}
	}
	if len(in.Z) != len(in.GZ) {
		return nil, fmt.Errorf("kernelext: Figure1Input has %d Z but %d GZ values", len(in.Z), len(in.GZ))
	}
	for name, v := range map[string][]float64{"X": in.X, "Z": in.Z, "GZ": in.GZ} {
		if err := checkFinite("Figure1Input."+name, v); err != nil {
			return nil, err
		}
	}

	// vertical layout: curves above 0, x line at -0.1*top, z line at -0.6*top
	top := 1.0
	for i := range in.X {
		top = max(top, in.PData[i], in.PG[i])
	}
	xLineY, zLineY := -0.1*top, -0.6*top
	xmin, xmax := in.X[0], in.X[n-1]
	zmin, zmax := in.ZMin, in.ZMax
	if zmin == zmax && len(in.Z) > 0 {
		zmin, zmax = in.Z[0], in.Z[0]
		for _, z := range in.Z {
			zmin, zmax = min(zmin, z), max(zmax, z)
		}
	}
	zToX := func(z float64) float64 {
		if zmax == zmin {
			return (xmin + xmax) / 2
		}
		return xmin + (z-zmin)/(zmax-zmin)*(xmax-xmin)
	}

	p := plot.New()
	p.Title.Text = in.Title
	p.X.Label.Text = "x"
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(30)
	p.Y.Min, p.Y.Max = zLineY-0.1*top, 1.35*top
	p.Y.Tick.Marker = nonNegativeTicks{}

	// mapping lines first, so the curves are drawn over them
	for i, z := range in.Z {
		l, err := plotter.NewLine(plotter.XYs{{X: zToX(z), Y: zLineY}, {X: in.GZ[i], Y: xLineY}})
		if err != nil {
			return nil, err
		}
		l.Color = color.RGBA{90, 90, 90, 255}
		l.Width = vg.Points(0.6)
		p.Add(l)
	}
	for _, y := range []float64{xLineY, zLineY} {
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}})
		if err != nil {
			return nil, err
		}
		l.Width = vg.Points(1.2)
		p.Add(l)
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{
		XYs:    []plotter.XY{{X: xmin, Y: xLineY + 0.02*top}, {X: xmin, Y: zLineY + 0.02*top}},
		Labels: []string{"x", "z"},
	})
	if err != nil {
		return nil, err
	}
	p.Add(labels)

	curve := func(name string, ys []float64, c color.Color, dashes []vg.Length, width float64) error {
		xys := make(plotter.XYs, n)
		for i := range xys {
			xys[i].X, xys[i].Y = in.X[i], ys[i]
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color, l.Dashes, l.Width = c, dashes, vg.Points(width)
		p.Add(l)
		p.Legend.Add(name, l)
		return nil
	}
	dotted := []vg.Length{vg.Points(1.5), vg.Points(2.5)}
	dashed := []vg.Length{vg.Points(6), vg.Points(4)}
	if err := curve("p_data", in.PData, Figure1DataColor, dotted, 2); err != nil {
		return nil, err
	}
	if err := curve("p_g", in.PG, Figure1GenColor, nil, 2); err != nil {
		return nil, err
	}
	if err := curve("D(x)", in.D, Figure1DiscColor, dashed, 2); err != nil {
		return nil, err
	}
	return p, nil
}

// DisplayFigure1 renders one Figure 1 frame and shows it as image/png (or
// writes it under DisplayDir()).
func DisplayFigure1(in Figure1Input) (Shown, error) {
	b, err := Figure1PNG(in, 0, 0)
	if err != nil {
		return Shown{}, err
	}
	return DisplayPNG("figure1", b), nil
}

// nonNegativeTicks labels only y >= 0: below 0 are the x and z lines, whose
// height means nothing.
type nonNegativeTicks struct{}

func (nonNegativeTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(max(lo, 0), hi) {
		if t.Value >= 0 {
			out = append(out, t)
		}
	}
	return out
}

// Figure1PNG renders Figure1Frame(in) as PNG bytes of size w x h (0 means
// the defaults).
func Figure1PNG(in Figure1Input, w, h vg.Length) ([]byte, error) {
	p, err := Figure1Frame(in)
	if err != nil {
		return nil, err
	}
	return RenderPNG(w, h, p)
}

// FramesHTML builds a self-contained HTML player for PNG frames (e.g. one
// Figure1PNG per training checkpoint): the frames are embedded as base64
// data URIs with a range slider and a label. It needs no network. Where
// scripts do not run (an untrusted saved notebook, nbconvert HTML), the last
// frame stays visible, so the final state is never lost. labels, if not nil,
// has one caption per frame.
func FramesHTML(frames [][]byte, labels []string) (string, error) {
	if len(frames) == 0 {
		return "", fmt.Errorf("kernelext: FramesHTML: no frames")
	}
	if labels != nil && len(labels) != len(frames) {
		return "", fmt.Errorf("kernelext: FramesHTML: %d frames but %d labels", len(frames), len(labels))
	}
	for i, f := range frames {
		if !bytes.HasPrefix(f, pngMagic) {
			return "", fmt.Errorf("kernelext: FramesHTML: frame %d is not a PNG", i)
		}
	}
	id := fmt.Sprintf("kx_frames_%x", fnv32(frames))
	last := len(frames) - 1
	label := func(i int) string {
		if labels == nil {
			return fmt.Sprintf("frame %d/%d", i+1, len(frames))
		}
		return labels[i]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<div id=%q>\n", id)
	for i, f := range frames {
		display := "none"
		if i == last {
			display = "block"
		}
		fmt.Fprintf(&b, `<img data-label="%s" style="display:%s" src="data:image/png;base64,%s"/>`+"\n",
			html.EscapeString(label(i)), display, base64.StdEncoding.EncodeToString(f))
	}
	fmt.Fprintf(&b, `<input type="range" min="0" max="%d" value="%d" style="width:60%%" `+
		`oninput="var d=document.getElementById('%s'),im=d.getElementsByTagName('img');`+
		`for(var i=0;i<im.length;i++){im[i].style.display=(i==this.value)?'block':'none';}`+
		`d.getElementsByTagName('span')[0].textContent=im[this.value].dataset.label;"/>`+"\n",
		last, last, id)
	fmt.Fprintf(&b, "<span style=\"font:13px sans-serif\">%s</span>\n</div>\n", html.EscapeString(label(last)))
	return b.String(), nil
}

var pngMagic = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// fnv32 hashes the frames to give the player a stable, unique element id.
func fnv32(frames [][]byte) uint32 {
	h := uint32(2166136261)
	for _, f := range frames {
		for _, c := range f[len(f)-min(len(f), 64):] {
			h = (h ^ uint32(c)) * 16777619
		}
		h = (h ^ uint32(len(f))) * 16777619
	}
	return h
}

// AnimatedGIF encodes PNG frames as an animated GIF (looping, delay in
// hundredths of a second per frame, Plan 9 palette with Floyd-Steinberg
// dithering). It plays anywhere, with no script; embed it with
// DisplayAnimation or write it to a file.
func AnimatedGIF(frames [][]byte, delay int) ([]byte, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("kernelext: AnimatedGIF: no frames")
	}
	anim := &gif.GIF{}
	for i, f := range frames {
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			return nil, fmt.Errorf("kernelext: AnimatedGIF: frame %d: %w", i, err)
		}
		pal := image.NewPaletted(img.Bounds(), palette.Plan9)
		draw.FloydSteinberg.Draw(pal, img.Bounds(), img, img.Bounds().Min)
		anim.Image = append(anim.Image, pal)
		anim.Delay = append(anim.Delay, delay)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return nil, fmt.Errorf("kernelext: AnimatedGIF: %w", err)
	}
	return buf.Bytes(), nil
}

// DisplayAnimation shows PNG frames with the FramesHTML slider player, or
// writes the player under DisplayDir(). The frames are embedded images, not
// script output, so the saved notebook keeps them (showing the last frame).
func DisplayAnimation(name string, frames [][]byte, labels []string) (Shown, error) {
	player, err := FramesHTML(frames, labels)
	if err != nil {
		return Shown{}, err
	}
	return DisplayHTML(name, player), nil
}

// Figure1Frames collects Figure 1 frames during training, to replay them
// afterwards with a slider (HTML) or as an animated GIF. Frames are stored as
// PNG bytes of Width x Height (0 means 5in x 3.5in at PlotDPI).
type Figure1Frames struct {
	Width, Height vg.Length
	frames        [][]byte
	labels        []string
}

// Add renders one frame; in.Title (e.g. "step 500") labels it in the player.
func (ff *Figure1Frames) Add(in Figure1Input) error {
	b, err := Figure1PNG(in, ff.Width, ff.Height)
	if err != nil {
		return err
	}
	ff.frames = append(ff.frames, b)
	ff.labels = append(ff.labels, in.Title)
	return nil
}

// Len returns the number of frames.
func (ff *Figure1Frames) Len() int { return len(ff.frames) }

// PNGs returns the frames (not copies).
func (ff *Figure1Frames) PNGs() [][]byte { return ff.frames }

// HTML returns the FramesHTML player of the frames.
func (ff *Figure1Frames) HTML() (string, error) { return FramesHTML(ff.frames, ff.labels) }

// GIF returns the frames as an animated GIF, delay in 1/100 s per frame.
func (ff *Figure1Frames) GIF(delay int) ([]byte, error) { return AnimatedGIF(ff.frames, delay) }

// Display shows the player (see DisplayAnimation).
func (ff *Figure1Frames) Display() (Shown, error) {
	return DisplayAnimation("figure1", ff.frames, ff.labels)
}
