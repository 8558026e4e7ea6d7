package mnistclf

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/evaluation"
	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
	"github.com/pkg/errors"
)

// MetricsOptions configures Metrics.
type MetricsOptions struct {
	// K is the neighbourhood size of precision/recall; 0 means
	// evaluation.DefaultPrecisionRecallK (3).
	K int
	// GeneratedName and ReferenceName describe the two sets in the
	// protocol, e.g. "G samples, step 5000, seed 7" and
	// "MNIST test[0:10000]". Empty names say "generated" and "reference".
	GeneratedName, ReferenceName string
}

// SampleQuality holds the classifier-based measures of a generated set
// against a reference set. Protocol states how every number was obtained;
// String prints them together.
type SampleQuality struct {
	// Frechet is the Fréchet distance between Gaussians fitted to the
	// classifier features (FeatureDim = 128) of the generated and reference
	// sets: FID's formula on this classifier's features, so not comparable
	// with Inception-based FID values.
	Frechet float64
	// Precision is the fraction of generated feature vectors inside the
	// reference manifold, Recall the fraction of reference vectors inside
	// the generated manifold (k-NN balls, Kynkäänniemi et al. 2019).
	Precision, Recall float64
	K                 int
	// Classes is the histogram of predicted digits of the generated set and
	// its entropy in nats (max ln 10 ≈ 2.303); ReferenceClasses the same
	// for the reference set, for comparison.
	Classes, ReferenceClasses evaluation.ClassHistogram
	// NumGenerated and NumReference are the set sizes.
	NumGenerated, NumReference int
	// ClassifierKey and ClassifierTestAccuracy identify the classifier.
	ClassifierKey          string
	ClassifierTestAccuracy float64
	// Protocol states sample counts, the reference set and the classifier.
	Protocol string
}

// Metrics computes SampleQuality for generated against reference images
// (both [N, 28, 28, 1] in their declared Range, N > K; typically 10000 G
// samples against the 10000 MNIST test images). ctx is checked between
// stages.
func Metrics(ctx context.Context, clf *Classifier, generated, reference *data.Images,
	opts MetricsOptions) (*SampleQuality, error) {
	const fn = "mnistclf.Metrics"
	if clf == nil {
		return nil, errors.Errorf("%s: classifier is nil", fn)
	}
	k := opts.K
	if k <= 0 {
		k = evaluation.DefaultPrecisionRecallK
	}
	genName, refName := opts.GeneratedName, opts.ReferenceName
	if genName == "" {
		genName = "generated"
	}
	if refName == "" {
		refName = "reference"
	}
	for _, s := range []struct {
		name string
		im   *data.Images
	}{{"generated", generated}, {"reference", reference}} {
		if err := checkImages("Metrics", s.im, false); err != nil {
			return nil, errors.WithMessagef(err, "%s set", s.name)
		}
		if s.im.N <= k {
			return nil, errors.Errorf("%s: %s set has %d images, want more than K=%d", fn, s.name, s.im.N, k)
		}
	}

	// features and predicted classes
	genLabels, genFeat, err := clf.PredictFeatures(generated)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, errors.Wrap(err, fn)
	}
	refLabels, refFeat, err := clf.PredictFeatures(reference)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, errors.Wrap(err, fn)
	}
	cpu.ClearAVXUpperState() // pure-Go float64 maths follows GoMLX's SIMD code

	q := &SampleQuality{K: k, NumGenerated: generated.N, NumReference: reference.N,
		ClassifierKey: clf.Info.Key, ClassifierTestAccuracy: clf.Info.TestAccuracy}
	if q.Classes, err = evaluation.ClassHistogramOf(genLabels, NumClasses); err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	if q.ReferenceClasses, err = evaluation.ClassHistogramOf(refLabels, NumClasses); err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	if q.Frechet, err = evaluation.FrechetDistanceFeatures(genFeat, refFeat, FeatureDim); err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	if err := ctx.Err(); err != nil {
		return nil, errors.Wrap(err, fn)
	}
	if q.Precision, q.Recall, err = evaluation.PrecisionRecall(refFeat, genFeat, FeatureDim, k); err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	q.Protocol = fmt.Sprintf("generated: %s (%d images); reference: %s (%d images); features: "+
		"%d-d ReLU layer of MNIST classifier %s (test accuracy %.2f%%); Fréchet distance of "+
		"Gaussian fits (FID formula, not Inception features); precision/recall k=%d; classes = "+
		"argmax predictions, entropy in nats (max ln 10 = %.3f)", genName, generated.N, refName,
		reference.N, FeatureDim, clf.Info.Key, 100*clf.Info.TestAccuracy, k, math.Log(NumClasses))
	return q, nil
}

// String prints every number with its protocol.
func (q *SampleQuality) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Fréchet distance (classifier features): %.4g\n", q.Frechet)
	fmt.Fprintf(&b, "precision %.4f, recall %.4f (k=%d)\n", q.Precision, q.Recall, q.K)
	writeHist := func(name string, n int, h evaluation.ClassHistogram) {
		fmt.Fprintf(&b, "%s classes (%d images): entropy %.4f nats of %.4f (%.3f), %d/%d digits, counts %v\n",
			name, n, h.Entropy, h.MaxEntropy, h.NormalizedEntropy(), h.ClassesCovered, len(h.Counts),
			h.Counts)
	}
	writeHist("generated", q.NumGenerated, q.Classes)
	writeHist("reference", q.NumReference, q.ReferenceClasses)
	fmt.Fprintf(&b, "protocol: %s", q.Protocol)
	return b.String()
}
