package ganlib

// This file builds the paper's two players as GoMLX graphs: the generator G
// (noise → samples) and the discriminator D (samples → logit), as multilayer
// perceptrons (Section 4, the released MNIST/TFD models) or as convolutional
// stacks (the CIFAR-10 model of Figure 2(d)).
//
// Variables live under the scope given by the caller; by convention G under
// GeneratorScopeName and D under DiscriminatorScopeName, so that G and D share
// no variables and each optimizer sees only its own player. Calling a builder
// twice with the same scope (D on a real and on a generated batch) reuses the
// same variables.

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Scope names under the Store's root for the two players. The trainer, the
// Sampler and the Scorer all use these, so a checkpoint written by one is read
// by the others.
const (
	GeneratorScopeName     = "generator"
	DiscriminatorScopeName = "discriminator"
)

// ParamMaxColNorm is the scope hyperparameter key ("max_col_norm", float64)
// under which each layer records its column-norm limit when the config asks
// for one; ApplyMaxColNorm reads it. Unset or <= 0 means no limit.
const ParamMaxColNorm = "max_col_norm"

// Variable names of a dense or convolutional layer, under the layer's scope.
const (
	weightsName = "weights"
	biasesName  = "biases"
	// outputScopeName is the scope of G's output layer (its bias can be set
	// from the data, see SetGeneratorOutputBias) and of D's logit layer.
	outputScopeName = "output"
)

// Generator builds G(z) (Section 3): noise [batch, NoiseDim] float32 →
// samples [batch, H, W, C] in the output activation's range: (0, 1) for
// Sigmoid, (-1, 1) for Tanh, unbounded for Linear, >= 0 for ReLU.
//
// Noise enters only at the bottom layer. When cfg.NumClasses > 0, labels is an
// int32 (or any integer dtype) tensor [batch] of classes in [0, NumClasses),
// and its one-hot encoding is concatenated to the noise (the conditional model
// p(x|c) of Section 7); otherwise labels must be nil.
//
// MLP (cfg.Conv == nil): len(cfg.Hidden) dense layers with cfg.Activations,
// then a dense output layer of H*W*C units with cfg.Output. H = W = C = 1 with
// Output = Linear is the 1-D toy generator of Figure 1.
//
// Convolutional (cfg.Conv != nil): a dense projection of z to
// StartSize x StartSize x StartChannels (ReLU, or cfg.Activations[0] when
// given), then one stride-2 up-sampling layer per Conv.Channels entry (ReLU,
// the last one with cfg.Output); the last entry must equal C and
// StartSize·2^len(Channels) must equal H and W. Each up-sampling layer is a
// sub-pixel convolution: a stride-1 KernelSize x KernelSize convolution to
// 4·channels followed by a depth-to-space rearrangement. This is equivalent
// to a stride-2 transposed convolution with a (2·KernelSize)-wide kernel, up
// to where the padding falls (Shi et al. 2016, "Is the deconvolution layer the
// same as a convolutional layer?"). It is used instead of an input-dilated
// convolution because GoMLX v0.28.1 has no gradient for input dilation; it
// uses only ops every backend differentiates (gradients tested on "go"; XLA
// implements the same ops).
//
// Weights are initialised U[-r, r] with r from cfg.InitRange (one per layer,
// or one for all; 0 or empty uses GoMLX's default He initialiser), biases with
// 0, all from the Store's random number generator (seed it with
// Store.SetRNGStateFromSeed for repeatable runs). G uses no dropout and no
// batch statistics, so each row of the output depends only on its own z.
//
// Bad configurations or shapes panic (graph code) with a message naming the
// field and value.
func Generator(scope *model.Scope, cfg GeneratorConfig, noise, labels *graph.Node) *graph.Node {
	const fn = "Generator"
	if noise == nil || noise.Rank() != 2 || noise.Shape().Dim(1) != cfg.NoiseDim || cfg.NoiseDim <= 0 {
		exceptions.Panicf("ganlib.%s: noise must be [batch, NoiseDim=%d], got %s", fn, cfg.NoiseDim, shapeOf(noise))
	}
	if cfg.H <= 0 || cfg.W <= 0 || cfg.C <= 0 {
		exceptions.Panicf("ganlib.%s: GeneratorConfig.H, W, C must be > 0, got %d, %d, %d", fn, cfg.H, cfg.W, cfg.C)
	}
	checkActivation(fn, "GeneratorConfig.Output", cfg.Output)
	batch := noise.Shape().Dim(0)
	x := withClassInput(fn, cfg.NumClasses, noise, labels)
	if cfg.Conv != nil {
		return convGenerator(scope, cfg, x)
	}

	// hidden layers
	if len(cfg.Activations) != len(cfg.Hidden) {
		exceptions.Panicf("ganlib.%s: GeneratorConfig.Activations has %d entries, want one per hidden layer (%d)",
			fn, len(cfg.Activations), len(cfg.Hidden))
	}
	numLayers := len(cfg.Hidden) + 1
	for i, units := range cfg.Hidden {
		if units <= 0 {
			exceptions.Panicf("ganlib.%s: GeneratorConfig.Hidden[%d] = %d, must be > 0", fn, i, units)
		}
		checkActivation(fn, fmt.Sprintf("GeneratorConfig.Activations[%d]", i), cfg.Activations[i])
		layerScope := scope.At("hidden_%d", i)
		layerInit := perLayer(fn, "GeneratorConfig.InitRange", cfg.InitRange, i, numLayers)
		layerNorm := perLayer(fn, "GeneratorConfig.MaxColNorm", cfg.MaxColNorm, i, numLayers)
		x = activate(cfg.Activations[i], dense(layerScope, x, units, layerInit, layerNorm))
	}

	// output layer
	outScope := scope.At(outputScopeName)
	outInit := perLayer(fn, "GeneratorConfig.InitRange", cfg.InitRange, numLayers-1, numLayers)
	outNorm := perLayer(fn, "GeneratorConfig.MaxColNorm", cfg.MaxColNorm, numLayers-1, numLayers)
	x = activate(cfg.Output, dense(outScope, x, cfg.H*cfg.W*cfg.C, outInit, outNorm))
	return graph.Reshape(x, batch, cfg.H, cfg.W, cfg.C)
}

// convGenerator builds the convolutional G from the (class-augmented) noise x.
func convGenerator(scope *model.Scope, cfg GeneratorConfig, x *graph.Node) *graph.Node {
	const fn = "Generator"
	conv := cfg.Conv
	numUp := len(conv.Channels)
	if conv.StartSize <= 0 || conv.StartChannels <= 0 || conv.KernelSize <= 0 || numUp == 0 {
		exceptions.Panicf("ganlib.%s: ConvGeneratorConfig needs StartSize, StartChannels, KernelSize > 0 and "+
			"at least one Channels entry, got %+v", fn, *conv)
	}
	if size := conv.StartSize << numUp; size != cfg.H || size != cfg.W {
		exceptions.Panicf("ganlib.%s: ConvGeneratorConfig StartSize=%d doubled %d times gives %dx%d, "+
			"but GeneratorConfig.H x W is %dx%d", fn, conv.StartSize, numUp, size, size, cfg.H, cfg.W)
	}
	if conv.Channels[numUp-1] != cfg.C {
		exceptions.Panicf("ganlib.%s: ConvGeneratorConfig.Channels[%d] = %d must equal GeneratorConfig.C = %d",
			fn, numUp-1, conv.Channels[numUp-1], cfg.C)
	}
	projection := ReLU
	if len(cfg.Activations) > 0 {
		projection = cfg.Activations[0]
		checkActivation(fn, "GeneratorConfig.Activations[0]", projection)
	}
	numLayers := numUp + 1
	batch := x.Shape().Dim(0)

	// project z and reshape to the starting feature map
	s, c := conv.StartSize, conv.StartChannels
	x = dense(scope.At("project"), x, s*s*c,
		perLayer(fn, "GeneratorConfig.InitRange", cfg.InitRange, 0, numLayers),
		perLayer(fn, "GeneratorConfig.MaxColNorm", cfg.MaxColNorm, 0, numLayers))
	x = graph.Reshape(activate(projection, x), batch, s, s, c)

	// up-sample by 2 per layer
	for i, channels := range conv.Channels {
		if channels <= 0 {
			exceptions.Panicf("ganlib.%s: ConvGeneratorConfig.Channels[%d] = %d, must be > 0", fn, i, channels)
		}
		layerScope := scope.At("up_%d", i)
		if i == numUp-1 {
			layerScope = scope.At(outputScopeName)
		}
		x = upsampleConv(layerScope, x, channels, conv.KernelSize,
			perLayer(fn, "GeneratorConfig.InitRange", cfg.InitRange, i+1, numLayers),
			perLayer(fn, "GeneratorConfig.MaxColNorm", cfg.MaxColNorm, i+1, numLayers))
		if i == numUp-1 {
			x = activate(cfg.Output, x)
		} else {
			x = activate(ReLU, x)
		}
	}
	return x
}

// upsampleConv is a stride-2 transposed convolution computed as a sub-pixel
// convolution: x [b, h, w, cin] → [b, 2h, 2w, channels]. The bias has
// `channels` entries, shared by the four sub-pixel positions.
func upsampleConv(scope *model.Scope, x *graph.Node, channels, kernelSize int, initRange, maxNorm float64) *graph.Node {
	b, h, w, cin := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	dtype := x.DType()
	setMaxNorm(scope, maxNorm)
	g := x.Graph()
	kernel := weightVar(scope, initRange, shapes.Make(dtype, kernelSize, kernelSize, cin, 4*channels)).NodeValue(g)
	bias := scope.WithInitializer(initializer.Zero).
		VariableWithShape(biasesName, shapes.Make(dtype, channels)).NodeValue(g)
	y := graph.Convolve(x, kernel).PadSame().Done() // [b, h, w, 4*channels]

	// depth to space: [b, h, w, 2, 2, ch] → [b, h, 2, w, 2, ch] → [b, 2h, 2w, ch]
	y = graph.Reshape(y, b, h, w, 2, 2, channels)
	y = graph.TransposeAllAxes(y, 0, 1, 3, 2, 4, 5)
	y = graph.Reshape(y, b, 2*h, 2*w, channels)
	return graph.Add(y, graph.Reshape(bias, 1, 1, 1, channels))
}

// DiscriminatorLogits builds D (Section 3) and returns its logits a
// [batch] (pre-sigmoid; D(x) = sigmoid(a), the probability that x came from
// the data rather than from G). x is [batch, H, W, C] in the data's range, any
// float dtype. When cfg.NumClasses > 0, labels [batch] (integer dtype) gives
// each sample's class, whose one-hot encoding is concatenated to the
// flattened input after the input dropout (Section 7); otherwise nil.
//
// MLP (cfg.Conv == nil): len(cfg.Units) maxout layers, layer i computing a
// dense map to Units[i]·Pieces[i] values and the max over each group of
// Pieces[i] (Goodfellow et al. 2013; Pieces[i] = 1 is a linear layer), then a
// dense map to one logit. Dropout is applied to each layer's input, the
// logit layer's too, keeping each value with probability cfg.KeepProb[i] and
// scaling the kept ones by 1/KeepProb[i] (inverted dropout), only when the
// graph is training (Store.IsTraining(g), set by the trainer's graphs with
// Store.SetTraining); otherwise D is deterministic. KeepProb must have
// len(Units)+1 entries, or be empty for no dropout. The released MNIST D keeps
// 0.8 of the pixels (scale 1.25) and 0.5 of the hidden inputs (scale 2).
// Masks come from the Store's random number generator.
//
// Convolutional (cfg.Conv != nil): one stride-2, "same"-padded convolution
// per Conv.Channels entry, each followed by maxout over Conv.Pieces groups
// (Pieces <= 1: leaky ReLU with slope 0.2), then a dense map of the flattened
// features to one logit; KeepProb (len(Channels)+1 or empty) as above. Only
// ops every backend differentiates (tested on "go").
//
// Weights are initialised U[-r, r] with r from cfg.InitRange (one per layer
// including the logit layer, or one for all; 0 uses GoMLX's default), biases
// with 0, from the Store's random number generator. Calling it twice with the
// same scope (real and generated batches) shares D's variables.
func DiscriminatorLogits(scope *model.Scope, cfg DiscriminatorConfig, x, labels *graph.Node) *graph.Node {
	logits, _ := discriminator(scope, cfg, x, labels)
	return logits
}

// discriminator builds D and also returns each hidden layer's linear response
// (its dense map of the dropped-out input, before the max over pieces), for
// the dropout tests.
func discriminator(scope *model.Scope, cfg DiscriminatorConfig, x, labels *graph.Node) (
	logits *graph.Node, preActivations []*graph.Node) {
	const fn = "DiscriminatorLogits"
	if x == nil || x.Rank() != 4 {
		exceptions.Panicf("ganlib.%s: x must be [batch, H, W, C], got %s", fn, shapeOf(x))
	}
	if !x.DType().IsFloat() {
		exceptions.Panicf("ganlib.%s: x must be float, got %s", fn, x.Shape())
	}
	if cfg.Conv != nil {
		return convDiscriminator(scope, cfg, x, labels), nil
	}
	if len(cfg.Units) != len(cfg.Pieces) {
		exceptions.Panicf("ganlib.%s: DiscriminatorConfig.Units (%d entries) and Pieces (%d) must have the same length",
			fn, len(cfg.Units), len(cfg.Pieces))
	}
	numLayers := len(cfg.Units) + 1
	keep := keepProbs(fn, cfg.KeepProb, numLayers)
	g := x.Graph()
	training := scope.Store().IsTraining(g)
	batch := x.Shape().Dim(0)
	h := graph.Reshape(x, batch, -1)

	// maxout layers, each with dropout on its input
	for i, units := range cfg.Units {
		pieces := cfg.Pieces[i]
		if units <= 0 || pieces <= 0 {
			exceptions.Panicf("ganlib.%s: DiscriminatorConfig.Units[%d] = %d and Pieces[%d] = %d must be > 0",
				fn, i, units, i, pieces)
		}
		h = dropout(scope, h, keep[i], training)
		if i == 0 {
			h = withClassInput(fn, cfg.NumClasses, h, labels)
		}
		z := dense(scope.At("maxout_%d", i), h,
			units*pieces,
			perLayer(fn, "DiscriminatorConfig.InitRange", cfg.InitRange, i, numLayers),
			perLayer(fn, "DiscriminatorConfig.MaxColNorm", cfg.MaxColNorm, i, numLayers))
		preActivations = append(preActivations, z)
		h = graph.ReduceMax(graph.Reshape(z, batch, units, pieces), -1)
	}

	// logit layer
	h = dropout(scope, h, keep[numLayers-1], training)
	if len(cfg.Units) == 0 {
		h = withClassInput(fn, cfg.NumClasses, h, labels)
	}
	logits = dense(scope.At(outputScopeName), h, 1,
		perLayer(fn, "DiscriminatorConfig.InitRange", cfg.InitRange, numLayers-1, numLayers),
		perLayer(fn, "DiscriminatorConfig.MaxColNorm", cfg.MaxColNorm, numLayers-1, numLayers))
	return graph.Reshape(logits, batch), preActivations
}

// convDiscriminator builds the convolutional D.
func convDiscriminator(scope *model.Scope, cfg DiscriminatorConfig, x, labels *graph.Node) *graph.Node {
	const fn = "DiscriminatorLogits"
	conv := cfg.Conv
	if conv.KernelSize <= 0 || len(conv.Channels) == 0 {
		exceptions.Panicf("ganlib.%s: ConvDiscriminatorConfig needs KernelSize > 0 and at least one Channels entry, "+
			"got %+v", fn, *conv)
	}
	numLayers := len(conv.Channels) + 1
	keep := keepProbs(fn, cfg.KeepProb, numLayers)
	g := x.Graph()
	training := scope.Store().IsTraining(g)
	batch := x.Shape().Dim(0)
	dtype := x.DType()
	pieces := max(conv.Pieces, 1)

	// class enters as extra constant input planes
	if cfg.NumClasses > 0 {
		checkLabels(fn, cfg.NumClasses, labels, batch)
		oneHot := graph.OneHot(labels, cfg.NumClasses, dtype) // [batch, classes]
		planes := graph.BroadcastToDims(graph.Reshape(oneHot, batch, 1, 1, cfg.NumClasses),
			batch, x.Shape().Dim(1), x.Shape().Dim(2), cfg.NumClasses)
		x = graph.Concatenate([]*graph.Node{x, planes}, -1)
	} else if labels != nil {
		exceptions.Panicf("ganlib.%s: labels given but DiscriminatorConfig.NumClasses is 0", fn)
	}

	// stride-2 convolutions with maxout (or leaky ReLU)
	for i, channels := range conv.Channels {
		if channels <= 0 {
			exceptions.Panicf("ganlib.%s: ConvDiscriminatorConfig.Channels[%d] = %d, must be > 0", fn, i, channels)
		}
		layerScope := scope.At("conv_%d", i)
		x = dropout(scope, x, keep[i], training)
		setMaxNorm(layerScope, perLayer(fn, "DiscriminatorConfig.MaxColNorm", cfg.MaxColNorm, i, numLayers))
		kernel := weightVar(layerScope, perLayer(fn, "DiscriminatorConfig.InitRange", cfg.InitRange, i, numLayers),
			shapes.Make(dtype, conv.KernelSize, conv.KernelSize, x.Shape().Dim(3), channels*pieces)).NodeValue(g)
		bias := layerScope.WithInitializer(initializer.Zero).
			VariableWithShape(biasesName, shapes.Make(dtype, channels*pieces)).NodeValue(g)
		x = graph.Convolve(x, kernel).PadSame().Strides(2).Done()
		x = graph.Add(x, graph.Reshape(bias, 1, 1, 1, channels*pieces))
		if pieces > 1 {
			d := x.Shape().Dimensions
			x = graph.ReduceMax(graph.Reshape(x, d[0], d[1], d[2], channels, pieces), -1)
		} else {
			x = graph.Max(x, graph.MulScalar(x, 0.2))
		}
	}

	// logit
	h := dropout(scope, graph.Reshape(x, batch, -1), keep[numLayers-1], training)
	logits := dense(scope.At(outputScopeName), h, 1,
		perLayer(fn, "DiscriminatorConfig.InitRange", cfg.InitRange, numLayers-1, numLayers),
		perLayer(fn, "DiscriminatorConfig.MaxColNorm", cfg.MaxColNorm, numLayers-1, numLayers))
	return graph.Reshape(logits, batch)
}

// ApplyMaxColNorm constrains, in the graph g, every weight variable under
// scope whose layer recorded a limit (ParamMaxColNorm, set from the config's
// MaxColNorm when the model was built): each column (the weights feeding one
// output unit: W[:, j] of a dense W [in, out], or the kernel [kh, kw, cin, j]
// of a convolution) whose L2 norm exceeds the limit is rescaled to norm equal
// to the limit; other columns are untouched, as in the released
// configuration's max_col_norm. The trainer calls it in its training graph
// after each optimizer update of that player (it updates the variables' graph
// values with SetNodeValue). Variables the graph does not use are skipped
// (they were not updated). It does nothing when no layer has a limit.
func ApplyMaxColNorm(scope *model.Scope, g *graph.Graph) {
	store := scope.Store()
	for v := range scope.IterVariables() {
		if v.Name() != weightsName || !v.Trainable || v.Shape().Rank() < 2 || !v.InUseByGraph(g) {
			continue // not a layer's weights, or not updated in this graph
		}
		limitAny, found := store.GetParam(model.JoinPath(v.Scope(), ParamMaxColNorm))
		if !found {
			continue
		}
		limit, ok := limitAny.(float64)
		if !ok || limit <= 0 {
			continue
		}
		w := v.NodeValue(g)
		rank := w.Rank()
		axes := make([]int, rank-1)
		for i := range axes {
			axes[i] = i
		}
		norms := graph.Sqrt(graph.ReduceAndKeep(graph.Square(w), graph.ReduceSum, axes...))
		limitNode := graph.Scalar(g, w.DType(), limit)
		scale := graph.Where(graph.GreaterThan(norms, limitNode),
			graph.Div(limitNode, norms), graph.OnesLike(norms))
		v.SetNodeValue(graph.Mul(w, scale))
	}
}

// dense is x [batch, in] → x·W + b, [batch, units], with W [in, units]
// initialised U[-r, r] (r = initRange; 0: the scope's default) and b = 0.
func dense(scope *model.Scope, x *graph.Node, units int, initRange, maxNorm float64) *graph.Node {
	g := x.Graph()
	dtype := x.DType()
	setMaxNorm(scope, maxNorm)
	w := weightVar(scope, initRange, shapes.Make(dtype, x.Shape().Dim(-1), units)).NodeValue(g)
	b := scope.WithInitializer(initializer.Zero).VariableWithShape(biasesName, shapes.Make(dtype, units)).NodeValue(g)
	return graph.Add(graph.MatMul(x, w), graph.ExpandAxes(b, 0))
}

// weightVar creates or reuses the "weights" variable of a layer.
func weightVar(scope *model.Scope, initRange float64, shape shapes.Shape) *model.Variable {
	if initRange > 0 {
		scope = scope.WithInitializer(initializer.RandomUniformFn(scope, -initRange, initRange))
	}
	return scope.VariableWithShape(weightsName, shape)
}

// setMaxNorm records a layer's column-norm limit for ApplyMaxColNorm.
func setMaxNorm(scope *model.Scope, limit float64) {
	if limit > 0 {
		scope.SetParam(ParamMaxColNorm, limit)
	}
}

// dropout keeps each value of x with probability keep and scales the kept
// ones by 1/keep, when training; otherwise (or keep = 1) it returns x.
func dropout(scope *model.Scope, x *graph.Node, keep float64, training bool) *graph.Node {
	if !training || keep >= 1 {
		return x
	}
	g := x.Graph()
	mask := scope.RandomBernoulli(graph.Scalar(g, x.DType(), keep), x.Shape())
	return graph.Mul(x, graph.MulScalar(mask, 1/keep))
}

// activate applies a hidden or output nonlinearity.
func activate(act Activation, x *graph.Node) *graph.Node {
	switch act {
	case ReLU:
		return graph.Max(x, graph.ZerosLike(x))
	case Sigmoid:
		return graph.Sigmoid(x)
	case Tanh:
		return graph.Tanh(x)
	case Linear:
		return x
	}
	exceptions.Panicf("ganlib: unknown activation %q; valid: %q, %q, %q, %q", act, ReLU, Sigmoid, Tanh, Linear)
	return nil
}

// checkActivation panics unless act is a known Activation.
func checkActivation(fn, field string, act Activation) {
	switch act {
	case ReLU, Sigmoid, Tanh, Linear:
		return
	}
	exceptions.Panicf("ganlib.%s: %s = %q is not an activation; valid: %q, %q, %q, %q",
		fn, field, act, ReLU, Sigmoid, Tanh, Linear)
}

// perLayer returns entry i of a per-layer setting that has either 0, 1 or
// numLayers entries (0 entries gives 0, one entry applies to every layer).
func perLayer(fn, field string, values []float64, i, numLayers int) float64 {
	switch len(values) {
	case 0:
		return 0
	case 1:
		return values[0]
	case numLayers:
		return values[i]
	}
	exceptions.Panicf("ganlib.%s: %s has %d entries, want 0, 1 or one per layer (%d)", fn, field, len(values), numLayers)
	return 0
}

// keepProbs validates DiscriminatorConfig.KeepProb and returns one keep
// probability per layer input (all 1 when empty).
func keepProbs(fn string, keep []float64, numLayers int) []float64 {
	out := make([]float64, numLayers)
	switch len(keep) {
	case 0:
		for i := range out {
			out[i] = 1
		}
	case numLayers:
		copy(out, keep)
	default:
		exceptions.Panicf("ganlib.%s: DiscriminatorConfig.KeepProb has %d entries, want 0 (no dropout) or "+
			"one per layer input, including the logit layer (%d)", fn, len(keep), numLayers)
	}
	for i, p := range out {
		if !(p > 0 && p <= 1) {
			exceptions.Panicf("ganlib.%s: DiscriminatorConfig.KeepProb[%d] = %g, must be in (0, 1]", fn, i, p)
		}
	}
	return out
}

// withClassInput concatenates the one-hot class to x [batch, d] when
// numClasses > 0 and checks that labels is given exactly then.
func withClassInput(fn string, numClasses int, x, labels *graph.Node) *graph.Node {
	if numClasses <= 0 {
		if labels != nil {
			exceptions.Panicf("ganlib.%s: labels given but NumClasses is %d (unconditional model)", fn, numClasses)
		}
		return x
	}
	checkLabels(fn, numClasses, labels, x.Shape().Dim(0))
	return graph.Concatenate([]*graph.Node{x, graph.OneHot(labels, numClasses, x.DType())}, -1)
}

// checkLabels panics unless labels is an integer [batch] tensor.
func checkLabels(fn string, numClasses int, labels *graph.Node, batch int) {
	if labels == nil {
		exceptions.Panicf("ganlib.%s: NumClasses = %d, so labels [batch=%d] must be given, got nil", fn, numClasses, batch)
	}
	if !labels.DType().IsInt() || labels.Rank() != 1 || labels.Shape().Dim(0) != batch {
		exceptions.Panicf("ganlib.%s: labels must be an integer tensor [batch=%d], got %s", fn, batch, labels.Shape())
	}
}

// shapeOf formats a possibly nil node's shape for error messages.
func shapeOf(x *graph.Node) string {
	if x == nil {
		return "nil"
	}
	return x.Shape().String()
}

// Output bias from the data, as the released configuration initialised G's
// sigmoid output layer.

// marginalClip bounds the data marginal before its logit is taken, so pixels
// that are always 0 or 1 give a finite bias (about ±16.1).
const marginalClip = 1e-7

// GeneratorOutputBiasFromMean returns G's output-layer bias that makes an
// all-zero hidden layer output exactly the data marginal mean:
// logit(clip(mean, 1e-7, 1-1e-7)) for Sigmoid output, atanh of the clipped
// mean for Tanh (data in [-1, 1]), the mean itself for Linear. mean has one
// value per output unit (H*W*C, NHWC order) for an MLP G, or one per channel
// (C) for a convolutional G (an H*W*C mean is averaged per channel).
func GeneratorOutputBiasFromMean(cfg GeneratorConfig, mean []float32) ([]float32, error) {
	want := cfg.H * cfg.W * cfg.C
	if cfg.Conv != nil {
		if len(mean) == want && want != cfg.C {
			perChannel := make([]float64, cfg.C)
			for i, m := range mean {
				perChannel[i%cfg.C] += float64(m)
			}
			mean = make([]float32, cfg.C)
			for c := range mean {
				mean[c] = float32(perChannel[c] / float64(cfg.H*cfg.W))
			}
		}
		want = cfg.C
	}
	if len(mean) != want {
		return nil, fmt.Errorf("ganlib.GeneratorOutputBiasFromMean: mean has %d values, want %d (H*W*C=%dx%dx%d, "+
			"or C for a convolutional G)", len(mean), want, cfg.H, cfg.W, cfg.C)
	}
	bias := make([]float32, len(mean))
	for i, m := range mean {
		v := float64(m)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("ganlib.GeneratorOutputBiasFromMean: mean[%d] = %g is not finite", i, v)
		}
		switch cfg.Output {
		case Sigmoid:
			v = min(max(v, marginalClip), 1-marginalClip)
			v = math.Log(v / (1 - v))
		case Tanh:
			v = min(max(v, -1+2*marginalClip), 1-2*marginalClip)
			v = math.Atanh(v)
		case Linear:
		default:
			return nil, fmt.Errorf("ganlib.GeneratorOutputBiasFromMean: GeneratorConfig.Output = %q has no inverse; "+
				"valid: %q, %q, %q", cfg.Output, Sigmoid, Tanh, Linear)
		}
		bias[i] = float32(v)
	}
	return bias, nil
}

// SetGeneratorOutputBias sets G's output-layer bias variable (under scope,
// the scope given to Generator) to bias, creating the variable if G's graph
// was not built yet. Call it once, at initialisation, before the first
// training step (with GeneratorOutputBiasFromMean's result when
// cfg.OutputBiasFromData is set).
func SetGeneratorOutputBias(scope *model.Scope, cfg GeneratorConfig, bias []float32) error {
	want := cfg.H * cfg.W * cfg.C
	if cfg.Conv != nil {
		want = cfg.C
	}
	if len(bias) != want {
		return fmt.Errorf("ganlib.SetGeneratorOutputBias: bias has %d values, want %d", len(bias), want)
	}
	outScope := scope.At(outputScopeName)
	if v := outScope.GetVariable(biasesName); v != nil {
		if v.Shape().Size() != want || v.DType() != dtypes.Float32 {
			return fmt.Errorf("ganlib.SetGeneratorOutputBias: existing variable %q has shape %s, want float32[%d]",
				v.Path(), v.Shape(), want)
		}
		return v.SetValue(tensors.FromValue(bias))
	}
	outScope.VariableWithValue(biasesName, bias)
	return nil
}
