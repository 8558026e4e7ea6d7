package kernelext

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestToUint8(t *testing.T) {
	// Expected values: cases.md GAN-15, round(x) = floor(x+0.5) of 255*(v-lo)/(hi-lo).
	tests := []struct {
		name string
		r    data.ValueRange
		v    float32
		want uint8
	}{
		{"tanh -1", data.RangeSigned, -1, 0},
		{"tanh -0.2", data.RangeSigned, -0.2, 102}, // naive wrapping cast gives 205
		{"tanh 0", data.RangeSigned, 0, 128},       // 127.5 rounds up
		{"tanh 0.5", data.RangeSigned, 0.5, 191},   // 191.25
		{"tanh 1", data.RangeSigned, 1, 255},
		{"tanh 1.2 clamped", data.RangeSigned, 1.2, 255}, // naive: 306 mod 256 = 50
		{"tanh -1.7 clamped", data.RangeSigned, -1.7, 0},
		{"sigmoid 0", data.RangeUnit, 0, 0},
		{"sigmoid 0.5", data.RangeUnit, 0.5, 128},
		{"sigmoid 0.999", data.RangeUnit, 0.999, 255}, // 254.745
		{"sigmoid 1", data.RangeUnit, 1, 255},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ToUint8(tc.v, tc.r.Min, tc.r.Max); got != tc.want {
				t.Errorf("ToUint8(%g, %v) = %d, want %d", tc.v, tc.r, got, tc.want)
			}
			// the same value through the whole grid path, as a 1x1 image
			img, err := Grid(&data.Images{N: 1, H: 1, W: 1, C: 1, Pix: []float32{tc.v}, Range: tc.r},
				GridOptions{Pad: -1})
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 1 || b.Dy() != 1 {
				t.Fatalf("1x1 grid without padding has size %v", b)
			}
			if got := img.(*image.Gray).GrayAt(0, 0).Y; got != tc.want {
				t.Errorf("Grid pixel for %g in %v = %d, want %d", tc.v, tc.r, got, tc.want)
			}
		})
	}
}

func TestGridConstant(t *testing.T) {
	// GAN-15: a grid where every value is 0.5 (tanh range) renders as 191,
	// with or without min/max normalisation (which must not divide by zero).
	imgs := constImages(4, 3, 3, 1, 0.5, data.RangeSigned)
	for _, normalize := range []bool{false, true} {
		img, err := Grid(imgs, GridOptions{Pad: -1, Normalize: normalize})
		if err != nil {
			t.Fatal(err)
		}
		g := img.(*image.Gray)
		for i, p := range g.Pix {
			if p != 191 {
				t.Fatalf("normalize=%v: pixel %d = %d, want 191", normalize, i, p)
			}
		}
	}
}

func TestGridNormalize(t *testing.T) {
	// min/max normalisation maps the grid's own min to 0 and max to 255, and
	// 0.3 in [0.2, 0.6] to round(255*0.25) = round(63.75) = 64 (hand derivation).
	imgs := &data.Images{N: 3, H: 1, W: 1, C: 1, Pix: []float32{0.2, 0.3, 0.6}, Range: data.RangeUnit}
	img, err := Grid(imgs, GridOptions{Pad: -1, Cols: 3, Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	got := img.(*image.Gray).Pix
	want := []uint8{0, 64, 255}
	if !bytes.Equal(got, want) {
		t.Errorf("normalised pixels = %v, want %v", got, want)
	}
}

func TestGridNonFinite(t *testing.T) {
	// GAN-05: NaN or ±Inf gives an error naming the sample index and value.
	tests := []struct {
		name string
		v    float32
		want string
	}{
		{"NaN", float32(math.NaN()), "sample 2 has non-finite value NaN at (x=1, y=0, c=0)"},
		{"+Inf", float32(math.Inf(1)), "sample 2 has non-finite value +Inf"},
		{"-Inf", float32(math.Inf(-1)), "sample 2 has non-finite value -Inf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imgs := constImages(4, 2, 2, 1, 0.5, data.RangeUnit)
			imgs.Image(2)[1] = tc.v
			img, err := Grid(imgs, GridOptions{})
			if err == nil || img != nil {
				t.Fatalf("Grid with %s: got image %v, err %v; want an error and no image", tc.name, img, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if _, err := GridPNG(imgs, GridOptions{}); err == nil {
				t.Error("GridPNG accepted a non-finite value")
			}
		})
	}
}

func TestGridNoSamples(t *testing.T) {
	// GAN-17 (c): a clear error, not an encoder failure or a panic.
	_, err := Grid(&data.Images{N: 0, H: 28, W: 28, C: 1, Range: data.RangeUnit}, GridOptions{})
	if !errors.Is(err, ErrNoSamples) || !strings.Contains(err.Error(), "no samples to display") {
		t.Errorf("Grid of 0 samples: err = %v, want ErrNoSamples", err)
	}
	if _, err := DisplayGrid(&data.Images{H: 1, W: 1, C: 1, Range: data.RangeUnit}, GridOptions{}); !errors.Is(err, ErrNoSamples) {
		t.Errorf("DisplayGrid of 0 samples: err = %v, want ErrNoSamples", err)
	}
}

func TestGridBadInput(t *testing.T) {
	tests := []struct {
		name string
		imgs *data.Images
		opts GridOptions
		want string
	}{
		{"nil", nil, GridOptions{}, "batch is nil"},
		{"short Pix", &data.Images{N: 2, H: 2, W: 2, C: 1, Pix: make([]float32, 7), Range: data.RangeUnit},
			GridOptions{}, "needs 8 values, Pix has 7"},
		{"4 channels", constImages(1, 2, 2, 4, 0, data.RangeUnit), GridOptions{}, "C=4 channels"},
		{"empty range", constImages(1, 2, 2, 1, 0, data.ValueRange{}), GridOptions{},
			"empty value range Range=[0, 0]"},
		{"neighbour count", constImages(10, 2, 2, 1, 0, data.RangeUnit),
			GridOptions{Cols: 5, Neighbours: constImages(3, 2, 2, 1, 0, data.RangeUnit)},
			"Neighbours has shape [3 2 2 1], want one per row: [2 2 2 1]"},
		{"neighbour NaN", constImages(5, 2, 2, 1, 0, data.RangeUnit),
			GridOptions{Cols: 5, Neighbours: constImages(1, 2, 2, 1, float32(math.NaN()), data.RangeUnit)},
			"neighbour 0 has non-finite value NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Grid(tc.imgs, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestGridGeometry(t *testing.T) {
	// 5 samples of 2x3 (H != W, to catch transposition), 3 per row, pad 1,
	// scale 2. Unscaled: width 3*3+4*1 = 13, height 2*2+3*1 = 7 (hand
	// derivation from the Layout formula); scaled 26 x 14.
	const h, w = 2, 3
	imgs := &data.Images{N: 5, H: h, W: w, C: 1, Pix: make([]float32, 5*h*w), Range: data.RangeUnit}
	for i := 0; i < 5; i++ {
		for j := range imgs.Image(i) {
			imgs.Image(i)[j] = float32(i) / 10 // sample i -> round(25.5*i)
		}
	}
	opts := GridOptions{Cols: 3, Pad: 1, Scale: 2, Background: color.Gray{Y: 77}}
	lay := opts.Layout(imgs.N, h, w)
	if lay.Width != 26 || lay.Height != 14 || lay.Rows != 2 || lay.Cols != 3 || lay.NeighbourX != -1 {
		t.Fatalf("Layout = %+v, want 26x14, 2 rows, 3 cols, no neighbour column", lay)
	}
	img, err := Grid(imgs, opts)
	if err != nil {
		t.Fatal(err)
	}
	g := img.(*image.Gray)
	if g.Rect.Dx() != 26 || g.Rect.Dy() != 14 {
		t.Fatalf("image size %v, want 26x14", g.Rect.Size())
	}
	wantLevel := []uint8{0, 26, 51, 77, 102} // floor(25.5*i + 0.5)
	for i := 0; i < 5; i++ {
		row, col := i/3, i%3
		// every pixel of the scaled tile
		x0, y0 := 2*(1+col*(w+1)), 2*(1+row*(h+1))
		for y := y0; y < y0+2*h; y++ {
			for x := x0; x < x0+2*w; x++ {
				if got := g.GrayAt(x, y).Y; got != wantLevel[i] {
					t.Fatalf("sample %d (row %d col %d) pixel (%d,%d) = %d, want %d",
						i, row, col, x, y, got, wantLevel[i])
				}
			}
		}
	}
	// padding and the empty 6th tile are background
	for _, p := range []image.Point{{0, 0}, {1, 1}, {8, 5}, {25, 13}, {2*(1+2*(w+1)) + 1, 2*(1+h+1) + 1}} {
		if got := g.GrayAt(p.X, p.Y).Y; got != 77 {
			t.Errorf("background pixel %v = %d, want 77", p, got)
		}
	}
}

func TestGridRGB(t *testing.T) {
	// channel order and row-major layout within one tile: pixel (x=1, y=0) is
	// pure red, (0, 1) pure blue, in [-1, 1].
	imgs := constImages(1, 2, 2, 3, -1, data.RangeSigned)
	pix := imgs.Image(0)
	copy(pix[(0*2+1)*3:], []float32{1, -1, -1})
	copy(pix[(1*2+0)*3:], []float32{-1, -1, 1})
	img, err := Grid(imgs, GridOptions{Pad: -1})
	if err != nil {
		t.Fatal(err)
	}
	rgba := img.(*image.RGBA)
	want := map[image.Point]color.RGBA{
		{0, 0}: {0, 0, 0, 255}, {1, 0}: {255, 0, 0, 255},
		{0, 1}: {0, 0, 255, 255}, {1, 1}: {0, 0, 0, 255},
	}
	for p, c := range want {
		if got := rgba.RGBAAt(p.X, p.Y); got != c {
			t.Errorf("pixel %v = %v, want %v", p, got, c)
		}
	}
}

func TestGridNeighbours(t *testing.T) {
	// Figure 2 layout: 10 samples of 2x2, 5 per row, one neighbour per row.
	// Pad 1: samples span 5*2+6 = 16 px, gap max(2, 2) = 2, neighbour tile 2,
	// then pad 1: width 21, height 2*2+3 = 7; neighbour column at x = 18.
	samples := constImages(10, 2, 2, 1, 0, data.RangeUnit)
	nb := constImages(2, 2, 2, 1, 1, data.RangeUnit)
	opts := GridOptions{Cols: 5, Neighbours: nb, Background: color.Black}
	lay := opts.Layout(10, 2, 2)
	if lay.Width != 21 || lay.Height != 7 || lay.NeighbourX != 18 {
		t.Fatalf("Layout = %+v, want 21x7 with the neighbour column at x=18", lay)
	}
	img, err := Grid(samples, opts)
	if err != nil {
		t.Fatal(err)
	}
	rgba := img.(*image.RGBA)
	if rgba.Rect.Dx() != 21 || rgba.Rect.Dy() != 7 {
		t.Fatalf("size %v, want 21x7", rgba.Rect.Size())
	}
	white, black := color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
	checks := []struct {
		p    image.Point
		want color.RGBA
		what string
	}{
		{image.Pt(18, 1), white, "neighbour row 0"},
		{image.Pt(19, 5), white, "neighbour row 1"},
		{image.Pt(17, 1), NeighbourFrame, "frame left of neighbour"},
		{image.Pt(20, 3), NeighbourFrame, "frame between neighbour rows"},
		{image.Pt(16, 1), black, "gap"},
		{image.Pt(14, 1), black, "last sample of row 0"},
	}
	for _, c := range checks {
		if got := rgba.RGBAAt(c.p.X, c.p.Y); got != c.want {
			t.Errorf("%s: pixel %v = %v, want %v", c.what, c.p, got, c.want)
		}
	}
}

// TestGridGolden compares a Figure-2-style grid of synthetic digits with
// testdata/grid_fig2.png, pixel by pixel. Refresh with -update and look at it.
func TestGridGolden(t *testing.T) {
	samples, nb := syntheticDigits(10), syntheticDigits(2)
	img, err := Grid(samples, GridOptions{Cols: 5, Pad: 2, Scale: 3, Neighbours: nb})
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "grid_fig2.png", img)
}

func TestDisplayGridOutsideNotebook(t *testing.T) {
	// GAN-17 (b): no GONB_PIPE under go test; the PNG goes to the directory.
	if InNotebook() {
		t.Skip("running inside GoNB")
	}
	dir := t.TempDir()
	SetDisplayDir(dir)
	defer SetDisplayDir("")
	shown, err := DisplayGrid(syntheticDigits(4), GridOptions{Scale: 2},
		CollapseBadgeHTML(true, 0, 0.1, "mean pairwise L2"))
	if err != nil {
		t.Fatal(err)
	}
	if shown.InNotebook || shown.Path == "" || shown.Err != nil ||
		!strings.Contains(shown.Note, "not in a notebook") {
		t.Fatalf("Shown = %+v, want a written file and a 'not in a notebook' note", shown)
	}
	b, err := os.ReadFile(shown.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A}) {
		t.Errorf("%s does not start with the PNG signature: % x", shown.Path, b[:8])
	}
	htmls, _ := filepath.Glob(filepath.Join(dir, "*-grid-note.html"))
	if len(htmls) != 1 {
		t.Errorf("badge HTML files = %v, want 1", htmls)
	}

	// with no directory: nothing written, and the note says so
	t.Setenv(EnvDisplayDir, "")
	SetDisplayDir("")
	shown, err = DisplayGrid(syntheticDigits(1), GridOptions{})
	if err != nil || shown.Path != "" || !strings.Contains(shown.Note, "not in a notebook") {
		t.Errorf("without a directory: Shown = %+v, err = %v", shown, err)
	}
}

func constImages(n, h, w, c int, v float32, r data.ValueRange) *data.Images {
	pix := make([]float32, n*h*w*c)
	for i := range pix {
		pix[i] = v
	}
	return &data.Images{N: n, H: h, W: w, C: c, Pix: pix, Range: r}
}

// syntheticDigits returns n 28x28 gray images in [0, 1]: image i is a ring
// whose radius grows with i plus a vertical bar at column 4+2i, so position,
// orientation and order are all visible.
func syntheticDigits(n int) *data.Images {
	imgs := constImages(n, 28, 28, 1, 0, data.RangeUnit)
	for i := 0; i < n; i++ {
		pix := imgs.Image(i)
		r := 4 + float64(i%10)
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				d := math.Hypot(float64(x)-13.5, float64(y)-13.5)
				v := math.Max(0, 1-math.Abs(d-r)/1.5)
				if x == 4+2*(i%10) && y > 3 && y < 12 {
					v = 1
				}
				pix[y*28+x] = float32(v)
			}
		}
	}
	return imgs
}

// compareGolden compares img with testdata/name pixel by pixel (RGBA), or
// rewrites the file under -update.
func compareGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		b, err := EncodePNG(img)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(path, b); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	defer f.Close()
	golden, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if golden.Bounds() != img.Bounds() {
		t.Fatalf("size %v, golden %v", img.Bounds(), golden.Bounds())
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := img.At(x, y).RGBA()
			r2, g2, b2, a2 := golden.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel (%d,%d) = %v, golden %v", x, y, img.At(x, y), golden.At(x, y))
			}
		}
	}
}
