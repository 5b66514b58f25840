package commands

import (
	"net"
	"syscall"

	"github.com/runnel-db/runnel/resp"
)

// socketFD returns the file descriptor of a TCP or Unix connection, or -1.
// It is read once per connection, for CLIENT LIST's fd= field.
func socketFD(nc net.Conn) int {
	if g, isGuard := nc.(*resp.Guard); isGuard {
		nc = g.Unwrap()
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	raw.Control(func(f uintptr) { fd = int(f) })
	return fd
}
