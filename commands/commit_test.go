package commands

import (
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// gatedStore is a Store with a run-time fsync policy whose Apply blocks
// while its gate is closed and records the Expire of every op applied, in
// order (the tests number their ops that way).
type gatedStore struct {
	policy atomic.Uint32
	fail   atomic.Pointer[error]

	mu      sync.Mutex
	gate    chan struct{} // Apply waits until it is closed
	applied []int64
}

func newGatedStore(p persist.FsyncPolicy, open bool) *gatedStore {
	s := &gatedStore{gate: make(chan struct{})}
	s.policy.Store(uint32(p))
	if open {
		close(s.gate)
	}
	return s
}

func (s *gatedStore) Policy() persist.FsyncPolicy     { return persist.FsyncPolicy(s.policy.Load()) }
func (s *gatedStore) setPolicy(p persist.FsyncPolicy) { s.policy.Store(uint32(p)) }
func (s *gatedStore) open()                           { close(s.gate) }

func (s *gatedStore) Apply(b *persist.Batch) (persist.Ticket, error) {
	<-s.gate
	if p := s.fail.Load(); p != nil {
		return persist.Ticket{}, *p
	}
	s.mu.Lock()
	for _, op := range b.Ops {
		s.applied = append(s.applied, op.Expire)
	}
	s.mu.Unlock()
	return persist.Ticket{}, nil
}

func (s *gatedStore) Commit(b *persist.Batch) error { _, err := s.Apply(b); return err }
func (s *gatedStore) Close() error                  { return nil }

func (s *gatedStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.applied)
}

// inOrder reports whether the store applied ops 1..n, each once, in order.
func (s *gatedStore) inOrder(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.applied) != n {
		return false
	}
	for i, v := range s.applied {
		if v != int64(i+1) {
			return false
		}
	}
	return true
}

// testCommitter returns a committer on st with a keyspace lock of its own.
func testCommitter(st persist.Store, onErr func(error), timing commitTiming) *committer {
	return newCommitter(st, new(sync.Mutex), onErr, timing)
}

// enqueueOps queues one batch of n ops numbered from *next, added under
// the keyspace lock as a command adds them.
func enqueueOps(c *committer, n int, next *int64) uint64 {
	c.ks.Lock()
	defer c.ks.Unlock()
	for range n {
		*next++
		c.open.Add(persist.Op{Kind: persist.KeyPut, Key: "k", UID: 1, Expire: *next})
	}
	return c.enqueue()
}

// waitDone runs c.wait(seq) and returns a channel that gets its result.
func waitDone(c *committer, seq uint64) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- c.wait(seq) }()
	return ch
}

// stillWaiting reports whether nothing arrived on ch for a while: evidence,
// not proof, that the wait blocks.
func stillWaiting(ch <-chan error) bool {
	select {
	case <-ch:
		return false
	case <-time.After(50 * time.Millisecond):
		return true
	}
}

// TestCommitNoDefersApply checks that under appendfsync no and everysec a
// reply's wait returns while the store cannot apply anything, that the
// policy moving to always makes the next wait cover every batch before it,
// and that close applies everything queued, in order.
func TestCommitNoDefersApply(t *testing.T) {
	for _, p := range []persist.FsyncPolicy{persist.No, persist.EverySec} {
		st := newGatedStore(p, false)
		c := testCommitter(st, nil, commitTiming{})
		var next int64
		for range 10 {
			seq := enqueueOps(c, 3, &next)
			if err := c.wait(seq); err != nil {
				t.Fatalf("wait under %v: %v", p, err)
			}
		}
		st.setPolicy(persist.Always)
		seq := enqueueOps(c, 1, &next)
		done := waitDone(c, seq)
		if !stillWaiting(done) {
			t.Fatal("under always a reply left before its batch was applied")
		}
		st.open()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if !st.inOrder(31) {
			t.Fatalf("applied %d ops, want 31 in order", st.count())
		}
		st.setPolicy(p)
		enqueueOps(c, 5, &next)
		c.close()
		if !st.inOrder(36) {
			t.Fatalf("after close applied %d ops, want 36 in order", st.count())
		}
	}
}

// TestCommitNoAppliesInBackground checks that deferred batches reach the
// store with nobody waiting for them, within the linger.
func TestCommitNoAppliesInBackground(t *testing.T) {
	st := newGatedStore(persist.No, true)
	c := testCommitter(st, nil, commitTiming{})
	defer c.close()
	var next int64
	c.wait(enqueueOps(c, 2, &next))
	deadline := time.Now().Add(5 * time.Second)
	for st.count() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !st.inOrder(2) {
		t.Fatalf("background apply: %d ops applied, want 2", st.count())
	}
}

// TestCommitNoBackpressure checks that under appendfsync no the queue is
// bounded: once deferMaxOps ops wait behind a stalled store, a reply waits
// for its batch again.
func TestCommitNoBackpressure(t *testing.T) {
	st := newGatedStore(persist.No, false)
	c := testCommitter(st, nil, commitTiming{})
	var next int64
	var seq uint64
	for i := 0; c.queuedOps.Load() < deferMaxOps; i++ {
		if i > 4*deferMaxOps/64 {
			t.Fatalf("queue stuck at %d ops", c.queuedOps.Load())
		}
		seq = enqueueOps(c, 64, &next)
		if c.queuedOps.Load() < deferMaxOps {
			if err := c.wait(seq); err != nil {
				t.Fatal(err)
			}
		}
	}
	done := waitDone(c, seq)
	if !stillWaiting(done) {
		t.Fatalf("a reply left with %d ops queued", c.queuedOps.Load())
	}
	st.open()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.close()
	if !st.inOrder(int(next)) {
		t.Fatalf("applied %d ops, want %d in order", st.count(), next)
	}
}

// TestCommitNoToAlways checks that moving from no to always makes the
// next reply wait for the deferred batches before it, and flush waits
// under no.
func TestCommitNoToAlways(t *testing.T) {
	st := newGatedStore(persist.No, false)
	c := testCommitter(st, nil, commitTiming{})
	defer c.close()
	var next int64
	first := enqueueOps(c, 4, &next)
	if err := c.wait(first); err != nil {
		t.Fatal(err)
	}
	flushed := make(chan error, 1)
	go func() { flushed <- c.flush(first) }()
	if !stillWaiting(flushed) {
		t.Fatal("flush returned before the store applied the batch")
	}
	st.setPolicy(persist.Always)
	// A read reply after the switch needs the latest sequence.
	done := waitDone(c, c.latest())
	if !stillWaiting(done) {
		t.Fatal("under always a reply left before the deferred batch was committed")
	}
	st.open()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if !st.inOrder(4) {
		t.Fatalf("applied %d ops, want 4", st.count())
	}
}

// TestCommitNoFailure checks that a store failure found by a background
// apply fails every later reply and reaches onErr.
func TestCommitNoFailure(t *testing.T) {
	st := newGatedStore(persist.No, true)
	boom := errors.New("disk full")
	st.fail.Store(&boom)
	var reported atomic.Bool
	c := testCommitter(st, func(error) { reported.Store(true) }, commitTiming{})
	defer c.close()
	var next int64
	seq := enqueueOps(c, 1, &next)
	// Deferred: nil, unless the background apply failed already.
	if err := c.wait(seq); err != nil && !errors.Is(err, boom) {
		t.Fatalf("deferred wait: %v", err)
	}
	if err := c.flush(seq); !errors.Is(err, boom) {
		t.Fatalf("flush: %v, want %v", err, boom)
	}
	if err := c.wait(enqueueOps(c, 1, &next)); !errors.Is(err, boom) {
		t.Fatalf("wait after the failure: %v, want %v", err, boom)
	}
	if !reported.Load() {
		t.Fatal("onErr was not called")
	}
}

// TestNoPolicyDeferredWritesKept runs group traffic on a Pebble store under
// appendfsync no, whose replies do not wait for the apply, and checks that
// a SAVE taken in the middle holds every write acknowledged before it and
// that Close applies the rest: a server loading the store afterwards has
// the same entries, group and pending entries.
func TestNoPolicyDeferredWritesKept(t *testing.T) {
	dir, saves := t.TempDir(), t.TempDir()
	p, err := persist.Open(dir, persist.Options{Fsync: persist.No})
	if err != nil {
		t.Fatal(err)
	}
	// No background apply runs during the test: SAVE and Close must apply
	// the queue themselves.
	f := newFake(t, Options{Dir: dir, SaveDir: saves, Store: p, timing: commitTiming{time.Hour, time.Hour}})
	f.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	state := func(f *fake) string {
		// XPENDING's summary and XINFO GROUPS show no idle times, which
		// move between the two servers.
		return f.do("XRANGE", "s", "-", "+") + f.do("XPENDING", "s", "g") +
			f.do("XINFO", "GROUPS", "s")
	}
	var atSave string
	for i := 1; i <= 300; i++ {
		f.do("XADD", "s", strconv.Itoa(i)+"-0", "f", strconv.Itoa(i))
		if i%3 == 0 {
			f.do("XREADGROUP", "GROUP", "g", "c"+strconv.Itoa(i%2), "COUNT", "2", "STREAMS", "s", ">")
		}
		if i%5 == 0 {
			f.do("XACK", "s", "g", strconv.Itoa(i-4)+"-0", strconv.Itoa(i-3)+"-0")
		}
		if i == 150 {
			if got := f.do("SAVE"); got != "+OK\r\n" {
				t.Fatalf("SAVE = %q", got)
			}
			atSave = state(f)
		}
	}
	want := state(f)
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{{dir, want}, {backups(t, saves)[0], atSave}} {
		p := openPebble(t, tc.dir)
		g := newFake(t, Options{Dir: tc.dir, Store: p})
		if _, err := g.s.Load(p); err != nil {
			t.Fatal(err)
		}
		if got := state(g); got != tc.want {
			i := 0
			for i < len(got) && i < len(tc.want) && got[i] == tc.want[i] {
				i++
			}
			t.Fatalf("loaded from %s: %d bytes, want %d; first difference at byte %d: %q, want %q",
				tc.dir, len(got), len(tc.want), i, got[i:min(len(got), i+80)], tc.want[i:min(len(tc.want), i+80)])
		}
	}
}

// TestCommitShrinksIdleQueues checks that the queue buffers a burst of
// writes grew are dropped once writes stop, and kept while they go on.
func TestCommitShrinksIdleQueues(t *testing.T) {
	st := newGatedStore(persist.No, true)
	c := testCommitter(st, nil, commitTiming{tick: time.Millisecond})
	defer c.close()
	var next int64
	for range 20 {
		c.wait(enqueueOps(c, deferApplyOps/2, &next))
	}
	retained := func() int {
		c.ks.Lock()
		defer c.ks.Unlock()
		c.mu.Lock()
		defer c.mu.Unlock()
		n := c.open.Retained()
		if c.spare != nil {
			n += c.spare.Retained()
		}
		return n
	}
	if r := retained(); r <= 2*keepIdleQueue {
		t.Fatalf("after the burst the queues retain %d bytes; the test needs more than %d", r, 2*keepIdleQueue)
	}
	deadline := time.Now().Add(5 * time.Second)
	for retained() > 2*keepIdleQueue && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if r := retained(); r > 2*keepIdleQueue {
		t.Fatalf("idle queues still retain %d bytes", r)
	}
}

// TestCommitParksWhenIdle checks that the background goroutine stops
// ticking once writes stop, and that a batch no reply waits for (a key
// expiry) queued while it sleeps still reaches the store, under every
// policy; then that it parks again.
func TestCommitParksWhenIdle(t *testing.T) {
	for _, p := range []persist.FsyncPolicy{persist.Always, persist.EverySec, persist.No} {
		st := newGatedStore(p, true)
		c := testCommitter(st, nil, commitTiming{tick: time.Millisecond})
		var next int64
		want := 0
		for round := range 3 {
			deadline := time.Now().Add(5 * time.Second)
			for !c.parked.Load() && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if !c.parked.Load() {
				t.Fatalf("%v, round %d: not parked after %d quiet ticks", p, round, shrinkAfterTicks)
			}
			enqueueOps(c, 2, &next) // nobody waits for it
			want += 2
			if c.parked.Load() {
				t.Fatalf("%v, round %d: still parked after an enqueue", p, round)
			}
			for st.count() < want && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if !st.inOrder(want) {
				t.Fatalf("%v, round %d: %d ops applied, want %d in order", p, round, st.count(), want)
			}
		}
		c.close()
	}
}

// wholeStore is a Store that checks every batch it applies holds whole
// commands: each op's Expire is its command's number times 100 plus its
// index, and Key says how many ops the command has.
type wholeStore struct {
	policy persist.FsyncPolicy

	mu      sync.Mutex
	err     error
	applies int
	ops     int
}

func (s *wholeStore) Policy() persist.FsyncPolicy { return s.policy }

func (s *wholeStore) Apply(b *persist.Batch) (persist.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applies++
	for i := 0; i < len(b.Ops); {
		n, _ := strconv.Atoi(b.Ops[i].Key)
		cmd := b.Ops[i].Expire / 100
		for j := range n {
			if i+j >= len(b.Ops) || b.Ops[i+j].Expire != cmd*100+int64(j) {
				if s.err == nil {
					s.err = errors.New("a batch holds part of command " + strconv.FormatInt(cmd, 10))
				}
				return persist.Ticket{}, nil
			}
		}
		i += n
		s.ops += n
	}
	return persist.Ticket{}, nil
}

func (s *wholeStore) Commit(b *persist.Batch) error { _, err := s.Apply(b); return err }
func (s *wholeStore) Close() error                  { return nil }

// TestCommitLeaderTakesWholeCommands runs writers that add their ops to
// the open batch one at a time under the keyspace lock, yielding between
// them, while the others lead commits, and checks that no applied batch
// holds part of a command and that every command is applied once its
// wait returns, under each policy.
func TestCommitLeaderTakesWholeCommands(t *testing.T) {
	for _, p := range []persist.FsyncPolicy{persist.Always, persist.EverySec, persist.No} {
		st := &wholeStore{policy: p}
		c := testCommitter(st, nil, commitTiming{})
		const writers, cmds = 8, 200
		var wg sync.WaitGroup
		var nextCmd atomic.Int64
		for range writers {
			wg.Go(func() {
				for range cmds {
					c.ks.Lock()
					cmd := nextCmd.Add(1)
					n := 1 + int(cmd%4)
					for j := range n {
						c.open.Add(persist.Op{Kind: persist.KeyPut, Key: strconv.Itoa(n), UID: 1, Expire: cmd*100 + int64(j)})
						runtime.Gosched()
					}
					seq := c.enqueue()
					c.ks.Unlock()
					if err := c.wait(seq); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		c.close()
		st.mu.Lock()
		err, ops, applies := st.err, st.ops, st.applies
		st.mu.Unlock()
		if err != nil {
			t.Fatalf("policy %v: %v", p, err)
		}
		want := 0
		for cmd := int64(1); cmd <= writers*cmds; cmd++ {
			want += 1 + int(cmd%4)
		}
		if ops != want {
			t.Fatalf("policy %v: applied %d ops, want %d", p, ops, want)
		}
		if applies >= writers*cmds {
			t.Logf("policy %v: %d applies for %d commands: no grouping", p, applies, writers*cmds)
		}
	}
}

// TestCommitCloseDropsLaterCommands checks that close applies every
// command sealed before it, waiting for a leader stalled in the store,
// and that a command ending after it adds nothing to the store and its
// wait fails.
func TestCommitCloseDropsLaterCommands(t *testing.T) {
	st := newGatedStore(persist.Always, false)
	c := testCommitter(st, nil, commitTiming{})
	var next int64
	first := waitDone(c, enqueueOps(c, 2, &next))
	if !stillWaiting(first) {
		t.Fatal("a reply left before its batch was applied")
	}
	enqueueOps(c, 3, &next) // queued behind the stalled leader
	closed := make(chan struct{})
	go func() { c.close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("close returned before the store applied the queue")
	case <-time.After(50 * time.Millisecond):
	}
	st.open()
	<-closed
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if !st.inOrder(5) {
		t.Fatalf("after close applied %d ops, want 5 in order", st.count())
	}
	late := enqueueOps(c, 4, &next)
	if err := c.wait(late); !errors.Is(err, errStoreClosed) {
		t.Fatalf("wait after close: %v, want %v", err, errStoreClosed)
	}
	if err := c.flush(late); !errors.Is(err, errStoreClosed) {
		t.Fatalf("flush after close: %v, want %v", err, errStoreClosed)
	}
	c.ks.Lock()
	left := c.open.Len()
	c.ks.Unlock()
	if left != 0 || st.count() != 5 {
		t.Fatalf("after a late command: %d ops open, %d applied; want 0 and 5", left, st.count())
	}
}

// TestCommitLandFlights checks which flights a returned sync makes
// durable: a synced batch covers every flight before it, an empty flight
// (which the store never saw) only once every flight before it is durable.
func TestCommitLandFlights(t *testing.T) {
	type fl struct {
		last          uint64
		empty, synced bool
	}
	tests := []struct {
		name    string
		flights []fl
		durable uint64 // after landLocked
		left    int    // flights not closed
	}{
		{"none synced", []fl{{3, false, false}, {5, false, false}}, 0, 2},
		{"first synced", []fl{{3, false, true}, {5, false, false}}, 3, 1},
		{"later sync covers earlier", []fl{{3, false, false}, {5, false, true}}, 5, 0},
		{"empty behind unsynced", []fl{{3, false, false}, {4, true, true}}, 0, 2},
		{"empty behind synced", []fl{{3, false, true}, {4, true, true}, {6, false, false}}, 4, 1},
		{"empty first", []fl{{2, true, true}, {3, false, false}}, 2, 1},
		{"sync past empty", []fl{{2, false, false}, {3, true, true}, {5, false, true}, {6, true, false}}, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &committer{}
			var all []*flight
			for _, f := range tt.flights {
				nf := newFlight()
				nf.last, nf.empty, nf.synced = f.last, f.empty, f.synced
				all = append(all, nf)
			}
			c.flights = append([]*flight(nil), all...)
			c.mu.Lock()
			c.landLocked()
			c.mu.Unlock()
			if got := c.durable.Load(); got != tt.durable {
				t.Errorf("durable = %d, want %d", got, tt.durable)
			}
			if len(c.flights) != tt.left {
				t.Fatalf("%d flights left, want %d", len(c.flights), tt.left)
			}
			for i, f := range all {
				closed := false
				select {
				case <-f.done:
					closed = true
				default:
				}
				if want := i < len(all)-tt.left; closed != want {
					t.Errorf("flight %d (last %d): closed %v, want %v", i, f.last, closed, want)
				}
				if closed && f.last > c.durable.Load() {
					t.Errorf("flight %d closed with last %d beyond durable %d", i, f.last, c.durable.Load())
				}
			}
		})
	}
}

// TestCommitAlwaysFailureWakesAll checks that under always a failed apply
// fails the wait of every reply queued behind it — the claimer's and those
// waiting on the flight it was to take — and that none is left waiting.
func TestCommitAlwaysFailureWakesAll(t *testing.T) {
	st := newGatedStore(persist.Always, false)
	var reported atomic.Int32
	c := testCommitter(st, func(error) { reported.Add(1) }, commitTiming{})
	defer c.close()
	var next int64
	first := waitDone(c, enqueueOps(c, 1, &next)) // leads, stalls in Apply
	if !stillWaiting(first) {
		t.Fatal("a reply left before its batch was applied")
	}
	var later []<-chan error
	for range 6 {
		later = append(later, waitDone(c, enqueueOps(c, 1, &next)))
	}
	time.Sleep(20 * time.Millisecond) // let them reach their waits
	boom := errors.New("disk on fire")
	st.fail.Store(&boom)
	st.open()
	for i, ch := range append([]<-chan error{first}, later...) {
		select {
		case err := <-ch:
			if !errors.Is(err, boom) {
				t.Errorf("wait %d: %v, want %v", i, err, boom)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("wait %d still blocked after the store failed", i)
		}
	}
	if reported.Load() != 1 {
		t.Errorf("failure reported %d times, want once", reported.Load())
	}
}

// TestCommitAlwaysPebbleWaiters runs many writers against the Pebble store
// under always, where the claimer waits for the sync running before it
// takes the queue: every wait must return, with its sequence durable, and
// every op must reach the store.
func TestCommitAlwaysPebbleWaiters(t *testing.T) {
	pebbleWriters(t, 16, 50, func(c *committer, seq uint64) error { return c.wait(seq) })
}

// pebbleWriters runs writers goroutines that each enqueue cmds commands on
// a committer over a real store under always and wait for each with
// waitFn; every wait must return with its sequence durable, and close must
// leave everything durable.
func pebbleWriters(t *testing.T, writers, cmds int, waitFn func(c *committer, seq uint64) error) {
	t.Helper()
	store, err := persist.Open(t.TempDir(), persist.Options{Fsync: persist.Always})
	if err != nil {
		t.Fatal(err)
	}
	c := testCommitter(store, nil, commitTiming{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range cmds {
				c.ks.Lock()
				c.open.Add(persist.Op{Kind: persist.KeyPut, Key: "k" + strconv.Itoa(w*cmds+i), UID: uint64(w*cmds + i + 1)})
				seq := c.enqueue()
				c.ks.Unlock()
				if err := waitFn(c, seq); err != nil {
					t.Error(err)
					return
				}
				if d := c.durable.Load(); d < seq {
					t.Errorf("wait for %d returned with durable %d", seq, d)
					return
				}
			}
		})
	}
	wg.Wait()
	c.close()
	if got, want := c.durable.Load(), uint64(writers*cmds); got != want {
		t.Errorf("durable %d after close, want %d", got, want)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
}
