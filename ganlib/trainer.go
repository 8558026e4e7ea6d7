package ganlib

// This file is Algorithm 1 of the paper (minibatch stochastic gradient
// training of GANs): for each training iteration, K steps of D, each on a
// fresh data batch and fresh noise, then one step of G on fresh noise. It
// also implements the released code's scheme (Config.Simultaneous): one
// simultaneous update of D and G from the same batch and the same samples.
//
// G's variables live under "/generator" and D's under "/discriminator"; each
// player's optimizer is given only its own scope and keeps its own state and
// update counter. Each kind of step is one compiled executable (model.Exec)
// built once; the training set is uploaded to the device once and batches
// are gathered there from a vector of indices, so a step moves only the
// indices in and one small vector of measurements out.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mathrand "math/rand/v2"
	"strings"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// ErrInterrupted is returned (wrapped) by Trainer.Train when its context was
// cancelled: training stopped after the step in progress, and a final
// checkpoint was written when a checkpoint directory is configured.
var ErrInterrupted = errors.New("ganlib: training interrupted")

// ExitCodeInterrupted is the exit status a command-line training program
// should use after ErrInterrupted (128 + SIGINT, as shells report it).
const ExitCodeInterrupted = 130

// Trainer trains one GAN (G and D of a Config) on one training set. Create it
// with NewTrainer or LoadTrainer. Not safe for concurrent use.
type Trainer struct {
	cfg     Config
	backend compute.Backend
	store   *model.Store
	train   *data.Images
	opts    trainerOptions
	meta    RunMetadata

	optD, optG PlayerOptimizer

	// training set on device, [N, H, W, C] float32 and [N] int32 labels.
	dataX, dataLabels *tensors.Tensor
	conditional       bool

	batcher *batcher

	dExec, gExec, simExec *model.Exec
	// dVarPaths/gVarPaths name the finiteness flags each exec returns.
	dVarPaths, gVarPaths, simVarPaths []string

	sampler *Sampler

	gStep, dStep int64
	lastSaved    int64 // G step of the last checkpoint written, -1 if none
	failed       error
}

// TrainerOption configures NewTrainer / LoadTrainer.
type TrainerOption func(*trainerOptions)

type trainerOptions struct {
	checkpointDir   string
	checkpointEvery int64
	keep            int
}

// WithCheckpointDir makes Train write checkpoints into dir (see Save).
func WithCheckpointDir(dir string) TrainerOption {
	return func(o *trainerOptions) { o.checkpointDir = dir }
}

// WithCheckpointEvery makes Train checkpoint every n generator steps (and
// at the end or on interruption). 0 (default) checkpoints only at the end.
func WithCheckpointEvery(n int) TrainerOption {
	return func(o *trainerOptions) { o.checkpointEvery = int64(n) }
}

// WithKeepCheckpoints keeps the n most recent checkpoints (default 3; < 1
// keeps all).
func WithKeepCheckpoints(n int) TrainerOption {
	return func(o *trainerOptions) { o.keep = n }
}

// StepHook is called by Train after every iteration; an error stops training
// (after a checkpoint, when configured) and is returned.
type StepHook func(m StepMetrics) error

// NewTrainer builds G, D, their optimizers and the step executables for cfg
// on backend, training on train (NHWC images of cfg.Generator's shape; with
// labels when G or D is conditional). Variables are initialised now, from
// cfg.Seed, or from a seed drawn from crypto/rand when it is 0 (see Seed and
// Metadata). The training set is copied to the device once.
func NewTrainer(backend compute.Backend, cfg Config, train *data.Images, opts ...TrainerOption) (*Trainer, error) {
	if backend == nil {
		return nil, errors.New("ganlib.NewTrainer: backend is nil")
	}
	t := &Trainer{cfg: cfg, backend: backend, train: train, lastSaved: -1, opts: trainerOptions{keep: 3}}
	for _, opt := range opts {
		opt(&t.opts)
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	var err error
	if t.optD, err = NewOptimizer(cfg.OptD); err != nil {
		return nil, errors.WithMessage(err, "ganlib.NewTrainer: Config.OptD")
	}
	if t.optG, err = NewOptimizer(cfg.OptG); err != nil {
		return nil, errors.WithMessage(err, "ganlib.NewTrainer: Config.OptG")
	}

	// seed: the Store's RNG (init, noise, dropout) and the data order
	seedDrawn := false
	if t.cfg.Seed == 0 {
		t.cfg.Seed = drawSeed()
		seedDrawn = true
		klog.V(1).Infof("ganlib: no seed given, drew seed %d", t.cfg.Seed)
	}
	t.meta = newRunMetadata(t.cfg, seedDrawn, backend)
	t.store = model.NewStore()
	t.store.SetParam(model.ParamInitialSeed, int64(t.cfg.Seed))
	if err := t.store.SetRNGStateFromSeed(int64(t.cfg.Seed)); err != nil {
		return nil, errors.WithMessage(err, "ganlib.NewTrainer: seeding the RNG")
	}
	t.batcher = newBatcher(train.N, cfg.BatchSize, t.cfg.Seed)

	// training set on device
	t.dataX = tensors.FromFlatDataAndDimensions(train.Pix, train.N, train.H, train.W, train.C)
	t.conditional = cfg.Generator.NumClasses > 0 || cfg.Discriminator.NumClasses > 0
	if t.conditional {
		labels := make([]int32, train.N)
		for i, l := range train.Labels {
			labels[i] = int32(l)
		}
		t.dataLabels = tensors.FromFlatDataAndDimensions(labels, train.N)
	}
	if err := t.dataX.MaterializeOnDevice(backend, false, 0); err != nil {
		return nil, errors.WithMessage(err, "ganlib.NewTrainer: copying the training set to the device")
	}

	// build the step executables (this creates the variables), then
	// initialise the variables
	if err := t.buildExecs(); err != nil {
		return nil, err
	}
	if err := t.store.InitializeVariables(backend, nil); err != nil {
		return nil, errors.WithMessage(err, "ganlib.NewTrainer: initialising variables")
	}
	if err := t.checkDisjoint(); err != nil {
		return nil, err
	}
	if cfg.Generator.OutputBiasFromData {
		if err := t.setOutputBiasFromData(); err != nil {
			return nil, err
		}
	}
	klog.V(1).Infof("ganlib: trainer %q: %d G parameters, %d D parameters, seed %d", cfg.Name,
		t.store.Scope("/"+GeneratorScopeName).NumParameters(),
		t.store.Scope("/"+DiscriminatorScopeName).NumParameters(), t.cfg.Seed)
	return t, nil
}

// validate checks the parts of the configuration the trainer relies on.
func (t *Trainer) validate() error {
	cfg, train := t.cfg, t.train
	if train == nil {
		return errors.New("ganlib.NewTrainer: training set is nil")
	}
	if err := train.Validate(); err != nil {
		return errors.WithMessage(err, "ganlib.NewTrainer: training set")
	}
	gc := cfg.Generator
	if train.H != gc.H || train.W != gc.W || train.C != gc.C {
		return errors.Errorf("ganlib.NewTrainer: training images are %dx%dx%d but Config.Generator makes %dx%dx%d",
			train.H, train.W, train.C, gc.H, gc.W, gc.C)
	}
	if cfg.BatchSize <= 0 || cfg.BatchSize > train.N {
		return errors.Errorf("ganlib.NewTrainer: Config.BatchSize = %d must be in [1, %d] (training set size)",
			cfg.BatchSize, train.N)
	}
	if !cfg.Simultaneous && cfg.K < 1 {
		return errors.Errorf("ganlib.NewTrainer: Config.K = %d must be >= 1 (D steps per G step)", cfg.K)
	}
	if cfg.Simultaneous && cfg.K > 1 {
		return errors.Errorf("ganlib.NewTrainer: Config.K = %d with Simultaneous: the simultaneous scheme "+
			"has no inner D loop; set K to 1", cfg.K)
	}
	if cfg.DLossWeight < 0 {
		return errors.Errorf("ganlib.NewTrainer: Config.DLossWeight = %g must be >= 0", cfg.DLossWeight)
	}
	if (gc.NumClasses > 0 || cfg.Discriminator.NumClasses > 0) && train.Labels == nil {
		return errors.New("ganlib.NewTrainer: a conditional model (NumClasses > 0) needs labelled training data")
	}
	switch cfg.GeneratorLoss {
	case LossNonSaturating, LossMinimax, LossBlend, "":
	default:
		return errors.Errorf("ganlib.NewTrainer: Config.GeneratorLoss %q unknown; valid: %q, %q, %q",
			cfg.GeneratorLoss, LossNonSaturating, LossMinimax, LossBlend)
	}
	return nil
}

// drawSeed draws a non-zero seed from crypto/rand.
func drawSeed() uint64 {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand.Read does not fail on supported platforms
		}
		// keep it within int64, as GoMLX's seed is an int64
		if s := binary.LittleEndian.Uint64(b[:]) >> 1; s != 0 {
			return s
		}
	}
}

// Config returns the trainer's configuration, with the seed in use.
func (t *Trainer) Config() Config { return t.cfg }

// Seed returns the seed of the run (drawn when Config.Seed was 0).
func (t *Trainer) Seed() uint64 { return t.cfg.Seed }

// Metadata returns the run metadata saved beside each checkpoint.
func (t *Trainer) Metadata() RunMetadata { return t.meta }

// Store returns the GoMLX store holding both players' variables and the
// optimizer state (for inspection; changing it changes the run).
func (t *Trainer) Store() *model.Store { return t.store }

// GStep and DStep return the number of updates of each player so far.
func (t *Trainer) GStep() int64 { return t.gStep }

// DStep returns the number of D updates so far.
func (t *Trainer) DStep() int64 { return t.dStep }

// Epoch returns the number of completed passes over the training data.
func (t *Trainer) Epoch() int64 { return t.batcher.epoch }

// playerScopes returns fresh scopes for G and D from the exec's root scope.
func playerScopes(root *model.Scope) (gen, disc *model.Scope) {
	return root.At(GeneratorScopeName), root.At(DiscriminatorScopeName)
}

// realBatch gathers the batch rows idx [batch] int32 from the training set
// inputs (x [N,H,W,C] and, when conditional, labels [N]).
func (t *Trainer) realBatch(inputs []*graph.Node) (x, labels *graph.Node) {
	idx := inputs[len(inputs)-1]
	col := graph.ExpandAxes(idx, -1) // [batch, 1]
	x = graph.Gather(inputs[0], col)
	if t.conditional {
		labels = graph.Gather(inputs[1], col)
	}
	return x, labels
}

// fakeBatch draws noise (and, when conditional, uniform labels) and runs G.
func (t *Trainer) fakeBatch(root, gen *model.Scope, g *graph.Graph) (fake, labels *graph.Node) {
	batch := t.cfg.BatchSize
	z := SampleNoise(root, g, t.cfg.NoisePrior, batch, t.cfg.Generator.NoiseDim)
	if t.conditional {
		n := max(t.cfg.Generator.NumClasses, t.cfg.Discriminator.NumClasses)
		labels = root.RandomIntN(g, int32(n), shapesInt32(batch))
	}
	return Generator(gen, t.cfg.Generator, z, labels), labels
}

// dLossWeight returns Config.DLossWeight, 0 meaning 1.
func (t *Trainer) dLossWeight() float64 {
	if t.cfg.DLossWeight == 0 {
		return 1
	}
	return t.cfg.DLossWeight
}

// scoreBoth runs D once on real and fake rows together, so its dropout masks
// are drawn in one go, and splits the logits.
func (t *Trainer) scoreBoth(disc *model.Scope, x, xLabels, fake, fakeLabels *graph.Node) (real, fk *graph.Node) {
	batch := t.cfg.BatchSize
	both := graph.Concatenate([]*graph.Node{x, fake}, 0)
	var bothLabels *graph.Node
	if t.conditional {
		bothLabels = graph.Concatenate([]*graph.Node{xLabels, fakeLabels}, 0)
	}
	logits := DiscriminatorLogits(disc, t.cfg.Discriminator, both, bothLabels)
	return graph.Slice(logits, graph.AxisRange(0, batch)), graph.Slice(logits, graph.AxisRange(batch, 2*batch))
}

// dStepGraph is one D step: a real batch, fresh noise, one update of D.
func (t *Trainer) dStepGraph(root *model.Scope, inputs []*graph.Node) []*graph.Node {
	g := inputs[0].Graph()
	root.Store().SetTraining(g, true)
	gen, disc := playerScopes(root)

	// real and generated batches; G is not updated here
	x, xLabels := t.realBatch(inputs)
	fake, fakeLabels := t.fakeBatch(root, gen, g)
	fake = graph.StopGradient(fake)

	// score both, losses
	realLogits, fakeLogits := t.scoreBoth(disc, x, xLabels, fake, fakeLabels)
	dLoss := DiscriminatorLoss(realLogits, fakeLogits)
	gLoss := GeneratorLossFromLogits(t.cfg.GeneratorLoss, t.cfg.LossBlend, fakeLogits)

	// update D only
	grads := disc.BuildTrainableVariablesGradientsGraph(graph.MulScalar(dLoss, t.dLossWeight()))
	out := make([]*graph.Node, numStepMetrics)
	out[mGradNorm] = gradNorm(grads)
	out[mLR], out[mMomentum] = t.optD.UpdateGraphWithGradients(disc, grads, dLoss.DType())
	ApplyMaxColNorm(disc, g)

	// measurements
	out[mDLoss] = graph.ConvertDType(dLoss, dtypes.Float64)
	out[mGLoss] = graph.ConvertDType(gLoss, dtypes.Float64)
	discriminatorMeasures(out, realLogits, fakeLogits)
	zero := graph.ScalarZero(g, dtypes.Float64)
	out[mGGradNorm], out[mGLR], out[mGMomentum] = zero, zero, zero
	flags, paths := finiteFlags(disc, g)
	t.dVarPaths = paths
	return []*graph.Node{graph.Stack(append(out, flags...), 0)}
}

// gStepGraph is one G step: fresh noise, one update of G through D.
func (t *Trainer) gStepGraph(root *model.Scope, g *graph.Graph) []*graph.Node {
	root.Store().SetTraining(g, true)
	gen, disc := playerScopes(root)

	// generated batch scored by D (D's dropout stays on, as in the released
	// code's cost, AdversaryCost2 with no_drop_in_d_for_g false)
	fake, fakeLabels := t.fakeBatch(root, gen, g)
	fakeLogits := DiscriminatorLogits(disc, t.cfg.Discriminator, fake, fakeLabels)
	gLoss := GeneratorLossFromLogits(t.cfg.GeneratorLoss, t.cfg.LossBlend, fakeLogits)

	// update G only
	grads := gen.BuildTrainableVariablesGradientsGraph(gLoss)
	out := make([]*graph.Node, numStepMetrics)
	out[mGGradNorm] = gradNorm(grads)
	out[mGLR], out[mGMomentum] = t.optG.UpdateGraphWithGradients(gen, grads, gLoss.DType())
	ApplyMaxColNorm(gen, g)

	// measurements (D-side ones not measured here are 0)
	zero := graph.ScalarZero(g, dtypes.Float64)
	for i := range out {
		if out[i] == nil {
			out[i] = zero
		}
	}
	out[mGLoss] = graph.ConvertDType(gLoss, dtypes.Float64)
	out[mDFake] = graph.ConvertDType(graph.ReduceAllMean(graph.Sigmoid(fakeLogits)), dtypes.Float64)
	out[mFakeAccepted] = graph.ReduceAllMean(graph.ConvertDType(
		graph.GreaterThan(fakeLogits, graph.ScalarZero(g, fakeLogits.DType())), dtypes.Float64))
	flags, paths := finiteFlags(gen, g)
	t.gVarPaths = paths
	return []*graph.Node{graph.Stack(append(out, flags...), 0)}
}

// simStepGraph is the released code's step: one batch, one set of samples,
// both players' gradients from the same forward pass, both updated.
func (t *Trainer) simStepGraph(root *model.Scope, inputs []*graph.Node) []*graph.Node {
	g := inputs[0].Graph()
	root.Store().SetTraining(g, true)
	gen, disc := playerScopes(root)

	// forward pass
	x, xLabels := t.realBatch(inputs)
	fake, fakeLabels := t.fakeBatch(root, gen, g)
	realLogits, fakeLogits := t.scoreBoth(disc, x, xLabels, fake, fakeLabels)
	dLoss := DiscriminatorLoss(realLogits, fakeLogits)
	gLoss := GeneratorLossFromLogits(t.cfg.GeneratorLoss, t.cfg.LossBlend, fakeLogits)

	// both gradients before either update
	dGrads := disc.BuildTrainableVariablesGradientsGraph(graph.MulScalar(dLoss, t.dLossWeight()))
	gGrads := gen.BuildTrainableVariablesGradientsGraph(gLoss)
	out := make([]*graph.Node, numStepMetrics)
	out[mGradNorm] = gradNorm(dGrads)
	out[mGGradNorm] = gradNorm(gGrads)
	out[mLR], out[mMomentum] = t.optD.UpdateGraphWithGradients(disc, dGrads, dLoss.DType())
	out[mGLR], out[mGMomentum] = t.optG.UpdateGraphWithGradients(gen, gGrads, gLoss.DType())
	ApplyMaxColNorm(disc, g)
	ApplyMaxColNorm(gen, g)

	// measurements
	out[mDLoss] = graph.ConvertDType(dLoss, dtypes.Float64)
	out[mGLoss] = graph.ConvertDType(gLoss, dtypes.Float64)
	discriminatorMeasures(out, realLogits, fakeLogits)
	dFlags, dPaths := finiteFlags(disc, g)
	gFlags, gPaths := finiteFlags(gen, g)
	t.simVarPaths = append(dPaths, gPaths...)
	return []*graph.Node{graph.Stack(append(append(out, dFlags...), gFlags...), 0)}
}

// dataArgs returns the exec arguments for a batch of indices.
func (t *Trainer) dataArgs(idx []int32) []any {
	args := []any{t.dataX}
	if t.conditional {
		args = append(args, t.dataLabels)
	}
	return append(args, tensors.FromFlatDataAndDimensions(idx, len(idx)))
}

// buildExecs creates the executables of the configured scheme and builds
// each graph once, outside any executable, so that every variable exists
// (and can be initialised or loaded) before the first step. (GoMLX v0.28.1's
// model.Exec.PreCompile cannot be used for this: it hands the variables a
// graph updates to the executable without running it, leaving them empty.)
func (t *Trainer) buildExecs() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("ganlib.NewTrainer: building the training graphs: %v", r)
		}
	}()
	epochVariable(t.store) // the epoch counter read by the momentum schedule
	probe := t.dataArgs(make([]int32, t.cfg.BatchSize))
	dryRun := func(name string, fn func(*model.Scope, *graph.Graph, []*graph.Node), args []any) {
		g := graph.NewGraph(t.backend, name)
		defer g.Finalize()
		model.SetStore(g, t.store)
		inputs := make([]*graph.Node, len(args))
		for i, a := range args {
			inputs[i] = graph.Parameter(g, fmt.Sprintf("input_%d", i), a.(*tensors.Tensor).Shape())
		}
		fn(t.store.RootScope(), g, inputs)
	}
	if t.cfg.Simultaneous {
		dryRun("build.SimultaneousStep", func(root *model.Scope, _ *graph.Graph, in []*graph.Node) {
			t.simStepGraph(root, in)
		}, probe)
		t.simExec, err = model.NewExec(t.backend, t.store, t.simStepGraph)
		if err == nil {
			t.simExec.WithName("ganlib.SimultaneousStep")
		}
		return err
	}
	dryRun("build.DiscriminatorStep", func(root *model.Scope, _ *graph.Graph, in []*graph.Node) {
		t.dStepGraph(root, in)
	}, probe)
	dryRun("build.GeneratorStep", func(root *model.Scope, g *graph.Graph, _ []*graph.Node) {
		t.gStepGraph(root, g)
	}, nil)
	if t.dExec, err = model.NewExec(t.backend, t.store, t.dStepGraph); err != nil {
		return err
	}
	t.dExec.WithName("ganlib.DiscriminatorStep")
	if t.gExec, err = model.NewExec(t.backend, t.store, t.gStepGraph); err != nil {
		return err
	}
	t.gExec.WithName("ganlib.GeneratorStep")
	return nil
}

// checkDisjoint asserts the invariant the paper relies on: G and D share no
// variables (each optimizer sees only its own scope).
func (t *Trainer) checkDisjoint() error {
	gPrefix, dPrefix := "/"+GeneratorScopeName+"/", "/"+DiscriminatorScopeName+"/"
	var nG, nD int
	for v := range t.store.IterVariables() {
		if !v.Trainable {
			continue
		}
		p := v.Path()
		switch {
		case strings.HasPrefix(p, gPrefix):
			nG++
		case strings.HasPrefix(p, dPrefix):
			nD++
		default:
			return errors.Errorf("ganlib.NewTrainer: trainable variable %q belongs to neither %q nor %q",
				p, gPrefix, dPrefix)
		}
	}
	if nG == 0 || nD == 0 {
		return errors.Errorf("ganlib.NewTrainer: G has %d and D %d trainable variables; both need some", nG, nD)
	}
	return nil
}

// setOutputBiasFromData sets G's output bias to the inverse of its output
// activation at the mean training image (released mnist.yaml:
// init_sigmoid_bias_from_marginals).
func (t *Trainer) setOutputBiasFromData() error {
	d := t.train.Dim()
	mean64 := make([]float64, d)
	for i := range t.train.N {
		for j, v := range t.train.Image(i) {
			mean64[j] += float64(v)
		}
	}
	mean := make([]float32, d)
	for j := range mean {
		mean[j] = float32(mean64[j] / float64(t.train.N))
	}
	bias, err := GeneratorOutputBiasFromMean(t.cfg.Generator, mean)
	if err != nil {
		return errors.WithMessage(err, "ganlib.NewTrainer: Generator.OutputBiasFromData")
	}
	return SetGeneratorOutputBias(t.store.Scope("/"+GeneratorScopeName), t.cfg.Generator, bias)
}

// call runs an exec, turning panics into errors, and returns its vector.
func call(exec *model.Exec, args ...any) (vec []float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("%s: %v", exec.Name(), r)
		}
	}()
	outs, err := exec.Call(args...)
	if err != nil {
		return nil, errors.WithMessage(err, exec.Name())
	}
	vec, err = tensors.CopyFlatData[float64](outs[0])
	outs[0].MustFinalizeAll()
	return vec, err
}

// nextBatch returns the next batch of indices, keeping the epoch variable
// the momentum schedule reads in step with the batcher.
func (t *Trainer) nextBatch() ([]int32, error) {
	before := t.batcher.epoch
	idx := t.batcher.next()
	if t.batcher.epoch != before {
		if err := t.syncEpochVariable(); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

func (t *Trainer) syncEpochVariable() error {
	return epochVariable(t.store).SetValue(tensors.FromScalar(t.batcher.epoch))
}

// checkStep turns a non-finite measurement into an error naming it and the
// step, and marks the trainer failed.
func (t *Trainer) checkStep(vec []float64, who string, paths []string) error {
	names := []string{"D loss", "G loss"}
	values := []float64{vec[mDLoss], vec[mGLoss]}
	if who == "G" {
		names, values = names[1:], values[1:]
	}
	step := t.gStep + 1
	if name, v := nonFinite(names, values); name != "" {
		t.failed = errors.Errorf("ganlib: %s is %s at step %d (D step %d)", name, describeNonFinite(v),
			step, t.dStep)
		return t.failed
	}
	for i, p := range paths {
		if vec[numStepMetrics+i] != 1 {
			t.failed = errors.Errorf("ganlib: parameter %s is not finite (NaN or Inf) at step %d (D step %d)",
				p, step, t.dStep)
			return t.failed
		}
	}
	return nil
}

// Step runs one training iteration: K D steps then one G step (Algorithm 1),
// or one simultaneous update (Config.Simultaneous). A NaN or Inf in a loss or
// an updated parameter stops the trainer: Step returns an error naming the
// quantity and the step ("D loss is NaN at step 3 ...") and every later call
// returns it again; the state in memory is then unusable, and the last
// checkpoint written before stays valid.
func (t *Trainer) Step() (StepMetrics, error) {
	if t.failed != nil {
		return StepMetrics{}, t.failed
	}
	var m StepMetrics
	if t.cfg.Simultaneous {
		idx, err := t.nextBatch()
		if err != nil {
			return m, err
		}
		vec, err := call(t.simExec, t.dataArgs(idx)...)
		if err != nil {
			t.failed = err
			return m, err
		}
		t.dStep++
		if err := t.checkStep(vec, "D", t.simVarPaths); err != nil {
			return m, err
		}
		t.gStep++
		m = t.metricsFrom(vec, vec)
		return m, nil
	}

	// K steps of D, each on its own batch and noise
	var dVec []float64
	for range t.cfg.K {
		idx, err := t.nextBatch()
		if err != nil {
			return m, err
		}
		dVec, err = call(t.dExec, t.dataArgs(idx)...)
		if err != nil {
			t.failed = err
			return m, err
		}
		t.dStep++
		if err := t.checkStep(dVec, "D", t.dVarPaths); err != nil {
			return m, err
		}
	}

	// one step of G on fresh noise
	gVec, err := call(t.gExec)
	if err != nil {
		t.failed = err
		return m, err
	}
	if err := t.checkStep(gVec, "G", t.gVarPaths); err != nil {
		return m, err
	}
	t.gStep++
	m = t.metricsFrom(dVec, gVec)
	return m, nil
}

// metricsFrom assembles StepMetrics from a D-side and a G-side vector.
func (t *Trainer) metricsFrom(d, g []float64) StepMetrics {
	return StepMetrics{
		GStep: t.gStep, DStep: t.dStep, Epoch: t.batcher.epoch,
		DLoss: d[mDLoss], GLoss: g[mGLoss], Value: d[mValue],
		DReal: d[mDReal], DFake: d[mDFake],
		RealRejected: d[mRealRejected], FakeAccepted: d[mFakeAccepted],
		GradNormD: d[mGradNorm], GradNormG: g[mGGradNorm],
		LearningRateD: d[mLR], LearningRateG: g[mGLR],
		MomentumD: d[mMomentum], MomentumG: g[mGMomentum],
	}
}

// Train runs iterations until GStep reaches steps: steps is the run's total
// number of generator steps, so a resumed run continues to the same total.
// It checkpoints every WithCheckpointEvery steps and at the end when a
// checkpoint directory is configured. When ctx is cancelled, it stops after
// the step in progress, writes a checkpoint at the last completed step and
// returns an error wrapping ErrInterrupted and ctx.Err(). A non-finite value
// stops training with Step's error, writing no checkpoint of the bad state.
func (t *Trainer) Train(ctx context.Context, steps int64, hooks ...StepHook) error {
	for t.gStep < steps {
		if ctx.Err() != nil {
			if err := t.checkpointNow(); err != nil {
				return errors.WithMessagef(err, "ganlib: saving the final checkpoint after interruption")
			}
			return fmt.Errorf("%w at step %d: %w", ErrInterrupted, t.gStep, context.Cause(ctx))
		}
		m, err := t.Step()
		if err != nil {
			return err
		}
		for _, hook := range hooks {
			if err := hook(m); err != nil {
				if saveErr := t.checkpointNow(); saveErr != nil {
					klog.Errorf("ganlib: checkpoint after hook error failed: %v", saveErr)
				}
				return err
			}
		}
		if t.opts.checkpointEvery > 0 && t.gStep%t.opts.checkpointEvery == 0 {
			if err := t.checkpointNow(); err != nil {
				return err
			}
		}
	}
	return t.checkpointNow()
}

// checkpointNow saves into the configured directory unless this step is
// already saved or no directory is configured.
func (t *Trainer) checkpointNow() error {
	if t.opts.checkpointDir == "" || t.lastSaved == t.gStep {
		return nil
	}
	return t.Save(t.opts.checkpointDir)
}

// Sample returns G(z) for noise (row-major [n, NoiseDim] float32, e.g. from
// NoiseBatch) in inference mode, as [n, H, W, C] images; labels are the
// classes for a conditional G, nil otherwise. See Sampler.Sample.
func (t *Trainer) Sample(noise []float32, labels []int) (*data.Images, error) {
	if t.sampler == nil {
		s, err := NewSampler(t.backend, t.store, t.cfg.Generator)
		if err != nil {
			return nil, err
		}
		t.sampler = s
	}
	return t.sampler.Sample(noise, labels)
}

// NoiseRNG returns a host RNG seeded from seed for NoiseBatch, so notebooks
// can make a fixed latent batch.
func NoiseRNG(seed uint64) *mathrand.Rand {
	return mathrand.New(mathrand.NewPCG(seed, 0x6a09e667f3bcc908))
}

// LearningRates returns the learning rates the next D and G updates will use:
// ScheduledLearningRate of each player's update counter (after 5 updates of
// the released schedule, 0.0999980000240).
func (t *Trainer) LearningRates() (d, g float64) {
	count := func(scope string) int64 {
		v := t.store.GetVariable(scope + "/" + optimizerScopeName + "/" + UpdatesVariableName)
		if v == nil || !v.HasValue() {
			return 0
		}
		return tensors.ToScalar[int64](v.MustValue())
	}
	return ScheduledLearningRate(t.cfg.OptD, count("/"+DiscriminatorScopeName)),
		ScheduledLearningRate(t.cfg.OptG, count("/"+GeneratorScopeName))
}
