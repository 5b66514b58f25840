package commands

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/resp"
)

// CLIENT PAUSE and UNPAUSE.
//
// A pause delays commands, it never fails them: a client whose command is
// paused waits on its own goroutine, before the command takes the keyspace
// lock, until the pause is lifted (its timeout or CLIENT UNPAUSE), the
// client disconnects or the server shuts down; then the command runs as if
// just sent. The replies of the commands before it in the pipeline leave
// first. As in Redis:
//   - ALL delays every command of every client, the pausing one's too
//     (CLIENT UNPAUSE included: an ALL pause ends by its timeout);
//   - WRITE delays the commands flagged Write or MayReplicate, queued into
//     MULTI or not, and an EXEC whose transaction holds one; reads still
//     answer;
//   - a new pause keeps the later end and the stricter mode of the two;
//   - while paused no key expires: the expiry loop skips its rounds and a
//     read of an expired key finds nothing without deleting it (a delete
//     would be a write);
//   - once the pause is lifted the held commands run in the order they
//     were held, each after the one before it ran (or blocked, or its
//     client went away); see pauseState;
//   - a paused client counts in INFO's blocked_clients and shows flag b.

// pauseMode is a CLIENT PAUSE mode, ordered from the least strict.
type pauseMode int32

const (
	pauseOff pauseMode = iota
	pauseWrite
	pauseAll
)

// pauseState is the server's client pause. Its own mutex guards it; it is
// taken after any other lock (config.mu's place in the lock order) and
// held only to read or change the state, never while a client waits.
//
// Held commands queue first in, first out, as Redis's postponed clients
// do: once the pause is lifted the head of the queue is given its turn,
// and the next one only when the head's command has run (or blocked, or
// its client went away). While the queue drains, a command the lifted
// pause would have held joins its tail, so it cannot overtake the held
// ones.
type pauseState struct {
	mu   sync.Mutex
	end  time.Time   // guarded by mu
	stop *time.Timer // guarded by mu: lifts the pause at end
	// queue holds the tickets of the held commands, oldest first (guarded
	// by mu).
	queue []*pauseTicket
	// drainMode is the mode of the last lifted pause, which decides what
	// joins the queue while it drains (guarded by mu).
	drainMode pauseMode
	// mode is the current mode, read without mu on every command.
	mode atomic.Int32
	// queued is len(queue), read without mu on every command.
	queued atomic.Int64
	// waiting counts the clients whose command is paused.
	waiting atomic.Int64
}

// pauseTicket is one held command's place in the queue.
type pauseTicket struct {
	// turn is closed when the ticket is at the head of the queue and no
	// pause holds it (guarded by pauseState.mu; replaced when a new pause
	// takes the turn back before the command ran).
	turn    chan struct{}
	granted bool // turn is closed (guarded by pauseState.mu)
}

// pause starts or extends a pause until end in mode m.
func (p *pauseState) pause(end time.Time, m pauseMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !time.Now().Before(end) {
		return // already over (CLIENT PAUSE 0)
	}
	if end.After(p.end) {
		p.end = end
		if p.stop != nil {
			p.stop.Stop()
		}
		p.stop = time.AfterFunc(time.Until(end), p.expire)
	}
	if m > pauseMode(p.mode.Load()) {
		p.mode.Store(int32(m))
	}
}

// expire is the timer's callback: it lifts the pause unless a later end
// was set meanwhile (whose own timer then lifts it).
func (p *pauseState) expire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.onLocked() && !time.Now().Before(p.end) {
		p.liftLocked()
	}
}

// unpause lifts the pause at once (CLIENT UNPAUSE, and Close).
func (p *pauseState) unpause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.onLocked() {
		p.liftLocked()
	}
}

func (p *pauseState) onLocked() bool { return pauseMode(p.mode.Load()) != pauseOff }

func (p *pauseState) liftLocked() {
	if p.stop != nil {
		p.stop.Stop()
		p.stop = nil
	}
	p.drainMode = pauseMode(p.mode.Load())
	p.mode.Store(int32(pauseOff))
	p.end = time.Time{}
	p.grantLocked()
}

// grantLocked gives the head of the queue its turn if no pause is on.
func (p *pauseState) grantLocked() {
	if p.onLocked() || len(p.queue) == 0 {
		return
	}
	if t := p.queue[0]; !t.granted {
		t.granted = true
		close(t.turn)
	}
}

// active reports whether any pause is on; it costs one atomic load.
func (p *pauseState) active() bool { return p.mode.Load() != int32(pauseOff) }

// gated reports whether a command may have to queue: a pause is on or its
// held commands are still draining. It costs two atomic loads.
func (p *pauseState) gated() bool { return p.active() || p.queued.Load() > 0 }

// holds queues cmd of c and returns its ticket if the pause (or the queue
// a lifted one left) delays it now, or nil.
func (p *pauseState) holds(c *Client, cmd *Command) *pauseTicket {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := pauseMode(p.mode.Load())
	if m == pauseOff {
		if len(p.queue) == 0 {
			return nil
		}
		m = p.drainMode
	}
	if m == pauseWrite && !mayWrite(c, cmd) {
		return nil
	}
	t := &pauseTicket{turn: make(chan struct{})}
	p.queue = append(p.queue, t)
	p.queued.Add(1)
	p.grantLocked()
	return t
}

// turn returns the channel that closes when t may run.
func (p *pauseState) turn(t *pauseTicket) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return t.turn
}

// take is called by the holder of t once its turn came: it reports true if
// the command may run now, or false, having taken the turn back, if a new
// pause that holds the command began meanwhile (t keeps its place).
func (p *pauseState) take(t *pauseTicket, c *Client, cmd *Command) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := pauseMode(p.mode.Load())
	if m == pauseOff || (m == pauseWrite && !mayWrite(c, cmd)) {
		return true
	}
	t.turn = make(chan struct{})
	t.granted = false
	return false
}

// done removes t from the queue, its command having run or been dropped,
// and gives the next ticket its turn.
func (p *pauseState) done(t *pauseTicket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, q := range p.queue {
		if q == t {
			copy(p.queue[i:], p.queue[i+1:])
			p.queue[len(p.queue)-1] = nil
			p.queue = p.queue[:len(p.queue)-1]
			p.queued.Add(-1)
			break
		}
	}
	p.grantLocked()
}

// mayWrite reports whether cmd is delayed by a WRITE pause: a write or
// may-replicate command, or an EXEC whose queued commands hold one.
func mayWrite(c *Client, cmd *Command) bool {
	if cmd.Flags&(Write|MayReplicate) != 0 {
		return true
	}
	if cmd.Name != "exec" || !c.multi {
		return false
	}
	for _, args := range c.queued {
		if q := resolveCommand(c.srv, args); q != nil && q.Flags&(Write|MayReplicate) != 0 {
			return true
		}
	}
	return false
}

// resolveCommand finds the table row args name, a container's subcommand
// included, or nil.
func resolveCommand(s *Server, args [][]byte) *Command {
	if len(args) == 0 {
		return nil
	}
	cmd := s.commandTable()[string(lowerInto(nil, args[0]))]
	if cmd != nil && cmd.Sub != nil && len(args) > 1 {
		if sub := cmd.Sub[string(lowerInto(nil, args[1]))]; sub != nil {
			return sub
		}
	}
	return cmd
}

// waitPause holds c's command while a pause delays it or the commands a
// lifted pause held are still ahead of it. It reports false when the
// command must not run: the client went away or the server is shutting
// down (the connection then closes without a reply, as Redis closes it).
// When the command was held and may now run, its ticket is in c.pauseTurn:
// endTurn must release it once the command ran (or blocked). It runs
// before the command takes any lock.
func (s *Server) waitPause(c *Client, cmd *Command) bool {
	t := s.pause.holds(c, cmd)
	if t == nil {
		return true
	}
	// Counted at once, so a client seeing blocked_clients grow knows the
	// command has its place in the queue.
	s.pause.waiting.Add(1)
	c.mu.Lock()
	c.paused = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.paused = false
		c.mu.Unlock()
		s.pause.waiting.Add(-1)
	}()
	// The replies of the earlier commands of the pipeline leave first.
	if c.conn != nil {
		if err := s.commit.wait(c.needSeq); err == nil {
			resp.Flush(c.conn)
		}
	}
	var gone <-chan struct{}
	if c.conn != nil {
		if nc := c.conn.NetConn(); nc != nil {
			var stop func()
			gone, stop = watchClose(nc)
			defer stop()
		}
	}
	for {
		select {
		case <-s.pause.turn(t):
			if !s.pause.take(t, c, cmd) {
				continue // a new pause began: wait again, first in line
			}
			c.pauseTurn = t
			return true
		case <-gone:
		case <-s.closed:
		}
		s.pause.done(t)
		c.closeAfterReply = true
		return false
	}
}

// endTurn releases the queue after c's held command ran, letting the next
// held command start. It does nothing if c's command was not held.
func (s *Server) endTurn(c *Client) {
	if t := c.pauseTurn; t != nil {
		c.pauseTurn = nil
		s.pause.done(t)
	}
}

// CLIENT PAUSE timeout [WRITE|ALL]
func clientPauseCmd(c *Ctx) error {
	if len(c.Args) > 4 {
		return errClientSubArgs(c.Args[1])
	}
	end, err := parseTimeout(c.Args[2], c.Now)
	if err != nil {
		return err
	}
	mode := pauseAll
	if len(c.Args) == 4 {
		switch {
		case EqualFold(c.Args[3], "all"):
		case EqualFold(c.Args[3], "write"):
			mode = pauseWrite
		default:
			return Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
		}
	}
	if !end.IsZero() {
		c.S.pause.pause(end, mode)
	}
	c.W.OK()
	return nil
}

// CLIENT UNPAUSE
func clientUnpauseCmd(c *Ctx) error {
	c.S.pause.unpause()
	c.W.OK()
	return nil
}
