package data

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cifarRecord builds one binary record: label, then the R, G, B planes.
// Pixel (x, y) of plane c holds f(c, x, y).
func cifarRecord(label byte, f func(c, x, y int) byte) []byte {
	rec := make([]byte, cifarRecordSize)
	rec[0] = label
	for c := range 3 {
		for y := range 32 {
			for x := range 32 {
				rec[1+c*1024+y*32+x] = f(c, x, y)
			}
		}
	}
	return rec
}

func TestReadCIFAR10BatchChannelOrder(t *testing.T) {
	dir := t.TempDir()
	// Record 0: all zero except pixel (x=3, y=1), which is pure red 255;
	// pixel (x=0, y=2) has R=10, G=20, B=30.
	r0 := cifarRecord(6, func(c, x, y int) byte {
		switch {
		case x == 3 && y == 1 && c == 0:
			return 255
		case x == 0 && y == 2:
			return byte(10 * (c + 1))
		}
		return 0
	})
	// Record 1: plane c is constant 51*(c+1) (R=51, G=102, B=153).
	r1 := cifarRecord(9, func(c, x, y int) byte { return byte(51 * (c + 1)) })
	p := writeFile(t, dir, "data_batch_1.bin", append(r0, r1...))
	im, err := ReadCIFAR10Batch(p, ValueRange{})
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.H != 32 || im.W != 32 || im.C != 3 || im.Range != RangeUnit || im.Validate() != nil {
		t.Fatalf("shape [%d %d %d %d] %v", im.N, im.H, im.W, im.C, im.Range)
	}
	if im.Labels[0] != 6 || im.Labels[1] != 9 {
		t.Errorf("labels %v, want [6 9]", im.Labels)
	}
	// NHWC index ((n*32+y)*32+x)*3+c; hand-made pixels, values p/255.
	at := func(n, x, y, c int) float32 { return im.Pix[((n*32+y)*32+x)*3+c] }
	cases := []struct {
		name       string
		n, x, y, c int
		want       float32
	}{
		{"red pixel R", 0, 3, 1, 0, 1},
		{"red pixel G", 0, 3, 1, 1, 0},
		{"red pixel B", 0, 3, 1, 2, 0},
		{"neighbour", 0, 4, 1, 0, 0},
		{"mixed R", 0, 0, 2, 0, 10.0 / 255},
		{"mixed G", 0, 0, 2, 1, 20.0 / 255},
		{"mixed B", 0, 0, 2, 2, 30.0 / 255},
		{"record 1 B", 1, 31, 31, 2, 153.0 / 255},
		{"record 1 G", 1, 0, 0, 1, 102.0 / 255},
	}
	for _, c := range cases {
		if got := at(c.n, c.x, c.y, c.c); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// Signed range: 255 -> 1, 0 -> -1.
	im2, err := ReadCIFAR10Batch(p, RangeSigned)
	if err != nil || im2.Pix[((0*32+1)*32+3)*3] != 1 || im2.Pix[1] != -1 {
		t.Errorf("signed range: %v", err)
	}
}

func TestReadCIFAR10BadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		content []byte
		want    string
	}{
		{"empty", nil, "empty file"},
		{"truncated", make([]byte, 3073+100), "not a multiple of the CIFAR-10 record size 3073"},
		{"bad label", cifarRecord(10, func(c, x, y int) byte { return 0 }), "record 0 has label 10"},
	}
	for _, c := range cases {
		p := writeFile(t, dir, c.name+".bin", c.content)
		_, err := ReadCIFAR10Batch(p, RangeUnit)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: got %v, want %q naming the file", c.name, err, c.want)
		}
	}
}

func TestLoadCIFAR10(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "cifar-10-batches-bin") // as unpacked from the tarball
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// 2 records per file; record label = file index, pixel value = file index.
	for i, n := range append(append([]string{}, CIFAR10TrainFiles...), CIFAR10TestFile) {
		r := cifarRecord(byte(i), func(c, x, y int) byte { return byte(i) })
		writeFile(t, dir, n, append(r, r...))
	}
	s, err := LoadCIFAR10(CIFAR10Options{Dir: root, Valid: 2})
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.N != 8 || s.Valid.N != 2 || s.Test.N != 2 ||
		s.Train.Labels[7] != 3 || s.Valid.Labels[0] != 4 || s.Test.Labels[0] != 5 {
		t.Errorf("split %d/%d/%d labels %v %v %v", s.Train.N, s.Valid.N, s.Test.N,
			s.Train.Labels, s.Valid.Labels, s.Test.Labels)
	}
	os.Remove(filepath.Join(dir, "data_batch_3.bin"))
	if _, err := LoadCIFAR10(CIFAR10Options{Dir: root}); err == nil || !strings.Contains(err.Error(), "data_batch_3.bin") {
		t.Errorf("missing batch: %v", err)
	}
}

func TestLoadTFD(t *testing.T) {
	t.Run("png", func(t *testing.T) {
		dir := t.TempDir()
		for i := range 3 {
			g := image.NewGray(image.Rect(0, 0, 48, 48))
			g.SetGray(5, 7, color.Gray{Y: uint8(100 + i)})
			f, err := os.Create(filepath.Join(dir, []string{"b.png", "a.png", "c.png"}[i]))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, g)
			f.Close()
		}
		im, err := LoadTFD(TFDOptions{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		// Sorted by name: a.png (i=1), b.png (i=0), c.png (i=2).
		if im.N != 3 || im.H != 48 || im.W != 48 || im.C != 1 || im.Validate() != nil {
			t.Fatalf("shape [%d %d %d %d]", im.N, im.H, im.W, im.C)
		}
		for n, want := range []float32{101.0 / 255, 100.0 / 255, 102.0 / 255} {
			if got := im.Image(n)[7*48+5]; got != want {
				t.Errorf("image %d pixel (5,7) = %v, want %v", n, got, want)
			}
		}
		// A wrong size is refused before decoding.
		big := image.NewGray(image.Rect(0, 0, 64, 64))
		f, _ := os.Create(filepath.Join(dir, "d.png"))
		png.Encode(f, big)
		f.Close()
		if _, err := LoadTFD(TFDOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "image is 64x64, "+
			"want 48x48") {
			t.Errorf("64x64 image: %v", err)
		}
	})
	t.Run("idx", func(t *testing.T) {
		dir := t.TempDir()
		pix := make([]byte, 2*48*48)
		pix[48*48] = 255
		writeFile(t, dir, "tfd-images-idx3-ubyte.gz", gzipBytes(t, idxBytes(IDXUint8, []uint32{2, 48, 48}, pix)))
		writeFile(t, dir, "tfd-labels-idx1-ubyte", idxBytes(IDXUint8, []uint32{2}, []byte{3, 6}))
		im, err := LoadTFD(TFDOptions{Dir: dir, Range: RangeSigned})
		if err != nil {
			t.Fatal(err)
		}
		if im.N != 2 || im.Image(1)[0] != 1 || im.Image(0)[0] != -1 || im.Labels[1] != 6 {
			t.Errorf("got N=%d %v %v", im.N, im.Image(1)[0], im.Labels)
		}
	})
	t.Run("not found", func(t *testing.T) {
		dir := t.TempDir()
		_, err := LoadTFD(TFDOptions{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "tfd-images-idx3-ubyte") || !strings.Contains(err.Error(), "*.png") {
			t.Errorf("got %v", err)
		}
	})
}
