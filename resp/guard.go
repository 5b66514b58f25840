package resp

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
)

// minWork is the smallest read buffer the guard scans in place; it leaves
// room for the kept start of a command (two short header lines) and more.
// Smaller buffers are served from an internal one.
const minWork = 256

// maxKeptInput is the largest pending-input buffer a guard keeps for reuse
// once it is drained.
const maxKeptInput = 64 << 10

// Option configures a Guard.
type Option func(*options)

type options struct {
	onProtocolError func(reply string)
	onInput         func(n int)
}

// OnInput registers fn to be called with the number of bytes of every read
// from the socket, as they arrive and before the guard checks them: the
// raw client bytes, inline commands and blank lines included (Redis's
// total_net_input_bytes counts these). fn runs on the connection's reading
// goroutine and must not block.
func OnInput(fn func(n int)) Option {
	return func(o *options) { o.onInput = fn }
}

// OnProtocolError registers fn to be called with every protocol error reply
// a guard sends (for example "ERR Protocol error: invalid bulk length", as
// Redis words it, without the leading '-' and the CRLF), just before the
// reply is written. Redis counts these replies in total_error_replies and
// errorstat_ERR; fn is where the server does the same. fn runs on the
// connection's reading goroutine and must not block.
func OnProtocolError(fn func(reply string)) Option {
	return func(o *options) { o.onProtocolError = fn }
}

// Guard is a net.Conn that checks a client's request stream as Redis does
// before redcon parses it. See the package documentation for what it
// forwards, rewrites and refuses.
//
// Read must not be called concurrently with itself. Write, SetAuthenticated,
// Authenticated and ProtocolError are safe for concurrent use. All other
// methods are the wrapped connection's.
type Guard struct {
	net.Conn

	limits func() Limits
	opts   options
	sc     scanner

	// Pending input: raw client bytes already read from the socket but not
	// yet handed over, in inbuf[inoff:]. They are scanned before the socket
	// is read again.
	inbuf []byte
	inoff int
	// Pending output, delivered before anything else: front (the internal
	// buffer's batch, for small reads), then out (an inline command that did
	// not fit).
	front, out []byte
	// rerr is a socket error that came with bytes; it is returned by the
	// next socket read instead of reading.
	rerr error
	// final ends the stream once the guard has given its verdict.
	final error
	// pending is a verdict found behind bytes that had to be delivered first.
	pending *result
	scratch []byte

	// holdVerdict is set by a Conn while replies wait to be sent: a
	// verdict reached then is kept (pending) and Read returns
	// errVerdictHeld, so the Conn sends those replies before the guard's
	// error reply.
	holdVerdict bool
	// closeBehind is set instead of discard when a POST or Host: verdict
	// comes behind commands while holdVerdict is set: the held replies
	// answer commands read before, and Redis would have sent them, so the
	// Conn sends them and then starts the discard (see dropFromNow).
	closeBehind bool

	discard  atomic.Bool
	authed   atomic.Bool
	protoErr atomic.Pointer[string]
}

// NewGuard wraps c. limits is called before each buffer is checked; nil
// means DefaultLimits. The connection starts authenticated unless
// limits().AuthRequired, as a Redis connection does.
func NewGuard(c net.Conn, limits func() Limits, opts ...Option) *Guard {
	if limits == nil {
		limits = DefaultLimits
	}
	g := &Guard{Conn: c, limits: limits}
	for _, o := range opts {
		o(&g.opts)
	}
	g.authed.Store(!limits().AuthRequired)
	return g
}

// Unwrap returns the wrapped connection, for socket-level work such as
// WatchClose. Reading from it directly bypasses (and desynchronises) the
// guard.
func (g *Guard) Unwrap() net.Conn { return g.Conn }

// SetAuthenticated records whether the connection has authenticated. The
// server calls it after a successful AUTH or HELLO AUTH (true), and after
// RESET (true only if the default user needs no password), as Redis sets
// c->authenticated. The new state applies to the next bytes the guard
// checks.
func (g *Guard) SetAuthenticated(ok bool) { g.authed.Store(ok) }

// Authenticated reports the state last set by SetAuthenticated.
func (g *Guard) Authenticated() bool { return g.authed.Load() }

// ProtocolError returns the protocol error reply the guard sent (without the
// leading '-' and CRLF), or "" if it sent none.
func (g *Guard) ProtocolError() string {
	if p := g.protoErr.Load(); p != nil {
		return *p
	}
	return ""
}

// Write writes to the client, except after the guard has decided to close
// the connection silently (a POST or Host: command): from then on, as in
// Redis, replies not yet sent are dropped and Write reports success.
func (g *Guard) Write(p []byte) (int, error) {
	if g.discard.Load() {
		return len(p), nil
	}
	return g.Conn.Write(p)
}

// Read hands the next checked bytes to the caller. It returns io.EOF after
// a protocol error (whose reply it has written) or a POST/Host: command, and
// whatever error the socket returns otherwise.
func (g *Guard) Read(p []byte) (int, error) {
	for {
		if n := g.drain(p); n > 0 {
			return n, nil
		}
		if g.final != nil {
			return 0, g.final
		}
		if len(p) == 0 {
			return 0, nil
		}
		if len(p) >= minWork {
			n, err := g.fill(p)
			if n > 0 || err != nil {
				return n, err
			}
		} else {
			// Too small to scan in place: fill the internal buffer and
			// serve from it.
			if g.scratch == nil {
				g.scratch = make([]byte, 4096)
			}
			n, err := g.fill(g.scratch)
			g.front = g.scratch[:n]
			if n == 0 && err != nil {
				return 0, err
			}
		}
		if len(g.front) == 0 && len(g.out) == 0 && g.final == nil {
			// The socket gave neither bytes nor an error.
			return 0, nil
		}
	}
}

func (g *Guard) drain(p []byte) int {
	n := copy(p, g.front)
	g.front = g.front[n:]
	if n < len(p) {
		k := copy(p[n:], g.out)
		g.out = g.out[k:]
		n += k
	}
	return n
}

// fill puts the next batch of checked commands into p and returns its
// length. An inline command that did not fit is left in g.out, to follow.
//
// Bytes read from the socket into p are checked in place and handed over
// where they lie. Only what cannot stay in place is copied: the input behind
// an inline command (whose multibulk form is longer than the line), the
// input behind a verdict, and a header line cut by the end of a read.
func (g *Guard) fill(p []byte) (int, error) {
	if v := g.pending; v != nil {
		g.pending = nil
		return 0, g.act(v.ev)
	}
	lim := g.limits().normalized()
	auth := lim.AuthRequired && !g.authed.Load()
	w, done := 0, 0 // bytes in p[:w] to hand over; complete commands in them
	m := 0          // in-place input p[w:m] (only on the in-place path)
	for {
		if g.inLen() > 0 {
			// Pending input: scan it where it lies, copy what it forwards.
			in := g.inbuf[g.inoff:]
			win := in
			if room := len(p) - w; len(win) > room {
				win = win[:room]
			}
			res := g.sc.scan(win, &lim, auth)
			w += copy(p[w:], win[:res.fwd])
			done += res.done
			g.inoff += res.consumed
			switch res.ev {
			case evDrop:
				continue
			case evInline:
				if len(g.sc.out) > len(p)-w {
					g.out = g.sc.out
					g.compact()
					return w, nil
				}
				w += copy(p[w:], g.sc.out)
				done++
				if g.sc.barrier {
					g.compact()
					return w, nil
				}
				continue
			case evBarrier:
				g.compact()
				return w, nil
			case evError, evClose:
				return g.decide(res, w, done, nil)
			}
			if len(win) < len(in) {
				if res.consumed == 0 {
					return w, nil // p is full
				}
				continue
			}
			if w > 0 {
				g.compact()
				return w, nil
			}
			// All that is pending is the start of a header line: put it at
			// the front of p and read the socket behind it.
			m = copy(p, in[res.consumed:])
			g.resetIn()
		} else if w > 0 {
			return w, nil // never block with commands in hand
		}

		n, err := g.readSocket(p[m:])
		if n == 0 {
			g.stash(p[:m])
			return 0, err
		}
		m += n
		r := w // scan position in p; p[w:r] is free after a drop
		for {
			res := g.sc.scan(p[r:m], &lim, auth)
			if res.fwd > 0 && w != r {
				copy(p[w:], p[r:r+res.fwd])
			}
			w += res.fwd
			done += res.done
			r += res.consumed
			if res.ev == evDrop {
				continue
			}
			if res.ev == evBarrier {
				g.stash(p[r:m])
				return w, nil
			}
			if res.ev == evInline {
				g.stash(p[r:m])
				if len(g.sc.out) > len(p)-w {
					g.out = g.sc.out
					return w, nil
				}
				w += copy(p[w:], g.sc.out)
				done++
				if g.sc.barrier {
					return w, nil
				}
				break // go on with the stashed input
			}
			if res.ev != evNone {
				return g.decide(res, w, done, p[r:m])
			}
			if w > 0 {
				g.stash(p[r:m])
				return w, nil
			}
			// Nothing to hand over yet: move the unconsumed header start to
			// the front and read more behind it.
			m = copy(p, p[r:m])
			r = 0
			n, err := g.readSocket(p[m:])
			if n == 0 {
				g.stash(p[:m])
				return 0, err
			}
			m += n
		}
		m = 0
	}
}

// decide handles a verdict found by scan after w bytes (holding done
// commands) were put in p. rest is in-place input to keep when the verdict
// will be judged again.
func (g *Guard) decide(res result, w, done int, rest []byte) (int, error) {
	if w == 0 && done == 0 {
		if g.holdVerdict {
			g.pending = &res
			return 0, errVerdictHeld
		}
		return 0, g.act(res.ev)
	}
	// The commands come first: redcon runs them and flushes their replies
	// before it reads again. Those replies are lost behind a POST, as in
	// Redis, which drops the replies of the batch it read the POST in.
	if res.ev == evClose {
		if g.holdVerdict {
			g.closeBehind = true
		} else {
			g.discard.Store(true)
		}
	}
	if res.restart {
		// Judge the command again then: the commands before it may change
		// the limits or authenticate the connection.
		g.stash(rest)
	} else {
		g.pending = &res
	}
	g.compact()
	return w, nil
}

// dropFromNow starts the discard that a POST or Host: verdict found while
// replies were held put off (closeBehind).
func (g *Guard) dropFromNow() {
	g.closeBehind = false
	g.discard.Store(true)
}

// errVerdictHeld is Read's error for a verdict kept while the connection
// holds replies (see holdVerdict): the next Read carries it out.
var errVerdictHeld = errors.New("resp: verdict held behind unsent replies")

// act carries out a verdict: the error reply, if any, then the end of the
// stream.
func (g *Guard) act(ev event) error {
	g.final = io.EOF
	if ev == evError {
		reply := "ERR " + g.sc.msg
		g.protoErr.Store(&reply)
		if g.opts.onProtocolError != nil {
			g.opts.onProtocolError(reply)
		}
		// Best effort, as Redis: the connection closes either way.
		_, _ = g.Conn.Write([]byte("-" + reply + "\r\n"))
	}
	// Nothing may follow the verdict on the wire.
	g.discard.Store(true)
	return g.final
}

func (g *Guard) readSocket(b []byte) (int, error) {
	if err := g.rerr; err != nil {
		g.rerr = nil
		return 0, err
	}
	n, err := g.Conn.Read(b)
	if n > 0 && g.opts.onInput != nil {
		g.opts.onInput(n)
	}
	if n > 0 && err != nil {
		g.rerr, err = err, nil
	}
	return n, err
}

func (g *Guard) inLen() int { return len(g.inbuf) - g.inoff }

// stash puts in-place input back in front of the pending input. It is only
// called while no pending input is left, so it is a plain copy.
func (g *Guard) stash(b []byte) {
	if len(b) == 0 {
		return
	}
	if g.inLen() == 0 {
		g.inbuf = append(g.inbuf[:0], b...)
		g.inoff = 0
		return
	}
	nb := make([]byte, 0, len(b)+g.inLen())
	nb = append(append(nb, b...), g.inbuf[g.inoff:]...)
	g.inbuf, g.inoff = nb, 0
}

// compact releases the pending-input buffer once it is drained.
func (g *Guard) compact() {
	if g.inLen() == 0 {
		g.resetIn()
	}
}

func (g *Guard) resetIn() {
	if cap(g.inbuf) > maxKeptInput {
		g.inbuf = nil
	} else {
		g.inbuf = g.inbuf[:0]
	}
	g.inoff = 0
}

// NewListener returns a listener whose Accept wraps every connection of ln
// in a Guard (see NewGuard for limits and opts). Hand it to redcon's Serve.
func NewListener(ln net.Listener, limits func() Limits, opts ...Option) net.Listener {
	return &listener{Listener: ln, limits: limits, opts: opts}
}

type listener struct {
	net.Listener
	limits func() Limits
	opts   []Option
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return NewGuard(c, l.limits, l.opts...), nil
}
