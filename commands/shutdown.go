package commands

import (
	"net"
	"sync"
	"sync/atomic"

	"github.com/tidwall/redcon"
)

// Graceful shutdown (Server.Close, SIGTERM, SHUTDOWN) in order:
//
//  1. closing is set: a command that arrives from now on is not run; the
//     connection gets the replies of its earlier commands, once durable,
//     and is closed.
//  2. Blocked clients are released (their connections close without a
//     reply, as Redis's do), the expiry loop stops, the listener closes.
//  3. Close takes run exclusively, so it waits for every command that is
//     running — each finishes, waits for its commit and sends its replies
//     (flushed at once, pipelined or not, because closing is set).
//  4. A running BGSAVE finishes; the committer commits what is queued; the
//     store syncs, flushes and closes.
//  5. redcon, which drainListener kept waiting in Accept, stops and closes
//     the connections.
type shutdownState struct {
	// mu orders Serve's start against Close: it guards Server.rc and the
	// setting of closing.
	mu      sync.Mutex
	closing atomic.Bool
	// run is held shared by every command while it runs (handle) and
	// exclusively by Close once closing is set.
	run     sync.RWMutex
	once    sync.Once
	drained chan struct{}
}

// drainedCh returns the channel Close closes when the store is closed.
func (sh *shutdownState) drainedCh() chan struct{} {
	sh.once.Do(func() { sh.drained = make(chan struct{}) })
	return sh.drained
}

// drainListener keeps redcon's Accept from returning after the listener
// closed until Close has drained every command: redcon closes all
// connections as soon as Accept fails, which would cut off the replies of
// the commands still in flight.
type drainListener struct {
	net.Listener
	drained <-chan struct{}
}

// Accept implements net.Listener.
func (l drainListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
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
		if bw := redcon.BaseWriter(conn); bw != nil {
			bw.SetBuffer(nil)
		}
		conn.NetConn().Close()
		return
	}
	conn.Close() // flushes, then closes
}
