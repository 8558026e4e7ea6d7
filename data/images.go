package data

import "fmt"

// Images is a batch of images (or, with H = W = C = 1, of scalars) held in
// host memory, in the layout every package of this project exchanges:
// row-major [N, H, W, C] float32 ("NHWC"), values in Range.
//
// Pix[((n*H+y)*W+x)*C+c] is channel c of pixel (x, y) of image n.
type Images struct {
	N, H, W, C int
	// Pix holds N*H*W*C values.
	Pix []float32
	// Labels holds N class labels, or is nil when the data has none.
	Labels []int
	// Range is the value range the pixels are declared to live in, e.g.
	// [0, 1] for the paper's MNIST or [-1, 1] for a tanh generator.
	Range ValueRange
}

// ValueRange is a closed interval [Min, Max] of pixel values.
type ValueRange struct{ Min, Max float32 }

// Common value ranges.
var (
	RangeUnit   = ValueRange{0, 1}  // sigmoid outputs; the paper's MNIST and TFD
	RangeSigned = ValueRange{-1, 1} // tanh outputs
)

// Dim returns the number of values of one image, H*W*C.
func (im *Images) Dim() int { return im.H * im.W * im.C }

// Image returns the Dim() values of image i (a sub-slice, not a copy).
func (im *Images) Image(i int) []float32 {
	d := im.Dim()
	return im.Pix[i*d : (i+1)*d]
}

// Validate checks that the sizes agree with each other.
func (im *Images) Validate() error {
	if im.N < 0 || im.H <= 0 || im.W <= 0 || im.C <= 0 {
		return fmt.Errorf("data.Images: bad shape [%d %d %d %d]", im.N, im.H, im.W, im.C)
	}
	if len(im.Pix) != im.N*im.Dim() {
		return fmt.Errorf("data.Images: shape [%d %d %d %d] needs %d values, Pix has %d",
			im.N, im.H, im.W, im.C, im.N*im.Dim(), len(im.Pix))
	}
	if im.Labels != nil && len(im.Labels) != im.N {
		return fmt.Errorf("data.Images: %d images but %d labels", im.N, len(im.Labels))
	}
	return nil
}
