//go:build !cgo

package ganlib

// xlaPlugins: without cgo the XLA backend cannot be linked, so there are no
// plugins and the pure-Go backend is used.
func xlaPlugins() ([]string, error) { return nil, nil }
