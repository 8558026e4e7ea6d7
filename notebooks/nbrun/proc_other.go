//go:build !unix

package nbrun

import "os/exec"

// setProcessGroup is a no-op where process groups are not available: only
// the executor itself is killed on cancellation.
func setProcessGroup(cmd *exec.Cmd) {}
