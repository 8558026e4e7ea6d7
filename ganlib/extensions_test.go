package ganlib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func extBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := NewBackend("go")
	if err != nil {
		t.Fatalf("pure-Go backend: %+v", err)
	}
	return b
}

// A linear G, x = A·z + b with A a random 16x4 matrix (full column rank with
// probability 1), is inverted exactly by the linear map E = A⁺(x - b), so a
// linear E trained on pairs (G(z), z) must drive the recovery error on fresh
// pairs to ~0, while the prior-mean baseline is E[z²] = 1 per coordinate
// (unit-variance prior, hand derivation).
func TestInferenceNetRecoversLinearG(t *testing.T) {
	backend := extBackend(t) // about 0.5 s: kept under -short
	gen := GeneratorConfig{NoiseDim: 4, Output: Linear, H: 4, W: 4, C: 1, InitRange: []float64{0.5}}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(3); err != nil {
		t.Fatal(err)
	}
	sampler, err := NewSampler(backend, store, gen)
	if err != nil {
		t.Fatal(err)
	}
	sample := func(z []float32) (*data.Images, error) { return sampler.Sample(z, nil) }
	e, err := TrainInferenceNet(backend, sample, gen.NoiseDim, InferenceConfig{
		NumPairs: 1000, Steps: 1500, BatchSize: 50, LearningRate: 1e-2, Seed: 11})
	if err != nil {
		t.Fatalf("%+v", err)
	}
	losses := e.TrainLosses()
	if len(losses) != 1500 || !(losses[len(losses)-1] < losses[0]) {
		t.Fatalf("%d losses, first %g last %g: want 1500, decreasing", len(losses), losses[0], losses[len(losses)-1])
	}
	ev, err := e.Evaluate(sample, 500, 99)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		got, want, tol float64
	}{
		// exact inverse exists: only the optimiser's residual remains
		{"E's recovery MSE", ev.MSE, 0, 1e-3},
		// E[z²] = 1 for the unit-variance uniform prior; 500·4 draws of z²
		// (variance 4/5 for U[-√3, √3]) give a standard error of 0.02
		{"baseline MSE", ev.BaselineMSE, 1, 0.08},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s = %g, want %g ± %g", c.name, c.got, c.want, c.tol)
		}
	}
	if ev.N != 500 || ev.NoiseDim != 4 {
		t.Errorf("eval counts %+v", ev)
	}

	// shape errors name the shapes
	if _, err := e.Predict(&data.Images{N: 1, H: 2, W: 2, C: 1, Pix: make([]float32, 4)}); err == nil ||
		!strings.Contains(err.Error(), "4x4x1") {
		t.Errorf("Predict on 2x2 images: error %v, want one naming 4x4x1", err)
	}
}

func TestTrainInferenceNetErrors(t *testing.T) {
	backend := extBackend(t)
	sample := func(z []float32) (*data.Images, error) { return nil, nil }
	for _, c := range []struct {
		name     string
		noiseDim int
		cfg      InferenceConfig
		want     string
	}{
		{"noise dim", 0, InferenceConfig{}, "noiseDim = 0"},
		{"hidden", 4, InferenceConfig{Hidden: []int{8, 0}}, "Hidden[1] = 0"},
		{"batch", 4, InferenceConfig{NumPairs: 10, BatchSize: 20}, "BatchSize=20"},
	} {
		if _, err := TrainInferenceNet(backend, sample, c.noiseDim, c.cfg); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// DiscriminatorFeatures must equal the last maxout layer computed by hand
// from the stored variables: h_j = max_p (x·W + b)[j·pieces + p], here for a
// one-layer D (Units 3, Pieces 2) on 2x2 images.
func TestDiscriminatorFeaturesByHand(t *testing.T) {
	backend := extBackend(t)
	cfg := DiscriminatorConfig{Units: []int{3}, Pieces: []int{2}, KeepProb: []float64{0.5, 0.5},
		InitRange: []float64{0.7}}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(5); err != nil {
		t.Fatal(err)
	}
	// create D's variables with a Scorer call
	scorer, err := NewScorer(backend, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	images := &data.Images{N: 3, H: 2, W: 2, C: 1, Range: data.RangeUnit,
		Pix: []float32{0, 0.5, 1, 0.25, 0.9, 0.1, 0.3, 0.7, 1, 1, 0, 0}}
	if _, err := scorer.Logits(images); err != nil {
		t.Fatal(err)
	}
	feat, err := NewDiscriminatorFeatures(backend, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := feat.Features(images)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	w := tensors.MustCopyFlatData[float32](store.GetVariable("/discriminator/maxout_0/weights").MustValue())
	b := tensors.MustCopyFlatData[float32](store.GetVariable("/discriminator/maxout_0/biases").MustValue())
	if len(got) != 3*3 || feat.Dim() != 3 || len(w) != 4*6 {
		t.Fatalf("got %d features (Dim %d), %d weights; want 9, 3, 24", len(got), feat.Dim(), len(w))
	}
	for i := range 3 {
		for j := range 3 {
			want := math.Inf(-1)
			for p := range 2 {
				col := j*2 + p
				s := float64(b[col])
				for k, v := range images.Image(i) {
					s += float64(v) * float64(w[k*6+col])
				}
				want = max(want, s)
			}
			if d := math.Abs(float64(got[i*3+j]) - want); d > 1e-5 { // float32 sums of 4 terms
				t.Errorf("image %d unit %d: %g, want %g", i, j, got[i*3+j], want)
			}
		}
	}

	// unsupported discriminators are refused with the field named
	for _, c := range []struct {
		name string
		cfg  DiscriminatorConfig
		want string
	}{
		{"conv", DiscriminatorConfig{Conv: &ConvDiscriminatorConfig{Channels: []int{4}, KernelSize: 3}}, "Conv"},
		{"conditional", DiscriminatorConfig{Units: []int{3}, Pieces: []int{2}, NumClasses: 10}, "NumClasses = 10"},
		{"no hidden layer", DiscriminatorConfig{}, "Units"},
	} {
		if _, err := NewDiscriminatorFeatures(backend, store, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestBalancedIndices(t *testing.T) {
	labels := make([]int, 100)
	for i := range labels {
		labels[i] = (i * 7) % 4 // 25 of each class 0..3
	}
	idx, err := BalancedIndices(labels, 4, 5, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	count := make([]int, 4)
	for _, i := range idx {
		if seen[i] {
			t.Fatalf("index %d drawn twice", i)
		}
		seen[i] = true
		count[labels[i]]++
	}
	for c, n := range count {
		if n != 5 {
			t.Errorf("class %d: %d indices, want 5", c, n)
		}
	}
	if _, err := BalancedIndices(labels, 4, 26, rand.New(rand.NewPCG(1, 2))); err == nil ||
		!strings.Contains(err.Error(), "class 0 has 25") {
		t.Errorf("too few: error %v", err)
	}
	if _, err := BalancedIndices([]int{0, 5}, 4, 1, rand.New(rand.NewPCG(1, 2))); err == nil ||
		!strings.Contains(err.Error(), "labels[1] = 5") {
		t.Errorf("out of range: error %v", err)
	}
}

// Three well-separated 2-D blobs (centres 8 apart, unit spread) are linearly
// separable with a wide margin: the classifier must get every training and
// every fresh test point right.
func TestTrainSoftmaxSeparable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	centres := [][2]float64{{0, 0}, {8, 0}, {0, 8}}
	draw := func(n int) ([]float32, []int) {
		x := make([]float32, 0, 2*n)
		y := make([]int, n)
		for i := range n {
			c := i % 3
			y[i] = c
			x = append(x, float32(centres[c][0]+rng.NormFloat64()), float32(centres[c][1]+rng.NormFloat64()))
		}
		return x, y
	}
	xTrain, yTrain := draw(60)
	xTest, yTest := draw(300)
	m, err := TrainSoftmax(xTrain, yTrain, 2, 3, SoftmaxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		x    []float32
		y    []int
	}{{"train", xTrain, yTrain}, {"test", xTest, yTest}} {
		pred, err := m.Predict(c.x)
		if err != nil {
			t.Fatal(err)
		}
		if acc := Accuracy(pred, c.y); acc != 1 {
			t.Errorf("%s accuracy %g, want 1 (separable with margin ~4σ)", c.name, acc)
		}
	}
}

// A case whose optimum is known in closed form (checks the objective and
// its gradient together): with a single constant-0 feature only the biases
// matter, and the unpenalised optimum puts softmax(b) at the class
// frequencies (hand derivation), so with 3 of 4 points in class 1,
// p(1) = 3/4, b1 - b0 = log 3 and Loss = -(3/4 log 3/4 + 1/4 log 1/4).
func TestTrainSoftmaxClassFrequencies(t *testing.T) {
	x := []float32{0, 0, 0, 0}
	y := []int{1, 1, 0, 1}
	m, err := TrainSoftmax(x, y, 1, 2, SoftmaxOptions{L2: -1, NoStandardize: true})
	if err != nil {
		t.Fatal(err)
	}
	want := -(0.75*math.Log(0.75) + 0.25*math.Log(0.25)) // 0.5623351446
	if math.Abs(m.Loss-want) > 1e-8 {
		t.Errorf("loss %.10f, want %.10f (status %s)", m.Loss, want, m.Status)
	}
	b0, b1 := m.Weights[2], m.Weights[3]
	if d := b1 - b0; math.Abs(d-math.Log(3)) > 1e-4 {
		t.Errorf("bias difference %g, want log 3 = %g", d, math.Log(3))
	}
}

func TestTrainSoftmaxErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		x    []float32
		y    []int
		want string
	}{
		{"length", []float32{1, 2, 3}, []int{0, 1}, "len(x)=3"},
		{"label", []float32{1, 2}, []int{0, 2}, "labels[1] = 2"},
	} {
		if _, err := TrainSoftmax(c.x, c.y, 1, 2, SoftmaxOptions{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if a := Accuracy([]int{1, 2, 3, 4}, []int{1, 0, 3, 0}); a != 0.5 {
		t.Errorf("Accuracy = %g, want 0.5", a)
	}
	if mse := MeanSquaredError([]float32{1, 2}, []float32{0, 0}); mse != 2.5 {
		t.Errorf("MeanSquaredError = %g, want (1+4)/2 = 2.5", mse)
	}
}

// A classifier on one feature: values below 0 are class 0, above are class 1.
func ExampleTrainSoftmax() {
	x := []float32{-3, -2, -1, 1, 2, 3}
	y := []int{0, 0, 0, 1, 1, 1}
	clf, err := TrainSoftmax(x, y, 1, 2, SoftmaxOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	pred, _ := clf.Predict([]float32{-0.5, 0.5, 10})
	fmt.Println(pred, Accuracy(pred, []int{0, 1, 1}))
	// Output: [0 1 1] 1
}
