package pel

import (
	"errors"
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// nackQueue returns the IDs of the released records in NACK-queue order.
func nackQueue(g *Group) []stream.ID {
	out := []stream.ID{}
	for p := range g.Nacked {
		out = append(out, p.ID())
	}
	return out
}

func TestNack(t *testing.T) {
	type nack struct {
		ms    uint64
		o     NackOptions
		err   error
		fresh bool
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, g *Group)
		nacks []nack
		after []pendingState // the group PEL afterwards
		queue []stream.ID    // the NACK queue afterwards
		owned map[string]int // each consumer's PEL length afterwards
	}{
		{
			// Redis's documentation example: FAIL keeps the count, the
			// entries become unowned with delivery time 0.
			name: "FAIL keeps the count",
			setup: func(t *testing.T, g *Group) {
				deliver(t, g, consumer(t, g, "c1", 0), 10, 1, 2)
			},
			nacks: []nack{{ms: 1, o: NackOptions{Mode: NackFail}}, {ms: 2, o: NackOptions{Mode: NackFail}}},
			after: []pendingState{{id(1), "", 0, 1}, {id(2), "", 0, 1}},
			queue: []stream.ID{id(1), id(2)},
			owned: map[string]int{"c1": 0},
		},
		{
			name: "SILENT takes one delivery back, never below 0",
			setup: func(t *testing.T, g *Group) {
				c := consumer(t, g, "c1", 0)
				deliver(t, g, c, 10, 1, 2)
				if _, err := g.Claim(id(2), c, 20, ClaimOptions{SetRetryCount: true, RetryCount: 5}); err != nil {
					t.Fatal(err)
				}
			},
			nacks: []nack{
				{ms: 2, o: NackOptions{Mode: NackSilent}},
				{ms: 1, o: NackOptions{Mode: NackSilent}},
				{ms: 1, o: NackOptions{Mode: NackSilent}}, // already released, count 0 stays 0
			},
			after: []pendingState{{id(1), "", 0, 0}, {id(2), "", 0, 4}},
			queue: []stream.ID{id(2), id(1)},
		},
		{
			name: "FATAL sets the largest count, RETRYCOUNT overrides any mode",
			setup: func(t *testing.T, g *Group) {
				deliver(t, g, consumer(t, g, "c1", 0), 10, 1, 2, 3)
			},
			nacks: []nack{
				{ms: 1, o: NackOptions{Mode: NackFatal}},
				{ms: 2, o: NackOptions{Mode: NackFatal, SetRetryCount: true, RetryCount: 7}},
				{ms: 3, o: NackOptions{Mode: NackSilent, SetRetryCount: true, RetryCount: 0}},
			},
			after: []pendingState{{id(1), "", 0, MaxDeliveryCount}, {id(2), "", 0, 7}, {id(3), "", 0, 0}},
			queue: []stream.ID{id(1), id(2), id(3)},
		},
		{
			name: "not pending: skipped without FORCE",
			setup: func(t *testing.T, g *Group) {
				deliver(t, g, consumer(t, g, "c1", 0), 10, 1)
			},
			nacks: []nack{{ms: 9, o: NackOptions{Mode: NackFail}, err: ErrNotPending}},
			after: []pendingState{{id(1), "c1", 10, 1}},
			queue: []stream.ID{},
			owned: map[string]int{"c1": 1},
		},
		{
			// Redis's documentation: FORCE creates the entry with count 0,
			// RETRYCOUNT's value, or LLONG_MAX under FATAL.
			name:  "FORCE creates unowned records",
			setup: func(t *testing.T, g *Group) {},
			nacks: []nack{
				{ms: 1, o: NackOptions{Mode: NackSilent, Force: true}, fresh: true},
				{ms: 2, o: NackOptions{Mode: NackFail, Force: true}, fresh: true},
				{ms: 3, o: NackOptions{Mode: NackFatal, Force: true}, fresh: true},
				{ms: 4, o: NackOptions{Mode: NackFatal, Force: true, SetRetryCount: true, RetryCount: 3}, fresh: true},
			},
			after: []pendingState{{id(1), "", 0, 0}, {id(2), "", 0, 0}, {id(3), "", 0, MaxDeliveryCount}, {id(4), "", 0, 3}},
			queue: []stream.ID{id(1), id(2), id(3), id(4)},
		},
		{
			name: "FORCE on a pending entry releases it",
			setup: func(t *testing.T, g *Group) {
				deliver(t, g, consumer(t, g, "c1", 0), 10, 1)
			},
			nacks: []nack{{ms: 1, o: NackOptions{Mode: NackFail, Force: true}}},
			after: []pendingState{{id(1), "", 0, 1}},
			queue: []stream.ID{id(1)},
		},
		{
			name: "a second release moves the entry to the back of the queue",
			setup: func(t *testing.T, g *Group) {
				deliver(t, g, consumer(t, g, "c1", 0), 10, 1, 2, 3)
			},
			nacks: []nack{
				{ms: 3, o: NackOptions{Mode: NackFail}},
				{ms: 1, o: NackOptions{Mode: NackFail}},
				{ms: 2, o: NackOptions{Mode: NackFail}},
				{ms: 3, o: NackOptions{Mode: NackFail}},
			},
			after: []pendingState{{id(1), "", 0, 1}, {id(2), "", 0, 1}, {id(3), "", 0, 1}},
			queue: []stream.ID{id(1), id(2), id(3)},
		},
		{
			name: "only the named entries leave their owners",
			setup: func(t *testing.T, g *Group) {
				deliver(t, g, consumer(t, g, "a", 0), 10, 1, 2)
				deliver(t, g, consumer(t, g, "b", 0), 20, 3)
			},
			nacks: []nack{{ms: 3, o: NackOptions{Mode: NackFail}}, {ms: 1, o: NackOptions{Mode: NackFail}}},
			after: []pendingState{{id(1), "", 0, 1}, {id(2), "a", 10, 1}, {id(3), "", 0, 1}},
			queue: []stream.ID{id(3), id(1)},
			owned: map[string]int{"a": 1, "b": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, g := newTestGroup(t)
			tt.setup(t, g)
			for _, n := range tt.nacks {
				p, fresh, err := g.Nack(id(n.ms), n.o)
				if !errors.Is(err, n.err) {
					t.Fatalf("Nack(%d) = %v, want %v", n.ms, err, n.err)
				}
				if err == nil && (fresh != n.fresh || !p.Nacked() || p.Owner().Name() != "") {
					t.Fatalf("Nack(%d): fresh %v (want %v), nacked %v, owner %q", n.ms, fresh, n.fresh, p.Nacked(), p.Owner().Name())
				}
			}
			if got := allPending(g); !slices.Equal(got, tt.after) {
				t.Errorf("PEL = %v, want %v", got, tt.after)
			}
			if got := nackQueue(g); !slices.Equal(got, tt.queue) {
				t.Errorf("NACK queue = %v, want %v", got, tt.queue)
			}
			if g.NackedLen() != len(tt.queue) {
				t.Errorf("NackedLen = %d, want %d", g.NackedLen(), len(tt.queue))
			}
			for name, n := range tt.owned {
				if got := g.Consumer(name).Len(); got != n {
					t.Errorf("consumer %q holds %d, want %d", name, got, n)
				}
			}
			if err := g.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The pseudo-consumer of released entries is none of the group's consumers,
// even beside a real consumer called "".
func TestNackUnownedIsNoConsumer(t *testing.T) {
	_, g := newTestGroup(t)
	empty := consumer(t, g, "", 0)
	deliver(t, g, empty, 10, 1, 2)
	if _, _, err := g.Nack(id(1), NackOptions{Mode: NackFail}); err != nil {
		t.Fatal(err)
	}
	if g.NumConsumers() != 1 || g.Consumer("") != empty || empty.Len() != 1 {
		t.Fatalf("consumers %d, Consumer(\"\") is the real one %v, it holds %d", g.NumConsumers(), g.Consumer("") == empty, empty.Len())
	}
	want := Summary{Count: 2, Min: id(1), Max: id(2), Consumers: []ConsumerCount{{"", 1}}}
	if got := g.Summary(); !summaryEqual(got, want) {
		t.Fatalf("Summary = %+v, want %+v", got, want)
	}
	// The pseudo-consumer cannot be used to claim with.
	p := g.Pending(id(1))
	if _, err := g.Claim(id(2), p.Owner(), 20, ClaimOptions{}); !errors.Is(err, ErrNotMember) {
		t.Fatalf("Claim by the pseudo-consumer = %v, want ErrNotMember", err)
	}
	if err := g.Redeliver(p, 20); !errors.Is(err, ErrNotPending) {
		t.Fatalf("Redeliver of a released record = %v, want ErrNotPending", err)
	}
	// Deleting the real "" consumer leaves the released entry alone.
	if n, ok := g.DeleteConsumer("", nil); n != 1 || !ok {
		t.Fatalf("DeleteConsumer = %d %v", n, ok)
	}
	if got := allPending(g); !slices.Equal(got, []pendingState{{id(1), "", 0, 1}}) {
		t.Fatalf("PEL = %v", got)
	}
}

func summaryEqual(a, b Summary) bool {
	return a.Count == b.Count && a.Min == b.Min && a.Max == b.Max && slices.Equal(a.Consumers, b.Consumers)
}

// After a release, every way out of the NACK queue leaves the indexes
// consistent: claims, acknowledgements, redelivery by '>' after SETID.
func TestNackThenLeave(t *testing.T) {
	all := func(stream.ID) bool { return true }
	tests := []struct {
		name  string
		leave func(t *testing.T, g *Group, c *Consumer)
		after []pendingState
		queue []stream.ID
	}{
		{
			name: "XCLAIM takes it whatever min-idle-time, count + 1",
			leave: func(t *testing.T, g *Group, c *Consumer) {
				if _, err := g.Claim(id(2), c, 100, ClaimOptions{MinIdle: 1 << 40}); err != nil {
					t.Fatal(err)
				}
			},
			after: []pendingState{{id(1), "", 0, 1}, {id(2), "c2", 100, 2}, {id(3), "c1", 10, 1}},
			queue: []stream.ID{id(1)},
		},
		{
			name: "XCLAIM TIME 0 keeps the time 0 but not the release",
			leave: func(t *testing.T, g *Group, c *Consumer) {
				if _, err := g.Claim(id(1), c, 100, ClaimOptions{SetTime: true, Time: 0, JustID: true}); err != nil {
					t.Fatal(err)
				}
			},
			after: []pendingState{{id(1), "c2", 0, 1}, {id(2), "", 0, 1}, {id(3), "c1", 10, 1}},
			queue: []stream.ID{id(2)},
		},
		{
			name: "XAUTOCLAIM in ID order with its min-idle-time ignored for released ones",
			leave: func(t *testing.T, g *Group, c *Consumer) {
				r, err := g.AutoClaim(c, stream.Min, 10, 1<<40, false, 100, all)
				if err != nil || len(r.Claimed) != 2 || r.Claimed[0].ID() != id(1) {
					t.Fatalf("AutoClaim = %+v, %v", r, err)
				}
			},
			after: []pendingState{{id(1), "c2", 100, 2}, {id(2), "c2", 100, 2}, {id(3), "c1", 10, 1}},
			queue: []stream.ID{},
		},
		{
			name: "XACK",
			leave: func(t *testing.T, g *Group, c *Consumer) {
				if !g.Ack(id(2)) {
					t.Fatal("Ack of a released entry found nothing")
				}
			},
			after: []pendingState{{id(1), "", 0, 1}, {id(3), "c1", 10, 1}},
			queue: []stream.ID{id(1)},
		},
		{
			name: "redelivered by '>' after XGROUP SETID",
			leave: func(t *testing.T, g *Group, c *Consumer) {
				deliver(t, g, c, 100, 1)
			},
			after: []pendingState{{id(1), "c2", 100, 1}, {id(2), "", 0, 1}, {id(3), "c1", 10, 1}},
			queue: []stream.ID{id(2)},
		},
	}
	for _, tt := range tests {
		for _, withIndex := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				_, g := newTestGroup(t)
				c1, c2 := consumer(t, g, "c1", 0), consumer(t, g, "c2", 0)
				deliver(t, g, c1, 10, 1, 2, 3)
				if withIndex {
					g.timeIndex()
				}
				for _, ms := range []uint64{2, 1} {
					if _, _, err := g.Nack(id(ms), NackOptions{Mode: NackFail}); err != nil {
						t.Fatal(err)
					}
				}
				tt.leave(t, g, c2)
				if got := allPending(g); !slices.Equal(got, tt.after) {
					t.Errorf("PEL = %v, want %v", got, tt.after)
				}
				if got := nackQueue(g); !slices.Equal(got, tt.queue) {
					t.Errorf("NACK queue = %v, want %v", got, tt.queue)
				}
				if err := g.Check(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// XREADGROUP ... CLAIM takes the NACK queue first, in its order and
// whatever min-idle-time, then the idle entries, most idle first.
func TestClaimIdleNackedFirst(t *testing.T) {
	all := func(stream.ID) bool { return true }
	tests := []struct {
		name    string
		minIdle int64
		count   int
		exists  existsFunc
		claimed []claimedView
		deleted []stream.ID
		queue   []stream.ID
	}{
		{
			name: "queue order, then most idle", minIdle: 50, exists: all,
			claimed: []claimedView{{id(4), -1, 1}, {id(2), -1, 0}, {id(1), 90, 1}},
			queue:   []stream.ID{},
		},
		{
			name: "released ones are taken whatever min-idle-time", minIdle: 1 << 40, exists: all,
			claimed: []claimedView{{id(4), -1, 1}, {id(2), -1, 0}},
			queue:   []stream.ID{},
		},
		{
			name: "COUNT stops inside the queue", minIdle: 0, count: 1, exists: all,
			claimed: []claimedView{{id(4), -1, 1}},
			queue:   []stream.ID{id(2)},
		},
		{
			name: "a released entry deleted from the stream is dropped", minIdle: 1 << 40,
			exists:  func(x stream.ID) bool { return x != id(4) },
			claimed: []claimedView{{id(2), -1, 0}},
			deleted: []stream.ID{id(4)},
			queue:   []stream.ID{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, g := newTestGroup(t)
			a, c := consumer(t, g, "a", 0), consumer(t, g, "c", 0)
			deliver(t, g, a, 10, 1, 2)
			deliver(t, g, a, 70, 3, 4)
			for _, n := range []struct {
				ms   uint64
				mode NackMode
			}{{4, NackFail}, {2, NackSilent}} {
				if _, _, err := g.Nack(id(n.ms), NackOptions{Mode: n.mode}); err != nil {
					t.Fatal(err)
				}
			}
			at, ok := g.ClaimableAt(tt.minIdle)
			if !ok || at != 1 {
				t.Fatalf("ClaimableAt = %d %v, want 1 true", at, ok)
			}
			r, err := g.ClaimIdle(c, tt.minIdle, tt.count, 100, tt.exists)
			if err != nil {
				t.Fatal(err)
			}
			got := []claimedView{}
			for _, x := range r.Claimed {
				got = append(got, claimedView{x.P.ID(), x.Idle, x.Count})
				if x.P.Owner() != c || x.P.Nacked() || x.P.DeliveryTime() != 100 {
					t.Errorf("claimed %v: owner %q nacked %v time %d", x.P.ID(), x.P.Owner().Name(), x.P.Nacked(), x.P.DeliveryTime())
				}
			}
			if tt.claimed == nil {
				tt.claimed = []claimedView{}
			}
			if !slices.Equal(got, tt.claimed) {
				t.Errorf("claimed %v, want %v", got, tt.claimed)
			}
			if !slices.Equal(r.Deleted, tt.deleted) {
				t.Errorf("deleted %v, want %v", r.Deleted, tt.deleted)
			}
			if q := nackQueue(g); !slices.Equal(q, tt.queue) {
				t.Errorf("queue %v, want %v", q, tt.queue)
			}
		})
	}
}

// Deliveries never push a count past LLONG_MAX, which FATAL sets.
func TestNackFatalCountSaturates(t *testing.T) {
	_, g := newTestGroup(t)
	c := consumer(t, g, "c", 0)
	deliver(t, g, c, 10, 1)
	if _, _, err := g.Nack(id(1), NackOptions{Mode: NackFatal}); err != nil {
		t.Fatal(err)
	}
	p, err := g.Claim(id(1), c, 20, ClaimOptions{})
	if err != nil || p.DeliveryCount() != MaxDeliveryCount {
		t.Fatalf("Claim: %v, count %d", err, p.DeliveryCount())
	}
	if err := g.Redeliver(p, 30); err != nil || p.DeliveryCount() != MaxDeliveryCount {
		t.Fatalf("Redeliver: %v, count %d", err, p.DeliveryCount())
	}
}

// LoadNacked rebuilds the queue in its saved order whatever the load order,
// Clone copies it, and later releases go behind it.
func TestNackLoadAndClone(t *testing.T) {
	gs, g := newTestGroup(t)
	for _, r := range []struct{ ms, seq, count uint64 }{{1, 9, 2}, {2, 4, 0}, {3, 6, MaxDeliveryCount}} {
		if _, err := g.LoadNacked(id(r.ms), r.seq, r.count); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := g.LoadNacked(id(1), 10, 0); !errors.Is(err, ErrAlreadyPending) {
		t.Fatalf("LoadNacked twice = %v", err)
	}
	for _, seq := range []uint64{0, 6} {
		if _, err := g.LoadNacked(id(7), seq, 0); !errors.Is(err, ErrNackPlace) {
			t.Fatalf("LoadNacked at place %d = %v, want ErrNackPlace", seq, err)
		}
	}
	want := []stream.ID{id(2), id(3), id(1)}
	if got := nackQueue(g); !slices.Equal(got, want) {
		t.Fatalf("queue %v, want %v", got, want)
	}
	c := consumer(t, g, "c", 0)
	deliver(t, g, c, 10, 5)
	p, _, err := g.Nack(id(5), NackOptions{Mode: NackFail})
	if err != nil || p.NackSeq() != 10 {
		t.Fatalf("Nack after load: %v, seq %d", err, p.NackSeq())
	}
	cl := gs.Clone()
	cg := cl.Get("g")
	if got, want := nackQueue(cg), append(want, id(5)); !slices.Equal(got, want) {
		t.Fatalf("cloned queue %v, want %v", got, want)
	}
	if got, want := allPending(cg), allPending(g); !slices.Equal(got, want) {
		t.Fatalf("cloned PEL %v, want %v", got, want)
	}
	if err := cl.Check(); err != nil {
		t.Fatal(err)
	}
	deliver(t, cg, consumer(t, cg, "d", 0), 20, 6)
	if p, _, _ := cg.Nack(id(6), NackOptions{Mode: NackFail}); p.NackSeq() != 11 {
		t.Fatalf("clone's next place %d, want 11", p.NackSeq())
	}
}
