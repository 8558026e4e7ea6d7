package data

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeMirror serves files from a map on 127.0.0.1 only (httptest) and
// counts requests.
func fakeMirror(t *testing.T, files map[string][]byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, ok := files[strings.TrimPrefix(r.URL.Path, "/data/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server at %s, want 127.0.0.1", srv.URL)
	}
	return srv, &hits
}

// withRemoteFiles swaps the table of published files for the test.
func withRemoteFiles(t *testing.T, d Dataset, files [4]RemoteFile) {
	t.Helper()
	old, had := remoteFiles[d]
	remoteFiles[d] = files
	t.Cleanup(func() {
		if had {
			remoteFiles[d] = old
		} else {
			delete(remoteFiles, d)
		}
	})
}

func fakeRemote(name string, b []byte) RemoteFile {
	s := sha256.Sum256(b)
	return RemoteFile{Name: name, Size: int64(len(b)), SHA256: hex.EncodeToString(s[:])}
}

func TestDownloadVerifiesAndWritesAtomically(t *testing.T) {
	// Four small valid gzip IDX files served by a fake mirror.
	served := map[string][]byte{}
	var table [4]RemoteFile
	for i, base := range idxBaseNames {
		var raw []byte
		if i%2 == 0 {
			raw = idxBytes(IDXUint8, []uint32{3, 2, 2}, make([]byte, 12))
		} else {
			raw = idxBytes(IDXUint8, []uint32{3}, []byte{1, 2, 3})
		}
		b := gzipBytes(t, raw)
		served[base+".gz"] = b
		table[i] = fakeRemote(base+".gz", b)
	}
	withRemoteFiles(t, MNIST, table)
	srv, hits := fakeMirror(t, served)
	dir := filepath.Join(t.TempDir(), "cache", "mnist")
	dl := &Downloader{Client: srv.Client(), Mirrors: []string{srv.URL + "/missing/", srv.URL + "/data/"}}

	if err := dl.Download(MNIST, dir); err != nil {
		t.Fatal(err)
	}
	// First mirror 404s, second serves: 8 requests.
	if h := hits.Load(); h != 8 {
		t.Errorf("%d requests, want 8", h)
	}
	s, err := LoadMNIST(MNISTOptions{Dir: dir, Valid: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.N != 2 || s.Valid.N != 1 || s.Test.N != 3 || s.Test.Labels[2] != 3 {
		t.Errorf("loaded %d/%d/%d", s.Train.N, s.Valid.N, s.Test.N)
	}
	// Files already present with the right checksum are not fetched again.
	if err := dl.Download(MNIST, dir); err != nil || hits.Load() != 8 {
		t.Errorf("second download: %v, %d requests", err, hits.Load())
	}
	assertNoTempFiles(t, dir)

	// LoadMNIST with Download: true uses the Downloader when nothing is found.
	dir2 := filepath.Join(t.TempDir(), "other")
	if _, err := LoadMNIST(MNISTOptions{Dir: dir2, Valid: 1, Download: true, Downloader: dl}); err != nil {
		t.Fatal(err)
	}
	// Without Download, nothing is fetched.
	before := hits.Load()
	if _, err := LoadMNIST(MNISTOptions{Dir: filepath.Join(t.TempDir(), "x")}); err == nil || hits.Load() != before {
		t.Errorf("load without Download: %v, %d new requests", err, hits.Load()-before)
	}
}

func TestDownloadChecksumMismatchLeavesNoFile(t *testing.T) {
	good := gzipBytes(t, idxBytes(IDXUint8, []uint32{1, 1, 1}, []byte{9}))
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1 // same size, different content
	served := map[string][]byte{}
	var table [4]RemoteFile
	for i, base := range idxBaseNames {
		served[base+".gz"] = bad
		table[i] = fakeRemote(base+".gz", good)
	}
	withRemoteFiles(t, MNIST, table)
	srv, _ := fakeMirror(t, served)
	dir := t.TempDir()
	err := (&Downloader{Client: srv.Client(), Mirrors: []string{srv.URL + "/data/"}}).Download(MNIST, dir)
	if err == nil || !strings.Contains(err.Error(), "SHA-256 mismatch") {
		t.Fatalf("got %v, want SHA-256 mismatch", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("folder holds %d entries after a failed download: %v", len(entries), entries[0].Name())
	}

	// A short body is rejected by size, also leaving nothing behind.
	served[idxBaseNames[0]+".gz"] = good[:10]
	err = (&Downloader{Client: srv.Client(), Mirrors: []string{srv.URL + "/data/"}}).Download(MNIST, dir)
	if err == nil || !strings.Contains(err.Error(), "got 10 bytes") {
		t.Fatalf("got %v, want size error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("folder not empty after a failed download")
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestDownloadUnknownDataset(t *testing.T) {
	err := (&Downloader{}).Download(TFD, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "TFD is not freely downloadable") {
		t.Errorf("got %v", err)
	}
}
