//go:build linux

package testaws

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in its own process group so that every
// process it starts can be stopped together, and has the kernel kill it if
// the test binary dies before its cleanup runs (a crash, a timeout, a
// closed pipe).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killProcessGroup kills cmd's process group.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
