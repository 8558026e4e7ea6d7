package ganlib

// This file holds the inference-mode executors that notebooks and the
// trainer's progress hooks use: Sampler (draws x = G(z) for given z) and
// Scorer (D's verdict on a batch). Both compile their graph once per batch
// size and reuse it, read the current variable values from the Store (so they
// follow training), and never put the graph in training mode: no dropout, no
// batch statistics, no random draws, so each output row depends only on its
// own input row and repeated calls are bit-identical (cases.md GAN-08).

import (
	"fmt"
	"math"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// Sampler draws samples from G in inference mode. Create it once per store
// and reuse it; it is cheap to call. Not safe for concurrent use.
type Sampler struct {
	cfg  GeneratorConfig
	exec *model.Exec
}

// NewSampler returns a Sampler for the generator described by cfg whose
// variables live under the store's GeneratorScopeName scope (where the
// trainer puts them). Variables not yet in the store are created and
// initialised from the store's random number generator on first use (an
// untrained G).
func NewSampler(backend compute.Backend, store *model.Store, cfg GeneratorConfig) (*Sampler, error) {
	return NewSamplerInScope(backend, store, "/"+GeneratorScopeName, cfg)
}

// NewSamplerInScope is NewSampler for a generator whose variables live under
// scopePath (an absolute scope path such as "/generator").
func NewSamplerInScope(backend compute.Backend, store *model.Store, scopePath string,
	cfg GeneratorConfig) (*Sampler, error) {
	if backend == nil || store == nil {
		return nil, errors.New("ganlib.NewSampler: backend and store must not be nil")
	}
	if cfg.NoiseDim <= 0 || cfg.H <= 0 || cfg.W <= 0 || cfg.C <= 0 {
		return nil, errors.Errorf("ganlib.NewSampler: GeneratorConfig needs NoiseDim, H, W, C > 0, "+
			"got NoiseDim=%d H=%d W=%d C=%d", cfg.NoiseDim, cfg.H, cfg.W, cfg.C)
	}
	exec, err := newInferenceExec(backend, store, scopePath, "ganlib.NewSampler", "ganlib.Sampler",
		func(scope *model.Scope, noise, labels *graph.Node) *graph.Node {
			return Generator(scope, cfg, noise, labels)
		})
	if err != nil {
		return nil, err
	}
	return &Sampler{cfg: cfg, exec: exec}, nil
}

// Sample returns G(z) for noise, row-major [batch, NoiseDim] float32 (e.g.
// from NoiseBatch), as a batch of images [batch, H, W, C]. labels gives each
// row's class for a conditional G (NumClasses > 0; then Images.Labels is set)
// and must be nil otherwise. The declared range is the output activation's:
// [0, 1] for Sigmoid, [-1, 1] for Tanh; for Linear and ReLU, whose outputs are
// unbounded, it is the batch's own [min, max].
func (s *Sampler) Sample(noise []float32, labels []int) (*data.Images, error) {
	cfg := s.cfg
	if len(noise) == 0 || len(noise)%cfg.NoiseDim != 0 {
		return nil, errors.Errorf("ganlib.Sampler.Sample: noise has %d values, want a positive multiple of "+
			"NoiseDim=%d", len(noise), cfg.NoiseDim)
	}
	batch := len(noise) / cfg.NoiseDim

	// run G in inference mode
	out, err := callWithLabels("ganlib.Sampler.Sample", s.exec,
		tensors.FromFlatDataAndDimensions(noise, batch, cfg.NoiseDim), cfg.NumClasses, labels)
	if err != nil {
		return nil, err
	}
	pix, err := tensors.CopyFlatData[float32](out)
	if err != nil {
		return nil, errors.WithMessage(err, "ganlib.Sampler.Sample: reading G's output")
	}
	images := &data.Images{N: batch, H: cfg.H, W: cfg.W, C: cfg.C, Pix: pix, Range: outputRange(cfg.Output, pix)}
	if labels != nil {
		images.Labels = append([]int(nil), labels...)
	}
	return images, nil
}

// outputRange is the value range G's output activation guarantees, or the
// observed one for unbounded activations.
func outputRange(act Activation, pix []float32) data.ValueRange {
	switch act {
	case Sigmoid:
		return data.RangeUnit
	case Tanh:
		return data.RangeSigned
	}
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, v := range pix {
		lo, hi = min(lo, v), max(hi, v)
	}
	if act == ReLU {
		lo = 0
	}
	if !(hi > lo) { // constant (or empty) batch: give the interval some width
		hi = lo + 1
	}
	return data.ValueRange{Min: lo, Max: hi}
}

// Scorer evaluates D in inference mode (dropout off): logits and D(x) for a
// batch of images. Create it once and reuse it. Not safe for concurrent use.
type Scorer struct {
	cfg  DiscriminatorConfig
	exec *model.Exec
}

// NewScorer returns a Scorer for the discriminator described by cfg whose
// variables live under the store's DiscriminatorScopeName scope.
func NewScorer(backend compute.Backend, store *model.Store, cfg DiscriminatorConfig) (*Scorer, error) {
	return NewScorerInScope(backend, store, "/"+DiscriminatorScopeName, cfg)
}

// NewScorerInScope is NewScorer for a discriminator under scopePath.
func NewScorerInScope(backend compute.Backend, store *model.Store, scopePath string,
	cfg DiscriminatorConfig) (*Scorer, error) {
	if backend == nil || store == nil {
		return nil, errors.New("ganlib.NewScorer: backend and store must not be nil")
	}
	exec, err := newInferenceExec(backend, store, scopePath, "ganlib.NewScorer", "ganlib.Scorer",
		func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			return DiscriminatorLogits(scope, cfg, images, labels)
		})
	if err != nil {
		return nil, err
	}
	return &Scorer{cfg: cfg, exec: exec}, nil
}

// Logits returns D's logits a [N] for images (any range; D sees the values
// as given). For a conditional D, images.Labels must hold the classes.
func (s *Scorer) Logits(images *data.Images) ([]float32, error) {
	if images == nil {
		return nil, errors.New("ganlib.Scorer.Logits: images is nil")
	}
	if err := images.Validate(); err != nil {
		return nil, errors.WithMessage(err, "ganlib.Scorer.Logits")
	}
	if images.N == 0 {
		return nil, errors.New("ganlib.Scorer.Logits: empty batch")
	}
	var labels []int
	if s.cfg.NumClasses > 0 {
		labels = images.Labels
	}
	out, err := callWithLabels("ganlib.Scorer.Logits", s.exec,
		tensors.FromFlatDataAndDimensions(images.Pix, images.N, images.H, images.W, images.C),
		s.cfg.NumClasses, labels)
	if err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](out)
}

// Probabilities returns D(x) = sigmoid(logit) in [0, 1] for images.
func (s *Scorer) Probabilities(images *data.Images) ([]float32, error) {
	logits, err := s.Logits(images)
	if err != nil {
		return nil, err
	}
	probs := make([]float32, len(logits))
	for i, a := range logits {
		probs[i] = float32(sigmoid64(float64(a)))
	}
	return probs, nil
}

// sigmoid64 is 1/(1+e^-a) without overflow.
func sigmoid64(a float64) float64 {
	if a >= 0 {
		return 1 / (1 + math.Exp(-a))
	}
	e := math.Exp(a)
	return e / (1 + e)
}

// newInferenceExec compiles build, a model taking a batch x and, for a
// conditional model, its int32 labels [batch] (nil otherwise), with its
// variables under scopePath of store, always in inference mode (whatever the
// caller did before). fn names the constructor in errors, name the exec.
func newInferenceExec(backend compute.Backend, store *model.Store, scopePath, fn, name string,
	build func(scope *model.Scope, x, labels *graph.Node) *graph.Node) (*model.Exec, error) {
	exec, err := model.NewExec(backend, store, func(_ *model.Scope, inputs []*graph.Node) *graph.Node {
		store.SetTraining(inputs[0].Graph(), false)
		var labels *graph.Node
		if len(inputs) > 1 {
			labels = inputs[1]
		}
		return build(store.Scope(scopePath), inputs[0], labels)
	})
	if err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	return exec.WithName(name), nil
}

// callWithLabels runs an exec from newInferenceExec on x (batch = its first
// dimension) and, for a conditional model (numClasses > 0), labels, checked
// with labelsTensor; fn names the caller in errors.
func callWithLabels(fn string, exec *model.Exec, x *tensors.Tensor, numClasses int,
	labels []int) (*tensors.Tensor, error) {
	args := []any{x}
	labelTensor, err := labelsTensor(fn, numClasses, labels, x.Shape().Dimensions[0])
	if err != nil {
		return nil, err
	}
	if labelTensor != nil {
		args = append(args, labelTensor)
	}
	out, err := callOne(exec, args...)
	if err != nil {
		return nil, errors.WithMessage(err, fn)
	}
	return out, nil
}

// labelsTensor checks labels against numClasses and returns them as an int32
// tensor [batch], or nil for an unconditional model.
func labelsTensor(fn string, numClasses int, labels []int, batch int) (*tensors.Tensor, error) {
	if numClasses <= 0 {
		if labels != nil {
			return nil, errors.Errorf("%s: labels given but the model is unconditional (NumClasses = 0)", fn)
		}
		return nil, nil
	}
	if len(labels) != batch {
		return nil, errors.Errorf("%s: conditional model (NumClasses = %d) needs %d labels, got %d",
			fn, numClasses, batch, len(labels))
	}
	flat := make([]int32, batch)
	for i, c := range labels {
		if c < 0 || c >= numClasses {
			return nil, errors.Errorf("%s: labels[%d] = %d, must be in [0, %d)", fn, i, c, numClasses)
		}
		flat[i] = int32(c)
	}
	return tensors.FromFlatDataAndDimensions(flat, batch), nil
}

// callOne runs exec and returns its first output (the only one, except for
// graphs that return extra outputs to keep every parameter in use), turning
// graph-building panics into errors.
func callOne(exec *model.Exec, args ...any) (out *tensors.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, errors.Errorf("%v", r)
		}
	}()
	outputs, err := exec.Call(args...)
	if err != nil {
		return nil, err
	}
	if len(outputs) == 0 {
		return nil, fmt.Errorf("expected an output, got none")
	}
	return outputs[0], nil
}
