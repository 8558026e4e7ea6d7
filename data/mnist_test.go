package data

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realIDXFiles returns the real files of d found on this machine (GoMNIST
// module cache, Debian package), or skips.
func realIDXFiles(t testing.TB, d Dataset) IDXFiles {
	t.Helper()
	var dir string
	switch d {
	case MNIST:
		dir = GoMNISTDataDir()
	case FashionMNIST:
		dir = DebianFashionMNISTDir
	}
	files, err := FindIDXFiles(d, dir)
	if err != nil {
		t.Skipf("real %s files not available: %v", d, err)
	}
	return files
}

func decompressedSize(t *testing.T, path string) (int64, string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(h, zr)
	if err != nil {
		t.Fatal(err)
	}
	return n, hex.EncodeToString(h.Sum(nil))
}

// The real files decompress to the sizes of cases.md GAN-11 (16 + 60000·784
// etc.) and to the content checksums recorded in remoteFiles.
func TestRealFilesSizesAndChecksums(t *testing.T) {
	if testing.Short() {
		t.Skip("decompresses 110 MB")
	}
	for _, d := range []Dataset{MNIST, FashionMNIST} {
		files := realIDXFiles(t, d)
		paths := []string{files.TrainImages, files.TrainLabels, files.TestImages, files.TestLabels}
		wantSize := []int64{47040016, 60008, 7840016, 10008} // cases.md GAN-11
		for i, p := range paths {
			n, sum := decompressedSize(t, p)
			if n != wantSize[i] {
				t.Errorf("%s: %s decompresses to %d bytes, want %d", d, p, n, wantSize[i])
			}
			if rf := RemoteFiles(d)[i]; sum != rf.ContentSHA256 || n != rf.ContentSize {
				t.Errorf("%s: %s content SHA-256 %s, recorded %s", d, p, sum, rf.ContentSHA256)
			}
		}
	}
}

// MNIST facts known from the original data set.
func TestLoadMNISTReal(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all of MNIST")
	}
	realIDXFiles(t, MNIST)
	s, err := LoadMNIST(MNISTOptions{Dir: GoMNISTDataDir()})
	if err != nil {
		t.Fatal(err)
	}
	// Paper split: 50000 / 10000 / 10000, 28x28, [0, 1].
	for _, c := range []struct {
		name string
		im   *Images
		n    int
	}{{"train", s.Train, 50000}, {"valid", s.Valid, 10000}, {"test", s.Test, 10000}} {
		if err := c.im.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.im.N != c.n || c.im.H != 28 || c.im.W != 28 || c.im.C != 1 || c.im.Range != RangeUnit {
			t.Errorf("%s: [%d %d %d %d] %v, want [%d 28 28 1] [0,1]", c.name, c.im.N, c.im.H, c.im.W, c.im.C, c.im.Range, c.n)
		}
		lo, hi := minMax(c.im.Pix)
		// The files use the full 0..255 range, mapped by p/255.
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixel range [%v, %v], want [0, 1]", c.name, lo, hi)
		}
	}
	// First training labels: 5 0 4 1 9 2 1 3 1 4, the well-known start of
	// the original MNIST training set (also read with Python gzip+struct).
	want := []int{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}
	for i, w := range want {
		if s.Train.Labels[i] != w {
			t.Fatalf("train labels start %v, want %v", s.Train.Labels[:10], want)
		}
	}
	// First test labels 7 2 1 0 4 1 4 9 5 9 (read with Python gzip+struct).
	for i, w := range []int{7, 2, 1, 0, 4, 1, 4, 9, 5, 9} {
		if s.Test.Labels[i] != w {
			t.Fatalf("test labels start %v", s.Test.Labels[:10])
		}
	}
	// Pixel values are exactly p/255: every value times 255 is an integer.
	for i, v := range s.Train.Image(0) {
		if p := v * 255; p != float32(int(p+0.5)) {
			t.Fatalf("pixel %d = %v is not p/255", i, v)
		}
	}
	// Validation is the tail of the official training file.
	full, err := LoadMNIST(MNISTOptions{Dir: GoMNISTDataDir(), Valid: -1, Range: RangeSigned})
	if err != nil {
		t.Fatal(err)
	}
	if full.Valid != nil || full.Train.N != 60000 || full.Train.Labels[50000] != s.Valid.Labels[0] {
		t.Errorf("Valid: -1 gives train %d, valid %v", full.Train.N, full.Valid)
	}
	if lo, hi := minMax(full.Train.Pix); lo != -1 || hi != 1 {
		t.Errorf("RangeSigned pixel range [%v, %v]", lo, hi)
	}
	sub := s.Subset(100)
	if sub.Train.N != 100 || sub.Valid.N != 100 || sub.Test.N != 100 || sub.Train.Labels[0] != 5 {
		t.Errorf("Subset(100): %d %d %d", sub.Train.N, sub.Valid.N, sub.Test.N)
	}
}

func minMax(p []float32) (lo, hi float32) {
	lo, hi = p[0], p[0]
	for _, v := range p {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// Fashion-MNIST facts, and the published MD5 sums of cases.md GAN-13.
func TestLoadFashionMNISTReal(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all of Fashion-MNIST")
	}
	files := realIDXFiles(t, FashionMNIST)
	s, err := LoadFashionMNIST(MNISTOptions{Dir: DebianFashionMNISTDir})
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.N != 50000 || s.Valid.N != 10000 || s.Test.N != 10000 || s.Train.H != 28 || s.Train.W != 28 {
		t.Fatalf("split %d/%d/%d of %dx%d", s.Train.N, s.Valid.N, s.Test.N, s.Train.H, s.Train.W)
	}
	// First labels read from Debian's files with Python:
	//   gzip.open(".../train-labels-idx1-ubyte.gz").read()[8:18]
	//   -> 9 0 0 3 0 2 7 2 5 5 (Ankle boot, T-shirt/top, T-shirt/top, Dress, ...)
	//   gzip.open(".../t10k-labels-idx1-ubyte.gz").read()[8:18]
	//   -> 9 2 1 1 6 1 4 6 5 7
	for i, w := range []int{9, 0, 0, 3, 0, 2, 7, 2, 5, 5} {
		if s.Train.Labels[i] != w {
			t.Fatalf("train labels start %v", s.Train.Labels[:10])
		}
	}
	for i, w := range []int{9, 2, 1, 1, 6, 1, 4, 6, 5, 7} {
		if s.Test.Labels[i] != w {
			t.Fatalf("test labels start %v", s.Test.Labels[:10])
		}
	}
	if lo, hi := minMax(s.Train.Pix); lo != 0 || hi != 1 {
		t.Errorf("pixel range [%v, %v]", lo, hi)
	}

	// MD5 of the files as published (cases.md GAN-13, pytorch/vision#640).
	// Debian's copies carry the original deflate stream behind a gzip header
	// normalised by the packaging (no file name, build-time MTIME), so when
	// the header is normalised we put back the original one: FNAME = base
	// name, MTIME as below (found by searching the seconds around the
	// release date for the published MD5; the data were compressed on
	// 2017-08-31). If the header already has a name, the file is checked
	// as is.
	origMTime := map[string]uint32{
		"train-images-idx3-ubyte": 1504176606, "train-labels-idx1-ubyte": 1504176606,
		"t10k-images-idx3-ubyte": 1504176627, "t10k-labels-idx1-ubyte": 1504176627,
	}
	published := []string{"8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
		"bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"}
	for i, p := range []string{files.TrainImages, files.TrainLabels, files.TestImages, files.TestLabels} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		base := idxBaseNames[i]
		if len(b) > 10 && b[3] == 0 { // FLG without FNAME: rebuild the header
			hdr := append([]byte{0x1f, 0x8b, 8, 0x08}, binary.LittleEndian.AppendUint32(nil, origMTime[base])...)
			hdr = append(append(append(hdr, b[8:10]...), base...), 0)
			b = append(hdr, b[10:]...)
		}
		sum := md5.Sum(b)
		if got := hex.EncodeToString(sum[:]); got != published[i] {
			t.Errorf("%s: MD5 %s, published %s", p, got, published[i])
		}
		// The rebuilt original also has the SHA-256 Download checks.
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != RemoteFiles(FashionMNIST)[i].SHA256 ||
			int64(len(b)) != RemoteFiles(FashionMNIST)[i].Size {
			t.Errorf("%s: SHA-256/size differ from RemoteFiles", p)
		}
	}
}

// The GoMNIST files are the originals: MD5 sums as published for MNIST
// (torchvision's mnist.py resources list the same values).
func TestGoMNISTFilesAreOriginals(t *testing.T) {
	files := realIDXFiles(t, MNIST)
	published := []string{"f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
		"9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"}
	for i, p := range []string{files.TrainImages, files.TrainLabels, files.TestImages, files.TestLabels} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m := md5.Sum(b)
		s := sha256.Sum256(b)
		if hex.EncodeToString(m[:]) != published[i] || hex.EncodeToString(s[:]) != RemoteFiles(MNIST)[i].SHA256 {
			t.Errorf("%s: MD5 %x (published %s), SHA-256 %x", p, m, published[i], s)
		}
	}
}

// The version constant must match go.mod (the build info is used first,
// the constant is the fallback).
func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Skip(err)
	}
	if !bytes.Contains(b, []byte(GoMNISTModule+" "+GoMNISTVersion)) {
		t.Errorf("go.mod does not require %s %s", GoMNISTModule, GoMNISTVersion)
	}
	if got := escapeModulePath(GoMNISTModule); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escaped path %s", got)
	}
}

// writeFakeIDXSet writes the four files of a 4-image data set whose pixels
// are all `value`, under the given names.
func writeFakeIDXSet(t *testing.T, dir string, value byte, names [4]string, gz bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pix := bytes.Repeat([]byte{value}, 4*28*28)
	contents := [4][]byte{
		idxBytes(IDXUint8, []uint32{4, 28, 28}, pix),
		idxBytes(IDXUint8, []uint32{4}, []byte{1, 2, 3, 4}),
		idxBytes(IDXUint8, []uint32{4, 28, 28}, pix),
		idxBytes(IDXUint8, []uint32{4}, []byte{5, 6, 7, 8}),
	}
	for i, c := range contents {
		if gz {
			c = gzipBytes(t, c)
		}
		writeFile(t, dir, names[i], c)
	}
}

// cases.md GAN-13: MNIST and Fashion-MNIST share file names; the cache must
// keep them apart, and both name variants are found.
func TestMNISTFashionNoCacheCollision(t *testing.T) {
	dash := idxBaseNames
	var dot [4]string
	for i, n := range idxBaseNames {
		dot[i] = strings.Replace(n, "-idx", ".idx", 1)
	}
	variants := []struct {
		name  string
		names [4]string
		gz    bool
	}{
		{"dash", dash, false},
		{"dot", dot, false},
		{"dash.gz", [4]string{dash[0] + ".gz", dash[1] + ".gz", dash[2] + ".gz", dash[3] + ".gz"}, true},
		{"dot.gz", [4]string{dot[0] + ".gz", dot[1] + ".gz", dot[2] + ".gz", dot[3] + ".gz"}, true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			root := t.TempDir()
			mnistDir, fashionDir := filepath.Join(root, "mnist"), filepath.Join(root, "fashion")
			writeFakeIDXSet(t, mnistDir, 0, v.names, v.gz)
			writeFakeIDXSet(t, fashionDir, 255, v.names, v.gz)
			opts := MNISTOptions{Valid: -1} // cache enabled (default)
			opts.Dir = mnistDir
			m, err := LoadMNIST(opts)
			if err != nil {
				t.Fatal(err)
			}
			opts.Dir = fashionDir
			f, err := LoadFashionMNIST(opts)
			if err != nil {
				t.Fatal(err)
			}
			if m.Train.Pix[0] != 0 || f.Train.Pix[0] != 1 || f.Test.Pix[0] != 1 {
				t.Errorf("MNIST pixel %v, Fashion pixel %v; want 0 and 1 (255/255)", m.Train.Pix[0], f.Train.Pix[0])
			}
			// Same folder loaded under both identities: still distinct
			// cache entries, same (correct) content.
			opts.Dir = fashionDir
			m2, err := LoadMNIST(opts)
			if err != nil || m2.Train.Pix[0] != 1 {
				t.Errorf("MNIST from the fashion folder: %v, %v", err, m2)
			}
			// Rewriting a file in place is seen (size/mtime are in the key).
			writeFakeIDXSet(t, mnistDir, 0, v.names, !v.gz)
			if m3, err := LoadMNIST(MNISTOptions{Dir: mnistDir, Valid: -1}); err != nil || m3.Test.Pix[0] != 0 {
				t.Errorf("reload after rewrite: %v", err)
			}
		})
	}
}

func TestFindIDXFilesNotFound(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "train-images-idx3-ubyte", idxBytes(IDXUint8, []uint32{0, 1, 1}, nil))
	_, err := FindIDXFiles(MNIST, dir)
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("got %v, want *NotFoundError", err)
	}
	msg := err.Error()
	// Every name variant of every missing file, and the folder, are listed.
	for _, w := range []string{dir, "explicit folder", "t10k-images-idx3-ubyte.gz", "t10k-images.idx3-ubyte",
		"train-labels-idx1-ubyte.gz | train-labels-idx1-ubyte", "t10k-labels.idx1-ubyte.gz", "GAN_MNIST_DIR"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error lacks %q:\n%s", w, msg)
		}
	}
	if strings.Contains(msg, "missing train-images-idx3-ubyte.gz") {
		t.Errorf("lists a file that was found:\n%s", msg)
	}
}

// Search order: explicit folder, then the environment variable, then the
// cache folder, then GoMNIST / Debian.
func TestFindIDXFilesOrder(t *testing.T) {
	root := t.TempDir()
	explicit, env, cache := filepath.Join(root, "explicit"), filepath.Join(root, "env"), filepath.Join(root, "cache")
	writeFakeIDXSet(t, explicit, 1, idxBaseNames, false)
	writeFakeIDXSet(t, env, 2, idxBaseNames, false)
	// os.UserCacheDir honours XDG_CACHE_HOME on Linux.
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", root)
	cdir, err := MNIST.CacheDir()
	if err != nil {
		t.Skip(err)
	}
	if want := filepath.Join(cache, "gan-notebooks", "mnist"); cdir != want {
		t.Skipf("cache folder %s (not Linux XDG)", cdir)
	}
	fcdir, _ := FashionMNIST.CacheDir()
	if fcdir == cdir {
		t.Fatalf("MNIST and Fashion-MNIST share the cache folder %s", cdir)
	}
	writeFakeIDXSet(t, cdir, 3, idxBaseNames, false)

	t.Setenv("GAN_MNIST_DIR", env)
	if f, err := FindIDXFiles(MNIST, explicit); err != nil || filepath.Dir(f.TrainImages) != explicit {
		t.Errorf("explicit: %v %v", f, err)
	}
	if f, err := FindIDXFiles(MNIST, ""); err != nil || filepath.Dir(f.TrainImages) != env {
		t.Errorf("env: %v %v", f, err)
	}
	// A set but empty env folder is an error, not a silent fallback.
	t.Setenv("GAN_MNIST_DIR", filepath.Join(root, "nothing"))
	if _, err := FindIDXFiles(MNIST, ""); err == nil || !strings.Contains(err.Error(), "$GAN_MNIST_DIR") {
		t.Errorf("env to empty folder: %v", err)
	}
	t.Setenv("GAN_MNIST_DIR", "")
	if f, err := FindIDXFiles(MNIST, ""); err != nil || filepath.Dir(f.TrainImages) != cdir {
		t.Errorf("cache: %v %v", f, err)
	}
	// Without the cache folder MNIST comes from the GoMNIST module, and the
	// Fashion-MNIST error (if Debian's files are missing) lists both places.
	os.RemoveAll(cdir)
	if _, err := os.Stat(GoMNISTDataDir()); err == nil {
		if f, err := FindIDXFiles(MNIST, ""); err != nil || filepath.Dir(f.TrainImages) != GoMNISTDataDir() {
			t.Errorf("GoMNIST: %v %v", f, err)
		}
	}
	if _, err := FindIDXFiles(FashionMNIST, ""); err != nil {
		for _, w := range []string{fcdir, DebianFashionMNISTDir} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error lacks %s: %v", w, err)
			}
		}
	}
}

// BenchmarkReadAllMNIST reads all 70000 MNIST images (the .gz files of the
// GoMNIST module) into *Images [N, 28, 28, 1], without the in-process cache.
// MB/s counts decompressed IDX bytes (47040016 + 7840016).
func BenchmarkReadAllMNIST(b *testing.B) {
	files := realIDXFiles(b, MNIST)
	b.SetBytes(47040016 + 7840016)
	b.ReportAllocs()
	for b.Loop() {
		train, err := ReadIDXImages(files.TrainImages, files.TrainLabels, RangeUnit)
		if err != nil {
			b.Fatal(err)
		}
		test, err := ReadIDXImages(files.TestImages, files.TestLabels, RangeUnit)
		if err != nil {
			b.Fatal(err)
		}
		if train.N+test.N != 70000 {
			b.Fatalf("read %d images", train.N+test.N)
		}
	}
}
