// Package mnistclf trains, caches and applies a small MNIST classifier, and
// uses it to score generated digits: a Fréchet distance and precision/recall
// on its features, and the histogram of the digits it predicts.
//
// # Relation to the paper
//
// None directly: the 2014 GAN paper scores MNIST generators only with the
// Parzen-window log-likelihood (Table 1; package evaluation). These measures
// came later and are offered "beyond the paper", next to it, never instead
// of it:
//
//   - Frechet: FID's formula (Heusel et al. 2017) on this classifier's
//     128-d features instead of Inception-v3's 2048-d pool features. The
//     values are not comparable with published FIDs, nor across classifier
//     keys. 0 means identical Gaussian fits; larger is worse.
//   - Precision and Recall (Kynkäänniemi et al. 2019, k = 3): precision is
//     the fraction of samples that fall within the data's feature manifold
//     (sample quality), recall the fraction of data within the samples'
//     manifold (coverage). Both in [0, 1], higher is better.
//   - Class histogram and its entropy (nats; ln 10 ≈ 2.303 for uniform
//     digits, 0 for a single digit): the mode-collapse signal for the
//     "Helvetica scenario" of Section 6. The MNIST test set itself has
//     2.3005 nats.
//
// # The classifier
//
// An MLP 784 → 256 → 128 → 10 with ReLU after both hidden layers
// (Architecture, ArchitectureVersion 1; 235,146 parameters; GoMLX dense
// layers, He-normal weights, zero biases). Features are the 128 ReLU
// outputs of the second hidden layer. Input images [N, 28, 28, 1] in their
// declared data.ValueRange are mapped linearly to [0, 1] and clipped.
//
// Training (Options zero value): Adam (lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7,
// GoMLX's optimizer), softmax cross-entropy, batch 128, 8 epochs of
// data.NewBatcher's seeded per-epoch shuffles (remainder dropped: 390 steps
// an epoch), on MNIST train[0:50000] as data.LoadMNIST splits it. The
// Store's RNG (weight initialisation) and the batch order are both seeded
// with Options.Seed (default 1). No augmentation, regularisation or early
// stopping: the accuracy on train[50000:60000] is recorded after each epoch
// (Info.EpochValidAccuracy) but selects nothing.
//
// Measured (pure-Go backend with GOEXPERIMENT=simd, amd64, seed 1, GoMLX
// v0.28.1, Go 1.26): test accuracy 97.74% on the 10000 MNIST test images
// (validation 97.86% after epoch 8; mean training loss of the last epoch
// 0.0175 nats); about 25 s of training on 2 shared cores. Two runs with one
// seed give bit-identical weights files on one backend and machine type;
// another backend (XLA) rounds differently, which is why its name is part
// of the cache key. Features of 10000 images take about 0.14 s; Metrics on
// 10000 vs 10000 images 3-11 s depending on machine load, nearly all of it
// in evaluation.PrecisionRecall's pairwise distances (one core).
//
// Reference values, same classifier, MNIST test[0:10000] as reference:
// 10000 training images score Fréchet 1.18, precision 0.859, recall 0.855
// (the floor a perfect generator could reach with 10000 samples: different
// writers and finite-sample bias); 100 copies of one training digit score
// Fréchet 666, precision 0, recall 0, entropy 0.
//
// # Cache
//
// Load keeps each trained classifier in
//
//	os.UserCacheDir()/gan-notebooks/mnistclf/<key>/   (Options.CacheDir overrides the root)
//	    checkpoint-*.json, checkpoint-*.bin           weights (GoMLX checkpoint package)
//	    manifest.json                                 Info: settings, accuracies, SHA-256 of both files
//
// with <key> = CacheKey(opts, backend), e.g.
// "v1-mlp784-256-128-10-relu-seed1-ep8-bs128-lr0.001-n50000-go-backend".
// An entry is written into a temporary folder, fsynced and renamed into
// place, so it is either complete or absent. Before use every file is
// checked against its SHA-256; a mismatch (or a missing or extra file) is
// retrained and replaced, or returned as an error naming the file with
// Options.FailOnCorruptCache. A cache hit does not read MNIST.
//
// # Protocol
//
// Every SampleQuality carries a Protocol string naming both sets, their
// sizes, k and the classifier key with its test accuracy; String prints it
// under the numbers. Compare numbers only under the same protocol: the
// Fréchet distance shrinks and precision/recall grow with the sample count.
// The usual set-up is 10000 samples of G against the 10000 MNIST test
// images.
//
// # Out of scope
//
// Inception-based FID/IS, classifiers for other data sets (TFD, CIFAR-10),
// and training G or D: this package imports neither package ganlib nor
// kernelext.
package mnistclf
