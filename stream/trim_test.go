package stream

import (
	"fmt"
	"testing"
)

// TestTrim runs trims on 35 entries 1-0 .. 35-0 in nodes of 10:
// [1..10] [11..20] [21..30] [31..35].
func TestTrim(t *testing.T) {
	cases := []struct {
		name    string
		trim    func(s *Stream) int64
		removed int64
		len     uint64
		first   ID
		nodes   int
	}{
		{"maxlen exact", func(s *Stream) int64 { return s.TrimMaxLen(20, false, 0) }, 15, 20, ID{16, 0}, 3},
		{"maxlen exact at a node boundary", func(s *Stream) int64 { return s.TrimMaxLen(25, false, 0) }, 10, 25, ID{11, 0}, 3},
		{"maxlen approx stops at the boundary", func(s *Stream) int64 { return s.TrimMaxLen(20, true, 0) }, 10, 25, ID{11, 0}, 3},
		{"maxlen approx, nothing whole to drop", func(s *Stream) int64 { return s.TrimMaxLen(30, true, 0) }, 0, 35, ID{1, 0}, 4},
		{"maxlen exact, within the first node", func(s *Stream) int64 { return s.TrimMaxLen(30, false, 0) }, 5, 30, ID{6, 0}, 4},
		{"maxlen not reached", func(s *Stream) int64 { return s.TrimMaxLen(35, false, 0) }, 0, 35, ID{1, 0}, 4},
		{"maxlen above length", func(s *Stream) int64 { return s.TrimMaxLen(100, true, 0) }, 0, 35, ID{1, 0}, 4},
		{"maxlen 0 exact", func(s *Stream) int64 { return s.TrimMaxLen(0, false, 0) }, 35, 0, ID{}, 0},
		{"maxlen 0 approx", func(s *Stream) int64 { return s.TrimMaxLen(0, true, 0) }, 35, 0, ID{}, 0},
		{"limit below the first node", func(s *Stream) int64 { return s.TrimMaxLen(20, true, 5) }, 0, 35, ID{1, 0}, 4},
		{"limit equal to a node", func(s *Stream) int64 { return s.TrimMaxLen(0, true, 10) }, 10, 25, ID{11, 0}, 3},
		{"limit between nodes", func(s *Stream) int64 { return s.TrimMaxLen(0, true, 25) }, 20, 15, ID{21, 0}, 2},
		{"limit with exact stops before the partial node", func(s *Stream) int64 { return s.TrimMaxLen(20, false, 10) }, 10, 25, ID{11, 0}, 3},
		{"default approx limit", func(s *Stream) int64 { return s.TrimMaxLen(0, true, (Config{NodeMaxEntries: 10}).ApproxTrimLimit()) }, 35, 0, ID{}, 0},
		{"minid exact", func(s *Stream) int64 { return s.TrimMinID(ID{15, 0}, false, 0) }, 14, 21, ID{15, 0}, 3},
		{"minid approx", func(s *Stream) int64 { return s.TrimMinID(ID{15, 0}, true, 0) }, 10, 25, ID{11, 0}, 3},
		{"minid at a node's first entry", func(s *Stream) int64 { return s.TrimMinID(ID{21, 0}, false, 0) }, 20, 15, ID{21, 0}, 2},
		{"minid just past a node", func(s *Stream) int64 { return s.TrimMinID(ID{20, 1}, true, 0) }, 20, 15, ID{21, 0}, 2},
		{"minid at a node's last entry", func(s *Stream) int64 { return s.TrimMinID(ID{20, 0}, true, 0) }, 10, 25, ID{11, 0}, 3},
		{"minid approx with limit", func(s *Stream) int64 { return s.TrimMinID(ID{31, 0}, true, 15) }, 10, 25, ID{11, 0}, 3},
		{"minid 0-0", func(s *Stream) int64 { return s.TrimMinID(ID{}, false, 0) }, 0, 35, ID{1, 0}, 4},
		{"minid below everything", func(s *Stream) int64 { return s.TrimMinID(ID{1, 0}, false, 0) }, 0, 35, ID{1, 0}, 4},
		{"minid Max", func(s *Stream) int64 { return s.TrimMinID(Max, false, 0) }, 35, 0, ID{}, 0},
		{"minid past the last", func(s *Stream) int64 { return s.TrimMinID(ID{36, 0}, true, 0) }, 35, 0, ID{}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := seq(t, 35, 10)
			if got := c.trim(s); got != c.removed {
				t.Errorf("removed %d, want %d", got, c.removed)
			}
			if s.Len() != c.len || s.FirstID() != c.first || s.Nodes() != c.nodes {
				t.Errorf("len %d first %v nodes %d, want %d %v %d", s.Len(), s.FirstID(), s.Nodes(), c.len, c.first, c.nodes)
			}
			if s.LastID() != (ID{35, 0}) || s.EntriesAdded() != 35 || !s.MaxDeletedID().IsZero() {
				t.Errorf("trim touched last %v, added %d or max deleted %v", s.LastID(), s.EntriesAdded(), s.MaxDeletedID())
			}
			if got := ids(s); uint64(len(got)) != c.len || (len(got) > 0 && got[0] != c.first) {
				t.Errorf("entries %v", got)
			}
		})
	}
}

// TestTrimCountsLiveEntries: whole-node decisions and LIMIT count a node's
// live entries only, as Redis does, so a node of tombstones and one live
// entry goes for the price of one.
func TestTrimCountsLiveEntries(t *testing.T) {
	s := seq(t, 35, 10)
	for i := uint64(1); i <= 9; i++ {
		s.Delete(ID{i, 0})
	}
	if got := s.TrimMaxLen(25, true, 1); got != 1 {
		t.Fatalf("removed %d, want 1", got)
	}
	if s.Len() != 25 || s.Nodes() != 3 || s.FirstID() != (ID{11, 0}) {
		t.Fatalf("len %d nodes %d first %v", s.Len(), s.Nodes(), s.FirstID())
	}
	if s.MaxDeletedID() != (ID{9, 0}) {
		t.Fatalf("max deleted %v changed by trim", s.MaxDeletedID())
	}
}

// TestTrimKeepsTombstoneNode reproduces a Redis quirk: exact MINID trimming
// leaves a node whose last entry is a tombstone at or above the threshold
// in place with no live entries; the next trim removes it (counting zero).
func TestTrimKeepsTombstoneNode(t *testing.T) {
	s := seq(t, 11, 10) // [1..10] [11]
	s.Delete(ID{10, 0})
	if got := s.TrimMinID(ID{10, 0}, false, 0); got != 9 {
		t.Fatalf("removed %d, want 9", got)
	}
	if s.Nodes() != 2 || s.Len() != 1 || s.FirstID() != (ID{11, 0}) {
		t.Fatalf("nodes %d len %d first %v", s.Nodes(), s.Len(), s.FirstID())
	}
	mustCheck(t, s)
	if got := s.TrimMinID(ID{11, 0}, true, 0); got != 0 {
		t.Fatalf("second trim removed %d, want 0", got)
	}
	if s.Nodes() != 1 {
		t.Fatalf("tombstone node not removed: %d nodes", s.Nodes())
	}
}

// TestTrimEmptyTombstoneTail: the kept node may be the last one, and then
// takes appends until it is full.
func TestTrimEmptyTombstoneTail(t *testing.T) {
	s := seq(t, 3, 10)
	s.Delete(ID{3, 0})
	s.TrimMinID(ID{3, 0}, false, 0)
	if s.Len() != 0 || s.Nodes() != 1 || !s.FirstID().IsZero() {
		t.Fatalf("len %d nodes %d first %v", s.Len(), s.Nodes(), s.FirstID())
	}
	s.Append(ID{4, 0}, fv("f", "v"))
	if s.Nodes() != 1 || s.FirstID() != (ID{4, 0}) || fmt.Sprint(ids(s)) != "[4-0]" {
		t.Fatalf("nodes %d first %v ids %v", s.Nodes(), s.FirstID(), ids(s))
	}
}

// TestAppendThenTrim is XADD with MAXLEN: the new entry may be trimmed at
// once.
func TestAppendThenTrim(t *testing.T) {
	s := checked(t, DefaultConfig)
	s.Append(ID{1, 0}, fv("f", "v1"))
	s.Append(ID{2, 0}, fv("f", "v2"))
	s.TrimMaxLen(0, false, 0)
	if s.Len() != 0 || s.Nodes() != 0 || s.LastID() != (ID{2, 0}) || s.EntriesAdded() != 2 {
		t.Fatalf("len %d nodes %d last %v added %d", s.Len(), s.Nodes(), s.LastID(), s.EntriesAdded())
	}
	s.Append(ID{3, 0}, fv("f", "v3"))
	if s.FirstID() != (ID{3, 0}) || s.Nodes() != 1 {
		t.Fatalf("first %v nodes %d", s.FirstID(), s.Nodes())
	}
}
