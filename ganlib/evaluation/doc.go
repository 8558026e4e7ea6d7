// Package evaluation measures generators the way the 2014 "Generative
// Adversarial Nets" paper does, plus a few later, complementary measures.
//
// # What it maps to in the paper
//
//   - Section 5 and Table 1: the Gaussian Parzen-window log-likelihood of the
//     test set under the generator's samples. EvaluateParzen follows the
//     authors' protocol (their parzen_ll.py): an isotropic Gaussian kernel on
//     each of the (10000) generated samples,
//
//     log p(x) = log( (1/M) Σⱼ exp(-||x-μⱼ||²/(2σ²)) ) - d·log(σ√(2π)),
//
//     σ chosen among numpy.logspace(-1, 0, 10) by the mean log-likelihood of
//     1000 validation examples (never the test set: SelectParzenSigma has no
//     test argument), then the mean over the test examples with its standard
//     error (population std / √N) in nats; MeanBits converts to bits.
//     PaperTable1 holds the paper's numbers with their citation,
//     MeasuredRow/RowFromResult this project's, and TrainingSetRow scores the
//     training set itself as "samples", showing what memorisation would get.
//
//   - Figure 2: NearestNeighbors finds, for each sample, the training example
//     nearest in pixel space (exact, over the whole training set).
//
// # Numerics
//
// Distances are expanded as ||x||² + ||μ||² - 2x·μ in float64. The cross
// term is a matrix product: an FMA kernel written with Go's simd/archsimd
// (AVX2 or AVX-512) when built with GOEXPERIMENT=simd on amd64, gonum's Dgemm
// otherwise or when $GAN_EVALUATION_NO_SIMD is set. Work goes chunk by chunk
// (test points, and samples when they do not fit ParzenOptions.MemoryBudget)
// to one goroutine per core; the full test × samples × pixels difference
// tensor is never built, and the σ sweep shares one distance matrix. The
// expansion's rounding error has a known bound (gemmErrorFactor); the few
// terms whose error could matter (near-duplicates of a sample, tiny σ) are
// recomputed directly as Σₖ(xₖ-μₖ)², and tiny negative values are clamped
// to 0. The log-sum-exp is taken relative to the nearest sample, so a point
// far from every sample in kernel widths gets a large negative, finite
// value, and positive log-densities (memorised samples, small σ) are kept
// as they are. Results do not depend on the chunk size and keep the input
// order (the authors' script strides through the test set; this package
// does not). Per-point values agree with the NumPy anchor in
// shared/anchors/numpy_parzen_bench.py to ~1e-13 relative.
//
// Pure-Go float64 code in a process where GoMLX's SIMD backend has run can
// hit the AVX upper-state penalty (math.Exp ~150x slower on some CPUs); the
// evaluators execute VZEROUPPER (ganlib/internal/cpu.ClearAVXUpperState) at
// the start of every chunk.
//
// # Beyond the paper
//
// ClassHistogramOf (class frequencies of predicted labels and their entropy,
// a mode-collapse signal), FrechetDistance (the Gaussian Fréchet distance
// behind FID) and PrecisionRecall (Kynkäänniemi et al. 2019) work on labels
// or feature vectors given as plain slices. For MNIST, the subpackage
// mnistclf trains (once, cached, reproducible from a seed) the small
// classifier whose predicted labels and 128-d features feed them, and
// mnistclf.Metrics reports all three with their protocol.
//
// # Out of scope
//
// TFD's per-fold protocol (the paper's TFD error is across folds), rendering
// of tables and figures (package kernelext), and training code: this package
// takes *data.Images (or plain slices wrapped by NewVectors) and never
// imports ganlib. Parzen estimates are known to be a poor proxy for
// likelihood in high dimension (Theis et al. 2016); they are provided to
// reproduce Table 1, with σ and sample counts always reported next to them.
package evaluation
