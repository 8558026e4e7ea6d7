package ganlib

import (
	"fmt"
	"math"

	"github.com/gan-notebooks/gan/data"
)

// DefaultCollapseFraction is the default threshold of CollapseFlag, as a
// fraction of the largest possible RMS per-value difference (the width of the
// declared range): a batch whose mean pairwise distance, divided by
// sqrt(H·W·C), is below 1% of the range width is flagged.
const DefaultCollapseFraction = 0.01

// MeanPairwiseL2 returns the mean Euclidean distance between all N·(N-1)/2
// pairs of distinct samples, each sample taken as a vector of its H·W·C
// values, accumulated in float64. It is 0 when every sample is the same
// (mode collapse, Section 6 "the Helvetica scenario"), and it grows with the
// spread of the samples. Example: the 2-D points (0,0), (1,0), (0,1), (1,1)
// give (4·1 + 2·√2)/6 = 1.138071 (cases.md GAN-09). Cost O(N²·H·W·C): meant
// for a sample grid (~100 samples), not a dataset. Returns 0 when N < 2 or
// samples is nil.
func MeanPairwiseL2(samples *data.Images) float64 {
	if samples == nil || samples.N < 2 {
		return 0
	}
	n, dim := samples.N, samples.Dim()
	var total float64
	for i := range n {
		a := samples.Pix[i*dim : (i+1)*dim]
		for j := i + 1; j < n; j++ {
			b := samples.Pix[j*dim : (j+1)*dim]
			var sq float64
			for k, v := range a {
				d := float64(v) - float64(b[k])
				sq += d * d
			}
			total += math.Sqrt(sq)
		}
	}
	return total / float64(n*(n-1)/2)
}

// Diversity summarises how spread out a batch of samples is.
type Diversity struct {
	// N is the number of samples measured.
	N int
	// MeanPairwiseL2 is MeanPairwiseL2(samples).
	MeanPairwiseL2 float64
	// Threshold is the distance below which the batch is called collapsed.
	Threshold float64
	// Collapsed is MeanPairwiseL2 <= Threshold (and N >= 2).
	Collapsed bool
}

// String implements fmt.Stringer, e.g. "MODE COLLAPSE: mean pairwise L2 0 <= 0.28 over 16 samples".
func (d Diversity) String() string {
	if d.Collapsed {
		return fmt.Sprintf("MODE COLLAPSE: mean pairwise L2 %.4g <= %.4g over %d samples",
			d.MeanPairwiseL2, d.Threshold, d.N)
	}
	return fmt.Sprintf("mean pairwise L2 %.4g (collapse below %.4g) over %d samples",
		d.MeanPairwiseL2, d.Threshold, d.N)
}

// MeasureDiversity computes the mean pairwise L2 distance of samples and
// flags mode collapse when it is at most
//
//	fraction · (Range.Max - Range.Min) · sqrt(H·W·C)
//
// i.e. when the RMS per-value difference between two samples is below that
// fraction of the declared range (DefaultCollapseFraction = 1% when
// fraction <= 0). Identical samples (distance 0) are always flagged. With
// fewer than 2 samples nothing is flagged. For MNIST in [0, 1] the default
// threshold is 0.28, against about 10 between real digits.
func MeasureDiversity(samples *data.Images, fraction float64) Diversity {
	if fraction <= 0 {
		fraction = DefaultCollapseFraction
	}
	if samples == nil {
		return Diversity{}
	}
	width := float64(samples.Range.Max - samples.Range.Min)
	if !(width > 0) {
		width = 1
	}
	d := Diversity{
		N:              samples.N,
		MeanPairwiseL2: MeanPairwiseL2(samples),
		Threshold:      fraction * width * math.Sqrt(float64(samples.Dim())),
	}
	d.Collapsed = samples.N >= 2 && d.MeanPairwiseL2 <= d.Threshold
	return d
}

// CollapseFlag reports whether samples look mode-collapsed, with the default
// threshold: MeasureDiversity(samples, DefaultCollapseFraction).Collapsed.
func CollapseFlag(samples *data.Images) bool {
	return MeasureDiversity(samples, DefaultCollapseFraction).Collapsed
}
