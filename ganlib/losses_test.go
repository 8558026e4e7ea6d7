package ganlib

import (
	"math"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// goBackend returns GoMLX's pure-Go backend, whatever $GOMLX_BACKEND says, so
// that these tests check what that backend can differentiate.
func goBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := NewBackend("go")
	if err != nil {
		t.Fatalf("cannot create the pure-Go backend: %+v", err)
	}
	return b
}

// flat64 returns a float tensor's values as float64.
func flat64(t testing.TB, x *tensors.Tensor) []float64 {
	t.Helper()
	switch x.DType() {
	case dtypes.Float32:
		v := tensors.MustCopyFlatData[float32](x)
		out := make([]float64, len(v))
		for i, f := range v {
			out[i] = float64(f)
		}
		return out
	case dtypes.Float64:
		return tensors.MustCopyFlatData[float64](x)
	}
	t.Fatalf("unexpected dtype %s", x.DType())
	return nil
}

// logitsTensor makes a [n] tensor of dtype from float64 values.
func logitsTensor(dtype dtypes.DType, values []float64) *tensors.Tensor {
	if dtype == dtypes.Float32 {
		v := make([]float32, len(values))
		for i, f := range values {
			v[i] = float32(f)
		}
		return tensors.FromFlatDataAndDimensions(v, len(v))
	}
	return tensors.FromFlatDataAndDimensions(append([]float64(nil), values...), len(values))
}

// near reports whether got is within abs + rel·|want| of want, and finite.
func near(got, want, rel, abs float64) bool {
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return false
	}
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

// relTol is the tolerance of cases.md: 1e-9 relative in float64, 1e-5 in float32.
func relTol(dtype dtypes.DType) float64 {
	if dtype == dtypes.Float32 {
		return 1e-5
	}
	return 1e-9
}

// TestLossesExtremeLogits is cases.md GAN-02: per-sample losses and their
// gradients with respect to the logit, for both labels, at extreme logits,
// in float32 (as in training) and float64. Expected values: softplus and
// sigmoid computed in float64 (python math.log1p/exp), matching the digits
// cases.md gives.
func TestLossesExtremeLogits(t *testing.T) {
	backend := goBackend(t)
	logits := []float64{100, -100, 20, 17, 0, -20}
	// softplus(-a) = loss(label real), softplus(a) = loss(label fake), sigmoid(a).
	want := []struct{ real, fake, sigmoid float64 }{
		{3.720075976020836e-44, 100.0, 1.0},
		{100.0, 3.720075976020836e-44, 3.7200759760208356e-44},
		{2.061153620314381e-09, 20.000000002061153, 0.9999999979388463},
		{4.139937633089748e-08, 17.000000041399375, 0.9999999586006244},
		{0.6931471805599453, 0.6931471805599453, 0.5},
		{20.000000002061153, 2.061153620314381e-09, 2.0611536181902037e-09},
	}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		t.Run(dtype.String(), func(t *testing.T) {
			rel := relTol(dtype)
			abs := 1e-300
			if dtype == dtypes.Float32 {
				abs = 1e-40 // float32 denormals: softplus(-100) = 3.7e-44 holds ~2 digits
			}
			exec := graph.MustNewExec(backend, func(a *graph.Node) []*graph.Node {
				var outs []*graph.Node
				for i := range logits {
					ai := graph.Slice(a, graph.AxisRange(i, i+1))
					// Non-saturating G loss on one sample is the "real" label loss;
					// minus the minimax G loss is the "fake" label loss.
					realLoss := GeneratorLossFromLogits(LossNonSaturating, 0, ai)
					fakeLoss := graph.Neg(GeneratorLossFromLogits(LossMinimax, 0, ai))
					outs = append(outs, realLoss, fakeLoss,
						graph.Gradient(realLoss, a)[0], graph.Gradient(fakeLoss, a)[0])
				}
				return outs
			})
			outs := exec.MustCall(logitsTensor(dtype, logits))
			for i, a := range logits {
				realLoss := flat64(t, outs[4*i])[0]
				fakeLoss := flat64(t, outs[4*i+1])[0]
				realGrad := flat64(t, outs[4*i+2])[i]
				fakeGrad := flat64(t, outs[4*i+3])[i]
				w := want[i]
				if !near(realLoss, w.real, rel, abs) {
					t.Errorf("a=%g: loss(real) = softplus(-a) = %.10g, want %.10g", a, realLoss, w.real)
				}
				if !near(fakeLoss, w.fake, rel, abs) {
					t.Errorf("a=%g: loss(fake) = softplus(a) = %.10g, want %.10g", a, fakeLoss, w.fake)
				}
				// gradient = sigmoid(a) - label
				if !near(realGrad, w.sigmoid-1, rel, abs+1e-7) {
					t.Errorf("a=%g: d loss(real)/da = %.10g, want sigmoid(a)-1 = %.10g", a, realGrad, w.sigmoid-1)
				}
				if !near(fakeGrad, w.sigmoid, rel, abs) {
					t.Errorf("a=%g: d loss(fake)/da = %.10g, want sigmoid(a) = %.10g", a, fakeGrad, w.sigmoid)
				}
			}
		})
	}
}

// TestDiscriminatorLossGradients checks the D loss's mean and per-sample
// gradient (sigmoid(a) - label)/n at the GAN-02 logits, with the other batch a
// single logit 0 (contributing ln 2). Expected: hand derivation with the
// float64 softplus values above.
func TestDiscriminatorLossGradients(t *testing.T) {
	backend := goBackend(t)
	logits := []float64{100, -100, 20, 17, 0}
	sp := func(a float64) float64 { return max(a, 0) + math.Log1p(math.Exp(-math.Abs(a))) }
	sg := func(a float64) float64 { return 1 / (1 + math.Exp(-a)) }
	n := float64(len(logits))
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		t.Run(dtype.String(), func(t *testing.T) {
			exec := graph.MustNewExec(backend, func(a *graph.Node) []*graph.Node {
				zero := graph.ZerosLike(graph.Slice(a, graph.AxisRange(0, 1)))
				asReal := DiscriminatorLoss(a, zero)
				asFake := DiscriminatorLoss(zero, a)
				return []*graph.Node{asReal, asFake, graph.Gradient(asReal, a)[0], graph.Gradient(asFake, a)[0]}
			})
			outs := exec.MustCall(logitsTensor(dtype, logits))
			var wantReal, wantFake float64
			for _, a := range logits {
				wantReal += sp(-a) / n
				wantFake += sp(a) / n
			}
			wantReal += math.Ln2
			wantFake += math.Ln2
			rel := relTol(dtype)
			if got := flat64(t, outs[0])[0]; !near(got, wantReal, rel, 0) {
				t.Errorf("D loss with real logits %v: %.10g, want %.10g", logits, got, wantReal)
			}
			if got := flat64(t, outs[1])[0]; !near(got, wantFake, rel, 0) {
				t.Errorf("D loss with fake logits %v: %.10g, want %.10g", logits, got, wantFake)
			}
			gReal, gFake := flat64(t, outs[2]), flat64(t, outs[3])
			for i, a := range logits {
				if !near(gReal[i], (sg(a)-1)/n, rel, 1e-8) {
					t.Errorf("a=%g as real: gradient %.10g, want %.10g", a, gReal[i], (sg(a)-1)/n)
				}
				if !near(gFake[i], sg(a)/n, rel, 1e-8) {
					t.Errorf("a=%g as fake: gradient %.10g, want %.10g", a, gFake[i], sg(a)/n)
				}
			}
		})
	}
}

// TestLogSigmoid checks the sign of log sigmoid (cases.md GAN-02: -0.048587
// at a = 3, not -3.048587) and its finiteness at ±100.
func TestLogSigmoid(t *testing.T) {
	backend := goBackend(t)
	tests := []struct {
		name      string
		a, want   float64
		rel, abs  float64
		dtypeName string
	}{
		{"a=3 (cases.md GAN-02)", 3, -0.04858735157374206, 1e-5, 0, "float32"},
		{"a=-100 (-softplus(100))", -100, -100, 1e-6, 0, "float32"},
		{"a=100 (-softplus(-100) = -3.7e-44)", 100, -3.720075976020836e-44, 0, 1e-40, "float32"},
		{"a=0 (-ln 2)", 0, -math.Ln2, 1e-6, 0, "float32"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := graph.MustExecOnce(backend, LogSigmoid, []float32{float32(tc.a)})
			if got := flat64(t, out)[0]; !near(got, tc.want, tc.rel, tc.abs) {
				t.Errorf("LogSigmoid(%g) = %.10g, want %.10g", tc.a, got, tc.want)
			}
		})
	}
}

// TestGeneratorLossModes is cases.md GAN-04: each named mode computes the
// formula its name says, and the two modes differ. Expected values from
// cases.md (computed in float64), re-derived above with python.
func TestGeneratorLossModes(t *testing.T) {
	backend := goBackend(t)
	fake := []float64{-2, 0, 3}
	dReal, dFake := []float64{2, -1}, []float64{-3, 0.5}
	const (
		wantMinimax = -1.2895541810588866 // cases.md: -1.289554
		wantNonSat  = 0.9562208477255534  // cases.md: 0.956221
		wantD       = 1.2314270171575221  // cases.md: 1.231427
	)
	tests := []struct {
		name string
		fn   func(fake, real, fakeD *graph.Node) *graph.Node
		want float64
	}{
		{"minimax mean log(1-D(G(z)))", func(f, _, _ *graph.Node) *graph.Node {
			return GeneratorLossFromLogits(LossMinimax, 0, f)
		}, wantMinimax},
		{"non-saturating mean -log D(G(z))", func(f, _, _ *graph.Node) *graph.Node {
			return GeneratorLossFromLogits(LossNonSaturating, 0, f)
		}, wantNonSat},
		{"empty kind is the non-saturating default", func(f, _, _ *graph.Node) *graph.Node {
			return GeneratorLossFromLogits("", 0, f)
		}, wantNonSat},
		{"blend w=0 is minimax", func(f, _, _ *graph.Node) *graph.Node {
			return GeneratorLossFromLogits(LossBlend, 0, f)
		}, wantMinimax},
		{"blend w=1 is non-saturating", func(f, _, _ *graph.Node) *graph.Node {
			return GeneratorLossFromLogits(LossBlend, 1, f)
		}, wantNonSat},
		{"blend w=0.25 (hand: 0.75·minimax + 0.25·non-saturating)", func(f, _, _ *graph.Node) *graph.Node {
			return GeneratorLossFromLogits(LossBlend, 0.25, f)
		}, 0.75*wantMinimax + 0.25*wantNonSat},
		{"discriminator loss", func(_, r, fd *graph.Node) *graph.Node {
			return DiscriminatorLoss(r, fd)
		}, wantD},
		{"value function V(D,G) = -D loss (Equation 1)", func(_, r, fd *graph.Node) *graph.Node {
			return ValueFunction(r, fd)
		}, -wantD},
	}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		for _, tc := range tests {
			t.Run(dtype.String()+"/"+tc.name, func(t *testing.T) {
				out := graph.MustExecOnce(backend, tc.fn,
					logitsTensor(dtype, fake), logitsTensor(dtype, dReal), logitsTensor(dtype, dFake))
				if got := flat64(t, out)[0]; !near(got, tc.want, relTol(dtype), 0) {
					t.Errorf("got %.10g, want %.10g", got, tc.want)
				}
			})
		}
	}
	if wantMinimax == wantNonSat {
		t.Fatal("the two G modes must differ on this input")
	}
}

// TestValueFunctionAtOptimum: at D = 1/2 everywhere (all logits 0), V = -log 4
// (Theorem 1).
func TestValueFunctionAtOptimum(t *testing.T) {
	out := graph.MustExecOnce(goBackend(t), ValueFunction, []float64{0, 0, 0}, []float64{0, 0})
	if got := flat64(t, out)[0]; !near(got, -math.Log(4), 1e-12, 0) {
		t.Errorf("V at D=1/2 = %.15g, want -log 4 = %.15g", got, -math.Log(4))
	}
}

// TestSaturatedGeneratorGradient is cases.md GAN-01: where D(G(z)) = 1e-4
// the minimax loss's gradient is -1e-4 but the non-saturating one is -0.9999.
func TestSaturatedGeneratorGradient(t *testing.T) {
	backend := goBackend(t)
	a := math.Log(1e-4 / 0.9999) // = -9.210240 (cases.md)
	tests := []struct {
		name               string
		kind               GeneratorLoss
		wantLoss, wantGrad float64
	}{
		// cases.md: loss -0.000100005, dL/da = -1.0000e-4; exact: -softplus(a), -sigmoid(a).
		{"minimax", LossMinimax, -0.00010000500033335833, -1e-4},
		// cases.md: loss 9.210340, dL/da = -0.9999; exact: softplus(-a), sigmoid(a)-1.
		{"non-saturating", LossNonSaturating, 9.210340371976184, -0.9999},
	}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		grads := map[GeneratorLoss]float64{}
		for _, tc := range tests {
			t.Run(dtype.String()+"/"+tc.name, func(t *testing.T) {
				outs := graph.MustExecOnceN(backend, func(x *graph.Node) []*graph.Node {
					loss := GeneratorLossFromLogits(tc.kind, 0, x)
					return []*graph.Node{loss, graph.Gradient(loss, x)[0]}
				}, logitsTensor(dtype, []float64{a}))
				rel := relTol(dtype)
				if dtype == dtypes.Float32 {
					rel = 1e-4 // float32(a) itself carries a 1e-7 relative rounding, times |a|·sigmoid'
				}
				loss, grad := flat64(t, outs[0])[0], flat64(t, outs[1])[0]
				if !near(loss, tc.wantLoss, rel, 0) {
					t.Errorf("loss = %.10g, want %.10g", loss, tc.wantLoss)
				}
				if !near(grad, tc.wantGrad, rel, 0) {
					t.Errorf("dL/da = %.10g, want %.10g", grad, tc.wantGrad)
				}
				grads[tc.kind] = grad
			})
		}
		if ratio := grads[LossNonSaturating] / grads[LossMinimax]; !near(ratio, 9999, 1e-3, 0) {
			t.Errorf("%s: non-saturating/minimax gradient ratio = %g, want 9999", dtype, ratio)
		}
	}
}

// TestLossesPanicOnBadInput checks the messages name the function and value.
func TestLossesPanicOnBadInput(t *testing.T) {
	backend := goBackend(t)
	for _, tc := range []struct {
		name string
		fn   func(x *graph.Node) *graph.Node
	}{
		{"unknown kind", func(x *graph.Node) *graph.Node { return GeneratorLossFromLogits("wasserstein", 0, x) }},
		{"blend out of range", func(x *graph.Node) *graph.Node { return GeneratorLossFromLogits(LossBlend, 1.5, x) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := graph.ExecOnce(backend, tc.fn, []float32{0})
			if err == nil {
				t.Fatal("expected an error")
			}
			t.Logf("error (expected): %v", err)
		})
	}
}
