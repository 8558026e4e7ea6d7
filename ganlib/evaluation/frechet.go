package evaluation

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Moments are the mean and covariance of a set of feature vectors.
type Moments struct {
	// Mean has D values.
	Mean []float64
	// Cov is the D×D covariance (unbiased: divided by N-1, as numpy.cov and
	// the usual FID code do).
	Cov *mat.SymDense
}

// FeatureMoments computes the mean and covariance of n feature vectors of
// dimension d, row-major in features ([n, d], len(features) = n·d, n ≥ 2).
func FeatureMoments(features []float64, d int) (Moments, error) {
	if d <= 0 || len(features)%d != 0 {
		return Moments{}, fmt.Errorf("evaluation.FeatureMoments: %d values is not a multiple of d=%d",
			len(features), d)
	}
	n := len(features) / d
	if n < 2 {
		return Moments{}, fmt.Errorf("evaluation.FeatureMoments: %d feature vectors, want ≥ 2", n)
	}
	x := mat.NewDense(n, d, features)
	m := Moments{Mean: make([]float64, d), Cov: mat.NewSymDense(d, nil)}
	for j := range d {
		m.Mean[j] = stat.Mean(mat.Col(nil, j, x), nil)
	}
	stat.CovarianceMatrix(m.Cov, x, nil)
	return m, nil
}

// FrechetDistance returns the Fréchet (2-Wasserstein) distance between the
// Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂) fitted to two feature sets, as used by
// FID (Heusel et al. 2017):
//
//	||μ₁-μ₂||² + Tr(Σ₁) + Tr(Σ₂) - 2·Tr((Σ₁Σ₂)^½)
//
// Tr((Σ₁Σ₂)^½) is computed in float64 as Σᵢ √λᵢ over the eigenvalues of the
// symmetric positive semi-definite S = Σ₁^½ Σ₂ Σ₁^½ (similar to Σ₁Σ₂),
// with Σ₁^½ and λ from gonum's symmetric eigendecomposition; eigenvalues
// that rounding makes slightly negative count as 0. The paper predates FID;
// it is offered as a modern complement to the Parzen estimate. The features
// (e.g. from a small MNIST classifier) come from elsewhere.
func FrechetDistance(a, b Moments) (float64, error) {
	d := len(a.Mean)
	if len(b.Mean) != d || a.Cov == nil || b.Cov == nil || a.Cov.SymmetricDim() != d ||
		b.Cov.SymmetricDim() != d {
		return 0, fmt.Errorf("evaluation.FrechetDistance: dimensions differ or covariance missing "+
			"(means %d and %d)", d, len(b.Mean))
	}
	var meanTerm float64
	for i := range d {
		t := a.Mean[i] - b.Mean[i]
		meanTerm += t * t
	}

	// Σ₁^½ = Q diag(√λ) Qᵀ
	sqrtA, err := sqrtPSD(a.Cov)
	if err != nil {
		return 0, err
	}

	// S = Σ₁^½ Σ₂ Σ₁^½, symmetrised against rounding
	var t, s mat.Dense
	t.Mul(sqrtA, b.Cov)
	s.Mul(&t, sqrtA)
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (s.At(i, j)+s.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return 0, fmt.Errorf("evaluation.FrechetDistance: eigendecomposition of Σ₁^½Σ₂Σ₁^½ failed")
	}
	var traceSqrt float64
	for _, l := range eig.Values(nil) {
		traceSqrt += math.Sqrt(max(l, 0))
	}
	return meanTerm + mat.Trace(a.Cov) + mat.Trace(b.Cov) - 2*traceSqrt, nil
}

// FrechetDistanceFeatures fits Gaussians to two feature sets (row-major,
// [n₁, d] and [n₂, d]) and returns FrechetDistance between them.
func FrechetDistanceFeatures(x, y []float64, d int) (float64, error) {
	a, err := FeatureMoments(x, d)
	if err != nil {
		return 0, err
	}
	b, err := FeatureMoments(y, d)
	if err != nil {
		return 0, err
	}
	return FrechetDistance(a, b)
}

// sqrtPSD returns the symmetric square root of a positive semi-definite
// matrix (negative rounding eigenvalues count as 0).
func sqrtPSD(a *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, fmt.Errorf("evaluation.FrechetDistance: eigendecomposition of Σ₁ failed")
	}
	values := eig.Values(nil)
	var q mat.Dense
	eig.VectorsTo(&q)
	d := len(values)
	scaled := mat.NewDense(d, d, nil)
	for j, l := range values {
		r := math.Sqrt(max(l, 0))
		for i := range d {
			scaled.Set(i, j, q.At(i, j)*r)
		}
	}
	var out mat.Dense
	out.Mul(scaled, q.T())
	return &out, nil
}
