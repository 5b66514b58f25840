package commands

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// errStoreClosed fails the replies of commands that end after the
// committer began to close (their ops are dropped).
var errStoreClosed = Error("ERR server is shutting down")

// committer hands batches to the store in the order the keyspace lock
// produced them and tracks how far they are durable.
//
// Commands add their effects directly to the committer's open batch
// (Server.batch is that batch) while they hold the keyspace lock, and a
// command that changed something seals its ops by taking a sequence number
// before it releases the lock (enqueue): so the open batch holds the ops of
// every command since the last apply, in keyspace-lock order, each op
// written (and each entry's field bytes copied) once. Its sealed ops are
// the queue below. A reply that shows
// state up to sequence n leaves only once durable >= n (wait), so no
// client, writer or reader, observes a write that a crash could still
// lose; the keyspace lock is never held while waiting for that.
//
// There is no committer goroutine between a command and the store: the
// first goroutine that waits for a batch nobody has applied yet (wait, or
// Ready for a connection that holds its replies, hold.go) becomes the
// leader. It takes the keyspace lock for a moment, so that no command is
// half way through adding to the open batch, swaps the open batch for an
// empty one, and releases the lock; then it applies what it took as one
// store batch and hands the batch's sync to the lander, a goroutine that
// waits for the syncs in apply order and lands their flights. Since a
// leader takes the open batch only between commands, a command's ops (a
// whole MULTI/EXEC's, with the blocked commands it served) are always
// applied together. While a sync runs, the next leader may already take
// and apply the batches queued meanwhile, and the store syncs them
// together after the sync in progress (group commit) — so the log is kept
// busy and every client that wrote during one sync shares the next. A
// background goroutine (run) applies batches that no reply waits for (key
// expiry) within a few milliseconds.
//
// # Who waits for what
//
// Each batch a leader takes is a flight, with a channel closed once the
// store made it durable. At most two goroutines wait on the committer's
// lock: the leader applying (leading) and the one that will lead next
// (claiming), which waits for that apply to end and then takes everything
// enqueued meanwhile. Every other reply waits on the channel of the flight
// that holds its sequence — the one taken, or the claimer's, not yet
// taken — so a returned sync wakes exactly the replies it made durable,
// each once, and they leave without taking the lock again. (A condition
// variable for all of them woke every waiter at every apply and every
// sync, most of them to wait again, each taking the lock on waking.)
//
// # Deferred apply under appendfsync no and everysec
//
// Under persist.No and persist.EverySec a reply does not wait for its batch
// (deferred): the store syncs only once a second under both, and Pebble
// keeps unsynced log records in its own buffer until a block fills or a
// sync, so an acknowledged write can be lost on a process kill or a power
// loss whether or not it was applied before the reply; waiting for the
// apply would buy nothing but a wake-up per reply (measured: a third of
// the server's CPU per XADD with 50 clients and no pipelining). Instead
// run applies the queue in large merged batches: deferLinger after the
// first batch joins an empty queue, or at once when deferApplyOps ops are
// queued. A merged batch that large also lets the store skip records a
// later op of the same batch supersedes (persist/translate.go), such as a
// pending entry delivered and acknowledged within it.
//
// Backpressure: while deferMaxOps ops are queued, replies wait (and lead)
// as under Always without the sync, so writers faster than the store
// cannot grow the queue without bound; at most the queue being applied and
// one queue of about deferMaxOps ops are held. Everything else is
// unchanged: Always never defers, a reply under it waits for every earlier
// batch (a deferred one included, since batches are applied in order), and
// flush (backups, close, a switch to always) always applies and waits for
// the store.
type committer struct {
	store persist.Store
	// instant is set for stores that keep nothing (persist.Memory): batches
	// are durable the moment they are queued.
	instant bool
	// policy, for a store that has one, tells whether it syncs every
	// commit (appendfsync always), whose leaders gather before they commit,
	// or none (appendfsync no and everysec), whose replies do not wait for
	// the apply.
	// It can change at run time (CONFIG SET appendfsync).
	policy interface{ Policy() persist.FsyncPolicy }
	onErr  func(error)
	timing commitTiming
	// ks is the keyspace lock (Server.mu), taken before mu.
	ks sync.Locker

	// open holds the ops of the commands since a leader last took it:
	// those of the enqueued ones (sealed of them) and, after them, those
	// of the command running. Guarded by ks: commands add to it and
	// enqueue seals under ks, a leader swaps it out under ks and mu.
	open *persist.Batch
	// sealed is how many of open's ops belong to enqueued commands
	// (guarded by ks).
	sealed int

	// assigned is the last sequence handed out; written under the keyspace
	// lock, read anywhere.
	assigned atomic.Uint64
	// durable is the last sequence whose batch the store made durable;
	// written under mu.
	durable atomic.Uint64
	// early counts waits for a sequence not handed out yet (changed under
	// mu): a Pub/Sub outbox may wait for the sequence the command that
	// published is about to get. enqueue and commitInstant wake them only
	// when there are some. A waiter counts itself before it reads assigned,
	// and they advance assigned before they read early, so either the
	// waiter sees the sequence or they see the waiter and wake it under mu,
	// which it holds from its check until it waits.
	early atomic.Int32
	// queuedOps counts the sealed ops of open (written under the keyspace
	// lock, read anywhere): the deferred path's backpressure and run's
	// trigger.
	queuedOps atomic.Int64
	// batches counts the commands sealed in open (written under the
	// keyspace lock; gather reads it to see commands arrive).
	batches atomic.Int64
	// broken is set, under mu, when failed or stopped is; the deferred
	// path reads it without the lock.
	broken atomic.Bool
	// kick wakes run when a deferred queue gets its first batch or
	// reaches deferApplyOps ops (capacity 1, sent without blocking).
	kick chan struct{}
	// parked is set while run sleeps without its ticker (after
	// shrinkAfterTicks quiet ticks), so that an idle server does not wake
	// every tickInterval; the command that enqueues next clears it and
	// sends on wake (capacity 1, sent without blocking).
	parked atomic.Bool
	wake   chan struct{}

	mu sync.Mutex // guards everything below
	// earlyCond wakes the waiters for a sequence not handed out yet (see
	// early) and, at close, every such waiter; applyCond wakes the
	// claimer, the one goroutine waiting to lead the next batch, when the
	// apply running ends.
	earlyCond, applyCond sync.Cond
	// taken is the last sequence a leader took from the open batch (handed
	// or being handed to the store's Apply).
	taken uint64
	// flights are the batches taken whose sync has not returned, oldest
	// first, and next the flight the next leader takes (nil until someone
	// waits for it). A reply waits on the channel of the one flight that
	// holds its sequence, so a finished sync wakes exactly the replies it
	// made durable, each once, and they need not take mu again to leave.
	flights []*flight
	next    *flight
	// leading is set while a leader applies; claiming while the goroutine
	// that will lead next waits for that apply to end or for the keyspace
	// lock to take the open batch. At most one of each: every other waiter
	// waits on a flight. spare is the emptied batch the next leader swaps
	// in (only one apply runs at a time, so two suffice).
	leading, claiming bool
	spare             *persist.Batch
	failed            error
	// stopped is set by close, with stopSeq the last sequence handed out
	// before: later batches fail instead of committing. close sets it
	// under the keyspace lock too, under which enqueue reads it.
	stopped bool
	stopSeq uint64
	quit    chan struct{}
	done    chan struct{}

	// syncing are the tickets of the flights applied and not yet waited
	// for, oldest first; the lander goroutine waits for each in turn and
	// lands its flight, so the goroutine that applied a batch is free to
	// go on (a connection reading its client's next commands while its
	// replies wait, see hold). landKick wakes the lander (capacity 1),
	// landQuit stops it once close has flushed, landDone is closed when it
	// has returned.
	syncing []pendingSync
	// hooked is set when the store lands flights itself, calling
	// landSynced from the goroutine whose sync made them durable: no
	// lander runs then.
	hooked   bool
	landKick chan struct{}
	landQuit chan struct{}
	landDone chan struct{}
}

// pendingSync is a ticket the lander is to wait for, and the flight it
// makes durable.
type pendingSync struct {
	t persist.Ticket
	f *flight
}

// tickInterval is how soon a batch that no reply waits for is applied.
const tickInterval = 5 * time.Millisecond

// The deferred path's sizes (appendfsync no and everysec). deferLinger is long enough
// for a consumer's XACK to land in the batch that holds the XREADGROUP it
// acknowledges at a few hundred microseconds per round trip, so that
// neither pending record is written, and short enough that the store,
// whose own background sync runs once a second, is never far behind the
// keyspace. deferApplyOps (a few hundred KB of log) starts an apply before
// the linger ends under heavy load, keeping merged batches well below
// Pebble's large-batch threshold; deferMaxOps bounds the queue.
const (
	deferLinger   = 2 * time.Millisecond
	deferApplyOps = 4096
	deferMaxOps   = 8 * deferApplyOps
)

// commitTiming sets the committer's background intervals: tick and
// linger, tickInterval and deferLinger when zero. Tests lengthen them to
// find what relies on a background apply having run.
type commitTiming struct{ tick, linger time.Duration }

// newCommitter returns a committer for store; ks is the keyspace lock,
// under which commands add to its open batch and call enqueue.
func newCommitter(store persist.Store, ks sync.Locker, onErr func(error), timing commitTiming) *committer {
	if timing.tick <= 0 {
		timing.tick = tickInterval
	}
	if timing.linger <= 0 {
		timing.linger = deferLinger
	}
	c := &committer{store: store, ks: ks, onErr: onErr, timing: timing, quit: make(chan struct{}), done: make(chan struct{}),
		kick: make(chan struct{}, 1), wake: make(chan struct{}, 1), landKick: make(chan struct{}, 1), landQuit: make(chan struct{}),
		landDone: make(chan struct{})}
	c.earlyCond.L = &c.mu
	c.applyCond.L = &c.mu
	c.open, c.spare = new(persist.Batch), new(persist.Batch)
	if _, ok := store.(persist.Memory); ok {
		c.instant = true
		c.open.CountOnly() // nothing reads the effects: count them only
		close(c.done)
		close(c.landDone)
		return c
	}
	if p, ok := store.(interface{ Policy() persist.FsyncPolicy }); ok {
		c.policy = p
	}
	go c.run()
	if h, ok := store.(interface{ OnSync(func()) }); ok {
		c.hooked = true
		h.OnSync(c.landSynced)
		close(c.landDone)
		return c
	}
	go c.land()
	return c
}

// changed reports whether the running command added ops to the open
// batch. It must be called under the keyspace lock.
func (c *committer) changed() bool { return c.open.Len() > c.sealed }

// enqueue seals the ops the running command added to the open batch and
// returns their sequence number (there are none only when a keyspace
// notification awaits the sequence, see notify.go). It must be called
// under the keyspace lock so sequence order is the order in which the
// effects were applied in memory. Nothing is copied: the ops stay where
// the command put them until a leader takes the open batch.
func (c *committer) enqueue() uint64 {
	if c.instant {
		n := c.commitInstant()
		c.open.Reset()
		return n
	}
	// Everything enqueue writes is guarded by the keyspace lock (held
	// here) and atomic for the readers that do not take it, so it does not
	// take mu: only a waiter for a sequence not handed out yet needs it
	// (see early).
	n := c.assigned.Add(1)
	if c.stopped {
		// Closed: the command's ops are dropped and its wait fails.
		c.open.Truncate(c.sealed)
		c.wakeEarly()
		return n
	}
	ops := c.open.Len()
	added := ops - c.sealed
	c.sealed = ops
	batches := c.batches.Add(1)
	c.queuedOps.Store(int64(ops))
	c.wakeEarly()
	if c.parked.Load() && c.parked.CompareAndSwap(true, false) {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
	// run lingers from the first batch of a queue and applies early once
	// the queue reaches deferApplyOps.
	wake := batches == 1 || ops >= deferApplyOps && ops-added < deferApplyOps
	if wake && c.deferring() {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
	return n
}

// wakeEarly wakes the waiters for a sequence not handed out yet, if there
// are any, once assigned has advanced (see early).
func (c *committer) wakeEarly() {
	if c.early.Load() > 0 {
		c.mu.Lock()
		c.earlyCond.Broadcast()
		c.mu.Unlock()
	}
}

// deferring reports whether the policy lets replies skip waiting for the
// apply (appendfsync no and everysec).
func (c *committer) deferring() bool {
	if c.policy == nil {
		return false
	}
	p := c.policy.Policy()
	return p == persist.No || p == persist.EverySec
}

// deferred reports whether a reply that needs seq may leave now without
// waiting: seq was handed out, the policy defers (deferring), the queue is
// below its bound and no commit failed.
func (c *committer) deferred(seq uint64) bool {
	return seq <= c.assigned.Load() && c.queuedOps.Load() < deferMaxOps &&
		!c.broken.Load() && c.deferring()
}

// commitInstant is enqueue for a store that keeps nothing (instant):
// enqueue then empties the open batch, which only counts.
func (c *committer) commitInstant() uint64 {
	n := c.assigned.Add(1)
	c.durable.Store(n)
	c.wakeEarly()
	return n
}

// latest returns the last sequence handed out: a read that ran after it
// may have observed its effects.
func (c *committer) latest() uint64 { return c.assigned.Load() }

// wait blocks until everything up to seq is durable, leading the commit of
// the queued batches itself when no other goroutine is. It returns the
// store's error if a commit failed, in which case replies that depend on
// seq must not be sent. Under appendfsync no and everysec it returns at
// once once seq is handed out, unless the queue is at its bound (see
// committer).
func (c *committer) wait(seq uint64) error { return c.waitFor(seq, true) }

// flush is wait without deferral: it returns once everything up to seq is
// applied to the store and durable under its policy, whatever the policy.
// Backups and close use it; they read or close the store itself. Like
// wait, it must not be called under the keyspace lock.
func (c *committer) flush(seq uint64) error { return c.waitFor(seq, false) }

func (c *committer) waitFor(seq uint64, deferOK bool) error {
	if c.durable.Load() >= seq || deferOK && c.deferred(seq) {
		return nil
	}
	c.mu.Lock()
	for c.durable.Load() < seq && c.failed == nil {
		if c.stopped && seq > c.stopSeq {
			c.mu.Unlock()
			return errStoreClosed
		}
		if deferOK && c.deferred(seq) {
			c.mu.Unlock()
			return nil
		}
		c.early.Add(1)
		early := seq > c.assigned.Load()
		if !early {
			c.early.Add(-1)
		}
		var f *flight
		switch {
		case early:
			// Not handed out yet: wait for enqueue (or commitInstant).
			c.earlyCond.Wait()
			c.early.Add(-1)
			continue
		case seq <= c.taken:
			f = c.flightOf(seq)
		case c.claiming:
			// The claimer takes seq's batch (enqueued before this
			// goroutine took mu, so before the claimer takes it).
			if c.next == nil {
				c.next = newFlight()
			}
			f = c.next
		default:
			c.claimAndLead()
			continue
		}
		if f == nil {
			continue // durable passed seq meanwhile
		}
		c.mu.Unlock()
		<-f.done
		if c.durable.Load() >= seq {
			return nil
		}
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	if c.durable.Load() >= seq {
		return nil
	}
	return c.failed
}

// claimAndLead makes the calling goroutine the next leader: it waits for
// the apply running, if any, and then leads the commit of everything
// enqueued. It is called with mu held and claiming not set, and returns
// with mu held.
func (c *committer) claimAndLead() {
	c.claiming = true
	for c.leading {
		c.applyCond.Wait()
	}
	if c.failed != nil {
		c.claiming = false
		return
	}
	c.lead()
}

// flight is one batch a leader took (or, as committer.next, will take):
// done is closed once durable reaches last or the commit failed, and
// then every function in wakes is called.
type flight struct {
	last  uint64
	done  chan struct{}
	wakes []func()
	// empty is set for a batch without ops (sequences handed out to
	// commands that changed nothing), which the store never sees; synced
	// once its leader's wait returned (at once for an empty one).
	empty, synced bool
}

func newFlight() *flight { return &flight{done: make(chan struct{})} }

// close ends the flight's waits: its channel's and its wake functions'.
func (f *flight) close() {
	close(f.done)
	for i, w := range f.wakes {
		w()
		f.wakes[i] = nil
	}
	f.wakes = nil
}

// flightOf returns the flight that holds seq (seq <= taken), nil if it is
// durable already. mu is held.
func (c *committer) flightOf(seq uint64) *flight {
	for _, f := range c.flights {
		if f.last >= seq {
			return f
		}
	}
	return nil
}

// lead takes the open batch, applies it as one store batch, then waits for
// its sync and advances durable past it. It is called with mu held,
// claiming set and no apply running; it releases mu while it waits for the
// keyspace lock and while the store works, and returns with it held.
func (c *committer) lead() {
	c.gather()
	c.mu.Unlock()
	c.ks.Lock()
	c.mu.Lock()
	c.claiming = false
	c.leading = true
	// No command is running: take the open batch (unsealed ops, left by
	// a locked section that sealed nothing, go along; they were applied in
	// memory before everything after) and leave an empty one.
	q := c.spare
	c.spare = nil
	*q, *c.open = *c.open, *q
	c.sealed = 0
	c.batches.Store(0)
	c.queuedOps.Store(0)
	last := c.assigned.Load()
	if c.stopped {
		last = min(last, c.stopSeq)
	}
	c.ks.Unlock()
	// Every waiter on next waits for a sequence handed out before now.
	f := c.next
	c.next = nil
	if f == nil {
		f = newFlight()
	}
	f.last = last
	c.taken = max(c.taken, last)
	c.flights = append(c.flights, f)
	c.mu.Unlock()

	f.empty = q.Len() == 0
	t, err := c.apply(q)

	c.mu.Lock()
	c.spare = q
	c.leading = false
	c.applyCond.Signal()
	if err == nil && c.failed != nil {
		err = c.failed // another batch failed meanwhile
	}
	switch {
	case err != nil:
		c.failLocked(err)
	case f.empty:
		f.synced = true
		c.landLocked()
	default:
		// The lander waits for the sync; the leader goes on (its own wait,
		// if it has one, is on the flight like everyone else's).
		c.syncing = append(c.syncing, pendingSync{t, f})
		if c.hooked {
			// The sync may have ended before the ticket was queued.
			c.landSyncedLocked()
			break
		}
		select {
		case c.landKick <- struct{}{}:
		default:
		}
	}
}

// land is the lander: it waits, in the order they were applied, for the
// syncs of the batches leaders applied, and lands their flights. Every
// ticket is waited for, even after a failure, as the store requires.
func (c *committer) land() {
	defer close(c.landDone)
	for {
		c.mu.Lock()
		for len(c.syncing) > 0 {
			p := c.syncing[0]
			c.syncing[0] = pendingSync{}
			c.syncing = c.syncing[1:]
			c.mu.Unlock()
			err := p.t.Wait()
			c.mu.Lock()
			c.syncedLocked(p.f, err)
		}
		c.trimSyncingLocked()
		c.mu.Unlock()
		select {
		case <-c.landKick:
		case <-c.landQuit:
			c.mu.Lock()
			n := len(c.syncing)
			c.mu.Unlock()
			if n == 0 {
				return
			}
		}
	}
}

// landSynced is the store's sync hook: it lands the flights whose
// batches the store has made durable, in the order they were applied.
func (c *committer) landSynced() {
	c.mu.Lock()
	c.landSyncedLocked()
	c.mu.Unlock()
}

func (c *committer) landSyncedLocked() {
	for len(c.syncing) > 0 {
		p := c.syncing[0]
		done, err := p.t.TryWait()
		if !done {
			break
		}
		c.syncing[0] = pendingSync{}
		c.syncing = c.syncing[1:]
		c.syncedLocked(p.f, err) // may let go of mu: the loop looks again
	}
	c.trimSyncingLocked()
}

// syncedLocked records that the store's wait for f's batch returned err:
// f lands, or the committer fails (failLocked may let go of mu). mu is
// held.
func (c *committer) syncedLocked(f *flight, err error) {
	if err == nil && c.failed != nil {
		err = c.failed
	}
	if err != nil {
		c.failLocked(err)
		return
	}
	f.synced = true
	c.landLocked()
}

// trimSyncingLocked drops the syncing queue's buffer once it is empty
// after a burst. mu is held.
func (c *committer) trimSyncingLocked() {
	if len(c.syncing) == 0 && cap(c.syncing) > 64 {
		c.syncing = nil
	}
}

// landLocked advances durable over the flights whose sync returned and
// closes them. The store syncs batches in the order they were applied, so
// a synced batch makes every flight before it durable; an empty flight,
// which the store never saw, is durable only once every flight before it
// is. mu is held.
func (c *committer) landLocked() {
	n := 0
	for i, f := range c.flights {
		if f.synced && !f.empty {
			n = i + 1
		}
	}
	for n < len(c.flights) && c.flights[n].synced {
		n++
	}
	if n == 0 {
		return
	}
	if last := c.flights[n-1].last; last > c.durable.Load() {
		c.durable.Store(last)
	}
	for _, f := range c.flights[:n] {
		f.close()
	}
	m := copy(c.flights, c.flights[n:])
	clear(c.flights[m:])
	c.flights = c.flights[:m]
}

// gather lets the goroutines that are ready to run — connections whose
// commands have arrived — run before a leader takes the queue, for as long
// as they keep adding to it (a few rounds at most). A sync then carries
// every command that was ready, as Redis's event loop syncs once after
// serving every ready client, instead of syncing at once for the first
// and making the rest wait for a second sync. Called and returns with mu
// held.
func (c *committer) gather() {
	if c.policy == nil || c.policy.Policy() != persist.Always {
		return
	}
	for range maxGatherRounds {
		n := c.batches.Load()
		c.mu.Unlock()
		runtime.Gosched()
		c.mu.Lock()
		if c.batches.Load() == n {
			return
		}
	}
}

// maxGatherRounds bounds how long gather lets others run.
const maxGatherRounds = 4

// apply applies q, the taken queue, as one store batch and empties it.
// A queue that grew very large (one huge entry) is replaced rather than
// kept at that size.
func (c *committer) apply(q *persist.Batch) (persist.Ticket, error) {
	if q.Len() == 0 {
		return persist.Ticket{}, nil
	}
	t, err := c.store.Apply(q)
	q.Reset()
	if q.Retained() > maxRetainedQueue {
		*q = persist.Batch{}
	}
	return t, err
}

// shrinkIdle drops the queues' buffers once writes have stopped: under
// appendfsync no and everysec a burst of writes grows the queue and its
// spare to tens of thousands of ops (about 20 bytes of resident memory per entry after a
// bulk load of a million, measured with runnel-bench mem), which a busy
// server reuses but an idle one need not hold.
func (c *committer) shrinkIdle() {
	c.ks.Lock()
	defer c.ks.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.leading || c.claiming || c.open.Len() > 0 {
		return
	}
	if c.open.Retained() > keepIdleQueue {
		*c.open = persist.Batch{}
	}
	if c.spare != nil && c.spare.Retained() > keepIdleQueue {
		c.spare = new(persist.Batch)
	}
}

// shrinkAfterTicks is how many quiet ticks (of tickInterval) pass before
// shrinkIdle, and keepIdleQueue what a queue may keep past it.
const (
	shrinkAfterTicks = 40
	keepIdleQueue    = 256 << 10
)

// maxRetainedQueue bounds the bytes an emptied queue keeps for reuse.
const maxRetainedQueue = 64 << 20

// failLocked records the store's first error, which every waiting and
// later reply then reports, and wakes every waiter. mu is held.
func (c *committer) failLocked(err error) {
	first := c.failed == nil
	if first {
		c.setFailedLocked(err)
	}
	for _, f := range c.flights {
		f.close()
	}
	clear(c.flights)
	c.flights = c.flights[:0]
	if c.next != nil {
		c.next.close()
		c.next = nil
	}
	c.earlyCond.Broadcast()
	c.applyCond.Broadcast()
	if first && c.onErr != nil {
		c.mu.Unlock()
		c.onErr(err)
		c.mu.Lock()
	}
}

// setFailedLocked records err as the committer's failure; mu is held.
func (c *committer) setFailedLocked(err error) {
	c.failed = err
	c.broken.Store(true)
}

// run applies the batches that no reply waits for: every tickInterval
// under every policy (key expiry), and under appendfsync no and everysec
// the deferred ones, deferLinger after the first of a queue or as soon as the queue
// holds deferApplyOps ops. After shrinkAfterTicks quiet ticks it stops its
// ticker until a command enqueues (park), so an idle server is not woken
// 200 times a second.
func (c *committer) run() {
	defer close(c.done)
	t := time.NewTicker(c.timing.tick)
	defer t.Stop()
	tick := t.C // nil while parked
	linger := time.NewTimer(c.timing.linger)
	linger.Stop()
	// seen and quiet count the ticks since a batch was last queued, to
	// shrink the queues once writes stop (shrinkIdle).
	var seen uint64
	quiet := 0
	for {
		select {
		case <-c.quit:
			return
		case <-tick:
			if n := c.assigned.Load(); n != seen {
				seen, quiet = n, 0
			} else if quiet++; quiet == shrinkAfterTicks {
				c.shrinkIdle()
				if c.park(seen) {
					t.Stop()
					tick = nil
				}
			}
		case <-c.wake:
		case <-c.kick:
			if c.queuedOps.Load() < deferApplyOps {
				linger.Reset(c.timing.linger)
				select {
				case <-c.quit:
					linger.Stop()
					return
				case <-linger.C:
				case <-c.kick: // the queue reached deferApplyOps
					linger.Stop()
				}
			}
		}
		if tick == nil && !c.parked.Load() {
			t.Reset(c.timing.tick)
			tick, quiet = t.C, 0
		}
		c.mu.Lock()
		idle := c.taken >= c.assigned.Load() || c.leading || c.claiming
		c.mu.Unlock()
		if !idle {
			_ = c.flush(c.assigned.Load())
		}
	}
}

// park marks run as sleeping without its ticker and reports whether it
// may: not if a command enqueued since seen was read (it would not see
// parked set, and its batch would wait for the next enqueue).
func (c *committer) park(seen uint64) bool {
	c.mu.Lock()
	idle := c.taken >= seen && !c.leading && !c.claiming
	c.mu.Unlock()
	if !idle {
		return false
	}
	c.parked.Store(true)
	if c.assigned.Load() != seen {
		// An enqueue raced the flag: if it did not clear it, clear it
		// here; if it did, its wake token is harmless.
		c.parked.Store(false)
		return false
	}
	return true
}

// close commits what is queued and stops the background goroutine;
// commands that end later fail their replies and add nothing. It takes
// the keyspace lock to stop, so no command is half way through, and must
// be called without it.
func (c *committer) close() {
	if c.instant {
		return
	}
	c.ks.Lock()
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		c.ks.Unlock()
		return
	}
	c.stopped = true
	c.stopSeq = c.assigned.Load()
	c.broken.Store(true) // deferred replies take the lock and see stopped
	c.earlyCond.Broadcast()
	c.mu.Unlock()
	c.ks.Unlock()
	close(c.quit)
	<-c.done
	_ = c.flush(c.stopSeq)
	close(c.landQuit)
	<-c.landDone
}
