package pel

import (
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// claimedView is one IdleClaim as a comparable value.
type claimedView struct {
	ID    stream.ID
	Idle  int64
	Count uint64
}

func TestClaimIdle(t *testing.T) {
	all := func(stream.ID) bool { return true }
	tests := []struct {
		name    string
		setup   func(t *testing.T, g *Group)
		minIdle int64
		count   int
		now     int64
		exists  existsFunc
		claimed []claimedView
		deleted []stream.ID
		after   []pendingState // the PEL afterwards, in ID order
	}{
		{
			name: "empty PEL",
			setup: func(t *testing.T, g *Group) {
				consumer(t, g, "a", 0)
			},
			minIdle: 0, now: 100, exists: all,
			after: []pendingState{},
		},
		{
			name: "most idle first, ties by ID, any owner",
			setup: func(t *testing.T, g *Group) {
				a, b := consumer(t, g, "a", 0), consumer(t, g, "b", 0)
				deliver(t, g, a, 30, 1)
				deliver(t, g, b, 10, 2, 3)
				deliver(t, g, a, 20, 4)
			},
			minIdle: 50, now: 100, exists: all,
			claimed: []claimedView{{id(2), 90, 1}, {id(3), 90, 1}, {id(4), 80, 1}, {id(1), 70, 1}},
			after: []pendingState{
				{id(1), "c", 100, 2}, {id(2), "c", 100, 2}, {id(3), "c", 100, 2}, {id(4), "c", 100, 2},
			},
		},
		{
			name: "idle threshold is inclusive",
			setup: func(t *testing.T, g *Group) {
				a := consumer(t, g, "a", 0)
				deliver(t, g, a, 50, 1)
				deliver(t, g, a, 51, 2)
			},
			minIdle: 50, now: 100, exists: all,
			claimed: []claimedView{{id(1), 50, 1}},
			after:   []pendingState{{id(1), "c", 100, 2}, {id(2), "a", 51, 1}},
		},
		{
			name: "count limits the claims",
			setup: func(t *testing.T, g *Group) {
				a := consumer(t, g, "a", 0)
				deliver(t, g, a, 3, 1)
				deliver(t, g, a, 2, 2)
				deliver(t, g, a, 1, 3)
			},
			minIdle: 1, count: 2, now: 10, exists: all,
			claimed: []claimedView{{id(3), 9, 1}, {id(2), 8, 1}},
			after:   []pendingState{{id(1), "a", 3, 1}, {id(2), "c", 10, 2}, {id(3), "c", 10, 2}},
		},
		{
			name: "min idle 0 claims everything once, even records delivered now",
			setup: func(t *testing.T, g *Group) {
				a := consumer(t, g, "a", 0)
				deliver(t, g, a, 10, 1, 2)
			},
			minIdle: 0, now: 10, exists: all,
			claimed: []claimedView{{id(1), 0, 1}, {id(2), 0, 1}},
			after:   []pendingState{{id(1), "c", 10, 2}, {id(2), "c", 10, 2}},
		},
		{
			name: "deleted entries leave the PEL and do not count",
			setup: func(t *testing.T, g *Group) {
				a := consumer(t, g, "a", 0)
				deliver(t, g, a, 1, 1, 2, 3)
			},
			minIdle: 5, count: 1, now: 10,
			exists:  func(i stream.ID) bool { return i != id(1) && i != id(2) },
			claimed: []claimedView{{id(3), 9, 1}},
			deleted: []stream.ID{id(1), id(2)},
			after:   []pendingState{{id(3), "c", 10, 2}},
		},
		{
			name: "the claimer's own records are claimed again",
			setup: func(t *testing.T, g *Group) {
				c := consumer(t, g, "c", 0)
				deliver(t, g, c, 1, 1)
			},
			minIdle: 5, now: 10, exists: all,
			claimed: []claimedView{{id(1), 9, 1}},
			after:   []pendingState{{id(1), "c", 10, 2}},
		},
		{
			name: "huge min idle claims nothing",
			setup: func(t *testing.T, g *Group) {
				a := consumer(t, g, "a", 0)
				deliver(t, g, a, 1, 1)
			},
			minIdle: 1<<63 - 1, now: 10, exists: all,
			after: []pendingState{{id(1), "a", 1, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, g := newTestGroup(t)
			tt.setup(t, g)
			c := consumer(t, g, "c", 0)
			res, err := g.ClaimIdle(c, tt.minIdle, tt.count, tt.now, tt.exists)
			if err != nil {
				t.Fatal(err)
			}
			var got []claimedView
			for _, x := range res.Claimed {
				if x.P.Owner() != c {
					t.Errorf("%v not owned by the claimer", x.P.ID())
				}
				got = append(got, claimedView{x.P.ID(), x.Idle, x.Count})
			}
			if !slices.Equal(got, tt.claimed) {
				t.Errorf("claimed %v, want %v", got, tt.claimed)
			}
			if !slices.Equal(res.Deleted, tt.deleted) {
				t.Errorf("deleted %v, want %v", res.Deleted, tt.deleted)
			}
			if a := allPending(g); !slices.Equal(a, tt.after) {
				t.Errorf("PEL afterwards %v, want %v", a, tt.after)
			}
			if len(tt.claimed) > 0 && c.ActiveTime() != tt.now {
				t.Errorf("claimer's ActiveTime %d, want %d", c.ActiveTime(), tt.now)
			}
			if !g.HasTimeIndex() {
				t.Error("no time index after ClaimIdle")
			}
		})
	}
}

// TestTimeIndexMaintained checks that the lazily built index follows every
// kind of change once it exists (the Check at the test's end compares it
// with the PEL), and that groups that never claim idle entries have none.
func TestTimeIndexMaintained(t *testing.T) {
	_, g := newTestGroup(t)
	a, b := consumer(t, g, "a", 0), consumer(t, g, "b", 0)
	deliver(t, g, a, 1, 1, 2, 3, 4, 5, 6)
	if g.HasTimeIndex() {
		t.Fatal("time index built without a CLAIM read")
	}
	if at, ok := g.ClaimableAt(10); !ok || at != 11 {
		t.Fatalf("ClaimableAt(10) = %d, %v; want 11, true", at, ok)
	}
	step := func(what string, f func()) {
		t.Helper()
		f()
		if err := g.Check(); err != nil {
			t.Fatalf("after %s: %v", what, err)
		}
	}
	step("deliver", func() { deliver(t, g, b, 2, 7) })
	step("redeliver", func() { _ = g.Redeliver(g.Pending(id(1)), 5) })
	step("claim with time", func() { _, _ = g.Claim(id(2), b, 6, ClaimOptions{SetTime: true, Time: 0}) })
	step("claim force", func() { _, _ = g.Claim(id(9), b, 6, ClaimOptions{Force: true}) })
	step("ack", func() { g.Ack(id(3)) })
	step("redeliver after setid", func() { deliver(t, g, a, 7, 4) })
	step("autoclaim", func() {
		_, _ = g.AutoClaim(b, stream.Min, 2, 0, false, 8, func(i stream.ID) bool { return i != id(5) })
	})
	step("delete consumer", func() { g.DeleteConsumer("a", nil) })
	if at, ok := g.ClaimableAt(10); !ok || at != 12 {
		// Left: 1 and 2 (autoclaimed at 8), 7 (delivered at 2), 9 (forced at 6).
		t.Fatalf("ClaimableAt(10) = %d, %v; want 12, true", at, ok)
	}
	c := consumer(t, g, "c", 0)
	res, err := g.ClaimIdle(c, 0, 0, 9, func(stream.ID) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Claimed) != g.Len() {
		t.Errorf("claimed %d of %d", len(res.Claimed), g.Len())
	}
	if _, ok := (&Group{pel: newPELIndex()}).ClaimableAt(0); ok {
		t.Error("ClaimableAt on an empty PEL reported a time")
	}
}

func TestClaimIdleRefusals(t *testing.T) {
	gs, g := newTestGroup(t)
	c := consumer(t, g, "c", 0)
	other, _ := gs.Create("other", stream.ID{}, 0)
	if _, err := other.ClaimIdle(c, 0, 0, 1, func(stream.ID) bool { return true }); err != ErrNotMember {
		t.Errorf("foreign consumer: %v, want ErrNotMember", err)
	}
	gs.Destroy("g")
	if _, err := g.ClaimIdle(c, 0, 0, 1, func(stream.ID) bool { return true }); err != ErrGroupDestroyed {
		t.Errorf("destroyed group: %v, want ErrGroupDestroyed", err)
	}
}
