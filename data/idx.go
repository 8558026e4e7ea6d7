package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
)

// IDXType is the element type byte of an IDX header (third byte of the
// magic number), as defined by the format's description on the MNIST page.
type IDXType byte

// The element types the IDX format defines. Multi-byte values are stored
// big-endian.
const (
	IDXUint8   IDXType = 0x08 // unsigned byte
	IDXInt8    IDXType = 0x09 // signed byte
	IDXInt16   IDXType = 0x0B // short, 2 bytes
	IDXInt32   IDXType = 0x0C // int, 4 bytes
	IDXFloat32 IDXType = 0x0D // float, 4 bytes
	IDXFloat64 IDXType = 0x0E // double, 8 bytes
)

// Size returns the number of bytes of one element, or 0 for an undefined
// type.
func (t IDXType) Size() int {
	switch t {
	case IDXUint8, IDXInt8:
		return 1
	case IDXInt16:
		return 2
	case IDXInt32, IDXFloat32:
		return 4
	case IDXFloat64:
		return 8
	}
	return 0
}

func (t IDXType) String() string {
	switch t {
	case IDXUint8:
		return "ubyte"
	case IDXInt8:
		return "sbyte"
	case IDXInt16:
		return "short"
	case IDXInt32:
		return "int"
	case IDXFloat32:
		return "float"
	case IDXFloat64:
		return "double"
	}
	return fmt.Sprintf("IDXType(0x%02x)", byte(t))
}

// MaxIDXBytes bounds the payload any IDX reader of this package will
// allocate (4 GiB). Larger declared sizes are rejected before allocating.
const MaxIDXBytes int64 = 4 << 30

// maxDeflateRatio is the largest expansion factor deflate can achieve
// (about 1032:1, RFC 1951 maximum run of 258 bytes per ~2 bits); a gzip file
// can never decompress to more than this many times its own size, plus a
// little slack for headers.
const maxDeflateRatio = 1032

// FormatError reports a file that is not a well-formed IDX (or CIFAR-10,
// TFD) file. File is the path or name given to the reader.
type FormatError struct {
	File string
	Msg  string
	Err  error // underlying error, if any (e.g. from compress/gzip)
}

func (e *FormatError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("data: %s: %s: %v", e.File, e.Msg, e.Err)
	}
	return fmt.Sprintf("data: %s: %s", e.File, e.Msg)
}

func (e *FormatError) Unwrap() error { return e.Err }

func formatErrorf(file, format string, args ...any) error {
	return &FormatError{File: file, Msg: fmt.Sprintf(format, args...)}
}

// IDXHeader is the decoded header of an IDX file.
type IDXHeader struct {
	Magic uint32  // the raw big-endian magic number, e.g. 0x00000803
	Type  IDXType // element type
	Dims  []int   // sizes, outermost first, e.g. [60000 28 28]
	// Gzip reports whether the file was gzip-compressed (detected by
	// content, bytes 1f 8b, never by name).
	Gzip bool
}

// Len returns the number of elements the header declares.
func (h *IDXHeader) Len() int {
	n := 1
	for _, d := range h.Dims {
		n *= d
	}
	return n
}

// IDX is a decoded IDX file: the header plus the payload in file order
// (big-endian for multi-byte types), len(Data) == Len()*Type.Size().
type IDX struct {
	IDXHeader
	Data []byte
}

// Uint8s returns the payload of a ubyte file (no copy) or an error naming
// the actual type.
func (x *IDX) Uint8s() ([]uint8, error) {
	if x.Type != IDXUint8 {
		return nil, fmt.Errorf("data: IDX element type is %s, not ubyte", x.Type)
	}
	return x.Data, nil
}

// At returns element i converted to float64, for any element type.
func (x *IDX) At(i int) float64 {
	d := x.Data
	switch x.Type {
	case IDXUint8:
		return float64(d[i])
	case IDXInt8:
		return float64(int8(d[i]))
	case IDXInt16:
		return float64(int16(binary.BigEndian.Uint16(d[2*i:])))
	case IDXInt32:
		return float64(int32(binary.BigEndian.Uint32(d[4*i:])))
	case IDXFloat32:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(d[4*i:])))
	case IDXFloat64:
		return math.Float64frombits(binary.BigEndian.Uint64(d[8*i:]))
	}
	panic(fmt.Sprintf("data: IDX.At on undefined type %s", x.Type))
}

// Float64s returns all elements converted to float64.
func (x *IDX) Float64s() []float64 {
	out := make([]float64, x.Len())
	for i := range out {
		out[i] = x.At(i)
	}
	return out
}

// Ints returns all elements as ints; it fails for float types.
func (x *IDX) Ints() ([]int, error) {
	if x.Type == IDXFloat32 || x.Type == IDXFloat64 {
		return nil, fmt.Errorf("data: IDX element type is %s, not an integer type", x.Type)
	}
	out := make([]int, x.Len())
	for i := range out {
		out[i] = int(x.At(i))
	}
	return out, nil
}

// ReadIDXFile reads an IDX file, gzip-compressed or raw (decided by the
// first two bytes, 1f 8b, not by the name). Every malformed input gives a
// *FormatError naming the file; no buffer larger than the file allows is
// ever allocated (see OpenIDX).
func ReadIDXFile(path string) (*IDX, error) {
	r, err := OpenIDX(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.ReadAll()
}

// ReadIDX decodes an IDX file held in r (size bytes). name is used in error
// messages only.
func ReadIDX(name string, r io.ReaderAt, size int64) (*IDX, error) {
	ir, err := newIDXReader(name, r, size)
	if err != nil {
		return nil, err
	}
	return ir.ReadAll()
}

// IDXReader is an opened IDX file whose header has been read and checked
// but whose payload has not: pairs of files (images, labels) can be
// checked against each other before anything large is allocated.
type IDXReader struct {
	Name   string
	Header IDXHeader
	closer io.Closer
	src    io.Reader // positioned at the payload (decompressed)
	zr     *gzip.Reader
	// payload is the number of payload bytes the header declares, already
	// checked against the file size.
	payload int64
	// fileSize is the size of the file as stored (compressed for gzip).
	fileSize int64
}

// OpenIDX opens path and reads and validates its header. The declared
// payload size is checked against the file length before anything is
// allocated: for a raw file it must match exactly; for a gzip file it must
// not exceed what deflate can expand the file to (1032x) nor MaxIDXBytes.
func OpenIDX(path string) (*IDXReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, formatErrorf(path, "is a directory, not an IDX file")
	}
	r, err := newIDXReader(path, f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// Close releases the file.
func (r *IDXReader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

func newIDXReader(name string, ra io.ReaderAt, size int64) (*IDXReader, error) {
	if size == 0 {
		return nil, formatErrorf(name, "empty file (0 bytes), no IDX header; the download probably failed")
	}
	r := &IDXReader{Name: name}
	var head [2]byte
	n, _ := ra.ReadAt(head[:], 0)
	sr := io.NewSectionReader(ra, 0, size)
	limit := size // bound on decompressed bytes
	if n == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(bufio.NewReaderSize(sr, 64<<10))
		if err != nil {
			return nil, &FormatError{File: name, Msg: "corrupt gzip stream (header)", Err: err}
		}
		r.zr = zr
		r.src = zr
		r.Header.Gzip = true
		if size > (math.MaxInt64-1024)/maxDeflateRatio {
			limit = math.MaxInt64
		} else {
			limit = size*maxDeflateRatio + 1024
		}
	} else {
		r.src = bufio.NewReaderSize(sr, 64<<10)
	}
	r.fileSize = size
	if err := r.readHeader(limit, size); err != nil {
		return nil, err
	}
	return r, nil
}

// describeMagic explains a magic number that is not an IDX magic.
func describeMagic(m uint32, b [4]byte) string {
	msg := fmt.Sprintf("bad magic 0x%08x", m)
	switch {
	case b[0] == 0x1f && b[1] == 0x8b:
		return msg + ": the content is gzip-compressed twice"
	case isText(b[:]):
		return msg + fmt.Sprintf(": looks like text or HTML, the download probably failed (starts with %q)", string(b[:]))
	case b[0] == 0 && b[1] == 0 && IDXType(b[2]).Size() == 0:
		return msg + fmt.Sprintf(": unknown IDX element type 0x%02x (want 08, 09, 0b, 0c, 0d or 0e)", b[2])
	case b[0] == 0 && b[1] == 0 && b[3] == 0:
		return msg + ": zero dimensions"
	case b[3] == 0 && b[2] == 0 && IDXType(b[1]).Size() != 0:
		return msg + ": looks like a little-endian IDX header (IDX is big-endian)"
	}
	return msg + fmt.Sprintf(" (%d): not an IDX file (the first two bytes of an IDX magic are 0)", m)
}

func isText(b []byte) bool {
	for _, c := range b {
		if !(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return true
}

func (r *IDXReader) readHeader(limit, fileSize int64) error {
	name := r.Name
	var mb [4]byte
	n, err := io.ReadFull(r.src, mb[:])
	if err != nil {
		if r.zr != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return &FormatError{File: name, Msg: "corrupt gzip stream", Err: err}
		}
		if n == 0 && r.zr != nil {
			return formatErrorf(name, "gzip stream is empty, no IDX header")
		}
		return formatErrorf(name, "truncated header: %d of 4 magic bytes", n)
	}
	m := binary.BigEndian.Uint32(mb[:])
	r.Header.Magic = m
	if mb[0] != 0 || mb[1] != 0 || IDXType(mb[2]).Size() == 0 || mb[3] == 0 {
		return formatErrorf(name, "%s", describeMagic(m, mb))
	}
	r.Header.Type = IDXType(mb[2])
	ndim := int(mb[3])
	hdrLen := int64(4 + 4*ndim)
	if hdrLen > limit {
		return formatErrorf(name, "truncated header: magic 0x%08x declares %d dimensions "+
			"(%d header bytes), file has %d bytes",
			m, ndim, hdrLen, fileSize)
	}
	db := make([]byte, 4*ndim)
	if n, err := io.ReadFull(r.src, db); err != nil {
		if r.zr != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return &FormatError{File: name, Msg: "corrupt gzip stream", Err: err}
		}
		return formatErrorf(name, "truncated header: magic 0x%08x declares %d dimensions, got %d of %d size bytes",
			m, ndim, n, 4*ndim)
	}
	dims := make([]int, ndim)
	// total = product of dims * element size, with overflow checks.
	total := uint64(r.Header.Type.Size())
	overflow := false
	for i := range dims {
		d := binary.BigEndian.Uint32(db[4*i:])
		dims[i] = int(d)
		hi, lo := bits.Mul64(total, uint64(d))
		if hi != 0 || lo > math.MaxInt64 {
			overflow = true
		}
		total = lo
	}
	r.Header.Dims = dims
	// Check before allocating, against the file length.
	payloadAvail := limit - hdrLen
	if r.zr == nil && !overflow && int64(total) > payloadAvail &&
		int64(total)/maxDeflateRatio <= fileSize && total <= uint64(MaxIDXBytes) {
		// Plausible size, short file: a cut-off download.
		return formatErrorf(name, "truncated payload: dims %v of %s: expected %d payload bytes, got %d",
			dims, r.Header.Type, total, fileSize-hdrLen)
	}
	if overflow || total > uint64(MaxIDXBytes) || int64(total) > payloadAvail {
		what := fmt.Sprintf("%d payload bytes", total)
		if overflow {
			what = "more payload bytes than fit in an int64"
		}
		hint := ""
		for _, d := range dims {
			if d >= 1<<24 && bits.ReverseBytes32(uint32(d)) < 1<<16 {
				hint = " (the sizes look little-endian; IDX is big-endian)"
				break
			}
		}
		bound := fmt.Sprintf("the file has only %d bytes", fileSize)
		if r.zr != nil {
			bound = fmt.Sprintf("a %d-byte gzip file can hold at most %d", fileSize, payloadAvail)
		}
		if int64(total) <= payloadAvail && !overflow {
			bound = fmt.Sprintf("the limit is %d bytes", MaxIDXBytes)
		}
		return formatErrorf(name, "absurd declared size: dims %v of %s (magic 0x%08x) need %s, but %s%s",
			dims, r.Header.Type, m, what, bound, hint)
	}
	r.payload = int64(total)
	if r.zr == nil && hdrLen+r.payload != fileSize {
		if hdrLen+r.payload > fileSize {
			return formatErrorf(name, "truncated payload: dims %v of %s: expected %d payload bytes, got %d",
				dims, r.Header.Type, r.payload, fileSize-hdrLen)
		}
		return formatErrorf(name, "%d bytes of trailing data after the %d payload bytes of dims %v",
			fileSize-hdrLen-r.payload, r.payload, dims)
	}
	return nil
}

// readPayload reads the r.payload declared bytes. A raw file's length was
// checked against the header, so the buffer is allocated at once. A gzip
// file could still end early or be corrupt, so its buffer starts at what a
// typical compression ratio allows (32x the file) and grows, doubling, only
// as decompressed bytes actually arrive: memory stays within about twice
// the data really present, whatever the header claims.
func (r *IDXReader) readPayload() ([]byte, int, error) {
	if r.zr == nil {
		buf := make([]byte, r.payload)
		n, err := io.ReadFull(r.src, buf)
		return buf, n, err
	}
	initial := min(r.payload, max(64<<10, 32*r.fileSize))
	buf := make([]byte, 0, initial)
	for int64(len(buf)) < r.payload {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(r.payload, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		k, err := r.src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err != nil {
			if errors.Is(err, io.EOF) && int64(len(buf)) < r.payload {
				err = io.ErrUnexpectedEOF
			}
			if int64(len(buf)) == r.payload && errors.Is(err, io.EOF) {
				break
			}
			return nil, len(buf), err
		}
	}
	return buf, len(buf), nil
}

// ReadAll reads the payload (len = Header.Len()*Type.Size()) and checks
// that the file ends there (for gzip: that the CRC-32 and length in the
// trailer match).
func (r *IDXReader) ReadAll() (*IDX, error) {
	buf, n, err := r.readPayload()
	if err != nil {
		if r.zr != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &FormatError{File: r.Name, Msg: "corrupt gzip stream", Err: err}
		}
		if r.zr != nil && int64(n) == r.payload {
			// Every payload byte arrived, but the stream ended inside the
			// gzip trailer (CRC-32 and size).
			return nil, formatErrorf(r.Name, "gzip stream cut short: all %d payload bytes are there, but "+
				"the gzip trailer (CRC-32 and size) is missing or incomplete; the file was probably "+
				"truncated in transfer", n)
		}
		return nil, formatErrorf(r.Name, "truncated payload: dims %v of %s: expected %d payload bytes, got %d",
			r.Header.Dims, r.Header.Type, r.payload, n)
	}
	if r.zr != nil {
		// Read to the end so that the gzip trailer (CRC-32, size) is checked.
		var extra [1]byte
		k, err := io.ReadFull(r.zr, extra[:])
		switch {
		case k > 0:
			rest, _ := io.Copy(io.Discard, io.LimitReader(r.zr, MaxIDXBytes))
			return nil, formatErrorf(r.Name, "%d bytes of trailing data after the %d payload bytes of dims %v",
				rest+1, r.payload, r.Header.Dims)
		case err != nil && !errors.Is(err, io.EOF):
			return nil, &FormatError{File: r.Name, Msg: "corrupt gzip stream", Err: err}
		}
	}
	return &IDX{IDXHeader: r.Header, Data: buf}, nil
}
