//go:build cgo

package ganlib

import "github.com/gomlx/go-xla/compute/xla" // registers the "xla" backend (needs cgo)

// xlaPlugins lists the installed XLA PJRT plugins, with XLA's automatic
// plugin download turned off first.
func xlaPlugins() []string {
	xla.EnableAutoInstall(false)
	return xla.GetAvailablePlugins()
}
