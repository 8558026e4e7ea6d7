package ganlib

// This file declares the configuration types shared by the models
// (models.go, losses.go) and by training (trainer.go, presets.go).
// Presets that fill them live in presets.go.

// Activation names a hidden-layer nonlinearity.
type Activation string

// Activations used by the paper's models.
const (
	ReLU    Activation = "relu"
	Sigmoid Activation = "sigmoid"
	Tanh    Activation = "tanh"
	Linear  Activation = "linear"
)

// NoisePrior names the distribution p_z(z) that G's input is drawn from.
type NoisePrior string

// Noise priors.
const (
	// PriorUniform is uniform on [-sqrt 3, sqrt 3] per coordinate (zero mean,
	// unit variance), as the released MNIST configuration drew it.
	PriorUniform NoisePrior = "uniform"
	// PriorGaussian is the standard normal.
	PriorGaussian NoisePrior = "gaussian"
	// PriorSpherical is uniform on the sphere of radius sqrt(dim).
	PriorSpherical NoisePrior = "spherical"
)

// GeneratorLoss names the objective G minimises (see losses.go).
type GeneratorLoss string

// Generator losses.
const (
	// LossNonSaturating is -log D(G(z)), the paper's practical advice (Section 3):
	// the default.
	LossNonSaturating GeneratorLoss = "non-saturating"
	// LossMinimax is log(1 - D(G(z))), Equation 1 taken literally; it saturates
	// when D rejects the samples confidently.
	LossMinimax GeneratorLoss = "minimax"
	// LossBlend is (1-w)·minimax + w·non-saturating with w = Config.LossBlend.
	LossBlend GeneratorLoss = "blend"
)

// GeneratorConfig describes G: an MLP (or, with Conv set, a transposed
// convolution stack) mapping noise [batch, NoiseDim] to samples
// [batch, H, W, C] (NHWC). Noise enters only at the bottom layer.
type GeneratorConfig struct {
	NoiseDim int
	// Hidden lists the hidden layer widths, bottom first.
	Hidden []int
	// Activations holds one activation per hidden layer (len(Hidden)).
	Activations []Activation
	// Output is the output nonlinearity: Sigmoid for [0,1] data, Tanh for [-1,1].
	Output Activation
	// H, W, C give the output image shape.
	H, W, C int
	// InitRange is r in the uniform weight init U[-r, r], one per layer
	// (len(Hidden)+1); a single value applies to all layers. 0 uses GoMLX's default.
	InitRange []float64
	// OutputBiasFromData sets the output bias to logit(mean pixel) of the
	// training data, as the released configuration did.
	OutputBiasFromData bool
	// MaxColNorm, when > 0, constrains each weight column's L2 norm (per layer
	// or one value for all).
	MaxColNorm []float64
	// Conv selects the transposed-convolution generator (CIFAR-10, Figure 2(d)).
	Conv *ConvGeneratorConfig
	// NumClasses > 0 makes G conditional on a class (Section 7).
	NumClasses int
}

// ConvGeneratorConfig is the transposed-convolution generator.
type ConvGeneratorConfig struct {
	// Start is the spatial size and channel count the dense projection of z is
	// reshaped to, e.g. 4x4x256.
	StartSize, StartChannels int
	// Channels lists the output channels of each up-sampling (stride 2) layer.
	Channels   []int
	KernelSize int
}

// DiscriminatorConfig describes D: maxout layers with dropout on each layer's
// input, ending in one logit (pre-sigmoid), or a convolutional stack.
type DiscriminatorConfig struct {
	// Units and Pieces give each maxout layer's width and number of pieces.
	Units, Pieces []int
	// KeepProb is the dropout keep probability of each layer's input (one per
	// layer, plus one for the final logit layer's input); the inverse scale
	// 1/KeepProb is applied to surviving units at training time.
	KeepProb []float64
	// InitRange and MaxColNorm as in GeneratorConfig.
	InitRange  []float64
	MaxColNorm []float64
	// Conv selects a convolutional discriminator.
	Conv *ConvDiscriminatorConfig
	// NumClasses > 0 makes D conditional on a class (Section 7).
	NumClasses int
}

// ConvDiscriminatorConfig is the convolutional discriminator.
type ConvDiscriminatorConfig struct {
	// Channels lists the output channels of each stride-2 convolution.
	Channels   []int
	KernelSize int
	// Pieces is the number of maxout pieces per convolution channel (1 = ReLU-free linear+leaky).
	Pieces int
}

// OptimizerConfig describes one player's optimizer.
type OptimizerConfig struct {
	// Name is "sgd-momentum" or "adam".
	Name         string
	LearningRate float64
	// LRDecay divides the learning rate by this factor after every update
	// (1.000004 in the released configuration); 0 or 1 means constant.
	LRDecay float64
	// MinLR is the floor of the decayed learning rate (1e-6 released).
	MinLR float64
	// Momentum schedule (sgd-momentum): InitMomentum until epoch
	// MomentumStart, ramped linearly to FinalMomentum at epoch
	// MomentumSaturate (0.5 → 0.7 at epoch 250 released).
	InitMomentum, FinalMomentum     float64
	MomentumStart, MomentumSaturate int
	// Adam's betas and epsilon.
	Beta1, Beta2, Epsilon float64
}

// Config is a whole experiment: both players, the objective, Algorithm 1's k,
// batch size, optimizers and seed.
type Config struct {
	Name          string
	Generator     GeneratorConfig
	Discriminator DiscriminatorConfig
	NoisePrior    NoisePrior
	GeneratorLoss GeneratorLoss
	// LossBlend is the weight of the non-saturating term for LossBlend.
	LossBlend float64
	// K is the number of discriminator steps per generator step (Algorithm 1).
	K int
	// Simultaneous selects the released code's scheme: one simultaneous update
	// of D and G from the same batch, instead of Algorithm 1's alternation.
	Simultaneous bool
	BatchSize    int
	OptD, OptG   OptimizerConfig
	// Seed seeds every random draw of a run; 0 means "draw one and record it".
	Seed uint64
	// DLossWeight multiplies D's loss before its gradient is taken (so it
	// scales D's steps); 0 means 1. The released AdversaryCost2 optimises
	// d_obj = 0.5·(BCE on real + BCE on fake), i.e. 0.5 (added by the trainer
	// owner; read by trainer.go only).
	DLossWeight float64
}
