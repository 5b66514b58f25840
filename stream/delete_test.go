package stream

import (
	"fmt"
	"testing"
)

// seq builds a stream of entries 1-0 .. n-0 with the given node limit.
func seq(t *testing.T, n int, perNode int) *Stream {
	s := checked(t, Config{NodeMaxEntries: perNode})
	for i := 1; i <= n; i++ {
		s.Append(ID{uint64(i), 0}, fv("f", fmt.Sprint(i)))
	}
	return s
}

func TestDelete(t *testing.T) {
	cases := []struct {
		name      string
		del       []ID
		want      []bool
		ids       string
		first     ID
		maxDel    ID
		nodes     int
		lastAfter ID
	}{
		{"first", []ID{{1, 0}}, []bool{true}, "[2-0 3-0 4-0 5-0 6-0 7-0]", ID{2, 0}, ID{1, 0}, 3, ID{7, 0}},
		{"last", []ID{{7, 0}}, []bool{true}, "[1-0 2-0 3-0 4-0 5-0 6-0]", ID{1, 0}, ID{7, 0}, 2, ID{7, 0}},
		{"middle", []ID{{4, 0}}, []bool{true}, "[1-0 2-0 3-0 5-0 6-0 7-0]", ID{1, 0}, ID{4, 0}, 3, ID{7, 0}},
		{"twice", []ID{{4, 0}, {4, 0}}, []bool{true, false}, "[1-0 2-0 3-0 5-0 6-0 7-0]", ID{1, 0}, ID{4, 0}, 3, ID{7, 0}},
		{"absent", []ID{{0, 1}, {3, 1}, {8, 0}, Max}, []bool{false, false, false, false}, "[1-0 2-0 3-0 4-0 5-0 6-0 7-0]", ID{1, 0}, ID{}, 3, ID{7, 0}},
		{"whole first node", []ID{{1, 0}, {3, 0}, {2, 0}}, []bool{true, true, true}, "[4-0 5-0 6-0 7-0]", ID{4, 0}, ID{3, 0}, 2, ID{7, 0}},
		{"whole middle node", []ID{{5, 0}, {4, 0}, {6, 0}}, []bool{true, true, true}, "[1-0 2-0 3-0 7-0]", ID{1, 0}, ID{6, 0}, 2, ID{7, 0}},
		{"first three then more", []ID{{1, 0}, {2, 0}, {3, 0}, {4, 0}}, []bool{true, true, true, true}, "[5-0 6-0 7-0]", ID{5, 0}, ID{4, 0}, 2, ID{7, 0}},
		{"max deleted only rises", []ID{{6, 0}, {2, 0}}, []bool{true, true}, "[1-0 3-0 4-0 5-0 7-0]", ID{1, 0}, ID{6, 0}, 3, ID{7, 0}},
		{"all", []ID{{7, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}}, []bool{true, true, true, true, true, true, true}, "[]", ID{}, ID{7, 0}, 0, ID{7, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := seq(t, 7, 3) // nodes [1 2 3] [4 5 6] [7]
			for i, id := range c.del {
				if got := s.Delete(id); got != c.want[i] {
					t.Fatalf("Delete(%v) = %v", id, got)
				}
				mustCheck(t, s)
			}
			if got := fmt.Sprint(ids(s)); got != c.ids {
				t.Errorf("ids %s, want %s", got, c.ids)
			}
			if s.FirstID() != c.first || s.MaxDeletedID() != c.maxDel || s.Nodes() != c.nodes || s.LastID() != c.lastAfter {
				t.Errorf("first %v maxdel %v nodes %d last %v", s.FirstID(), s.MaxDeletedID(), s.Nodes(), s.LastID())
			}
			if s.Len() != uint64(countIDs(c.ids)) || s.EntriesAdded() != 7 {
				t.Errorf("len %d added %d", s.Len(), s.EntriesAdded())
			}
		})
	}
}

// TestDeleteTailThenAppend: once the last node is gone, appends go to the
// node before it if that one has room, as Redis appends to whatever node is
// last.
func TestDeleteTailThenAppend(t *testing.T) {
	s := checked(t, Config{NodeMaxEntries: 3})
	s.Append(ID{1, 0}, fv("f", "v"))
	s.Append(ID{2, 0}, fv("f", "v"))
	s.SetConfig(Config{NodeMaxEntries: 2})
	s.Append(ID{3, 0}, fv("f", "v")) // node 1 is full at 2: new node
	if s.Nodes() != 2 {
		t.Fatalf("%d nodes", s.Nodes())
	}
	s.Delete(ID{3, 0})
	s.SetConfig(Config{NodeMaxEntries: 3})
	s.Append(ID{4, 0}, fv("f", "v")) // node 1 has room for a third
	if s.Nodes() != 1 {
		t.Fatalf("%d nodes after refilling the first node", s.Nodes())
	}
	if got := fmt.Sprint(ids(s)); got != "[1-0 2-0 4-0]" {
		t.Fatalf("ids %s", got)
	}
}

// TestDeletedCountTowardsNodeLimit: tombstones take a place in their node,
// as in Redis, so a node of deleted entries still fills up.
func TestDeletedCountTowardsNodeLimit(t *testing.T) {
	s := checked(t, Config{NodeMaxEntries: 3})
	s.Append(ID{1, 0}, fv("f", "v"))
	s.Append(ID{2, 0}, fv("f", "v"))
	s.Delete(ID{2, 0})
	s.Append(ID{3, 0}, fv("f", "v"))
	s.Append(ID{4, 0}, fv("f", "v"))
	if s.Nodes() != 2 {
		t.Fatalf("%d nodes, want 2", s.Nodes())
	}
}

func TestHasTombstonesIn(t *testing.T) {
	s := seq(t, 10, 3)
	if s.HasTombstonesIn(Min, Max) {
		t.Fatal("tombstones before any deletion")
	}
	s.Delete(ID{5, 0})
	cases := []struct {
		start, end ID
		want       bool
	}{
		{Min, Max, true},
		{ID{5, 0}, ID{5, 0}, true},
		{ID{3, 0}, ID{7, 0}, true},
		{ID{6, 0}, Max, false},
		{Min, ID{4, 0}, false},
	}
	for _, c := range cases {
		if got := s.HasTombstonesIn(c.start, c.end); got != c.want {
			t.Errorf("HasTombstonesIn(%v, %v) = %v", c.start, c.end, got)
		}
	}
	// A deletion before the first entry no longer counts.
	s.TrimMinID(ID{6, 0}, false, 0)
	if s.HasTombstonesIn(Min, Max) {
		t.Fatal("tombstone before the first entry still reported")
	}
	// An empty stream has none, whatever the max deleted ID says.
	s.TrimMaxLen(0, false, 0)
	s.SetMaxDeletedID(ID{100, 0})
	if s.HasTombstonesIn(Min, Max) {
		t.Fatal("empty stream reported tombstones")
	}
}

func TestDistanceFromFirstEver(t *testing.T) {
	type q struct {
		id ID
		n  uint64
		ok bool
	}
	cases := []struct {
		name  string
		setup func(s *Stream)
		qs    []q
	}{
		{"never added", func(s *Stream) {}, []q{{ID{5, 0}, 0, true}}},
		{"no tombstones", func(s *Stream) {
			for i := 1; i <= 5; i++ {
				s.Append(ID{uint64(i), 0}, fv("f", "v"))
			}
			s.TrimMaxLen(3, false, 0) // 3-0 .. 5-0 left, 5 added
		}, []q{
			{ID{5, 0}, 5, true},  // the last ID
			{ID{3, 0}, 3, true},  // the first entry
			{ID{2, 0}, 2, true},  // before the first entry
			{ID{4, 0}, 0, false}, // in the middle
			{ID{6, 0}, 0, false}, // in the future
		}},
		{"tombstone ahead", func(s *Stream) {
			for i := 1; i <= 5; i++ {
				s.Append(ID{uint64(i), 0}, fv("f", "v"))
			}
			s.Delete(ID{4, 0})
		}, []q{
			{ID{5, 0}, 5, true},
			{ID{1, 0}, 0, false},
			{Min, 0, false},
		}},
		{"tombstone behind the first entry", func(s *Stream) {
			for i := 1; i <= 5; i++ {
				s.Append(ID{uint64(i), 0}, fv("f", "v"))
			}
			s.Delete(ID{1, 0})
		}, []q{
			{ID{2, 0}, 2, true},
			{ID{1, 0}, 1, true},
		}},
		{"emptied stream", func(s *Stream) {
			s.Append(ID{1, 0}, fv("f", "v"))
			s.Append(ID{2, 0}, fv("f", "v"))
			s.Delete(ID{1, 0})
			s.Delete(ID{2, 0})
		}, []q{
			{ID{2, 0}, 2, true},
			{ID{1, 0}, 2, true},
			{ID{3, 0}, 0, false},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := checked(t, DefaultConfig)
			c.setup(s)
			for _, q := range c.qs {
				n, ok := s.DistanceFromFirstEver(q.id)
				if ok != q.ok || (ok && n != q.n) {
					t.Errorf("DistanceFromFirstEver(%v) = %d %v, want %d %v", q.id, n, ok, q.n, q.ok)
				}
			}
		})
	}
}
