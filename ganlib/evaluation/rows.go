package evaluation

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/gan-notebooks/gan/data"
)

// unitRoundoff is u = 2⁻⁵³, the unit roundoff of float64.
const unitRoundoff = 1.0 / (1 << 53)

// NewVectors wraps n row-major vectors of dimension d (values holds n*d
// float32 numbers) as a *data.Images of shape [n, 1, d, 1], so plain slices
// can be passed wherever this package takes images. The slice is not copied.
// The value range is left undeclared (the zero ValueRange).
func NewVectors(n, d int, values []float32) (*data.Images, error) {
	im := &data.Images{N: n, H: 1, W: d, C: 1, Pix: values}
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("evaluation.NewVectors(n=%d, d=%d): %w", n, d, err)
	}
	return im, nil
}

// checkSet validates one input set; name says which argument it is.
func checkSet(fn, name string, im *data.Images, allowEmpty bool) error {
	if im == nil {
		return fmt.Errorf("%s: %s is nil", fn, name)
	}
	if err := im.Validate(); err != nil {
		return fmt.Errorf("%s: %s: %w", fn, name, err)
	}
	if im.N == 0 && !allowEmpty {
		return fmt.Errorf("%s: %s is empty (N=0)", fn, name)
	}
	return nil
}

// checkPair checks that two sets can be compared: same dimension and, when
// both declare one, the same value range.
func checkPair(fn, nameA string, a *data.Images, nameB string, b *data.Images) error {
	if a.Dim() != b.Dim() {
		return fmt.Errorf("%s: %s has dimension %d ([%d %d %d]) but %s has %d ([%d %d %d])",
			fn, nameA, a.Dim(), a.H, a.W, a.C, nameB, b.Dim(), b.H, b.W, b.C)
	}
	var undeclared data.ValueRange
	if a.Range != undeclared && b.Range != undeclared && a.Range != b.Range {
		return fmt.Errorf("%s: %s has value range [%g, %g] but %s has [%g, %g]; "+
			"rescale one of them first (distances depend on the scale)",
			fn, nameA, a.Range.Min, a.Range.Max, nameB, b.Range.Min, b.Range.Max)
	}
	return nil
}

// shareMemory reports whether the pixel buffers of a and b overlap.
func shareMemory(a, b *data.Images) bool {
	if len(a.Pix) == 0 || len(b.Pix) == 0 {
		return false
	}
	a0 := uintptr(unsafe.Pointer(&a.Pix[0]))
	a1 := a0 + uintptr(len(a.Pix))*4
	b0 := uintptr(unsafe.Pointer(&b.Pix[0]))
	b1 := b0 + uintptr(len(b.Pix))*4
	return a0 < b1 && b0 < a1
}

// toFloat64 converts rows [from, to) of im to float64 into dst (resized),
// and their squared norms into sq (resized). Returns dst and sq.
func toFloat64(im *data.Images, from, to int, dst, sq []float64) ([]float64, []float64) {
	d := im.Dim()
	n := to - from
	dst = resize(dst, n*d)
	sq = resize(sq, n)
	src := im.Pix[from*d : to*d]
	for i := range n {
		row := dst[i*d : (i+1)*d]
		var s float64
		for k, v := range src[i*d : (i+1)*d] {
			f := float64(v)
			row[k] = f
			s += f * f
		}
		sq[i] = s
	}
	return dst, sq
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// directSqDist is Σₖ (aₖ - bₖ)² summed in index order in float64. For
// float32-valued inputs each difference is exact, so the only error is the
// rounding of the squares and the sum: at most γ_d·||a-b||², relative to
// the distance itself (no cancellation).
func directSqDist(a, b []float64) float64 {
	var s float64
	for k, v := range a {
		t := v - b[k]
		s += t * t
	}
	return s
}

// gemmErrorFactor returns c such that, for vectors of dimension d, the
// distance computed as ||x||² + ||y||² - 2x·y in float64 (any summation
// order) differs from the exact one by at most c·(||x||² + ||y||²).
//
// Each of the three terms carries at most γ_d = d·u/(1-d·u) relative error
// on Σ|·| (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), and
// |x·y| ≤ (||x||²+||y||²)/2, giving 2γ_d(||x||²+||y||²); the final two
// additions add at most 4u(||x||²+||y||²). We return 2γ_{d+2} + 4u, rounded
// up generously.
func gemmErrorFactor(d int) float64 {
	n := float64(d + 2)
	gamma := n * unitRoundoff / (1 - n*unitRoundoff)
	return 2*gamma + 4*unitRoundoff
}

// logSigmaSqrt2Pi returns log(σ·√(2π)).
func logSigmaSqrt2Pi(sigma float64) float64 {
	return math.Log(sigma) + 0.5*math.Log(2*math.Pi)
}
