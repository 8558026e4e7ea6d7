package data

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/klog/v2"
)

// Split is a data set divided as in the paper's experiments.
type Split struct {
	Train, Valid, Test *Images // Valid may be nil (no validation set)
}

// Subset returns a split whose parts hold at most the first n images of
// each part (views, no copy): quick runs and smoke tests.
func (s *Split) Subset(n int) *Split {
	out := &Split{}
	if s.Train != nil {
		out.Train = s.Train.Subset(n)
	}
	if s.Valid != nil {
		out.Valid = s.Valid.Subset(n)
	}
	if s.Test != nil {
		out.Test = s.Test.Subset(n)
	}
	return out
}

// MNISTOptions configures LoadMNIST and LoadFashionMNIST. The zero value
// gives the paper's set-up: train = official training images [0, 50000),
// validation = [50000, 60000), test = the 10000 official test images,
// pixels p in 0..255 mapped to p/255 in [0, 1], labels included.
type MNISTOptions struct {
	// Dir, when set, is the only folder searched (see FindIDXFiles).
	Dir string
	// Valid is the number of images at the end of the official training
	// set held out for validation: 0 means the paper's 10000; a negative
	// value means none (Train gets all 60000 and Split.Valid is nil).
	Valid int
	// Range is the value range pixels are mapped to, linearly
	// (p/255*(Max-Min)+Min). The zero value means [0, 1] (RangeUnit); use
	// RangeSigned for a tanh generator.
	Range ValueRange
	// Download, when true and no local copy is found, downloads the files
	// into Dir when set, else into the cache folder (verified by size and
	// SHA-256; see Downloader). Off by default: loading never touches the
	// network unless asked.
	Download bool
	// Downloader overrides the HTTP client and mirrors used by Download.
	Downloader *Downloader
	// NoCache disables the in-process cache of decoded files.
	NoCache bool
}

// LoadMNIST loads MNIST, located by FindIDXFiles, split as described by
// opts (zero value: the paper's 50000/10000/10000 split in [0, 1]). Images
// are [N, 28, 28, 1] with Labels 0..9.
func LoadMNIST(opts MNISTOptions) (*Split, error) { return loadIDXSplit(MNIST, opts) }

// LoadFashionMNIST is LoadMNIST for Fashion-MNIST (same format, sizes and
// file names; labels 0..9 are T-shirt/top, Trouser, Pullover, Dress, Coat,
// Sandal, Shirt, Sneaker, Bag, Ankle boot).
func LoadFashionMNIST(opts MNISTOptions) (*Split, error) { return loadIDXSplit(FashionMNIST, opts) }

// FashionMNISTClasses names the Fashion-MNIST labels 0..9.
var FashionMNISTClasses = [10]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

func loadIDXSplit(d Dataset, opts MNISTOptions) (*Split, error) {
	files, err := FindIDXFiles(d, opts.Dir)
	if err != nil {
		if !opts.Download {
			return nil, err
		}
		dl := opts.Downloader
		if dl == nil {
			dl = &Downloader{}
		}
		dir, derr := d.CacheDir()
		if derr != nil {
			return nil, derr
		}
		if opts.Dir != "" {
			dir = opts.Dir
		}
		if derr := dl.Download(d, dir); derr != nil {
			return nil, fmt.Errorf("%v\nand the download failed: %w", err, derr)
		}
		if files, err = FindIDXFiles(d, dir); err != nil {
			return nil, err
		}
	}
	rng := opts.Range
	if rng == (ValueRange{}) {
		rng = RangeUnit
	}
	train, err := loadImagesLabels(d, files.TrainImages, files.TrainLabels, rng, !opts.NoCache)
	if err != nil {
		return nil, err
	}
	test, err := loadImagesLabels(d, files.TestImages, files.TestLabels, rng, !opts.NoCache)
	if err != nil {
		return nil, err
	}
	valid := opts.Valid
	if valid == 0 {
		valid = 10000
	}
	s := &Split{Train: train, Test: test}
	if valid > 0 {
		if valid >= train.N {
			return nil, fmt.Errorf("data: %s: MNISTOptions.Valid=%d leaves no training images (the training file has %d)",
				d, opts.Valid, train.N)
		}
		s.Train = train.Slice(0, train.N-valid)
		s.Valid = train.Slice(train.N-valid, train.N)
	}
	return s, nil
}

// ReadIDXImages reads an IDX image file (ubyte, [N, H, W]) and, when
// labelsPath is not empty, its IDX label file (ubyte or int, [N]), into
// Images [N, H, W, 1] whose pixels p in 0..255 are mapped linearly onto rng
// (p/255 for RangeUnit). Both headers are checked against each other (the
// counts must agree) before either payload is read.
func ReadIDXImages(imagesPath, labelsPath string, rng ValueRange) (*Images, error) {
	return loadImagesLabels("", imagesPath, labelsPath, rng, false)
}

// idxCacheKey identifies a decoded file in the in-process cache: the data
// set, the resolved absolute path and the file's size and modification
// time, so two data sets with the same file names never share an entry.
type idxCacheKey struct {
	dataset Dataset
	path    string
	size    int64
	mod     time.Time
}

var idxCache sync.Map // idxCacheKey -> *IDX

func cacheKey(d Dataset, path string) (idxCacheKey, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return idxCacheKey{}, false
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	st, err := os.Stat(abs)
	if err != nil {
		return idxCacheKey{}, false
	}
	return idxCacheKey{d, abs, st.Size(), st.ModTime()}, true
}

// ClearCache empties the in-process cache of decoded files.
func ClearCache() {
	idxCache.Range(func(k, _ any) bool { idxCache.Delete(k); return true })
}

func loadImagesLabels(d Dataset, imagesPath, labelsPath string, rng ValueRange, useCache bool) (*Images, error) {
	var imgKey, lblKey idxCacheKey
	var imgIDX, lblIDX *IDX
	if useCache {
		var ok bool
		if imgKey, ok = cacheKey(d, imagesPath); ok {
			if v, hit := idxCache.Load(imgKey); hit {
				imgIDX = v.(*IDX)
			}
		}
		if labelsPath != "" {
			if lblKey, ok = cacheKey(d, labelsPath); ok {
				if v, hit := idxCache.Load(lblKey); hit {
					lblIDX = v.(*IDX)
				}
			}
		}
	}

	// Open and check both headers before reading any payload.
	var imgR, lblR *IDXReader
	var err error
	if imgIDX == nil {
		if imgR, err = OpenIDX(imagesPath); err != nil {
			return nil, err
		}
		defer imgR.Close()
	}
	if labelsPath != "" && lblIDX == nil {
		if lblR, err = OpenIDX(labelsPath); err != nil {
			return nil, err
		}
		defer lblR.Close()
	}
	imgHdr := func() IDXHeader {
		if imgIDX != nil {
			return imgIDX.IDXHeader
		}
		return imgR.Header
	}()
	if len(imgHdr.Dims) != 3 {
		return nil, formatErrorf(imagesPath, "not an image file: expected 3 dimensions (magic "+
			"0x00000803), got %d (magic 0x%08x)",
			len(imgHdr.Dims), imgHdr.Magic)
	}
	if imgHdr.Type != IDXUint8 {
		return nil, formatErrorf(imagesPath, "image pixels must be ubyte (magic 0x00000803), got %s (magic 0x%08x)",
			imgHdr.Type, imgHdr.Magic)
	}
	n, h, w := imgHdr.Dims[0], imgHdr.Dims[1], imgHdr.Dims[2]
	if h == 0 || w == 0 {
		return nil, formatErrorf(imagesPath, "images of size %dx%d", h, w)
	}
	if labelsPath != "" {
		lblHdr := func() IDXHeader {
			if lblIDX != nil {
				return lblIDX.IDXHeader
			}
			return lblR.Header
		}()
		if len(lblHdr.Dims) != 1 {
			return nil, formatErrorf(labelsPath, "not a label file: expected 1 dimension (magic "+
				"0x00000801), got %d (magic 0x%08x)",
				len(lblHdr.Dims), lblHdr.Magic)
		}
		if lblHdr.Type == IDXFloat32 || lblHdr.Type == IDXFloat64 {
			return nil, formatErrorf(labelsPath, "labels must be integers, got %s", lblHdr.Type)
		}
		if lblHdr.Dims[0] != n {
			return nil, fmt.Errorf("data: image and label counts differ (%d vs %d): "+
				"%s declares %d images, %s declares %d labels",
				n, lblHdr.Dims[0], imagesPath, n, labelsPath, lblHdr.Dims[0])
		}
	}

	// Read payloads.
	if imgIDX == nil {
		if imgIDX, err = imgR.ReadAll(); err != nil {
			return nil, err
		}
		if useCache && imgKey.path != "" {
			idxCache.Store(imgKey, imgIDX)
		}
	}
	if labelsPath != "" && lblIDX == nil {
		if lblIDX, err = lblR.ReadAll(); err != nil {
			return nil, err
		}
		if useCache && lblKey.path != "" {
			idxCache.Store(lblKey, lblIDX)
		}
	}

	// Convert.
	im := &Images{N: n, H: h, W: w, C: 1, Range: rng, Pix: make([]float32, len(imgIDX.Data))}
	lut := pixelLUT(rng)
	for i, p := range imgIDX.Data {
		im.Pix[i] = lut[p]
	}
	if lblIDX != nil {
		if im.Labels, err = lblIDX.Ints(); err != nil {
			return nil, err
		}
	}
	klog.V(1).Infof("data: read %s (%d images %dx%d) from %s", d, n, h, w, imagesPath)
	return im, nil
}
