package evaluation

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// crossNTSize is one product shape for checkCrossNT: [m, d]·[n, d]ᵀ.
type crossNTSize struct{ m, n, d int }

// checkCrossNT runs kernel (crossNT's signature) on random products with
// alpha = -2 and checks that it agrees with gonum's Dgemm to 1e-13 relative
// and, when blockExact, that every element is bit-identical to computing it
// alone (1×1), whatever the block shapes.
func checkCrossNT(t *testing.T, name string, kernel func(m, n, d int, alpha float64, a, b, c []float64),
	rng *rand.Rand, sizes []crossNTSize, blockExact bool) {
	t.Helper()
	for _, sz := range sizes {
		a := make([]float64, sz.m*sz.d)
		b := make([]float64, sz.n*sz.d)
		for i := range a {
			a[i] = rng.Float64()
		}
		for i := range b {
			b[i] = rng.Float64()
		}
		c := make([]float64, sz.m*sz.n)
		kernel(sz.m, sz.n, sz.d, -2, a, b, c)
		ref := make([]float64, sz.m*sz.n)
		blas64.Implementation().Dgemm(blas.NoTrans, blas.Trans, sz.m, sz.n, sz.d, -2, a, sz.d, b,
			sz.d, 0, ref, sz.n)
		for i := range sz.m {
			for j := range sz.n {
				got := c[i*sz.n+j]
				if relErr(got, ref[i*sz.n+j]) > 1e-13 {
					t.Errorf("%s %v (%d,%d): %v, Dgemm %v", name, sz, i, j, got, ref[i*sz.n+j])
				}
				var one [1]float64
				kernel(1, 1, sz.d, -2, a[i*sz.d:(i+1)*sz.d], b[j*sz.d:(j+1)*sz.d], one[:])
				if blockExact && one[0] != got {
					t.Errorf("%s %v (%d,%d): %v in a block, %v alone", name, sz, i, j, got, one[0])
				}
			}
		}
	}
}

// TestCrossNT: the product agrees with gonum's Dgemm (1e-13 relative to the
// row norms), and with a SIMD kernel every element is bit-identical to
// computing it alone (1×1), whatever the block shapes.
func TestCrossNT(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	t.Logf("SIMD kernel: %v", simdCrossNT != nil)
	checkCrossNT(t, "crossNT", crossNT, rng,
		[]crossNTSize{{5, 7, 13}, {2, 4, 8}, {9, 70, 784}, {3, 1, 1}, {1, 66, 3}}, simdCrossNT != nil)
}

// BenchmarkCrossNT times the 1000×10000×784 product of the σ sweep.
func BenchmarkCrossNT(b *testing.B) {
	const m, n, d = 1000, 10000, 784
	x := splitmixImages(b, 1, m, d)
	mu := splitmixImages(b, 2, n, d)
	a, _ := toFloat64(x, 0, m, nil, nil)
	bb, _ := toFloat64(mu, 0, n, nil, nil)
	c := make([]float64, m*n)
	b.Run("crossNT", func(b *testing.B) {
		for b.Loop() {
			crossNT(m, n, d, -2, a, bb, c)
		}
		b.ReportMetric(2*m*n*d/1e9/(b.Elapsed().Seconds()/float64(b.N)), "GFLOPS")
	})
	b.Run("gonum", func(b *testing.B) {
		for b.Loop() {
			blas64.Implementation().Dgemm(blas.NoTrans, blas.Trans, m, n, d, -2, a, d, bb, d, 0, c, n)
		}
		b.ReportMetric(2*m*n*d/1e9/(b.Elapsed().Seconds()/float64(b.N)), "GFLOPS")
	})
}
