// Package ganlib is the 2014 "Generative Adversarial Nets" paper
// (Goodfellow et al.) in code, built on GoMLX: the two players, their value
// function, the training procedure and the tools to look at what G learned.
//
// # How the package maps to the paper
//
// The generator G(z; θ_g) maps noise z ~ p_z(z) to a sample; the distribution
// of G(z) is p_g. Generator builds it as a GoMLX graph: an MLP (the released
// MNIST/TFD models: ReLU hidden layers, sigmoid output) or, with
// GeneratorConfig.Conv, the up-sampling convolutional G of the CIFAR-10 model
// (Figure 2(d)). SampleNoise and NoiseBatch draw z from the priors p_z
// (uniform on [-√3, √3], Gaussian, spherical).
//
// The discriminator D(x; θ_d) is the probability that x came from the data
// rather than from p_g. DiscriminatorLogits returns its logit a, with
// D(x) = sigmoid(a): maxout layers with dropout on every layer's input, as in
// the released MNIST D, or a convolutional D. Labels follow the paper:
// real = 1, fake = 0.
//
// The value function of Equation 1,
//
//	V(D, G) = E_x~p_data[log D(x)] + E_z~p_z[log(1 - D(G(z)))],
//
// is ValueFunction; D maximises it, so D minimises DiscriminatorLoss = -V.
// G minimises V's second term, GeneratorLossFromLogits(LossMinimax, ...), or,
// as Section 3 advises and this project does by default, maximises log D(G(z))
// instead (LossNonSaturating), which gives strong gradients early in learning
// when D rejects G's samples confidently. All losses are computed from logits
// with softplus, finite for every float32 logit, with no epsilon or clamp.
//
// Algorithm 1 (minibatch SGD, k steps of D for each step of G) is
// Trainer.Step: Config.K is k, each D step draws a fresh data batch and fresh
// noise, then one G step draws fresh noise. Trainer.StepD and Trainer.StepG
// run the two halves on their own (the notebooks use them to show the update
// order, and to train one player alone). Config.Simultaneous selects the
// released code's single simultaneous update of both players instead.
// StepMetrics carries V(D,G), both objectives, mean D(x) and D(G(z)) and the
// gradient norms of every step. The players' optimizers (momentum SGD with
// the released learning-rate and momentum schedules, or Adam) keep separate
// state and separate step counters. Preset returns the released MNIST
// configuration and the paper's other set-ups; DiffPresets compares two.
//
// Trainer.Save writes a checkpoint atomically (both players, both optimizer
// states, the counters, the random state and the data order); LoadTrainer
// resumes it exactly. Train stops at the first non-finite loss or parameter,
// and after the current step when its context is cancelled.
//
// The theory of Section 4 is in theory.go, on closed-form 1-D densities: the
// optimal discriminator D*_G = p_data / (p_data + p_g) (Proposition 1),
// C(G) = -log 4 + 2·JSD(p_data || p_g) (Theorem 1) and gradient descent on a
// histogram p_g (Proposition 2). ToyGame (toy_game.go) trains the 1-D model
// (H = W = C = 1, Output = Linear) and measures it against them, for
// Figure 1.
//
// Section 7's conditional model p(x | c) is GeneratorConfig.NumClasses and
// DiscriminatorConfig.NumClasses: the class's one-hot code is an extra input
// of both players. extensions.go holds the other Section 7 experiments (a
// learned inference network for z, and D's features for classification). Figure 3's walks in z-space are LerpNoise and SlerpNoise.
//
// Sampler and Scorer run G and D in inference mode (no dropout, compiled once,
// reused): a sample depends only on its own z. SaturationMonitor flags a
// discriminator that wins outright (mean D(x) near 1, D(G(z)) near 0), and
// MeasureDiversity / CollapseFlag flag mode collapse (Section 6's "Helvetica
// scenario") from the mean pairwise distance of a sample grid.
//
// Variables of G and D live in separate scopes (GeneratorScopeName,
// DiscriminatorScopeName) of one model.Store, so they share no parameters and
// each player's optimizer updates only its own.
//
// # Backends
//
// Every graph here uses only ops that GoMLX's pure-Go backend ("go") can
// differentiate (tested); XLA ("xla:cpu", "xla:cuda") runs them too. See
// Backend for how the backend is chosen.
//
// # Out of scope
//
// Parzen-window log-likelihood estimates and nearest-neighbour checks live in
// ganlib/evaluation; datasets in package data; display in kernelext. The
// paper's deep Boltzmann machine, deep belief net and stacked CAE baselines of
// Table 1, and later GAN variants (DCGAN batch norm,
// Wasserstein losses, spectral normalisation) are not implemented.
package ganlib
