package ganlib

// This file splits Algorithm 1's iteration into its two halves, so that a
// notebook can run them separately: StepD is one step of the inner loop (D
// ascends V(D, G) with G fixed; Figure 1(b), Proposition 1's D*_G) and StepG
// is the step after it (G descends with D fixed; Figure 1(c)). Trainer.Step
// is exactly K StepD calls followed by one StepG call. Running StepG many
// times without StepD is Section 6's "Helvetica scenario": G trained too much
// without updating D collapses too many values of z to the same x.
//
// Both reuse the trainer's compiled step executables, counters, data order
// and failure handling (trainer.go), so checkpoints and later Step calls see
// one consistent run.

import "github.com/pkg/errors"

// StepD runs one discriminator update (one step of Algorithm 1's inner
// loop): a fresh real batch and fresh noise, D's gradient step, G unchanged.
// DStep grows by 1, GStep does not.
//
// The returned metrics carry the D-side fields measured on the step's batch
// before the update (DLoss, Value, DReal, DFake, RealRejected, FakeAccepted,
// GradNormD, LearningRateD, MomentumD) and GLoss, G's loss on the same fake
// batch; GradNormG, LearningRateG and MomentumG are 0. A NaN or Inf stops the
// trainer as in Step. Not available with Config.Simultaneous, which has no
// separate D update.
func (t *Trainer) StepD() (StepMetrics, error) {
	if t.failed != nil {
		return StepMetrics{}, t.failed
	}
	if t.cfg.Simultaneous {
		return StepMetrics{}, errors.New("ganlib.Trainer.StepD: Config.Simultaneous updates D and G together; " +
			"separate D steps need Algorithm 1 (Simultaneous = false)")
	}
	idx, err := t.nextBatch()
	if err != nil {
		return StepMetrics{}, err
	}
	vec, err := call(t.dExec, t.dataArgs(idx)...)
	if err != nil {
		t.failed = err
		return StepMetrics{}, err
	}
	t.dStep++
	if err := t.checkStep(vec, "D", t.dVarPaths); err != nil {
		return StepMetrics{}, err
	}
	// the D graph measures G's loss too and returns 0 for G's gradient norm,
	// learning rate and momentum
	return t.metricsFrom(vec, vec), nil
}

// StepG runs one generator update with D fixed: fresh noise, G's gradient
// step through D (Config.GeneratorLoss). GStep grows by 1, DStep does not, so
// Train's step budget counts it like a full iteration.
//
// The returned metrics carry the G-side fields (GLoss, GradNormG,
// LearningRateG, MomentumG) and D's verdict on the step's generated batch
// before the update: DFake = mean D(G(z)) and FakeAccepted; the D-side
// fields that need a real batch (DLoss, Value, DReal, RealRejected,
// GradNormD, LearningRateD, MomentumD) are 0. A NaN or Inf stops the trainer
// as in Step. Not available with Config.Simultaneous.
func (t *Trainer) StepG() (StepMetrics, error) {
	if t.failed != nil {
		return StepMetrics{}, t.failed
	}
	if t.cfg.Simultaneous {
		return StepMetrics{}, errors.New("ganlib.Trainer.StepG: Config.Simultaneous updates D and G together; " +
			"separate G steps need Algorithm 1 (Simultaneous = false)")
	}
	vec, err := call(t.gExec)
	if err != nil {
		t.failed = err
		return StepMetrics{}, err
	}
	if err := t.checkStep(vec, "G", t.gVarPaths); err != nil {
		return StepMetrics{}, err
	}
	t.gStep++
	return t.metricsFrom(vec, vec), nil
}
