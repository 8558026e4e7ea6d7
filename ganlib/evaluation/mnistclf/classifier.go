package mnistclf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers the pure-Go backend, "go"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// Defaults of Options.
const (
	DefaultSeed         = 1
	DefaultEpochs       = 8
	DefaultBatchSize    = 128
	DefaultLearningRate = 1e-3
	// DefaultTrainExamples is the paper's MNIST training part, train[0:50000].
	DefaultTrainExamples = 50000
)

// inferBatch is the number of images per inference call (the last chunk is
// zero-padded, so one graph serves every call).
const inferBatch = 1000

// Options configures Load. The zero value trains (or loads) the documented
// classifier: seed 1, 8 epochs of Adam (lr 1e-3, β 0.9/0.999, ε 1e-7), batch
// 128, on MNIST train[0:50000], cached under os.UserCacheDir().
type Options struct {
	// Seed seeds the weight initialisation (the Store's RNG) and the batch
	// order (data.NewBatcher). 0 means DefaultSeed.
	Seed uint64
	// Epochs, BatchSize, LearningRate: training settings; 0 means default.
	Epochs       int
	BatchSize    int
	LearningRate float64
	// TrainExamples trains on train[0:TrainExamples] only (tiny runs in
	// tests); 0 means DefaultTrainExamples, the whole training part.
	TrainExamples int

	// CacheDir is the cache root; "" means
	// os.UserCacheDir()/gan-notebooks/mnistclf. Entries live in
	// CacheDir/<CacheKey>/.
	CacheDir string
	// NoCache trains without reading or writing the cache.
	NoCache bool
	// FailOnCorruptCache makes Load return an error when a cache entry
	// exists but fails verification; by default it is retrained and
	// replaced (Classifier.CacheNote says why).
	FailOnCorruptCache bool

	// MNISTDir, when set, is the only folder searched for the MNIST IDX
	// files (data.MNISTOptions.Dir). MNIST is read only when training.
	MNISTDir string
	// Backend runs the graphs; nil means a process-wide backend from
	// compute.New() ($GOMLX_BACKEND, else the pure-Go backend).
	Backend compute.Backend
}

// withDefaults fills in zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Epochs == 0 {
		o.Epochs = DefaultEpochs
	}
	if o.BatchSize == 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.LearningRate == 0 {
		o.LearningRate = DefaultLearningRate
	}
	if o.TrainExamples == 0 {
		o.TrainExamples = DefaultTrainExamples
	}
	switch {
	case o.Epochs < 0:
		return o, errors.Errorf("mnistclf: Options.Epochs=%d, want > 0", o.Epochs)
	case o.BatchSize < 0:
		return o, errors.Errorf("mnistclf: Options.BatchSize=%d, want > 0", o.BatchSize)
	case !(o.LearningRate > 0) || o.LearningRate > 1:
		return o, errors.Errorf("mnistclf: Options.LearningRate=%g, want in (0, 1]", o.LearningRate)
	case o.TrainExamples < o.BatchSize || o.TrainExamples > DefaultTrainExamples:
		return o, errors.Errorf("mnistclf: Options.TrainExamples=%d, want in [BatchSize=%d, %d]",
			o.TrainExamples, o.BatchSize, DefaultTrainExamples)
	}
	return o, nil
}

// CacheKey names the cache entry of the classifier opts describes when
// trained on the named backend ("go", "xla", ...): architecture version,
// seed and training settings, e.g.
// "v1-mlp784-256-128-10-relu-seed1-ep6-bs128-lr0.001-n50000-go". Different
// backends round differently, so they get different entries.
func CacheKey(opts Options, backendName string) (string, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("v%d-%s-seed%d-ep%d-bs%d-lr%g-n%d-%s", ArchitectureVersion, Architecture,
		o.Seed, o.Epochs, o.BatchSize, o.LearningRate, o.TrainExamples, keyPart(backendName)), nil
}

// keyPart lower-cases s and replaces anything but letters, digits, '.' and
// '_' by '-' ("Go Backend" → "go-backend").
func keyPart(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_') {
			b[i] = '-'
		}
	}
	return string(b)
}

// DefaultCacheDir returns os.UserCacheDir()/gan-notebooks/mnistclf.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", errors.Wrap(err, "mnistclf: no user cache folder (set Options.CacheDir)")
	}
	return filepath.Join(dir, "gan-notebooks", "mnistclf"), nil
}

// Info describes a trained classifier; it is stored as manifest.json in
// its cache entry.
type Info struct {
	Format int
	// Key is the cache key (CacheKey).
	Key          string
	Architecture string
	Seed         uint64
	Epochs       int
	BatchSize    int
	LearningRate float64
	// TrainSet and ValidSet name the data, e.g. "MNIST train[0:50000]".
	TrainSet, ValidSet string
	// EpochLoss is the mean training cross-entropy (nats) of each epoch;
	// EpochValidAccuracy the accuracy on ValidSet after each epoch.
	EpochLoss          []float64
	EpochValidAccuracy []float64
	// TestAccuracy is the accuracy on the 10000 MNIST test images.
	TestAccuracy float64
	// NumParameters is the number of weights and biases.
	NumParameters int
	// Backend, GoVersion, GoMLXVersion, GOARCH: where it was trained.
	Backend, GoVersion, GoMLXVersion, GOARCH string
	TrainSeconds                             float64
	Created                                  time.Time
	// Files maps each weights file of the entry to its SHA-256 (hex).
	Files map[string]string
}

// Classifier is a trained MNIST classifier. Its methods are safe for
// concurrent use.
type Classifier struct {
	// Info describes the classifier (settings, accuracies, checksums).
	Info Info
	// Dir is its cache entry ("" when trained with NoCache).
	Dir string
	// FromCache is true when the weights were read from the cache.
	FromCache bool
	// CacheNote says why the cache was not used when FromCache is false
	// ("no entry", a failed verification, "NoCache").
	CacheNote string

	backend compute.Backend
	store   *model.Store
	mu      sync.Mutex
	exec    *model.Exec
}

var (
	defaultBackendOnce sync.Once
	defaultBackend     compute.Backend
	defaultBackendErr  error
)

func backendFor(opts Options) (compute.Backend, error) {
	if opts.Backend != nil {
		return opts.Backend, nil
	}
	defaultBackendOnce.Do(func() {
		defaultBackend, defaultBackendErr = compute.New()
		if defaultBackendErr == nil {
			klog.V(1).Infof("mnistclf: backend %s", defaultBackend.Name())
		}
	})
	return defaultBackend, errors.WithMessage(defaultBackendErr, "mnistclf: creating a backend")
}

// Load returns the classifier opts describes: read from its cache entry
// when one exists and verifies (SHA-256 of every weights file), otherwise
// trained on MNIST (about 25 s on the pure-Go backend, 2 cores) and written to
// the cache atomically. A corrupt entry is retrained and replaced, or
// reported as an error naming the file when opts.FailOnCorruptCache is set.
// ctx cancels training between steps.
func Load(ctx context.Context, opts Options) (*Classifier, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	backend, err := backendFor(o)
	if err != nil {
		return nil, err
	}
	key, _ := CacheKey(o, backend.Name())
	note := "NoCache"
	var dir, root string
	if !o.NoCache {
		root = o.CacheDir
		if root == "" {
			if root, err = DefaultCacheDir(); err != nil {
				return nil, err
			}
		}
		dir = filepath.Join(root, key)
		clf, err := readEntry(backend, dir)
		switch {
		case err == nil:
			if clf.Info.Key != key {
				err = errors.Errorf("mnistclf: %s: manifest key %q, want %q",
					filepath.Join(dir, manifestName), clf.Info.Key, key)
				break
			}
			klog.V(1).Infof("mnistclf: loaded %s (test accuracy %.4f)", dir, clf.Info.TestAccuracy)
			return clf, nil
		case err == errNoEntry:
			note = "no cache entry " + dir
		}
		if err != nil && note == "NoCache" {
			if o.FailOnCorruptCache {
				return nil, err
			}
			note = "cache entry failed verification, retrained: " + err.Error()
			klog.V(1).Infof("mnistclf: %s", note)
		}
	}

	// train
	clf, err := train(ctx, backend, o, key)
	if err != nil {
		return nil, err
	}
	clf.CacheNote = note
	if o.NoCache {
		return clf, nil
	}
	if err := writeEntry(clf, root, key); err != nil {
		return nil, err
	}
	clf.Dir = dir
	return clf, nil
}

// Train trains a classifier as Load would, without touching the cache.
func Train(ctx context.Context, opts Options) (*Classifier, error) {
	opts.NoCache = true
	return Load(ctx, opts)
}

// train runs the training described in the package documentation.
func train(ctx context.Context, backend compute.Backend, o Options, key string) (*Classifier, error) {
	start := time.Now()
	split, err := data.LoadMNIST(data.MNISTOptions{Dir: o.MNISTDir})
	if err != nil {
		return nil, errors.WithMessage(err, "mnistclf: loading MNIST to train the classifier")
	}
	trainSet := split.Train.Subset(o.TrainExamples)
	batcher, err := data.NewBatcher(trainSet, o.BatchSize, o.Seed, data.BatcherOptions{})
	if err != nil {
		return nil, errors.WithMessage(err, "mnistclf")
	}

	// seeded store and the step executable
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(o.Seed))
	if err := store.SetRNGStateFromSeed(int64(o.Seed)); err != nil {
		return nil, errors.WithMessage(err, "mnistclf: seeding the store")
	}
	opt := optimizer.Adam().LearningRate(o.LearningRate).Done()
	step, err := model.NewExec(backend, store, trainStepGraph(opt))
	if err != nil {
		return nil, errors.WithMessage(err, "mnistclf: building the training step")
	}
	step.WithName("mnistclf.TrainStep")
	defer step.Finalize()
	clf := &Classifier{backend: backend, store: store}
	info := Info{
		Format: manifestFormat, Key: key, Architecture: Architecture, Seed: o.Seed,
		Epochs: o.Epochs, BatchSize: o.BatchSize, LearningRate: o.LearningRate,
		TrainSet: fmt.Sprintf("MNIST train[0:%d]", trainSet.N), ValidSet: "MNIST train[50000:60000]",
		Backend: backend.Name(), GoVersion: runtime.Version(), GOARCH: runtime.GOARCH,
		GoMLXVersion: gomlxVersion(),
	}

	// epochs of shuffled minibatches
	batch := &data.Images{}
	x := make([]float32, o.BatchSize*InputDim)
	labels := make([]int32, o.BatchSize)
	steps := batcher.BatchesPerEpoch()
	for epoch := range o.Epochs {
		var sum float64
		for range steps {
			if err := ctx.Err(); err != nil {
				return nil, errors.Wrap(err, "mnistclf: training interrupted")
			}
			batcher.NextInto(batch)
			unitPixels(batch, 0, batch.N, x)
			for i, l := range batch.Labels {
				labels[i] = int32(l)
			}
			l, err := runStep(step, x, labels)
			if err != nil {
				return nil, err
			}
			sum += l
		}
		info.EpochLoss = append(info.EpochLoss, sum/float64(steps))
		acc, err := clf.Accuracy(split.Valid)
		if err != nil {
			return nil, err
		}
		info.EpochValidAccuracy = append(info.EpochValidAccuracy, acc)
		klog.V(2).Infof("mnistclf: epoch %d loss %.4f valid accuracy %.4f", epoch+1,
			info.EpochLoss[epoch], acc)
	}
	info.TrainSeconds = time.Since(start).Seconds()

	// keep only the weights: the inference store
	weights := model.NewStore()
	for v := range store.IterVariables() {
		if v.Trainable && isWeight(v.Path()) {
			if _, err := v.CloneToStore(weights); err != nil {
				return nil, errors.WithMessagef(err, "mnistclf: copying %s", v.Path())
			}
			info.NumParameters += v.Shape().Size()
		}
	}
	clf.mu.Lock()
	if clf.exec != nil {
		clf.exec.Finalize()
		clf.exec = nil
	}
	clf.store = weights
	clf.mu.Unlock()
	if info.TestAccuracy, err = clf.Accuracy(split.Test); err != nil {
		return nil, err
	}
	info.Created = time.Now().UTC()
	clf.Info = info
	klog.V(1).Infof("mnistclf: trained %s in %.1fs, test accuracy %.4f", key, info.TrainSeconds,
		info.TestAccuracy)
	return clf, nil
}

// isWeight reports whether a variable path belongs to the network.
func isWeight(path string) bool {
	prefix := "/" + scopeName + "/"
	return len(path) > len(prefix) && path[:len(prefix)] == prefix
}

func runStep(step *model.Exec, x []float32, labels []int32) (l float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("mnistclf: training step: %v", r)
		}
	}()
	outs, err := step.Call(tensors.FromFlatDataAndDimensions(x, len(labels), InputDim),
		tensors.FromFlatDataAndDimensions(labels, len(labels), 1))
	if err != nil {
		return 0, errors.WithMessage(err, "mnistclf: training step")
	}
	v, err := tensors.CopyFlatData[float32](outs[0])
	outs[0].MustFinalizeAll()
	if err != nil {
		return 0, errors.WithMessage(err, "mnistclf: training step")
	}
	return float64(v[0]), nil
}

func gomlxVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/gomlx/gomlx" {
				return dep.Version
			}
		}
	}
	return ""
}

// unitPixels writes images [i, j) of im into dst (row-major [j-i, 784]),
// mapped linearly from im.Range to [0, 1] and clipped to [0, 1].
func unitPixels(im *data.Images, i, j int, dst []float32) {
	lo, hi := im.Range.Min, im.Range.Max
	if hi <= lo { // undeclared range: take the values as they are
		lo, hi = 0, 1
	}
	scale := 1 / (hi - lo)
	src := im.Pix[i*InputDim : j*InputDim]
	for k, p := range src {
		v := (p - lo) * scale
		dst[k] = min(max(v, 0), 1)
	}
}

// checkImages validates images for the classifier.
func checkImages(fn string, im *data.Images, needLabels bool) error {
	if im == nil {
		return errors.Errorf("mnistclf.%s: images are nil", fn)
	}
	if err := im.Validate(); err != nil {
		return errors.WithMessagef(err, "mnistclf.%s", fn)
	}
	if im.H != 28 || im.W != 28 || im.C != 1 {
		return errors.Errorf("mnistclf.%s: images are [%d %d %d %d], want [N 28 28 1]",
			fn, im.N, im.H, im.W, im.C)
	}
	if needLabels && im.Labels == nil {
		return errors.Errorf("mnistclf.%s: images have no Labels", fn)
	}
	return nil
}

// infer runs the network on all images, chunk by chunk, calling fn with
// each chunk's predicted classes and features (row-major [n, 128]).
func (c *Classifier) infer(fn string, im *data.Images, each func(i0 int, pred []int32, feat []float32)) (err error) {
	if err := checkImages(fn, im, false); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("mnistclf.%s: %v", fn, r)
		}
	}()
	if c.exec == nil {
		if c.exec, err = model.NewExec(c.backend, c.store, inferGraph); err != nil {
			return errors.WithMessagef(err, "mnistclf.%s: building the inference graph", fn)
		}
		c.exec.WithName("mnistclf.Infer")
	}
	x := make([]float32, inferBatch*InputDim)
	for i0 := 0; i0 < im.N; i0 += inferBatch {
		i1 := min(im.N, i0+inferBatch)
		clear(x[(i1-i0)*InputDim:])
		unitPixels(im, i0, i1, x)
		outs, err := c.exec.Call(tensors.FromFlatDataAndDimensions(x, inferBatch, InputDim))
		if err != nil {
			return errors.WithMessagef(err, "mnistclf.%s", fn)
		}
		pred, err := tensors.CopyFlatData[int32](outs[0])
		if err != nil {
			return errors.WithMessagef(err, "mnistclf.%s", fn)
		}
		feat, err := tensors.CopyFlatData[float32](outs[1])
		if err != nil {
			return errors.WithMessagef(err, "mnistclf.%s", fn)
		}
		outs[0].MustFinalizeAll()
		outs[1].MustFinalizeAll()
		each(i0, pred[:i1-i0], feat[:(i1-i0)*FeatureDim])
	}
	return nil
}

// Predict returns the predicted digit (0..9) of each image. Images are
// [N, 28, 28, 1] in their declared Range (mapped to [0, 1], clipped).
func (c *Classifier) Predict(images *data.Images) ([]int, error) {
	if err := checkImages("Predict", images, false); err != nil {
		return nil, err
	}
	out := make([]int, 0, images.N)
	err := c.infer("Predict", images, func(_ int, pred []int32, _ []float32) {
		for _, p := range pred {
			out = append(out, int(p))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Features returns the FeatureDim = 128 activations of the second hidden
// layer (after ReLU, ≥ 0) for each image, row-major [N, 128] in float64, and
// FeatureDim. Images as for Predict.
func (c *Classifier) Features(images *data.Images) ([]float64, int, error) {
	if err := checkImages("Features", images, false); err != nil {
		return nil, 0, err
	}
	out := make([]float64, 0, images.N*FeatureDim)
	err := c.infer("Features", images, func(_ int, _ []int32, feat []float32) {
		for _, v := range feat {
			out = append(out, float64(v))
		}
	})
	if err != nil {
		return nil, 0, err
	}
	return out, FeatureDim, nil
}

// PredictFeatures returns Predict and Features from one pass.
func (c *Classifier) PredictFeatures(images *data.Images) ([]int, []float64, error) {
	if err := checkImages("PredictFeatures", images, false); err != nil {
		return nil, nil, err
	}
	labels := make([]int, 0, images.N)
	features := make([]float64, 0, images.N*FeatureDim)
	err := c.infer("PredictFeatures", images, func(_ int, pred []int32, feat []float32) {
		for _, p := range pred {
			labels = append(labels, int(p))
		}
		for _, v := range feat {
			features = append(features, float64(v))
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return labels, features, nil
}

// Accuracy returns the fraction of images whose predicted digit equals
// their label (images must have Labels).
func (c *Classifier) Accuracy(images *data.Images) (float64, error) {
	if err := checkImages("Accuracy", images, true); err != nil {
		return 0, err
	}
	if images.N == 0 {
		return 0, errors.New("mnistclf.Accuracy: no images")
	}
	pred, err := c.Predict(images)
	if err != nil {
		return 0, err
	}
	var right int
	for i, p := range pred {
		if p == images.Labels[i] {
			right++
		}
	}
	return float64(right) / float64(images.N), nil
}

// Close releases the compiled graph; the Classifier must not be used after.
func (c *Classifier) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exec != nil {
		c.exec.Finalize()
		c.exec = nil
	}
}
