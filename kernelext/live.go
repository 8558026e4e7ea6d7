package kernelext

import (
	"encoding/base64"
	"fmt"
	"html"
	"math"
	"strings"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/gan-notebooks/gan/data"
)

// MetricPoint holds the numbers of one training step (Algorithm 1).
type MetricPoint struct {
	Step int
	// DLoss is the discriminator's loss, -[log D(x) + log(1-D(G(z)))]
	// averaged over the batch (D ascends V(D, G), eq. 1).
	DLoss float64
	// GLoss is the generator's loss as trained (minimax log(1-D(G(z))) or
	// the non-saturating -log D(G(z)), section 3).
	GLoss float64
	// DReal is mean D(x) on the real batch, DFake mean D(G(z)) on the
	// generated batch, both in [0, 1]; at the game's optimum both are 1/2.
	DReal, DFake float64
}

// Check returns an error naming the step and quantity if a value is NaN or
// ±Inf, e.g. "D loss is NaN at step 3" (GAN-05).
func (m MetricPoint) Check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"D loss", m.DLoss}, {"G loss", m.GLoss}, {"mean D(x)", m.DReal}, {"mean D(G(z))", m.DFake}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("kernelext: %s is %v at step %d", f.name, f.v, m.Step)
		}
	}
	return nil
}

// maxPlotPoints bounds the points drawn per curve; longer histories are
// strided (keeping the last point).
const maxPlotPoints = 1000

// MetricsPlots builds the two training plots: both objectives over steps, and
// mean D(x) and D(G(z)) over steps with the equilibrium value 1/2 dotted.
// Non-finite points are refused, naming the step and quantity.
func MetricsPlots(points []MetricPoint) (losses, dOut *plot.Plot, err error) {
	if len(points) == 0 {
		return nil, nil, fmt.Errorf("kernelext: MetricsPlots: no points")
	}
	for _, p := range points {
		if err := p.Check(); err != nil {
			return nil, nil, err
		}
	}
	stride := (len(points) + maxPlotPoints - 1) / maxPlotPoints
	var steps, dl, gl, dr, df []float64
	for i := 0; i < len(points); i += stride {
		if i+stride >= len(points) {
			i = len(points) - 1 // always keep the last point
		}
		p := points[i]
		steps = append(steps, float64(p.Step))
		dl, gl = append(dl, p.DLoss), append(gl, p.GLoss)
		dr, df = append(dr, p.DReal), append(df, p.DFake)
	}
	losses, err = CurvesPlot([]Series{{Name: "D loss", X: steps, Y: dl}, {Name: "G loss", X: steps, Y: gl}},
		PlotOptions{Title: "Objectives", XLabel: "step", YLabel: "loss"})
	if err != nil {
		return nil, nil, err
	}
	dOut, err = CurvesPlot([]Series{{Name: "mean D(x)", X: steps, Y: dr},
		{Name: "mean D(G(z))", X: steps, Y: df}},
		PlotOptions{Title: "Discriminator outputs", XLabel: "step", YLabel: "D"})
	if err != nil {
		return nil, nil, err
	}
	half, err := plotter.NewLine(plotter.XYs{{X: steps[0], Y: 0.5}, {X: steps[len(steps)-1], Y: 0.5}})
	if err != nil {
		return nil, nil, err
	}
	half.Color = Palette[5]
	half.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
	dOut.Add(half)
	dOut.Y.Min, dOut.Y.Max = 0, 1.3 // room for the legend above D = 1
	return losses, dOut, nil
}

// MetricsPNG renders MetricsPlots side by side as PNG bytes.
func MetricsPNG(points []MetricPoint) ([]byte, error) {
	losses, dOut, err := MetricsPlots(points)
	if err != nil {
		return nil, err
	}
	return RenderPNG(4*vg.Inch, 3*vg.Inch, losses, dOut)
}

// LiveSnapshot is the state shown by a LiveView at one moment.
type LiveSnapshot struct {
	Title            string
	Step, TotalSteps int // TotalSteps <= 0 when unknown
	Points           []MetricPoint
	// Samples drawn from a fixed noise batch, or nil; drawn with Grid.
	Samples *data.Images
	Grid    GridOptions
	// Notes are extra HTML fragments, e.g. CollapseBadgeHTML.
	Notes []string
}

// MetricsTable returns a compact table of the latest metric point.
func MetricsTable(p MetricPoint) Table {
	return Table{
		Header: []string{"step", "D loss", "G loss", "mean D(x)", "mean D(G(z))"},
		Rows: [][]string{{fmt.Sprint(p.Step), FormatNumber(p.DLoss), FormatNumber(p.GLoss),
			FormatNumber(p.DReal), FormatNumber(p.DFake)}},
	}
}

// LiveHTML builds the HTML of a snapshot: a header line, a table of the latest
// metrics, the metric plots and the sample grid as embedded PNGs (data URIs,
// no network), and the notes. Errors come from the plots or the grid (NaN
// input, no samples, ...).
func LiveHTML(s LiveSnapshot) (string, error) {
	var b strings.Builder
	b.WriteString(`<div style="font:13px sans-serif">`)
	progress := fmt.Sprintf("step %d", s.Step)
	if s.TotalSteps > 0 {
		progress = fmt.Sprintf("step %d / %d (%.0f%%)", s.Step, s.TotalSteps,
			100*float64(s.Step)/float64(s.TotalSteps))
	}
	fmt.Fprintf(&b, "<b>%s</b> %s<br/>\n", html.EscapeString(s.Title), progress)
	if len(s.Points) > 0 {
		b.WriteString(MetricsTable(s.Points[len(s.Points)-1]).HTML())
		plotPNG, err := MetricsPNG(s.Points)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, `<img src="data:image/png;base64,%s"/><br/>`+"\n",
			base64.StdEncoding.EncodeToString(plotPNG))
	}
	if s.Samples != nil {
		gridPNG, err := GridPNG(s.Samples, s.Grid)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, `<img src="data:image/png;base64,%s"/>`+"\n", base64.StdEncoding.EncodeToString(gridPNG))
	}
	for _, n := range s.Notes {
		b.WriteString(n + "\n")
	}
	b.WriteString("</div>")
	return b.String(), nil
}

// LiveView is one notebook output updated in place during training. Feed it
// every step with Step; every `every` steps it redraws (in a notebook only).
// Finish re-emits the final state as persistent outputs. Safe for use from
// one goroutine at a time plus concurrent Snapshot calls.
type LiveView struct {
	mu         sync.Mutex
	title      string
	every      int
	totalSteps int
	grid       GridOptions
	id         string
	points     []MetricPoint
	samples    *data.Images
	notes      []string
	lastErr    error
	shownOnce  bool
}

// NewLiveView returns a live view titled title that redraws every `every`
// steps (<= 0 means 100), for a run of totalSteps steps (<= 0 if unknown),
// drawing samples with grid.
func NewLiveView(title string, every, totalSteps int, grid GridOptions) *LiveView {
	if every <= 0 {
		every = 100
	}
	return &LiveView{title: title, every: every, totalSteps: totalSteps, grid: grid,
		id: "kernelext_live_" + gonbui.UniqueId()}
}

// Step records the metrics of one step. On the first step and every `every`
// steps it calls samples (if not nil; e.g. G on a fixed noise batch, in
// inference mode) and redraws the live output. A non-finite metric is refused
// with an error naming the step and quantity and is not recorded; so are
// samples with NaN or ±Inf (the previous samples stay shown). The error is
// also shown in the live output. Display problems are never returned.
func (lv *LiveView) Step(p MetricPoint, samples func() (*data.Images, error)) error {
	if err := p.Check(); err != nil {
		lv.mu.Lock()
		lv.lastErr = err
		lv.mu.Unlock()
		lv.redraw()
		return err
	}
	lv.mu.Lock()
	lv.points = append(lv.points, p)
	due := !lv.shownOnce || p.Step%lv.every == 0
	lv.shownOnce = true
	lv.mu.Unlock()
	if !due {
		return nil
	}
	if samples != nil {
		imgs, err := samples()
		if err == nil && imgs != nil {
			err = CheckFinite(imgs, "sample")
		}
		if err != nil {
			err = fmt.Errorf("kernelext: LiveView samples at step %d: %w", p.Step, err)
			lv.mu.Lock()
			lv.lastErr = err
			lv.mu.Unlock()
			lv.redraw()
			return err
		}
		lv.SetSamples(imgs)
	}
	lv.redraw()
	return nil
}

// SetSamples replaces the sample batch shown (e.g. after sampling the fixed
// noise batch yourself).
func (lv *LiveView) SetSamples(imgs *data.Images) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	lv.samples = imgs
}

// SetNotes replaces the extra HTML fragments shown under the grid (e.g. a
// CollapseBadgeHTML).
func (lv *LiveView) SetNotes(htmlFragments ...string) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	lv.notes = htmlFragments
}

// Snapshot returns the current state (the points slice is a copy).
func (lv *LiveView) Snapshot() LiveSnapshot {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	s := LiveSnapshot{Title: lv.title, TotalSteps: lv.totalSteps,
		Points: append([]MetricPoint(nil), lv.points...), Samples: lv.samples, Grid: lv.grid,
		Notes: append([]string(nil), lv.notes...)}
	if n := len(lv.points); n > 0 {
		s.Step = lv.points[n-1].Step
	}
	if lv.lastErr != nil {
		s.Notes = append(s.Notes, errorHTML(lv.lastErr))
	}
	return s
}

// HTML builds the live output's HTML for the current state (LiveHTML of
// Snapshot); build errors are rendered as a message instead.
func (lv *LiveView) HTML() string {
	h, err := LiveHTML(lv.Snapshot())
	if err != nil {
		return errorHTML(err)
	}
	return h
}

func errorHTML(err error) string {
	return fmt.Sprintf(`<div style="color:#cf222e;font:13px monospace">%s</div>`, html.EscapeString(err.Error()))
}

// redraw sends the current HTML to the notebook's transient output; outside a
// notebook it does nothing (Finish writes the final state).
func (lv *LiveView) redraw() {
	if !InNotebook() {
		return
	}
	gonbui.UpdateHTML(lv.id, lv.HTML())
	gonbui.Sync()
}

// Finish replaces the live output by persistent ones, so the final state stays
// in the saved notebook even after an interrupt: a summary table (HTML), the
// metric plots (image/png), the last sample grid (image/png) and the notes.
// Outside a notebook these are written under DisplayDir(). The returned Shown
// is the plots'; the error is for unrenderable state (e.g. no points).
func (lv *LiveView) Finish() (Shown, error) {
	s := lv.Snapshot()
	if InNotebook() {
		gonbui.UpdateHTML(lv.id, "") // clear the transient block
		gonbui.Sync()
	}
	var shown Shown
	var firstErr error
	if len(s.Points) > 0 {
		t := MetricsTable(s.Points[len(s.Points)-1])
		t.Caption = s.Title + " (final)"
		DisplayTable(t)
		plotPNG, err := MetricsPNG(s.Points)
		if err == nil {
			shown = DisplayPNG("metrics", plotPNG)
		} else {
			firstErr = err
		}
	} else {
		firstErr = fmt.Errorf("kernelext: LiveView %q finished with no steps recorded", s.Title)
	}
	if s.Samples != nil {
		if _, err := DisplayGrid(s.Samples, s.Grid); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for _, n := range s.Notes {
		DisplayHTML("note", n)
	}
	return shown, firstErr
}
