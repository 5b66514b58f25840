package pel

import (
	"errors"
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

func TestGroupsCreateGetDestroy(t *testing.T) {
	gs := &Groups{}
	t.Cleanup(func() {
		if err := gs.Check(); err != nil {
			t.Error(err)
		}
	})
	for _, n := range []string{"b", "a", "B", "ab", "", "\xff", "a\x00"} {
		g, err := gs.Create(n, id(5), UnknownEntriesRead)
		if err != nil {
			t.Fatalf("Create(%q): %v", n, err)
		}
		if g.Name() != n || g.LastID != id(5) || g.EntriesRead != UnknownEntriesRead || g.Destroyed() {
			t.Fatalf("Create(%q) gave %+v", n, g)
		}
	}
	if _, err := gs.Create("a", id(1), 0); !errors.Is(err, ErrGroupExists) {
		t.Fatalf("second Create(a) = %v, want ErrGroupExists", err)
	}
	if gs.Get("a").LastID != id(5) {
		t.Fatal("failed Create changed the existing group")
	}
	var names []string
	for g := range gs.All() {
		names = append(names, g.Name())
	}
	if want := []string{"", "B", "a", "a\x00", "ab", "b", "\xff"}; !slices.Equal(names, want) {
		t.Fatalf("All() order %q, want byte order %q", names, want)
	}
	if gs.Len() != 7 || gs.Get("zz") != nil {
		t.Fatal("Len or Get of a missing group wrong")
	}

	a := gs.Get("a")
	c := consumer(t, a, "alice", 1)
	deliver(t, a, c, 1, 1)
	tests := []struct {
		name string
		want bool
	}{{"a", true}, {"a", false}, {"nope", false}}
	for _, tc := range tests {
		if got := gs.Destroy(tc.name); got != tc.want {
			t.Fatalf("Destroy(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !a.Destroyed() || gs.Get("a") != nil || gs.Len() != 6 {
		t.Fatal("destroyed group still visible")
	}
	// A caller that kept the destroyed group gets errors, not a ghost PEL.
	if _, _, err := a.Deliver(c, id(2), 2); !errors.Is(err, ErrGroupDestroyed) {
		t.Fatalf("Deliver on destroyed group = %v", err)
	}
	if _, err := a.Claim(id(1), c, 2, ClaimOptions{}); !errors.Is(err, ErrGroupDestroyed) {
		t.Fatalf("Claim on destroyed group = %v", err)
	}
	if a.Ack(id(1)) {
		t.Fatal("Ack on destroyed group reported success")
	}
	if c2, _ := a.CreateConsumer("bob", 2); c2 != nil {
		t.Fatal("CreateConsumer on destroyed group returned a consumer")
	}
	if _, err := a.LoadConsumer("bob", 2, 2); !errors.Is(err, ErrGroupDestroyed) {
		t.Fatalf("LoadConsumer on destroyed group = %v", err)
	}
	if err := a.Redeliver(a.Pending(id(1)), 3); !errors.Is(err, ErrGroupDestroyed) {
		t.Fatalf("Redeliver on destroyed group = %v", err)
	}
	// Re-creating the name gives a fresh, empty group.
	a2, err := gs.Create("a", id(0), 0)
	if err != nil || a2 == a || a2.Len() != 0 || a2.NumConsumers() != 0 {
		t.Fatalf("re-created group: %v %+v", err, a2)
	}
}

func TestConsumerCreate(t *testing.T) {
	_, g := newTestGroup(t)
	tests := []struct {
		name        string
		now         int64
		wantCreated bool
		wantSeen    int64
	}{
		{"bob", 100, true, 100},
		{"alice", 200, true, 200},
		{"bob", 300, false, 100}, // existing: clocks untouched
		{"", 400, true, 400},
	}
	for _, tc := range tests {
		c, created := g.CreateConsumer(tc.name, tc.now)
		if created != tc.wantCreated || c.Name() != tc.name || c.SeenTime() != tc.wantSeen ||
			c.ActiveTime() != NeverActive || c.Group() != g || c.Len() != 0 {
			t.Fatalf("CreateConsumer(%q, %d) = %+v, %v", tc.name, tc.now, c, created)
		}
		if g.Consumer(tc.name) != c {
			t.Fatalf("Consumer(%q) does not find it", tc.name)
		}
	}
	if g.NumConsumers() != 3 || g.Consumer("carol") != nil {
		t.Fatal("NumConsumers or missing lookup wrong")
	}
	var names []string
	for c := range g.Consumers() {
		names = append(names, c.Name())
	}
	if !slices.Equal(names, []string{"", "alice", "bob"}) {
		t.Fatalf("Consumers() order %q", names)
	}
	g.Consumer("bob").SetSeenTime(999)
	if g.Consumer("bob").SeenTime() != 999 {
		t.Fatal("SetSeenTime did not stick")
	}
}

func TestLoadConsumerAndPending(t *testing.T) {
	_, g := newTestGroup(t)
	c, err := g.LoadConsumer("carol", 10, 20)
	if err != nil || c.SeenTime() != 10 || c.ActiveTime() != 20 {
		t.Fatalf("LoadConsumer = %+v, %v", c, err)
	}
	if _, err := g.LoadConsumer("carol", 1, 1); !errors.Is(err, ErrConsumerExists) {
		t.Fatalf("duplicate LoadConsumer = %v", err)
	}
	p, err := g.LoadPending(id(7), c, 15, 0)
	if err != nil || stateOf(p) != (pendingState{id(7), "carol", 15, 0}) {
		t.Fatalf("LoadPending = %+v, %v", p, err)
	}
	if c.ActiveTime() != 20 {
		t.Fatal("LoadPending touched the owner's clocks")
	}
	if _, err := g.LoadPending(id(7), c, 1, 1); !errors.Is(err, ErrAlreadyPending) {
		t.Fatalf("duplicate LoadPending = %v", err)
	}
	other := &Consumer{name: "stranger", pel: newPELIndex()}
	if _, err := g.LoadPending(id(8), other, 1, 1); !errors.Is(err, ErrNotMember) {
		t.Fatalf("LoadPending with a foreign owner = %v", err)
	}
}

func TestDeliver(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(g *Group) // runs with alice and bob existing
		to         string
		id         uint64
		now        int64
		wantErr    error
		wantFresh  bool
		want       []pendingState
		wantActive map[string]int64
	}{
		{
			name: "new entry",
			to:   "alice", id: 1, now: 100, wantFresh: true,
			want:       []pendingState{{id(1), "alice", 100, 1}},
			wantActive: map[string]int64{"alice": 100, "bob": NeverActive},
		},
		{
			name: "pending for another consumer is reassigned, count restarts",
			setup: func(g *Group) {
				g.Deliver(g.Consumer("alice"), id(1), 50)
				g.Claim(id(1), g.Consumer("alice"), 60, ClaimOptions{SetRetryCount: true, RetryCount: 9})
			},
			to: "bob", id: 1, now: 100,
			want:       []pendingState{{id(1), "bob", 100, 1}},
			wantActive: map[string]int64{"alice": 60, "bob": 100},
		},
		{
			name: "pending for the same consumer restarts time and count",
			setup: func(g *Group) {
				g.Deliver(g.Consumer("bob"), id(1), 50)
				g.Redeliver(g.Pending(id(1)), 70)
			},
			to: "bob", id: 1, now: 100,
			want:       []pendingState{{id(1), "bob", 100, 1}},
			wantActive: map[string]int64{"alice": NeverActive, "bob": 100},
		},
		{
			name:  "below existing entries",
			setup: func(g *Group) { g.Deliver(g.Consumer("alice"), id(5), 50) },
			to:    "bob", id: 3, now: 100, wantFresh: true,
			want:       []pendingState{{id(3), "bob", 100, 1}, {id(5), "alice", 50, 1}},
			wantActive: map[string]int64{"alice": 50, "bob": 100},
		},
		{
			name:  "deleted consumer",
			setup: func(g *Group) { g.DeleteConsumer("bob", nil) },
			to:    "bob", id: 1, now: 100,
			wantErr: ErrNotMember,
			want:    []pendingState{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, g := newTestGroup(t)
			alice := consumer(t, g, "alice", 0)
			bob := consumer(t, g, "bob", 0)
			if tc.setup != nil {
				tc.setup(g)
			}
			to := map[string]*Consumer{"alice": alice, "bob": bob}[tc.to]
			p, fresh, err := g.Deliver(to, id(tc.id), tc.now)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Deliver error %v, want %v", err, tc.wantErr)
			}
			if fresh != tc.wantFresh {
				t.Fatalf("Deliver fresh = %v, want %v", fresh, tc.wantFresh)
			}
			if err == nil && (p != g.Pending(id(tc.id)) || p.Owner() != to) {
				t.Fatalf("Deliver returned %+v, not the record now pending for %s", p, tc.to)
			}
			if got := allPending(g); !slices.Equal(got, tc.want) {
				t.Fatalf("PEL %+v, want %+v", got, tc.want)
			}
			for n, want := range tc.wantActive {
				if got := to.Group().Consumer(n).ActiveTime(); got != want {
					t.Fatalf("%s ActiveTime %d, want %d", n, got, want)
				}
			}
		})
	}
}

func TestDeliverForeignConsumer(t *testing.T) {
	gs, g := newTestGroup(t)
	h, _ := gs.Create("h", stream.ID{}, 0)
	stranger := consumer(t, h, "alice", 0)
	if _, _, err := g.Deliver(stranger, id(1), 1); !errors.Is(err, ErrNotMember) {
		t.Fatalf("Deliver to another group's consumer = %v", err)
	}
	if _, _, err := g.Deliver(nil, id(1), 1); !errors.Is(err, ErrNotMember) {
		t.Fatalf("Deliver to nil = %v", err)
	}
	if g.Len() != 0 || h.Len() != 0 {
		t.Fatal("failed Deliver left a record")
	}
}

func TestRedeliver(t *testing.T) {
	gs, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	deliver(t, g, alice, 100, 1, 2)
	if err := g.Redeliver(g.Pending(id(1)), 500); err != nil {
		t.Fatal(err)
	}
	want := []pendingState{{id(1), "alice", 500, 2}, {id(2), "alice", 100, 1}}
	if got := allPending(g); !slices.Equal(got, want) {
		t.Fatalf("after Redeliver %+v, want %+v", got, want)
	}
	if alice.ActiveTime() != 100 {
		t.Fatal("a history read counted as activity")
	}
	acked := g.Pending(id(2))
	g.Ack(id(2))
	h, _ := gs.Create("h", stream.ID{}, 0)
	hc := consumer(t, h, "x", 0)
	deliver(t, h, hc, 1, 9)
	tests := []struct {
		name string
		p    *Pending
	}{
		{"acked record", acked},
		{"nil", nil},
		{"another group's record", h.Pending(id(9))},
	}
	for _, tc := range tests {
		if err := g.Redeliver(tc.p, 600); !errors.Is(err, ErrNotPending) {
			t.Fatalf("Redeliver(%s) = %v, want ErrNotPending", tc.name, err)
		}
	}
	if acked.DeliveryCount() != 1 || h.Pending(id(9)).DeliveryCount() != 1 {
		t.Fatal("refused Redeliver changed a record")
	}
}

func TestAck(t *testing.T) {
	_, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	bob := consumer(t, g, "bob", 0)
	deliver(t, g, alice, 1, 1, 3)
	deliver(t, g, bob, 1, 2)
	tests := []struct {
		id   uint64
		want bool
	}{{3, true}, {3, false}, {4, false}, {2, true}, {0, false}}
	for _, tc := range tests {
		p := g.Pending(id(tc.id))
		if got := g.Ack(id(tc.id)); got != tc.want {
			t.Fatalf("Ack(%d) = %v, want %v", tc.id, got, tc.want)
		}
		if tc.want && p.Owner() != nil {
			t.Fatalf("acked record %d still has an owner", tc.id)
		}
	}
	if alice.Len() != 1 || bob.Len() != 0 || g.Len() != 1 || alice.Pending(id(3)) != nil {
		t.Fatalf("after acks: alice %d bob %d group %d", alice.Len(), bob.Len(), g.Len())
	}
}

func TestClaim(t *testing.T) {
	const now = 5000
	tests := []struct {
		name    string
		id      uint64
		to      string
		opt     ClaimOptions
		wantErr error
		want    pendingState // the record afterwards (unchanged on error)
	}{
		{name: "plain", id: 1, to: "bob", want: pendingState{id(1), "bob", now, 2}},
		{name: "same owner", id: 1, to: "alice", want: pendingState{id(1), "alice", now, 2}},
		{name: "idle enough", id: 1, to: "bob", opt: ClaimOptions{MinIdle: 4000}, want: pendingState{id(1), "bob", now, 2}},
		{name: "too recent", id: 1, to: "bob", opt: ClaimOptions{MinIdle: 4001}, wantErr: ErrTooRecent,
			want: pendingState{id(1), "alice", 1000, 1}},
		{name: "justid keeps count", id: 1, to: "bob", opt: ClaimOptions{JustID: true}, want: pendingState{id(1), "bob", now, 1}},
		{name: "retrycount", id: 1, to: "bob", opt: ClaimOptions{SetRetryCount: true, RetryCount: 0}, want: pendingState{id(1), "bob", now, 0}},
		{name: "retrycount beats justid", id: 1, to: "bob", opt: ClaimOptions{SetRetryCount: true, RetryCount: 42, JustID: true},
			want: pendingState{id(1), "bob", now, 42}},
		{name: "time", id: 1, to: "bob", opt: ClaimOptions{SetTime: true, Time: 2000}, want: pendingState{id(1), "bob", 2000, 2}},
		{name: "time zero is kept", id: 1, to: "bob", opt: ClaimOptions{SetTime: true, Time: 0}, want: pendingState{id(1), "bob", 0, 2}},
		{name: "time in the future becomes now", id: 1, to: "bob", opt: ClaimOptions{SetTime: true, Time: now + 1}, want: pendingState{id(1), "bob", now, 2}},
		{name: "negative time becomes now", id: 1, to: "bob", opt: ClaimOptions{SetTime: true, Time: -5}, want: pendingState{id(1), "bob", now, 2}},
		{name: "not pending", id: 9, to: "bob", wantErr: ErrNotPending},
		{name: "force creates with count 2", id: 9, to: "bob", opt: ClaimOptions{Force: true}, want: pendingState{id(9), "bob", now, 2}},
		{name: "force justid creates with count 1", id: 9, to: "bob", opt: ClaimOptions{Force: true, JustID: true},
			want: pendingState{id(9), "bob", now, 1}},
		{name: "force ignores min idle for new records", id: 9, to: "bob", opt: ClaimOptions{Force: true, MinIdle: 1 << 40},
			want: pendingState{id(9), "bob", now, 2}},
		{name: "force respects min idle for pending records", id: 1, to: "bob", opt: ClaimOptions{Force: true, MinIdle: 1 << 40},
			wantErr: ErrTooRecent, want: pendingState{id(1), "alice", 1000, 1}},
		{name: "force with time and retrycount", id: 9, to: "bob", opt: ClaimOptions{Force: true, SetTime: true, Time: 3000, SetRetryCount: true, RetryCount: 5},
			want: pendingState{id(9), "bob", 3000, 5}},
		{name: "deleted consumer", id: 1, to: "gone", wantErr: ErrNotMember, want: pendingState{id(1), "alice", 1000, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, g := newTestGroup(t)
			alice := consumer(t, g, "alice", 0)
			bob := consumer(t, g, "bob", 0)
			gone := consumer(t, g, "gone", 0)
			g.DeleteConsumer("gone", nil)
			deliver(t, g, alice, 1000, 1, 2)
			to := map[string]*Consumer{"alice": alice, "bob": bob, "gone": gone}[tc.to]
			p, err := g.Claim(id(tc.id), to, now, tc.opt)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Claim error %v, want %v", err, tc.wantErr)
			}
			if err == nil {
				if p != g.Pending(id(tc.id)) || stateOf(p) != tc.want {
					t.Fatalf("Claim gave %+v, want %+v", stateOf(p), tc.want)
				}
				if to.ActiveTime() != now {
					t.Fatalf("claimer's ActiveTime %d, want %d", to.ActiveTime(), now)
				}
				return
			}
			if p != nil {
				t.Fatalf("failed Claim returned a record")
			}
			if tc.want.Owner != "" && stateOf(g.Pending(id(tc.id))) != tc.want {
				t.Fatalf("failed Claim changed the record to %+v", stateOf(g.Pending(id(tc.id))))
			}
			if tc.want.Owner == "" && g.Pending(id(tc.id)) != nil {
				t.Fatal("failed Claim created a record")
			}
			if bob.ActiveTime() != NeverActive {
				t.Fatal("failed Claim marked the consumer active")
			}
		})
	}
}

func TestRange(t *testing.T) {
	_, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	bob := consumer(t, g, "bob", 0)
	// alice: 1@100 3@300 5@500; bob: 2@200 4@400 (times are delivery times).
	for ms := uint64(1); ms <= 5; ms++ {
		to := alice
		if ms%2 == 0 {
			to = bob
		}
		deliver(t, g, to, int64(ms*100), ms)
	}
	ids := func(ps []*Pending) []uint64 {
		out := []uint64{}
		for _, p := range ps {
			out = append(out, p.ID().Ms)
		}
		return out
	}
	tests := []struct {
		name     string
		consumer *Consumer
		q        Query
		want     []uint64
	}{
		{"all", nil, Query{Start: stream.Min, End: stream.Max}, []uint64{1, 2, 3, 4, 5}},
		{"inclusive bounds", nil, Query{Start: id(2), End: id(4)}, []uint64{2, 3, 4}},
		{"bounds between IDs", nil, Query{Start: stream.ID{Ms: 1, Seq: 1}, End: stream.ID{Ms: 3, Seq: 7}}, []uint64{2, 3}},
		{"count", nil, Query{Start: stream.Min, End: stream.Max, Count: 2}, []uint64{1, 2}},
		{"count zero means no cap", nil, Query{Start: stream.Min, End: stream.Max, Count: 0}, []uint64{1, 2, 3, 4, 5}},
		{"end before start", nil, Query{Start: id(4), End: id(2)}, []uint64{}},
		{"single", nil, Query{Start: id(3), End: id(3)}, []uint64{3}},
		{"past the end", nil, Query{Start: id(6), End: stream.Max}, []uint64{}},
		{"min idle", nil, Query{Start: stream.Min, End: stream.Max, MinIdle: 300, Now: 600}, []uint64{1, 2, 3}},
		{"min idle with count counts matches only", nil, Query{Start: id(2), End: stream.Max, Count: 1, MinIdle: 300, Now: 600}, []uint64{2}},
		// Redis applies a negative IDLE literally: idle must be >= it.
		{"negative min idle", nil, Query{Start: stream.Min, End: stream.Max, MinIdle: -150, Now: 300}, []uint64{1, 2, 3, 4}},
		{"consumer", alice, Query{Start: stream.Min, End: stream.Max}, []uint64{1, 3, 5}},
		{"consumer bounds and count", bob, Query{Start: id(3), End: stream.Max, Count: 5}, []uint64{4}},
		{"consumer min idle", alice, Query{Start: stream.Min, End: stream.Max, MinIdle: 250, Now: 600}, []uint64{1, 3}},
	}
	for _, tc := range tests {
		var got []*Pending
		if tc.consumer != nil {
			got = tc.consumer.Range(nil, tc.q)
		} else {
			got = g.Range(nil, tc.q)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, ids(got), tc.want)
		}
	}
	// Range appends to dst.
	dst := g.Range(make([]*Pending, 0, 8), Query{Start: id(1), End: id(1)})
	dst = g.Range(dst, Query{Start: id(5), End: id(5)})
	if !slices.Equal(ids(dst), []uint64{1, 5}) {
		t.Fatalf("appending ranges gave %v", ids(dst))
	}
	if p := g.Pending(id(4)); p.Idle(300) != 0 || p.Idle(450) != 50 {
		t.Fatalf("Idle = %d, %d", p.Idle(300), p.Idle(450))
	}
}

func TestSummary(t *testing.T) {
	_, g := newTestGroup(t)
	if s := g.Summary(); s.Count != 0 || s.Consumers != nil {
		t.Fatalf("empty summary %+v", s)
	}
	zed := consumer(t, g, "zed", 0)
	consumer(t, g, "idle", 0)
	amy := consumer(t, g, "amy", 0)
	deliver(t, g, zed, 1, 7, 9)
	deliver(t, g, amy, 1, 3)
	s := g.Summary()
	want := Summary{Count: 3, Min: id(3), Max: id(9), Consumers: []ConsumerCount{{"amy", 1}, {"zed", 2}}}
	if s.Count != want.Count || s.Min != want.Min || s.Max != want.Max || !slices.Equal(s.Consumers, want.Consumers) {
		t.Fatalf("Summary %+v, want %+v", s, want)
	}
}

func TestDeleteConsumer(t *testing.T) {
	_, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	bob := consumer(t, g, "bob", 0)
	deliver(t, g, alice, 1, 5, 1, 3)
	deliver(t, g, bob, 1, 2)
	var dropped []stream.ID
	n, found := g.DeleteConsumer("alice", func(p *Pending) {
		if p.Owner() != nil {
			t.Errorf("dropped record %v still owned", p.ID())
		}
		dropped = append(dropped, p.ID())
	})
	if n != 3 || !found || !slices.Equal(dropped, []stream.ID{id(1), id(3), id(5)}) {
		t.Fatalf("DeleteConsumer = %d, %v, dropped %v", n, found, dropped)
	}
	if g.Consumer("alice") != nil || alice.Group() != nil || alice.Len() != 0 || g.NumConsumers() != 1 {
		t.Fatal("deleted consumer still attached")
	}
	if got := allPending(g); !slices.Equal(got, []pendingState{{id(2), "bob", 1, 1}}) {
		t.Fatalf("group PEL after delete %+v", got)
	}
	tests := []struct {
		name      string
		wantN     int
		wantFound bool
	}{{"alice", 0, false}, {"nobody", 0, false}, {"bob", 1, true}}
	for _, tc := range tests {
		if n, found := g.DeleteConsumer(tc.name, nil); n != tc.wantN || found != tc.wantFound {
			t.Fatalf("DeleteConsumer(%q) = %d, %v", tc.name, n, found)
		}
	}
	// A new consumer of the same name starts afresh.
	a2, created := g.CreateConsumer("alice", 9)
	if !created || a2 == alice || a2.Len() != 0 {
		t.Fatal("re-created consumer is not fresh")
	}
}

func TestConsumersIterationWithChanges(t *testing.T) {
	_, g := newTestGroup(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		consumer(t, g, n, 0)
	}
	var seen []string
	for c := range g.Consumers() {
		seen = append(seen, c.Name())
		if c.Name() == "b" {
			g.DeleteConsumer("c", nil)
			consumer(t, g, "bb", 0)
		}
	}
	if !slices.Equal(seen, []string{"a", "b", "bb", "d"}) {
		t.Fatalf("iteration with changes saw %q", seen)
	}
}

func TestCursor(t *testing.T) {
	_, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	bob := consumer(t, g, "bob", 0)
	deliver(t, g, alice, 1, 10, 20, 30, 40)
	deliver(t, g, bob, 1, 15, 35)
	walk := func(c *Cursor, during func(p *Pending)) []uint64 {
		out := []uint64{}
		for {
			p, ok := c.Next()
			if !ok {
				return out
			}
			out = append(out, p.ID().Ms)
			if during != nil {
				during(p)
			}
		}
	}
	if got := walk(g.Seek(id(16)), nil); !slices.Equal(got, []uint64{20, 30, 35, 40}) {
		t.Fatalf("group Seek(16) walked %v", got)
	}
	if got := walk(alice.Seek(stream.Min), nil); !slices.Equal(got, []uint64{10, 20, 30, 40}) {
		t.Fatalf("consumer walk %v", got)
	}
	// Acking the current record and delivering new ones ahead and behind
	// while walking: the walk continues after the last ID it returned.
	got := walk(g.Seek(stream.Min), func(p *Pending) {
		g.Ack(p.ID())
		if p.ID() == id(20) {
			deliver(t, g, bob, 2, 5, 25)
		}
	})
	if !slices.Equal(got, []uint64{10, 15, 20, 25, 30, 35, 40}) {
		t.Fatalf("walk while acking gave %v", got)
	}
	if got := allPending(g); !slices.Equal(got, []pendingState{{id(5), "bob", 2, 1}}) {
		t.Fatalf("left pending %+v", got)
	}
	c := g.Seek(stream.Max)
	if _, ok := c.Next(); ok {
		t.Fatal("cursor past the end returned a record")
	}
	deliver(t, g, bob, 3, 99)
	if _, ok := c.Next(); ok {
		t.Fatal("exhausted cursor came back to life")
	}
}

func TestClaimPending(t *testing.T) {
	gs, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	bob := consumer(t, g, "bob", 0)
	deliver(t, g, alice, 100, 1, 2, 3)
	acked := g.Pending(id(3))
	g.Ack(id(3))
	h, _ := gs.Create("h", stream.ID{}, 0)
	hc := consumer(t, h, "x", 0)
	deliver(t, h, hc, 100, 1)
	tests := []struct {
		name    string
		p       *Pending
		to      *Consumer
		opt     ClaimOptions
		wantErr error
		want    pendingState
	}{
		{"claims", g.Pending(id(1)), bob, ClaimOptions{}, nil, pendingState{id(1), "bob", 500, 2}},
		{"too recent", g.Pending(id(2)), bob, ClaimOptions{MinIdle: 401}, ErrTooRecent, pendingState{id(2), "alice", 100, 1}},
		{"idle enough, justid", g.Pending(id(2)), bob, ClaimOptions{MinIdle: 400, JustID: true}, nil, pendingState{id(2), "bob", 500, 1}},
		{"acked record", acked, bob, ClaimOptions{}, ErrNotPending, pendingState{id(3), "", 100, 1}},
		{"nil record", nil, bob, ClaimOptions{}, ErrNotPending, pendingState{}},
		{"another group's record", h.Pending(id(1)), bob, ClaimOptions{}, ErrNotPending, pendingState{id(1), "x", 100, 1}},
		{"another group's consumer", g.Pending(id(1)), hc, ClaimOptions{}, ErrNotMember, pendingState{id(1), "bob", 500, 2}},
	}
	for _, tc := range tests {
		err := g.ClaimPending(tc.p, tc.to, 500, tc.opt)
		if !errors.Is(err, tc.wantErr) {
			t.Fatalf("%s: error %v, want %v", tc.name, err, tc.wantErr)
		}
		if tc.p != nil && stateOf(tc.p) != tc.want {
			t.Fatalf("%s: record %+v, want %+v", tc.name, stateOf(tc.p), tc.want)
		}
	}
	if bob.ActiveTime() != 500 || hc.ActiveTime() != 100 {
		t.Fatalf("active times %d %d", bob.ActiveTime(), hc.ActiveTime())
	}
}

func TestAutoClaimRefusals(t *testing.T) {
	gs, g := newTestGroup(t)
	a := consumer(t, g, "a", 0)
	gone := consumer(t, g, "gone", 0)
	g.DeleteConsumer("gone", nil)
	deliver(t, g, a, 0, 1, 2, 3)
	all := func(stream.ID) bool { return true }
	if _, err := g.AutoClaim(gone, stream.Min, 10, 0, false, 5, all); !errors.Is(err, ErrNotMember) {
		t.Fatalf("AutoClaim by a deleted consumer = %v", err)
	}
	// A COUNT whose attempt budget would overflow scans everything.
	r, err := g.AutoClaim(a, stream.Min, int(^uint(0)>>1), 0, true, 5, all)
	if err != nil || len(r.Claimed) != 3 || !r.Next.IsZero() {
		t.Fatalf("AutoClaim with a huge COUNT = %+v, %v", r, err)
	}
	if a.ActiveTime() != 5 {
		t.Fatalf("claimer ActiveTime %d", a.ActiveTime())
	}
	gs.Destroy("g")
	if _, err := g.AutoClaim(a, stream.Min, 10, 0, false, 5, all); !errors.Is(err, ErrGroupDestroyed) {
		t.Fatalf("AutoClaim on a destroyed group = %v", err)
	}
}

// TestLookupBytes checks the lookups by a name given as bytes: they find
// what the string lookups find, keep nothing of the caller's buffer, and
// allocate nothing.
func TestLookupBytes(t *testing.T) {
	gs, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	buf := []byte("alice")
	if got := g.ConsumerBytes(buf); got != alice {
		t.Fatalf("ConsumerBytes(alice) = %v", got)
	}
	if got := gs.GetBytes([]byte(g.Name())); got != g {
		t.Fatalf("GetBytes(%q) = %v", g.Name(), got)
	}
	for _, miss := range [][]byte{nil, {}, []byte("bob"), []byte("alic")} {
		if got := g.ConsumerBytes(miss); got != nil {
			t.Fatalf("ConsumerBytes(%q) = %v", miss, got)
		}
		if got := gs.GetBytes(miss); got != nil {
			t.Fatalf("GetBytes(%q) = %v", miss, got)
		}
	}
	// The buffer is reused for another name: the lookup kept nothing of
	// it, so the tree still finds alice by her name and not by the bytes.
	copy(buf, "bobby")
	if g.ConsumerBytes(buf) != nil || g.Consumer("alice") != alice || alice.Name() != "alice" {
		t.Fatalf("after the buffer changed: ConsumerBytes(bobby) = %v, Consumer(alice) = %v", g.ConsumerBytes(buf), g.Consumer("alice"))
	}
	if n := testing.AllocsPerRun(100, func() { g.ConsumerBytes(buf); gs.GetBytes(buf) }); n != 0 {
		t.Fatalf("lookups by bytes allocate %v times", n)
	}
}
