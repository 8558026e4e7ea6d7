//go:build !unix

package browser

import (
	"os"
	"os/exec"
)

func setProcessGroup(cmd *exec.Cmd) {}

// signalGroup ends cmd itself: there are no process groups to signal.
func signalGroup(cmd *exec.Cmd, kill bool) error {
	if kill {
		return cmd.Process.Kill()
	}
	return cmd.Process.Signal(os.Interrupt)
}
