package mnistclf

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestMetricsIdentical: a set against itself has Fréchet distance 0 and
// precision = recall = 1 (every vector is the centre of its own ball), by
// the definitions; the class entropies are equal.
func TestMetricsIdentical(t *testing.T) {
	split := loadMNIST(t)
	clf, err := Train(context.Background(), tinyOptions())
	if err != nil {
		t.Fatalf("%+v", err)
	}
	set := split.Test.Subset(500)
	q, err := Metrics(context.Background(), clf, set, set, MetricsOptions{})
	if err != nil {
		t.Fatalf("%+v", err)
	}
	if math.Abs(q.Frechet) > 1e-6 || q.Precision != 1 || q.Recall != 1 || q.K != 3 {
		t.Errorf("set vs itself: Fréchet %g, precision %v, recall %v, k %d; want 0, 1, 1, 3",
			q.Frechet, q.Precision, q.Recall, q.K)
	}
	if q.Classes.Entropy != q.ReferenceClasses.Entropy || q.Classes.Total != 500 {
		t.Errorf("class histograms differ: %+v vs %+v", q.Classes, q.ReferenceClasses)
	}

	// too few images for k, and bad shapes, are errors
	if _, err := Metrics(context.Background(), clf, set.Subset(3), set, MetricsOptions{}); err == nil ||
		!strings.Contains(err.Error(), "generated set has 3 images") {
		t.Errorf("3 generated images: error %v", err)
	}
	if _, err := Metrics(context.Background(), nil, set, set, MetricsOptions{}); err == nil {
		t.Error("nil classifier: no error")
	}
}

// TestMetricsSeparates: with the full classifier, 10000 training images
// against the 10000 test images (the same distribution, different writers)
// give a small distance and high precision/recall; 100 copies of one
// training digit (complete mode collapse) give entropy 0, a large distance
// and recall near 0. Measured (go backend, seed 1): train vs test Fréchet
// 1.18, precision 0.859, recall 0.855; collapsed Fréchet 666, precision and
// recall 0. The bounds sit between the two with margin.
func TestMetricsSeparates(t *testing.T) {
	clf := fullClassifier(t)
	split := loadMNIST(t)
	ctx := context.Background()
	reference := split.Test
	opts := MetricsOptions{ReferenceName: "MNIST test[0:10000]"}

	opts.GeneratedName = "MNIST train[0:10000]"
	real, err := Metrics(ctx, clf, split.Train.Subset(10000), reference, opts)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	t.Logf("train vs test:\n%s", real)

	opts.GeneratedName = "100 copies of MNIST train[0]"
	collapsed, err := Metrics(ctx, clf, repeatImage(split.Train, 0, 100), reference, opts)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	t.Logf("collapsed vs test:\n%s", collapsed)

	if real.Frechet > 3 || real.Precision < 0.8 || real.Recall < 0.8 {
		t.Errorf("train vs test: Fréchet %.4g (want ≤ 3), precision %.4f, recall %.4f (want ≥ 0.8)",
			real.Frechet, real.Precision, real.Recall)
	}
	if real.Classes.NormalizedEntropy() < 0.99 || real.Classes.ClassesCovered != 10 {
		t.Errorf("train vs test: class entropy %.4f of %.4f, %d digits",
			real.Classes.Entropy, real.Classes.MaxEntropy, real.Classes.ClassesCovered)
	}
	if collapsed.Classes.Entropy != 0 || collapsed.Classes.ClassesCovered != 1 {
		t.Errorf("collapsed: entropy %v, %d digits; want 0, 1", collapsed.Classes.Entropy,
			collapsed.Classes.ClassesCovered)
	}
	if collapsed.Frechet < 100*real.Frechet || collapsed.Recall > 0.01 {
		t.Errorf("collapsed: Fréchet %.4g (want ≥ 100× %.4g), recall %.4f (want ≤ 0.01)",
			collapsed.Frechet, real.Frechet, collapsed.Recall)
	}
	for _, want := range []string{"generated: 100 copies of MNIST train[0] (100 images)",
		"reference: MNIST test[0:10000] (10000 images)", "k=3", clf.Info.Key, "recall 0.0"} {
		if !strings.Contains(collapsed.String(), want) {
			t.Errorf("String() lacks %q:\n%s", want, collapsed)
		}
	}
}
