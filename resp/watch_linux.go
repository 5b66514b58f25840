package resp

import (
	"time"

	"golang.org/x/sys/unix"
)

const watchSupported = true

// peer is what a look at the socket tells about the other side.
type peer uint8

const (
	peerIdle peer = iota // connected, nothing unread
	peerData             // connected, bytes unread
	peerGone             // closed or reset
)

// run waits in the runtime's poller for the socket to become readable and
// then peeks at it. A FIN or RST with nothing unread shows at once. With
// bytes unread, readiness says nothing new, so the socket state is checked
// on every further wake-up and every pollInterval.
func (w *Watcher) run() {
	defer close(w.done)
	defer func() { _ = w.conn.SetReadDeadline(time.Time{}) }()
	poll := false
	for w.arm(poll) {
		gone := false
		err := w.rc.Read(func(fd uintptr) bool {
			switch peerState(int(fd)) {
			case peerGone:
				gone = true
				return true
			case peerData:
				if !poll {
					poll = true
					return true // re-arm with the poll deadline
				}
			default:
				if poll {
					poll = false
					return true // re-arm without it
				}
			}
			return false // wait for the next readiness event
		})
		if gone {
			close(w.closed)
			return
		}
		if err != nil && !isTimeout(err) {
			// The connection was closed under us.
			close(w.closed)
			return
		}
	}
}

func isTimeout(err error) bool {
	t, ok := err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

// peerState peeks at fd without consuming anything.
func peerState(fd int) peer {
	var b [1]byte
	for {
		n, _, err := unix.Recvfrom(fd, b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return peerIdle
		case err != nil:
			return peerGone // ECONNRESET and the like
		case n == 0:
			return peerGone // orderly shutdown
		}
		break
	}
	// Bytes are waiting, so the peek cannot see a FIN behind them: ask the
	// socket whether the peer has shut its side.
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
	for {
		_, err := unix.Poll(fds, 0)
		if err != unix.EINTR {
			break
		}
	}
	if fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR) != 0 {
		return peerGone
	}
	if info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
		switch info.State {
		case tcpCloseWait, tcpClose, tcpLastAck, tcpClosing, tcpTimeWait:
			return peerGone
		}
	}
	return peerData
}

// TCP states (include/net/tcp_states.h) in which the peer has finished.
const (
	tcpTimeWait  = 6
	tcpClose     = 7
	tcpCloseWait = 8
	tcpLastAck   = 9
	tcpClosing   = 11
)
