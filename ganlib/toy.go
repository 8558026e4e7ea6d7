package ganlib

// 1-D toy helpers (Figure 1 of the paper: G maps uniform z to a 1-D density
// that should come to match p_data). The toy data itself comes from package
// data (data.Gaussian, data.Bimodal, data.SampleImages, data.ModeFractions);
// training uses the ordinary Trainer with the "toy1d" preset.

import (
	"math"

	"github.com/pkg/errors"
)

// ToyConfig returns the "toy1d" preset with G's hidden width, batch size and
// both players' Adam learning rate replaced (e.g. 4, 8, 1e-3 for the
// AYLIEN/gan-intro reference toy of cases.md GAN-10).
func ToyConfig(hidden, batch int, lr float64) Config {
	c := MustPreset("toy1d")
	c.Generator.Hidden = []int{hidden}
	c.BatchSize = batch
	c.OptD.LearningRate, c.OptG.LearningRate = lr, lr
	return c
}

// SampleScalars draws n values from a 1-D G (H = W = C = 1) in inference
// mode, with noise from NoiseBatch seeded by seed. It returns an error if any
// value is NaN or ±Inf, so nothing non-finite reaches a histogram.
func (t *Trainer) SampleScalars(n int, seed uint64) ([]float64, error) {
	gc := t.cfg.Generator
	if gc.H*gc.W*gc.C != 1 {
		return nil, errors.Errorf("ganlib.SampleScalars: G makes %dx%dx%d samples, not scalars", gc.H, gc.W, gc.C)
	}
	noise := NoiseBatch(NoiseRNG(seed), t.cfg.NoisePrior, n, gc.NoiseDim)
	im, err := t.Sample(noise, nil)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i, v := range im.Pix {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, errors.Errorf("ganlib.SampleScalars: sample %d is %v", i, v)
		}
		out[i] = float64(v)
	}
	return out, nil
}

// MeanStd returns the sample mean and the (n-1) sample standard deviation.
func MeanStd(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}
