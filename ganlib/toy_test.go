package ganlib

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// Figure 1's game: training moves p_g onto p_data = N(4, 0.5) and D(x)
// towards 1/2.
func TestToyGaussianConverges(t *testing.T) {
	train := data.SampleImages(data.Gaussian{Mu: 4, Sigma: 0.5}, rand.New(rand.NewPCG(1, 2)), 10000)
	cfg := MustPreset("toy1d")
	cfg.Seed = 7
	tr := newTestTrainer(t, cfg, train)
	var dReal []float64
	steps := int64(3000)
	if err := tr.Train(context.Background(), steps, func(m StepMetrics) error {
		if m.GStep > steps-500 {
			dReal = append(dReal, m.DReal)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	xs, err := tr.SampleScalars(10000, 3)
	if err != nil {
		t.Fatal(err)
	}
	mean, sd := MeanStd(xs)
	meanD, _ := MeanStd(dReal)
	t.Logf("after %d steps: generated mean %.4f sd %.4f; mean D(x) over the last 500 steps %.4f", steps, mean, sd, meanD)
	for _, c := range []struct {
		name           string
		got, want, tol float64
	}{
		// Tolerances. The run is deterministic for its seed on a given
		// backend (see TestSeedReproducibility); they allow for other
		// backends and for what GAN training actually reaches. The mean
		// settles near 4 (0.1 = 0.2 sd of p_data). The sd stays below 0.5:
		// this plain 1-D GAN under-disperses, as the AYLIEN gan-intro
		// write-up also shows without minibatch features; we accept
		// [0.25, 0.75], which a collapsed G (sd -> 0) or the untrained G
		// (mean ~0) fails. Mean D(x) over the last 500 steps within 0.05 of
		// 1/2, D's value at p_g = p_data (Proposition 1).
		{"mean", mean, 4, 0.1},
		{"sd", sd, 0.5, 0.25},
		{"mean D(x)", meanD, 0.5, 0.05},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s = %.4f, want %.2f ± %.2f", c.name, c.got, c.want, c.tol)
		}
	}
}

// cases.md GAN-10(c): the reference toy (batch 8, hidden 4, Adam lr 1e-3)
// keeps every loss finite for 5000 steps, and its samples are finite.
func TestToyReferenceAllLossesFinite(t *testing.T) {
	steps := int64(5000)
	if testing.Short() {
		steps = 500
	}
	train := data.SampleImages(data.Gaussian{Mu: 4, Sigma: 0.5}, rand.New(rand.NewPCG(1, 2)), 10000)
	cfg := ToyConfig(4, 8, 1e-3)
	cfg.Seed = 1
	tr := newTestTrainer(t, cfg, train)
	n := int64(0)
	if err := tr.Train(context.Background(), steps, func(m StepMetrics) error {
		for _, v := range []float64{m.DLoss, m.GLoss, m.Value} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite loss at step %d: %v", m.GStep, m)
			}
		}
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != steps {
		t.Fatalf("%d steps checked, want %d", n, steps)
	}
	if _, err := tr.SampleScalars(10000, 1); err != nil {
		t.Fatalf("generated samples: %v", err)
	}
}
