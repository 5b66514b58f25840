package stream

import (
	"fmt"
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
