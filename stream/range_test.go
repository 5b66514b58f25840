package stream

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// rangeFixture holds entries 1-0 .. 12-0 plus 12-1 and 12-2, three per
// node, with 5-0 and 9-0 deleted.
func rangeFixture(t *testing.T) *Stream {
	s := checked(t, Config{NodeMaxEntries: 3})
	for i := uint64(1); i <= 12; i++ {
		s.Append(ID{i, 0}, fv("f", fmt.Sprint(i)))
	}
	s.Append(ID{12, 1}, fv("g", "a"))
	s.Append(ID{12, 2}, fv("f", "b"))
	s.Delete(ID{5, 0})
	s.Delete(ID{9, 0})
	mustCheck(t, s)
	return s
}

func collectRange(s *Stream, start, end ID, count int, rev bool) (string, int) {
	var out []string
	fn := func(id ID, f [][]byte) bool {
		out = append(out, id.String())
		return true
	}
	var n int
	if rev {
		n = s.RevRange(end, start, count, fn)
	} else {
		n = s.Range(start, end, count, fn)
	}
	return fmt.Sprint(out), n
}

func TestRange(t *testing.T) {
	s := rangeFixture(t)
	cases := []struct {
		name       string
		start, end ID
		count      int
		fwd, rev   string
	}{
		{"all", Min, Max, 0,
			"[1-0 2-0 3-0 4-0 6-0 7-0 8-0 10-0 11-0 12-0 12-1 12-2]",
			"[12-2 12-1 12-0 11-0 10-0 8-0 7-0 6-0 4-0 3-0 2-0 1-0]"},
		{"count 3", Min, Max, 3, "[1-0 2-0 3-0]", "[12-2 12-1 12-0]"},
		{"count 1", Min, Max, 1, "[1-0]", "[12-2]"},
		{"count above size", Min, Max, 100,
			"[1-0 2-0 3-0 4-0 6-0 7-0 8-0 10-0 11-0 12-0 12-1 12-2]",
			"[12-2 12-1 12-0 11-0 10-0 8-0 7-0 6-0 4-0 3-0 2-0 1-0]"},
		{"negative count is no limit", ID{11, 0}, Max, -1, "[11-0 12-0 12-1 12-2]", "[12-2 12-1 12-0 11-0]"},
		{"inside one node", ID{2, 0}, ID{3, 0}, 0, "[2-0 3-0]", "[3-0 2-0]"},
		{"across nodes", ID{3, 0}, ID{7, 0}, 0, "[3-0 4-0 6-0 7-0]", "[7-0 6-0 4-0 3-0]"},
		{"across nodes with count", ID{3, 0}, ID{11, 0}, 3, "[3-0 4-0 6-0]", "[11-0 10-0 8-0]"},
		{"bounds on tombstones", ID{5, 0}, ID{9, 0}, 0, "[6-0 7-0 8-0]", "[8-0 7-0 6-0]"},
		{"only a tombstone", ID{5, 0}, ID{5, 0}, 0, "[]", "[]"},
		{"single entry", ID{7, 0}, ID{7, 0}, 0, "[7-0]", "[7-0]"},
		{"bounds between IDs", ID{3, 1}, ID{6, 5}, 0, "[4-0 6-0]", "[6-0 4-0]"},
		{"sequences", ID{12, 1}, ID{12, 1}, 0, "[12-1]", "[12-1]"},
		{"ms only end", ID{12, 0}, ID{12, ^uint64(0)}, 0, "[12-0 12-1 12-2]", "[12-2 12-1 12-0]"},
		{"before the first", Min, ID{0, 5}, 0, "[]", "[]"},
		{"after the last", ID{12, 3}, Max, 0, "[]", "[]"},
		{"start after end", ID{7, 0}, ID{3, 0}, 0, "[]", "[]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, n := collectRange(s, c.start, c.end, c.count, false); got != c.fwd || n != countIDs(c.fwd) {
				t.Errorf("Range = %s (%d), want %s", got, n, c.fwd)
			}
			if got, n := collectRange(s, c.start, c.end, c.count, true); got != c.rev || n != countIDs(c.rev) {
				t.Errorf("RevRange = %s (%d), want %s", got, n, c.rev)
			}
		})
	}
}

func countIDs(list string) int {
	n := 0
	for _, c := range list {
		if c == '-' {
			n++
		}
	}
	return n
}

func TestRangeFields(t *testing.T) {
	s := rangeFixture(t)
	var got []string
	s.Range(ID{11, 0}, Max, 0, func(id ID, f [][]byte) bool {
		got = append(got, id.String()+" "+flat(f))
		return true
	})
	want := "[11-0 f=11 12-0 f=12 12-1 g=a 12-2 f=b]"
	if fmt.Sprint(got) != want {
		t.Fatalf("got %v, want %s", got, want)
	}
}

func TestRangeStopsWhenAsked(t *testing.T) {
	s := rangeFixture(t)
	calls := 0
	n := s.Range(Min, Max, 0, func(ID, [][]byte) bool { calls++; return calls < 4 })
	if calls != 4 || n != 4 {
		t.Fatalf("forward: %d calls, returned %d", calls, n)
	}
	calls = 0
	n = s.RevRange(Max, Min, 0, func(ID, [][]byte) bool { calls++; return false })
	if calls != 1 || n != 1 {
		t.Fatalf("reverse: %d calls, returned %d", calls, n)
	}
}

func TestGetAndHas(t *testing.T) {
	s := rangeFixture(t)
	cases := []struct {
		id   ID
		want string
		ok   bool
	}{
		{ID{1, 0}, "f=1", true},
		{ID{12, 1}, "g=a", true},
		{ID{12, 2}, "f=b", true},
		{ID{5, 0}, "", false}, // deleted
		{ID{0, 1}, "", false}, // before the first node
		{ID{3, 1}, "", false}, // between entries
		{ID{13, 0}, "", false},
		{Max, "", false},
	}
	for _, c := range cases {
		f, ok := s.Get(c.id)
		if ok != c.ok || flat(f) != c.want || s.Has(c.id) != c.ok {
			t.Errorf("Get(%v) = %q %v, want %q %v", c.id, flat(f), ok, c.want, c.ok)
		}
	}
}

// TestReadsDoNotAllocate pins that steady-state reads reuse the stream's
// scratch space instead of allocating.
func TestReadsDoNotAllocate(t *testing.T) {
	s := rangeFixture(t)
	fn := func(ID, [][]byte) bool { return true }
	s.Range(Min, Max, 0, fn) // warm the scratch slices
	allocs := testing.AllocsPerRun(100, func() {
		s.Range(ID{3, 0}, ID{11, 0}, 0, fn)
		s.RevRange(Max, Min, 5, fn)
		s.Get(ID{7, 0})
		s.First()
		s.Last()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}

// TestLastLiveID checks LastLiveID against Last while entries are deleted
// from the end, the middle and whole nodes, down to an empty stream.
func TestLastLiveID(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 7))
	for round := range 20 {
		s := checked(t, Config{NodeMaxEntries: 1 + rng.IntN(5)})
		var ids []ID
		for i := range 1 + rng.IntN(60) {
			id := ID{uint64(i + 1), uint64(rng.IntN(3))}
			s.Append(id, fv("f", "v"))
			ids = append(ids, id)
		}
		for len(ids) > 0 {
			want, _, wantOK := s.Last()
			got, ok := s.LastLiveID()
			if got != want || ok != wantOK {
				t.Fatalf("round %d: LastLiveID = %v, %v; Last = %v, %v", round, got, ok, want, wantOK)
			}
			// Delete the last entry half of the time, else a random one.
			i := len(ids) - 1
			if rng.IntN(2) == 0 {
				i = rng.IntN(len(ids))
			}
			s.Delete(ids[i])
			ids = append(ids[:i], ids[i+1:]...)
		}
		if id, ok := s.LastLiveID(); ok {
			t.Fatalf("round %d: empty stream has last live entry %v", round, id)
		}
	}
}
