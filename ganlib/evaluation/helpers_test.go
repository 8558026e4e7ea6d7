package evaluation

import (
	"math"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// splitmixUniform returns count float32 values in [0, 1) from SplitMix64,
// element for element the same as splitmix_uniform in
// shared/anchors/numpy_parzen_bench.py (checked in TestAnchorInputsMatch).
func splitmixUniform(seed uint64, count int) []float32 {
	out := make([]float32, count)
	for i := range out {
		z := seed + uint64(i+1)*0x9E3779B97F4A7C15
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		out[i] = float32(z>>40) / (1 << 24)
	}
	return out
}

// splitmixImages returns n vectors of dimension d, declared in [0, 1].
func splitmixImages(t testing.TB, seed uint64, n, d int) *data.Images {
	t.Helper()
	im := mustVectors(t, n, d, splitmixUniform(seed, n*d))
	im.Range = data.RangeUnit
	return im
}

func mustVectors(t testing.TB, n, d int, values []float32) *data.Images {
	t.Helper()
	im, err := NewVectors(n, d, values)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

// naiveParzen is an independent, slow reference: direct float64 differences
// and a textbook log-mean-exp, one test point at a time.
func naiveParzen(samples, points *data.Images, sigma float64) []float64 {
	d := samples.Dim()
	out := make([]float64, points.N)
	a := make([]float64, samples.N)
	for i := range points.N {
		x := points.Image(i)
		best := math.Inf(-1)
		for j := range samples.N {
			mu := samples.Image(j)
			var s float64
			for k := range d {
				t := float64(x[k]) - float64(mu[k])
				s += t * t
			}
			a[j] = -s / (2 * sigma * sigma)
			best = max(best, a[j])
		}
		var sum float64
		for _, v := range a {
			sum += math.Exp(v - best)
		}
		out[i] = best + math.Log(sum/float64(samples.N)) -
			float64(d)*math.Log(sigma*math.Sqrt(2*math.Pi))
	}
	return out
}

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / max(math.Abs(want), 1e-300)
}
