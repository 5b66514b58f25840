//go:build !linux

package main

import (
	"errors"
	"net"
)

// serveEpoll is Linux only.
func serveEpoll(net.Listener) error {
	return errors.New("nullserver: --loop epoll needs Linux")
}
