package commands

// Ready and Notify make the committer a resp.Holder (and Landed a
// resp.Lander): a connection whose
// replies wait for a commit sequence hands them to its resp.Conn with that
// sequence (resp.Hold) instead of blocking, and goes on reading and
// running what its client sends meanwhile. Commands that arrive while a
// sync runs are thus in memory, and in the next batch, by the time the
// sync returns — as Redis, whose event loop reads every client's input
// after each fsync, syncs them together — instead of being read only once
// the earlier replies have left, by which time the log may already be
// syncing another client's batch alone.

// Ready reports whether replies that show the state up to seq may be
// sent: seq is durable, or the policy lets replies leave before the store
// has it (see deferred). Otherwise it makes sure seq's batch is being
// committed — leading that commit itself when no other goroutine is — and
// reports false. An error means the commit failed (or the committer
// closed before seq was taken) and the replies must never be sent.
func (c *committer) Ready(seq uint64) (bool, error) {
	if c.durable.Load() >= seq || c.deferred(seq) {
		return true, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		switch {
		case c.durable.Load() >= seq:
			return true, nil
		case c.failed != nil:
			return false, c.failed
		case c.stopped && seq > c.stopSeq:
			return false, errStoreClosed
		case c.deferred(seq):
			return true, nil
		case seq <= c.taken, c.claiming, seq > c.assigned.Load():
			// Taken (the lander lands it), claimed (the claimer takes
			// it) or not handed out yet (callers hold only sequences
			// they were given; Notify then reports false and the
			// caller asks again).
			return false, nil
		}
		c.claimAndLead()
	}
}

// Landed is Ready without leading a commit: the connection's sender of
// held replies asks it while a batch read ahead runs, and that batch may
// hold the keyspace lock a leader takes.
func (c *committer) Landed(seq uint64) (bool, error) {
	if c.durable.Load() >= seq || c.deferred(seq) {
		return true, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.durable.Load() >= seq:
		return true, nil
	case c.failed != nil:
		return false, c.failed
	case c.stopped && seq > c.stopSeq:
		return false, errStoreClosed
	}
	return c.deferred(seq), nil
}

// Notify arranges for wake to be called once the batch that holds seq has
// been made durable (or the commit failed). It returns false, keeping
// nothing, when seq needs no wait now or no batch holds it yet (nobody
// took or claimed it): the caller then asks Ready again. wake runs under
// the committer's lock and must only signal.
func (c *committer) Notify(seq uint64, wake func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.durable.Load() >= seq || c.failed != nil || c.stopped && seq > c.stopSeq {
		return false
	}
	var f *flight
	switch {
	case seq <= c.taken:
		f = c.flightOf(seq)
	case c.claiming && seq <= c.assigned.Load():
		if c.next == nil {
			c.next = newFlight()
		}
		f = c.next
	}
	if f == nil {
		return false
	}
	f.wakes = append(f.wakes, wake)
	return true
}
