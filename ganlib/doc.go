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
// Algorithm 1 (minibatch SGD, k steps of D for each step of G) is in the
// trainer (trainer.go): Config.K is k, Config.Simultaneous selects the
// released code's single simultaneous update instead. The optimal
// discriminator D*_G = p_data / (p_data + p_g) (Proposition 1) and the
// global optimum p_g = p_data with V = -log 4 (Theorem 1) are what the 1-D
// toy model (H = W = C = 1, Output = Linear, Figure 1) lets a notebook draw.
//
// Section 7's conditional model p(x | c) is GeneratorConfig.NumClasses and
// DiscriminatorConfig.NumClasses: the class's one-hot code is an extra input
// of both players. Figure 3's walks in z-space are LerpNoise and SlerpNoise.
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
// Table 1, the approximate-inference and semi-supervised extensions of
// Section 7 other than p(x | c), and later GAN variants (DCGAN batch norm,
// Wasserstein losses, spectral normalisation) are not implemented.
package ganlib
