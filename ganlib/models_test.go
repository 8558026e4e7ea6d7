package ganlib

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Small models of every kind the package builds, for the tests.
var (
	testMLPGenerator = GeneratorConfig{NoiseDim: 6, Hidden: []int{16, 16}, Activations: []Activation{ReLU, ReLU},
		Output: Sigmoid, H: 4, W: 4, C: 1, InitRange: []float64{0.5}}
	testMLPDiscriminator = DiscriminatorConfig{Units: []int{12, 8}, Pieces: []int{3, 2},
		KeepProb: []float64{0.8, 0.5, 0.5}, InitRange: []float64{0.3}}
	testConvGenerator = GeneratorConfig{NoiseDim: 6, Output: Tanh, H: 8, W: 8, C: 3, InitRange: []float64{0.2},
		Conv: &ConvGeneratorConfig{StartSize: 2, StartChannels: 8, Channels: []int{4, 3}, KernelSize: 3}}
	testConvDiscriminator = DiscriminatorConfig{KeepProb: []float64{0.8, 0.5, 0.5}, InitRange: []float64{0.2},
		Conv: &ConvDiscriminatorConfig{Channels: []int{4, 6}, KernelSize: 3, Pieces: 2}}
	// The 1-D toy of Figure 1: H = W = C = 1, linear output.
	testToyGenerator = GeneratorConfig{NoiseDim: 1, Hidden: []int{8}, Activations: []Activation{Tanh},
		Output: Linear, H: 1, W: 1, C: 1, InitRange: []float64{1}}
	testToyDiscriminator = DiscriminatorConfig{Units: []int{8}, Pieces: []int{2}, InitRange: []float64{1}}
)

// conditional returns copies of the configs conditioned on numClasses.
func conditional(g GeneratorConfig, d DiscriminatorConfig, numClasses int) (GeneratorConfig, DiscriminatorConfig) {
	g.NumClasses, d.NumClasses = numClasses, numClasses
	return g, d
}

// seededStore returns an empty store whose random number generator is seeded.
func seededStore(t testing.TB, seed int64) *model.Store {
	t.Helper()
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(seed); err != nil {
		t.Fatal(err)
	}
	return store
}

// testPair is one G/D pair to exercise.
type testPair struct {
	name       string
	gen        GeneratorConfig
	disc       DiscriminatorConfig
	numClasses int
}

func testPairs() []testPair {
	condG, condD := conditional(testMLPGenerator, testMLPDiscriminator, 3)
	condConvG, condConvD := conditional(testConvGenerator, testConvDiscriminator, 2)
	return []testPair{
		{"mlp", testMLPGenerator, testMLPDiscriminator, 0},
		{"conv", testConvGenerator, testConvDiscriminator, 0},
		{"toy-1d", testToyGenerator, testToyDiscriminator, 0},
		{"conditional-mlp", condG, condD, 3},
		{"conditional-conv", condConvG, condConvD, 2},
	}
}

// labelsFor returns batch class labels cycling through numClasses, or nil.
func labelsFor(numClasses, batch int) *tensors.Tensor {
	if numClasses == 0 {
		return nil
	}
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(i % numClasses)
	}
	return tensors.FromFlatDataAndDimensions(labels, batch)
}

// TestModelsShapesAndRanges builds G and D of every kind: G's output has
// shape [batch, H, W, C] within the output activation's range, D's logits
// [batch], everything finite.
func TestModelsShapesAndRanges(t *testing.T) {
	backend := goBackend(t)
	const batch = 5
	for _, tc := range testPairs() {
		t.Run(tc.name, func(t *testing.T) {
			store := seededStore(t, 1)
			labels := labelsFor(tc.numClasses, batch)
			exec := model.MustNewExec(backend, store, func(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
				g := inputs[0].Graph()
				var lab *graph.Node
				if len(inputs) > 0 && labels != nil {
					lab = graph.ConstTensor(g, labels)
				}
				z := SampleNoise(scope, g, PriorUniform, batch, tc.gen.NoiseDim)
				x := Generator(scope.At(GeneratorScopeName), tc.gen, z, lab)
				return []*graph.Node{x, DiscriminatorLogits(scope.At(DiscriminatorScopeName), tc.disc, x, lab)}
			})
			outs := exec.MustCall(float32(0))
			x, logits := outs[0], outs[1]
			if want := []int{batch, tc.gen.H, tc.gen.W, tc.gen.C}; fmt.Sprint(x.Shape().Dimensions) != fmt.Sprint(want) {
				t.Errorf("G output shape %s, want %v", x.Shape(), want)
			}
			if want := []int{batch}; fmt.Sprint(logits.Shape().Dimensions) != fmt.Sprint(want) {
				t.Errorf("D logits shape %s, want %v", logits.Shape(), want)
			}
			lo, hi := -math.MaxFloat64, math.MaxFloat64
			switch tc.gen.Output {
			case Sigmoid:
				lo, hi = 0, 1
			case Tanh:
				lo, hi = -1, 1
			}
			for i, v := range flat64(t, x) {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
					t.Fatalf("G output[%d] = %g outside [%g, %g]", i, v, lo, hi)
				}
			}
			for i, v := range flat64(t, logits) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("D logit[%d] = %g", i, v)
				}
			}
		})
	}
}

// TestModelsDifferentiableOnGoBackend takes the gradients of both players'
// losses with respect to all their variables, in training mode (dropout on),
// on the pure-Go backend: every gradient must be finite, every variable must
// get some non-zero gradient, and G and D must share no variable.
func TestModelsDifferentiableOnGoBackend(t *testing.T) {
	backend := goBackend(t)
	const batch = 4
	for _, tc := range testPairs() {
		t.Run(tc.name, func(t *testing.T) {
			store := seededStore(t, 2)
			labels := labelsFor(tc.numClasses, batch)
			var names []string
			exec := model.MustNewExec(backend, store, func(scope *model.Scope, realX *graph.Node) []*graph.Node {
				g := realX.Graph()
				store.SetTraining(g, true)
				var lab *graph.Node
				if labels != nil {
					lab = graph.ConstTensor(g, labels)
				}
				genScope, discScope := scope.At(GeneratorScopeName), scope.At(DiscriminatorScopeName)
				z := SampleNoise(scope, g, PriorGaussian, batch, tc.gen.NoiseDim)
				fake := Generator(genScope, tc.gen, z, lab)
				realLogits := DiscriminatorLogits(discScope, tc.disc, realX, lab)
				fakeLogits := DiscriminatorLogits(discScope, tc.disc, fake, lab)
				dLoss := DiscriminatorLoss(realLogits, graph.StopGradient(fakeLogits))
				gLoss := GeneratorLossFromLogits(LossNonSaturating, 0, fakeLogits)
				var outs []*graph.Node
				for v := range discScope.IterVariables() {
					names = append(names, v.Path())
				}
				outs = append(outs, discScope.BuildTrainableVariablesGradientsGraph(dLoss)...)
				for v := range genScope.IterVariables() {
					names = append(names, v.Path())
				}
				outs = append(outs, genScope.BuildTrainableVariablesGradientsGraph(gLoss)...)
				return outs
			})
			realX := make([]float32, batch*tc.gen.H*tc.gen.W*tc.gen.C)
			for i := range realX {
				realX[i] = float32(i%7) / 7
			}
			grads := exec.MustCall(tensors.FromFlatDataAndDimensions(realX, batch, tc.gen.H, tc.gen.W, tc.gen.C))
			if len(grads) != len(names) || len(grads) == 0 {
				t.Fatalf("%d gradients for %d variables %v", len(grads), len(names), names)
			}
			for i, grad := range grads {
				var sumAbs float64
				for _, v := range flat64(t, grad) {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("gradient of %s is not finite: %g", names[i], v)
					}
					sumAbs += math.Abs(v)
				}
				if sumAbs == 0 {
					t.Errorf("gradient of %s is all zero", names[i])
				}
			}
			genVars, discVars := 0, 0
			for v := range store.IterVariables() {
				switch {
				case strings.HasPrefix(v.Path(), "/"+GeneratorScopeName+"/"):
					genVars++
				case strings.HasPrefix(v.Path(), "/"+DiscriminatorScopeName+"/"):
					discVars++
				}
			}
			if genVars == 0 || discVars == 0 {
				t.Errorf("G has %d variables, D has %d; want both > 0 and in separate scopes", genVars, discVars)
			}
		})
	}
}

// readVar returns a variable's value as float64.
func readVar(t testing.TB, store *model.Store, path string) []float64 {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("no variable %q", path)
	}
	return flat64(t, v.MustValue())
}

// buildModels runs G and D once (inference mode) so their variables exist.
func buildModels(t testing.TB, backend compute.Backend, store *model.Store,
	gen GeneratorConfig, disc DiscriminatorConfig) {
	t.Helper()
	model.MustNewExec(backend, store, func(scope *model.Scope, g *graph.Graph) *graph.Node {
		z := SampleNoise(scope, g, PriorUniform, 2, gen.NoiseDim)
		x := Generator(scope.At(GeneratorScopeName), gen, z, nil)
		return DiscriminatorLogits(scope.At(DiscriminatorScopeName), disc, x, nil)
	}).MustCall()
}

// TestInitRangeAndSeed: weights are U[-r, r] per layer, biases 0, and the
// same seed gives the same weights (a different seed different ones).
func TestInitRangeAndSeed(t *testing.T) {
	backend := goBackend(t)
	gen := testMLPGenerator
	gen.InitRange = []float64{0.05, 0.1, 0.2} // one per layer: hidden_0, hidden_1, output
	disc := testMLPDiscriminator
	disc.InitRange = []float64{0.005}
	store1, store2, store3 := seededStore(t, 7), seededStore(t, 7), seededStore(t, 8)
	for _, s := range []*model.Store{store1, store2, store3} {
		buildModels(t, backend, s, gen, disc)
	}
	tests := []struct {
		name string
		path string
		r    float64
	}{
		{"G hidden_0", "/generator/hidden_0/weights", 0.05},
		{"G hidden_1", "/generator/hidden_1/weights", 0.1},
		{"G output", "/generator/output/weights", 0.2},
		{"D maxout_0", "/discriminator/maxout_0/weights", 0.005},
		{"D output", "/discriminator/output/weights", 0.005},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w1, w2, w3 := readVar(t, store1, tc.path), readVar(t, store2, tc.path), readVar(t, store3, tc.path)
			var maxAbs float64
			for i, v := range w1 {
				if math.Abs(v) > tc.r {
					t.Fatalf("weight %g outside [-%g, %g]", v, tc.r, tc.r)
				}
				maxAbs = max(maxAbs, math.Abs(v))
				if v != w2[i] {
					t.Fatalf("same seed, different weight %d: %g vs %g", i, v, w2[i])
				}
			}
			// U[-r, r] with >= 16 draws: max |w| > r/2 with probability > 1 - 2^-16.
			if maxAbs < tc.r/2 {
				t.Errorf("max |w| = %g, suspiciously small for U[-%g, %g]", maxAbs, tc.r, tc.r)
			}
			if fmt.Sprint(w1) == fmt.Sprint(w3) {
				t.Errorf("different seeds gave identical weights")
			}
			bias := readVar(t, store1, strings.TrimSuffix(tc.path, "weights")+"biases")
			for _, b := range bias {
				if b != 0 {
					t.Fatalf("bias %g, want 0", b)
				}
			}
		})
	}
}

// TestApplyMaxColNorm: columns whose L2 norm exceeds the limit are rescaled to
// the limit, direction kept; the others are untouched; layers without a limit
// are untouched.
func TestApplyMaxColNorm(t *testing.T) {
	backend := goBackend(t)
	const limit = 0.5
	disc := testMLPDiscriminator
	disc.InitRange = []float64{0.3}
	disc.MaxColNorm = []float64{limit, limit, 0} // no limit on the logit layer
	gen := testMLPGenerator
	store := seededStore(t, 3)
	buildModels(t, backend, store, gen, disc)
	paths := []string{"/discriminator/maxout_0/weights", "/discriminator/maxout_1/weights",
		"/discriminator/output/weights", "/generator/hidden_0/weights"}
	before := map[string][]float64{}
	for _, p := range paths {
		before[p] = readVar(t, store, p)
	}
	model.MustNewExec(backend, store, func(scope *model.Scope, g *graph.Graph) *graph.Node {
		// D's variables take part in the graph (as after an update), then the constraint
		discScope := scope.At(DiscriminatorScopeName)
		x := graph.Zeros(g, shapes.Make(dtypes.Float32, 1, gen.H, gen.W, gen.C))
		logits := DiscriminatorLogits(discScope, disc, x, nil)
		ApplyMaxColNorm(discScope, g)
		return logits
	}).MustCall()

	// columns of W [in, out]
	for _, p := range paths {
		shape := store.GetVariable(p).Shape()
		in, out := shape.Dim(0), shape.Dim(1)
		after := readVar(t, store, p)
		constrained := p == paths[0] || p == paths[1]
		numScaled := 0
		for j := range out {
			var norm float64
			for i := range in {
				norm += before[p][i*out+j] * before[p][i*out+j]
			}
			norm = math.Sqrt(norm)
			scale := 1.0
			if constrained && norm > limit {
				scale = limit / norm
				numScaled++
			}
			for i := range in {
				want := before[p][i*out+j] * scale
				if !near(after[i*out+j], want, 1e-5, 1e-7) {
					t.Fatalf("%s column %d (norm %g): w[%d] = %g, want %g", p, j, norm, i, after[i*out+j], want)
				}
			}
		}
		if constrained && numScaled == 0 {
			t.Errorf("%s: no column exceeded %g; the test does not exercise the constraint", p, limit)
		}
	}
}

// TestGeneratorOutputBias: the bias is logit of the clipped data mean
// (hand-computed: logit(0.25) = ln(1/3), logit(1e-7) = -16.118095), and with
// it an all-zero hidden layer makes G output the mean.
func TestGeneratorOutputBias(t *testing.T) {
	cfg := GeneratorConfig{NoiseDim: 2, Hidden: []int{3}, Activations: []Activation{ReLU}, Output: Sigmoid,
		H: 2, W: 2, C: 1}
	mean := []float32{0.25, 0.5, 0, 1}
	want := []float64{math.Log(1.0 / 3), 0, -16.11809565095832, 16.11809565095832}
	bias, err := GeneratorOutputBiasFromMean(cfg, mean)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !near(float64(bias[i]), want[i], 1e-5, 1e-6) {
			t.Errorf("bias[%d] for mean %g = %g, want %g", i, mean[i], bias[i], want[i])
		}
	}
	if _, err := GeneratorOutputBiasFromMean(cfg, mean[:3]); err == nil {
		t.Error("expected an error for a mean of the wrong length")
	}

	// zero noise → ReLU(0·W + 0) = 0 → output sigmoid(bias) = clipped mean
	backend := goBackend(t)
	store := seededStore(t, 4)
	if err := SetGeneratorOutputBias(store.RootScope().At(GeneratorScopeName), cfg, bias); err != nil {
		t.Fatal(err)
	}
	sampler, err := NewSampler(backend, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	images, err := sampler.Sample([]float32{0, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range mean {
		if !near(float64(images.Pix[i]), float64(m), 1e-5, 1e-6) {
			t.Errorf("G(0)[%d] = %g, want the data mean %g", i, images.Pix[i], m)
		}
	}
	// setting it again once the variable exists replaces the value
	if err := SetGeneratorOutputBias(store.RootScope().At(GeneratorScopeName), cfg, make([]float32, 4)); err != nil {
		t.Fatal(err)
	}
	images, _ = sampler.Sample([]float32{0, 0}, nil)
	if images.Pix[0] != 0.5 {
		t.Errorf("after bias 0, G(0)[0] = %g, want 0.5", images.Pix[0])
	}
}

// TestModelConfigErrors: bad configurations give errors naming the field.
func TestModelConfigErrors(t *testing.T) {
	backend := goBackend(t)
	badG := testMLPGenerator
	badG.Activations = []Activation{ReLU}
	badConv := testConvGenerator
	badConv.H, badConv.W = 16, 16
	badD := testMLPDiscriminator
	badD.KeepProb = []float64{0.8}
	tests := []struct {
		name    string
		gen     GeneratorConfig
		disc    DiscriminatorConfig
		wantMsg string
	}{
		{"activations length", badG, testMLPDiscriminator, "Activations"},
		{"conv size", badConv, testConvDiscriminator, "StartSize"},
		{"keep prob length", testMLPGenerator, badD, "KeepProb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			exec := model.MustNewExec(backend, model.NewStore(), func(scope *model.Scope, g *graph.Graph) *graph.Node {
				z := SampleNoise(scope, g, PriorUniform, 2, tc.gen.NoiseDim)
				x := Generator(scope.At(GeneratorScopeName), tc.gen, z, nil)
				return DiscriminatorLogits(scope.At(DiscriminatorScopeName), tc.disc, x, nil)
			})
			_, err := exec.Call()
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %v, want one naming %q", err, tc.wantMsg)
			}
		})
	}
}

// TestConvGeneratorOutputBias: for the convolutional G the output bias has
// one value per channel; an H·W·C mean is averaged per channel, and with all
// weights zero G outputs tanh(bias) = the per-channel mean everywhere.
func TestConvGeneratorOutputBias(t *testing.T) {
	cfg := testConvGenerator // tanh output, 8x8x3
	mean := make([]float32, cfg.H*cfg.W*cfg.C)
	channelMean := []float32{-0.5, 0, 0.25}
	for i := range mean {
		// two values per channel averaging to channelMean[c]
		mean[i] = channelMean[i%3] + []float32{-0.1, 0.1}[(i/3)%2]
	}
	bias, err := GeneratorOutputBiasFromMean(cfg, mean)
	if err != nil {
		t.Fatal(err)
	}
	for c, m := range channelMean {
		if want := math.Atanh(float64(m)); !near(float64(bias[c]), want, 1e-5, 1e-6) {
			t.Errorf("bias[%d] = %g, want atanh(%g) = %g", c, bias[c], m, want)
		}
	}
	store := seededStore(t, 12)
	if err := SetGeneratorOutputBias(store.RootScope().At(GeneratorScopeName), cfg, bias); err != nil {
		t.Fatal(err)
	}
	sampler, err := NewSampler(goBackend(t), store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	z := make([]float32, cfg.NoiseDim)
	if _, err := sampler.Sample(z, nil); err != nil { // creates the other variables
		t.Fatal(err)
	}
	for v := range store.IterVariables() {
		if v.Name() == weightsName {
			v.MustSetValue(tensors.FromShape(v.Shape()))
		}
	}
	images, err := sampler.Sample(z, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range images.Pix {
		if !near(float64(v), float64(channelMean[i%3]), 1e-5, 1e-6) {
			t.Fatalf("G(z)[%d] (channel %d) = %g, want %g", i, i%3, v, channelMean[i%3])
		}
	}
}
