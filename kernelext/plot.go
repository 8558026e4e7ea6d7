package kernelext

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Default plot size and resolution.
const (
	DefaultPlotWidth  = 5 * vg.Inch
	DefaultPlotHeight = 3.5 * vg.Inch
	PlotDPI           = 96
)

// Palette holds the colours given to successive series.
var Palette = []color.Color{
	color.RGBA{31, 119, 180, 255},  // blue
	color.RGBA{255, 127, 14, 255},  // orange
	color.RGBA{44, 160, 44, 255},   // green
	color.RGBA{214, 39, 40, 255},   // red
	color.RGBA{148, 103, 189, 255}, // purple
	color.RGBA{140, 86, 75, 255},   // brown
}

// Series is one named curve: Y[i] at X[i]. X and Y have the same length.
type Series struct {
	Name string
	X, Y []float64
	// Dashed draws the line dashed.
	Dashed bool
}

// PlotOptions are the labels of a plot.
type PlotOptions struct {
	Title, XLabel, YLabel string
	// LogX uses a log10 x axis (all X must then be > 0).
	LogX bool
}

func newPlot(o PlotOptions) *plot.Plot {
	p := plot.New()
	p.Title.Text = o.Title
	p.X.Label.Text = o.XLabel
	p.Y.Label.Text = o.YLabel
	p.Add(plotter.NewGrid())
	if o.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	} else {
		p.X.Tick.Marker = plainTicks{}
	}
	return p
}

// plainTicks are gonum's default ticks labelled with the shortest exact
// decimal ("2500", not "2500.00"), for step counts.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := (plot.DefaultTicks{}).Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'f', -1, 64)
		}
	}
	return ticks
}

// checkFinite refuses NaN or ±Inf values, naming the series, index and value
// (GAN-05, GAN-10 c): a plot silently dropping or drawing them would hide the
// failure it should reveal.
func checkFinite(what string, vs []float64) error {
	for i, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("kernelext: refusing to plot %s: value %d is %v", what, i, v)
		}
	}
	return nil
}

// CurvesPlot plots several series against a shared x axis with a legend, e.g.
// both objectives over training steps. Errors: mismatched lengths, empty
// input, NaN or ±Inf anywhere (naming the series and index), non-positive X
// with LogX.
func CurvesPlot(series []Series, o PlotOptions) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("kernelext: CurvesPlot %q: no series", o.Title)
	}
	p := newPlot(o)
	p.Legend.Top = true
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("kernelext: series %q has %d X values but %d Y values",
				s.Name, len(s.X), len(s.Y))
		}
		if len(s.X) == 0 {
			continue
		}
		if err := checkFinite(fmt.Sprintf("series %q X", s.Name), s.X); err != nil {
			return nil, err
		}
		if err := checkFinite(fmt.Sprintf("series %q Y", s.Name), s.Y); err != nil {
			return nil, err
		}
		xys := make(plotter.XYs, len(s.X))
		for j := range s.X {
			if o.LogX && s.X[j] <= 0 {
				return nil, fmt.Errorf("kernelext: series %q X[%d] = %g, but a log x axis needs X > 0",
					s.Name, j, s.X[j])
			}
			xys[j].X, xys[j].Y = s.X[j], s.Y[j]
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("kernelext: series %q: %w", s.Name, err)
		}
		line.Color = Palette[i%len(Palette)]
		line.Width = vg.Points(1.5)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(line)
		if s.Name != "" {
			p.Legend.Add(s.Name, line)
		}
	}
	addLegendRoom(p)
	return p, nil
}

// addLegendRoom raises the top of the y axis so the legend (drawn at the top)
// does not hide the curves.
func addLegendRoom(p *plot.Plot) {
	span := p.Y.Max - p.Y.Min
	if span <= 0 {
		span = 1
	}
	p.Y.Max += 0.3 * span
}

// SigmaSweepPlot plots a Parzen-window bandwidth sweep: sigma on a log x axis
// against the mean validation log-likelihood (nats), with the chosen sigma
// marked by a red point and a vertical dashed line. The paper picks sigma by
// cross-validation on the validation set (section 5).
func SigmaSweepPlot(sigmas, meanLL []float64, chosen float64) (*plot.Plot, error) {
	if len(sigmas) == 0 || len(sigmas) != len(meanLL) {
		return nil, fmt.Errorf("kernelext: SigmaSweepPlot needs as many sigmas as values, got %d and %d",
			len(sigmas), len(meanLL))
	}
	if err := checkFinite("chosen sigma", []float64{chosen}); err != nil {
		return nil, err
	}
	if chosen <= 0 {
		return nil, fmt.Errorf("kernelext: SigmaSweepPlot: chosen sigma %g must be > 0", chosen)
	}
	p, err := CurvesPlot([]Series{{Name: "mean validation log-likelihood", X: sigmas, Y: meanLL}},
		PlotOptions{Title: "Parzen window bandwidth", XLabel: "σ (log scale)",
			YLabel: "mean log-likelihood (nats)", LogX: true})
	if err != nil {
		return nil, err
	}

	// mark the chosen sigma: value interpolated on the curve, plus a vertical line
	ymin, ymax := meanLL[0], meanLL[0]
	best := meanLL[0]
	bestDist := math.Inf(1)
	for i, v := range meanLL {
		ymin, ymax = min(ymin, v), max(ymax, v)
		if d := math.Abs(math.Log(sigmas[i]) - math.Log(chosen)); d < bestDist {
			best, bestDist = v, d
		}
	}
	vline, err := plotter.NewLine(plotter.XYs{{X: chosen, Y: ymin}, {X: chosen, Y: ymax}})
	if err != nil {
		return nil, err
	}
	vline.Color = Palette[3]
	vline.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	pt, err := plotter.NewScatter(plotter.XYs{{X: chosen, Y: best}})
	if err != nil {
		return nil, err
	}
	pt.Color = Palette[3]
	pt.Shape = draw.CircleGlyph{}
	pt.Radius = vg.Points(4)
	p.Add(vline, pt)
	p.Legend.Add(fmt.Sprintf("chosen σ = %s", FormatNumber(chosen)), pt)
	return p, nil
}

// HistogramPlot plots a histogram of values with the given number of bins
// (0 means 30), normalised to unit area when density is true. NaN or ±Inf
// values are refused.
func HistogramPlot(values []float64, bins int, density bool, o PlotOptions) (*plot.Plot, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("kernelext: HistogramPlot %q: no values", o.Title)
	}
	if err := checkFinite("histogram values", values); err != nil {
		return nil, err
	}
	if bins <= 0 {
		bins = 30
	}
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return nil, fmt.Errorf("kernelext: HistogramPlot: %w", err)
	}
	if density {
		h.Normalize(1)
	}
	h.FillColor = Palette[0]
	h.LineStyle.Color = color.White
	p := newPlot(o)
	p.Add(h)
	return p, nil
}

// RenderPNG draws plots side by side (one row, cols = len(plots)), each of
// size w x h (0 means the defaults), and returns PNG bytes at PlotDPI.
func RenderPNG(w, h vg.Length, plots ...*plot.Plot) ([]byte, error) {
	return render("png", w, h, plots)
}

// RenderSVG is RenderPNG producing an SVG document.
func RenderSVG(w, h vg.Length, plots ...*plot.Plot) (string, error) {
	b, err := render("svg", w, h, plots)
	return string(b), err
}

func render(format string, w, h vg.Length, plots []*plot.Plot) (out []byte, err error) {
	if len(plots) == 0 {
		return nil, fmt.Errorf("kernelext: nothing to render")
	}
	if w <= 0 {
		w = DefaultPlotWidth
	}
	if h <= 0 {
		h = DefaultPlotHeight
	}
	totalW := w * vg.Length(len(plots))
	defer func() {
		// gonum/plot panics on some degenerate inputs; report them as errors
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kernelext: rendering %s: %v", format, r)
		}
	}()

	var canvas vg.CanvasWriterTo
	switch strings.ToLower(format) {
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(totalW, h), vgimg.UseDPI(PlotDPI),
			vgimg.UseBackgroundColor(color.White))}
	case "svg":
		canvas = vgsvg.New(totalW, h)
	default:
		return nil, fmt.Errorf("kernelext: unknown plot format %q (want png or svg)", format)
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	cells := plot.Align([][]*plot.Plot{plots}, tiles, dc)
	for i, p := range plots {
		p.Draw(cells[0][i])
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("kernelext: writing %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// DisplayPlots renders plots side by side as PNG (persistent in the saved
// notebook) and shows them, or writes name.png under DisplayDir().
func DisplayPlots(name string, plots ...*plot.Plot) (Shown, error) {
	pngBytes, err := RenderPNG(0, 0, plots...)
	if err != nil {
		return Shown{}, err
	}
	return DisplayPNG(name, pngBytes), nil
}
