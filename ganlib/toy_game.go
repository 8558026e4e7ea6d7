package ganlib

// Figure 1 of the paper, measured: for a 1-D game (the "toy1d" preset, data
// from package data's Dist1D) ToyGame evaluates on a grid of x the data
// density p_data (exact), the generator's density p_g (a Gaussian kernel
// density estimate of G's samples), the discriminator D(x) (inference mode)
// and the optimal discriminator of Proposition 1,
//
//	D*_G(x) = p_data(x) / (p_data(x) + p_g(x)),
//
// plus a few pairs (z, G(z)) for the figure's mapping lines. The notebook
// 01-game-1d draws these with kernelext.Figure1Frame.

import (
	"math"
	"sort"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
	"github.com/pkg/errors"
)

// ToyGame pairs a 1-D trainer with the exact data distribution it trains on.
// Not safe for concurrent use.
type ToyGame struct {
	Trainer *Trainer
	Data    data.Dist1D
	scorer  *Scorer
}

// NewToyGame checks that t trains a 1-D game (G's samples are H = W = C = 1)
// and returns its ToyGame. dist is p_data, the distribution t's training set
// was drawn from.
func NewToyGame(t *Trainer, dist data.Dist1D) (*ToyGame, error) {
	if t == nil || dist == nil {
		return nil, errors.New("ganlib.NewToyGame: trainer and distribution must not be nil")
	}
	gc := t.cfg.Generator
	if gc.H*gc.W*gc.C != 1 {
		return nil, errors.Errorf("ganlib.NewToyGame: G makes %dx%dx%d samples, not scalars", gc.H, gc.W, gc.C)
	}
	return &ToyGame{Trainer: t, Data: dist}, nil
}

// D returns D(x) in [0, 1] for each x, in inference mode (no dropout).
func (tg *ToyGame) D(xs []float64) ([]float64, error) {
	if len(xs) == 0 {
		return nil, errors.New("ganlib.ToyGame.D: no points")
	}
	if tg.scorer == nil {
		t := tg.Trainer
		s, err := NewScorer(t.backend, t.store, t.cfg.Discriminator)
		if err != nil {
			return nil, err
		}
		tg.scorer = s
	}
	probs, err := tg.scorer.Probabilities(data.ScalarImages(xs))
	if err != nil {
		return nil, errors.WithMessage(err, "ganlib.ToyGame.D")
	}
	out := make([]float64, len(probs))
	for i, p := range probs {
		out[i] = float64(p)
	}
	return out, nil
}

// LinearGrid returns n >= 2 evenly spaced points from lo to hi inclusive.
func LinearGrid(lo, hi float64, n int) []float64 {
	if n < 2 {
		return []float64{lo}
	}
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return xs
}

// SilvermanBandwidth is Silverman's rule of thumb for a Gaussian kernel,
// 0.9·min(sd, IQR/1.34)·n^(-1/5), the usual choice for a unimodal density.
func SilvermanBandwidth(samples []float64) float64 {
	n := len(samples)
	if n < 2 {
		return 1
	}
	_, sd := MeanStd(samples)
	sorted := append([]float64(nil), samples...)
	sort.Float64s(sorted)
	q := func(p float64) float64 { return sorted[int(p*float64(n-1))] }
	spread := sd
	if iqr := (q(0.75) - q(0.25)) / 1.34; iqr > 0 && iqr < spread {
		spread = iqr
	}
	if !(spread > 0) {
		spread = 1e-3 // all samples equal: a narrow spike
	}
	return 0.9 * spread * math.Pow(float64(n), -0.2)
}

// GaussianKDE is the kernel density estimate of samples on grid with a
// Gaussian kernel of the given bandwidth (Silverman's rule when <= 0):
// p(x) = mean_i N(x; s_i, h²). Cost O(len(samples)·len(grid)).
func GaussianKDE(samples, grid []float64, bandwidth float64) []float64 {
	out := make([]float64, len(grid))
	if len(samples) == 0 {
		return out
	}
	if bandwidth <= 0 {
		bandwidth = SilvermanBandwidth(samples)
	}
	cpu.ClearAVXUpperState() // math.Exp is slow after GoMLX's SIMD backend ran
	norm := 1 / (float64(len(samples)) * bandwidth * math.Sqrt(2*math.Pi))
	for j, x := range grid {
		var s float64
		for _, v := range samples {
			u := (x - v) / bandwidth
			if u < 8 && u > -8 { // exp(-32) ~ 1e-14: negligible
				s += math.Exp(-0.5 * u * u)
			}
		}
		out[j] = s * norm
	}
	return out
}

// OptimalD is Proposition 1's D*_G(x) = p_data / (p_data + p_g) at each grid
// point: OptimalDiscriminator (theory.go) applied to pairs of density values,
// 1/2 where both are 0.
func OptimalD(pData, pG []float64) []float64 {
	out := make([]float64, len(pData))
	for i := range out {
		out[i] = OptimalDiscriminator(pData[i], pG[i])
	}
	return out
}

// ToySnapshot is the state of the 1-D game at one moment, on the grid X:
// the arrays of Figure 1 plus D*_G and the statistics of G's samples.
type ToySnapshot struct {
	GStep, DStep int64
	// X is the grid; PData p_data(X) (exact), PG the kernel density estimate
	// of p_g from Samples, D the discriminator's D(X), DStar Proposition 1's
	// p_data/(p_data+p_g) with this PG.
	X, PData, PG, D, DStar []float64
	// Bandwidth is the kernel width used for PG.
	Bandwidth float64
	// Z and GZ are pairs (z, G(z)) for the mapping lines, sorted by z.
	Z, GZ []float64
	// Samples are the generated values PG was estimated from.
	Samples []float64
	// Mean and SD are the mean and sample standard deviation of Samples.
	Mean, SD float64
}

// Snapshot samples n values of G (NoiseBatch seeded by seed, so successive
// snapshots with one seed use the same z and show how G moves them), scores
// D on grid and estimates p_g with GaussianKDE (bandwidth <= 0: Silverman).
// lines (z, G(z)) pairs are kept for the figure, with z evenly spaced over
// the uniform prior's support [-√3, √3] (1-D noise only; 0 for none).
func (tg *ToyGame) Snapshot(grid []float64, n int, seed uint64, bandwidth float64, lines int) (ToySnapshot, error) {
	t := tg.Trainer
	if len(grid) < 2 {
		return ToySnapshot{}, errors.Errorf("ganlib.ToyGame.Snapshot: grid has %d points, need at least 2", len(grid))
	}
	if n < 2 {
		return ToySnapshot{}, errors.Errorf("ganlib.ToyGame.Snapshot: n = %d samples, need at least 2", n)
	}
	samples, err := t.SampleScalars(n, seed)
	if err != nil {
		return ToySnapshot{}, err
	}
	d, err := tg.D(grid)
	if err != nil {
		return ToySnapshot{}, err
	}
	if bandwidth <= 0 {
		bandwidth = SilvermanBandwidth(samples)
	}
	s := ToySnapshot{GStep: t.gStep, DStep: t.dStep, X: grid, D: d, Samples: samples, Bandwidth: bandwidth,
		PG: GaussianKDE(samples, grid, bandwidth), PData: make([]float64, len(grid))}
	for i, x := range grid {
		s.PData[i] = tg.Data.PDF(x)
	}
	s.DStar = OptimalD(s.PData, s.PG)
	s.Mean, s.SD = MeanStd(samples)

	// mapping lines z -> G(z) for evenly spaced z
	if lines > 0 && t.cfg.Generator.NoiseDim == 1 {
		lim := math.Sqrt(3)
		if t.cfg.NoisePrior != PriorUniform {
			lim = 2
		}
		z := LinearGrid(-lim, lim, lines)
		noise := make([]float32, len(z))
		for i, v := range z {
			noise[i] = float32(v)
		}
		im, err := t.Sample(noise, nil)
		if err != nil {
			return ToySnapshot{}, err
		}
		s.Z, s.GZ = z, make([]float64, len(z))
		for i, v := range im.Pix {
			s.GZ[i] = float64(v)
		}
	}
	return s, nil
}

// MaxAbsDiff returns max_i |a_i - b_i| over the indices where mask is true
// (all indices when mask is nil), and the index where it is reached (-1 when
// no index counts).
func MaxAbsDiff(a, b []float64, mask []bool) (maxDiff float64, at int) {
	at = -1
	for i := range a {
		if mask != nil && !mask[i] {
			continue
		}
		if d := math.Abs(a[i] - b[i]); at < 0 || d > maxDiff {
			maxDiff, at = d, i
		}
	}
	return maxDiff, at
}

// Support returns the mask of grid points where p_data + p_g >= minDensity:
// the region where samples actually land and D is trained. Outside it D(x)
// is never constrained by V(D, G) and is not compared with D*.
func (s ToySnapshot) Support(minDensity float64) []bool {
	mask := make([]bool, len(s.X))
	for i := range mask {
		mask[i] = s.PData[i]+s.PG[i] >= minDensity
	}
	return mask
}

// MeanOver returns the mean of v over the indices where mask is true (NaN when
// none is).
func MeanOver(v []float64, mask []bool) float64 {
	var sum float64
	n := 0
	for i, x := range v {
		if mask == nil || mask[i] {
			sum += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// ValueOnGrid approximates Equation 1 for a 1-D game by a Riemann sum on the
// evenly spaced grid x, for densities known only on the grid (such as a
// kernel density estimate of p_g; Value1D in theory.go is the quadrature
// version for densities in closed form):
//
//	V(D, G) = ∫ p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx
//
// Terms whose density is 0 contribute 0 (so D = D* with its 0s and 1s is
// fine); a term with positive density where D is exactly 0 or 1 gives -Inf.
// NaN when the lengths differ.
// With d = OptimalD(pData, pG) it is C(G) = -log 4 + 2·JSD(p_data || p_g)
// (Theorem 1's proof), the most D can get for this G.
func ValueOnGrid(x, pData, pG, d []float64) float64 {
	if len(x) < 2 || len(pData) != len(x) || len(pG) != len(x) || len(d) != len(x) {
		return math.NaN()
	}
	dx := x[1] - x[0]
	var v float64
	for i := range x {
		v += valueTerm(pData[i], pG[i], d[i])
	}
	return v * dx
}

// JSDivergence is the Jensen-Shannon divergence (nats, in [0, log 2])
// between two densities sampled on the evenly spaced grid x, by a Riemann sum
// (JSD in theory.go is the quadrature version for closed-form densities). Each
// density is renormalised to integrate to 1 on the grid first, so mass
// outside the grid does not count. NaN when the lengths differ or a density
// has no mass on the grid.
func JSDivergence(x, p, q []float64) float64 {
	if len(x) < 2 || len(p) != len(x) || len(q) != len(x) {
		return math.NaN()
	}
	dx := x[1] - x[0]
	var sp, sq float64
	for i := range x {
		sp += p[i] * dx
		sq += q[i] * dx
	}
	if !(sp > 0) || !(sq > 0) {
		return math.NaN()
	}
	var js float64
	for i := range x {
		js += jsdTerm(p[i]/sp, q[i]/sq)
	}
	return js * dx
}
