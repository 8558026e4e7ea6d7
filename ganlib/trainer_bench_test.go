package ganlib

import (
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// randomMNISTShaped returns n 28×28×1 images of uniform [0, 1) noise (a
// timing input only, like the PyTorch anchor's).
func randomMNISTShaped(n int) *data.Images {
	rng := rand.New(rand.NewPCG(5, 6))
	im := &data.Images{N: n, H: 28, W: 28, C: 1, Pix: make([]float32, n*784), Range: data.RangeUnit}
	for i := range im.Pix {
		im.Pix[i] = rng.Float32()
	}
	return im
}

// benchmarkPreset times Trainer.Step (one training iteration) of a preset.
// Reported: it/s; peak-rss-MB, the process's peak resident set size
// (getrusage ru_maxrss, so it includes everything the test binary did
// before); heap-MB, Go heap in use after the loop (the pure-Go backend keeps
// its buffers there); and, with -benchmem, Go allocations per iteration.
func benchmarkPreset(b *testing.B, name string) {
	cfg := MustPreset(name)
	cfg.Seed = 1
	tr, err := NewTrainer(MustBackend(), cfg, randomMNISTShaped(1000))
	if err != nil {
		b.Fatal(err)
	}
	for range 3 { // compile and warm up
		if _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "it/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-rss-MB") // Linux: KiB
	}
}

// BenchmarkTrainStepMNISTReleased: one iteration of the released MNIST
// configuration (batch 100, simultaneous D and G update).
func BenchmarkTrainStepMNISTReleased(b *testing.B) { benchmarkPreset(b, "mnist-released") }

// BenchmarkTrainStepMNISTAlg1: one Algorithm 1 iteration (k = 1: a D step
// then a G step), the scheme /work/shared/anchors/torch_gan_bench.py times.
func BenchmarkTrainStepMNISTAlg1(b *testing.B) { benchmarkPreset(b, "mnist-alg1") }
