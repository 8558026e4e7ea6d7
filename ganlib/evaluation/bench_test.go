package evaluation

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gan-notebooks/gan/data"
)

// loadMNIST returns the 60000 official MNIST training images and the 10000
// test images in [0, 1], found by package data (the GoMNIST module cache
// among other places; never downloaded).
func loadMNIST() (train, test *data.Images, err error) {
	split, err := data.LoadMNIST(data.MNISTOptions{Valid: -1})
	if err != nil {
		return nil, nil, err
	}
	return split.Train, split.Test, nil
}

// paperSizedSets returns the paper's MNIST evaluation sizes: 10000 samples,
// 1000 validation examples, 10000 test points, d = 784. With the MNIST files
// in the module cache the "samples" are training images 0-9999 (the
// "training set as samples" row), validation is training images 50000-50999
// (the authors' split) and test is the MNIST test set; otherwise SplitMix64
// uniform noise of the same sizes.
func paperSizedSets(b testing.TB) (samples, validation, test *data.Images, source string) {
	train, t10k, err := loadMNIST()
	if err == nil {
		return train.Slice(0, 10000), train.Slice(50000, 51000), t10k,
			"MNIST (train[0:10000] as samples)"
	}
	b.Logf("MNIST not found (%v): using SplitMix64 noise", err)
	return splitmixImages(b, 1, 10000, 784), splitmixImages(b, 2, 1000, 784),
		splitmixImages(b, 3, 10000, 784), "SplitMix64 uniform noise"
}

// BenchmarkParzenPaperSized times the full protocol at the paper's size:
// the σ sweep (10 widths on 1000 validation points, distances shared) then
// the chosen σ on 10000 test points, all against 10000 samples, d = 784.
//
//	GOEXPERIMENT=simd GOMLX_BACKEND=go go test ./ganlib/evaluation/ -run '^$' \
//	    -bench ParzenPaperSized -benchtime 1x
func BenchmarkParzenPaperSized(b *testing.B) {
	samples, validation, test, source := paperSizedSets(b)
	b.Logf("data: %s", source)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		sel, err := SelectParzenSigma(ctx, samples, validation, nil)
		if err != nil {
			b.Fatal(err)
		}
		sweep := time.Since(start)
		res, err := ParzenWithSigma(ctx, samples, test, sel.Sigma, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(sweep.Seconds(), "sweep-s")
		b.ReportMetric(time.Since(start).Seconds()-sweep.Seconds(), "test-s")
		b.ReportMetric(res.Mean, "nats")
		b.Logf("%s", res)
	}
}

// anchorJSON is the part of the NumPy anchor's --json report we read.
type anchorJSON struct {
	NumPy   string   `json:"numpy"`
	BLAS    []string `json:"blas"`
	Results []struct {
		Seconds float64 `json:"seconds_median"`
		LL      struct {
			Mean float64 `json:"mean"`
		} `json:"log_likelihood"`
	} `json:"results"`
}

func runAnchorTimed(b *testing.B, python, script, testPath, samplesPath string,
	sigma float64) anchorJSON {
	out, err := exec.Command(python, script, "--test", testPath, "--samples", samplesPath,
		"--sigma", fmt.Sprint(sigma), "--repeats", "1", "--json").Output()
	if err != nil {
		b.Fatalf("NumPy anchor: %v", err)
	}
	var r anchorJSON
	if err := json.Unmarshal(out, &r); err != nil || len(r.Results) != 1 {
		b.Fatalf("NumPy anchor output: %v\n%s", err, out)
	}
	return r
}

// BenchmarkParzenVsNumPy times our full protocol (as EvaluateParzen does it)
// and, on the same machine in the same run, the NumPy anchor doing the same
// work the authors' script does: one pass over the 1000 validation points
// per σ (10 passes) and one over the 10000 test points at the chosen σ.
// NumPy's time is the anchor's own compute time (file loading excluded). It
// reports go-s, numpy-s and their ratio numpy/go (above 1: Go is faster).
//
//	GOEXPERIMENT=simd GOMLX_BACKEND=go go test ./ganlib/evaluation/ -run '^$' \
//	    -bench ParzenVsNumPy -benchtime 1x
func BenchmarkParzenVsNumPy(b *testing.B) {
	python, script, ok := numpyAnchor(b)
	if !ok {
		b.Skip("NumPy anchor not available")
	}
	samples, validation, test, source := paperSizedSets(b)
	dir := b.TempDir()
	paths := map[string]*data.Images{"samples": samples, "validation": validation, "test": test}
	for name, im := range paths {
		writeF32(b, filepath.Join(dir, name+".f32"), im)
	}

	// ours
	var goSeconds, goSweep float64
	var res *ParzenResult
	for b.Loop() {
		start := time.Now()
		sel, err := SelectParzenSigma(ctx, samples, validation, nil)
		if err != nil {
			b.Fatal(err)
		}
		goSweep = time.Since(start).Seconds()
		res, err = ParzenWithSigma(ctx, samples, test, sel.Sigma, nil)
		if err != nil {
			b.Fatal(err)
		}
		res.Selection = sel
		goSeconds = time.Since(start).Seconds()
	}

	// NumPy: σ sweep on validation, then the chosen σ on test
	var sweep float64
	var info anchorJSON
	for _, sc := range res.Selection.Scores {
		r := runAnchorTimed(b, python, script, filepath.Join(dir, "validation.f32"),
			filepath.Join(dir, "samples.f32"), sc.Sigma)
		sweep += r.Results[0].Seconds
		if relErr(r.Results[0].LL.Mean, sc.MeanLogLikelihood) > 1e-6 {
			b.Errorf("σ=%g: NumPy validation mean %.10g, ours %.10g", sc.Sigma,
				r.Results[0].LL.Mean, sc.MeanLogLikelihood)
		}
		info = r
	}
	r := runAnchorTimed(b, python, script, filepath.Join(dir, "test.f32"),
		filepath.Join(dir, "samples.f32"), res.Sigma)
	if relErr(r.Results[0].LL.Mean, res.Mean) > 1e-6 {
		b.Errorf("NumPy test mean %.10g, ours %.10g", r.Results[0].LL.Mean, res.Mean)
	}
	numpySeconds := sweep + r.Results[0].Seconds
	b.ReportMetric(goSeconds, "go-s")
	b.ReportMetric(numpySeconds, "numpy-s")
	b.ReportMetric(numpySeconds/goSeconds, "numpy/go")
	b.Logf("data: %s; %s", source, res)
	b.Logf("Go (%s, %d goroutines): %.2f s (sweep %.2f s + test %.2f s); NumPy %s (%v): "+
		"%.2f s (sweep %.2f s + test %.2f s); NumPy/Go = %.2f", crossNTKernel, defaultWorkers(),
		goSeconds, goSweep, goSeconds-goSweep, info.NumPy, info.BLAS, numpySeconds, sweep,
		r.Results[0].Seconds, numpySeconds/goSeconds)
}

// defaultWorkers is the default worker count.
func defaultWorkers() int { return (*ParzenOptions)(nil).withDefaults().Workers }

// BenchmarkNearestNeighborsMNIST finds the nearest of the 60000 MNIST
// training images for 100 "samples" (test images), as for Figure 2.
func BenchmarkNearestNeighborsMNIST(b *testing.B) {
	train, t10k, err := loadMNIST()
	if err != nil {
		b.Skipf("MNIST: %v", err)
	}
	samples := t10k.Slice(0, 100)
	for b.Loop() {
		if _, _, err := NearestNeighbors(ctx, samples, train, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParzenChunkSize times 2000 test points against 10000 samples
// (d = 784, one σ) for several chunk sizes; 0 is the budget-derived default.
func BenchmarkParzenChunkSize(b *testing.B) {
	samples := splitmixImages(b, 1, 10000, 784)
	test := splitmixImages(b, 3, 2000, 784)
	for _, chunk := range []int{0, 16, 64, 256, 1000} {
		b.Run(fmt.Sprintf("chunk=%d", chunk), func(b *testing.B) {
			for b.Loop() {
				if _, err := ParzenLogLikelihoods(ctx, samples, test, 0.2,
					&ParzenOptions{ChunkSize: chunk}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
