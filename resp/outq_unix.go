//go:build unix

package resp

import "syscall"

const rawWriteSupported = true

// rawWrite is one write(2) on the socket's descriptor, which Go keeps
// non-blocking.
func rawWrite(fd uintptr, b []byte) (int, error) { return syscall.Write(int(fd), b) }
