package ganlib

import (
	"fmt"
	"math"
)

// LerpNoise returns steps noise vectors on the straight line from z0 to z1,
// both ends included: z(t) = (1-t)·z0 + t·z1 for t = i/(steps-1), computed in
// float64. This is the linear interpolation in z-space of Figure 3. steps = 1
// gives z0 alone. It panics if len(z0) != len(z1) or steps < 1 (programming
// errors, like slice bounds).
func LerpNoise(z0, z1 []float32, steps int) [][]float32 {
	checkInterp("LerpNoise", z0, z1, steps)
	out := make([][]float32, steps)
	for i := range out {
		t := interpT(i, steps)
		z := make([]float32, len(z0))
		for j := range z {
			z[j] = float32((1-t)*float64(z0[j]) + t*float64(z1[j]))
		}
		out[i] = z
	}
	return out
}

// SlerpNoise returns steps noise vectors on the great-circle arc from z0 to
// z1, both ends included (spherical linear interpolation):
//
//	z(t) = sin((1-t)·Ω)/sin Ω · z0 + sin(t·Ω)/sin Ω · z1,  cos Ω = z0·z1 / (|z0| |z1|)
//
// for t = i/(steps-1). For vectors of equal norm every point keeps that norm,
// so the path stays where a Gaussian or spherical prior puts its mass, unlike
// the straight line (whose midpoint is shorter). When z0 and z1 are (nearly)
// parallel (sin Ω < 1e-6) or one of them is zero it falls back to LerpNoise.
// It panics like LerpNoise.
func SlerpNoise(z0, z1 []float32, steps int) [][]float32 {
	checkInterp("SlerpNoise", z0, z1, steps)
	var dot, n0, n1 float64
	for j := range z0 {
		a, b := float64(z0[j]), float64(z1[j])
		dot += a * b
		n0 += a * a
		n1 += b * b
	}
	if n0 == 0 || n1 == 0 {
		return LerpNoise(z0, z1, steps)
	}
	cosOmega := max(-1, min(1, dot/math.Sqrt(n0*n1)))
	omega := math.Acos(cosOmega)
	sinOmega := math.Sin(omega)
	if sinOmega < 1e-6 {
		return LerpNoise(z0, z1, steps)
	}
	out := make([][]float32, steps)
	for i := range out {
		t := interpT(i, steps)
		w0 := math.Sin((1-t)*omega) / sinOmega
		w1 := math.Sin(t*omega) / sinOmega
		z := make([]float32, len(z0))
		for j := range z {
			z[j] = float32(w0*float64(z0[j]) + w1*float64(z1[j]))
		}
		out[i] = z
	}
	return out
}

// interpT is the i-th of steps evenly spaced points of [0, 1].
func interpT(i, steps int) float64 {
	if steps == 1 {
		return 0
	}
	return float64(i) / float64(steps-1)
}

func checkInterp(fn string, z0, z1 []float32, steps int) {
	if len(z0) != len(z1) {
		panic(fmt.Sprintf("ganlib.%s: z0 has %d values, z1 has %d", fn, len(z0), len(z1)))
	}
	if steps < 1 {
		panic(fmt.Sprintf("ganlib.%s: steps = %d, must be >= 1", fn, steps))
	}
}
