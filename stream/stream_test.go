package stream

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// fv builds a field list from alternating names and values.
func fv(kv ...string) [][]byte {
	out := make([][]byte, len(kv))
	for i, s := range kv {
		out[i] = []byte(s)
	}
	return out
}

// flat joins fields for comparison: "name=value name=value".
func flat(fields [][]byte) string {
	var b strings.Builder
	for i := 0; i+1 < len(fields); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", fields[i], fields[i+1])
	}
	return b.String()
}

// ids lists the live IDs of s in order.
func ids(s *Stream) []ID {
	var out []ID
	s.Range(Min, Max, 0, func(id ID, _ [][]byte) bool {
		out = append(out, id)
		return true
	})
	return out
}

func TestAppendMetadata(t *testing.T) {
	s := checked(t, DefaultConfig)
	if s.Len() != 0 || s.Nodes() != 0 || !s.LastID().IsZero() || !s.FirstID().IsZero() || s.EntriesAdded() != 0 {
		t.Fatal("new stream not empty")
	}
	if _, _, ok := s.First(); ok {
		t.Fatal("First on empty stream")
	}
	if _, _, ok := s.Last(); ok {
		t.Fatal("Last on empty stream")
	}
	s.Append(ID{5, 1}, fv("f", "v1"))
	s.Append(ID{5, 2}, fv("f", "v2"))
	s.Append(ID{7, 0}, fv("g", "v3", "h", "v4"))
	mustCheck(t, s)
	if s.Len() != 3 || s.EntriesAdded() != 3 || s.LastID() != (ID{7, 0}) || s.FirstID() != (ID{5, 1}) {
		t.Fatalf("len %d added %d last %v first %v", s.Len(), s.EntriesAdded(), s.LastID(), s.FirstID())
	}
	if id, f, ok := s.First(); !ok || id != (ID{5, 1}) || flat(f) != "f=v1" {
		t.Fatalf("First %v %q %v", id, flat(f), ok)
	}
	if id, f, ok := s.Last(); !ok || id != (ID{7, 0}) || flat(f) != "g=v3 h=v4" {
		t.Fatalf("Last %v %q %v", id, flat(f), ok)
	}
	if s.Nodes() != 1 {
		t.Fatalf("%d nodes, want 1", s.Nodes())
	}
}

// TestAppendCopies pins that Append does not keep the caller's buffers.
func TestAppendCopies(t *testing.T) {
	s := checked(t, DefaultConfig)
	buf := fv("field", "value")
	s.Append(ID{1, 0}, buf)
	copy(buf[0], "XXXXX")
	copy(buf[1], "YYYYY")
	if f, _ := s.Get(ID{1, 0}); flat(f) != "field=value" {
		t.Fatalf("entry changed with the caller's buffer: %q", flat(f))
	}
}

func TestAppendPanicsOnBadInput(t *testing.T) {
	cases := []struct {
		name   string
		id     ID
		fields [][]byte
	}{
		{"zero ID", ID{0, 0}, fv("f", "v")},
		{"equal to last", ID{3, 3}, fv("f", "v")},
		{"below last", ID{3, 2}, fv("f", "v")},
		{"no fields", ID{9, 0}, nil},
		{"odd fields", ID{9, 0}, fv("f", "v", "g")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(DefaultConfig)
			if c.name != "zero ID" {
				s.Append(ID{3, 3}, fv("f", "v"))
			}
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
				mustCheck(t, s)
			}()
			s.Append(c.id, c.fields)
		})
	}
}

// TestFieldSharing mixes entries whose names match the master's with
// entries whose names differ in count, order, spelling or length, and
// checks that each reads back exactly.
func TestFieldSharing(t *testing.T) {
	s := checked(t, DefaultConfig)
	entries := [][]string{
		{"a", "1", "b", "2"},
		{"a", "3", "b", "4"},            // same names
		{"b", "5", "a", "6"},            // same names, other order
		{"a", "7"},                      // fewer
		{"a", "8", "b", "9", "c", "10"}, // more
		{"a", "", "bb", "x"},            // a name longer by one
		{"a", "11", "b", "12"},          // same again after different ones
		{"", "empty name", "b", ""},     // empty name and value
		{"a", "a", "a", "a"},            // repeated name
	}
	for i, kv := range entries {
		s.Append(ID{1, uint64(i + 1)}, fv(kv...))
	}
	if s.Nodes() != 1 {
		t.Fatalf("%d nodes", s.Nodes())
	}
	for i, kv := range entries {
		f, ok := s.Get(ID{1, uint64(i + 1)})
		if !ok || flat(f) != flat(fv(kv...)) {
			t.Errorf("entry %d: %q, want %q", i+1, flat(f), flat(fv(kv...)))
		}
	}
	// Sharing is used exactly for entries 1, 2 and 7 (Check verifies that
	// no other entry repeats the master's names unshared).
	n := s.tail
	nf := n.masterCount()
	var shared []int
	i := 0
	for off := int(n.first); off < len(n.buf); i++ {
		e := n.decode(off, nf)
		if e.flags&flagSame != 0 {
			shared = append(shared, i+1)
		}
		off = e.next
	}
	if fmt.Sprint(shared) != "[1 2 7]" {
		t.Fatalf("shared-name entries %v, want [1 2 7]", shared)
	}
}

func TestNextID(t *testing.T) {
	max := ^uint64(0)
	cases := []struct {
		name   string
		last   ID
		now    uint64
		want   ID
		wantOK bool
	}{
		{"empty stream", ID{}, 1000, ID{1000, 0}, true},
		{"clock ahead", ID{999, 7}, 1000, ID{1000, 0}, true},
		{"same ms", ID{1000, 7}, 1000, ID{1000, 8}, true},
		{"clock behind", ID{2000, 7}, 1000, ID{2000, 8}, true},
		{"seq exhausted carries", ID{2000, max}, 1000, ID{2001, 0}, true},
		{"at Max", Max, 1000, ID{}, false},
		{"now at max ms", ID{5, 5}, max, ID{max, 0}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(DefaultConfig)
			s.SetLastID(c.last)
			got, ok := s.NextID(c.now)
			if ok != c.wantOK || (ok && got != c.want) {
				t.Fatalf("NextID = %v %v, want %v %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}

func TestNextSeq(t *testing.T) {
	max := ^uint64(0)
	cases := []struct {
		name   string
		last   ID
		ms     uint64
		want   ID
		wantOK bool
	}{
		{"empty stream ms 0", ID{}, 0, ID{0, 1}, true},
		{"empty stream", ID{}, 5, ID{5, 0}, true},
		{"later ms", ID{5, 9}, 6, ID{6, 0}, true},
		{"same ms", ID{5, 9}, 5, ID{5, 10}, true},
		{"earlier ms", ID{5, 9}, 4, ID{}, false},
		{"seq exhausted", ID{5, max}, 5, ID{}, false},
		{"max ms", ID{5, 9}, max, ID{max, 0}, true},
		{"Max", Max, max, ID{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(DefaultConfig)
			s.SetLastID(c.last)
			got, ok := s.NextSeq(c.ms)
			if ok != c.wantOK || (ok && got != c.want) {
				t.Fatalf("NextSeq = %v %v, want %v %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}

// TestExtremeIDs stores the smallest and largest possible IDs and IDs whose
// deltas from the master need the widest encodings.
func TestExtremeIDs(t *testing.T) {
	max := ^uint64(0)
	s := checked(t, Config{NodeMaxEntries: 3})
	all := []ID{{0, 1}, {0, 2}, {0, max}, {1, 0}, {max / 2, 3}, {max - 1, max}, {max, 0}, {max, max - 1}, Max}
	for i, id := range all {
		s.Append(id, fv("f", fmt.Sprint(i)))
		mustCheck(t, s)
	}
	if got := fmt.Sprint(ids(s)); got != fmt.Sprint(all) {
		t.Fatalf("ids %s, want %v", got, all)
	}
	for i, id := range all {
		if f, ok := s.Get(id); !ok || string(f[1]) != fmt.Sprint(i) {
			t.Fatalf("Get %v: %q %v", id, flat(f), ok)
		}
	}
	var rev []ID
	s.RevRange(Max, Min, 0, func(id ID, _ [][]byte) bool { rev = append(rev, id); return true })
	for i := range rev {
		if rev[i] != all[len(all)-1-i] {
			t.Fatalf("reverse order %v", rev)
		}
	}
	if _, ok := s.NextID(0); ok {
		t.Fatal("NextID after Max succeeded")
	}
	if _, ok := s.NextSeq(max); ok {
		t.Fatal("NextSeq after Max succeeded")
	}
	if !s.Delete(Max) || !s.Delete(ID{0, 1}) || s.FirstID() != (ID{0, 2}) {
		t.Fatalf("delete at the extremes: first %v", s.FirstID())
	}
}

// TestNodeSplitting checks where nodes split under each limit. The
// expected node counts are what redis-server 7.0.15 reports as
// radix-tree-keys for the same appends and settings.
func TestNodeSplitting(t *testing.T) {
	x100 := strings.Repeat("x", 100)
	cases := []struct {
		name      string
		cfg       Config
		n         int
		fields    func(i int) []string
		wantNodes int
	}{
		{"entries limit", Config{NodeMaxEntries: 100, NodeMaxBytes: 0}, 1000, func(int) []string { return []string{"f", "v"} }, 10},
		{"entries limit 1", Config{NodeMaxEntries: 1, NodeMaxBytes: 0}, 7, func(int) []string { return []string{"f", "v"} }, 7},
		{"no limits", Config{}, 5000, func(int) []string { return []string{"f", x100} }, 1},
		{"bytes limit, strings", Config{NodeMaxEntries: 0, NodeMaxBytes: 100}, 10, func(int) []string { return []string{"f", "aaaaaaaaaa"} }, 3},
		{"bytes limit, integers", Config{NodeMaxEntries: 0, NodeMaxBytes: 100}, 30, func(int) []string { return []string{"f", "12345"} }, 5},
		{"bytes limit, other names", Config{NodeMaxEntries: 0, NodeMaxBytes: 100}, 10, func(i int) []string {
			if i%2 == 0 {
				return []string{"g", "aaaaaaaaaa"}
			}
			return []string{"f", "aaaaaaaaaa"}
		}, 3},
		{"defaults, 100-byte values", DefaultConfig, 1000, func(int) []string { return []string{"f", x100} }, 28},
		{"byte limit below one entry", Config{NodeMaxEntries: 100, NodeMaxBytes: 1}, 5, func(int) []string { return []string{"f", "v"} }, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := checked(t, c.cfg)
			for i := 1; i <= c.n; i++ {
				s.Append(ID{uint64(i), 0}, fv(c.fields(i)...))
			}
			if s.Nodes() != c.wantNodes {
				t.Fatalf("%d nodes, want %d", s.Nodes(), c.wantNodes)
			}
			if s.Len() != uint64(c.n) {
				t.Fatalf("len %d", s.Len())
			}
		})
	}
}

// TestRadixNodes compares RadixNodes with what redis-server 7.0.15 reports
// as radix-tree-nodes for the same node keys.
func TestRadixNodes(t *testing.T) {
	cases := []struct {
		n, maxEntries, want int
	}{
		{0, 100, 1}, // head node only
		{1, 100, 2},
		{1000, 100, 26},
		{1000, 1, 2006},
		{10, 1, 22},
	}
	for _, c := range cases {
		s := checked(t, Config{NodeMaxEntries: c.maxEntries})
		for i := 1; i <= c.n; i++ {
			s.Append(ID{uint64(i), 0}, fv("f", "v"))
		}
		if got := s.RadixNodes(); got != c.want {
			t.Errorf("%d entries, %d per node: RadixNodes %d, want %d", c.n, c.maxEntries, got, c.want)
		}
	}
}

// TestSetConfig pins that new limits apply from the next append on, to the
// last node too, as Redis consults its settings at each append.
func TestSetConfig(t *testing.T) {
	s := checked(t, Config{NodeMaxEntries: 10})
	for i := 1; i <= 5; i++ {
		s.Append(ID{uint64(i), 0}, fv("f", "v"))
	}
	s.SetConfig(Config{NodeMaxEntries: 3})
	s.Append(ID{6, 0}, fv("f", "v"))
	if s.Nodes() != 2 {
		t.Fatalf("%d nodes after lowering the limit, want 2", s.Nodes())
	}
	s.SetConfig(Config{NodeMaxEntries: -5, NodeMaxBytes: -1})
	if s.Config() != (Config{}) {
		t.Fatalf("negative limits kept: %+v", s.Config())
	}
	for i := 7; i <= 50; i++ {
		s.Append(ID{uint64(i), 0}, fv("f", "v"))
	}
	if s.Nodes() != 2 {
		t.Fatalf("%d nodes with no limits, want 2", s.Nodes())
	}
}

func TestApproxTrimLimit(t *testing.T) {
	if got := DefaultConfig.ApproxTrimLimit(); got != 10000 {
		t.Fatalf("default %d", got)
	}
	if got := (Config{}).ApproxTrimLimit(); got != 0 {
		t.Fatalf("no entry limit: %d", got)
	}
}

// TestReadsAliasStorage pins the documented contract: returned bytes are
// views of the stream's storage, stable across reads until a mutation.
func TestReadsAliasStorage(t *testing.T) {
	s := checked(t, DefaultConfig)
	s.Append(ID{1, 0}, fv("f", "hello"))
	s.Append(ID{2, 0}, fv("f", "world"))
	f1, _ := s.Get(ID{1, 0})
	v := f1[1]
	s.Get(ID{2, 0}) // reuses the [][]byte, not the bytes
	if !bytes.Equal(v, []byte("hello")) {
		t.Fatalf("value bytes changed by a later read: %q", v)
	}
	if cap(v) != len(v) {
		t.Fatal("returned value has spare capacity: an append by the caller would overwrite the node")
	}
}

func TestMemoryUsageGrows(t *testing.T) {
	s := checked(t, DefaultConfig)
	empty := s.MemoryUsage()
	for i := 1; i <= 1000; i++ {
		s.Append(ID{uint64(i), 0}, fv("f", strings.Repeat("x", 100)))
	}
	full := s.MemoryUsage()
	if per := float64(full-empty) / 1000; per < 100 || per > 150 {
		t.Fatalf("estimate %.1f bytes per 100-byte entry", per)
	}
	s.TrimMaxLen(0, false, 0)
	if got := s.MemoryUsage(); got != empty {
		t.Fatalf("after trimming everything %d, empty %d", got, empty)
	}
}
