//go:build linux

package compat_test

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill a server the suite started if the
// test process dies first (a killed `go test` runs no t.Cleanup).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
