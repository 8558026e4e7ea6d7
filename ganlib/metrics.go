package ganlib

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// StepMetrics are the measurements of one training iteration (one G update
// and the D updates before it; in simultaneous mode, the one joint update).
// D-side values come from the iteration's last D step, measured on its
// batch before the update; G-side values from the G step. Probabilities are
// D's outputs D(·) = sigmoid(logit) with real = 1, fake = 0 (paper
// convention).
type StepMetrics struct {
	// GStep and DStep count the updates of each player so far (after this
	// iteration). Algorithm 1 gives DStep = K·GStep.
	GStep, DStep int64
	// Epoch is the number of completed passes over the training data.
	Epoch int64

	// DLoss is D's loss, -mean log D(x) - mean log(1-D(G(z))) (before
	// Config.DLossWeight), and GLoss G's loss in the configured mode
	// (Config.GeneratorLoss), both in nats per example.
	DLoss, GLoss float64
	// Value is the estimate of V(D, G) (Equation 1) on the D step's batch;
	// -log 4 ≈ -1.386 at the global optimum.
	Value float64
	// DReal is mean D(x) on the real batch, DFake mean D(G(z)) on the fake
	// batch of the D step (in [0, 1]).
	DReal, DFake float64
	// RealRejected is the fraction of real samples with D(x) < 1/2 and
	// FakeAccepted the fraction of generated ones with D(G(z)) > 1/2.
	RealRejected, FakeAccepted float64
	// GradNormD and GradNormG are the global L2 norms of each player's
	// gradient (of the weighted loss it minimised) in its last update.
	GradNormD, GradNormG float64
	// LearningRateD/G and MomentumD/G are the schedule values the last
	// updates used (Adam reports beta1 as momentum).
	LearningRateD, LearningRateG float64
	MomentumD, MomentumG         float64
}

// String formats the metrics on one line, D(x) and D(G(z)) next to the losses.
func (m StepMetrics) String() string {
	return fmt.Sprintf("G step %d (D step %d, epoch %d): D loss %.4f, G loss %.4f, V %.4f, "+
		"D(x) %.3f, D(G(z)) %.3f, real rejected %.2f, fake accepted %.2f, |∇D| %.3g, |∇G| %.3g",
		m.GStep, m.DStep, m.Epoch, m.DLoss, m.GLoss, m.Value, m.DReal, m.DFake,
		m.RealRejected, m.FakeAccepted, m.GradNormD, m.GradNormG)
}

// Indices into the float64 vector a D step's graph returns. The vector is
// followed by one finiteness flag (1 finite, 0 not) per updated variable.
const (
	mDLoss = iota
	mGLoss
	mValue
	mDReal
	mDFake
	mRealRejected
	mFakeAccepted
	mGradNorm
	mLR
	mMomentum
	mGGradNorm // simultaneous mode only
	mGLR
	mGMomentum
	numStepMetrics
)

// discriminatorMeasures fills D-side measurements from the logits.
func discriminatorMeasures(out []*graph.Node, realLogits, fakeLogits *graph.Node) {
	f64 := func(x *graph.Node) *graph.Node { return graph.ConvertDType(x, dtypes.Float64) }
	out[mValue] = f64(ValueFunction(realLogits, fakeLogits))
	out[mDReal] = f64(graph.ReduceAllMean(graph.Sigmoid(realLogits)))
	out[mDFake] = f64(graph.ReduceAllMean(graph.Sigmoid(fakeLogits)))
	zero := graph.ScalarZero(realLogits.Graph(), realLogits.DType())
	out[mRealRejected] = graph.ReduceAllMean(graph.ConvertDType(graph.LessThan(realLogits, zero), dtypes.Float64))
	out[mFakeAccepted] = graph.ReduceAllMean(graph.ConvertDType(graph.GreaterThan(fakeLogits, zero), dtypes.Float64))
}

// gradNorm is the global L2 norm of grads, float64 scalar.
func gradNorm(grads []*graph.Node) *graph.Node {
	var sum *graph.Node
	for _, gr := range grads {
		s := graph.ReduceAllSum(graph.Square(graph.ConvertDType(gr, dtypes.Float64)))
		if sum == nil {
			sum = s
		} else {
			sum = graph.Add(sum, s)
		}
	}
	return graph.Sqrt(sum)
}

// finiteFlags returns, per trainable variable of scope used by g (after its
// update), 1 when every value is finite and 0 otherwise (float64), and the
// variables' paths.
func finiteFlags(scope *model.Scope, g *graph.Graph) (flags []*graph.Node, paths []string) {
	for _, v := range trainableInGraph(scope, g) {
		ok := graph.LogicalAll(graph.IsFinite(v.NodeValue(g)))
		flags = append(flags, graph.ConvertDType(ok, dtypes.Float64))
		paths = append(paths, v.Path())
	}
	return flags, paths
}

// nonFinite returns the name of the first non-finite quantity among the
// named values, or "".
func nonFinite(names []string, values []float64) (name string, value float64) {
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return names[i], v
		}
	}
	return "", 0
}

// describeNonFinite says "NaN", "+Inf" or "-Inf".
func describeNonFinite(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	default:
		return "-Inf"
	}
}
