package ganlib

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// syntheticImages returns n h×w×1 images in [0, 1]: a bright square at a
// random place on a dark background, plus uniform noise. Deterministic.
func syntheticImages(n, h, w int, seed uint64) *data.Images {
	rng := rand.New(rand.NewPCG(seed, 1))
	im := &data.Images{N: n, H: h, W: w, C: 1, Pix: make([]float32, n*h*w), Range: data.RangeUnit}
	for i := range n {
		px := im.Image(i)
		cy, cx := rng.IntN(h-2), rng.IntN(w-2)
		for y := range h {
			for x := range w {
				v := 0.1 * rng.Float32()
				if y >= cy && y < cy+3 && x >= cx && x < cx+3 {
					v = 0.8 + 0.2*rng.Float32()
				}
				px[y*w+x] = v
			}
		}
	}
	return im
}

// tinyConfig is a small MNIST-shaped (h×w×1) GAN for fast tests.
func tinyConfig(h, w int) Config {
	return Config{
		Name: "tiny",
		Generator: GeneratorConfig{
			NoiseDim: 8, Hidden: []int{16}, Activations: []Activation{ReLU},
			Output: Sigmoid, H: h, W: w, C: 1, InitRange: []float64{0.05},
		},
		Discriminator: DiscriminatorConfig{
			Units: []int{8}, Pieces: []int{3}, KeepProb: []float64{0.8, 0.5}, InitRange: []float64{0.05},
		},
		NoisePrior: PriorUniform, GeneratorLoss: LossNonSaturating,
		K: 1, BatchSize: 16, Seed: 1,
		OptD: releasedSGD(0.1), OptG: releasedSGD(0.1),
	}
}

// snapshot copies every variable of the store whose path has prefix.
func snapshot(t *testing.T, store *model.Store, prefix string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for v := range store.IterVariables() {
		if !strings.HasPrefix(v.Path(), prefix) {
			continue
		}
		value, err := v.Value()
		if err != nil {
			t.Fatalf("value of %s: %v", v.Path(), err)
		}
		var b []byte
		if err := value.ConstBytes(func(raw []byte) { b = append([]byte(nil), raw...) }); err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = b
	}
	return out
}

func equalSnapshots(a, b map[string][]byte) (string, bool) {
	if len(a) != len(b) {
		return "different variable sets", false
	}
	for k, va := range a {
		if string(va) != string(b[k]) {
			return k, false
		}
	}
	return "", true
}

func newTestTrainer(t *testing.T, cfg Config, train *data.Images, opts ...TrainerOption) *Trainer {
	t.Helper()
	tr, err := NewTrainer(MustBackend(), cfg, train, opts...)
	if err != nil {
		t.Fatalf("NewTrainer: %+v", err)
	}
	return tr
}

// Smoke test (STYLE.md): a tiny GAN trains a few steps, losses stay finite,
// and both D's and G's variables move.
func TestTrainerSmoke(t *testing.T) {
	for _, sim := range []bool{false, true} {
		name := map[bool]string{false: "alg1", true: "simultaneous"}[sim]
		t.Run(name, func(t *testing.T) {
			cfg := tinyConfig(8, 8)
			cfg.Simultaneous = sim
			tr := newTestTrainer(t, cfg, syntheticImages(64, 8, 8, 1))
			g0 := snapshot(t, tr.Store(), "/generator/")
			d0 := snapshot(t, tr.Store(), "/discriminator/")
			for i := range 5 {
				m, err := tr.Step()
				if err != nil {
					t.Fatalf("step %d: %+v", i+1, err)
				}
				for _, v := range []float64{m.DLoss, m.GLoss, m.Value, m.GradNormD, m.GradNormG} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("step %d: non-finite metric in %v", i+1, m)
					}
				}
				if m.DReal < 0 || m.DReal > 1 || m.DFake < 0 || m.DFake > 1 {
					t.Fatalf("step %d: D outputs outside [0, 1]: %v", i+1, m)
				}
				// V = -D loss (Equation 1 vs the BCE loss), hand derivation
				if math.Abs(m.Value+m.DLoss) > 1e-5 {
					t.Errorf("step %d: V = %g but D loss = %g; want V = -D loss", i+1, m.Value, m.DLoss)
				}
			}
			if p, same := equalSnapshots(g0, snapshot(t, tr.Store(), "/generator/")); same {
				t.Errorf("G's variables did not move (%s)", p)
			}
			if p, same := equalSnapshots(d0, snapshot(t, tr.Store(), "/discriminator/")); same {
				t.Errorf("D's variables did not move (%s)", p)
			}
			if tr.GStep() != 5 || tr.DStep() != 5 {
				t.Errorf("counters G %d D %d, want 5 and 5", tr.GStep(), tr.DStep())
			}
		})
	}
}

// A D step changes no generator variable and a G step no discriminator
// variable, bit for bit (G and D scopes are disjoint; each optimizer sees
// only its own).
func TestStepsTouchOnlyTheirPlayer(t *testing.T) {
	for _, opt := range []string{OptimizerMomentum, OptimizerAdam} {
		t.Run(opt, func(t *testing.T) {
			cfg := tinyConfig(8, 8)
			cfg.OptD.Name, cfg.OptG.Name = opt, opt
			tr := newTestTrainer(t, cfg, syntheticImages(64, 8, 8, 1))
			for range 2 { // warm up so velocities/moments are non-zero
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
			}

			// D step: G's variables and G's optimizer state unchanged
			gBefore := snapshot(t, tr.Store(), "/generator/")
			gVelBefore := snapshot(t, tr.Store(), "/momentum/generator/")
			gAdamBefore := snapshot(t, tr.Store(), "/adam/generator/")
			dBefore := snapshot(t, tr.Store(), "/discriminator/")
			idx, _ := tr.nextBatch()
			if _, err := call(tr.dExec, tr.dataArgs(idx)...); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name   string
				before map[string][]byte
				prefix string
			}{{"G", gBefore, "/generator/"}, {"G velocity", gVelBefore, "/momentum/generator/"},
				{"G Adam", gAdamBefore, "/adam/generator/"}} {
				if p, same := equalSnapshots(c.before, snapshot(t, tr.Store(), c.prefix)); !same {
					t.Errorf("D step changed %s variable %s", c.name, p)
				}
			}
			if _, same := equalSnapshots(dBefore, snapshot(t, tr.Store(), "/discriminator/")); same {
				t.Errorf("D step did not change D")
			}

			// G step: D's variables and D's optimizer state unchanged
			dBefore = snapshot(t, tr.Store(), "/discriminator/")
			dVelBefore := snapshot(t, tr.Store(), "/momentum/discriminator/")
			dAdamBefore := snapshot(t, tr.Store(), "/adam/discriminator/")
			gBefore = snapshot(t, tr.Store(), "/generator/")
			if _, err := call(tr.gExec); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name   string
				before map[string][]byte
				prefix string
			}{{"D", dBefore, "/discriminator/"}, {"D velocity", dVelBefore, "/momentum/discriminator/"},
				{"D Adam", dAdamBefore, "/adam/discriminator/"}} {
				if p, same := equalSnapshots(c.before, snapshot(t, tr.Store(), c.prefix)); !same {
					t.Errorf("G step changed %s variable %s", c.name, p)
				}
			}
			if _, same := equalSnapshots(gBefore, snapshot(t, tr.Store(), "/generator/")); same {
				t.Errorf("G step did not change G")
			}
		})
	}
}

// GAN-20's schedule numbers: each player's counter drives its own learning
// rate; with k = 2, after 5 G steps D has made 10 updates.
func TestPerPlayerScheduleCounters(t *testing.T) {
	cfg := tinyConfig(8, 8)
	cfg.K = 2
	tr := newTestTrainer(t, cfg, syntheticImages(64, 8, 8, 1))
	var m StepMetrics
	var err error
	for range 5 {
		if m, err = tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if m.GStep != 5 || m.DStep != 10 {
		t.Fatalf("counters G %d D %d, want 5 and 10", m.GStep, m.DStep)
	}
	// the 5th G update used lr after 4 updates; the 10th D update lr after 9
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"G lr used by update 5", m.LearningRateG, 0.1 / math.Pow(1.000004, 4)},
		{"D lr used by update 10", m.LearningRateD, 0.1 / math.Pow(1.000004, 9)},
	} {
		if math.Abs(c.got-c.want) > 1e-12*c.want {
			t.Errorf("%s = %.13g, want %.13g", c.name, c.got, c.want)
		}
	}
	// lr after 5 and 10 updates (cases.md GAN-20, computed): the counters
	// in the store give these
	gUpd := readInt64Var(t, tr.Store(), "/generator/optimizers/updates")
	dUpd := readInt64Var(t, tr.Store(), "/discriminator/optimizers/updates")
	if gUpd != 5 || dUpd != 10 {
		t.Fatalf("stored update counters G %d D %d, want 5 and 10", gUpd, dUpd)
	}
	for _, c := range []struct {
		name    string
		updates int64
		want    float64
	}{{"after 5 updates", gUpd, 0.0999980000240}, {"after 10 updates", dUpd, 0.0999960000880}} {
		got := ScheduledLearningRate(cfg.OptG, c.updates)
		if math.Abs(got-c.want) > 1e-9*c.want { // cases.md: 1e-9 relative in float64
			t.Errorf("lr %s = %.13g, want %.13g (cases.md GAN-20)", c.name, got, c.want)
		}
	}
}

func readInt64Var(t *testing.T, store *model.Store, path string) int64 {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("no variable %s", path)
	}
	return tensors.ToScalar[int64](v.MustValue())
}

// GAN-05: a huge learning rate makes training stop at the first non-finite
// loss or parameter with an error naming the step and the quantity; the last
// checkpoint stays loadable.
func TestNonFiniteStopsTraining(t *testing.T) {
	train := syntheticImages(256, 28, 28, 2)
	var stopErr error
	var dir string
	for _, lr := range []float64{10, 1e4, 1e8} {
		cfg := tinyConfig(28, 28)
		cfg.OptD.LearningRate, cfg.OptG.LearningRate = lr, lr
		dir = t.TempDir()
		tr := newTestTrainer(t, cfg, train, WithCheckpointDir(dir), WithCheckpointEvery(1))
		stopErr = tr.Train(context.Background(), 200)
		if stopErr != nil {
			t.Logf("lr %g: %v", lr, stopErr)
			break
		}
	}
	if stopErr == nil {
		t.Fatal("training with lr up to 1e8 stayed finite for 200 steps; cannot test the guard")
	}
	msg := stopErr.Error()
	if !(strings.Contains(msg, "NaN") || strings.Contains(msg, "Inf") || strings.Contains(msg, "not finite")) ||
		!strings.Contains(msg, "at step ") {
		t.Errorf("error %q does not name the quantity and the step", msg)
	}
	if errors.Is(stopErr, ErrInterrupted) {
		t.Errorf("a NaN stop must not look like an interruption: %v", stopErr)
	}

	// the last checkpoint loads and holds finite parameters
	tr2, err := LoadTrainer(dir, MustBackend(), train)
	if err != nil {
		t.Fatalf("last checkpoint does not load: %+v", err)
	}
	for v := range tr2.Store().IterVariables() {
		if !v.Trainable {
			continue
		}
		tensors.MustConstFlatData(v.MustValue(), func(flat []float32) {
			for _, x := range flat {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					t.Fatalf("checkpointed variable %s is not finite", v.Path())
				}
			}
		})
	}
	if _, err := tr2.Step(); err != nil && !strings.Contains(err.Error(), "at step") {
		t.Errorf("unexpected error stepping the loaded trainer: %v", err)
	}
}
