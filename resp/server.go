package resp

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"
)

// Server serves RESP clients the way redcon.Server does — one goroutine
// per connection, a handler call per command, the replies of every batch
// of commands read together sent in one write — with a connection loop
// that allocates nothing per command: arguments alias the connection's
// read buffer instead of being copied out of it, and the buffers are
// reused from batch to batch.
//
// It expects the byte stream a [Guard] hands over (see the package
// documentation): multibulk commands only, every header line and payload
// terminated by CRLF. Hand it a listener from [NewListener]. A stream that
// is not of that form gets "-ERR Protocol error: ..." and is closed.
//
// Connections are redcon.Conn values, so handlers written for redcon run
// unchanged, with these differences: a command's Args and Raw are valid
// only until the handler returns (copy what must outlive it); after the
// handler closes the connection, the commands pipelined behind it are not
// run, as in Redis; Detach is not supported; redcon.BaseWriter returns nil
// for these connections — use [Flush] and [DiscardOutput].
type Server struct {
	handler func(redcon.Conn, redcon.Command)
	accept  func(redcon.Conn) bool
	closed  func(redcon.Conn, error)

	// readAhead, when set, returns how many bytes of replies the socket
	// has not taken a connection may queue while it goes on reading and
	// running its client's commands (see SetReadAhead).
	readAhead func() int64

	mu    sync.Mutex // guards the fields below
	ln    net.Listener
	conns map[*Conn]struct{}
	done  bool
}

// NewServer returns a server that calls handler for every command. accept,
// if not nil, is called for every new connection and refuses it by
// returning false; closed, if not nil, is called once a connection that
// was accepted has ended, with the error that ended it (nil for a clean
// close). All three run on the connection's goroutine.
func NewServer(handler func(redcon.Conn, redcon.Command), accept func(redcon.Conn) bool, closed func(redcon.Conn, error)) *Server {
	return &Server{handler: handler, accept: accept, closed: closed, conns: map[*Conn]struct{}{}}
}

// SetReadAhead sets how many bytes of replies that the socket has not
// taken (a client that does not read them) a connection may queue while it
// goes on reading and running its client's commands, as Redis does; fn is
// asked each time. With none, or 0, the connection reads nothing more
// until the socket has taken every reply. Redis reads on without bound and
// leaves the bound to client-output-buffer-limit: a server that enforces
// such a limit on Pending returns at least the limit, so that a client
// over it is closed rather than merely no longer read. Call it before
// Serve.
func (s *Server) SetReadAhead(fn func() int64) { s.readAhead = fn }

// Serve accepts connections on ln until Close, and then closes ln and
// every connection. It returns nil after Close (at once when Close came
// first) and the listener's error if it fails otherwise.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.done {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.ln = ln
	s.mu.Unlock()
	defer func() {
		ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
	}()
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			done := s.done
			s.mu.Unlock()
			if done || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// Out of file descriptors and the like: wait a little rather
			// than spin, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		c := newConn(nc)
		c.srv = s
		s.mu.Lock()
		if s.done {
			s.mu.Unlock()
			nc.Close()
			return nil
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		if s.accept != nil && !s.accept(c) {
			s.forget(c)
			c.Close()
			continue
		}
		go s.serveConn(c)
	}
}

// Close stops Serve: it closes the listener, and Serve then closes every
// connection.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if s.ln != nil {
		return s.ln.Close()
	}
	return nil
}

func (s *Server) forget(c *Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) serveConn(c *Conn) {
	err := c.loop(s.handler)
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, errProtocolStream) {
		// What the client was told still reaches it if it reads.
		c.drainQueued()
	}
	c.nc.Close()
	c.releaseBuffers()
	s.forget(c)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if s.closed != nil {
		s.closed(c, err)
	}
}

// Buffer sizes of a connection.
const (
	// readSize is the read buffer a connection starts with and returns to
	// once drained; larger commands grow it.
	readSize = 4096
	// minRead is the least free room a read is issued with.
	minRead = 1024
	// maxKeptOutput is the largest output buffer kept for reuse after a
	// flush.
	maxKeptOutput = 64 << 10
	// maxHeldOutput is how many bytes of held replies a connection may
	// queue before it stops reading ahead (see Hold).
	maxHeldOutput = 8 << 20
)

// errProtocolStream is what ends a connection whose stream is not the
// guard's canonical form.
var errProtocolStream = errors.New("resp: protocol error")

// Conn is one client connection of a Server. Its methods must be called
// from the connection's goroutine (the handler's), except NetConn,
// RemoteAddr and Context, which are safe anywhere once the connection was
// accepted and its context set, and [Interject], which is meant for other
// goroutines.
type Conn struct {
	nc   net.Conn
	srv  *Server // nil for a connection made without a Server (tests)
	addr string
	ctx  any

	// turn is held by the connection's goroutine from the moment a batch of
	// commands is read until its replies are flushed, and by Interject's
	// callers while they write; so pushed data never lands inside a reply
	// and keeps its place in the order of the replies.
	turn sync.Mutex
	// ended is set, under turn, once the loop has returned.
	ended bool

	// in[r:w] holds input not yet run. need, when not 0, is the length
	// in[r:] must reach before the incomplete command at r can be complete.
	in   []byte
	r, w int
	need int
	cmds []redcon.Command // the batch being run, aliasing in and argv
	argv [][]byte         // the arguments of cmds
	cur  int              // index in cmds of the command being run
	end  int              // cmds[cur+1:end] are still to run
	out  []byte           // replies not yet written
	// outLen mirrors len(out), written by the connection's goroutine and
	// read by others (Pending: CLIENT LIST's omem, output limits), kept
	// across a write in progress: the bytes leave when the write returns.
	outLen atomic.Int64
	werr   error // the first write error; later writes are dropped
	closed bool

	// Held replies (see Hold): holds[i] says that out[:holds[i].end] may
	// leave only once holder reports holds[i].token ready, oldest first.
	holder Holder
	holds  []held
	// The wake-up of a read that runs while replies are held: wmu guards
	// armed (such a read is about to run or running), woken (wake cut it
	// short with a past read deadline, which the loop must clear) and
	// registered (wake is registered with the holder for regToken and has
	// not been called yet). wakeFn is wake, made once, with the connection.
	wmu                      sync.Mutex
	armed, woken, registered bool
	regToken                 uint64
	wakeFn                   func()
	// Held replies set apart while a batch runs behind them (heldsend.go);
	// heldBytes is len(held), for Pending.
	heldSplit
	heldBytes atomic.Int64
	// A client that waits for its replies before it sends more (most
	// do) gives a read ahead nothing but a read that comes back empty:
	// aheadMisses counts such reads in a row, and after aheadMissLimit
	// the next aheadRestWaits waits block without reading (aheadRest
	// counts them down), with heldCh and heldWake as their wake-up.
	aheadMisses, aheadRest uint8
	heldCh                 chan struct{}
	heldWake               func()

	// The socket's writes and the replies it has not taken (outq.go).
	outq
}

// How a connection stops reading ahead for a client that never sends
// while its replies are held, and how soon it tries again.
const (
	aheadMissLimit = 16
	aheadRestWaits = 64
)

// held marks the end of the replies that wait for token.
type held struct {
	end   int
	token uint64
}

// Holder tells a connection when the replies it holds may be sent (see
// [Hold]). Its methods run on the connection's goroutine or, while a batch
// read ahead runs behind held replies, on the goroutine that sends those
// (heldsend.go), never on both at once for one connection; Notify's wake
// may be called from any goroutine.
type Holder interface {
	// Ready reports whether replies that wait for token may be sent now.
	// It may start whatever makes them ready. An error means they must
	// never be sent: the connection drops its unsent replies and closes.
	Ready(token uint64) (bool, error)
	// Notify arranges for wake to be called, once, when replies that wait
	// for token may have become ready. It returns false, keeping nothing,
	// when the connection should ask Ready again instead of waiting. wake
	// does not block.
	Notify(token uint64, wake func()) bool
}

func newConn(nc net.Conn) *Conn {
	c := &Conn{nc: nc, addr: nc.RemoteAddr().String()}
	c.wakeFn = c.wake
	c.sentCond.L = &c.wmu
	c.initOutq()
	return c
}

// loop runs the connection until it ends, and returns why. It holds turn
// while it runs a batch, and never while it waits for input.
func (c *Conn) loop(handler func(redcon.Conn, redcon.Command)) error {
	// locked says whether the loop holds turn: from the moment a batch of
	// commands is read until its replies are sent, held replies included.
	locked := false
	defer func() {
		if !locked {
			c.turn.Lock()
		}
		c.ended = true
		c.turn.Unlock()
	}()
	for {
		n, err := c.parse()
		if err != nil {
			if !locked {
				c.turn.Lock()
				locked = true
			}
			if err := c.waitHeld(); err != nil {
				return err
			}
			c.out = append(c.out, "-ERR Protocol error: "...)
			c.out = append(c.out, err.Error()...)
			c.out = append(c.out, "\r\n"...)
			c.Flush()
			return errProtocolStream
		}
		if n == 0 {
			// A client that does not read its replies is read on only
			// while what the socket has not taken stays within bounds.
			if c.qActive.Load() {
				if err := c.waitQueued(c.readAheadMax()); err != nil {
					return err
				}
			}
			if len(c.holds) > 0 {
				done, err := c.sendHeld()
				if err != nil {
					return err
				}
				if !done {
					read := c.fillHeld
					switch {
					case len(c.out) > maxHeldOutput:
						read = c.waitHeld // stop reading ahead: let them leave first
					case c.aheadRest > 0:
						c.aheadRest--
						read = c.waitHeld
					}
					if err := read(); err != nil {
						return err
					}
					continue
				}
			}
			if locked {
				c.turn.Unlock()
				locked = false
			}
			if err := c.fillBehindQueue(); err != nil {
				return err
			}
			continue
		}
		if !locked {
			c.turn.Lock()
			locked = true
		}
		if len(c.holds) > 0 {
			// Replies that became ready while these commands arrived
			// leave before they run (one of them may be slow).
			if _, err := c.sendHeld(); err != nil {
				return err
			}
		}
		c.end = n
		if len(c.holds) > 0 && c.werr == nil {
			c.splitHeld() // they may leave while this batch runs
		}
		for c.cur = 0; c.cur < c.end && !c.closed; c.cur++ {
			handler(c, c.cmds[c.cur])
		}
		c.joinHeld()
		if c.closed {
			return nil
		}
		if len(c.holds) == 0 {
			err = c.Flush()
			c.turn.Unlock()
			locked = false
			if err != nil {
				return err
			}
		}
	}
}

// sendHeld writes the held replies that may leave, and reports whether
// none is held any more. An error from the holder drops every reply that
// may not leave (those before, whose tokens are ready, are sent first);
// the connection then ends.
func (c *Conn) sendHeld() (bool, error) {
	c.joinHeld()
	k := len(c.holds)
	for k > 0 {
		// Tokens are ready in order: find the last ready one.
		ok, err := c.holder.Ready(c.holds[k-1].token)
		if err != nil {
			c.failHeld(k - 1)
			return false, err
		}
		if ok {
			break
		}
		k--
	}
	if k == len(c.holds) {
		c.holds = c.holds[:0]
		return true, c.Flush()
	}
	if k > 0 {
		c.sendFirst(k)
	}
	return false, c.werr
}

// sendFirst writes the replies of the first k holds and forgets them.
func (c *Conn) sendFirst(k int) {
	end := c.holds[k-1].end
	if c.werr == nil {
		_, c.werr = c.write(c.out[:end], false)
	}
	c.out = c.out[:copy(c.out, c.out[end:])]
	c.outLen.Store(int64(len(c.out)))
	n := copy(c.holds, c.holds[k:])
	c.holds = c.holds[:n]
	for i := range c.holds {
		c.holds[i].end -= end
	}
}

// failHeld sends the held replies before holds[k] whose tokens are ready,
// and drops every other unsent reply: holds[k]'s token failed.
func (c *Conn) failHeld(k int) {
	n := 0
	for n < k {
		if ok, err := c.holder.Ready(c.holds[n].token); !ok || err != nil {
			break
		}
		n++
	}
	if n > 0 {
		c.sendFirst(n)
	}
	c.dropOutput()
}

// fillHeld is fill while replies are held: the read ends when more input
// arrives or when the holder's wake-up for the oldest held replies comes.
func (c *Conn) fillHeld() error {
	tok := c.holds[0].token
	c.wmu.Lock()
	c.armed = true
	register := c.wantWakeLocked(tok)
	c.wmu.Unlock()
	if register && !c.holder.Notify(tok, c.wakeFn) {
		c.wmu.Lock()
		c.armed, c.registered = false, false
		c.wmu.Unlock()
		return nil // ask Ready again
	}
	g, _ := c.nc.(*Guard)
	if g != nil {
		g.holdVerdict = true
	}
	err := c.fill()
	if g != nil {
		g.holdVerdict = false
		if g.closeBehind {
			// A POST or Host: line came behind the commands just read: the
			// held replies leave, those of the commands read with it are
			// dropped (as in Redis).
			werr := c.waitHeld()
			g.dropFromNow()
			if err == nil {
				err = werr
			}
		}
	}
	c.wmu.Lock()
	woken := c.woken
	c.armed, c.woken = false, false
	if woken {
		_ = c.nc.SetReadDeadline(time.Time{})
	}
	c.wmu.Unlock()
	switch {
	case err == nil:
		c.aheadMisses = 0 // the client sent more meanwhile
	case woken && errors.Is(err, os.ErrDeadlineExceeded):
		err = nil
		if c.aheadMisses++; c.aheadMisses >= aheadMissLimit {
			// Rest, and after the rest one more miss rests again.
			c.aheadRest, c.aheadMisses = aheadRestWaits, aheadMissLimit-1
		}
	case errors.Is(err, errVerdictHeld):
		// The guard's error reply follows the held replies (the next
		// read carries it out).
		if err = c.waitHeld(); err == nil {
			err = c.waitQueued(0)
		}
	case errors.Is(err, io.EOF):
		// The client closed its side: what it was told still reaches it
		// if it reads.
		_ = c.waitHeld()
	}
	return err
}

// fillBehindQueue is fill. While replies are queued for the socket, a
// verdict of the guard that writes (a protocol error) waits for them.
func (c *Conn) fillBehindQueue() error {
	g := c.guard
	if g == nil || !c.qActive.Load() {
		return c.fill()
	}
	g.holdVerdict = true
	err := c.fill()
	g.holdVerdict = false
	if g.closeBehind {
		g.dropFromNow() // the queued replies still leave, later ones not
	}
	if errors.Is(err, errVerdictHeld) {
		// The error reply follows the queued ones (the next read carries
		// it out).
		err = c.waitQueued(0)
	}
	return err
}

// wantWakeLocked reports whether the holder must be asked for a wake-up
// for tok (none is registered for it), and marks it registered. wmu is
// held.
func (c *Conn) wantWakeLocked(tok uint64) bool {
	if c.registered && c.regToken == tok {
		return false
	}
	c.registered, c.regToken = true, tok
	return true
}

// wake cuts short the read of fillHeld, if one is armed: the holder calls
// it once the oldest held replies may be ready.
func (c *Conn) wake() {
	c.wmu.Lock()
	c.registered = false
	if c.split {
		c.startSenderLocked()
	} else if c.armed && !c.woken {
		c.woken = true
		_ = c.nc.SetReadDeadline(aLongTimeAgo)
	}
	c.wmu.Unlock()
}

// Hold makes the replies written to conn so far wait until h reports
// token ready, instead of being sent with the batch: meanwhile the
// connection goes on reading and running its client's commands, whose
// replies queue behind. Tokens must not decrease from one Hold to the
// next (a smaller one waits with the last). It reports false, holding
// nothing, for a connection that is not a Server's; its caller must then
// wait itself.
func Hold(conn redcon.Conn, h Holder, token uint64) bool {
	c, ok := conn.(*Conn)
	if !ok {
		return false
	}
	c.holder = h
	if n := len(c.holds); n > 0 && c.holds[n-1].token >= token {
		c.holds[n-1].end = len(c.out) // a smaller token waits with the last
	} else {
		c.holds = append(c.holds, held{len(c.out), token})
	}
	return true
}

// waitHeld sends the held replies, waiting until the holder lets them
// leave, without reading further input.
func (c *Conn) waitHeld() error {
	c.joinHeld()
	for len(c.holds) > 0 {
		done, err := c.sendHeld()
		if err != nil || done {
			return err
		}
		if c.heldCh == nil {
			c.heldCh = make(chan struct{}, 1)
			c.heldWake = func() {
				select {
				case c.heldCh <- struct{}{}:
				default:
				}
			}
		}
		if c.holder.Notify(c.holds[0].token, c.heldWake) {
			<-c.heldCh // a wake-up left from an earlier wait only makes it look again
		}
	}
	return nil
}

// released counts the bytes of the large buffers connections have let go
// of (see ReleasedBuffers).
var released atomic.Uint64

// ReleasedBuffers returns how many bytes of buffers larger than a
// connection keeps (a large command's input, a large batch of replies, the
// buffers of an ended connection) the connections of every Server have
// dropped since the process started. A memory tuner uses it to learn of
// garbage the last collection still counted live: the 300 MB reply of a
// slow reader that then disconnects is such garbage, and nothing else
// would return it to the system before the next collection, which an idle
// server never starts.
func ReleasedBuffers() uint64 { return released.Load() }

// releaseBuffers drops the buffers of an ended connection, counting the
// large ones in released.
func (c *Conn) releaseBuffers() {
	c.turn.Lock()
	defer c.turn.Unlock()
	if n := cap(c.in); n > readSize {
		released.Add(uint64(n))
	}
	if n := cap(c.out); n > maxKeptOutput {
		released.Add(uint64(n))
	}
	c.in, c.out, c.spareOut = nil, nil, nil
}

// dropOutput drops every unsent reply, held or not.
func (c *Conn) dropOutput() {
	c.out = c.out[:0]
	c.outLen.Store(0)
	c.holds = c.holds[:0]
}

// errNotPushable is Interject's error for a connection it cannot write to
// out of band.
var errNotPushable = errors.New("resp: connection does not take pushed data")

// Interject runs fn, from any goroutine, at a moment when conn runs no
// command: it waits while a batch of commands runs, until that batch's
// replies are sent, and keeps the next batch from starting until fn
// returns. fn writes pushed data (Pub/Sub messages) with w, straight to the
// socket, so a client that sends nothing still receives it. Interject
// returns fn's error, or net.ErrClosed once the connection has ended. Only
// connections of a Server take pushed data.
func Interject(conn redcon.Conn, fn func(w io.Writer) error) error {
	c, ok := conn.(*Conn)
	if !ok {
		return errNotPushable
	}
	c.turn.Lock()
	defer c.turn.Unlock()
	if c.ended {
		return net.ErrClosed
	}
	// Replies the socket has not taken yet go first.
	if err := c.waitQueued(0); err != nil {
		return err
	}
	return fn(c.nc)
}

// Idle runs fn, a wait inside a handler (a blocked command), with conn
// open to Interject meanwhile. The handler must have flushed its replies
// before and must not write to conn until Idle returns.
func Idle(conn redcon.Conn, fn func()) {
	c, ok := conn.(*Conn)
	if !ok {
		fn()
		return
	}
	c.turn.Unlock()
	defer c.turn.Lock()
	fn()
}

// fill reads more input, making room for it first.
func (c *Conn) fill() error {
	if c.r == c.w {
		c.r, c.w = 0, 0
		if len(c.in) > readSize {
			released.Add(uint64(cap(c.in)))
			c.in = nil // a large command has gone: do not keep its buffer
		}
	}
	if c.in == nil {
		c.in = make([]byte, readSize)
	}
	if len(c.in)-c.w < minRead {
		avail := c.w - c.r
		if c.r > 0 && len(c.in)-avail >= minRead && len(c.in) >= c.need {
			c.w = copy(c.in, c.in[c.r:c.w])
			c.r = 0
		} else {
			// Grow by doubling, and for a large payload no further than the
			// command needs: the buffer follows what arrived, so a declared
			// length alone costs no memory.
			size := max(2*len(c.in), avail+minRead)
			if c.need > 0 {
				size = min(size, max(c.need, avail+minRead))
			}
			in := make([]byte, size)
			c.w = copy(in, c.in[c.r:c.w])
			c.r = 0
			c.in = in
		}
	}
	n, err := c.nc.Read(c.in[c.w:])
	c.w += n
	if n > 0 {
		return nil // an error comes back with the next read
	}
	return err
}

// parse splits the complete commands at the start of in[r:w] into cmds and
// returns how many there are; r moves past them.
func (c *Conn) parse() (int, error) {
	if c.need > 0 && c.w-c.r < c.need {
		return 0, nil
	}
	c.need = 0
	c.cmds = c.cmds[:0]
	c.argv = c.argv[:0]
	b := c.in[c.r:c.w]
	p := 0
	for p < len(b) {
		start := p
		if b[p] != '*' {
			return 0, errors.New("expected '*', got '" + string(b[p:p+1]) + "'")
		}
		count, q, ok := parseLine(b, p+1)
		if !ok {
			if q < 0 {
				return 0, errors.New("invalid multibulk length")
			}
			break // the header line is not complete
		}
		if count <= 0 {
			return 0, errors.New("invalid multibulk length")
		}
		p = q
		first := len(c.argv)
		complete := true
		for i := int64(0); i < count; i++ {
			// The arguments from the i-th on need at least minArg bytes
			// each: an incomplete command is parsed again only once that
			// much more has arrived, so a command of many arguments
			// arriving over many reads is not parsed from its start at
			// every read (quadratic: 100,000 IDs took XACK 1.7 s).
			rest := int(count-i) * minArg
			if p >= len(b) {
				c.need = p - start + rest
				complete = false
				break
			}
			if b[p] != '$' {
				return 0, errors.New("expected '$', got '" + string(b[p:p+1]) + "'")
			}
			size, q, ok := parseLine(b, p+1)
			if !ok {
				if q < 0 {
					return 0, errors.New("invalid bulk length")
				}
				c.need = p - start + rest
				complete = false
				break
			}
			if size < 0 {
				return 0, errors.New("invalid bulk length")
			}
			if int64(len(b)-q) < size+2 {
				// Only a payload is missing: wait for all of it at once.
				c.need = q + int(size) + 2 - start + rest - minArg
				complete = false
				break
			}
			e := q + int(size)
			if b[e] != '\r' || b[e+1] != '\n' {
				return 0, errors.New("invalid bulk length")
			}
			c.argv = append(c.argv, b[q:e:e])
			p = e + 2
		}
		if !complete {
			c.argv = c.argv[:first]
			p = start
			break
		}
		c.cmds = append(c.cmds, redcon.Command{Raw: b[start:p:p]})
		c.cmds[len(c.cmds)-1].Args = c.argv[first:len(c.argv):len(c.argv)]
	}
	c.r += p
	if len(c.cmds) > 0 {
		c.need = 0
	}
	return len(c.cmds), nil
}

// minArg is the size of the shortest argument of a multibulk command,
// "$0\r\n\r\n".
const minArg = 6

// parseLine reads the decimal number of a header line whose digits start
// at b[i] and returns it and the position after the line's CRLF. ok is
// false when the line is not complete (q >= 0) or malformed (q < 0).
func parseLine(b []byte, i int) (v int64, q int, ok bool) {
	// One digit, the common length: what the loop below returns for it.
	if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
		if d := b[i]; d >= '0' && d <= '9' {
			return int64(d - '0'), i + 3, true
		}
	}
	return parseLineLoop(b, i)
}

// parseLineLoop is parseLine's general case: an optional sign and up to 18
// digits, read byte by byte.
func parseLineLoop(b []byte, i int) (v int64, q int, ok bool) {
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	digits := 0
	for ; i < len(b); i++ {
		ch := b[i]
		if ch == '\r' {
			if i+1 >= len(b) {
				return 0, 0, false
			}
			if b[i+1] != '\n' || digits == 0 {
				return 0, -1, false
			}
			if neg {
				v = -v
			}
			return v, i + 2, true
		}
		if ch < '0' || ch > '9' || digits >= 18 {
			return 0, -1, false
		}
		v = v*10 + int64(ch-'0')
		digits++
	}
	return 0, 0, false
}

// Flush writes the buffered replies to the client. After a write error
// the connection drops every later reply and Flush returns that error.
func (c *Conn) Flush() error {
	c.joinHeld()
	if c.werr != nil {
		return c.werr
	}
	kept := false
	if len(c.out) > 0 {
		kept, c.werr = c.write(c.out, cap(c.out) > maxKeptOutput)
	}
	c.holds = c.holds[:0]
	if cap(c.out) > maxKeptOutput {
		if !kept {
			released.Add(uint64(cap(c.out)))
		}
		c.out = nil
	} else {
		c.out = c.out[:0]
	}
	c.outLen.Store(0)
	return c.werr
}

// RemoteAddr returns the client's address.
func (c *Conn) RemoteAddr() string { return c.addr }

// Close sends the buffered replies and closes the connection; the commands
// pipelined behind the running one are not run.
func (c *Conn) Close() error {
	if c.waitHeld() == nil && c.Flush() == nil {
		c.drainQueued()
	}
	c.closed = true
	return c.nc.Close()
}

// WriteError writes an error reply; line breaks in msg become spaces.
func (c *Conn) WriteError(msg string) {
	if c.werr == nil {
		c.out = redcon.AppendError(c.out, msg)
	}
}

// WriteString writes a simple string reply; line breaks become spaces.
func (c *Conn) WriteString(str string) {
	if c.werr == nil {
		c.out = redcon.AppendString(c.out, str)
	}
}

// WriteBulk writes a bulk string reply.
func (c *Conn) WriteBulk(bulk []byte) {
	if c.werr == nil {
		c.out = redcon.AppendBulk(c.out, bulk)
	}
}

// WriteBulkString writes a bulk string reply.
func (c *Conn) WriteBulkString(bulk string) {
	if c.werr == nil {
		c.out = redcon.AppendBulkString(c.out, bulk)
	}
}

// WriteInt writes an integer reply.
func (c *Conn) WriteInt(num int) { c.WriteInt64(int64(num)) }

// WriteInt64 writes an integer reply.
func (c *Conn) WriteInt64(num int64) {
	if c.werr == nil {
		c.out = redcon.AppendInt(c.out, num)
	}
}

// WriteUint64 writes an integer reply.
func (c *Conn) WriteUint64(num uint64) {
	if c.werr == nil {
		c.out = redcon.AppendUint(c.out, num)
	}
}

// WriteArray writes an array header; its elements follow.
func (c *Conn) WriteArray(count int) {
	if c.werr == nil {
		c.out = redcon.AppendArray(c.out, count)
	}
}

// WriteNull writes a null bulk string.
func (c *Conn) WriteNull() {
	if c.werr == nil {
		c.out = redcon.AppendNull(c.out)
	}
}

// WriteRaw appends encoded replies as they are.
func (c *Conn) WriteRaw(data []byte) {
	if c.werr == nil {
		c.out = append(c.out, data...)
		c.outLen.Store(int64(len(c.out)))
	}
}

// WriteAny writes v as redcon.AppendAny encodes it.
func (c *Conn) WriteAny(v any) {
	if c.werr == nil {
		c.out = redcon.AppendAny(c.out, v)
	}
}

// WriteBulkFrom writes a bulk string of n bytes read from rb.
func (c *Conn) WriteBulkFrom(n int64, rb io.Reader) {
	if c.werr != nil {
		return
	}
	c.out = append(c.out, '$')
	c.out = strconv.AppendInt(c.out, n, 10)
	c.out = append(c.out, '\r', '\n')
	start := len(c.out)
	c.out = append(c.out, make([]byte, n)...)
	if _, err := io.ReadFull(rb, c.out[start:]); err != nil {
		c.werr = err
		return
	}
	c.out = append(c.out, '\r', '\n')
}

// Context returns the value set by SetContext.
func (c *Conn) Context() any { return c.ctx }

// SetContext attaches a value to the connection.
func (c *Conn) SetContext(v any) { c.ctx = v }

// SetReadBuffer does nothing: the read buffer grows as commands need.
func (c *Conn) SetReadBuffer(int) {}

// Detach is not supported and returns nil.
func (c *Conn) Detach() redcon.DetachedConn { return nil }

// ReadPipeline returns the commands read with the running one that have
// not run yet, and takes them out of the pipeline: they will not run. They
// are valid until the handler returns.
func (c *Conn) ReadPipeline() []redcon.Command {
	rest := c.PeekPipeline()
	c.end = c.cur + 1
	return rest
}

// PeekPipeline returns the commands read with the running one that have
// not run yet; they stay in the pipeline. They are valid until the handler
// returns.
func (c *Conn) PeekPipeline() []redcon.Command {
	if c.cur+1 >= c.end {
		return nil
	}
	return c.cmds[c.cur+1 : c.end : c.end]
}

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Flush sends what the handler wrote to conn so far, for a connection of a
// Server or of a redcon.Server (and does nothing for other connections).
func Flush(conn redcon.Conn) error {
	if c, ok := conn.(*Conn); ok {
		return c.Flush()
	}
	if w := redcon.BaseWriter(conn); w != nil {
		return w.Flush()
	}
	return nil
}

// Drain is Flush, and then waits until the client's socket has taken
// every reply, or the connection failed (for a connection of a Server;
// others' Flush waits anyway). A server shutting down drains the replies
// of the commands it lets finish before it closes their connections.
func Drain(conn redcon.Conn) error {
	if c, ok := conn.(*Conn); ok {
		if err := c.Flush(); err != nil {
			return err
		}
		return c.waitQueued(0)
	}
	return Flush(conn)
}

// Pending returns how many bytes of replies conn holds that the client's
// socket has not taken yet (written with WriteRaw and not sent, or queued
// while the client does not read), for a connection of a Server; 0 for
// others. Safe to call from any goroutine.
func Pending(conn redcon.Conn) int64 {
	if c, ok := conn.(*Conn); ok {
		return c.outLen.Load() + c.heldBytes.Load() + c.qLen.Load()
	}
	return 0
}

// DiscardOutput drops the replies written to conn and not yet sent, for a
// connection of a Server or of a redcon.Server. Held replies (see Hold)
// that their holder already reports ready are sent first: they show
// nothing a failure can lose, and a client not told of a write that was
// made could make it twice.
func DiscardOutput(conn redcon.Conn) {
	if c, ok := conn.(*Conn); ok {
		c.joinHeld()
		if len(c.holds) > 0 {
			c.failHeld(len(c.holds))
			return
		}
		c.dropOutput()
		return
	}
	if w := redcon.BaseWriter(conn); w != nil {
		w.SetBuffer(nil)
	}
}
