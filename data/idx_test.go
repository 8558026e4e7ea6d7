package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// idxBytes builds an IDX file: big-endian magic 0x0000TTNN, sizes, payload.
func idxBytes(typ IDXType, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, byte(typ), byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gzipBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Name = "train-images-idx3-ubyte" // makes the header flag byte 08, as in GAN-11
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// twoImages is the file of cases.md GAN-11: header 00000803 00000002
// 0000001c 0000001c, then 1568 pixel bytes (here pixel i = i mod 251).
func twoImages() (raw []byte, pix []byte) {
	pix = make([]byte, 2*28*28)
	for i := range pix {
		pix[i] = byte(i % 251)
	}
	return idxBytes(IDXUint8, []uint32{2, 28, 28}, pix), pix
}

// GAN-11: gzip is detected by content, not by the file name.
func TestIDXGzipDetectedByContent(t *testing.T) {
	dir := t.TempDir()
	raw, pix := twoImages()
	gz := gzipBytes(t, raw)
	// cases.md GAN-11: 0x1f8b0808 read big-endian is 529205256.
	if m := binary.BigEndian.Uint32(gz); m != 529205256 {
		t.Fatalf("gzip header big-endian = %d, cases.md GAN-11 says 529205256", m)
	}
	files := []struct{ name, file string }{
		{"(a) gzip without .gz", writeFile(t, dir, "a-idx3-ubyte", gz)},
		{"(b) raw with .gz", writeFile(t, dir, "b-idx3-ubyte.gz", raw)},
		{"(c) gzip with .gz", writeFile(t, dir, "c-idx3-ubyte.gz", gz)},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			x, err := ReadIDXFile(f.file)
			if err != nil {
				t.Fatal(err)
			}
			if x.Type != IDXUint8 || len(x.Dims) != 3 || x.Dims[0] != 2 || x.Dims[1] != 28 || x.Dims[2] != 28 {
				t.Fatalf("header %+v, want ubyte [2 28 28]", x.IDXHeader)
			}
			if !bytes.Equal(x.Data, pix) {
				t.Fatal("payload differs from the bytes written")
			}
			im, err := ReadIDXImages(f.file, "", RangeUnit)
			if err != nil {
				t.Fatal(err)
			}
			if im.N != 2 || im.H != 28 || im.W != 28 || im.C != 1 || im.Pix[250] != 250.0/255 {
				t.Fatalf("images [%d %d %d %d], Pix[250]=%v; want [2 28 28 1], 250/255", im.N, im.H, im.W, im.C, im.Pix[250])
			}
		})
	}
}

// GAN-12 and other malformed inputs: each gives an error naming the file and
// what is wrong, never a panic or partial result.
func TestIDXBadInput(t *testing.T) {
	dir := t.TempDir()
	_, pix := twoImages()
	hdr := idxBytes(IDXUint8, []uint32{2, 28, 28}, nil)
	validGz := gzipBytes(t, idxBytes(IDXUint8, []uint32{2, 28, 28}, pix))
	corruptGz := append([]byte(nil), validGz...)
	for i := 20; i < 40 && i < len(corruptGz)-8; i++ {
		corruptGz[i] ^= 0x55
	}
	badCRC := append([]byte(nil), validGz...)
	badCRC[len(badCRC)-6] ^= 0xff // CRC-32 in the trailer
	// GAN-12 (6): header 00000803 00000002 1c000000 1c000000.
	littleEndian := []byte{0, 0, 8, 3, 0, 0, 0, 2, 0x1c, 0, 0, 0, 0x1c, 0, 0, 0}
	html := []byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n")
	cases := []struct {
		name    string
		content []byte
		want    []string // substrings of the error
	}{
		// GAN-12 (1).
		{"empty", nil, []string{"empty file", "no IDX header"}},
		// GAN-12 (2): 1568 = 2·28·28 expected, 10 present.
		{"truncated payload", append(append([]byte(nil), hdr...), make([]byte, 10)...),
			[]string{"truncated payload", "expected 1568 payload bytes, got 10"}},
		// GAN-12 (3): "<!DO" = 0x3c21444f.
		{"html", html, []string{"bad magic 0x3c21444f: looks like text or HTML, the download probably failed"}},
		// GAN-12 (6): 0x1c000000 = 469762048.
		{"little-endian sizes", append(littleEndian, pix...),
			[]string{"absurd declared size", "dims [2 469762048 469762048]", "little-endian"}},
		{"little-endian magic", []byte{3, 8, 0, 0, 2, 0, 0, 0}, []string{"bad magic 0x03080000", "little-endian"}},
		{"truncated header", hdr[:9], []string{"truncated header"}},
		{"truncated magic", hdr[:3], []string{"truncated header", "3 of 4"}},
		{"unknown type", idxBytes(0x0a, []uint32{1}, []byte{1}), []string{"bad magic 0x00000a01", "unknown IDX element " +
			"type 0x0a"}},
		{"zero dims", []byte{0, 0, 8, 0}, []string{"zero dimensions"}},
		{"trailing data", append(idxBytes(IDXUint8, []uint32{2}, []byte{1, 2}), 7), []string{"1 bytes of trailing data"}},
		{"int64 overflow", idxBytes(IDXFloat64, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, nil),
			[]string{"absurd declared size", "more payload bytes than fit in an int64"}},
		{"gzip declaring too much", gzipBytes(t, idxBytes(IDXUint8, []uint32{60000, 28, 28}, pix)),
			[]string{"absurd declared size", "47040000 payload bytes", "gzip file can hold at most"}},
		{"gzip truncated payload", gzipBytes(t, append(append([]byte(nil), hdr...), make([]byte, 10)...)),
			[]string{"truncated payload", "expected 1568 payload bytes, got 10"}},
		{"corrupt gzip", corruptGz, []string{"corrupt gzip stream"}},
		{"gzip bad CRC", badCRC, []string{"corrupt gzip stream", "checksum"}},
		{"gzip cut short", validGz[:len(validGz)/2], []string{"truncated payload"}},
		// The 8-byte trailer (CRC-32, size) cut by 4: every payload byte is
		// there, so the error must not claim a short payload.
		{"gzip trailer cut", validGz[:len(validGz)-4], []string{"gzip stream cut short", "all 1568 payload bytes",
			"trailer"}},
		{"gzip header only", validGz[:5], []string{"corrupt gzip stream"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, strings.ReplaceAll(c.name, " ", "_")+"-idx3-ubyte", c.content)
			x, err := ReadIDXFile(p)
			if err == nil {
				t.Fatalf("no error, got %+v", x.IDXHeader)
			}
			if x != nil {
				t.Fatal("partial result returned with the error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, p) {
				t.Errorf("error does not name the file %s: %s", p, msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Errorf("error is %T, want *FormatError", err)
			}
			// The image loader gives the same error.
			if _, err2 := ReadIDXImages(p, "", RangeUnit); err2 == nil || err2.Error() != msg {
				t.Errorf("ReadIDXImages error %v, want %q", err2, msg)
			}
		})
	}
}

// GAN-12 (4) and (5): pairing images with labels.
func TestIDXImageLabelPairing(t *testing.T) {
	dir := t.TempDir()
	// (4): headers only; the count check must come before reading payloads
	// (which are absent here, so reading them would give "truncated").
	imgs := writeFile(t, dir, "train-images-idx3-ubyte",
		append(idxBytes(IDXUint8, []uint32{60000, 28, 28}, nil), make([]byte, 60000*784)...))
	lbls := writeFile(t, dir, "train-labels-idx1-ubyte",
		append(idxBytes(IDXUint8, []uint32{10000}, nil), make([]byte, 10000)...))
	_, err := ReadIDXImages(imgs, lbls, RangeUnit)
	if err == nil || !strings.Contains(err.Error(), "image and label counts differ (60000 vs 10000)") ||
		!strings.Contains(err.Error(), imgs) || !strings.Contains(err.Error(), lbls) {
		t.Errorf("(4) got %v, want counts differ (60000 vs 10000) naming both files", err)
	}

	// (5): a labels file given to the image loader.
	_, err = ReadIDXImages(lbls, "", RangeUnit)
	if err == nil || !strings.Contains(err.Error(), "expected 3 dimensions (magic 0x00000803), "+
		"got 1 (magic 0x00000801)") ||
		!strings.Contains(err.Error(), lbls) {
		t.Errorf("(5) got %v", err)
	}
	// And an images file given as labels.
	small := writeFile(t, dir, "small-images", idxBytes(IDXUint8, []uint32{2, 1, 1}, []byte{0, 255}))
	if _, err = ReadIDXImages(small, small, RangeUnit); err == nil || !strings.Contains(err.Error(), "expected 1 "+
		"dimension") {
		t.Errorf("images as labels: got %v", err)
	}
	// A consistent pair with int32 labels.
	lab := writeFile(t, dir, "small-labels", idxBytes(IDXInt32, []uint32{2}, []byte{0, 0, 0, 7, 0, 0, 1, 0}))
	im, err := ReadIDXImages(small, lab, RangeSigned)
	if err != nil {
		t.Fatal(err)
	}
	// Hand derivation: 0 -> -1, 255 -> +1 in [-1, 1]; labels 7 and 256.
	if im.Pix[0] != -1 || im.Pix[1] != 1 || im.Labels[0] != 7 || im.Labels[1] != 256 || im.Range != RangeSigned {
		t.Errorf("got Pix %v Labels %v Range %v", im.Pix, im.Labels, im.Range)
	}
}

// Every element type of the format, big-endian.
func TestIDXElementTypes(t *testing.T) {
	f32 := math.Float32bits(-1.5)
	f64 := math.Float64bits(3.25)
	cases := []struct {
		name    string
		typ     IDXType
		payload []byte
		want    []float64 // hand-decoded
	}{
		{"ubyte", IDXUint8, []byte{0, 200}, []float64{0, 200}},
		{"sbyte", IDXInt8, []byte{0xff, 0x7f}, []float64{-1, 127}},
		{"short", IDXInt16, []byte{0x01, 0x02, 0xff, 0xfe}, []float64{258, -2}},
		{"int", IDXInt32, []byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff}, []float64{2051, -1}},
		{"float", IDXFloat32, binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, f32), 0), []float64{-1.5, 0}},
		{"double", IDXFloat64, binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, f64), 0), []float64{3.25, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := idxBytes(c.typ, []uint32{1, 2}, c.payload)
			for _, b := range [][]byte{raw, gzipBytes(t, raw)} {
				x, err := ReadIDX(c.name, bytes.NewReader(b), int64(len(b)))
				if err != nil {
					t.Fatal(err)
				}
				got := x.Float64s()
				for i := range c.want {
					if got[i] != c.want[i] {
						t.Errorf("element %d = %v, want %v", i, got[i], c.want[i])
					}
				}
			}
		})
	}
	// Reading 2051 little-endian would give 50855936 (cases.md GAN-12).
	if v := binary.LittleEndian.Uint32([]byte{0, 0, 8, 3}); v != 50855936 {
		t.Fatalf("little-endian 00000803 = %d", v)
	}
}

// FuzzReadIDX: never panics, errors or returns a consistent IDX, and never
// allocates much more than deflate could expand the input to.
func FuzzReadIDX(f *testing.F) {
	raw, _ := twoImages()
	f.Add(raw)
	f.Add(gzipBytes(f, raw))
	f.Add([]byte("<!DOCTYPE html>"))
	f.Add(idxBytes(IDXFloat64, []uint32{1, 2}, make([]byte, 16)))
	f.Add([]byte{0, 0, 8, 3, 0x1c, 0, 0, 0, 0x1c, 0, 0, 0, 0x1c, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x, err := ReadIDX("fuzz", bytes.NewReader(b), int64(len(b)))
		runtime.ReadMemStats(&after)
		// Bound: gzip reader state (~100 KiB incl. bufio) + 1032x the input.
		bound := uint64(1<<20) + uint64(maxDeflateRatio+64)*uint64(len(b))
		if got := after.TotalAlloc - before.TotalAlloc; got > bound {
			t.Fatalf("allocated %d bytes for a %d-byte input (bound %d)", got, len(b), bound)
		}
		if err != nil {
			if x != nil {
				t.Fatal("result with error")
			}
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(x.Data) != x.Len()*x.Type.Size() {
			t.Fatalf("len(Data)=%d, header %v of %s", len(x.Data), x.Dims, x.Type)
		}
		if x.Len() > 0 {
			_ = x.At(x.Len() - 1)
		}
	})
}

// A gzip file whose header claims 2 GB (within deflate's 1032x bound for a
// 2 MB file) but which holds only 1 MB of payload must not allocate the
// claimed size.
func TestIDXGzipLyingHeaderAllocatesLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 2 MB file")
	}
	raw := append(idxBytes(IDXUint8, []uint32{2000, 1000, 1000}, nil), make([]byte, 1<<20)...)
	b := gzipBytes(t, raw)
	junk := make([]byte, 2<<20) // not a gzip member: the reader fails here
	for i := range junk {
		junk[i] = byte(i * 7919 >> 3)
	}
	b = append(b, junk...)
	p := writeFile(t, t.TempDir(), "lying.gz", b)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadIDXFile(p)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "corrupt gzip stream") {
		t.Errorf("got %v, want corrupt gzip stream", err)
	}
	// 32x the 2 MB file = 64 MB initial buffer at most; the claim is 2 GB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 100<<20 {
		t.Errorf("allocated %d MB for a file claiming 2000 MB with 1 MB of data", got>>20)
	} else {
		t.Logf("allocated %.1f MB", float64(got)/(1<<20))
	}
}
