package ganlib

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

func TestPresetNamesAndErrors(t *testing.T) {
	want := []string{"cifar10-conv", "cifar10-fc", "mnist-alg1", "mnist-released", "quick", "tfd", "toy1d"}
	if got := strings.Join(PresetNames(), ","); got != strings.Join(want, ",") {
		t.Errorf("PresetNames = %s, want %s", got, strings.Join(want, ","))
	}
	if _, err := Preset("mnist"); err == nil || !strings.Contains(err.Error(), "mnist-released") {
		t.Errorf("unknown preset error %v should list the valid names", err)
	}
	for _, name := range PresetNames() {
		c := MustPreset(name)
		if c.Name != name {
			t.Errorf("preset %q has Name %q", name, c.Name)
		}
		if c.GeneratorLoss != LossNonSaturating { // default of every preset (GAN-01/04)
			t.Errorf("preset %q: GeneratorLoss %q", name, c.GeneratorLoss)
		}
		if _, err := NewOptimizer(c.OptD); err != nil {
			t.Errorf("preset %q: OptD: %v", name, err)
		}
	}
	// presets are fresh copies
	a := MustPreset("mnist-released")
	a.Generator.Hidden[0] = 1
	if MustPreset("mnist-released").Generator.Hidden[0] != 1200 {
		t.Error("changing a returned preset changed the next one")
	}
}

// The released MNIST numbers, each from goodfeli/adversarial mnist.yaml
// (commit f77a5093) or its code (__init__.py AdversaryCost2, Generator).
func TestMNISTReleasedMatchesYAML(t *testing.T) {
	c := MustPreset("mnist-released")
	g, d, o := c.Generator, c.Discriminator, c.OptD
	for _, x := range []struct {
		name      string
		got, want any
	}{
		{"nvis", g.NoiseDim, 100},
		{"G dims", g.Hidden, []int{1200, 1200}},
		{"G acts", g.Activations, []Activation{ReLU, ReLU}},
		{"G out", g.Output, Sigmoid},
		{"G out dim", g.H * g.W * g.C, 784},
		{"G irange", g.InitRange, []float64{0.05}},
		{"init_bias from marginals", g.OutputBiasFromData, true},
		{"noise", c.NoisePrior, PriorUniform},
		{"D units", d.Units, []int{240, 240}},
		{"D pieces", d.Pieces, []int{5, 5}},
		{"D irange", d.InitRange, []float64{0.005}},
		{"include probs", d.KeepProb, []float64{0.8, 0.5, 0.5}},
		{"no max_col_norm", len(d.MaxColNorm) + len(g.MaxColNorm), 0},
		{"batch_size", c.BatchSize, 100},
		{"learning_rate", o.LearningRate, 0.1},
		{"decay_factor", o.LRDecay, 1.000004},
		{"min_lr", o.MinLR, 1e-6},
		{"init_momentum", o.InitMomentum, 0.5},
		{"final_momentum", o.FinalMomentum, 0.7},
		{"momentum start", o.MomentumStart, 1},
		{"momentum saturate", o.MomentumSaturate, 250},
		{"simultaneous", c.Simultaneous, true},
		{"k", c.K, 1},
		{"d_obj factor 0.5", c.DLossWeight, 0.5},
		{"same optimizer for G", c.OptG == c.OptD, true},
	} {
		if !reflect.DeepEqual(x.got, x.want) {
			t.Errorf("%s = %v, want %v", x.name, x.got, x.want)
		}
	}
}

func TestDiffPresets(t *testing.T) {
	got := DiffPresets(MustPreset("mnist-released"), MustPreset("mnist-alg1"))
	want := `Name: "mnist-released" → "mnist-alg1"` + "\n" + `Simultaneous: true → false`
	if got != want {
		t.Errorf("DiffPresets =\n%s\nwant\n%s", got, want)
	}
	if d := DiffPresets(MustPreset("quick"), MustPreset("quick")); d != "" {
		t.Errorf("equal presets differ: %s", d)
	}
	d := DiffPresets(MustPreset("mnist-released"), MustPreset("tfd"))
	for _, line := range []string{"OptD.LearningRate: 0.1 → 0.05", "Generator.H: 28 → 48",
		"Discriminator.MaxColNorm: [] → [1.9365]"} {
		if !strings.Contains(d, line) {
			t.Errorf("diff lacks %q:\n%s", line, d)
		}
	}
}

// TestEveryPresetTrainsOneStep: every preset's configuration is consistent
// (layer lists, dropout keep probabilities, conv layout, shapes) — it builds
// and takes one training step. Widths are shrunk to at most 16 and the batch
// to 4 so that the structure, not the size, is what is tested.
func TestEveryPresetTrainsOneStep(t *testing.T) {
	shrink := func(xs []int) []int {
		out := make([]int, len(xs))
		for i, x := range xs {
			out[i] = min(x, 16)
		}
		return out
	}
	for _, name := range PresetNames() {
		t.Run(name, func(t *testing.T) {
			cfg := MustPreset(name)
			cfg.Seed = 1
			cfg.BatchSize = 4
			cfg.Generator.Hidden = shrink(cfg.Generator.Hidden)
			cfg.Discriminator.Units = shrink(cfg.Discriminator.Units)
			if c := cfg.Generator.Conv; c != nil {
				cc := *c
				cc.StartChannels = min(cc.StartChannels, 8)
				cc.Channels = append(shrink(cc.Channels[:len(cc.Channels)-1]), cc.Channels[len(cc.Channels)-1])
				cfg.Generator.Conv = &cc
			}
			if c := cfg.Discriminator.Conv; c != nil {
				cc := *c
				cc.Channels = shrink(cc.Channels)
				cfg.Discriminator.Conv = &cc
			}
			g := cfg.Generator
			var train *data.Images
			switch {
			case g.H*g.W*g.C == 1: // the 1-D toy
				train = data.SampleImages(data.Gaussian{Mu: 4, Sigma: 0.5}, data.NewRand(1), 16)
			case g.C == 1:
				train = syntheticImages(16, g.H, g.W, 1)
			default:
				train = &data.Images{N: 16, H: g.H, W: g.W, C: g.C, Pix: make([]float32, 16*g.H*g.W*g.C),
					Range: data.RangeUnit}
				for i := range train.Pix {
					train.Pix[i] = float32(i%7) / 7
				}
			}
			if g.NumClasses > 0 {
				train.Labels = make([]int, train.N)
				for i := range train.Labels {
					train.Labels[i] = i % g.NumClasses
				}
			}
			tr := newTestTrainer(t, cfg, train)
			m, err := tr.Step()
			if err != nil {
				t.Fatalf("Step: %+v", err)
			}
			if math.IsNaN(m.DLoss) || math.IsNaN(m.GLoss) {
				t.Fatalf("non-finite losses %+v", m)
			}
		})
	}
}
