package commands

import (
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/resp"
)

// waiter is a client blocked on keys (XREAD / XREADGROUP with BLOCK).
//
// When a command signals one of its keys, the waiter runs its command again
// on the signalling goroutine, under the keyspace lock, in the order clients
// blocked — Redis 7.4 re-executes a woken command as if just sent — and,
// if it produced a reply, is released through done. Its own goroutine only
// waits for done (CLIENT UNBLOCK and KILL close it too), the deadline, a
// disconnect or the server's shutdown.
type waiter struct {
	c    *Client
	db   *DB
	keys []string
	// oneKey holds keys when there is one, the common case.
	oneKey [1]string
	cmd    *Command
	// retry runs the command again; it calls Ctx.Block to keep waiting.
	retry func(*Ctx) error
	// timeout writes the reply for an expired deadline.
	timeout func(*Ctx)
	// deadline is zero for BLOCK 0 (wait forever).
	deadline time.Time
	// group marks XREADGROUP waiters (INFO's total_blocking_keys_on_nokey).
	group bool
	// pinned waits (MIGRATE's transfer) end when their work does, or
	// with the connection: CLIENT UNBLOCK does not end them, as a client
	// Redis runs MIGRATE for is not blocked but busy.
	pinned bool
	// claimAt is, for an XREADGROUP ... CLAIM, the Unix ms time its
	// earliest pending entry becomes idle enough (0: nothing pending): the
	// client's goroutine runs the command again then (claimTimer). Each
	// run that keeps waiting sets it anew and, when it changed, says so on
	// claimMoved (capacity 1, never blocks). claimMoved is nil for every
	// other waiter, which therefore never has a claim timer.
	claimAt    atomic.Int64
	claimMoved chan struct{}

	// Guarded by the keyspace lock.
	served bool
	seq    uint64
	// ran is how long the command ran, in its first attempt and in every
	// retry since, without the waits in between: its duration once it is
	// served or expires, as Redis 7.4 counts it (the time spent blocked is
	// not). The dispatcher sets it before the waiter is registered.
	ran time.Duration
	// done is closed when the wait ends: served by a signalled key,
	// expired, or ended by CLIENT UNBLOCK or KILL (which expire it under
	// the keyspace lock, as expireWaiterLocked does).
	done chan struct{}
}

// errKeepWaiting tells serveReady a woken command found nothing yet.
var errKeepWaiting = errors.New("keep waiting")

// errUnblocked is CLIENT UNBLOCK ... ERROR's reply to the blocked client.
const errUnblocked Error = "UNBLOCKED client unblocked via CLIENT UNBLOCK"

// Block asks for the command to wait on keys until deadline (zero: no
// deadline). retry runs the command again when a key is signalled; timeout
// writes the reply when the deadline passes. Inside MULTI nothing blocks:
// the timeout reply is written at once. When the command already runs again
// after a wake-up, Block only says to keep waiting.
func (c *Ctx) Block(keys [][]byte, deadline time.Time, group bool, retry func(*Ctx) error, timeout func(*Ctx)) error {
	if c.InMulti {
		timeout(c)
		return nil
	}
	if c.Waking {
		return errKeepWaiting
	}
	w := &waiter{
		c: c.C, db: c.DB, cmd: c.Cmd, retry: retry, timeout: timeout,
		deadline: deadline, group: group,
		done: make(chan struct{}),
	}
	if c.claimRead {
		w.claimMoved = make(chan struct{}, 1)
		w.claimAt.Store(c.claimAt)
	}
	w.keys = w.oneKey[:0]
	if len(keys) > len(w.oneKey) {
		w.keys = make([]string, 0, len(keys))
	}
	for _, k := range keys {
		w.keys = append(w.keys, c.DB.waitKey(k))
	}
	c.block = w
	return nil
}

// waitKey returns key as a string for a waiter's list of keys: the name a
// client already waiting on the key holds (consumers of one stream block
// on it by turns), else a copy.
func (db *DB) waitKey(key []byte) string {
	if list := db.waiters[string(key)]; len(list) > 0 {
		for _, k := range list[0].keys {
			if k == string(key) {
				return k
			}
		}
	}
	return string(key)
}

type readyKey struct {
	db  *DB
	key string
}

// signalKey notes that key changed, for the clients blocked on it.
func (s *Server) signalKey(db *DB, key string) {
	if len(db.waiters[key]) != 0 {
		s.markReady(db, key)
	}
}

// signalKeyBytes is signalKey for a key given as bytes: the ready list
// takes the name from a waiter of the key, so that nothing is allocated.
func (s *Server) signalKeyBytes(db *DB, key []byte) {
	if len(db.waiters[string(key)]) != 0 {
		s.markReady(db, db.waitKey(key))
	}
}

// markReady adds key, which has waiters, to the ready list once.
func (s *Server) markReady(db *DB, key string) {
	for _, r := range s.ready {
		if r.db == db && r.key == key {
			return
		}
	}
	s.ready = append(s.ready, readyKey{db, key})
}

func (s *Server) registerWaiter(w *waiter) {
	if len(w.keys) == 0 {
		s.keyless[w] = struct{}{}
	}
	var seen map[string]bool // for many keys only
	if len(w.keys) > 8 {
		seen = make(map[string]bool, len(w.keys))
	}
	for i, k := range w.keys {
		// A key given twice waits once.
		if seen != nil {
			if seen[k] {
				continue
			}
			seen[k] = true
		} else if slices.Contains(w.keys[:i], k) {
			continue
		}
		w.db.waiters[k] = append(w.db.waiters[k], w)
	}
	w.c.mu.Lock()
	w.c.blockedOn = w
	w.c.mu.Unlock()
}

// unregisterWaiter removes w from the lists of its keys, in place: a list
// is not kept by anyone across a change (serveReady walks a copy).
func (s *Server) unregisterWaiter(w *waiter) {
	delete(s.keyless, w)
	for _, k := range w.keys {
		list := w.db.waiters[k]
		if i := slices.Index(list, w); i >= 0 {
			list = slices.Delete(list, i, i+1)
		}
		if len(list) == 0 {
			delete(w.db.waiters, k)
		} else {
			w.db.waiters[k] = list
		}
	}
	w.c.mu.Lock()
	w.c.blockedOn = nil
	w.c.mu.Unlock()
}

// serveReady runs the commands of clients blocked on signalled keys, in
// the order they blocked, and returns the waiters it served; the caller
// releases them once their replies have a commit sequence. The slice is
// the server's scratch, valid until the next call (under the keyspace
// lock, as every call is).
func (s *Server) serveReady(ctx *Ctx) []*waiter {
	if len(s.ready) == 0 {
		return nil
	}
	served := s.served[:0]
	var now int64
	if ctx != nil {
		now = ctx.Now
	} else {
		now = nowMs()
	}
	// A woken command may signal keys itself: the list grows as it is
	// walked.
	for i := 0; i < len(s.ready); i++ {
		r := s.ready[i]
		s.waking = append(s.waking[:0], r.db.waiters[r.key]...)
		for _, w := range s.waking {
			if !w.served && s.retryWaiter(w, now) {
				served = append(served, w)
			}
		}
	}
	clear(s.ready)
	s.ready = s.ready[:0]
	clear(s.waking)
	s.served = served
	return served
}

// retryWaiter runs w's command again at now, under the keyspace lock, and
// reports whether it produced a reply: w is then served and unregistered,
// and the caller releases it once the reply has a commit sequence.
func (s *Server) retryWaiter(w *waiter, now int64) bool {
	wc := &s.wakeCtx
	*wc = Ctx{S: s, C: w.c, Cmd: w.cmd, W: &w.c.w, DB: w.db, Now: now, Waking: true}
	mark := wc.W.Len()
	began := time.Now()
	err := w.retry(wc)
	w.ran += time.Since(began)
	if err == errKeepWaiting {
		wc.W.Truncate(mark)
		if w.claimMoved != nil && w.claimAt.Swap(wc.claimAt) != wc.claimAt {
			select {
			case w.claimMoved <- struct{}{}:
			default:
			}
		}
		return false
	}
	if err != nil {
		wc.W.Truncate(mark)
		wc.W.Error(err.Error())
	}
	s.stats.called(w.cmd, err, w.ran)
	w.served = true
	s.unregisterWaiter(w)
	return true
}

// claimWake runs a blocked XREADGROUP ... CLAIM again because its claim
// timer fired: a pending entry should be idle enough now. The run is a
// command of its own: what it claims is committed as one batch, and the
// reply waits for it, as for a waiter a key's signal served. While writes
// are paused it only looks again a little later; after a failed commit
// (writes refused) the claim timer stops and the wait goes on until its
// deadline or new entries.
func (s *Server) claimWake(w *waiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.served {
		return
	}
	now := nowMs()
	switch {
	case s.readOnly.Load():
		w.claimAt.Store(0)
		return
	case s.pause.onLocked():
		w.claimAt.Store(now + claimPausePoll)
		return
	}
	served := s.retryWaiter(w, now)
	// finishLocked commits what the run changed (and serves whoever the run
	// signalled, as after any command).
	seq := s.finishLocked(nil)
	if served {
		w.seq = seq
		close(w.done)
	}
}

// nudgeClaimWaiters makes the XREADGROUP ... CLAIM reads blocked on key
// look again at now (their claim timers fire at once and re-arm with what
// they find): XCLAIM changed delivery times there. Other waiters are left
// alone, so nothing else runs again. It costs one map lookup when nobody
// waits on key. The caller holds the keyspace lock.
func (s *Server) nudgeClaimWaiters(db *DB, key []byte, now int64) {
	for _, w := range db.waiters[string(key)] {
		if w.claimMoved == nil || w.served {
			continue
		}
		w.claimAt.Store(now)
		select {
		case w.claimMoved <- struct{}{}:
		default:
		}
	}
}

// claimPausePoll is how long (ms) a claim timer that fired during CLIENT
// PAUSE waits before it looks again.
const claimPausePoll = 10

// claimTimer returns the channel of a timer for w's claimAt (nil when w
// has none), stopping t, the previous one.
func claimTimer(w *waiter, t *time.Timer) (*time.Timer, <-chan time.Time) {
	if t != nil {
		t.Stop()
	}
	at := w.claimAt.Load()
	if at == 0 || (!w.deadline.IsZero() && time.UnixMilli(at).After(w.deadline)) {
		// Nothing pending, or not idle enough before the wait ends anyway.
		return nil, nil
	}
	t = time.NewTimer(max(time.Until(time.UnixMilli(at)), 0))
	return t, t.C
}

// blockClient waits, on the client's own goroutine, until the waiter is
// served, its deadline passes, CLIENT UNBLOCK releases it or the client
// disconnects. The replies of earlier commands of the pipeline are sent
// before it waits.
//
// A disconnect is seen by a watcher of the socket (watchClose), which costs
// a goroutine, deadline changes and a peek at the socket to start and to
// stop. Waits in a busy queue mostly end within a millisecond, when the
// next entry arrives, so the watcher starts only once the wait lasted
// watchAfter: a peer that goes away is noticed at most that much later.
func (s *Server) blockClient(c *Client, w *waiter, start time.Time) {
	// Everything before the blocking command leaves now.
	// (c.w is empty here: the blocking command wrote nothing, and from now
	// on the goroutine that serves the waiter writes into it.)
	if err := s.commit.wait(c.needSeq); err == nil {
		resp.Flush(c.conn)
	}
	nc := c.conn.NetConn()
	// t fires first after watchAfter, when a watcher is to start, and then
	// at the deadline.
	var t <-chan time.Time
	watchAt := time.Now().Add(watchAfter)
	switch {
	case nc != nil && (w.deadline.IsZero() || watchAt.Before(w.deadline)):
		t = c.waitTimer(watchAfter)
	case !w.deadline.IsZero():
		nc = nil // the deadline comes first: no watcher
		t = c.waitTimer(time.Until(w.deadline))
	}
	var gone <-chan struct{}
	var stop func()
	// A CLAIM read also wakes when a pending entry becomes idle enough.
	var claimT *time.Timer
	var claimC <-chan time.Time
	if w.claimMoved != nil {
		claimT, claimC = claimTimer(w, nil)
	}
	// Meanwhile Pub/Sub messages may reach the client (a RESP3 subscriber
	// can block): the connection is open to its outbox's writer.
	resp.Idle(c.conn, func() {
		for {
			select {
			case <-w.done:
			case <-w.claimMoved:
				claimT, claimC = claimTimer(w, claimT)
				continue
			case <-claimC:
				s.claimWake(w)
				claimT, claimC = claimTimer(w, claimT)
				continue
			case <-t:
				if gone == nil && nc != nil {
					// The wait goes on: watch the socket, until the
					// deadline if there is one.
					gone, stop = watchClose(nc)
					t = nil
					if !w.deadline.IsZero() {
						t = c.waitTimer(time.Until(w.deadline))
					}
					continue
				}
				s.expireWaiter(w, false, false)
			case <-s.closed:
				// Shutdown: like Redis, close the connection without a
				// reply (a timeout reply would be a lie for BLOCK 0).
				s.expireWaiter(w, false, false)
				c.closeAfterReply = true
				c.w.Reset()
			case <-gone:
				s.expireWaiter(w, false, false)
				c.closeAfterReply = true
				c.w.Reset()
			}
			break
		}
		<-w.done
	})
	if c.timer != nil {
		c.timer.Stop()
	}
	if claimT != nil {
		claimT.Stop()
	}
	if stop != nil {
		// Stop returns only once the watcher let go of the socket, before
		// the connection reads from it again.
		stop()
	}
	// Counted when served or expired; the slow log and the latency
	// monitor see it now, with the arguments it was sent with and the time
	// it ran (w.ran is final once done is closed).
	if !c.closeAfterReply {
		s.observe(c, w.cmd, c.ctx.Args, w.ran)
	}
	if w.seq > c.needSeq {
		c.needSeq = w.seq
	}
}

// watchAfter is how long a blocked client waits before its socket is
// watched for a disconnect (see blockClient).
const watchAfter = time.Millisecond

// waitTimer returns the channel of c's timer, set to fire after d. The
// timer is reused from wait to wait (blockClient stops it), which only its
// owner's goroutine does; since Go 1.23 a reset timer never delivers a
// value from before the reset.
func (c *Client) waitTimer(d time.Duration) <-chan time.Time {
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	return c.timer.C
}

// expireWaiter ends a wait that was not served: it writes the timeout reply
// (or CLIENT UNBLOCK's error) unless a key's signal served it first. It
// reports whether it ended the wait.
func (s *Server) expireWaiter(w *waiter, unblocked, asErr bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expireWaiterLocked(w, unblocked, asErr)
}

// expireWaiterLocked is expireWaiter for callers holding the keyspace lock
// (CLIENT UNBLOCK or KILL queued in MULTI and run by EXEC).
func (s *Server) expireWaiterLocked(w *waiter, unblocked, asErr bool) bool {
	if w.served {
		return false
	}
	w.served = true
	s.unregisterWaiter(w)
	ctx := &Ctx{S: s, C: w.c, Cmd: w.cmd, W: &w.c.w, DB: w.db, Now: nowMs()}
	var err error
	if unblocked && asErr {
		err = errUnblocked
		ctx.W.Error(string(errUnblocked))
	} else {
		w.timeout(ctx)
	}
	s.stats.called(w.cmd, err, w.ran)
	w.seq = s.commit.latest()
	close(w.done)
	return true
}

// blockedCounts returns INFO clients' blocked_clients,
// total_blocking_keys and total_blocking_keys_on_nokey. It takes the
// keyspace lock.
func (s *Server) blockedCounts() (clients, keys, onNoKey int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[*waiter]bool{}
	for _, db := range s.dbs {
		for _, list := range db.waiters {
			keys++
			group := false
			for _, w := range list {
				if !seen[w] {
					seen[w] = true
					clients++
				}
				group = group || w.group
			}
			if group {
				onNoKey++
			}
		}
	}
	return clients + len(s.keyless), keys, onNoKey
}
