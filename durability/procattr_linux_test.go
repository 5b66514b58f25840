//go:build linux

package durability

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill a server the tests started if the test
// process dies first (a killed go test runs no cleanup).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
