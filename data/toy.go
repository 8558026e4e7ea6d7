package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Dist1D is a 1-D distribution with an exact density, used as p_data in
// the theory notebooks (the paper's Figure 1 shows G pushing noise towards
// such a density and D approaching p_data/(p_data+p_g), Proposition 1).
//
// Sample draws n i.i.d. values in draw order (never sorted).
type Dist1D interface {
	Sample(rng *rand.Rand, n int) []float64
	PDF(x float64) float64
	CDF(x float64) float64
	Mean() float64
	StdDev() float64
	String() string
}

// Gaussian is N(Mu, Sigma^2), Sigma > 0.
type Gaussian struct{ Mu, Sigma float64 }

// Sample draws n values with rng.NormFloat64.
func (g Gaussian) Sample(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = g.Mu + g.Sigma*rng.NormFloat64()
	}
	return out
}

// PDF is exp(-(x-Mu)^2 / (2 Sigma^2)) / (Sigma sqrt(2 pi)).
func (g Gaussian) PDF(x float64) float64 {
	z := (x - g.Mu) / g.Sigma
	return math.Exp(-0.5*z*z) / (g.Sigma * math.Sqrt(2*math.Pi))
}

// CDF is erfc(-(x-Mu)/(Sigma sqrt 2)) / 2.
func (g Gaussian) CDF(x float64) float64 {
	return 0.5 * math.Erfc(-(x-g.Mu)/(g.Sigma*math.Sqrt2))
}

func (g Gaussian) Mean() float64   { return g.Mu }
func (g Gaussian) StdDev() float64 { return g.Sigma }
func (g Gaussian) String() string  { return fmt.Sprintf("N(%g, %g²)", g.Mu, g.Sigma) }

// Uniform is the uniform distribution on [A, B), A < B.
type Uniform struct{ A, B float64 }

func (u Uniform) Sample(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = u.A + (u.B-u.A)*rng.Float64()
	}
	return out
}

func (u Uniform) PDF(x float64) float64 {
	if x < u.A || x >= u.B {
		return 0
	}
	return 1 / (u.B - u.A)
}

func (u Uniform) CDF(x float64) float64 {
	switch {
	case x <= u.A:
		return 0
	case x >= u.B:
		return 1
	}
	return (x - u.A) / (u.B - u.A)
}

func (u Uniform) Mean() float64   { return (u.A + u.B) / 2 }
func (u Uniform) StdDev() float64 { return (u.B - u.A) / math.Sqrt(12) }
func (u Uniform) String() string  { return fmt.Sprintf("U(%g, %g)", u.A, u.B) }

// Mixture is a mixture of Gaussians: component i has weight Weights[i]
// (non-negative; normalised by their sum).
type Mixture struct {
	Weights    []float64
	Components []Gaussian
}

// Bimodal returns 0.5·N(-d, s²) + 0.5·N(d, s²), e.g. Bimodal(2, 0.3) for
// the collapse check of cases.md GAN-10.
func Bimodal(d, s float64) Mixture {
	return Mixture{Weights: []float64{0.5, 0.5}, Components: []Gaussian{{-d, s}, {d, s}}}
}

func (m Mixture) total() float64 {
	t := 0.0
	for _, w := range m.Weights {
		t += w
	}
	return t
}

// Sample picks a component by weight, then draws from it.
func (m Mixture) Sample(rng *rand.Rand, n int) []float64 {
	t := m.total()
	out := make([]float64, n)
	for i := range out {
		u := rng.Float64() * t
		k := len(m.Weights) - 1
		for j, w := range m.Weights {
			if u < w {
				k = j
				break
			}
			u -= w
		}
		c := m.Components[k]
		out[i] = c.Mu + c.Sigma*rng.NormFloat64()
	}
	return out
}

func (m Mixture) PDF(x float64) float64 {
	t, p := m.total(), 0.0
	for i, c := range m.Components {
		p += m.Weights[i] / t * c.PDF(x)
	}
	return p
}

func (m Mixture) CDF(x float64) float64 {
	t, p := m.total(), 0.0
	for i, c := range m.Components {
		p += m.Weights[i] / t * c.CDF(x)
	}
	return p
}

// Mean is sum_i w_i mu_i.
func (m Mixture) Mean() float64 {
	t, mu := m.total(), 0.0
	for i, c := range m.Components {
		mu += m.Weights[i] / t * c.Mu
	}
	return mu
}

// StdDev is sqrt(sum_i w_i (sigma_i² + mu_i²) - mean²) (law of total
// variance).
func (m Mixture) StdDev() float64 {
	t, s2 := m.total(), 0.0
	for i, c := range m.Components {
		s2 += m.Weights[i] / t * (c.Sigma*c.Sigma + c.Mu*c.Mu)
	}
	mu := m.Mean()
	return math.Sqrt(s2 - mu*mu)
}

func (m Mixture) String() string {
	t := m.total()
	parts := make([]string, len(m.Components))
	for i, c := range m.Components {
		parts[i] = fmt.Sprintf("%g·%v", m.Weights[i]/t, c)
	}
	return strings.Join(parts, " + ")
}

// ScalarImages wraps 1-D values as Images [n, 1, 1, 1] (no labels), so toy
// data goes through the same batching as images. Range is declared as the
// observed [min, max] of the values (a toy density has no fixed range).
func ScalarImages(values []float64) *Images {
	im := &Images{N: len(values), H: 1, W: 1, C: 1, Pix: make([]float32, len(values))}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range values {
		im.Pix[i] = float32(v)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if len(values) > 0 {
		im.Range = ValueRange{float32(lo), float32(hi)}
	}
	return im
}

// SampleImages draws n values of d and returns them as Images [n, 1, 1, 1].
func SampleImages(d Dist1D, rng *rand.Rand, n int) *Images {
	return ScalarImages(d.Sample(rng, n))
}

// ModeFractions returns, for each center, the fraction of samples lying
// within radius of it (a sample within radius of several centers counts
// for the nearest one). With a bimodal target, a generator that collapsed
// onto one mode shows fractions like [0.99, 0] instead of about [0.5, 0.5];
// 1 minus the sum is the mass far from every mode. NaN samples count as far
// from every mode. Empty samples give all zeros.
func ModeFractions(samples, centers []float64, radius float64) []float64 {
	out := make([]float64, len(centers))
	if len(samples) == 0 {
		return out
	}
	for _, x := range samples {
		best, bestD := -1, math.Inf(1)
		for j, c := range centers {
			if d := math.Abs(x - c); d <= radius && d < bestD {
				best, bestD = j, d
			}
		}
		if best >= 0 {
			out[best]++
		}
	}
	for j := range out {
		out[j] /= float64(len(samples))
	}
	return out
}

// NewRand returns the generator this package's samplers expect:
// math/rand/v2 PCG seeded with (seed, 0). The same seed gives the same
// draws on every platform.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
