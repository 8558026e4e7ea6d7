package ganlib

// Named experiment configurations. The released ones follow the authors'
// pylearn2 files in github.com/goodfeli/adversarial (read through the
// project's code-search tool, December 2026): mnist.yaml at commit f77a5093
// (the version with `noise: 'uniform'`), tfd_pretrain/train.yaml at 34d5993e,
// cifar10_fully_connected.yaml and cifar10_convolutional.yaml at 600ee5cc.
// Where those files cannot be expressed with Config, the preset's comment says
// what is assumed.

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pkg/errors"
)

// releasedSGD is the optimizer every released yaml uses, with its own
// learning rate: SGD with pylearn2's Momentum rule (init_momentum .5),
// ExponentialDecay(decay_factor 1.000004, min_lr 1e-6) after every update,
// and MomentumAdjustor(start 1, saturate 250, final_momentum .7).
func releasedSGD(lr float64) OptimizerConfig {
	return OptimizerConfig{
		Name:             OptimizerMomentum,
		LearningRate:     lr,
		LRDecay:          1.000004,
		MinLR:            1e-6,
		InitMomentum:     0.5,
		FinalMomentum:    0.7,
		MomentumStart:    1,
		MomentumSaturate: 250,
	}
}

// adamConfig is Adam with the betas of the DCGAN-era practice (beta1 .5),
// used by the non-released presets.
func adamConfig(lr, beta1 float64) OptimizerConfig {
	return OptimizerConfig{Name: OptimizerAdam, LearningRate: lr, Beta1: beta1, Beta2: 0.999, Epsilon: 1e-8}
}

var presets = map[string]func() Config{
	// mnist-released is mnist.yaml exactly:
	//   G: nvis 100 → RectifiedLinear h0 1200 → RectifiedLinear h1 1200 →
	//      Sigmoid y 784, every irange .05, y's init_bias from the data
	//      marginals (init_sigmoid_bias_from_marginals), noise 'uniform'
	//      (adversarial.Generator: U[-sqrt 3, sqrt 3]).
	//   D: Maxout h0 240 units × 5 pieces → Maxout h1 240 × 5 → Sigmoid y 1,
	//      every irange .005.
	//   AdversaryCost2: d_obj = 0.5·(BCE(real) + BCE(fake)) (DLossWeight .5),
	//      dropout include prob .8 (scale 1.25) on h0's input,
	//      .5 (scale 2) on every other layer's input; scale_grads 0; one
	//      simultaneous update of D and G from the same batch and samples
	//      (sgd.SGD on the summed cost with separate gradients).
	//   G's objective there is cost(y=1, D(G(z))) = -log D(G(z)): the
	//      non-saturating loss, so the default is not a deviation here.
	//   SGD batch 100, learning rate .1, momentum .5 → .7 (epochs 1..250),
	//      lr / 1.000004 per update down to 1e-6. Training set: the first
	//      50000 MNIST training images.
	// Note: mnist.yaml sets no max_col_norm (only the TFD file does), so
	// MaxColNorm is empty here.
	"mnist-released": mnistReleased,
	// mnist-alg1 is mnist-released trained with Algorithm 1's alternation
	// (k = 1 D step on its own batch, then one G step on fresh noise).
	"mnist-alg1": func() Config {
		c := mnistReleased()
		c.Name, c.Simultaneous, c.K = "mnist-alg1", false, 1
		return c
	},
	// tfd follows tfd_pretrain/train.yaml: D maxout 1200×5 twice then a
	// sigmoid unit, irange .005, max_col_norm 1.9365 on every D layer and
	// on G's layers; lr .05; noise not set in the yaml, so Generator's
	// default, Gaussian. ASSUMED: the released G appends layers of a
	// separately pretrained network (pretrain.pkl) after 100→8000 ReLU →
	// 100 sigmoid; we use 100 → 8000 ReLU → 8000 sigmoid → 48·48 sigmoid,
	// the shape of the CIFAR-10 fully connected G, instead.
	"tfd": func() Config {
		return Config{
			Name: "tfd",
			Generator: GeneratorConfig{
				NoiseDim: 100, Hidden: []int{8000, 8000}, Activations: []Activation{ReLU, Sigmoid},
				Output: Sigmoid, H: 48, W: 48, C: 1,
				InitRange: []float64{0.05}, OutputBiasFromData: true, MaxColNorm: []float64{1.9365},
			},
			Discriminator: DiscriminatorConfig{
				Units: []int{1200, 1200}, Pieces: []int{5, 5},
				KeepProb:  []float64{0.8, 0.5, 0.5},
				InitRange: []float64{0.005}, MaxColNorm: []float64{1.9365},
			},
			NoisePrior: PriorGaussian, GeneratorLoss: LossNonSaturating,
			K: 1, Simultaneous: true, BatchSize: 100, DLossWeight: 0.5,
			OptD: releasedSGD(0.05), OptG: releasedSGD(0.05),
		}
	},
	// cifar10-fc is cifar10_fully_connected.yaml: G 100 → 8000 ReLU →
	// 8000 sigmoid → 3072 linear (irange .05, .05, .5), D maxout 1600×5
	// twice then sigmoid (irange .005), dropout as MNIST, batch 100, lr .025,
	// Gaussian noise (Generator's default). The yaml trains on
	// global-contrast-normalised CIFAR-10 (gcn 55), hence the linear output.
	"cifar10-fc": func() Config {
		return Config{
			Name: "cifar10-fc",
			Generator: GeneratorConfig{
				NoiseDim: 100, Hidden: []int{8000, 8000}, Activations: []Activation{ReLU, Sigmoid},
				Output: Linear, H: 32, W: 32, C: 3,
				InitRange: []float64{0.05, 0.05, 0.5},
			},
			Discriminator: DiscriminatorConfig{
				Units: []int{1600, 1600}, Pieces: []int{5, 5},
				KeepProb:  []float64{0.8, 0.5, 0.5},
				InitRange: []float64{0.005},
			},
			NoisePrior: PriorGaussian, GeneratorLoss: LossNonSaturating,
			K: 1, Simultaneous: true, BatchSize: 100, DLossWeight: 0.5,
			OptD: releasedSGD(0.025), OptG: releasedSGD(0.025),
		}
	},
	// cifar10-conv follows cifar10_convolutional.yaml where Config can say
	// it: batch 128, lr .004, G 100 → 8000 ReLU → 8000 sigmoid → transposed
	// convolution to 32×32×3 (irange .05), D three maxout convolutions
	// (32, 32, 192 channels, 2 pieces) then maxout 500×5 then sigmoid
	// (irange .005), dropout .8 on the input and .5 elsewhere. ASSUMED: the
	// released G reshapes to 10×10×80 and applies one stride-3 5×5
	// deconvolution, and D uses 8×8/8×8/5×5 kernels with max pooling; here
	// G starts at 8×8×125 with two stride-2 5×5 layers and D uses 5×5
	// stride-2 convolutions without pooling, and the convolutional D has no
	// dense maxout 500×5 layer (the convolutions feed the logit directly), so
	// KeepProb has one entry per convolution plus the logit's.
	"cifar10-conv": func() Config {
		return Config{
			Name: "cifar10-conv",
			Generator: GeneratorConfig{
				NoiseDim: 100, Hidden: []int{8000, 8000}, Activations: []Activation{ReLU, Sigmoid},
				Output: Linear, H: 32, W: 32, C: 3,
				InitRange: []float64{0.05},
				Conv:      &ConvGeneratorConfig{StartSize: 8, StartChannels: 125, Channels: []int{64, 3}, KernelSize: 5},
			},
			Discriminator: DiscriminatorConfig{
				KeepProb:  []float64{0.8, 0.5, 0.5, 0.5},
				InitRange: []float64{0.005},
				Conv:      &ConvDiscriminatorConfig{Channels: []int{32, 32, 192}, KernelSize: 5, Pieces: 2},
			},
			NoisePrior: PriorGaussian, GeneratorLoss: LossNonSaturating,
			K: 1, Simultaneous: true, BatchSize: 128, DLossWeight: 0.5,
			OptD: releasedSGD(0.004), OptG: releasedSGD(0.004),
		}
	},
	// quick is a small MNIST-shaped GAN for tests and notebooks' quick mode:
	// G 32 → 256 ReLU → 784 sigmoid, D maxout 64×3 with dropout .8 / .5,
	// Algorithm 1 with k = 1, batch 64, Adam lr 1e-3 (beta1 .5). Not from the
	// paper: chosen to train in seconds on a CPU.
	"quick": func() Config {
		return Config{
			Name: "quick",
			Generator: GeneratorConfig{
				NoiseDim: 32, Hidden: []int{256}, Activations: []Activation{ReLU},
				Output: Sigmoid, H: 28, W: 28, C: 1,
				InitRange: []float64{0.05}, OutputBiasFromData: true,
			},
			Discriminator: DiscriminatorConfig{
				Units: []int{64}, Pieces: []int{3},
				KeepProb:  []float64{0.8, 0.5},
				InitRange: []float64{0.005},
			},
			NoisePrior: PriorUniform, GeneratorLoss: LossNonSaturating,
			K: 1, BatchSize: 64,
			OptD: adamConfig(1e-3, 0.5), OptG: adamConfig(1e-3, 0.5),
		}
	},
	// toy1d is Figure 1's game: 1-D data (see ToyGaussian), 1-D uniform z,
	// G 1 → 16 ReLU → 1 linear, D maxout 16×4 twice (no dropout), Algorithm 1
	// with k = 1, batch 64, Adam lr 2e-3 (beta1 .5). Not from the paper (which
	// gives no numbers for Figure 1): sized so the toy converges in seconds.
	"toy1d": func() Config {
		return Config{
			Name: "toy1d",
			Generator: GeneratorConfig{
				NoiseDim: 1, Hidden: []int{16}, Activations: []Activation{ReLU},
				Output: Linear, H: 1, W: 1, C: 1,
			},
			Discriminator: DiscriminatorConfig{
				Units: []int{16, 16}, Pieces: []int{4, 4},
				KeepProb: []float64{1, 1, 1},
			},
			NoisePrior: PriorUniform, GeneratorLoss: LossNonSaturating,
			K: 1, BatchSize: 64,
			OptD: adamConfig(2e-3, 0.5), OptG: adamConfig(2e-3, 0.5),
		}
	},
}

func mnistReleased() Config {
	return Config{
		Name: "mnist-released",
		Generator: GeneratorConfig{
			NoiseDim: 100, Hidden: []int{1200, 1200}, Activations: []Activation{ReLU, ReLU},
			Output: Sigmoid, H: 28, W: 28, C: 1,
			InitRange: []float64{0.05}, OutputBiasFromData: true,
		},
		Discriminator: DiscriminatorConfig{
			Units: []int{240, 240}, Pieces: []int{5, 5},
			KeepProb:  []float64{0.8, 0.5, 0.5},
			InitRange: []float64{0.005},
		},
		NoisePrior:    PriorUniform,
		GeneratorLoss: LossNonSaturating,
		K:             1,
		Simultaneous:  true,
		BatchSize:     100,
		DLossWeight:   0.5,
		OptD:          releasedSGD(0.1),
		OptG:          releasedSGD(0.1),
	}
}

// PresetNames lists the names Preset accepts, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for name := range presets {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Preset returns a fresh copy of the named configuration (see PresetNames).
// Seed is 0 ("draw one"); set it for a reproducible run.
func Preset(name string) (Config, error) {
	fn, ok := presets[name]
	if !ok {
		return Config{}, errors.Errorf("ganlib: unknown preset %q; valid: %s", name,
			strings.Join(PresetNames(), ", "))
	}
	return fn(), nil
}

// MustPreset is Preset for notebooks: it panics on an unknown name.
func MustPreset(name string) Config {
	c, err := Preset(name)
	if err != nil {
		panic(err)
	}
	return c
}

// DiffPresets returns the fields where a and b differ, one per line, as
// "Path: a-value → b-value" (e.g. "OptD.LearningRate: 0.1 → 0.05"), sorted
// by field order; "" when they are equal.
func DiffPresets(a, b Config) string {
	var lines []string
	diffValues("", reflect.ValueOf(a), reflect.ValueOf(b), &lines)
	return strings.Join(lines, "\n")
}

func diffValues(prefix string, a, b reflect.Value, lines *[]string) {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			name := a.Type().Field(i).Name
			if prefix != "" {
				name = prefix + "." + name
			}
			diffValues(name, a.Field(i), b.Field(i), lines)
		}
	case reflect.Pointer:
		switch {
		case a.IsNil() && b.IsNil():
		case a.IsNil() || b.IsNil():
			*lines = append(*lines, fmt.Sprintf("%s: %s → %s", prefix, showValue(a), showValue(b)))
		default:
			diffValues(prefix, a.Elem(), b.Elem(), lines)
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*lines = append(*lines, fmt.Sprintf("%s: %s → %s", prefix, showValue(a), showValue(b)))
		}
	}
}

func showValue(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "nil"
		}
		return fmt.Sprintf("%+v", v.Elem().Interface())
	}
	if v.Kind() == reflect.String {
		return fmt.Sprintf("%q", v.String())
	}
	return fmt.Sprintf("%v", v.Interface())
}
