package ganlib

// Section 4 of the paper ("Theoretical results") in numbers, for 1-D
// densities known in closed form: the optimal discriminator of Proposition 1,
// the criterion C(G) of Theorem 1 and its Jensen–Shannon form, and the
// histogram model of p_g whose gradient descent Proposition 2 is about. Pure
// Go (gonum's Gauss–Legendre nodes); no GoMLX, so these run in notebook cells
// that never start a backend.

import (
	"math"
	"sort"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/gan-notebooks/gan/data"
)

// Density is a probability density on the real line, e.g. data.Gaussian's
// PDF method value. It must be finite and >= 0 everywhere.
type Density func(x float64) float64

// OptimalDiscriminator is D*_G(x) = p_data(x) / (p_data(x) + p_g(x)), the
// discriminator that maximises V(G, D) for a fixed G (Proposition 1), from
// the two density values at one x; in [0, 1]. Where both densities are 0 the
// maximiser is arbitrary (that x carries no weight in V); it returns 1/2, the
// value at the global optimum p_g = p_data.
func OptimalDiscriminator(pData, pG float64) float64 {
	if s := pData + pG; s > 0 {
		return pData / s
	}
	return 0.5
}

// smallestNormal is the smallest positive normal float64, 2^-1022.
const smallestNormal = 2.2250738585072014e-308

// xLogRatio is x·log(x/y) with the conventions 0·log(0/y) = 0 (for y >= 0).
// y = 0 < x gives +Inf (an infinite KL), as it should. Subnormal x (below
// 2^-1022, e.g. a Gaussian pdf ~38 standard deviations out) also counts as
// 0: its term is below 1e-305 nats, and halving it, as (p+r)/2 does, can
// round to 0 and would turn a finite KL into +Inf.
func xLogRatio(x, y float64) float64 {
	if x < smallestNormal {
		return 0
	}
	return x * math.Log(x/y)
}

// valueTerm is the integrand of Equation 1 at one x, from the densities
// p_data(x), p_g(x) and D(x): p_data log D + p_g log(1 - D). A term whose
// density is 0 contributes 0 (so D* with its 0s and 1s is fine); positive
// density where D is exactly 0 or 1 gives -Inf. Value1D and ValueOnGrid sum
// it.
func valueTerm(pData, pG, d float64) float64 {
	v := 0.0
	if pData > 0 {
		v += pData * math.Log(d)
	}
	if pG > 0 {
		v += pG * math.Log1p(-d)
	}
	return v
}

// criterionTerm is the integrand of C(G) (Equation 4) at one x:
// p_data log(p_data/(p_data+p_g)) + p_g log(p_g/(p_data+p_g)), with
// 0·log 0 = 0. CriterionC and DiscreteC sum it.
func criterionTerm(pData, pG float64) float64 {
	s := pData + pG
	return xLogRatio(pData, s) + xLogRatio(pG, s)
}

// jsdTerm is the integrand of JSD(p || r) (Equation 6) at one x, from the
// two density values: (p log(p/m) + r log(r/m))/2 with m = (p+r)/2. JSD and
// JSDivergence sum it.
func jsdTerm(p, r float64) float64 {
	m := 0.5 * (p + r)
	return 0.5*xLogRatio(p, m) + 0.5*xLogRatio(r, m)
}

// Quadrature integrates a function over [A, B] with the composite
// Gauss–Legendre rule: Panels equal sub-intervals, Order nodes in each
// (exact for polynomials of degree 2·Order-1 on every panel). The tails
// outside [A, B] are ignored, so pick the interval to hold all but a
// negligible part of every density involved (see QuadratureFor).
type Quadrature struct {
	A, B          float64
	Panels, Order int

	// nodes and weights of the Order-point rule on [-1, 1], cached.
	nodes, weights []float64
}

// Default composite rule sizes used by QuadratureFor.
const (
	DefaultQuadraturePanels = 2000
	DefaultQuadratureOrder  = 8
)

// NewQuadrature returns the composite rule on [a, b] with the given number of
// panels and nodes per panel. It fails unless a < b are finite and panels,
// order >= 1.
func NewQuadrature(a, b float64, panels, order int) (Quadrature, error) {
	if !(a < b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return Quadrature{}, errors.Errorf("ganlib.NewQuadrature: need finite a < b, got [%g, %g]", a, b)
	}
	if panels < 1 || order < 1 {
		return Quadrature{}, errors.Errorf("ganlib.NewQuadrature: panels (%d) and order (%d) must be >= 1",
			panels, order)
	}
	q := Quadrature{A: a, B: b, Panels: panels, Order: order,
		nodes: make([]float64, order), weights: make([]float64, order)}
	quad.Legendre{}.FixedLocations(q.nodes, q.weights, -1, 1)
	// gonum does not return the nodes in order; Nodes() promises increasing x
	idx := make([]int, order)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return q.nodes[idx[i]] < q.nodes[idx[j]] })
	nodes, weights := make([]float64, order), make([]float64, order)
	for i, k := range idx {
		nodes[i], weights[i] = q.nodes[k], q.weights[k]
	}
	q.nodes, q.weights = nodes, weights
	return q, nil
}

// QuadratureFor returns a composite rule (DefaultQuadraturePanels panels of
// DefaultQuadratureOrder nodes) on the interval mean ± 14 standard deviations
// of every distribution given, merged: outside it a Gaussian (or a mixture
// whose components lie inside) has mass below 1e-44, far under float64's
// resolution of the integrals near 1. With at least one distribution.
func QuadratureFor(dists ...data.Dist1D) (Quadrature, error) {
	if len(dists) == 0 {
		return Quadrature{}, errors.New("ganlib.QuadratureFor: no distributions")
	}
	a, b := math.Inf(1), math.Inf(-1)
	for _, d := range dists {
		m, s := d.Mean(), d.StdDev()
		a, b = math.Min(a, m-14*s), math.Max(b, m+14*s)
	}
	return NewQuadrature(a, b, DefaultQuadraturePanels, DefaultQuadratureOrder)
}

// Refined returns the same rule with twice as many panels: comparing the two
// results estimates the quadrature error.
func (q Quadrature) Refined() Quadrature {
	r, _ := NewQuadrature(q.A, q.B, 2*q.Panels, q.Order)
	return r
}

// Integrate returns the composite Gauss–Legendre estimate of ∫_A^B f(x) dx.
// A zero Quadrature (not from NewQuadrature) returns NaN.
func (q Quadrature) Integrate(f func(x float64) float64) float64 {
	if len(q.nodes) != q.Order || q.Panels < 1 || q.Order < 1 {
		return math.NaN()
	}
	h := (q.B - q.A) / float64(q.Panels)
	sum := 0.0
	for p := range q.Panels {
		mid := q.A + (float64(p)+0.5)*h
		panel := 0.0
		for i, t := range q.nodes {
			panel += q.weights[i] * f(mid+0.5*h*t)
		}
		sum += 0.5 * h * panel
	}
	return sum
}

// Nodes returns the rule's Panels·Order nodes in increasing order, so a
// function that is costly per call (a network's D) can be evaluated on all of
// them in one batch and integrated with IntegrateValues.
func (q Quadrature) Nodes() []float64 {
	h := (q.B - q.A) / float64(q.Panels)
	out := make([]float64, 0, q.Panels*len(q.nodes))
	for p := range q.Panels {
		mid := q.A + (float64(p)+0.5)*h
		for _, t := range q.nodes {
			out = append(out, mid+0.5*h*t)
		}
	}
	return out
}

// IntegrateValues returns the rule's estimate of ∫_A^B f from f's values at
// Nodes(), in the same order. It fails unless len(values) matches.
func (q Quadrature) IntegrateValues(values []float64) (float64, error) {
	if len(q.nodes) == 0 || len(values) != q.Panels*len(q.nodes) {
		return 0, errors.Errorf("ganlib.Quadrature.IntegrateValues: got %d values, the rule has %d nodes",
			len(values), q.Panels*len(q.nodes))
	}
	h := (q.B - q.A) / float64(q.Panels)
	sum := 0.0
	for p := range q.Panels {
		panel := 0.0
		for i, w := range q.weights {
			panel += w * values[p*len(q.nodes)+i]
		}
		sum += 0.5 * h * panel
	}
	return sum, nil
}

// Value1D is the value function of Equation 1 for 1-D densities and a given
// discriminator d (values in [0, 1]), written over x as in the proof of
// Proposition 1 (x = G(z), so the second expectation is over p_g):
//
//	V(G, D) = ∫ p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx   (<= 0)
func Value1D(pData, pG Density, d func(x float64) float64, q Quadrature) float64 {
	return q.Integrate(func(x float64) float64 { return valueTerm(pData(x), pG(x), d(x)) })
}

// CriterionC is the virtual training criterion of Equation 4,
// C(G) = max_D V(G, D) = V(G, D*_G):
//
//	C(G) = ∫ p_data log(p_data/(p_data+p_g)) + p_g log(p_g/(p_data+p_g)) dx
//
// It is in [-log 4, 0]: -log 4 exactly when p_g = p_data (Theorem 1), 0 when
// the supports are disjoint. Computed pointwise with 0·log 0 = 0.
func CriterionC(pData, pG Density, q Quadrature) float64 {
	return q.Integrate(func(x float64) float64 { return criterionTerm(pData(x), pG(x)) })
}

// KL is the Kullback–Leibler divergence ∫ p log(p/r) dx >= 0 (nats);
// +Inf where p has mass and r is 0.
func KL(p, r Density, q Quadrature) float64 {
	return q.Integrate(func(x float64) float64 { return xLogRatio(p(x), r(x)) })
}

// Mid returns the density (p + r)/2.
func Mid(p, r Density) Density {
	return func(x float64) float64 { return 0.5 * (p(x) + r(x)) }
}

// JSD is the Jensen–Shannon divergence (Equation 6)
//
//	JSD(p || r) = KL(p || (p+r)/2)/2 + KL(r || (p+r)/2)/2,  in [0, log 2].
func JSD(p, r Density, q Quadrature) float64 {
	return q.Integrate(func(x float64) float64 { return jsdTerm(p(x), r(x)) })
}

// BinMasses returns the probability that d gives each of bins equal bins on
// [lo, hi], from its CDF, renormalised to sum to 1 (the mass outside [lo, hi]
// is dropped): the histogram of p_data that a histogram p_g can match
// exactly. Fails unless lo < hi and bins >= 1.
func BinMasses(d data.Dist1D, lo, hi float64, bins int) ([]float64, error) {
	if !(lo < hi) || bins < 1 {
		return nil, errors.Errorf("ganlib.BinMasses: need lo < hi and bins >= 1, got [%g, %g], %d bins",
			lo, hi, bins)
	}
	w := (hi - lo) / float64(bins)
	out := make([]float64, bins)
	total := 0.0
	for i := range out {
		out[i] = d.CDF(lo+float64(i+1)*w) - d.CDF(lo+float64(i)*w)
		total += out[i]
	}
	if !(total > 0) {
		return nil, errors.Errorf("ganlib.BinMasses: %v has no mass on [%g, %g]", d, lo, hi)
	}
	for i := range out {
		out[i] /= total
	}
	return out, nil
}

// Softmax returns exp(theta_i) / Σ_j exp(theta_j), computed stably.
func Softmax(theta []float64) []float64 {
	m := math.Inf(-1)
	for _, t := range theta {
		m = math.Max(m, t)
	}
	out := make([]float64, len(theta))
	s := 0.0
	for i, t := range theta {
		out[i] = math.Exp(t - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// DiscreteC is C(G) for distributions on the same bins, pData and pG
// (each summing to 1):
//
//	C = Σ_i pData_i log(pData_i/(pData_i+pG_i)) + pG_i log(pG_i/(pData_i+pG_i))
//
// = -log 4 + 2·JSD(pData || pG), minimal (-log 4) iff pG = pData.
func DiscreteC(pData, pG []float64) float64 {
	c := 0.0
	for i, pd := range pData {
		c += criterionTerm(pd, pG[i])
	}
	return c
}

// DiscreteCGradient returns ∂C/∂pG_i = log(pG_i/(pData_i+pG_i)) =
// log(1 - D*_G(x_i)) (differentiate DiscreteC; the two other terms cancel):
// with D at its optimum, G's gradient is the gradient of E_pg[log(1 - D*)],
// which is why Proposition 2 holds. -Inf where pG_i = 0 < pData_i.
func DiscreteCGradient(pData, pG []float64) []float64 {
	g := make([]float64, len(pG))
	for i, p := range pG {
		if p == 0 {
			if pData[i] == 0 {
				g[i] = math.Log(0.5) // D* = 1/2 by convention
			} else {
				g[i] = math.Inf(-1)
			}
			continue
		}
		g[i] = math.Log(p / (pData[i] + p))
	}
	return g
}

// HistogramGenerator is p_g represented directly as a histogram on fixed
// bins, p_g = Softmax(Logits): the "sufficient capacity" model of Section 4,
// where G is optimised in the space of distributions rather than through a
// network's weights.
type HistogramGenerator struct {
	Logits []float64
}

// PG returns the bin probabilities Softmax(Logits).
func (h *HistogramGenerator) PG() []float64 { return Softmax(h.Logits) }

// Step does one gradient step on C(G) with D = D*_G (Proposition 2's
// update): Logits -= lr · ∂C/∂Logits, where, through the softmax,
// ∂C/∂θ_j = pG_j·(g_j - Σ_i pG_i g_i) with g = DiscreteCGradient. It returns
// C before the step. pData must have len(Logits) entries summing to 1.
func (h *HistogramGenerator) Step(pData []float64, lr float64) (float64, error) {
	if len(pData) != len(h.Logits) {
		return 0, errors.Errorf("ganlib.HistogramGenerator.Step: pData has %d bins, Logits %d",
			len(pData), len(h.Logits))
	}
	pg := h.PG()
	c := DiscreteC(pData, pg)
	g := DiscreteCGradient(pData, pg)
	mean := 0.0
	for i, p := range pg {
		if p > 0 {
			mean += p * g[i]
		}
	}
	for j, p := range pg {
		if p > 0 { // p_j = 0 (underflow) has zero gradient through the softmax
			h.Logits[j] -= lr * p * (g[j] - mean)
		}
	}
	return c, nil
}
