package commands

import (
	"sync"
	"sync/atomic"

	"github.com/runnel-db/runnel/persist"
)

// errStoreClosed fails batches queued after the server began to close.
var errStoreClosed = Error("ERR server is shutting down")

// committer hands batches to the store in the order the keyspace lock
// produced them and tracks how far they are durable.
//
// Every write command's batch gets a sequence number while its command still
// holds the keyspace lock (enqueue); one goroutine then commits all queued
// batches as a single store batch — one fsync for every client that wrote
// meanwhile (group commit) — and advances the durable watermark. A reply
// that shows state up to sequence n leaves only once durable >= n, so no
// client, writer or reader, observes a write that a crash could still lose;
// the keyspace lock is never held while waiting for that.
type committer struct {
	store persist.Store
	// instant is set for stores that keep nothing (persist.Memory): batches
	// are durable the moment they are queued.
	instant bool
	onErr   func(error)

	// assigned is the last sequence handed out; written under the keyspace
	// lock and mu, read anywhere.
	assigned atomic.Uint64
	// durable is the last sequence whose batch the store committed.
	durable atomic.Uint64
	// waiting counts wait calls blocked on cond (changed under mu), so an
	// instant commit wakes them only when there are some: a Pub/Sub
	// outbox may wait for the sequence a command is about to get.
	waiting atomic.Int32

	mu     sync.Mutex // guards queue, failed, stopped; cond waits on it
	cond   *sync.Cond
	queue  []*persist.Batch
	failed error
	// stopped is set by close; later batches fail instead of committing.
	stopped bool
	kick    chan struct{}
	done    chan struct{}
	merged  persist.Batch
	pool    sync.Pool
}

func newCommitter(store persist.Store, onErr func(error)) *committer {
	c := &committer{store: store, onErr: onErr, kick: make(chan struct{}, 1), done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	c.pool.New = func() any { return new(persist.Batch) }
	if _, ok := store.(persist.Memory); ok {
		c.instant = true
		close(c.done)
		return c
	}
	go c.loop()
	return c
}

// newBatch returns an empty batch to collect the next command's effects.
func (c *committer) newBatch() *persist.Batch { return c.pool.Get().(*persist.Batch) }

// enqueue queues b for commit and returns its sequence number (b is empty
// only when a keyspace notification awaits the sequence, see notify.go).
// It must be called under the keyspace lock so sequence order is the order
// in which the effects were applied in memory. Ownership of b passes to the
// committer.
func (c *committer) enqueue(b *persist.Batch) uint64 {
	if c.instant {
		n := c.commitInstant()
		b.Reset()
		c.pool.Put(b)
		return n
	}
	c.mu.Lock()
	n := c.assigned.Add(1)
	if c.stopped {
		if c.failed == nil {
			c.failed = errStoreClosed
		}
		c.mu.Unlock()
		return n
	}
	c.queue = append(c.queue, b)
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	return n
}

// commitInstant is enqueue for a store that keeps nothing (instant): the
// caller resets and keeps its batch, so the batch is not pooled.
func (c *committer) commitInstant() uint64 {
	n := c.assigned.Add(1)
	c.durable.Store(n)
	if c.waiting.Load() > 0 {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	}
	return n
}

// latest returns the last sequence handed out: a read that ran after it
// may have observed its effects.
func (c *committer) latest() uint64 { return c.assigned.Load() }

// wait blocks until everything up to seq is durable. It returns the
// store's error if a commit failed, in which case replies that depend on
// seq must not be sent.
func (c *committer) wait(seq uint64) error {
	if c.durable.Load() >= seq {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waiting.Add(1)
	for c.durable.Load() < seq && c.failed == nil {
		c.cond.Wait()
	}
	c.waiting.Add(-1)
	if c.durable.Load() >= seq {
		return nil
	}
	return c.failed
}

func (c *committer) loop() {
	defer close(c.done)
	for {
		_, ok := <-c.kick
		c.mu.Lock()
		q := c.queue
		c.queue = nil
		last := c.assigned.Load()
		c.mu.Unlock()
		if len(q) > 0 {
			c.commitAll(q, last)
		}
		if !ok {
			return
		}
	}
}

// commitAll commits the queued batches as one store batch. last is the
// sequence of the final batch of q.
func (c *committer) commitAll(q []*persist.Batch, last uint64) {
	b := q[0]
	if len(q) > 1 {
		c.merged.Reset()
		for _, x := range q {
			c.merged.Ops = append(c.merged.Ops, x.Ops...)
		}
		b = &c.merged
	}
	err := c.store.Commit(b)
	c.mu.Lock()
	if err != nil && c.failed == nil {
		c.failed = err
	}
	if err == nil {
		c.durable.Store(last)
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	if err != nil && c.onErr != nil {
		c.onErr(err)
	}
	for _, x := range q {
		x.Reset()
		c.pool.Put(x)
	}
}

// close commits what is queued and stops the loop. The caller holds the
// keyspace lock, so nothing new is queued.
func (c *committer) close() {
	if c.instant {
		return
	}
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	c.mu.Unlock()
	close(c.kick)
	<-c.done
}
