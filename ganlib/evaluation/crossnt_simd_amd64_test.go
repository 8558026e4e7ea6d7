//go:build goexperiment.simd

package evaluation

import (
	"math/rand/v2"
	"simd/archsimd"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestSIMDKernels checks each kernel the CPU supports, whichever crossNT
// picked: agreement with gonum's Dgemm and block independence.
func TestSIMDKernels(t *testing.T) {
	kernels := map[string]func(m, n, d int, alpha float64, a, b, c []float64){}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		kernels["AVX2"] = crossNTAVX2
	}
	if archsimd.X86.AVX512() {
		kernels["AVX-512"] = crossNTAVX512
	}
	if len(kernels) == 0 {
		t.Skip("no AVX2/AVX-512")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for name, kernel := range kernels {
		for _, sz := range []struct{ m, n, d int }{{7, 9, 21}, {4, 130, 784}, {1, 1, 3}} {
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
			blas64.Implementation().Dgemm(blas.NoTrans, blas.Trans, sz.m, sz.n, sz.d, -2, a, sz.d,
				b, sz.d, 0, ref, sz.n)
			for i := range sz.m {
				for j := range sz.n {
					var one [1]float64
					kernel(1, 1, sz.d, -2, a[i*sz.d:(i+1)*sz.d], b[j*sz.d:(j+1)*sz.d], one[:])
					got := c[i*sz.n+j]
					if relErr(got, ref[i*sz.n+j]) > 1e-13 || got != one[0] {
						t.Errorf("%s %v (%d,%d): %v; alone %v; Dgemm %v", name, sz, i, j, got,
							one[0], ref[i*sz.n+j])
					}
				}
			}
		}
	}
}
