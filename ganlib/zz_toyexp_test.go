package ganlib

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

func TestZZToyExp(t *testing.T) {
	train := data.SampleImages(data.Gaussian{Mu: 4, Sigma: 0.5}, rand.New(rand.NewPCG(1, 2)), 10000)
	for _, v := range []struct{ h, units, pieces int; lr float64; steps int64; seed uint64 }{
		{16, 16, 4, 2e-3, 3000, 7}, {16, 16, 4, 2e-3, 3000, 8}, {16, 16, 4, 2e-3, 3000, 9}, {16, 16, 4, 2e-3, 3000, 10},
	} {
		cfg := MustPreset("toy1d")
		cfg.Seed = v.seed
		cfg.OptD.LRDecay, cfg.OptG.LRDecay = 1.0005, 1.0005
		cfg.K = 3
		cfg.Generator.Hidden = []int{v.h}
		cfg.Discriminator.Units = []int{v.units, v.units}
		cfg.Discriminator.Pieces = []int{v.pieces, v.pieces}
		cfg.OptD.LearningRate, cfg.OptG.LearningRate = v.lr, v.lr
		tr := newTestTrainer(t, cfg, train)
		tr.Train(context.Background(), v.steps)
		xs, _ := tr.SampleScalars(10000, 3)
		m, s := MeanStd(xs)
		t.Logf("%+v: mean %.3f sd %.3f", v, m, s)
	}
}
