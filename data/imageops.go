package data

import "fmt"

// Slice returns images [i, j) as a view sharing Pix (and Labels) with im.
// It panics, like a Go slice expression, when the bounds are out of range.
func (im *Images) Slice(i, j int) *Images {
	if i < 0 || j < i || j > im.N {
		panic(fmt.Sprintf("data.Images.Slice: bounds [%d:%d] out of range for N=%d", i, j, im.N))
	}
	d := im.Dim()
	out := &Images{N: j - i, H: im.H, W: im.W, C: im.C, Range: im.Range,
		Pix: im.Pix[i*d : j*d : j*d]}
	if im.Labels != nil {
		out.Labels = im.Labels[i:j:j]
	}
	return out
}

// Subset returns the first min(n, N) images as a view (no copy), for quick
// runs. A negative n returns all images.
func (im *Images) Subset(n int) *Images {
	if n < 0 || n > im.N {
		n = im.N
	}
	return im.Slice(0, n)
}

// Clone returns a deep copy.
func (im *Images) Clone() *Images {
	out := *im
	out.Pix = append([]float32(nil), im.Pix...)
	if im.Labels != nil {
		out.Labels = append([]int(nil), im.Labels...)
	}
	return &out
}
