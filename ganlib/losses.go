package ganlib

// This file holds the value function V(D, G) of Equation 1 and the losses
// both players minimise, all computed from D's logits a (D = sigmoid(a)).
//
// Label convention, used throughout the project: real = 1, fake = 0.
//
// Every loss is written with softplus(a) = log(1 + e^a), using GoMLX's
// graph.Softplus (max(a,0) + log1p(e^-|a|)), which is finite for every finite
// float32 or float64 logit and whose gradient is sigmoid(a), exactly 1/2 at
// a = 0. No epsilon and no clamping: those cap the loss and zero its gradient
// once D is confident (cases.md GAN-02). The identities used are
//
//	log D(x)         = log sigmoid(a)   = -softplus(-a)
//	log(1 - D(G(z))) = log sigmoid(-a)  = -softplus(a)

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// LogSigmoid returns log(sigmoid(a)) = -softplus(-a), elementwise, finite for
// every finite a (e.g. a = 3 gives -0.048587, a = -100 gives -100).
// Any float dtype and shape.
func LogSigmoid(a *graph.Node) *graph.Node {
	return graph.Neg(graph.Softplus(graph.Neg(a)))
}

// DiscriminatorLoss is the loss D minimises (D ascends V(D,G) of Equation 1,
// Algorithm 1's inner loop):
//
//	mean_i softplus(-a_real_i) + mean_j softplus(a_fake_j)
//	  = -mean log D(x) - mean log(1 - D(G(z)))
//
// realLogits [batchReal] and fakeLogits [batchFake] are D's pre-sigmoid
// outputs on a real and a generated batch (the two batches may differ in size
// and are averaged separately, then added). Returns a scalar of the logits'
// dtype, >= 0.
func DiscriminatorLoss(realLogits, fakeLogits *graph.Node) *graph.Node {
	checkLogits("DiscriminatorLoss", "realLogits", realLogits)
	checkLogits("DiscriminatorLoss", "fakeLogits", fakeLogits)
	realTerm := graph.ReduceAllMean(graph.Softplus(graph.Neg(realLogits)))
	fakeTerm := graph.ReduceAllMean(graph.Softplus(fakeLogits))
	return graph.Add(realTerm, fakeTerm)
}

// GeneratorLossFromLogits is the loss G minimises, from D's logits a on a
// generated batch, fakeLogits [batch]. Returns a scalar of the logits' dtype.
//
//   - LossMinimax: mean log(1 - D(G(z))) = mean -softplus(a), Equation 1 taken
//     literally (always <= 0). Its gradient, -sigmoid(a) per sample, vanishes
//     when D rejects the samples confidently: at D(G(z)) = 1e-4 it is -1.0e-4
//     (cases.md GAN-01).
//   - LossNonSaturating: mean -log D(G(z)) = mean softplus(-a), the paper's
//     practical advice (Section 3); its gradient is sigmoid(a) - 1, about -1
//     in the same place. "" means this, the project's default.
//   - LossBlend: (1-blend)·minimax + blend·non-saturating, blend in [0, 1].
//
// blend is read only for LossBlend. Unknown kinds or a blend outside [0, 1]
// panic (graph code), naming the valid values.
func GeneratorLossFromLogits(kind GeneratorLoss, blend float64, fakeLogits *graph.Node) *graph.Node {
	checkLogits("GeneratorLossFromLogits", "fakeLogits", fakeLogits)
	minimax := func() *graph.Node { return graph.Neg(graph.ReduceAllMean(graph.Softplus(fakeLogits))) }
	nonSaturating := func() *graph.Node { return graph.ReduceAllMean(graph.Softplus(graph.Neg(fakeLogits))) }
	switch kind {
	case LossMinimax:
		return minimax()
	case LossNonSaturating, "":
		return nonSaturating()
	case LossBlend:
		if !(blend >= 0 && blend <= 1) {
			exceptions.Panicf("ganlib.GeneratorLossFromLogits: blend weight must be in [0, 1], got %g", blend)
		}
		return graph.Add(graph.MulScalar(minimax(), 1-blend), graph.MulScalar(nonSaturating(), blend))
	default:
		exceptions.Panicf("ganlib.GeneratorLossFromLogits: unknown generator loss %q; valid: %q, %q, %q",
			kind, LossMinimax, LossNonSaturating, LossBlend)
		return nil
	}
}

// ValueFunction is the paper's value function (Equation 1), estimated on one
// real and one generated batch:
//
//	V(D, G) = mean log D(x) + mean log(1 - D(G(z)))
//	        = -mean softplus(-a_real) - mean softplus(a_fake)
//
// It equals -DiscriminatorLoss. At the global optimum p_g = p_data, D = 1/2
// everywhere and V = -log 4 (Theorem 1). Returns a scalar, <= 0.
func ValueFunction(realLogits, fakeLogits *graph.Node) *graph.Node {
	checkLogits("ValueFunction", "realLogits", realLogits)
	checkLogits("ValueFunction", "fakeLogits", fakeLogits)
	realTerm := graph.ReduceAllMean(LogSigmoid(realLogits))
	fakeTerm := graph.Neg(graph.ReduceAllMean(graph.Softplus(fakeLogits)))
	return graph.Add(realTerm, fakeTerm)
}

// checkLogits panics unless logits is a float tensor with at least one value.
func checkLogits(fn, name string, logits *graph.Node) {
	if logits == nil {
		exceptions.Panicf("ganlib.%s: %s is nil", fn, name)
	}
	if !logits.DType().IsFloat() {
		exceptions.Panicf("ganlib.%s: %s must be float (float32 or float64), got %s", fn, name, logits.Shape())
	}
	if logits.Shape().Size() == 0 {
		exceptions.Panicf("ganlib.%s: %s is empty, shape %s", fn, name, logits.Shape())
	}
}
