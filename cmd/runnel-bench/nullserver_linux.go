package main

import (
	"errors"
	"net"
	"syscall"
	"unsafe"
)

// nullConn is a connection of the epoll loop: input not yet framed and
// replies not yet written.
type nullConn struct {
	in, out []byte
	queued  bool // in the loop's list of connections with replies to write
}

// serveEpoll serves every connection from one goroutine on one locked
// thread, as Redis's event loop does: wait for readiness, read each ready
// connection once, answer what arrived, then write every reply before
// waiting again. A wait that would block is tried first without blocking,
// so that a busy loop does not hand its thread to the scheduler on every
// round.
func serveEpoll(ln net.Listener) error {
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		return errors.New("nullserver: epoll needs a TCP listener")
	}
	f, err := tl.File()
	if err != nil {
		return err
	}
	lfd := int(f.Fd())
	if err := syscall.SetNonblock(lfd, true); err != nil {
		return err
	}
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, lfd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(lfd)}); err != nil {
		return err
	}
	conns := map[int]*nullConn{}
	var pending []int
	events := make([]syscall.EpollEvent, 512)
	buf := make([]byte, 64<<10)
	closeConn := func(fd int) {
		syscall.Close(fd) // also leaves the epoll set
		delete(conns, fd)
	}
	for {
		n := epollPoll(epfd, events)
		if n == 0 {
			if n, err = syscall.EpollWait(epfd, events, -1); err != nil {
				if err == syscall.EINTR {
					continue
				}
				return err
			}
		}
		for _, ev := range events[:n] {
			fd := int(ev.Fd)
			if fd == lfd {
				for {
					cfd, _, err := syscall.Accept4(lfd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
					if err != nil {
						break
					}
					syscall.SetsockoptInt(cfd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
					if syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, cfd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(cfd)}) != nil {
						syscall.Close(cfd)
						continue
					}
					conns[cfd] = &nullConn{}
				}
				continue
			}
			c := conns[fd]
			if c == nil {
				continue
			}
			if ev.Events&syscall.EPOLLOUT != 0 && !c.queued && len(c.out) > 0 {
				c.queued = true
				pending = append(pending, fd)
			}
			if ev.Events&(syscall.EPOLLIN|syscall.EPOLLHUP|syscall.EPOLLERR) == 0 {
				continue
			}
			m, err := syscall.Read(fd, buf)
			if err == syscall.EAGAIN {
				continue
			}
			if m <= 0 || err != nil {
				closeConn(fd)
				continue
			}
			c.in = append(c.in, buf[:m]...)
			used, reply, err := nullFrame(c.in, c.out)
			if err != nil {
				closeConn(fd)
				continue
			}
			c.out = reply
			c.in = c.in[:copy(c.in, c.in[used:])]
			if len(c.out) > 0 && !c.queued {
				c.queued = true
				pending = append(pending, fd)
			}
		}
		for _, fd := range pending {
			c := conns[fd]
			if c == nil {
				continue
			}
			c.queued = false
			w, err := syscall.Write(fd, c.out)
			if err != nil && err != syscall.EAGAIN {
				closeConn(fd)
				continue
			}
			w = max(w, 0)
			c.out = c.out[:copy(c.out, c.out[w:])]
			mask := uint32(syscall.EPOLLIN)
			if len(c.out) > 0 {
				mask |= syscall.EPOLLOUT // the rest goes once the socket drains
			}
			syscall.EpollCtl(epfd, syscall.EPOLL_CTL_MOD, fd, &syscall.EpollEvent{Events: mask, Fd: int32(fd)})
		}
		pending = pending[:0]
	}
}

// epollPoll collects ready events without waiting. It is a raw system
// call: it never blocks, so the scheduler need not know of it.
func epollPoll(epfd int, events []syscall.EpollEvent) int {
	r, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_WAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if errno != 0 {
		return 0
	}
	return int(r)
}
