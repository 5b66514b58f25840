package commands

import (
	"strings"
	"time"

	"github.com/runnel-db/runnel/resp"
	"github.com/tidwall/redcon"
)

// handle is redcon's callback for one command of a connection. It runs the
// command, then hands its reply to redcon, which sends the replies of a
// whole pipeline in one write. Before the last command of a pipeline
// returns, every reply must be durable: the commands of a pipeline thus
// share one wait for the commit.
//
// Commands pipelined after one that closes the connection (QUIT, SHUTDOWN)
// are not run. During shutdown (shutdown.go) no new command runs and every
// reply is flushed as soon as it is durable.
func (s *Server) handle(conn redcon.Conn, rc redcon.Command) {
	c, _ := conn.Context().(*Client)
	if c == nil || len(rc.Args) == 0 || c.closeAfterReply {
		return
	}
	if !s.shut.enter() {
		s.refuseAtShutdown(conn, c)
		return
	}
	defer s.shut.exit()
	// Messages queued before the command runs precede its reply: the
	// connection was busy when they came (a batch running, or replies
	// held for their fsync), and Redis would have queued them first.
	c.takePushes(conn)
	c.w.Reset()
	s.execute(c, rc.Args)
	c.publish(rc.Args)
	c.filterReply()
	if c.w.Len() > 0 {
		s.stats.netOut.Add(int64(c.w.Len()))
		conn.WriteRaw(c.w.B)
		c.w.Release() // the connection has its copy
		if s.checkOutputLimit(conn, c) {
			return
		}
	}
	// Messages published meanwhile, the command's own among them, follow
	// its reply (notify.go).
	c.takePushes(conn)
	closing := s.shut.closing.Load()
	if c.closeAfterReply || len(conn.PeekPipeline()) == 0 || closing {
		c.clockSet, c.nextSet = false, false // the next batch reads the wall clock again
		if !c.closeAfterReply && !closing && s.holdReplies(conn, c) {
			return
		}
		if err := s.commit.wait(c.needSeq); err != nil {
			// The state these replies show may be lost: drop them and the
			// connection rather than acknowledge it.
			resp.DiscardOutput(conn)
			conn.NetConn().Close()
			return
		}
	}
	if c.closeAfterReply {
		conn.Close()
	} else if closing {
		_ = resp.Drain(conn) // before the shutdown closes the connection
	}
}

// holdReplies hands the replies of a batch that must wait for their
// commit to the connection (resp.Hold), which sends them once the commit
// is durable and meanwhile reads and runs what the client sends next (see
// hold.go). It reports false when they need no wait or the connection
// cannot hold them: the caller then waits as usual (a wait that returns at
// once when nothing is to be waited for).
func (s *Server) holdReplies(conn redcon.Conn, c *Client) bool {
	cm := s.commit
	if cm.instant || cm.durable.Load() >= c.needSeq || c.needSeq > cm.latest() || cm.deferred(c.needSeq) {
		return false
	}
	return resp.Hold(conn, cm, c.needSeq)
}

// execute looks the command up, checks it and runs it, leaving the reply in
// c.w.
func (s *Server) execute(c *Client, args [][]byte) {
	cmd := c.lookupCommand(args[0])
	if cmd == nil {
		s.reject(c, nil, errUnknownCommand(args))
		return
	}
	// A container runs a subcommand, except one with a handler of its own
	// called alone (COMMAND).
	if cmd.Sub != nil && (len(args) > 1 || cmd.Handler == nil) {
		if len(args) < 2 {
			s.reject(c, cmd, errWrongArity(cmd.Name))
			return
		}
		c.nameBuf = lowerInto(c.nameBuf, args[1])
		sub := cmd.Sub[string(c.nameBuf)]
		if sub == nil {
			s.reject(c, cmd, errUnknownSubcommand(args[1], cmd.Name))
			return
		}
		cmd = sub
	}
	if !cmd.checkArity(len(args)) {
		s.reject(c, cmd, errWrongArity(cmd.Name))
		return
	}
	if cmd.Flags&Protected != 0 && !s.protectedAllowed(c) {
		s.reject(c, cmd, ErrDebugNotAllowed)
		return
	}
	if !c.authed && cmd.Flags&NoAuth == 0 && s.config.authRequired() {
		s.reject(c, cmd, ErrNoAuth)
		return
	}
	if c.subscribed() && c.w.Proto == 2 && !allowedSubscribed(cmd) {
		s.reject(c, cmd, errPubSubContext(cmd.Name))
		return
	}
	if c.multi && cmd.Flags&DenyMulti != 0 {
		s.reject(c, cmd, ErrNotInMulti)
		return
	}
	if c.monitoring && monitorRefused(cmd) {
		s.reject(c, cmd, ErrReplicaKeyspace)
		return
	}
	// One clock reading per command serves CLIENT LIST's idle time, the
	// command's time and its duration's start.
	start := c.commandTime()
	c.markActive(start)
	if c.lastCmd != cmd.Name { // a pipeline of one command takes the lock once
		c.mu.Lock()
		c.lastCmd = cmd.Name
		c.mu.Unlock()
	}
	if s.pause.gated() {
		if !s.waitPause(c, cmd) {
			return
		}
		// A held command lets the next one start once it ran.
		defer s.endTurn(c)
	}
	if oomChecked(c, cmd) && s.overMaxmemory(start) {
		s.reject(c, cmd, ErrOOM)
		return
	}
	if c.multi && cmd.Flags&NoMulti == 0 {
		c.queued = append(c.queued, copyArgs(args))
		c.w.Simple("QUEUED")
		return
	}
	s.run(c, cmd, args, start)
}

// lookupCommand returns the command called name (in any case), or nil.
// The client remembers the last name it found as sent, so that a pipeline
// of one command (a producer's XADDs) looks the table up once; the table
// does not change after start-up.
func (c *Client) lookupCommand(name []byte) *Command {
	if c.cmdCache != nil && string(name) == string(c.cmdCacheName) {
		return c.cmdCache
	}
	c.nameBuf = lowerInto(c.nameBuf, name)
	cmd := c.srv.commandTable()[string(c.nameBuf)]
	if cmd != nil && len(name) <= maxCachedName {
		c.cmdCacheName = append(c.cmdCacheName[:0], name...)
		c.cmdCache = cmd
	}
	return cmd
}

// maxCachedName bounds the command names lookupCommand remembers (every
// command's name is shorter).
const maxCachedName = 32

// reject answers a command that was refused before running (unknown, wrong
// arity, not authenticated). Inside MULTI it also dooms the transaction.
func (s *Server) reject(c *Client, cmd *Command, err Error) {
	if c.multi {
		c.multiDirty = true
	}
	if cmd != nil && cmd.Name == "exec" {
		// Redis answers a refused EXEC, in MULTI or not, by discarding the
		// transaction and quoting the refusal.
		c.resetMulti()
		s.mu.Lock()
		s.unwatchAll(c)
		s.mu.Unlock()
		err = Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(string(err), "ERR "))
	}
	s.stats.rejected(cmd, err)
	c.w.Error(string(err))
	s.monitorRejected(c)
	if c.trkCaching {
		// A refused command ends CLIENT CACHING's choice too, as in Redis.
		c.endTracked(cmd)
	}
}

// run executes cmd for c, taking the keyspace lock unless the command does
// not touch the keyspace, and blocks the client if the command asks to.
// start is the time the command began.
func (s *Server) run(c *Client, cmd *Command, args [][]byte, start time.Time) {
	ctx := &c.ctx
	*ctx = Ctx{S: s, C: c, Cmd: cmd, Args: args, W: &c.w, Now: start.UnixMilli()}
	if c.trkCaching {
		defer c.endTracked(cmd)
	}
	if cmd.Flags&NoKeyspace != 0 {
		ctx.DB = s.dbs[c.ownDB()]
		err := s.call(ctx)
		if s.monitors.on() {
			s.feedMonitors(c, cmd, args)
		}
		d := c.commandEnd(start)
		s.stats.called(cmd, err, d)
		s.observe(c, cmd, args, d)
		return
	}
	if s.readOnly.Load() {
		if err := s.refusedAfterFailure(cmd); err != "" {
			s.reject(c, cmd, err)
			return
		}
	}
	s.mu.Lock()
	ctx.DB = s.dbs[c.ownDB()]
	s.current = c
	err := s.call(ctx)
	if c.trk.on {
		s.trackRead(c, cmd, args)
	}
	if s.monitors.on() {
		// Under the keyspace lock: monitors see the order commands ran in.
		s.feedMonitors(c, cmd, args)
	}
	w := ctx.block
	if w != nil {
		w.ran = time.Since(start) // the attempt that blocked; the wait is not counted
		s.registerWaiter(w)
	}
	seq := s.finishLocked(ctx)
	s.current = nil
	s.mu.Unlock()
	// Applied (or blocked): a command a pause held lets the next start.
	s.endTurn(c)
	if seq > c.needSeq {
		c.needSeq = seq
	}
	if w != nil {
		s.blockClient(c, w, start)
		return
	}
	d := c.commandEnd(start)
	s.stats.called(cmd, err, d)
	s.observe(c, cmd, args, d)
}

// refusedAfterFailure returns the error that answers cmd once a commit
// failed (readOnly), "" to run it: every write is refused, and so is every
// read while memory holds effects that never became durable (the failed
// batch and any after it): its reply would have to wait for their
// durability, which never comes, and a connection whose reply cannot leave
// is closed without one. Reads of a keyspace that is all durable run.
func (s *Server) refusedAfterFailure(cmd *Command) Error {
	if cmd.Flags&Write != 0 {
		return ErrPersistence
	}
	if !s.memoryDurable() {
		return ErrPersistenceRead
	}
	return ""
}

// memoryDurable reports whether every effect applied in memory is durable.
func (s *Server) memoryDurable() bool {
	return s.commit.latest() <= s.commit.durable.Load()
}

// call runs the handler and writes its error, if any, in place of a
// partial reply.
func (s *Server) call(ctx *Ctx) error {
	mark := ctx.W.Len()
	err := ctx.Cmd.Handler(ctx)
	if err != nil {
		ctx.W.Truncate(mark)
		ctx.W.Error(err.Error())
	}
	return err
}

// finishLocked ends a command under the keyspace lock: it serves the
// clients blocked on keys the command signalled, then queues the batch of
// effects (the command's and the served clients') for commit. It returns
// the sequence the command's reply must wait for: its batch's, or for a
// command that changed nothing, the latest batch it may have observed.
func (s *Server) finishLocked(ctx *Ctx) uint64 {
	served := s.serveReady(ctx)
	if len(s.tracking.dirty) != 0 {
		s.flushBroadcasts()
	}
	// A keyspace event already promised its subscribers the next sequence
	// (pubSeq): it is handed out even if the batch stayed empty.
	write := s.commit.changed() || s.notified
	s.notified = false
	// enqueue seals the command's ops in the open batch (for a store that
	// keeps nothing, it only counts them and empties the batch).
	seq := s.commit.latest()
	if write {
		seq = s.commit.enqueue()
	}
	for _, w := range served {
		w.seq = seq
		close(w.done)
	}
	return seq
}

// copyArgs returns a copy of the arguments of every list, one after the
// other, in one slice that shares one buffer.
func copyArgs(lists ...[][]byte) [][]byte {
	n, count := 0, 0
	for _, args := range lists {
		count += len(args)
		for _, a := range args {
			n += len(a)
		}
	}
	buf := make([]byte, 0, n)
	out := make([][]byte, 0, count)
	for _, args := range lists {
		for _, a := range args {
			buf = append(buf, a...)
			out = append(out, buf[len(buf)-len(a):len(buf):len(buf)])
		}
	}
	return out
}
