package evaluation

import (
	"fmt"
	"math"
)

// DefaultPrecisionRecallK is the neighbourhood size of Kynkäänniemi et al.
// (2019): k = 3.
const DefaultPrecisionRecallK = 3

// PrecisionRecall computes improved precision and recall (Kynkäänniemi,
// Karras, Laine, Lehtinen, Aila, "Improved Precision and Recall Metric for
// Assessing Generative Models", NeurIPS 2019) from feature vectors of real
// and generated examples (row-major [nReal, d] and [nGen, d], float64).
//
// Each set's manifold is the union of balls around its vectors, each ball's
// radius being the distance to the vector's k-th nearest neighbour in the
// same set (itself excluded). Precision is the fraction of generated vectors
// inside the real manifold (a low value: samples off the data), recall the
// fraction of real vectors inside the generated manifold (a low value:
// missing modes). A point on a ball's boundary counts as inside. k ≤ 0 means
// DefaultPrecisionRecallK. The paper predates this metric; the features
// come from elsewhere.
func PrecisionRecall(real, generated []float64, d, k int) (precision, recall float64, err error) {
	const fn = "evaluation.PrecisionRecall"
	if k <= 0 {
		k = DefaultPrecisionRecallK
	}
	if d <= 0 || len(real)%d != 0 || len(generated)%d != 0 {
		return 0, 0, fmt.Errorf("%s: %d real and %d generated values are not multiples of d=%d",
			fn, len(real), len(generated), d)
	}
	nReal, nGen := len(real)/d, len(generated)/d
	if nReal <= k || nGen <= k {
		return 0, 0, fmt.Errorf("%s: %d real and %d generated vectors, want more than k=%d of each",
			fn, nReal, nGen, k)
	}
	realRadii := kthNeighborSqDist(real, d, k)
	genRadii := kthNeighborSqDist(generated, d, k)
	precision = manifoldFraction(generated, real, realRadii, d)
	recall = manifoldFraction(real, generated, genRadii, d)
	return precision, recall, nil
}

// pairwiseRows calls fn(i, row) for blocks of rows of a, where row[j] is the
// squared distance from a's i-th vector to b's j-th, computed as
// ||a||² + ||b||² - 2a·b (clamped at 0), the product by crossNT.
func pairwiseRows(a, b []float64, d int, fn func(i int, row []float64)) {
	na, nb := len(a)/d, len(b)/d
	asq, bsq := rowNorms(a, d), rowNorms(b, d)
	const block = 256
	buf := make([]float64, min(block, na)*nb)
	for i0 := 0; i0 < na; i0 += block {
		i1 := min(na, i0+block)
		dist := buf[:(i1-i0)*nb]
		crossNT(i1-i0, nb, d, -2, a[i0*d:i1*d], b, dist)
		for i := i0; i < i1; i++ {
			row := dist[(i-i0)*nb : (i-i0+1)*nb]
			for j := range row {
				row[j] = max(0, row[j]+asq[i]+bsq[j])
			}
			fn(i, row)
		}
	}
}

func rowNorms(a []float64, d int) []float64 {
	out := make([]float64, len(a)/d)
	for i := range out {
		var s float64
		for _, v := range a[i*d : (i+1)*d] {
			s += v * v
		}
		out[i] = s
	}
	return out
}

// kthNeighborSqDist returns, for every vector of x, the squared distance to
// its k-th nearest other vector.
func kthNeighborSqDist(x []float64, d, k int) []float64 {
	radii := make([]float64, len(x)/d)
	smallest := make([]float64, 0, k) // the k smallest so far, ascending
	pairwiseRows(x, x, d, func(i int, row []float64) {
		smallest = smallest[:0]
		for j, v := range row {
			if j == i || (len(smallest) == k && v >= smallest[k-1]) {
				continue
			}
			if len(smallest) < k {
				smallest = append(smallest, v)
			} else {
				smallest[k-1] = v
			}
			for p := len(smallest) - 1; p > 0 && smallest[p] < smallest[p-1]; p-- {
				smallest[p], smallest[p-1] = smallest[p-1], smallest[p]
			}
		}
		radii[i] = smallest[k-1]
	})
	return radii
}

// manifoldFraction is the fraction of points within some ball of the
// manifold (centres with squared radii).
func manifoldFraction(points, centres []float64, sqRadii []float64, d int) float64 {
	var inside int
	pairwiseRows(points, centres, d, func(_ int, row []float64) {
		for j, v := range row {
			if v <= sqRadii[j] {
				inside++
				return
			}
		}
	})
	n := len(points) / d
	if n == 0 {
		return math.NaN()
	}
	return float64(inside) / float64(n)
}
