package evaluation

import (
	"fmt"
	"math"
)

// ClassHistogram summarises the classes a classifier predicts for generated
// samples: a generator that has collapsed onto a few modes (Section 6 of the
// paper calls this the "Helvetica scenario") puts most samples in few
// classes, which shows as low entropy.
type ClassHistogram struct {
	// Counts[c] is the number of samples predicted as class c.
	Counts []int
	// Total is the number of samples.
	Total int
	// Entropy of the class frequencies, in nats; MaxEntropy = ln(number of
	// classes) is reached when every class is equally frequent.
	Entropy, MaxEntropy float64
	// ClassesCovered is the number of classes with at least one sample.
	ClassesCovered int
}

// NormalizedEntropy returns Entropy / MaxEntropy in [0, 1] (1: uniform
// classes, 0: one class), or 0 with a single class.
func (h ClassHistogram) NormalizedEntropy() float64 {
	if h.MaxEntropy == 0 {
		return 0
	}
	return h.Entropy / h.MaxEntropy
}

// ClassHistogramOf counts predicted labels (each in [0, numClasses)) and
// computes the entropy of their frequencies. The classifier that predicts
// the labels is not part of this package.
func ClassHistogramOf(labels []int, numClasses int) (ClassHistogram, error) {
	if numClasses <= 0 {
		return ClassHistogram{}, fmt.Errorf("evaluation.ClassHistogramOf: numClasses=%d, want > 0",
			numClasses)
	}
	h := ClassHistogram{Counts: make([]int, numClasses), Total: len(labels),
		MaxEntropy: math.Log(float64(numClasses))}
	for i, l := range labels {
		if l < 0 || l >= numClasses {
			return ClassHistogram{}, fmt.Errorf("evaluation.ClassHistogramOf: labels[%d]=%d, "+
				"want 0..%d", i, l, numClasses-1)
		}
		h.Counts[l]++
	}
	h.Entropy = CountsEntropy(h.Counts)
	for _, c := range h.Counts {
		if c > 0 {
			h.ClassesCovered++
		}
	}
	return h, nil
}

// CountsEntropy returns the entropy, in nats, of the distribution
// p_c = counts[c] / Σcounts: -Σ p_c ln p_c, with 0·ln 0 = 0. It is 0 for
// empty or all-zero counts.
func CountsEntropy(counts []int) float64 {
	var total float64
	for _, c := range counts {
		total += float64(c)
	}
	if total == 0 {
		return 0
	}
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / total
			h -= p * math.Log(p)
		}
	}
	return h
}
