package resp

import (
	"net"
	"sync"
	"syscall"
	"time"
)

// pollInterval is how often a watcher re-checks the state of a socket that
// holds unread bytes, where readiness alone cannot tell a departed peer.
const pollInterval = 200 * time.Millisecond

// aLongTimeAgo is a read deadline in the past, to wake a waiting watcher.
var aLongTimeAgo = time.Unix(1, 0)

// Watcher reports when the peer of a connection goes away (closes or
// resets it) while nobody reads from it, typically while a command such as
// XREAD BLOCK waits. It never consumes a byte of the stream. Create one with
// WatchClose; call Stop when the wait is over.
//
// While a Watcher runs it owns the connection's read deadline and holds its
// read side; Stop hands both back, with no deadline set. Its methods are
// safe for concurrent use.
type Watcher struct {
	conn   net.Conn // the socket itself, below any Guard
	rc     syscall.RawConn
	closed chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	stopped bool // guarded by mu, with the deadline changes it orders
}

// WatchClose starts watching c, or the socket below it when c is a Guard
// (anything with an Unwrap() net.Conn method is unwrapped). Reading from c
// while the watcher runs blocks until Stop. If c is not a socket (it has no
// SyscallConn), or away from Linux, the watcher never reports.
func WatchClose(c net.Conn) *Watcher {
	for {
		u, ok := c.(interface{ Unwrap() net.Conn })
		if !ok {
			break
		}
		c = u.Unwrap()
	}
	w := &Watcher{conn: c, closed: make(chan struct{}), done: make(chan struct{})}
	sc, ok := c.(syscall.Conn)
	if ok {
		rc, err := sc.SyscallConn()
		ok = err == nil
		w.rc = rc
	}
	if !ok || !watchSupported {
		w.rc = nil
		close(w.done)
		return w
	}
	go w.run()
	return w
}

// Closed returns a channel that is closed once the peer has closed or reset
// the connection (or the connection was closed locally).
func (w *Watcher) Closed() <-chan struct{} { return w.closed }

// Stop ends the watch and waits until the connection is released: once it
// returns, reads proceed normally and see every byte the peer sent. Stop
// may be called more than once.
func (w *Watcher) Stop() {
	w.mu.Lock()
	if !w.stopped {
		w.stopped = true
		if w.rc != nil {
			_ = w.conn.SetReadDeadline(aLongTimeAgo)
		}
	}
	w.mu.Unlock()
	<-w.done
}

// arm sets the deadline for the next wait, unless the watch was stopped.
func (w *Watcher) arm(poll bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return false
	}
	var dl time.Time
	if poll {
		dl = time.Now().Add(pollInterval)
	}
	_ = w.conn.SetReadDeadline(dl)
	return true
}
