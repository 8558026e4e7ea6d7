//go:build goexperiment.simd

package evaluation

import (
	"math/rand/v2"
	"simd/archsimd"
	"testing"
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
		checkCrossNT(t, name, kernel, rng, []crossNTSize{{7, 9, 21}, {4, 130, 784}, {1, 1, 3}}, true)
	}
}
