package commands

import (
	"errors"
	"sync/atomic"

	"github.com/runnel-db/runnel/persist"
)

// WAITAOF (Redis 7.2). runnel's store is its append-only file and it has
// no replicas: the command waits until the writes the client's replies
// showed are in the synced log, and counts no replica.

func init() {
	register(&Command{Name: "waitaof", Arity: 4, Flags: Blocking, ACL: []string{"@slow", "@blocking", "@connection"},
		Tips:    []string{"request_policy:all_shards", "response_policy:agg_min"},
		Handler: waitaofCmd, Summary: "Blocks until all of the preceding write commands sent by the connection are written to the append-only file of the master and/or replicas.",
		Since: "7.2.0", Group: "generic", Complexity: "O(1)",
		Args: []ArgDoc{{Name: "numlocal", Type: "integer"}, {Name: "numreplicas", Type: "integer"}, {Name: "timeout", Type: "integer"}}})
}

// The refusals of WAITAOF, in Redis's words.
const (
	errNumLocalRange   Error = "ERR value is out of range, value must between 0 and 1"
	errNotPositive     Error = "ERR value is out of range, must be positive"
	errWaitaofNoAppend Error = "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled."
)

// syncedSeq is the highest commit sequence a WAITAOF has seen synced into
// the store's log; a later WAITAOF for no more than it answers at once.
type syncedSeq struct{ n atomic.Uint64 }

func (s *syncedSeq) note(seq uint64) {
	for {
		old := s.n.Load()
		if seq <= old || s.n.CompareAndSwap(old, seq) {
			return
		}
	}
}

// WAITAOF numlocal numreplicas timeout
func waitaofCmd(c *Ctx) error {
	numlocal, ok := ParseInt(c.Args[1])
	if !ok {
		return ErrNotInteger
	}
	if numlocal < 0 || numlocal > 1 {
		return errNumLocalRange
	}
	numreplicas, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	if numreplicas < 0 {
		return errNotPositive
	}
	deadline, err := parseTimeout(c.Args[3], c.Now)
	if err != nil {
		return err
	}
	if numlocal > 0 && !c.S.durable() {
		return errWaitaofNoAppend
	}
	// The client's replies so far showed state up to needSeq: its writes
	// and whatever it read.
	seq := c.C.needSeq
	reply := func(ctx *Ctx) {
		ctx.W.Array(2)
		ctx.W.Int(b2i(ctx.S.localSynced(seq)))
		ctx.W.Int(0)
	}
	local := c.S.localSynced(seq)
	if (local || numlocal == 0) && numreplicas == 0 {
		reply(c)
		return nil
	}
	// Inside MULTI Block answers at once with what holds now.
	if err := c.Block(nil, deadline, false, nil, reply); err != nil || c.block == nil {
		return err
	}
	// Blocked on no key: CLIENT UNBLOCK, the timeout or a disconnect end
	// the wait, and, when only the local sync is missing, so does the sync.
	w := c.block
	if !local && c.S.durable() {
		go c.S.syncFor(w, seq, numreplicas == 0, reply)
	}
	return nil
}

// localSynced reports whether every batch up to seq is in the synced log:
// durable under appendfsync always, or covered by a sync a WAITAOF asked
// for. A store that keeps nothing has no local copy to count.
func (s *Server) localSynced(seq uint64) bool {
	if !s.durable() {
		return false // appendonly no: Redis counts no local copy
	}
	if s.commit.durable.Load() >= seq && !s.commit.deferring() {
		return true
	}
	return s.synced.n.Load() >= seq
}

// syncFor applies the batches up to seq and syncs the store's log, for the
// WAITAOF waiting in w; with release it then answers w, unless the wait
// already ended. It runs on its own goroutine, which ends once the store
// answered.
func (s *Server) syncFor(w *waiter, seq uint64, release bool, reply func(*Ctx)) {
	err := s.commit.flush(seq)
	if st, ok := s.store.(interface{ Sync() error }); ok && err == nil && s.commit.deferring() {
		// Under appendfsync always flush already waited for the sync.
		err = st.Sync()
	}
	if err == nil {
		s.synced.note(seq)
	} else if errors.Is(err, persist.ErrClosed) || err == errStoreClosed {
		return // shutting down: the wait ends with the connection
	}
	if !release && err == nil {
		return // the wait for replicas goes on until its timeout
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.served {
		return
	}
	// A failed sync answers at once too: the reply says the local copy is
	// not synced.
	w.served = true
	s.unregisterWaiter(w)
	reply(&Ctx{S: s, C: w.c, Cmd: w.cmd, W: &w.c.w, DB: w.db, Now: nowMs()})
	s.stats.called(w.cmd, nil, w.ran)
	w.seq = s.commit.latest()
	close(w.done)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
