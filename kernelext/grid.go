package kernelext

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/gan-notebooks/gan/data"
)

// ErrNoSamples is returned when asked to draw a grid of 0 samples.
var ErrNoSamples = errors.New("kernelext: no samples to display")

// NeighbourFrame is the colour of the frame drawn around the nearest-neighbour
// column, after the yellow outlines of the paper's Figure 2.
var NeighbourFrame = color.RGBA{R: 255, G: 200, A: 255}

// GridOptions controls the layout of a sample grid. The zero value gives a
// near-square grid, 1 pixel of white padding, scale 1, and the declared value
// range.
type GridOptions struct {
	// Cols is the number of samples per row; 0 picks ceil(sqrt(N)).
	// Samples fill the grid row-major: sample i is at row i/Cols, column
	// i%Cols, never transposed.
	Cols int

	// Pad is the padding between tiles and around the grid, in source
	// pixels (before Scale). 0 means 1; a negative value means none.
	Pad int

	// Scale is an integer upscaling factor (nearest neighbour) applied to
	// the whole grid, so a 28x28 digit stays readable; 0 means 1.
	Scale int

	// Normalize maps the grid's own [min, max] to [0, 255] instead of the
	// declared data.Images.Range. A constant grid (min == max) falls back to
	// the declared range. The default (false) is the declared range, which
	// looks the same every time the grid is redrawn.
	Normalize bool

	// Neighbours, if not nil, holds one image per grid row (same H, W, C as
	// the samples): the nearest training example of that row, drawn in an
	// extra column at the right, separated by a gap and (when Pad > 0)
	// framed in NeighbourFrame, as in the paper's Figure 2 (5 samples + 1 neighbour per
	// row). It is mapped with its own declared Range.
	Neighbours *data.Images

	// Background is the colour of padding and empty tiles; nil means white.
	Background color.Color
}

func (o GridOptions) pad() int {
	switch {
	case o.Pad == 0:
		return 1
	case o.Pad < 0:
		return 0
	}
	return o.Pad
}

func (o GridOptions) scale() int {
	if o.Scale <= 0 {
		return 1
	}
	return o.Scale
}

// GridLayout is the geometry of a grid, in output pixels (after Scale).
type GridLayout struct {
	Rows, Cols int
	// Width and Height of the whole image.
	Width, Height int
	// TileW, TileH: size of one scaled tile.
	TileW, TileH int
	// NeighbourX is the x of the neighbour column's left edge, or -1.
	NeighbourX int
}

// Layout returns the geometry of the grid for n samples of h x w pixels.
// Unscaled: width = cols*w + (cols+1)*pad, plus, with neighbours, a gap of
// max(2, 2*pad) and one more tile and pad; height = rows*h + (rows+1)*pad.
// Both are then multiplied by Scale.
func (o GridOptions) Layout(n, h, w int) GridLayout {
	cols := o.Cols
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	if cols > n {
		cols = n
	}
	if cols < 1 {
		cols = 1
	}
	rows := (n + cols - 1) / cols
	pad, s := o.pad(), o.scale()
	width := cols*w + (cols+1)*pad
	nx := -1
	if o.Neighbours != nil {
		nx = (width + neighbourGap(pad)) * s
		width += neighbourGap(pad) + w + pad
	}
	height := rows*h + (rows+1)*pad
	return GridLayout{Rows: rows, Cols: cols, Width: width * s, Height: height * s,
		TileW: w * s, TileH: h * s, NeighbourX: nx}
}

func neighbourGap(pad int) int { return max(2, 2*pad) }

// ToUint8 maps v from the interval [lo, hi] to an 8-bit level:
// round(255*(v-lo)/(hi-lo)) with round(x) = floor(x+0.5), clamped to
// [0, 255] (never wrapped around). It requires lo < hi and a finite v; the
// grid functions check both before calling it.
func ToUint8(v, lo, hi float32) uint8 {
	t := (float64(v) - float64(lo)) / (float64(hi) - float64(lo)) * 255
	t = math.Floor(t + 0.5)
	switch {
	case t <= 0:
		return 0
	case t >= 255:
		return 255
	}
	return uint8(t)
}

// CheckFinite returns an error naming the first sample index, position and
// value that is NaN or ±Inf, or nil if all values are finite. what names the
// batch in the message ("sample", "neighbour").
func CheckFinite(imgs *data.Images, what string) error {
	for i, v := range imgs.Pix {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d := imgs.Dim()
			n, r := i/d, i%d
			y, r := r/(imgs.W*imgs.C), r%(imgs.W*imgs.C)
			x, c := r/imgs.C, r%imgs.C
			return fmt.Errorf("kernelext: %s %d has non-finite value %v at (x=%d, y=%d, c=%d); "+
				"refusing to draw it", what, n, v, x, y, c)
		}
	}
	return nil
}

func checkBatch(imgs *data.Images, what string) error {
	if imgs == nil {
		return fmt.Errorf("kernelext: %s batch is nil", what)
	}
	if err := imgs.Validate(); err != nil {
		return fmt.Errorf("kernelext: %s batch: %w", what, err)
	}
	if imgs.C != 1 && imgs.C != 3 {
		return fmt.Errorf("kernelext: %s batch has C=%d channels; only 1 (gray) and 3 (RGB) can be drawn",
			what, imgs.C)
	}
	return CheckFinite(imgs, what)
}

// valueRange returns the interval mapped to [0, 255] for imgs.
func valueRange(imgs *data.Images, normalize bool, what string) (lo, hi float32, err error) {
	r := imgs.Range
	if normalize && len(imgs.Pix) > 0 {
		lo, hi = imgs.Pix[0], imgs.Pix[0]
		for _, v := range imgs.Pix {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo < hi {
			return lo, hi, nil
		}
		// constant grid: fall back to the declared range, no division by zero
	}
	if !(r.Min < r.Max) {
		return 0, 0, fmt.Errorf("kernelext: %s batch declares an empty value range Range=[%g, %g]; "+
			"set data.Images.Range (e.g. data.RangeUnit [0,1] or data.RangeSigned [-1,1])",
			what, r.Min, r.Max)
	}
	return r.Min, r.Max, nil
}

// Grid draws a batch of samples as one image.
//
// imgs holds N images of [H, W, C] float32 (C = 1 gray, or 3 RGB), values in
// imgs.Range (or, with opts.Normalize, in their own [min, max]); values outside
// the range are clamped. The result is an *image.Gray for gray samples without
// neighbours and an *image.RGBA otherwise, of the size given by opts.Layout.
//
// Errors: ErrNoSamples for N = 0; an error naming the sample index and value
// for NaN or ±Inf input (no pixels are drawn); errors for bad shapes, channel
// counts, an empty Range or a Neighbours batch whose size or shape does not
// match.
func Grid(imgs *data.Images, opts GridOptions) (image.Image, error) {
	if imgs != nil && imgs.N == 0 {
		return nil, ErrNoSamples
	}
	if err := checkBatch(imgs, "sample"); err != nil {
		return nil, err
	}
	lay := opts.Layout(imgs.N, imgs.H, imgs.W)
	nb := opts.Neighbours
	if nb != nil {
		if err := checkBatch(nb, "neighbour"); err != nil {
			return nil, err
		}
		if nb.N != lay.Rows || nb.H != imgs.H || nb.W != imgs.W || nb.C != imgs.C {
			return nil, fmt.Errorf("kernelext: GridOptions.Neighbours has shape [%d %d %d %d], "+
				"want one per row: [%d %d %d %d]", nb.N, nb.H, nb.W, nb.C,
				lay.Rows, imgs.H, imgs.W, imgs.C)
		}
	}
	lo, hi, err := valueRange(imgs, opts.Normalize, "sample")
	if err != nil {
		return nil, err
	}

	// draw at scale 1, then upscale
	pad := opts.pad()
	unscaled := opts
	unscaled.Scale = 1
	l1 := unscaled.Layout(imgs.N, imgs.H, imgs.W)
	bg := opts.Background
	if bg == nil {
		bg = color.White
	}
	canvas := image.NewRGBA(image.Rect(0, 0, l1.Width, l1.Height))
	fill(canvas, canvas.Rect, bg)
	for i := 0; i < imgs.N; i++ {
		row, col := i/l1.Cols, i%l1.Cols
		x0 := pad + col*(imgs.W+pad)
		y0 := pad + row*(imgs.H+pad)
		drawTile(canvas, x0, y0, imgs, i, lo, hi)
	}
	if nb != nil {
		nlo, nhi, err := valueRange(nb, opts.Normalize, "neighbour")
		if err != nil {
			return nil, err
		}
		x0 := l1.NeighbourX
		for row := 0; row < nb.N; row++ {
			y0 := pad + row*(imgs.H+pad)
			if pad > 0 {
				frame := image.Rect(x0-1, y0-1, x0+imgs.W+1, y0+imgs.H+1)
				fill(canvas, frame.Intersect(canvas.Rect), NeighbourFrame)
			}
			drawTile(canvas, x0, y0, nb, row, nlo, nhi)
		}
	}
	out := upscale(canvas, opts.scale())
	if imgs.C == 1 && nb == nil {
		return toGray(out), nil
	}
	return out, nil
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	rgba := color.RGBAModel.Convert(c).(color.RGBA)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, rgba)
		}
	}
}

func drawTile(canvas *image.RGBA, x0, y0 int, imgs *data.Images, i int, lo, hi float32) {
	pix := imgs.Image(i)
	for y := 0; y < imgs.H; y++ {
		for x := 0; x < imgs.W; x++ {
			p := pix[(y*imgs.W+x)*imgs.C:]
			var c color.RGBA
			if imgs.C == 1 {
				g := ToUint8(p[0], lo, hi)
				c = color.RGBA{g, g, g, 255}
			} else {
				c = color.RGBA{ToUint8(p[0], lo, hi), ToUint8(p[1], lo, hi), ToUint8(p[2], lo, hi), 255}
			}
			canvas.SetRGBA(x0+x, y0+y, c)
		}
	}
}

func upscale(src *image.RGBA, s int) *image.RGBA {
	if s == 1 {
		return src
	}
	b := src.Rect
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()*s, b.Dy()*s))
	for y := 0; y < dst.Rect.Dy(); y++ {
		for x := 0; x < dst.Rect.Dx(); x++ {
			dst.SetRGBA(x, y, src.RGBAAt(x/s, y/s))
		}
	}
	return dst
}

func toGray(src *image.RGBA) *image.Gray {
	dst := image.NewGray(src.Rect)
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y++ {
		for x := src.Rect.Min.X; x < src.Rect.Max.X; x++ {
			// gray tiles and padding have R = G = B; keep R exactly
			dst.SetGray(x, y, color.Gray{Y: src.RGBAAt(x, y).R})
		}
	}
	return dst
}

// EncodePNG encodes img as PNG bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("kernelext: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// GridPNG is Grid encoded as PNG bytes.
func GridPNG(imgs *data.Images, opts GridOptions) ([]byte, error) {
	img, err := Grid(imgs, opts)
	if err != nil {
		return nil, err
	}
	return EncodePNG(img)
}

// DisplayGrid draws imgs with Grid and shows it as an image/png output (so it
// persists in the saved notebook), followed by each extraHTML fragment (e.g.
// CollapseBadgeHTML). Outside a notebook it writes the PNG (and HTML) under
// DisplayDir(), see Shown. The error is for bad input (no samples, NaN, bad
// shapes), never for the display channel.
func DisplayGrid(imgs *data.Images, opts GridOptions, extraHTML ...string) (Shown, error) {
	pngBytes, err := GridPNG(imgs, opts)
	if err != nil {
		return Shown{}, err
	}
	shown := DisplayPNG("grid", pngBytes)
	for _, h := range extraHTML {
		if s := DisplayHTML("grid-note", h); s.Err != nil && shown.Err == nil {
			shown.Err = s.Err
		}
	}
	return shown, nil
}
