package ganlib

import (
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// toyTrainer is the "toy1d" preset on N(4, 0.5) with a fixed seed.
func toyTrainer(t *testing.T, seed uint64, mutate func(*Config)) *Trainer {
	t.Helper()
	train := data.SampleImages(data.Gaussian{Mu: 4, Sigma: 0.5}, data.NewRand(1), 2000)
	cfg := MustPreset("toy1d")
	cfg.Seed = seed
	if mutate != nil {
		mutate(&cfg)
	}
	return newTestTrainer(t, cfg, train)
}

// StepD moves only D, StepG only G; the counters and metrics say which.
func TestStepDAndStepGMoveOnePlayer(t *testing.T) {
	tr := toyTrainer(t, 3, nil)
	gPrefix, dPrefix := "/"+GeneratorScopeName+"/", "/"+DiscriminatorScopeName+"/"

	g0, d0 := snapshot(t, tr.Store(), gPrefix), snapshot(t, tr.Store(), dPrefix)
	m, err := tr.StepD()
	if err != nil {
		t.Fatal(err)
	}
	if tr.DStep() != 1 || tr.GStep() != 0 {
		t.Errorf("after StepD: DStep %d, GStep %d; want 1, 0", tr.DStep(), tr.GStep())
	}
	if name, ok := equalSnapshots(g0, snapshot(t, tr.Store(), gPrefix)); !ok {
		t.Errorf("StepD changed G's variable %s", name)
	}
	if _, ok := equalSnapshots(d0, snapshot(t, tr.Store(), dPrefix)); ok {
		t.Error("StepD did not change D")
	}
	if !(m.GradNormD > 0) || m.GradNormG != 0 || !(m.DReal >= 0 && m.DReal <= 1) || !(m.DFake >= 0 && m.DFake <= 1) ||
		m.DLoss <= 0 {
		t.Errorf("StepD metrics: want |∇D| > 0, |∇G| = 0, D(x), D(G(z)) in [0,1], D loss > 0; got %v", m)
	}

	g1, d1 := snapshot(t, tr.Store(), gPrefix), snapshot(t, tr.Store(), dPrefix)
	m, err = tr.StepG()
	if err != nil {
		t.Fatal(err)
	}
	if tr.DStep() != 1 || tr.GStep() != 1 {
		t.Errorf("after StepG: DStep %d, GStep %d; want 1, 1", tr.DStep(), tr.GStep())
	}
	if name, ok := equalSnapshots(d1, snapshot(t, tr.Store(), dPrefix)); !ok {
		t.Errorf("StepG changed D's variable %s", name)
	}
	if _, ok := equalSnapshots(g1, snapshot(t, tr.Store(), gPrefix)); ok {
		t.Error("StepG did not change G")
	}
	// G-side fields set, real-batch fields 0 (documented)
	if !(m.GradNormG > 0) || m.GradNormD != 0 || m.DReal != 0 || m.DLoss != 0 || !(m.DFake >= 0 && m.DFake <= 1) {
		t.Errorf("StepG metrics: want |∇G| > 0, |∇D| = D(x) = D loss = 0, D(G(z)) in [0,1]; got %v", m)
	}
}

// Step is exactly K StepD calls then one StepG: two trainers with the same
// seed, one driven by Step and one by the halves, end bit-identical.
func TestStepEqualsKStepDThenStepG(t *testing.T) {
	for _, k := range []int{1, 3} {
		setK := func(c *Config) { c.K = k }
		a, b := toyTrainer(t, 9, setK), toyTrainer(t, 9, setK)
		for range 4 {
			if _, err := a.Step(); err != nil {
				t.Fatal(err)
			}
			for range k {
				if _, err := b.StepD(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.StepG(); err != nil {
				t.Fatal(err)
			}
		}
		if a.GStep() != b.GStep() || a.DStep() != b.DStep() || a.DStep() != int64(4*k) {
			t.Errorf("k=%d: counters G %d/%d, D %d/%d; want G 4, D %d", k, a.GStep(), b.GStep(),
				a.DStep(), b.DStep(), 4*k)
		}
		if name, ok := equalSnapshots(snapshot(t, a.Store(), "/"), snapshot(t, b.Store(), "/")); !ok {
			t.Errorf("k=%d: Step and StepD/StepG runs differ in %s", k, name)
		}
	}
}

func TestStepPhasesRefuseSimultaneous(t *testing.T) {
	cfg := tinyConfig(4, 4)
	cfg.Simultaneous = true
	tr := newTestTrainer(t, cfg, syntheticImages(32, 4, 4, 1))
	if _, err := tr.StepD(); err == nil {
		t.Error("StepD with Simultaneous: no error")
	}
	if _, err := tr.StepG(); err == nil {
		t.Error("StepG with Simultaneous: no error")
	}
}
