package ganlib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// noiseStats returns the mean and variance of all values and the min/max
// row norm of z [batch, dim].
func noiseStats(z []float64, dim int) (mean, variance, minNorm, maxNorm, minV, maxV float64) {
	minNorm, maxNorm, minV, maxV = math.Inf(1), 0, math.Inf(1), math.Inf(-1)
	for _, v := range z {
		mean += v
		minV, maxV = min(minV, v), max(maxV, v)
	}
	mean /= float64(len(z))
	for _, v := range z {
		variance += (v - mean) * (v - mean)
	}
	variance /= float64(len(z))
	for r := 0; r < len(z)/dim; r++ {
		var sq float64
		for _, v := range z[r*dim : (r+1)*dim] {
			sq += v * v
		}
		minNorm, maxNorm = min(minNorm, math.Sqrt(sq)), max(maxNorm, math.Sqrt(sq))
	}
	return
}

// TestNoisePriors: each prior has mean 0 and variance 1 per coordinate
// (within 5 standard errors of 40000 draws), uniform stays in
// [-sqrt 3, sqrt 3], spherical rows have norm sqrt(dim); graph and host
// samplers agree in distribution; a seeded store repeats its draws.
func TestNoisePriors(t *testing.T) {
	backend := goBackend(t)
	const batch, dim = 400, 100
	n := float64(batch * dim)
	for _, prior := range []NoisePrior{PriorUniform, PriorGaussian, PriorSpherical} {
		graphDraw := func(seed int64) []float64 {
			store := seededStore(t, seed)
			return flat64(t, model.MustNewExec(backend, store, func(scope *model.Scope, g *graph.Graph) *graph.Node {
				return SampleNoise(scope, g, prior, batch, dim)
			}).MustCall1())
		}
		host := NoiseBatch(rand.New(rand.NewPCG(1, 1)), prior, batch, dim)
		hostF := make([]float64, len(host))
		for i, v := range host {
			hostF[i] = float64(v)
		}
		inGraph := graphDraw(11)
		for _, src := range []struct {
			name string
			z    []float64
		}{{"graph", inGraph}, {"host", hostF}} {
			t.Run(fmt.Sprintf("%s/%s", prior, src.name), func(t *testing.T) {
				mean, variance, minNorm, maxNorm, minV, maxV := noiseStats(src.z, dim)
				// standard error of the mean is 1/sqrt(n) = 0.005; of the variance about sqrt(2/n) = 0.007
				if math.Abs(mean) > 5/math.Sqrt(n) {
					t.Errorf("mean %g, want 0 ± %g", mean, 5/math.Sqrt(n))
				}
				if math.Abs(variance-1) > 5*math.Sqrt(2/n) {
					t.Errorf("variance %g, want 1 ± %g", variance, 5*math.Sqrt(2/n))
				}
				switch prior {
				case PriorUniform:
					if minV < -math.Sqrt(3)-1e-6 || maxV > math.Sqrt(3)+1e-6 || maxV < 1.7 || minV > -1.7 {
						t.Errorf("uniform values span [%g, %g], want about [-1.732, 1.732]", minV, maxV)
					}
				case PriorSpherical:
					if math.Abs(minNorm-10) > 1e-4 || math.Abs(maxNorm-10) > 1e-4 {
						t.Errorf("row norms in [%g, %g], want sqrt(%d) = 10", minNorm, maxNorm, dim)
					}
				}
			})
		}
		t.Run(string(prior)+"/seeded", func(t *testing.T) {
			again, other := graphDraw(11), graphDraw(12)
			for i := range inGraph {
				if inGraph[i] != again[i] {
					t.Fatalf("same seed, different draw at %d", i)
				}
			}
			if inGraph[0] == other[0] && inGraph[1] == other[1] {
				t.Error("different seeds gave the same draws")
			}
			h1 := NoiseBatch(rand.New(rand.NewPCG(1, 1)), prior, batch, dim)
			for i := range host {
				if host[i] != h1[i] {
					t.Fatalf("NoiseBatch with the same seed differs at %d", i)
				}
			}
		})
	}
}

// TestInterpolation checks LerpNoise and SlerpNoise on hand-computed points.
func TestInterpolation(t *testing.T) {
	s := math.Sqrt2 / 2
	tests := []struct {
		name   string
		fn     func(z0, z1 []float32, steps int) [][]float32
		z0, z1 []float32
		steps  int
		want   [][]float64
	}{
		{"lerp 3 steps", LerpNoise, []float32{1, 0}, []float32{0, 1}, 3, [][]float64{{1, 0}, {0.5, 0.5}, {0, 1}}},
		{"lerp 5 steps", LerpNoise, []float32{-2, 4}, []float32{2, 0}, 5,
			[][]float64{{-2, 4}, {-1, 3}, {0, 2}, {1, 1}, {2, 0}}},
		{"lerp 1 step is z0", LerpNoise, []float32{3, 4}, []float32{0, 1}, 1, [][]float64{{3, 4}}},
		// unit vectors 90° apart: the midpoint is at 45° on the unit circle
		{"slerp quarter circle", SlerpNoise, []float32{1, 0}, []float32{0, 1}, 3, [][]float64{{1, 0}, {s, s}, {0, 1}}},
		// thirds of 90°: (cos 30°, sin 30°), (cos 60°, sin 60°)
		{"slerp thirds", SlerpNoise, []float32{1, 0}, []float32{0, 1}, 4,
			[][]float64{{1, 0}, {math.Sqrt(3) / 2, 0.5}, {0.5, math.Sqrt(3) / 2}, {0, 1}}},
		// unequal norms: sin(45°)/sin(90°)·(2,0) + sin(45°)/sin(90°)·(0,1)
		{"slerp unequal norms", SlerpNoise, []float32{2, 0}, []float32{0, 1}, 3,
			[][]float64{{2, 0}, {2 * s, s}, {0, 1}}},
		// parallel vectors: falls back to the straight line
		{"slerp parallel", SlerpNoise, []float32{1, 1}, []float32{3, 3}, 3, [][]float64{{1, 1}, {2, 2}, {3, 3}}},
		{"slerp antiparallel", SlerpNoise, []float32{1, 0}, []float32{-1, 0}, 3, [][]float64{{1, 0}, {0, 0}, {-1, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.fn(tc.z0, tc.z1, tc.steps)
			if len(got) != len(tc.want) {
				t.Fatalf("%d points, want %d", len(got), len(tc.want))
			}
			for i := range got {
				for j := range got[i] {
					if !near(float64(got[i][j]), tc.want[i][j], 0, 1e-6) {
						t.Errorf("point %d = %v, want %v", i, got[i], tc.want[i])
						break
					}
				}
			}
		})
	}
}

// ExampleSlerpNoise walks a quarter circle in z-space (Figure 3).
func ExampleSlerpNoise() {
	for _, z := range SlerpNoise([]float32{1, 0}, []float32{0, 1}, 3) {
		fmt.Printf("%.4f\n", z)
	}
	// Output:
	// [1.0000 0.0000]
	// [0.7071 0.7071]
	// [0.0000 1.0000]
}

// ExampleLerpNoise interpolates on the straight line in z-space.
func ExampleLerpNoise() {
	for _, z := range LerpNoise([]float32{1, 0}, []float32{0, 1}, 3) {
		fmt.Printf("%.4f\n", z)
	}
	// Output:
	// [1.0000 0.0000]
	// [0.5000 0.5000]
	// [0.0000 1.0000]
}

// ExampleNoiseBatch draws a fixed noise grid: the same seed gives the same z.
func ExampleNoiseBatch() {
	z := NoiseBatch(rand.New(rand.NewPCG(1, 2)), PriorSpherical, 2, 4)
	for r := range 2 {
		row := z[r*4 : (r+1)*4]
		var sq float64
		for _, v := range row {
			sq += float64(v) * float64(v)
		}
		fmt.Printf("%.3f  norm %.3f\n", row, math.Sqrt(sq))
	}
	again := NoiseBatch(rand.New(rand.NewPCG(1, 2)), PriorSpherical, 2, 4)
	fmt.Println(again[0] == z[0] && again[7] == z[7])
	// Output:
	// [0.629 0.124 0.332 -1.865]  norm 2.000
	// [-0.198 -1.524 0.955 0.853]  norm 2.000
	// true
}
