package ganlib

// This file holds the machinery of the paper's Section 7 extensions that are
// not the conditional model itself (that one is GeneratorConfig.NumClasses /
// DiscriminatorConfig.NumClasses, handled by Generator, DiscriminatorLogits
// and the Trainer):
//
//   - "Learned approximate inference can be performed by training an
//     auxiliary network to predict z given x": InferenceNet, an MLP E trained
//     by mean squared error on pairs (G(z), z) drawn from a frozen G, so that
//     G(E(x)) reconstructs x (TrainInferenceNet, InferenceNet.Predict,
//     InferenceNet.Evaluate).
//   - "Semi-supervised learning: features from the discriminator or
//     inference net could improve performance of classifiers when limited
//     labeled data is available": DiscriminatorFeatures extracts D's last
//     hidden (maxout) layer, and SoftmaxClassifier is multinomial logistic
//     regression (trained with gonum's L-BFGS) to put on top of any features,
//     D's or raw pixels. BalancedIndices picks the few labelled examples.

import (
	"math"
	"math/rand/v2"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
	"gonum.org/v1/gonum/optimize"
)

// InferenceScopeName is the scope, in the InferenceNet's own store, of E's
// variables.
const InferenceScopeName = "inference"

// InferenceConfig configures TrainInferenceNet. Zero fields take the defaults
// in brackets.
type InferenceConfig struct {
	// Hidden lists E's hidden layer widths (ReLU); empty makes E linear.
	Hidden []int
	// NumPairs is the size of the pool of (G(z), z) pairs drawn once from G
	// before training [10000].
	NumPairs int
	// Steps is the number of Adam updates [2000].
	Steps int
	// BatchSize is the number of pairs per update [100].
	BatchSize int
	// LearningRate is Adam's step size (beta1 .9, beta2 .999) [1e-3].
	LearningRate float64
	// Prior is p_z, the distribution G's noise was drawn from in training
	// [PriorUniform].
	Prior NoisePrior
	// Seed fixes the pool's noise, E's initialisation and the batch order
	// [1].
	Seed uint64
}

func (c InferenceConfig) withDefaults() InferenceConfig {
	if c.NumPairs == 0 {
		c.NumPairs = 10000
	}
	if c.Steps == 0 {
		c.Steps = 2000
	}
	if c.BatchSize == 0 {
		c.BatchSize = 100
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1e-3
	}
	if c.Prior == "" {
		c.Prior = PriorUniform
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

// SampleFunc maps noise, row-major [n, NoiseDim] float32, to G(z) as n
// images; Trainer.Sample and Sampler.Sample (with nil labels) fit.
type SampleFunc func(noise []float32) (*data.Images, error)

// InferenceNet is a trained E: images [N, H, W, C] → predicted z
// [N, NoiseDim]. It lives in its own store, apart from G and D. Not safe for
// concurrent use.
type InferenceNet struct {
	cfg        InferenceConfig
	noiseDim   int
	h, w, c    int
	dataRange  data.ValueRange
	store      *model.Store
	predict    *model.Exec
	trainLoss  []float64
	poolImages int
}

// encoder is E's graph: x [batch, H, W, C] → [batch, noiseDim], ReLU hidden
// layers then a linear output, GoMLX's default (He) initialisation.
func encoder(scope *model.Scope, hidden []int, noiseDim int, x *graph.Node) *graph.Node {
	h := graph.Reshape(x, x.Shape().Dim(0), -1)
	for i, units := range hidden {
		h = activate(ReLU, dense(scope.At("hidden_%d", i), h, units, 0, 0))
	}
	return dense(scope.At(outputScopeName), h, noiseDim, 0, 0)
}

// TrainInferenceNet trains E to predict z from x = G(z) (Section 7, item 2):
// it draws cfg.NumPairs noise vectors from cfg.Prior, maps them through the
// frozen G given as sample, then minimises the mean squared error
// mean over batch and coordinates of (E(x) - z)² with Adam for cfg.Steps
// minibatch updates. G is only called, never changed. noiseDim is G's
// NoiseDim. The per-step training losses are kept (TrainLosses).
func TrainInferenceNet(backend compute.Backend, sample SampleFunc, noiseDim int,
	cfg InferenceConfig) (*InferenceNet, error) {
	const fn = "ganlib.TrainInferenceNet"
	cfg = cfg.withDefaults()
	if backend == nil || sample == nil {
		return nil, errors.Errorf("%s: backend and sample must not be nil", fn)
	}
	if noiseDim <= 0 {
		return nil, errors.Errorf("%s: noiseDim = %d, must be > 0", fn, noiseDim)
	}
	for i, u := range cfg.Hidden {
		if u <= 0 {
			return nil, errors.Errorf("%s: InferenceConfig.Hidden[%d] = %d, must be > 0", fn, i, u)
		}
	}
	if cfg.NumPairs < cfg.BatchSize || cfg.BatchSize <= 0 || cfg.Steps < 0 {
		return nil, errors.Errorf("%s: InferenceConfig NumPairs=%d, BatchSize=%d, Steps=%d: need "+
			"0 < BatchSize <= NumPairs and Steps >= 0", fn, cfg.NumPairs, cfg.BatchSize, cfg.Steps)
	}

	// the pool of pairs (G(z), z), drawn in chunks
	rng := NoiseRNG(cfg.Seed)
	z := NoiseBatch(rng, cfg.Prior, cfg.NumPairs, noiseDim)
	x, err := sampleChunked(sample, z, noiseDim, 1000)
	if err != nil {
		return nil, errors.WithMessagef(err, "%s: drawing G(z)", fn)
	}
	e := &InferenceNet{cfg: cfg, noiseDim: noiseDim, h: x.H, w: x.W, c: x.C, dataRange: x.Range,
		store: model.NewStore(), poolImages: x.N}
	if err := e.store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, errors.WithMessage(err, fn)
	}

	// one training step: MSE on a batch, one Adam update of E
	opt, err := NewOptimizer(OptimizerConfig{Name: OptimizerAdam, LearningRate: cfg.LearningRate,
		Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8})
	if err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	hidden := append([]int(nil), cfg.Hidden...)
	step, err := model.NewExec(backend, e.store, func(root *model.Scope, inputs []*graph.Node) *graph.Node {
		scope := root.At(InferenceScopeName)
		pred := encoder(scope, hidden, noiseDim, inputs[0])
		loss := graph.ReduceAllMean(graph.Square(graph.Sub(pred, inputs[1])))
		grads := scope.BuildTrainableVariablesGradientsGraph(loss)
		opt.UpdateGraphWithGradients(scope, grads, loss.DType())
		return graph.ConvertDType(loss, dtypes.Float64)
	})
	if err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	step.WithName("ganlib.InferenceNetStep")

	// minibatches from a shuffled pool
	d := x.Dim()
	perm := rng.Perm(x.N)
	pos := 0
	bx := make([]float32, cfg.BatchSize*d)
	bz := make([]float32, cfg.BatchSize*noiseDim)
	for range cfg.Steps {
		for r := range cfg.BatchSize {
			if pos == len(perm) {
				perm, pos = rng.Perm(x.N), 0
			}
			i := perm[pos]
			pos++
			copy(bx[r*d:(r+1)*d], x.Image(i))
			copy(bz[r*noiseDim:(r+1)*noiseDim], z[i*noiseDim:(i+1)*noiseDim])
		}
		out, err := callOne(step, tensors.FromFlatDataAndDimensions(bx, cfg.BatchSize, x.H, x.W, x.C),
			tensors.FromFlatDataAndDimensions(bz, cfg.BatchSize, noiseDim))
		if err != nil {
			return nil, errors.WithMessagef(err, "%s: step %d", fn, len(e.trainLoss)+1)
		}
		loss := tensors.ToScalar[float64](out)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, errors.Errorf("%s: training loss is %g at step %d", fn, loss, len(e.trainLoss)+1)
		}
		e.trainLoss = append(e.trainLoss, loss)
	}

	// the inference-mode predictor
	e.predict, err = model.NewExec(backend, e.store, func(root *model.Scope, inputs []*graph.Node) *graph.Node {
		return encoder(root.At(InferenceScopeName), hidden, noiseDim, inputs[0])
	})
	if err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	e.predict.WithName("ganlib.InferenceNet")
	return e, nil
}

// sampleChunked calls sample on chunks of at most chunk noise rows and joins
// the images.
func sampleChunked(sample SampleFunc, noise []float32, noiseDim, chunk int) (*data.Images, error) {
	var all *data.Images
	for lo := 0; lo < len(noise); lo += chunk * noiseDim {
		part, err := sample(noise[lo:min(len(noise), lo+chunk*noiseDim)])
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = part.Clone()
			continue
		}
		if part.H != all.H || part.W != all.W || part.C != all.C {
			return nil, errors.Errorf("sample returned %dx%dx%d images after %dx%dx%d ones",
				part.H, part.W, part.C, all.H, all.W, all.C)
		}
		all.Pix = append(all.Pix, part.Pix...)
		all.N += part.N
		all.Range.Min, all.Range.Max = min(all.Range.Min, part.Range.Min), max(all.Range.Max, part.Range.Max)
	}
	all.Labels = nil
	return all, nil
}

// TrainLosses returns the training MSE of every step, in order.
func (e *InferenceNet) TrainLosses() []float64 { return append([]float64(nil), e.trainLoss...) }

// Config returns the configuration used, with defaults filled in.
func (e *InferenceNet) Config() InferenceConfig { return e.cfg }

// Store returns E's own store (variables under InferenceScopeName).
func (e *InferenceNet) Store() *model.Store { return e.store }

// Predict returns E(x), row-major [N, NoiseDim] float32, for images of G's
// shape (any range; E sees the values as given, so pass data in G's output
// range, e.g. [0, 1] for a sigmoid G). Work goes in chunks of 1000 rows.
func (e *InferenceNet) Predict(images *data.Images) ([]float32, error) {
	const fn = "ganlib.InferenceNet.Predict"
	if images == nil || images.N == 0 {
		return nil, errors.Errorf("%s: no images", fn)
	}
	if images.H != e.h || images.W != e.w || images.C != e.c {
		return nil, errors.Errorf("%s: images are %dx%dx%d, E was trained on %dx%dx%d", fn,
			images.H, images.W, images.C, e.h, e.w, e.c)
	}
	if err := images.Validate(); err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	out, err := mapInChunks(e.predict, images, e.noiseDim)
	return out, errors.WithMessage(err, fn)
}

// InferenceEval is E's latent-recovery error on fresh pairs (G(z), z).
type InferenceEval struct {
	// MSE is the mean over pairs and coordinates of (E(G(z)) - z)².
	MSE float64
	// BaselineMSE is the same error for the trivial predictor that always
	// answers the prior's mean (0 for every prior here): the mean of z².
	// It is about 1 (every prior has unit variance per coordinate).
	BaselineMSE float64
	// N is the number of pairs, NoiseDim their dimension.
	N, NoiseDim int
}

// Evaluate draws n fresh pairs (G(z), z) with z from cfg.Prior and seed
// (use one different from the training seed) and returns E's recovery error
// next to the prior-mean baseline.
func (e *InferenceNet) Evaluate(sample SampleFunc, n int, seed uint64) (InferenceEval, error) {
	const fn = "ganlib.InferenceNet.Evaluate"
	if n <= 0 {
		return InferenceEval{}, errors.Errorf("%s: n = %d, must be > 0", fn, n)
	}
	z := NoiseBatch(NoiseRNG(seed), e.cfg.Prior, n, e.noiseDim)
	x, err := sampleChunked(sample, z, e.noiseDim, 1000)
	if err != nil {
		return InferenceEval{}, errors.WithMessagef(err, "%s: drawing G(z)", fn)
	}
	pred, err := e.Predict(x)
	if err != nil {
		return InferenceEval{}, err
	}
	zeros := make([]float32, len(z))
	return InferenceEval{MSE: MeanSquaredError(pred, z), BaselineMSE: MeanSquaredError(zeros, z),
		N: n, NoiseDim: e.noiseDim}, nil
}

// MeanSquaredError returns the mean of (a[i]-b[i])² in float64; NaN when the
// lengths differ or are 0.
func MeanSquaredError(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.NaN()
	}
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s / float64(len(a))
}

// DiscriminatorFeatures reads D's last hidden layer: for a maxout D (an MLP
// DiscriminatorConfig) the output of the last maxout layer, [N, Units[last]],
// computed in inference mode (no dropout) with the variables under the
// store's DiscriminatorScopeName scope (where the Trainer puts them). These
// are the features Section 7 suggests for semi-supervised classification.
// Create it once and reuse it. Not safe for concurrent use.
type DiscriminatorFeatures struct {
	cfg  DiscriminatorConfig
	dim  int
	exec *model.Exec
}

// NewDiscriminatorFeatures returns the feature extractor for D described by
// cfg. Only unconditional maxout (MLP) discriminators with at least one hidden
// layer are supported: a conditional D needs the label the features are meant
// to predict, and the convolutional D has no maxout layer list here.
func NewDiscriminatorFeatures(backend compute.Backend, store *model.Store,
	cfg DiscriminatorConfig) (*DiscriminatorFeatures, error) {
	const fn = "ganlib.NewDiscriminatorFeatures"
	switch {
	case backend == nil || store == nil:
		return nil, errors.Errorf("%s: backend and store must not be nil", fn)
	case cfg.Conv != nil:
		return nil, errors.Errorf("%s: DiscriminatorConfig.Conv is set; only maxout (MLP) discriminators "+
			"are supported", fn)
	case cfg.NumClasses > 0:
		return nil, errors.Errorf("%s: DiscriminatorConfig.NumClasses = %d; features of a conditional D "+
			"would need the label they should predict", fn, cfg.NumClasses)
	case len(cfg.Units) == 0 || len(cfg.Units) != len(cfg.Pieces):
		return nil, errors.Errorf("%s: DiscriminatorConfig.Units %v and Pieces %v must be non-empty and "+
			"of the same length", fn, cfg.Units, cfg.Pieces)
	}
	last := len(cfg.Units) - 1
	units, pieces := cfg.Units[last], cfg.Pieces[last]
	// The logits are returned too, though unused: the pure-Go backend of
	// GoMLX compute v0.1.0 fails ("index out of range") on a graph with a
	// parameter (here the logit layer's variables) no output depends on.
	exec, err := model.NewExec(backend, store, func(_ *model.Scope, inputs []*graph.Node) []*graph.Node {
		x := inputs[0]
		g := x.Graph()
		store.SetTraining(g, false)
		logits, pre := discriminator(store.Scope("/"+DiscriminatorScopeName), cfg, x, nil)
		z := pre[len(pre)-1] // [batch, units·pieces], the last layer's linear response
		return []*graph.Node{graph.ReduceMax(graph.Reshape(z, x.Shape().Dim(0), units, pieces), -1), logits}
	})
	if err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	return &DiscriminatorFeatures{cfg: cfg, dim: units, exec: exec.WithName("ganlib.DiscriminatorFeatures")}, nil
}

// Dim returns the number of features per image (Units of D's last layer).
func (f *DiscriminatorFeatures) Dim() int { return f.dim }

// Features returns the features of images, row-major [N, Dim()] float32.
// images must have the shape D was trained on and be in the data's range.
// Work goes in chunks of 1000 images.
func (f *DiscriminatorFeatures) Features(images *data.Images) ([]float32, error) {
	const fn = "ganlib.DiscriminatorFeatures.Features"
	if images == nil || images.N == 0 {
		return nil, errors.Errorf("%s: no images", fn)
	}
	if err := images.Validate(); err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	out, err := mapInChunks(f.exec, images, f.dim)
	return out, errors.WithMessage(err, fn)
}

// mapInChunks runs exec (one output of width per image) on images, 1000 at
// a time, and concatenates the outputs: [images.N * width] float32.
func mapInChunks(exec *model.Exec, images *data.Images, width int) ([]float32, error) {
	const chunk = 1000
	out := make([]float32, 0, images.N*width)
	for lo := 0; lo < images.N; lo += chunk {
		part := images.Slice(lo, min(images.N, lo+chunk))
		res, err := callOne(exec, tensors.FromFlatDataAndDimensions(part.Pix, part.N, part.H, part.W, part.C))
		if err != nil {
			return nil, err
		}
		flat, err := tensors.CopyFlatData[float32](res)
		if err != nil {
			return nil, err
		}
		out = append(out, flat...)
	}
	return out, nil
}

// BalancedIndices picks perClass indices of each class 0..numClasses-1 from
// labels, uniformly at random without replacement (rng fixes the choice), and
// returns them sorted by class, then by draw. An error names a class with
// fewer than perClass examples or a label out of range.
func BalancedIndices(labels []int, numClasses, perClass int, rng *rand.Rand) ([]int, error) {
	const fn = "ganlib.BalancedIndices"
	if numClasses <= 0 || perClass <= 0 || rng == nil {
		return nil, errors.Errorf("%s: numClasses = %d and perClass = %d must be > 0, rng non-nil",
			fn, numClasses, perClass)
	}
	byClass := make([][]int, numClasses)
	for i, l := range labels {
		if l < 0 || l >= numClasses {
			return nil, errors.Errorf("%s: labels[%d] = %d, must be in [0, %d)", fn, i, l, numClasses)
		}
		byClass[l] = append(byClass[l], i)
	}
	out := make([]int, 0, numClasses*perClass)
	for c, idx := range byClass {
		if len(idx) < perClass {
			return nil, errors.Errorf("%s: class %d has %d examples, fewer than perClass = %d",
				fn, c, len(idx), perClass)
		}
		for _, j := range rng.Perm(len(idx))[:perClass] {
			out = append(out, idx[j])
		}
	}
	return out, nil
}

// SoftmaxOptions configures TrainSoftmax. The zero value is usable.
type SoftmaxOptions struct {
	// L2 is λ in the objective (1/n)·Σ -log p(y_i|x_i) + (λ/2)·|W|² (biases
	// are not penalised) [1e-2]. A negative value means no penalty.
	L2 float64
	// MaxIterations bounds L-BFGS's major iterations [300].
	MaxIterations int
	// NoStandardize keeps the features as given. By default each feature is
	// standardised with the training set's mean and a floored standard
	// deviation, sqrt(var + 0.01·mean var), so features constant in the
	// training set (blank MNIST border pixels) stay finite.
	NoStandardize bool
}

// SoftmaxClassifier is multinomial logistic regression:
// p(y = k | x) = softmax(x̃·W + b)_k with x̃ the standardised features.
type SoftmaxClassifier struct {
	Dim, Classes int
	// Mean and Scale standardise a feature vector: x̃_j = (x_j - Mean_j)·Scale_j.
	Mean, Scale []float64
	// Weights is [(Dim+1), Classes] row-major; its last row is the bias b.
	Weights []float64
	// Loss is the training objective at the solution; Status is L-BFGS's
	// termination status (e.g. "GradientThreshold", "IterationLimit").
	Loss   float64
	Status string
}

// TrainSoftmax fits a SoftmaxClassifier to x, row-major [n, dim] features,
// and labels [n] in [0, numClasses), by minimising the L2-penalised mean
// cross-entropy with gonum's L-BFGS from W = 0. The objective is convex, so
// the solution does not depend on the start (up to the stopping tolerance).
func TrainSoftmax(x []float32, labels []int, dim, numClasses int, opts SoftmaxOptions) (*SoftmaxClassifier, error) {
	const fn = "ganlib.TrainSoftmax"
	n := len(labels)
	if dim <= 0 || numClasses < 2 || n == 0 || len(x) != n*dim {
		return nil, errors.Errorf("%s: need dim > 0, numClasses >= 2 and len(x) = len(labels)·dim; got "+
			"dim=%d, numClasses=%d, len(labels)=%d, len(x)=%d", fn, dim, numClasses, n, len(x))
	}
	for i, l := range labels {
		if l < 0 || l >= numClasses {
			return nil, errors.Errorf("%s: labels[%d] = %d, must be in [0, %d)", fn, i, l, numClasses)
		}
	}
	if opts.L2 == 0 {
		opts.L2 = 1e-2
	}
	lambda := max(opts.L2, 0)
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = 300
	}
	cpu.ClearAVXUpperState()
	m := &SoftmaxClassifier{Dim: dim, Classes: numClasses, Mean: make([]float64, dim), Scale: make([]float64, dim)}

	// standardisation from the training features
	for j := range m.Scale {
		m.Scale[j] = 1
	}
	if !opts.NoStandardize {
		variance := make([]float64, dim)
		for i := range n {
			for j := range dim {
				m.Mean[j] += float64(x[i*dim+j])
			}
		}
		for j := range dim {
			m.Mean[j] /= float64(n)
		}
		var meanVar float64
		for i := range n {
			for j := range dim {
				d := float64(x[i*dim+j]) - m.Mean[j]
				variance[j] += d * d
			}
		}
		for j := range dim {
			variance[j] /= float64(n)
			meanVar += variance[j] / float64(dim)
		}
		floor := 0.01 * meanVar
		if floor == 0 {
			floor = 1
		}
		for j := range dim {
			m.Scale[j] = 1 / math.Sqrt(variance[j]+floor)
		}
	}
	xs := m.standardize(x, n)

	// L-BFGS on the convex objective
	numW := (dim + 1) * numClasses
	logits := make([]float64, numClasses)
	objective := func(w, grad []float64) float64 {
		cpu.ClearAVXUpperState()
		if grad != nil {
			clear(grad)
		}
		var loss float64
		for i := range n {
			row := xs[i*dim : (i+1)*dim]
			m.logitsInto(w, row, logits)
			lse := logSumExp(logits)
			loss += lse - logits[labels[i]]
			if grad == nil {
				continue
			}
			for k := range numClasses {
				p := math.Exp(logits[k] - lse)
				if k == labels[i] {
					p--
				}
				p /= float64(n)
				for j, v := range row {
					grad[j*numClasses+k] += p * v
				}
				grad[dim*numClasses+k] += p
			}
		}
		loss /= float64(n)
		for j := range dim * numClasses {
			loss += 0.5 * lambda * w[j] * w[j]
			if grad != nil {
				grad[j] += lambda * w[j]
			}
		}
		return loss
	}
	problem := optimize.Problem{
		Func: func(w []float64) float64 { return objective(w, nil) },
		Grad: func(grad, w []float64) { objective(w, grad) },
	}
	settings := &optimize.Settings{MajorIterations: opts.MaxIterations, GradientThreshold: 1e-6}
	res, err := optimize.Minimize(problem, make([]float64, numW), settings, &optimize.LBFGS{})
	if res == nil {
		return nil, errors.WithMessage(err, fn)
	}
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.Errorf("%s: L-BFGS ended with non-finite weights (status %s)", fn, res.Status)
		}
	}
	m.Weights, m.Loss, m.Status = res.X, res.F, res.Status.String()
	return m, nil
}

// standardize returns x [n, Dim] as float64 with Mean and Scale applied.
func (m *SoftmaxClassifier) standardize(x []float32, n int) []float64 {
	out := make([]float64, n*m.Dim)
	for i := range n {
		for j := range m.Dim {
			out[i*m.Dim+j] = (float64(x[i*m.Dim+j]) - m.Mean[j]) * m.Scale[j]
		}
	}
	return out
}

// logitsInto writes x̃·W + b for one standardised row into logits [Classes].
func (m *SoftmaxClassifier) logitsInto(w, row, logits []float64) {
	k := m.Classes
	copy(logits, w[m.Dim*k:(m.Dim+1)*k])
	for j, v := range row {
		if v == 0 {
			continue
		}
		wj := w[j*k : (j+1)*k]
		for c := range k {
			logits[c] += v * wj[c]
		}
	}
}

func logSumExp(v []float64) float64 {
	hi := math.Inf(-1)
	for _, x := range v {
		hi = max(hi, x)
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - hi)
	}
	return hi + math.Log(s)
}

// Predict returns the most probable class of each row of x, [n, Dim].
func (m *SoftmaxClassifier) Predict(x []float32) ([]int, error) {
	if len(x)%m.Dim != 0 {
		return nil, errors.Errorf("ganlib.SoftmaxClassifier.Predict: len(x) = %d is not a multiple of Dim = %d",
			len(x), m.Dim)
	}
	cpu.ClearAVXUpperState()
	n := len(x) / m.Dim
	xs := m.standardize(x, n)
	logits := make([]float64, m.Classes)
	out := make([]int, n)
	for i := range n {
		m.logitsInto(m.Weights, xs[i*m.Dim:(i+1)*m.Dim], logits)
		best := 0
		for k, v := range logits {
			if v > logits[best] {
				best = k
			}
		}
		out[i] = best
	}
	return out, nil
}

// Accuracy returns the fraction of pred equal to labels; NaN when the lengths
// differ or are 0.
func Accuracy(pred, labels []int) float64 {
	if len(pred) != len(labels) || len(pred) == 0 {
		return math.NaN()
	}
	ok := 0
	for i := range pred {
		if pred[i] == labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(pred))
}
