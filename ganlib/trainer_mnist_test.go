package ganlib

import (
	"context"
	"math"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// parzenNLL is the mean negative log-likelihood (nats) of test under a
// Gaussian Parzen window of width sigma centred on samples, in float64:
// -mean_i log( (1/m) Σ_j N(x_i; s_j, σ² I) ), computed with log-sum-exp (the
// estimator of Section 5 of the paper, as in the released parzen_ll.py).
func parzenNLL(test, samples *data.Images, sigma float64) float64 {
	d := test.Dim()
	logNorm := -0.5 * float64(d) * math.Log(2*math.Pi*sigma*sigma)
	a := make([]float64, samples.N)
	var total float64
	for i := range test.N {
		x := test.Image(i)
		best := math.Inf(-1)
		for j := range samples.N {
			s := samples.Image(j)
			var sq float64
			for k := range d {
				diff := float64(x[k]) - float64(s[k])
				sq += diff * diff
			}
			a[j] = -sq / (2 * sigma * sigma)
			best = max(best, a[j])
		}
		var sum float64
		for _, v := range a {
			sum += math.Exp(v - best)
		}
		total += best + math.Log(sum/float64(samples.N)) + logNorm
	}
	return -total / float64(test.N)
}

// On real MNIST, a short run of the quick preset lowers G's Parzen-window
// negative log-likelihood of held-out images compared with the untrained G.
func TestQuickPresetImprovesParzenOnMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	split, err := data.LoadMNIST(data.MNISTOptions{})
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	train, valid := split.Train.Subset(10000), split.Valid.Subset(300)
	cfg := MustPreset("quick")
	cfg.Seed = 1
	tr := newTestTrainer(t, cfg, train)

	// σ = 0.2: the released code's monitoring Parzen width (Generator
	// ll_sigma); 1000 samples from a fixed noise batch
	const sigma, numSamples = 0.2, 1000
	noise := NoiseBatch(NoiseRNG(9), cfg.NoisePrior, numSamples, cfg.Generator.NoiseDim)
	nll := func() float64 {
		s, err := tr.Sample(noise, nil)
		if err != nil {
			t.Fatal(err)
		}
		return parzenNLL(valid, s, sigma)
	}
	before := nll()
	if err := tr.Train(context.Background(), 400); err != nil {
		t.Fatal(err)
	}
	after := nll()
	t.Logf("Parzen NLL (σ=%.1f, %d samples, %d validation images): untrained %.1f nats, after 400 steps %.1f nats",
		sigma, numSamples, valid.N, before, after)
	if !(after < before) {
		t.Errorf("training did not lower the Parzen NLL: %.2f → %.2f", before, after)
	}
}
