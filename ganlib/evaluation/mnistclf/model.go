package mnistclf

// This file builds the classifier's graphs: the forward pass, one Adam
// training step, and the inference pass that returns logits and features.

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Architecture of the classifier. Changing any of it must bump
// ArchitectureVersion, which is part of the cache key.
const (
	// ArchitectureVersion identifies the network and its training procedure
	// in cache keys; bump it whenever either changes.
	ArchitectureVersion = 1
	// Architecture describes the network in words (also in cache keys).
	Architecture = "mlp784-256-128-10-relu"

	// InputDim is the number of pixels of a 28x28x1 image.
	InputDim = 28 * 28
	// Hidden1 is the width of the first hidden layer.
	Hidden1 = 256
	// FeatureDim is the width of the second hidden layer, whose ReLU
	// activations are the features (the analogue of FID's Inception pool3).
	FeatureDim = 128
	// NumClasses is the number of digit classes.
	NumClasses = 10

	// scopeName is where the weights live in the Store.
	scopeName = "mnistclf"
)

// forward builds the network: x [batch, 784] float32 in [0, 1] → logits
// [batch, 10] and features [batch, 128] (ReLU outputs, ≥ 0).
func forward(root *model.Scope, x *graph.Node) (logits, features *graph.Node) {
	if x.Rank() != 2 || x.Shape().Dim(1) != InputDim || x.DType() != dtypes.Float32 {
		exceptions.Panicf("mnistclf.forward: input must be float32[batch, %d], got %s", InputDim, x.Shape())
	}
	scope := root.At(scopeName)
	h := activation.Relu(layers.DenseWithBias(scope.At("hidden_0"), x, Hidden1))
	features = activation.Relu(layers.DenseWithBias(scope.At("hidden_1"), h, FeatureDim))
	logits = layers.DenseWithBias(scope.At("logits"), features, NumClasses)
	return logits, features
}

// trainStepGraph builds one Adam step on a batch: x [batch, 784] float32,
// labels [batch, 1] int32. It returns the batch's mean cross-entropy
// (before the update), in nats.
func trainStepGraph(opt optimizer.Interface) func(*model.Scope, *graph.Node, *graph.Node) *graph.Node {
	return func(root *model.Scope, x, labels *graph.Node) *graph.Node {
		logits, _ := forward(root, x)
		l := graph.ReduceAllMean(loss.SparseCategoricalCrossEntropyLogits(
			[]*graph.Node{labels}, []*graph.Node{logits}))
		opt.UpdateGraph(root, x.Graph(), l)
		return l
	}
}

// inferGraph returns the predicted class [batch] int32 and the features
// [batch, 128] float32.
func inferGraph(root *model.Scope, x *graph.Node) (predicted, features *graph.Node) {
	logits, features := forward(root, x)
	return graph.ArgMax(logits, -1, dtypes.Int32), features
}
