package mnistclf

import (
	"context"
	"testing"
)

// BenchmarkFeatures measures Features on the 10000 MNIST test images (the
// weights of a tiny run: speed does not depend on them).
func BenchmarkFeatures(b *testing.B) {
	split := loadMNIST(b)
	clf, err := Train(context.Background(), tinyOptions())
	if err != nil {
		b.Fatalf("%+v", err)
	}
	defer clf.Close()
	if _, _, err := clf.Features(split.Test); err != nil { // compile outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := clf.Features(split.Test); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(split.Test.N), "µs/image")
}

// BenchmarkLoadCached measures Load of a verified cache entry (the tiny
// run's: the weights file has the same size as the full classifier's).
func BenchmarkLoadCached(b *testing.B) {
	loadMNIST(b)
	opts := tinyOptions()
	opts.CacheDir = b.TempDir()
	if _, err := Load(context.Background(), opts); err != nil {
		b.Fatalf("%+v", err)
	}
	for b.Loop() {
		clf, err := Load(context.Background(), opts)
		if err != nil || !clf.FromCache {
			b.Fatalf("Load: %v (from cache %v)", err, clf != nil && clf.FromCache)
		}
	}
}

// BenchmarkMetrics measures Metrics on 10000 training images against the
// 10000 test images (run with -benchtime=1x: one iteration takes seconds).
func BenchmarkMetrics(b *testing.B) {
	split := loadMNIST(b)
	clf, err := Train(context.Background(), tinyOptions())
	if err != nil {
		b.Fatalf("%+v", err)
	}
	defer clf.Close()
	generated := split.Train.Subset(10000)
	for b.Loop() {
		if _, err := Metrics(context.Background(), clf, generated, split.Test, MetricsOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
