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
type pauseState struct {
	mu   sync.Mutex
	end  time.Time   // guarded by mu
	stop *time.Timer // guarded by mu: lifts the pause at end
	// lifted is closed when the current pause ends (guarded by mu; nil
	// while none is on).
	lifted chan struct{}
	// mode is the current mode, read without mu on every command.
	mode atomic.Int32
	// waiting counts the clients whose command is paused.
	waiting atomic.Int64
}

// pause starts or extends a pause until end in mode m.
func (p *pauseState) pause(end time.Time, m pauseMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !time.Now().Before(end) {
		return // already over (CLIENT PAUSE 0)
	}
	if p.lifted == nil {
		p.lifted = make(chan struct{})
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
	if p.lifted != nil && !time.Now().Before(p.end) {
		p.liftLocked()
	}
}

// unpause lifts the pause at once (CLIENT UNPAUSE, and Close).
func (p *pauseState) unpause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lifted != nil {
		p.liftLocked()
	}
}

func (p *pauseState) liftLocked() {
	if p.stop != nil {
		p.stop.Stop()
		p.stop = nil
	}
	p.mode.Store(int32(pauseOff))
	p.end = time.Time{}
	close(p.lifted)
	p.lifted = nil
}

// active reports whether any pause is on; it costs one atomic load.
func (p *pauseState) active() bool { return p.mode.Load() != int32(pauseOff) }

// holds returns the channel that closes when the pause ends, if the pause
// delays cmd for c now, or nil.
func (p *pauseState) holds(c *Client, cmd *Command) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lifted == nil {
		return nil
	}
	if pauseMode(p.mode.Load()) == pauseWrite && !mayWrite(c, cmd) {
		return nil
	}
	return p.lifted
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
		if q := resolveCommand(args); q != nil && q.Flags&(Write|MayReplicate) != 0 {
			return true
		}
	}
	return false
}

// resolveCommand finds the table row args name, a container's subcommand
// included, or nil.
func resolveCommand(args [][]byte) *Command {
	if len(args) == 0 {
		return nil
	}
	cmd := Lookup(string(args[0]))
	if cmd != nil && cmd.Sub != nil && len(args) > 1 {
		if sub := cmd.Sub[string(lowerInto(nil, args[1]))]; sub != nil {
			return sub
		}
	}
	return cmd
}

// waitPause holds c's command while a pause delays it. It reports false
// when the command must not run: the client went away or the server is
// shutting down (the connection then closes without a reply, as Redis
// closes it). It runs before the command takes any lock.
func (s *Server) waitPause(c *Client, cmd *Command) bool {
	lifted := s.pause.holds(c, cmd)
	if lifted == nil {
		return true
	}
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
	for lifted != nil {
		select {
		case <-lifted:
		case <-gone:
			c.closeAfterReply = true
			return false
		case <-s.closed:
			c.closeAfterReply = true
			return false
		}
		// A new pause may have begun as this one ended.
		lifted = s.pause.holds(c, cmd)
	}
	return true
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
