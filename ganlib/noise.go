package ganlib

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// sqrt3 is the half-width of the zero-mean, unit-variance uniform prior.
var sqrt3 = math.Sqrt(3)

// SampleNoise draws a batch of noise vectors z ~ p_z(z) inside a graph, using
// the Store's random number generator (scope.Store(), seeded with
// Store.SetRNGStateFromSeed), so a seeded run repeats exactly.
//
// It returns [batch, dim] float32:
//   - PriorUniform: each coordinate uniform on [-sqrt 3, sqrt 3] (mean 0,
//     variance 1), as the released MNIST configuration drew it;
//   - PriorGaussian: each coordinate standard normal;
//   - PriorSpherical: uniform on the sphere of radius sqrt(dim) (a normalised
//     Gaussian), so E|z|² matches the other priors.
//
// An empty prior means PriorUniform. Unknown priors panic (graph code).
func SampleNoise(scope *model.Scope, g *graph.Graph, prior NoisePrior, batch, dim int) *graph.Node {
	if batch <= 0 || dim <= 0 {
		exceptions.Panicf("ganlib.SampleNoise: batch and dim must be > 0, got batch=%d, dim=%d", batch, dim)
	}
	shape := shapes.Make(dtypes.Float32, batch, dim)
	switch prior {
	case PriorUniform, "":
		u := scope.RandomUniform(g, shape) // [0, 1)
		return graph.AddScalar(graph.MulScalar(u, 2*sqrt3), -sqrt3)
	case PriorGaussian:
		return scope.RandomNormal(g, shape)
	case PriorSpherical:
		z := scope.RandomNormal(g, shape)
		norm := graph.Sqrt(graph.ReduceAndKeep(graph.Square(z), graph.ReduceSum, -1))
		// Guard the (probability ~0) all-zero draw without changing any other value.
		norm = graph.Max(norm, graph.Scalar(g, dtypes.Float32, 1e-30))
		return graph.MulScalar(graph.Div(z, norm), math.Sqrt(float64(dim)))
	default:
		exceptions.Panicf("ganlib.SampleNoise: unknown prior %q; valid: %q, %q, %q",
			prior, PriorUniform, PriorGaussian, PriorSpherical)
		return nil
	}
}

// NoiseBatch draws batch noise vectors of length dim on the host, row-major
// [batch, dim], from the same priors as SampleNoise. Use it for fixed noise
// grids (visualising progress on a fixed z) and for Figure 3's interpolations;
// rng fixes the values. It panics on an unknown prior or non-positive sizes,
// like SampleNoise. An empty prior means PriorUniform.
func NoiseBatch(rng *rand.Rand, prior NoisePrior, batch, dim int) []float32 {
	if batch <= 0 || dim <= 0 {
		panic(fmt.Sprintf("ganlib.NoiseBatch: batch and dim must be > 0, got batch=%d, dim=%d", batch, dim))
	}
	z := make([]float32, batch*dim)
	switch prior {
	case PriorUniform, "":
		for i := range z {
			z[i] = float32((2*rng.Float64() - 1) * sqrt3)
		}
	case PriorGaussian:
		for i := range z {
			z[i] = float32(rng.NormFloat64())
		}
	case PriorSpherical:
		row := make([]float64, dim)
		for b := range batch {
			var sum float64
			for {
				sum = 0
				for j := range row {
					row[j] = rng.NormFloat64()
					sum += row[j] * row[j]
				}
				if sum > 0 {
					break
				}
			}
			scale := math.Sqrt(float64(dim) / sum)
			for j, v := range row {
				z[b*dim+j] = float32(v * scale)
			}
		}
	default:
		panic(fmt.Sprintf("ganlib.NoiseBatch: unknown prior %q; valid: %q, %q, %q",
			prior, PriorUniform, PriorGaussian, PriorSpherical))
	}
	return z
}
