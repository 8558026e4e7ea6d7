//go:build goexperiment.simd

package evaluation

import "simd/archsimd"

var dirtySink [8]float64

// dirtyUpperState runs one 256-bit archsimd operation on the calling
// thread; Go emits no VZEROUPPER after it, so the upper halves of the
// vector registers stay dirty. It reports whether it ran.
func dirtyUpperState() bool {
	if !archsimd.X86.AVX2() {
		return false
	}
	x := archsimd.LoadFloat64x4Slice([]float64{1, 2, 3, 4})
	x.Add(x).StoreSlice(dirtySink[:4])
	return true
}
