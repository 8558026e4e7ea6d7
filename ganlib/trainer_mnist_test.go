package ganlib

import (
	"context"
	"testing"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/evaluation"
)

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
		// the paper's estimator (Section 5), from package evaluation
		res, err := evaluation.ParzenWithSigma(context.Background(), s, valid, sigma, nil)
		if err != nil {
			t.Fatal(err)
		}
		return -res.Mean
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
