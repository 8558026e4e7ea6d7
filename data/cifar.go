package data

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// CIFAR-10 binary format: each record is 1 label byte (0..9) followed by
// 3072 pixel bytes: the 1024 red values of the 32x32 image in row-major
// order, then the 1024 green, then the 1024 blue (planar). Each batch file
// holds 10000 records.
const (
	cifarSide       = 32
	cifarPlane      = cifarSide * cifarSide
	cifarRecordSize = 1 + 3*cifarPlane
	// CIFAR10BatchSize is the number of records of each batch file.
	CIFAR10BatchSize = 10000
)

// CIFAR10Classes names the CIFAR-10 labels 0..9.
var CIFAR10Classes = [10]string{"airplane", "automobile", "bird", "cat", "deer",
	"dog", "frog", "horse", "ship", "truck"}

// CIFAR10TrainFiles and CIFAR10TestFile are the file names of the binary
// version ("CIFAR-10 binary version (suitable for C programs)").
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
		"data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile = "test_batch.bin"
)

// ReadCIFAR10Batch reads one binary batch file into Images
// [N, 32, 32, 3] (NHWC, channels interleaved R, G, B) with Labels, pixels p
// mapped linearly onto rng (p/255 for RangeUnit; the zero ValueRange means
// RangeUnit). The file length must be a positive multiple of 3073 bytes;
// it normally holds 10000 records, but any whole number is accepted.
func ReadCIFAR10Batch(path string, rng ValueRange) (*Images, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	size := st.Size()
	switch {
	case size == 0:
		return nil, formatErrorf(path, "empty file (0 bytes), not a CIFAR-10 batch")
	case size%cifarRecordSize != 0:
		return nil, formatErrorf(path, "size %d is not a multiple of the CIFAR-10 record size %d "+
			"(1 label + 3072 pixels): truncated or not a binary batch",
			size, cifarRecordSize)
	case size > MaxIDXBytes:
		return nil, formatErrorf(path, "size %d exceeds the limit %d", size, MaxIDXBytes)
	}
	raw := make([]byte, size)
	if _, err := io.ReadFull(f, raw); err != nil {
		return nil, formatErrorf(path, "reading: %v", err)
	}
	if rng == (ValueRange{}) {
		rng = RangeUnit
	}
	n := int(size / cifarRecordSize)
	im := &Images{N: n, H: cifarSide, W: cifarSide, C: 3, Range: rng,
		Pix: make([]float32, n*3*cifarPlane), Labels: make([]int, n)}
	lut := pixelLUT(rng)
	for i := range n {
		rec := raw[i*cifarRecordSize : (i+1)*cifarRecordSize]
		if rec[0] > 9 {
			return nil, formatErrorf(path, "record %d has label %d, want 0..9 (not a CIFAR-10 binary "+
				"batch? CIFAR-100 records have 2 label bytes)",
				i, rec[0])
		}
		im.Labels[i] = int(rec[0])
		dst := im.Pix[i*3*cifarPlane : (i+1)*3*cifarPlane]
		for c := range 3 {
			plane := rec[1+c*cifarPlane : 1+(c+1)*cifarPlane]
			for p, v := range plane {
				dst[p*3+c] = lut[v]
			}
		}
	}
	return im, nil
}

// pixelLUT maps bytes 0..255 linearly onto rng (exactly p/255 for
// RangeUnit).
func pixelLUT(rng ValueRange) *[256]float32 {
	var lut [256]float32
	for p := range lut {
		if rng == RangeUnit {
			lut[p] = float32(p) / 255
		} else {
			lut[p] = rng.Min + float32(p)*(rng.Max-rng.Min)/255
		}
	}
	return &lut
}

// CIFAR10Options configures LoadCIFAR10. The zero value reads the 50000
// training images as Train, the 10000 test images as Test, no validation,
// pixels in [0, 1].
type CIFAR10Options struct {
	// Dir, when set, is the only folder searched; otherwise
	// $GAN_CIFAR10_DIR, then the cache folder (Dataset.CacheDir). In each,
	// the files may also sit in a "cifar-10-batches-bin" sub-folder (as
	// unpacked from cifar-10-binary.tar.gz).
	Dir string
	// Valid is the number of images at the end of the training set held
	// out for validation (0: none).
	Valid int
	// Range of the pixel values; zero value means RangeUnit.
	Range ValueRange
}

// FindCIFAR10Dir returns the folder holding the six CIFAR-10 binary batch
// files (see CIFAR10Options.Dir for the search order).
func FindCIFAR10Dir(dir string) (string, error) {
	nf := &NotFoundError{Dataset: CIFAR10}
	names := append(append([]string{}, CIFAR10TrainFiles...), CIFAR10TestFile)
	for _, e := range searchDirs(CIFAR10, dir) {
		for _, cand := range []string{e.dir, filepath.Join(e.dir, "cifar-10-batches-bin")} {
			var missing []string
			for _, n := range names {
				if st, err := os.Stat(filepath.Join(cand, n)); err != nil || !st.Mode().IsRegular() {
					missing = append(missing, n)
				}
			}
			if len(missing) == 0 {
				return cand, nil
			}
			nf.Tried = append(nf.Tried, fmt.Sprintf("%s (%s): missing %s", cand, e.why, strings.Join(missing, ", ")))
		}
	}
	return "", nf
}

// LoadCIFAR10 loads the binary version of CIFAR-10 (the user unpacks
// cifar-10-binary.tar.gz; this package does not download it) as Images
// [N, 32, 32, 3] with Labels 0..9 (see CIFAR10Classes).
func LoadCIFAR10(opts CIFAR10Options) (*Split, error) {
	dir, err := FindCIFAR10Dir(opts.Dir)
	if err != nil {
		return nil, err
	}
	var parts []*Images
	for _, n := range CIFAR10TrainFiles {
		im, err := ReadCIFAR10Batch(filepath.Join(dir, n), opts.Range)
		if err != nil {
			return nil, err
		}
		parts = append(parts, im)
	}
	train, err := Concat(parts...)
	if err != nil {
		return nil, err
	}
	test, err := ReadCIFAR10Batch(filepath.Join(dir, CIFAR10TestFile), opts.Range)
	if err != nil {
		return nil, err
	}
	s := &Split{Train: train, Test: test}
	if opts.Valid > 0 {
		if opts.Valid >= train.N {
			return nil, fmt.Errorf("data: CIFAR10Options.Valid=%d leaves no training images (%d)", opts.Valid, train.N)
		}
		s.Train = train.Slice(0, train.N-opts.Valid)
		s.Valid = train.Slice(train.N-opts.Valid, train.N)
	}
	return s, nil
}

// Concat joins image sets of the same shape and range into a new one. The
// result has labels only when every part has them.
func Concat(parts ...*Images) (*Images, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("data.Concat: no parts")
	}
	p0 := parts[0]
	out := &Images{H: p0.H, W: p0.W, C: p0.C, Range: p0.Range}
	withLabels := true
	for i, p := range parts {
		if p.H != p0.H || p.W != p0.W || p.C != p0.C || p.Range != p0.Range {
			return nil, fmt.Errorf("data.Concat: part %d is [%d %d %d] in %v, part 0 is [%d %d %d] in %v",
				i, p.H, p.W, p.C, p.Range, p0.H, p0.W, p0.C, p0.Range)
		}
		out.N += p.N
		withLabels = withLabels && p.Labels != nil
	}
	out.Pix = make([]float32, 0, out.N*out.Dim())
	if withLabels {
		out.Labels = make([]int, 0, out.N)
	}
	for _, p := range parts {
		out.Pix = append(out.Pix, p.Pix...)
		if withLabels {
			out.Labels = append(out.Labels, p.Labels...)
		}
	}
	return out, nil
}
