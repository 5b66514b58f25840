package commands

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/resp"
	"github.com/tidwall/redcon"
)

// Graceful shutdown (Server.Close, SIGTERM, SHUTDOWN) in order:
//
//  1. closing is set: a command that arrives from now on is not run; the
//     connection gets the replies of its earlier commands, once durable,
//     and is closed.
//  2. Blocked clients are released (their connections close without a
//     reply, as Redis's do), the expiry loop stops, the listener closes.
//  3. Close waits until no command is running — each finishes, waits for
//     its commit and sends its replies (flushed at once, pipelined or not,
//     because closing is set) — but at most shutdownGrace: a client that
//     does not read its replies must not hold the shutdown up forever.
//  4. A running BGSAVE finishes; the committer commits what is queued; the
//     store syncs, flushes and closes.
//  5. redcon, which drainListener kept waiting in Accept, stops and closes
//     the connections.
type shutdownState struct {
	// mu orders Serve's start against Close: Serve starts the background
	// work only while closing is not set. It guards Server.rc after Listen.
	mu      sync.Mutex
	closing atomic.Bool
	// running counts the commands being run (handle, between enter and
	// exit); idle gets a token when it drops to 0 while closing.
	running atomic.Int64
	idle    chan struct{}
	once    sync.Once
	drained chan struct{}
}

// shutdownGrace bounds how long Close waits for running commands to
// finish and send their replies (a variable for tests).
var shutdownGrace = 5 * time.Second

// enter counts a command as running, unless shutdown began (false).
func (sh *shutdownState) enter() bool {
	sh.running.Add(1)
	if sh.closing.Load() {
		sh.exit()
		return false
	}
	return true
}

// exit ends what enter began.
func (sh *shutdownState) exit() {
	if sh.running.Add(-1) == 0 && sh.closing.Load() {
		select {
		case sh.idleCh() <- struct{}{}:
		default:
		}
	}
}

func (sh *shutdownState) idleCh() chan struct{} {
	sh.once.Do(sh.init)
	return sh.idle
}

func (sh *shutdownState) init() {
	sh.idle = make(chan struct{}, 1)
	sh.drained = make(chan struct{})
}

// waitIdle waits, after closing was set, until no command runs or grace
// passes, and reports whether none runs.
func (sh *shutdownState) waitIdle(grace time.Duration) bool {
	t := time.NewTimer(grace)
	defer t.Stop()
	for sh.running.Load() > 0 {
		select {
		case <-sh.idleCh():
		case <-t.C:
			return sh.running.Load() == 0
		}
	}
	return true
}

// drainedCh returns the channel Close closes when the store is closed.
func (sh *shutdownState) drainedCh() chan struct{} {
	sh.once.Do(sh.init)
	return sh.drained
}

// drainListener keeps redcon's Accept from returning after the listener
// closed until Close has drained every command: redcon closes all
// connections as soon as Accept fails, which would cut off the replies of
// the commands still in flight.
//
// Only the error of a closed listener (net.ErrClosed) waits: any other
// (out of file descriptors, a connection aborted before it was taken) is
// returned at once, for the accept loop to retry; waiting for the drain
// there would stop the server accepting until shutdown.
type drainListener struct {
	net.Listener
	drained <-chan struct{}
}

// Accept implements net.Listener.
func (l drainListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if errors.Is(err, net.ErrClosed) {
		<-l.drained
	}
	return nc, err
}

// refuseAtShutdown answers a command that arrived after Close began: it is
// not run; the replies of the connection's earlier commands leave once
// durable, and the connection closes.
func (s *Server) refuseAtShutdown(conn redcon.Conn, c *Client) {
	c.closeAfterReply = true
	if err := s.commit.wait(c.needSeq); err != nil {
		resp.DiscardOutput(conn)
		conn.NetConn().Close()
		return
	}
	conn.Close() // flushes, then closes
}
