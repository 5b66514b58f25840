package resp

import (
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Replies the socket does not take at once.
//
// Redis writes what the socket takes, keeps the rest in the client's
// output buffer and goes on reading and running the client's commands; a
// client that stops reading is then closed once that buffer passes its
// client-output-buffer-limit, and CLIENT LIST's omem shows what the socket
// has not taken. A connection does the same here: its writes go to the
// socket without waiting (write), what the socket leaves is queued for a
// writer goroutine (writeQueued) that runs only while something is queued,
// and the connection goes on reading and running commands while up to
// ReadAhead bytes are queued. Pending counts the queued bytes until the
// socket takes them.
//
// Only one goroutine writes at a time, as before: the connection's (or
// the held replies' sender while a batch runs, or Interject's caller), so
// the fields tb, tn and terr need no lock. The writer goroutine and the
// queue are guarded by qmu.
type outq struct {
	// rc is the socket below the guard; nil when the connection is not a
	// socket (or away from Unix), whose writes then block as they always
	// did and never queue.
	rc    syscall.RawConn
	guard *Guard
	// tb, tn and terr are the state of tryWrite's callback, tryFn.
	tb    []byte
	tn    int
	terr  error
	tryFn func(uintptr) bool

	// qActive is set while the writer runs or after it failed: writes must
	// then look at the queue. Only writes set it, only the writer clears
	// it (under qmu).
	qActive atomic.Bool
	// qLen is the number of queued bytes the socket has not taken.
	qLen atomic.Int64

	qmu     sync.Mutex
	running bool   // the writer goroutine runs
	q       []byte // what waits behind the buffer being written
	// qHead is the size of the written start of a buffer handed over with
	// own, which q's capacity does not show, for released.
	qHead int
	qerr  error // the writer's error: later writes fail with it
	qcond sync.Cond
}

// initOutq finds the socket below nc.
func (c *Conn) initOutq() {
	c.qcond.L = &c.qmu
	c.guard, _ = c.nc.(*Guard)
	if !rawWriteSupported {
		return
	}
	nc := c.nc
	for {
		u, ok := nc.(interface{ Unwrap() net.Conn })
		if !ok {
			break
		}
		nc = u.Unwrap()
	}
	if sc, ok := nc.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			c.rc = rc
			c.tryFn = c.tryOnce
		}
	}
}

// write sends b, or queues what the socket does not take at once. It
// returns the writer's error once a queued write failed. When own is set
// the caller gives up b, which write may keep (it reports so) instead of
// copying it.
func (c *Conn) write(b []byte, own bool) (kept bool, err error) {
	if c.guard != nil && c.guard.discard.Load() {
		return false, nil // as Guard.Write: nothing more leaves
	}
	if c.qActive.Load() {
		c.qmu.Lock()
		if c.qerr != nil {
			err = c.qerr
			c.qmu.Unlock()
			return false, err
		}
		if c.running {
			c.q = append(c.q, b...)
			c.qLen.Add(int64(len(b)))
			c.qmu.Unlock()
			return false, nil
		}
		c.qmu.Unlock() // the writer has just ended: write directly
	}
	n, err := c.tryWrite(b)
	if err != nil || n == len(b) {
		return false, err
	}
	rest := b[n:]
	c.qmu.Lock()
	if own {
		c.q, c.qHead, kept = rest, cap(b)-cap(rest), true
	} else {
		c.q = append(c.q[:0], rest...)
	}
	c.qLen.Store(int64(len(rest)))
	c.running = true
	c.qActive.Store(true)
	c.qmu.Unlock()
	go c.writeQueued()
	return kept, nil
}

// tryWrite writes what the socket takes of b without waiting, or all of b,
// waiting, when the connection is not a socket.
func (c *Conn) tryWrite(b []byte) (int, error) {
	if c.rc == nil {
		return c.nc.Write(b)
	}
	c.tb, c.tn, c.terr = b, 0, nil
	err := c.rc.Write(c.tryFn)
	n := c.tn
	if err == nil {
		err = c.terr
	}
	c.tb, c.terr = nil, nil
	return n, err
}

// tryOnce is tryWrite's callback: it writes until the socket is full.
func (c *Conn) tryOnce(fd uintptr) bool {
	for c.tn < len(c.tb) {
		n, err := rawWrite(fd, c.tb[c.tn:])
		if n > 0 {
			c.tn += n
		}
		switch {
		case err == syscall.EINTR:
		case err == syscall.EAGAIN:
			return true
		case err != nil:
			c.terr = os.NewSyscallError("write", err)
			return true
		case n == 0:
			c.terr = io.ErrUnexpectedEOF
			return true
		}
	}
	return true
}

// writeQueued is the writer: it writes the queue until it is empty or a
// write fails, and then ends.
func (c *Conn) writeQueued() {
	var buf []byte
	c.qmu.Lock()
	for c.qerr == nil && len(c.q) > 0 {
		buf, c.q = c.q, buf[:0]
		c.qmu.Unlock()
		err := c.writeAll(buf)
		c.qmu.Lock()
		if err != nil {
			c.qerr = err
			c.q = nil
			c.qLen.Store(0)
		}
	}
	if n := cap(buf) + cap(c.q) + c.qHead; n > maxKeptOutput {
		released.Add(uint64(n))
	}
	c.q, c.qHead = nil, 0
	c.running = false
	if c.qerr == nil {
		c.qActive.Store(false)
	}
	c.qcond.Broadcast()
	c.qmu.Unlock()
}

// writeAll writes buf, waiting for the socket, and counts what it takes
// off qLen as it goes, waking waitQueued.
func (c *Conn) writeAll(buf []byte) error {
	var werr error
	err := c.rc.Write(func(fd uintptr) bool {
		for len(buf) > 0 {
			n, err := rawWrite(fd, buf)
			if n > 0 {
				buf = buf[n:]
				c.qLen.Add(-int64(n))
			}
			switch {
			case err == syscall.EINTR:
			case err == syscall.EAGAIN:
				c.qmu.Lock()
				c.qcond.Broadcast()
				c.qmu.Unlock()
				return false // wait until the socket takes more
			case err != nil:
				werr = os.NewSyscallError("write", err)
				return true
			case n == 0:
				werr = io.ErrUnexpectedEOF
				return true
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	return werr
}

// waitQueued waits until at most max queued bytes are left for the socket,
// or the writer failed, whose error it returns.
func (c *Conn) waitQueued(max int64) error {
	if !c.qActive.Load() {
		return nil
	}
	c.qmu.Lock()
	defer c.qmu.Unlock()
	for c.running && c.qerr == nil && c.qLen.Load() > max {
		c.qcond.Wait()
	}
	return c.qerr
}

// drainStall is how long drainQueued waits for the socket to take any
// of a finished connection's queued replies before it gives up (in
// nanoseconds; atomic so that tests may shorten it while connections of
// earlier tests still drain).
var drainStall atomic.Int64

func init() { drainStall.Store(int64(10 * time.Second)) }

// drainQueued waits for the replies queued for a connection that has
// finished (its client closed its sending side, or sent what ends it)
// while the socket keeps taking them: once it has taken nothing for
// drainStall, the socket is closed and the rest dropped. Redis frees a
// client at its end of file at once, replies and all; a client that
// half-closes and then reads still gets them here, and one that never
// reads no longer holds its connection and queue for ever.
func (c *Conn) drainQueued() {
	if !c.qActive.Load() {
		return
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Duration(drainStall.Load()))
		defer t.Stop()
		last := c.qLen.Load()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			n := c.qLen.Load()
			if n > 0 && n >= last {
				c.nc.Close() // the writer fails, and waitQueued returns
				return
			}
			last = n
		}
	}()
	_ = c.waitQueued(0)
	close(done)
}

// readAheadMax is how many queued bytes the connection may hold while it
// reads on.
func (c *Conn) readAheadMax() int64 {
	if c.srv == nil || c.srv.readAhead == nil {
		return 0
	}
	return max(c.srv.readAhead(), 0)
}
