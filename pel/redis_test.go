package pel

import (
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// The scenarios below were run against redis-server 7.0.15 (whose PEL
// behaviour 7.4 keeps) and are replayed here through this package's API the
// way the command layer drives it. Times are fixed instead of measured.

// TestRedisForceClaimCounts: XCLAIM ... FORCE on an entry that is not
// pending gives delivery count 2, with JUSTID 1; FORCE on a pending entry
// still honours min-idle-time.
//
//	XADD s 1-0 f v; XADD s 2-0 f v; XGROUP CREATE s g 0
//	XCLAIM s g alice 0 1-0 FORCE          -> 1-0, XPENDING count 2
//	XCLAIM s g alice 0 2-0 FORCE JUSTID   -> 2-0, XPENDING count 1
//	XCLAIM s g bob 100000 1-0 FORCE       -> (empty array), unchanged
func TestRedisForceClaimCounts(t *testing.T) {
	_, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	bob := consumer(t, g, "bob", 0)
	g.Claim(id(1), alice, 10, ClaimOptions{Force: true})
	g.Claim(id(2), alice, 20, ClaimOptions{Force: true, JustID: true})
	if _, err := g.Claim(id(1), bob, 30, ClaimOptions{Force: true, MinIdle: 100000}); err != ErrTooRecent {
		t.Fatalf("FORCE claim of a recent pending entry: %v", err)
	}
	want := []pendingState{{id(1), "alice", 10, 2}, {id(2), "alice", 20, 1}}
	if got := allPending(g); !slices.Equal(got, want) {
		t.Fatalf("PEL %+v, want %+v", got, want)
	}
}

// TestRedisDeliverAfterSetID: entries pending for one consumer are
// reassigned, with count 1, when XGROUP SETID rewinds the group and another
// consumer reads them with '>'.
//
//	XREADGROUP GROUP g carol COUNT 10 STREAMS s >   (1-0 2-0 3-0, two FORCE-claimed by alice)
//	XGROUP SETID s g 0
//	XREADGROUP GROUP g dave COUNT 1 STREAMS s >     -> 1-0 now dave's, count 1
func TestRedisDeliverAfterSetID(t *testing.T) {
	_, g := newTestGroup(t)
	alice := consumer(t, g, "alice", 0)
	carol := consumer(t, g, "carol", 0)
	dave := consumer(t, g, "dave", 0)
	g.Claim(id(1), alice, 5, ClaimOptions{Force: true})
	deliver(t, g, carol, 10, 1, 2, 3)
	// XGROUP SETID s g 0 only moves LastID, which the command layer owns.
	deliver(t, g, dave, 20, 1)
	want := []pendingState{{id(1), "dave", 20, 1}, {id(2), "carol", 10, 1}, {id(3), "carol", 10, 1}}
	if got := allPending(g); !slices.Equal(got, want) {
		t.Fatalf("PEL %+v, want %+v", got, want)
	}
	if s := g.Summary(); !slices.Equal(s.Consumers, []ConsumerCount{{"carol", 2}, {"dave", 1}}) {
		t.Fatalf("summary consumers %+v", s.Consumers)
	}
}

// TestRedisHistoryReplay: a history read bumps time and count of entries
// still in the stream and leaves deleted ones (nil bodies) untouched.
//
//	XADD 1-0 2-0 3-0; XREADGROUP GROUP g a STREAMS s >; XDEL s 2-0
//	XREADGROUP GROUP g a STREAMS s 0        -> 1-0 {f v}, 2-0 nil, 3-0 {f v}
//	XPENDING s g - + 10                      -> counts 2, 1, 2
//	XREADGROUP GROUP g a COUNT 1 STREAMS s 1-5 -> 2-0 nil; counts unchanged
func TestRedisHistoryReplay(t *testing.T) {
	_, g := newTestGroup(t)
	a := consumer(t, g, "a", 0)
	deliver(t, g, a, 100, 1, 2, 3)
	exists := func(x stream.ID) bool { return x != id(2) }
	replay := func(start stream.ID, count int, now int64) []stream.ID {
		var out []stream.ID
		for _, p := range a.Range(nil, Query{Start: start, End: stream.Max, Count: count}) {
			out = append(out, p.ID())
			if exists(p.ID()) {
				if err := g.Redeliver(p, now); err != nil {
					t.Fatal(err)
				}
			}
		}
		return out
	}
	if got := replay(stream.Min, 0, 200); !slices.Equal(got, []stream.ID{id(1), id(2), id(3)}) {
		t.Fatalf("history read returned %v", got)
	}
	want := []pendingState{{id(1), "a", 200, 2}, {id(2), "a", 100, 1}, {id(3), "a", 200, 2}}
	if got := allPending(g); !slices.Equal(got, want) {
		t.Fatalf("after history read %+v, want %+v", got, want)
	}
	if got := replay(stream.ID{Ms: 1, Seq: 5}, 1, 300); !slices.Equal(got, []stream.ID{id(2)}) {
		t.Fatalf("history read from 1-5 returned %v", got)
	}
	if got := allPending(g); !slices.Equal(got, want) {
		t.Fatalf("replaying a deleted entry changed the PEL: %+v", got)
	}
	if a.ActiveTime() != 100 {
		t.Fatal("history reads changed ActiveTime")
	}
}

// TestRedisAutoclaim replays XAUTOCLAIM transcripts: deleted entries are
// removed, reported and counted against COUNT; the scan stops after COUNT*10
// attempts; the cursor is the entry after the last one handled, 0-0 at the
// end.
func TestRedisAutoclaim(t *testing.T) {
	type call struct {
		consumer string
		minIdle  int64
		start    stream.ID
		count    int
		justID   bool
		want     autoclaimResult
	}
	ids := func(ms ...uint64) []stream.ID {
		var out []stream.ID
		for _, m := range ms {
			out = append(out, id(m))
		}
		return out
	}
	tests := []struct {
		name    string
		entries uint64   // 1-0 .. N-0 delivered to "a" at time 0
		deleted []uint64 // XDEL'd afterwards
		calls   []call
		want    []pendingState
	}{
		{
			// XDEL s 1-0 2-0 3-0
			// XAUTOCLAIM s g b 0 0 COUNT 2          -> 3-0, [], [1-0 2-0]
			// XAUTOCLAIM s g b 100000 0 COUNT 1     -> 4-0, [], [3-0]
			// XAUTOCLAIM s g b 0 0 COUNT 1 JUSTID   -> 5-0, [4-0], []
			name: "deleted entries", entries: 6, deleted: []uint64{1, 2, 3},
			calls: []call{
				{"b", 0, stream.Min, 2, false, autoclaimResult{Next: id(3), Deleted: ids(1, 2)}},
				{"b", 100000, stream.Min, 1, false, autoclaimResult{Next: id(4), Deleted: ids(3)}},
				{"b", 0, stream.Min, 1, true, autoclaimResult{Next: id(5), Claimed: ids(4)}},
			},
			want: []pendingState{{id(4), "b", 1000, 1}, {id(5), "a", 0, 1}, {id(6), "a", 0, 1}},
		},
		{
			// 25 entries pending for a.
			// XAUTOCLAIM s g b 100000 0 COUNT 1 JUSTID     -> 11-0, [], []
			// XAUTOCLAIM s g b 100000 20-0 COUNT 1 JUSTID  -> 0-0, [], []
			// XAUTOCLAIM s g b 0 5 COUNT 2 JUSTID          -> 7-0, [5-0 6-0], []
			// XAUTOCLAIM s g b 0 24-0 COUNT 2 JUSTID       -> 0-0, [24-0 25-0], []
			// XAUTOCLAIM s g c 0 (5-0 COUNT 1 JUSTID       -> 7-0, [6-0], []
			name: "attempts and cursor", entries: 25,
			calls: []call{
				{"b", 100000, stream.Min, 1, true, autoclaimResult{Next: id(11)}},
				{"b", 100000, id(20), 1, true, autoclaimResult{}},
				{"b", 0, id(5), 2, true, autoclaimResult{Next: id(7), Claimed: ids(5, 6)}},
				{"b", 0, id(24), 2, true, autoclaimResult{Claimed: ids(24, 25)}},
				{"c", 0, stream.ID{Ms: 5, Seq: 1}, 1, true, autoclaimResult{Next: id(7), Claimed: ids(6)}},
			},
		},
		{
			// (600 ms after delivery) XAUTOCLAIM s g b 500 0 COUNT 10
			//   -> 0-0, [1-0 2-0 3-0], []; XPENDING counts 2
			// XAUTOCLAIM s g c 500 0 COUNT 10 -> 0-0, [], []
			name: "claiming increments the count without JUSTID", entries: 3,
			calls: []call{
				{"b", 500, stream.Min, 10, false, autoclaimResult{Claimed: ids(1, 2, 3)}},
				{"c", 500, stream.Min, 10, false, autoclaimResult{}}, // just claimed: too recent
			},
			want: []pendingState{{id(1), "b", 1000, 2}, {id(2), "b", 1000, 2}, {id(3), "b", 1000, 2}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, g := newTestGroup(t)
			a := consumer(t, g, "a", 0)
			for m := uint64(1); m <= tc.entries; m++ {
				deliver(t, g, a, 0, m)
			}
			exists := func(x stream.ID) bool { return !slices.Contains(tc.deleted, x.Ms) }
			for i, c := range tc.calls {
				to := consumer(t, g, c.consumer, 1000)
				got := autoclaim(g, to, c.minIdle, c.start, c.count, c.justID, 1000, exists)
				if got.Next != c.want.Next || !slices.Equal(got.Claimed, c.want.Claimed) || !slices.Equal(got.Deleted, c.want.Deleted) {
					t.Fatalf("call %d: got %+v, want %+v", i, got, c.want)
				}
			}
			if tc.want != nil {
				if got := allPending(g); !slices.Equal(got, tc.want) {
					t.Fatalf("PEL %+v, want %+v", got, tc.want)
				}
			}
		})
	}
}

// TestRedisDelConsumer: XGROUP DELCONSUMER returns the pending count and the
// entries leave the group PEL.
//
//	(a holds 1-0 2-0, b holds 3-0)  XGROUP DELCONSUMER s g a -> 2
//	XPENDING s g -> 1, 3-0, 3-0, [[b 1]]
func TestRedisDelConsumer(t *testing.T) {
	_, g := newTestGroup(t)
	a := consumer(t, g, "a", 0)
	b := consumer(t, g, "b", 0)
	deliver(t, g, a, 1, 1, 2)
	deliver(t, g, b, 1, 3)
	if n, _ := g.DeleteConsumer("a", nil); n != 2 {
		t.Fatalf("DELCONSUMER dropped %d", n)
	}
	s := g.Summary()
	if s.Count != 1 || s.Min != id(3) || s.Max != id(3) || !slices.Equal(s.Consumers, []ConsumerCount{{"b", 1}}) {
		t.Fatalf("summary %+v", s)
	}
}
