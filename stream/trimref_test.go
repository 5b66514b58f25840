package stream

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTrimWithZeroHooks: with no hooks, the hooked trims leave the stream
// exactly as the plain ones do, over the cases of TestTrim and with
// tombstones in the way.
func TestTrimWithZeroHooks(t *testing.T) {
	type trimPair struct {
		name  string
		plain func(s *Stream) int64
		hook  func(s *Stream) int64
	}
	var cases []trimPair
	for _, m := range []uint64{0, 5, 10, 20, 25, 30, 35, 40} {
		for _, approx := range []bool{false, true} {
			for _, limit := range []int64{0, 5, 10, 25} {
				cases = append(cases, trimPair{
					fmt.Sprintf("maxlen %d approx %v limit %d", m, approx, limit),
					func(s *Stream) int64 { return s.TrimMaxLen(m, approx, limit) },
					func(s *Stream) int64 { return s.TrimMaxLenWith(m, approx, limit, TrimHooks{}) },
				}, trimPair{
					fmt.Sprintf("minid %d approx %v limit %d", m, approx, limit),
					func(s *Stream) int64 { return s.TrimMinID(ID{m, 0}, approx, limit) },
					func(s *Stream) int64 { return s.TrimMinIDWith(ID{m, 0}, approx, limit, TrimHooks{}) },
				})
			}
		}
	}
	for _, c := range cases {
		for _, holes := range []bool{false, true} {
			a, b := seq(t, 35, 10), seq(t, 35, 10)
			if holes {
				for _, ms := range []uint64{3, 10, 11, 12, 27} {
					a.Delete(ID{ms, 0})
					b.Delete(ID{ms, 0})
				}
			}
			ra, rb := c.plain(a), c.hook(b)
			if ra != rb || a.Len() != b.Len() || a.FirstID() != b.FirstID() || a.Nodes() != b.Nodes() ||
				fmt.Sprint(ids(a)) != fmt.Sprint(ids(b)) {
				t.Errorf("%s holes %v: plain removed %d len %d first %v nodes %d, hooked %d %d %v %d",
					c.name, holes, ra, a.Len(), a.FirstID(), a.Nodes(), rb, b.Len(), b.FirstID(), b.Nodes())
			}
			mustCheck(t, b)
		}
	}
}

// TestTrimWithKeep: kept entries are stepped over, the trim goes on after
// them, and a node holding one is not removed whole.
func TestTrimWithKeep(t *testing.T) {
	keep := func(ms ...uint64) func(ID) bool {
		return func(id ID) bool {
			for _, m := range ms {
				if id == (ID{m, 0}) {
					return true
				}
			}
			return false
		}
	}
	cases := []struct {
		name    string
		trim    func(s *Stream, h TrimHooks) int64
		keep    func(ID) bool
		removed int64
		want    string // the first entries left
		nodes   int
	}{
		{"maxlen skips a kept entry", func(s *Stream, h TrimHooks) int64 { return s.TrimMaxLenWith(30, false, 0, h) },
			keep(2), 5, "[2-0 7-0 8-0]", 4},
		{"maxlen keeps a node with a kept entry", func(s *Stream, h TrimHooks) int64 { return s.TrimMaxLenWith(20, false, 0, h) },
			keep(5), 15, "[5-0 17-0 18-0]", 4},
		{"maxlen 0 keeps only the kept", func(s *Stream, h TrimHooks) int64 { return s.TrimMaxLenWith(0, false, 0, h) },
			keep(5, 33), 33, "[5-0 33-0]", 2},
		{"approx stops at a node with a kept entry", func(s *Stream, h TrimHooks) int64 { return s.TrimMaxLenWith(0, true, 0, h) },
			keep(15), 10, "[11-0 12-0 13-0]", 3},
		{"minid skips a kept entry", func(s *Stream, h TrimHooks) int64 { return s.TrimMinIDWith(ID{15, 0}, false, 0, h) },
			keep(3), 13, "[3-0 15-0 16-0]", 4},
		{"nothing kept", func(s *Stream, h TrimHooks) int64 { return s.TrimMaxLenWith(20, false, 0, h) },
			keep(), 15, "[16-0 17-0 18-0]", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := seq(t, 35, 10)
			var removed []ID
			var dropped []Span
			h := TrimHooks{Keep: c.keep, Removed: func(id ID) { removed = append(removed, id) }, Dropped: func(sp Span) { dropped = append(dropped, sp) }}
			if got := c.trim(s, h); got != c.removed {
				t.Errorf("removed %d, want %d", got, c.removed)
			}
			left := ids(s)
			if len(left) > 3 {
				left = left[:3]
			}
			if fmt.Sprint(left) != c.want || s.Nodes() != c.nodes {
				t.Errorf("left %v nodes %d, want %s %d", left, s.Nodes(), c.want, c.nodes)
			}
			if int64(len(removed)) != c.removed || uint64(35)-s.Len() != uint64(c.removed) {
				t.Errorf("Removed called %d times, len %d, removed %d", len(removed), s.Len(), c.removed)
			}
			for _, id := range removed {
				if s.Has(id) || c.keep(id) {
					t.Errorf("Removed(%v) but it is still there or kept", id)
				}
			}
			for _, sp := range dropped {
				if s.Has(sp.First) {
					t.Errorf("dropped node %v still has its first entry", sp)
				}
			}
			if !s.MaxDeletedID().IsZero() {
				t.Errorf("trim set the max deleted ID to %v", s.MaxDeletedID())
			}
			mustCheck(t, s)
		})
	}
}

// TestTrimWithAbove: entries above Above are kept without asking Keep and
// the trim stops at the first of them.
func TestTrimWithAbove(t *testing.T) {
	s := seq(t, 35, 10)
	asked := 0
	h := TrimHooks{Above: ID{12, 0}, HasAbove: true, Keep: func(id ID) bool {
		asked++
		if !id.Less(ID{13, 0}) {
			t.Errorf("Keep asked about %v, above Above", id)
		}
		return false
	}}
	if got := s.TrimMaxLenWith(0, false, 0, h); got != 12 {
		t.Fatalf("removed %d, want 12", got)
	}
	if s.FirstID() != (ID{13, 0}) || s.Len() != 23 {
		t.Fatalf("first %v len %d", s.FirstID(), s.Len())
	}
	// 1..10 for the first node's whole-node check, then 11 and 12 twice:
	// for the second node's check (stopped at 13) and its entry walk.
	if asked != 14 {
		t.Errorf("Keep asked %d times, want 14", asked)
	}
	mustCheck(t, s)
	// Above below the first entry: nothing goes.
	s2 := seq(t, 5, 10)
	if got := s2.TrimMinIDWith(Max, false, 0, TrimHooks{HasAbove: true}); got != 0 || s2.Len() != 5 {
		t.Fatalf("Above 0-0 removed %d, len %d", got, s2.Len())
	}
}

// TestTrimWithKeepModel compares exact hooked trims on random streams
// (random node sizes, deletions, kept sets and Above bounds) with a naive
// model: walk the live entries in order, stop at the threshold or past
// Above, step over kept ones, remove the rest.
func TestTrimWithKeepModel(t *testing.T) {
	r := rand.New(rand.NewPCG(testSeed(t), 82))
	for round := range 300 {
		n := 1 + r.IntN(40)
		s := seq(t, n, 1+r.IntN(6))
		var live []ID
		for i := 1; i <= n; i++ {
			id := ID{uint64(i), 0}
			if r.IntN(5) == 0 {
				s.Delete(id)
				continue
			}
			live = append(live, id)
		}
		kept := map[ID]bool{}
		for _, id := range live {
			if r.IntN(3) == 0 {
				kept[id] = true
			}
		}
		h := TrimHooks{Keep: func(id ID) bool { return kept[id] }}
		if r.IntN(2) == 0 {
			h.Above, h.HasAbove = ID{uint64(r.IntN(n + 2)), 0}, true
		}
		byLen := r.IntN(2) == 0
		maxLen := uint64(r.IntN(n + 1))
		minID := ID{uint64(r.IntN(n + 2)), 0}
		// The model.
		var want []ID
		left := uint64(len(live))
		stopped := false
		for _, id := range live {
			if !stopped {
				switch {
				case byLen && left <= maxLen, !byLen && !id.Less(minID), h.HasAbove && h.Above.Less(id):
					stopped = true
				case !kept[id]:
					left--
					continue
				}
			}
			want = append(want, id)
		}
		var removed []ID
		h.Removed = func(id ID) { removed = append(removed, id) }
		var got int64
		if byLen {
			got = s.TrimMaxLenWith(maxLen, false, 0, h)
		} else {
			got = s.TrimMinIDWith(minID, false, 0, h)
		}
		left2 := ids(s)
		if fmt.Sprint(left2) != fmt.Sprint(want) || got != int64(len(live)-len(want)) || len(removed) != int(got) {
			t.Fatalf("round %d: byLen %v maxLen %d minID %v above %v/%v kept %v\n live %v\n got %v (removed %d, reported %d)\nwant %v",
				round, byLen, maxLen, minID, h.Above, h.HasAbove, kept, live, left2, got, len(removed), want)
		}
		for _, id := range removed {
			if slices.Contains(want, id) {
				t.Fatalf("round %d: Removed(%v) but it stays", round, id)
			}
		}
		if s.Len() != uint64(len(want)) || (len(want) > 0 && s.FirstID() != want[0]) || (len(want) == 0 && !s.FirstID().IsZero()) {
			t.Fatalf("round %d: len %d first %v, want %d %v", round, s.Len(), s.FirstID(), len(want), want)
		}
		mustCheck(t, s)
	}
}
