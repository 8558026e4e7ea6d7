package evaluation

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
)

// simdCrossNT is the SIMD kernel for crossNT, or nil when the build or the
// CPU has none (see crossnt_simd_amd64.go).
var simdCrossNT func(m, n, d int, alpha float64, a, b, c []float64)

// crossNTKernel names the kernel crossNT uses, for benchmark reports.
var crossNTKernel = "gonum Dgemm"

// crossNT sets c[i*n+j] = alpha · Σₖ a[i*d+k]·b[j*d+k] for i < m, j < n: the
// product A·Bᵀ of row-major A [m, d] and B [n, d] into row-major C [m, n].
// With GOEXPERIMENT=simd on an amd64 CPU with AVX2 and FMA it uses this
// package's kernel, whose value for each (i, j) depends only on rows a_i and
// b_j (not on m, n or the position in C), so chunking never changes a
// result; otherwise gonum's Dgemm.
func crossNT(m, n, d int, alpha float64, a, b, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if simdCrossNT != nil {
		simdCrossNT(m, n, d, alpha, a, b, c)
		cpu.ClearAVXUpperState()
		return
	}
	blas64.Implementation().Dgemm(blas.NoTrans, blas.Trans, m, n, d, alpha, a, d, b, d, 0, c, n)
}
