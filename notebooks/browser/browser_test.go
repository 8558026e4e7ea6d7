package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gan-notebooks/gan/kernelext"
	"github.com/gan-notebooks/gan/notebooks/browser"
	"github.com/gan-notebooks/gan/notebooks/browser/fixture"
	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

// TestNotebooksInBrowser opens notebooks in headless Chromium through a
// Jupyter Notebook server, runs all cells from the menu, and checks that the
// page shows every image and plot, decoded by the browser. Screenshots go to
// $GAN_NOTEBOOK_OUT/browser/ (`make test`: build/test-notebooks/browser/), or
// build/browser/ at the checkout's root.
func TestNotebooksInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Jupyter and Chromium and runs notebooks (skipped with -short)")
	}
	if err := available(); err != nil {
		if os.Getenv(nbrun.RequireEnvVar) == "1" {
			t.Fatalf("%v (%s=1: required)", err, nbrun.RequireEnvVar)
		}
		t.Skipf("%v (set %s=1 to fail instead)", err, nbrun.RequireEnvVar)
	}
	timeout := 5 * time.Minute
	if s := os.Getenv("GAN_NOTEBOOK_TIMEOUT"); s != "" {
		var err error
		if timeout, err = time.ParseDuration(s); err != nil {
			t.Fatalf("GAN_NOTEBOOK_TIMEOUT=%q: %v", s, err)
		}
	}
	out := artifactDir(t)

	// temporary copies: the front end saves into its notebook folder
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "notebooks")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		src   string // checked-in notebook, relative to this package
		check func(t *testing.T, r *browser.Report)
	}{
		{"render", filepath.Join("testdata", "render.ipynb"), checkRender},
		{"00-setup-check", filepath.Join("..", "00-setup-check.ipynb"), checkSetup},
	}
	originals := map[string][]byte{}
	for _, c := range cases {
		b, err := os.ReadFile(c.src)
		if err != nil {
			t.Fatal(err)
		}
		originals[c.src] = b
		if err := os.WriteFile(filepath.Join(dir, c.name+".ipynb"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// GOPROXY=off: cells build from the module cache only, as in the headless
	// runner (nbrun's default), so the result does not depend on the
	// network. Without it, GoNB's `go get` for a cell's imports (e.g. gonbui
	// in 00-setup-check) asks the module proxy.
	ctx := context.Background()
	srv, err := browser.StartServer(ctx, browser.ServerOptions{
		Dir: dir, LogPath: filepath.Join(out, "jupyter.log"), Env: []string{"GOPROXY=off"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	t.Logf("jupyter-notebook on %s (log: %s)", srv.Base, filepath.Join(out, "jupyter.log"))

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			report, err := browser.RunNotebook(ctx, srv, c.name+".ipynb", browser.Options{
				Timeout: timeout, Logf: t.Logf})
			if report != nil && report.Screenshot != nil {
				shot := filepath.Join(out, c.name+".png")
				if werr := os.WriteFile(shot, report.Screenshot, 0o644); werr != nil {
					t.Error(werr)
				} else {
					t.Logf("screenshot: %s", shot)
				}
			}
			if err != nil {
				msg := fmt.Sprintf("%v\n-- jupyter log (tail):\n%s", err, srv.LogTail(30))
				if report != nil {
					msg += fmt.Sprintf("\n-- cells: %s\n-- console: %q", summary(report), report.Console)
				}
				t.Fatal(msg)
			}
			t.Logf("page load %s, run all %s; %s", report.Load.Round(time.Millisecond),
				report.Run.Round(time.Millisecond), summary(report))
			checkCommon(t, report)
			checkScreenshot(t, report.Screenshot)
			c.check(t, report)
		})
	}

	// the checked-in notebooks are untouched
	for src, b := range originals {
		now, err := os.ReadFile(src)
		if err != nil || !bytes.Equal(now, b) {
			t.Errorf("%s changed during the test (err=%v)", src, err)
		}
	}
}

// available is browser.Available, plus: the gonb kernel spec builds cells
// against this checkout (the render notebook imports this checkout's
// notebooks/browser/fixture).
func available() error {
	if err := browser.Available(); err != nil {
		return err
	}
	checkout, err := browser.KernelCheckout(browser.KernelName)
	if err != nil {
		return err
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	if !sameDir(checkout, root) {
		return fmt.Errorf("the %q kernel spec builds cells against %q, not this checkout %q: "+
			"run `make setup` here", browser.KernelName, checkout, root)
	}
	return nil
}

// sameDir reports whether a and b name the same existing folder.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// artifactDir returns (and creates) the folder for screenshots and the
// server log: $GAN_NOTEBOOK_OUT/browser, else build/browser at the root of
// the checkout (both git-ignored).
func artifactDir(t *testing.T) string {
	t.Helper()
	var dir string
	if o := os.Getenv("GAN_NOTEBOOK_OUT"); o != "" {
		dir = filepath.Join(o, "browser")
	} else {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
			t.Fatalf("checkout root not found at %s: %v", root, err)
		}
		dir = filepath.Join(root, "build", "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// summary is one line per code cell: prompt, outputs, images, SVGs.
func summary(r *browser.Report) string {
	var parts []string
	for _, c := range r.Cells {
		if c.Type != "code" {
			continue
		}
		var outs []string
		for _, o := range c.Outputs {
			s := o.Type
			if len(o.MIMETypes) > 0 {
				s += strings.Join(o.MIMETypes, "+")
			}
			outs = append(outs, s)
		}
		parts = append(parts, fmt.Sprintf("[%s] done=%v outputs=%v imgs=%d svgs=%d",
			c.Prompt, c.Done, outs, len(c.Images), len(c.SVGs)))
	}
	return strings.Join(parts, "; ")
}

// codeCells returns the code cells of r in order.
func codeCells(r *browser.Report) []browser.Cell {
	var cells []browser.Cell
	for _, c := range r.Cells {
		if c.Type == "code" {
			cells = append(cells, c)
		}
	}
	return cells
}

// checkCommon: every code cell ran once, in order, on a fresh kernel (the
// Jupyter messaging protocol numbers execute requests 1, 2, 3...), finished,
// and reported no error or stderr output.
func checkCommon(t *testing.T, r *browser.Report) {
	t.Helper()
	for i, c := range codeCells(r) {
		if !c.Done {
			t.Errorf("code cell %d (cell %d) not done", i+1, c.Index)
		}
		if c.Prompt != strconv.Itoa(i+1) {
			t.Errorf("code cell %d (cell %d): prompt [%s], want [%d]", i+1, c.Index, c.Prompt, i+1)
		}
	}
	for _, e := range r.Errors() {
		t.Errorf("error output: %s", e)
	}
}

// checkScreenshot: a PNG as wide as the window (1280, browser.Options'
// default), taller than it (the notebook is unrolled), and not blank.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != 1280 || b.Dy() < 400 {
		t.Errorf("screenshot is %dx%d, want 1280 wide and at least 400 tall", b.Dx(), b.Dy())
	}
	if n := distinctColours(img, 16); n < 16 {
		t.Errorf("screenshot has %d distinct colours: blank?", n)
	}
}

// checkRender checks testdata/render.ipynb: code cell 1 shows the fixture's
// grid PNG, cell 2 its SVG plot, cell 3 a PNG plot.
func checkRender(t *testing.T, r *browser.Report) {
	cells := codeCells(r)
	if len(cells) != 3 {
		t.Fatalf("%d code cells, want 3", len(cells))
	}

	// 1: the grid, byte for byte the PNG kernelext makes, decoded exactly
	t.Run("grid", func(t *testing.T) {
		c := cells[0]
		want, err := fixture.GridPNG()
		if err != nil {
			t.Fatal(err)
		}
		img := onlyImage(t, c)
		got, err := img.Data()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("img src holds %d bytes, want the %d bytes of fixture.GridPNG()", len(got), len(want))
		}
		// 148x112: 4 columns of 8 px tiles with 5 one-pixel pads = 37 px, 3
		// rows = 28 px, times Scale 4 (fixture.GridOptions)
		checkNatural(t, img, 148, 112)
		wantImg := decodePNG(t, want)
		if d, at := maxDiff(wantImg, decodePNG(t, img.Decoded)); d > 0 {
			t.Errorf("browser's decoded grid differs from the PNG by %d at %v", d, at)
		}
	})

	// 2: the SVG plot, inline, at its declared size, with its title
	t.Run("svg", func(t *testing.T) {
		c := cells[1]
		if len(c.Images) != 0 || len(c.SVGs) != 1 {
			t.Fatalf("%d imgs and %d svgs, want 0 and 1", len(c.Images), len(c.SVGs))
		}
		s := c.SVGs[0]
		// kernelext's default plot is 5 in x 3.5 in; CSS has 96 px per inch
		w, h := kernelext.DefaultPlotWidth.Dots(96), kernelext.DefaultPlotHeight.Dots(96)
		if math.Abs(s.Width-w) > 1 || math.Abs(s.Height-h) > 1 {
			t.Errorf("svg laid out at %.1fx%.1f px, want %.0fx%.0f (±1)", s.Width, s.Height, w, h)
		}
		if s.Elements < 20 {
			t.Errorf("svg has %d elements, want at least 20 (axes, ticks, 2 curves, legend)", s.Elements)
		}
		for _, text := range []string{fixture.CurveTitle, "sin", "cos"} {
			if !strings.Contains(s.Text, text) {
				t.Errorf("svg text %q lacks %q", s.Text, text)
			}
		}
	})

	// 3: the PNG plot, decoded by the browser as Go decodes it, with curves
	t.Run("png plot", func(t *testing.T) {
		c := cells[2]
		img := onlyImage(t, c)
		w := int(kernelext.DefaultPlotWidth.Dots(kernelext.PlotDPI))
		h := int(kernelext.DefaultPlotHeight.Dots(kernelext.PlotDPI))
		checkNatural(t, img, w, h) // 480x336: 5 in x 3.5 in at 96 DPI
		raw, err := img.Data()
		if err != nil {
			t.Fatal(err)
		}
		want := decodePNG(t, raw)
		got := decodePNG(t, img.Decoded)
		if d, at := maxDiff(want, got); d > 0 {
			t.Errorf("browser's decoded plot differs from the PNG by %d at %v", d, at)
		}
		// the first series is drawn in kernelext.Palette[0]
		if n := countColour(got, kernelext.Palette[0], 8); n < 100 {
			t.Errorf("%d pixels of the first curve's colour, want at least 100", n)
		}
	})
}

// checkSetup checks notebooks/00-setup-check.ipynb: the backend cell prints
// its choice and the last cell shows the 56x56 gradient, whose pixel (x, y)
// is 255*(x+y)/110 by the cell's own formula.
func checkSetup(t *testing.T, r *browser.Report) {
	cells := codeCells(r)
	if len(cells) != 4 {
		t.Fatalf("%d code cells, want 4", len(cells))
	}
	var text strings.Builder
	for _, o := range cells[1].Outputs {
		text.WriteString(o.Text)
	}
	if !strings.Contains(text.String(), "backend:") {
		t.Errorf("backend cell printed %q, want a line with \"backend:\"", text.String())
	}
	img := onlyImage(t, cells[3])
	checkNatural(t, img, 56, 56)
	got := decodePNG(t, img.Decoded)
	const side = 56
	bad := 0
	for y := range side {
		for x := range side {
			want := uint8(255 * (x + y) / (2*side - 2))
			r, g, b, _ := got.At(x, y).RGBA()
			if uint8(r>>8) != want || uint8(g>>8) != want || uint8(b>>8) != want {
				if bad == 0 {
					t.Errorf("pixel (%d,%d) = (%d,%d,%d), want grey %d", x, y, r>>8, g>>8, b>>8, want)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d gradient pixels differ", bad, side*side)
	}
}

// onlyImage returns the one <img> of c, which must be a decoded PNG data
// URL shown at a non-zero size, from one image/png output.
func onlyImage(t *testing.T, c browser.Cell) browser.Image {
	t.Helper()
	if len(c.Images) != 1 {
		t.Fatalf("cell %d shows %d imgs, want 1", c.Index, len(c.Images))
	}
	pngOutputs := 0
	for _, o := range c.Outputs {
		for _, m := range o.MIMETypes {
			if m == "image/png" {
				pngOutputs++
			}
		}
	}
	if pngOutputs != 1 {
		t.Errorf("cell %d has %d image/png outputs, want 1", c.Index, pngOutputs)
	}
	img := c.Images[0]
	if img.MIMEType() != "image/png" {
		t.Errorf("cell %d: img src is %.40q…, want a data:image/png URL", c.Index, img.Src)
	}
	if !img.Complete || img.NaturalWidth == 0 || img.Decoded == nil {
		t.Fatalf("cell %d: img not decoded (complete=%v, natural %dx%d)", c.Index,
			img.Complete, img.NaturalWidth, img.NaturalHeight)
	}
	if img.Width <= 0 || img.Height <= 0 {
		t.Errorf("cell %d: img laid out at %.1fx%.1f px", c.Index, img.Width, img.Height)
	}
	return img
}

func checkNatural(t *testing.T, img browser.Image, w, h int) {
	t.Helper()
	if img.NaturalWidth != w || img.NaturalHeight != h {
		t.Errorf("img natural size %dx%d, want %dx%d", img.NaturalWidth, img.NaturalHeight, w, h)
	}
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding PNG: %v", err)
	}
	return img
}

// maxDiff returns the largest difference of an 8-bit RGBA channel between a
// and b (255 when the sizes differ) and where it is.
func maxDiff(a, b image.Image) (int, image.Point) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 255, image.Point{}
	}
	worst, at := 0, image.Point{}
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			c1 := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.NRGBA)
			c2 := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.NRGBA)
			for _, d := range []int{int(c1.R) - int(c2.R), int(c1.G) - int(c2.G),
				int(c1.B) - int(c2.B), int(c1.A) - int(c2.A)} {
				if d < 0 {
					d = -d
				}
				if d > worst {
					worst, at = d, image.Pt(x, y)
				}
			}
		}
	}
	return worst, at
}

// countColour counts the pixels within tol (per channel) of c.
func countColour(img image.Image, c color.Color, tol int) int {
	want := color.NRGBAModel.Convert(c).(color.NRGBA)
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if abs(int(p.R)-int(want.R)) <= tol && abs(int(p.G)-int(want.G)) <= tol &&
				abs(int(p.B)-int(want.B)) <= tol {
				n++
			}
		}
	}
	return n
}

// distinctColours counts distinct colours, stopping at limit.
func distinctColours(img image.Image, limit int) int {
	seen := map[color.NRGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			seen[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
