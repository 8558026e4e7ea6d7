//go:build goexperiment.simd

package evaluation

import (
	"math"
	"os"
	"simd/archsimd"
	"unsafe"
)

func init() {
	switch {
	case os.Getenv("GAN_EVALUATION_NO_SIMD") != "":
	case archsimd.X86.AVX512():
		simdCrossNT, crossNTKernel = crossNTAVX512, "archsimd AVX-512 2x4 kernel"
	case archsimd.X86.AVX2() && archsimd.X86.FMA():
		simdCrossNT, crossNTKernel = crossNTAVX2, "archsimd AVX2 2x4 kernel"
	}
}

// crossNTAVX2 is crossNT with 4-wide float64 FMA. Every element is computed
// the same way whatever block it falls in: lane l of one accumulator sums
// a[k]·b[k] for k ≡ l (mod 4), k < d&^3, in increasing k with FMA; the lanes
// are added as (l0+l1)+(l2+l3); the remaining k are added with FMA; the sum
// is multiplied by alpha.
func crossNTAVX2(m, n, d int, alpha float64, a, b, c []float64) {
	const jBlock = 64 // rows of B swept per row pair of A (~400 KB at d=784)
	for j0 := 0; j0 < n; j0 += jBlock {
		j1 := min(n, j0+jBlock)
		i := 0
		for ; i+2 <= m; i += 2 {
			a0, a1 := a[i*d:(i+1)*d], a[(i+1)*d:(i+2)*d]
			c0, c1 := c[i*n:(i+1)*n], c[(i+1)*n:(i+2)*n]
			j := j0
			for ; j+4 <= j1; j += 4 {
				kernel2x4(a0, a1, b[j*d:(j+4)*d], d, alpha, c0[j:j+4], c1[j:j+4])
			}
			for ; j < j1; j++ {
				bj := b[j*d : (j+1)*d]
				c0[j] = alpha * dot1(a0, bj)
				c1[j] = alpha * dot1(a1, bj)
			}
		}
		if i < m {
			ai, ci := a[i*d:(i+1)*d], c[i*n:(i+1)*n]
			for j := j0; j < j1; j++ {
				ci[j] = alpha * dot1(ai, b[j*d:(j+1)*d])
			}
		}
	}
}

// reduce4 adds the lanes as (l0+l1)+(l2+l3).
func reduce4(v archsimd.Float64x4) float64 {
	var s [4]float64
	v.Store(&s)
	return (s[0] + s[1]) + (s[2] + s[3])
}

// tail adds a[k]·b[k] for k ≥ from with FMA.
func tail(s float64, a, b []float64, from int) float64 {
	for k := from; k < len(a); k++ {
		s = math.FMA(a[k], b[k], s)
	}
	return s
}

// dot1 is one element, computed as described on crossNTAVX2.
func dot1(a, b []float64) float64 {
	d4 := len(a) &^ 3
	b = b[:len(a)]
	var acc archsimd.Float64x4
	for k := 0; k < d4; k += 4 {
		acc = archsimd.LoadFloat64x4Slice(a[k:k+4]).MulAdd(archsimd.LoadFloat64x4Slice(b[k:k+4]), acc)
	}
	return tail(reduce4(acc), a, b, d4)
}

// kernel2x4 computes the 2×4 block a0, a1 against the 4 rows of b.
func kernel2x4(a0, a1, b []float64, d int, alpha float64, c0, c1 []float64) {
	d4 := d &^ 3
	a0, a1 = a0[:d], a1[:d]
	b0, b1, b2, b3 := b[:d], b[d:2*d], b[2*d:3*d], b[3*d:4*d]
	var s00, s01, s02, s03, s10, s11, s12, s13 archsimd.Float64x4
	for k := 0; k < d4; k += 4 {
		x0 := archsimd.LoadFloat64x4Slice(a0[k : k+4])
		x1 := archsimd.LoadFloat64x4Slice(a1[k : k+4])
		y := archsimd.LoadFloat64x4Slice(b0[k : k+4])
		s00 = x0.MulAdd(y, s00)
		s10 = x1.MulAdd(y, s10)
		y = archsimd.LoadFloat64x4Slice(b1[k : k+4])
		s01 = x0.MulAdd(y, s01)
		s11 = x1.MulAdd(y, s11)
		y = archsimd.LoadFloat64x4Slice(b2[k : k+4])
		s02 = x0.MulAdd(y, s02)
		s12 = x1.MulAdd(y, s12)
		y = archsimd.LoadFloat64x4Slice(b3[k : k+4])
		s03 = x0.MulAdd(y, s03)
		s13 = x1.MulAdd(y, s13)
	}
	c0[0] = alpha * tail(reduce4(s00), a0, b0, d4)
	c0[1] = alpha * tail(reduce4(s01), a0, b1, d4)
	c0[2] = alpha * tail(reduce4(s02), a0, b2, d4)
	c0[3] = alpha * tail(reduce4(s03), a0, b3, d4)
	c1[0] = alpha * tail(reduce4(s10), a1, b0, d4)
	c1[1] = alpha * tail(reduce4(s11), a1, b1, d4)
	c1[2] = alpha * tail(reduce4(s12), a1, b2, d4)
	c1[3] = alpha * tail(reduce4(s13), a1, b3, d4)
}

// crossNTAVX512 is crossNT with 8-wide float64 FMA and 2×4 blocks. Elements
// are computed as in crossNTAVX2 but with 8 lanes, added as
// ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)), and k < d&^7. (A 4×4 block measured
// slower: the compiler's register allocation spills.)
func crossNTAVX512(m, n, d int, alpha float64, a, b, c []float64) {
	const jBlock = 64
	for j0 := 0; j0 < n; j0 += jBlock {
		j1 := min(n, j0+jBlock)
		i := 0
		for ; i+2 <= m; i += 2 {
			j := j0
			for ; j+4 <= j1; j += 4 {
				kernel2x4x8(a[i*d:(i+2)*d], b[j*d:(j+4)*d], d, alpha, c[i*n+j:], n)
			}
			for ; j < j1; j++ {
				bj := b[j*d : (j+1)*d]
				for r := i; r < i+2; r++ {
					c[r*n+j] = alpha * dot8(a[r*d:(r+1)*d], bj)
				}
			}
		}
		for ; i < m; i++ {
			ai, ci := a[i*d:(i+1)*d], c[i*n:(i+1)*n]
			for j := j0; j < j1; j++ {
				ci[j] = alpha * dot8(ai, b[j*d:(j+1)*d])
			}
		}
	}
}

// reduce8 adds the lanes as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)).
func reduce8(v archsimd.Float64x8) float64 {
	var s [8]float64
	v.Store(&s)
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

// dot8 is one element, computed as described on crossNTAVX512.
func dot8(a, b []float64) float64 {
	d8 := len(a) &^ 7
	b = b[:len(a)]
	var acc archsimd.Float64x8
	for k := 0; k < d8; k += 8 {
		acc = archsimd.LoadFloat64x8Slice(a[k:k+8]).MulAdd(archsimd.LoadFloat64x8Slice(b[k:k+8]), acc)
	}
	return tail(reduce8(acc), a, b, d8)
}

// kernel2x4x8 computes the 2×4 block of rows a (2 rows) against rows b (4
// rows) into c (row stride ldc).
func kernel2x4x8(a, b []float64, d int, alpha float64, c []float64, ldc int) {
	d8 := d &^ 7
	a0, a1 := a[:d], a[d:2*d]
	b0, b1, b2, b3 := b[:d], b[d:2*d], b[2*d:3*d], b[3*d:4*d]
	var s00, s01, s02, s03, s10, s11, s12, s13 archsimd.Float64x8
	// The slices above have length d ≥ d8, so every 8-value load at k < d8
	// is in bounds; unsafe pointers avoid six bounds checks per step.
	pa0, pa1 := unsafe.Pointer(unsafe.SliceData(a0)), unsafe.Pointer(unsafe.SliceData(a1))
	pb0, pb1 := unsafe.Pointer(unsafe.SliceData(b0)), unsafe.Pointer(unsafe.SliceData(b1))
	pb2, pb3 := unsafe.Pointer(unsafe.SliceData(b2)), unsafe.Pointer(unsafe.SliceData(b3))
	load := func(p unsafe.Pointer, k int) archsimd.Float64x8 {
		return archsimd.LoadFloat64x8((*[8]float64)(unsafe.Add(p, 8*k)))
	}
	for k := 0; k < d8; k += 8 {
		x0, x1 := load(pa0, k), load(pa1, k)
		y := load(pb0, k)
		s00 = x0.MulAdd(y, s00)
		s10 = x1.MulAdd(y, s10)
		y = load(pb1, k)
		s01 = x0.MulAdd(y, s01)
		s11 = x1.MulAdd(y, s11)
		y = load(pb2, k)
		s02 = x0.MulAdd(y, s02)
		s12 = x1.MulAdd(y, s12)
		y = load(pb3, k)
		s03 = x0.MulAdd(y, s03)
		s13 = x1.MulAdd(y, s13)
	}
	c[0] = alpha * tail(reduce8(s00), a0, b0, d8)
	c[1] = alpha * tail(reduce8(s01), a0, b1, d8)
	c[2] = alpha * tail(reduce8(s02), a0, b2, d8)
	c[3] = alpha * tail(reduce8(s03), a0, b3, d8)
	c[ldc] = alpha * tail(reduce8(s10), a1, b0, d8)
	c[ldc+1] = alpha * tail(reduce8(s11), a1, b1, d8)
	c[ldc+2] = alpha * tail(reduce8(s12), a1, b2, d8)
	c[ldc+3] = alpha * tail(reduce8(s13), a1, b3, d8)
}
