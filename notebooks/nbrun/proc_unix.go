//go:build unix

package nbrun

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in its own process group and makes cancellation
// send SIGTERM to the group: the executor then shuts its kernel down (Jupyter
// starts kernels in their own session, out of reach of the group).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
}
