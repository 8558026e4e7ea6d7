// Package nbsetup holds the checks the first notebook (00-setup-check) runs
// before anything else, kept in a package so that they are unit-tested.
//
// It imports only the standard library: a check of the toolchain must not
// itself fail with a page of dependency build errors.
package nbsetup

import (
	"fmt"
	"go/version"
	"runtime"
	"strings"
)

// MinGoVersion is the oldest Go release this project builds with: the go
// directive of go.mod (a test keeps the two equal).
const MinGoVersion = "1.26.5"

// GoVersionError reports a Go toolchain older than the project needs.
type GoVersionError struct {
	Found, Need string // without the "go" prefix, e.g. "1.25.3" and "1.26.5"
}

// Error reads "Go 1.25.3 found, this project needs ≥ 1.26.5", then how to fix it.
func (e *GoVersionError) Error() string {
	return fmt.Sprintf("Go %s found, this project needs ≥ %s: install Go %s or newer from "+
		"https://go.dev/dl, put its bin folder first on the PATH of the Jupyter service and "+
		"reinstall the kernel (make notebook); see README, Troubleshooting", e.Found, e.Need, e.Need)
}

// CheckGoVersion returns a *GoVersionError when found (runtime.Version()
// style: "go1.26.8", "go1.27rc1", "go1.26.8-X:simd"; the "go" prefix is
// optional) is older than
// need ("1.26.5"). Development builds ("devel ...") and other versions it
// cannot parse are accepted: there is nothing reliable to compare.
func CheckGoVersion(found, need string) error {
	f, n := withGo(found), withGo(need)
	if !version.IsValid(n) {
		return fmt.Errorf("nbsetup: CheckGoVersion: need = %q is not a Go version (want e.g. \"1.26.5\")", need)
	}
	if !version.IsValid(f) {
		return nil
	}
	if version.Compare(f, n) < 0 {
		return &GoVersionError{Found: strings.TrimPrefix(f, "go"), Need: strings.TrimPrefix(n, "go")}
	}
	return nil
}

// CheckGo checks the Go that compiled the calling program (runtime.Version())
// against MinGoVersion.
func CheckGo() error { return CheckGoVersion(runtime.Version(), MinGoVersion) }

// GoSummary reads "Go 1.26.8 found, this project needs ≥ 1.26.5: OK".
func GoSummary() string {
	return fmt.Sprintf("Go %s found, this project needs ≥ %s: OK",
		strings.TrimPrefix(withGo(runtime.Version()), "go"), MinGoVersion)
}

// withGo normalises a version to "go1.26.8": it adds the "go" prefix and
// drops what follows the release, as runtime.Version() appends experiments
// ("go1.26.8-X:simd", "go1.26.8 X:simd").
func withGo(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "devel") {
		return v
	}
	if i := strings.IndexAny(v, " -"); i >= 0 {
		v = v[:i]
	}
	if strings.HasPrefix(v, "go") {
		return v
	}
	return "go" + v
}

// The notebook mode (quick or full) is read with kernelext.NotebookMode,
// kernelext.Quick and kernelext.PickMode: kernelext is what the notebooks import.
