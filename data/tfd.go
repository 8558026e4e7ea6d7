package data

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// TFDSide is the side of the Toronto Face Database images the paper used
// (48x48 grayscale).
const TFDSide = 48

// TFDIDXNames are the IDX file names LoadTFD looks for, in order (each also
// with ".gz"); labels are optional.
var (
	TFDIDXNames      = []string{"tfd-images-idx3-ubyte", "tfd-images.idx3-ubyte"}
	TFDLabelIDXNames = []string{"tfd-labels-idx1-ubyte", "tfd-labels.idx1-ubyte"}
)

// TFDOptions configures LoadTFD.
type TFDOptions struct {
	// Dir, when set, is the only folder searched; otherwise $GAN_TFD_DIR,
	// then the cache folder (Dataset.CacheDir).
	Dir string
	// Range of the pixel values; zero value means RangeUnit (p/255).
	Range ValueRange
}

// LoadTFD loads a user-provided copy of the Toronto Face Database (it is
// not freely downloadable) in one of two simple formats, checked in this
// order in the folder found:
//
//  1. an IDX file "tfd-images-idx3-ubyte" (or "tfd-images.idx3-ubyte",
//     either optionally ".gz") of ubyte [N, 48, 48], with an optional
//     "tfd-labels-idx1-ubyte" of N labels;
//  2. a folder of 48x48 PNG images (*.png, read in lexical order of their
//     names; colour images are converted to gray with the standard
//     luminance weights).
//
// The result is Images [N, 48, 48, 1] in opts.Range. The paper's TFD
// experiments used the database's folds; select them by hand with Slice.
func LoadTFD(opts TFDOptions) (*Images, error) {
	rng := opts.Range
	if rng == (ValueRange{}) {
		rng = RangeUnit
	}
	nf := &NotFoundError{Dataset: TFD}
	for _, e := range searchDirs(TFD, opts.Dir) {
		if img := findVariant(e.dir, TFDIDXNames); img != "" {
			lbl := findVariant(e.dir, TFDLabelIDXNames)
			im, err := ReadIDXImages(img, lbl, rng)
			if err != nil {
				return nil, err
			}
			if im.H != TFDSide || im.W != TFDSide {
				return nil, formatErrorf(img, "TFD images must be %dx%d, got %dx%d", TFDSide, TFDSide, im.H, im.W)
			}
			return im, nil
		}
		pngs, _ := filepath.Glob(filepath.Join(e.dir, "*.png"))
		if len(pngs) > 0 {
			return ReadPNGDir(pngs, TFDSide, TFDSide, rng)
		}
		nf.Tried = append(nf.Tried, fmt.Sprintf("%s (%s): no %s[.gz] and no *.png files",
			e.dir, e.why, strings.Join(TFDIDXNames, " | ")))
	}
	return nil, nf
}

// findVariant returns the first existing dir/name or dir/name.gz.
func findVariant(dir string, names []string) string {
	for _, n := range names {
		for _, cand := range []string{n, n + ".gz"} {
			p := filepath.Join(dir, cand)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
		}
	}
	return ""
}

// ReadPNGDir decodes the given PNG files (sorted by name) into grayscale
// Images [N, h, w, 1] in rng; every image must be exactly w x h.
func ReadPNGDir(paths []string, h, w int, rng ValueRange) (*Images, error) {
	paths = append([]string(nil), paths...)
	sort.Strings(paths)
	if rng == (ValueRange{}) {
		rng = RangeUnit
	}
	lut := pixelLUT(rng)
	im := &Images{N: len(paths), H: h, W: w, C: 1, Range: rng, Pix: make([]float32, 0, len(paths)*h*w)}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		// Check the size from the header before decoding the pixels.
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			f.Close()
			return nil, &FormatError{File: p, Msg: "not a PNG image", Err: err}
		}
		if cfg.Width != w || cfg.Height != h {
			f.Close()
			return nil, formatErrorf(p, "image is %dx%d, want %dx%d", cfg.Width, cfg.Height, w, h)
		}
		if _, err := f.Seek(0, 0); err != nil {
			f.Close()
			return nil, fmt.Errorf("data: %w", err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			return nil, &FormatError{File: p, Msg: "corrupt PNG image", Err: err}
		}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				im.Pix = append(im.Pix, lut[grayAt(img, x, y)])
			}
		}
	}
	return im, nil
}

func grayAt(img image.Image, x, y int) uint8 {
	if g, ok := img.(*image.Gray); ok {
		return g.GrayAt(x, y).Y
	}
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
}
