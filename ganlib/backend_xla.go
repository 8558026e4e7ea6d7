//go:build cgo

package ganlib

import (
	"fmt"

	"github.com/gomlx/go-xla/compute/xla" // registers the "xla" backend (needs cgo)
)

// xlaPlugins lists the installed XLA PJRT plugins, with XLA's automatic
// plugin download turned off first. A plugin file that cannot be loaded (a
// corrupt or wrong-architecture .so makes go-xla panic while probing it) is
// reported as an error instead of crashing the program.
func xlaPlugins() (plugins []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			plugins, err = nil, fmt.Errorf("probing XLA PJRT plugins failed: %v", r)
		}
	}()
	xla.EnableAutoInstall(false)
	return xla.GetAvailablePlugins(), nil
}
