package stream

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// disk keeps what a store keeps of a stream that persists closed nodes:
// node images by last ID, loose entries and deletion marks, updated by the
// rules the persist layer follows (a closed node replaces every record in
// its span; a deletion drops the loose entry and leaves a mark; a dropped
// node or a trimmed prefix removes every record in its range).
type disk struct {
	nodes map[ID]diskNode
	loose map[ID][][]byte
	marks map[ID]bool
}

type diskNode struct {
	span Span
	data []byte
}

func newDisk() *disk {
	return &disk{nodes: map[ID]diskNode{}, loose: map[ID][][]byte{}, marks: map[ID]bool{}}
}

// drop removes every record whose ID is in [first, last].
func (d *disk) drop(first, last ID) {
	in := func(id ID) bool { return !id.Less(first) && !last.Less(id) }
	maps.DeleteFunc(d.nodes, func(k ID, _ diskNode) bool { return in(k) })
	maps.DeleteFunc(d.loose, func(k ID, _ [][]byte) bool { return in(k) })
	maps.DeleteFunc(d.marks, func(k ID, _ bool) bool { return in(k) })
}

func (d *disk) append(s *Stream, id ID, fields [][]byte) {
	span, data := s.Append(id, fields)
	if data != nil {
		d.drop(span.First, span.Last)
		d.nodes[span.Last] = diskNode{span, append([]byte(nil), data...)}
	}
	d.loose[id] = fields
}

func (d *disk) remove(s *Stream, id ID) bool {
	ok, dropped, gone := s.Remove(id)
	if ok {
		delete(d.loose, id)
		d.marks[id] = true
	}
	if gone {
		d.drop(dropped.First, dropped.Last)
	}
	return ok
}

// trimmed records a trim: everything before the first live entry goes.
func (d *disk) trimmed(s *Stream) {
	end, _, ok := s.First()
	if !ok {
		d.drop(Min, Max)
		return
	}
	prev, _ := end.Prev()
	d.drop(Min, prev)
}

// load rebuilds the stream as start-up does: nodes in order with the marks
// inside each, entries before the first ID dropped, then the loose entries.
func (d *disk) load(t *testing.T, cfg Config, orig *Stream) (*Stream, int) {
	t.Helper()
	s := New(cfg)
	adopted := 0
	if !orig.FirstID().IsZero() {
		var marks []ID
		for id := range d.marks {
			marks = append(marks, id)
		}
		slices.SortFunc(marks, ID.Compare)
		for _, last := range slices.SortedFunc(maps.Keys(d.nodes), ID.Compare) {
			n := d.nodes[last]
			if _, err := s.Adopt(n.span, n.data, marks, orig.FirstID()); err != nil {
				t.Fatalf("Adopt %v: %v", n.span, err)
			}
			adopted++
		}
	}
	for _, id := range slices.SortedFunc(maps.Keys(d.loose), ID.Compare) {
		s.Append(id, d.loose[id])
	}
	s.SetLastID(orig.LastID())
	s.SetMaxDeletedID(orig.MaxDeletedID())
	s.SetEntriesAdded(orig.EntriesAdded())
	return s, adopted
}

// TestAdoptRoundTrip runs random appends, deletions and trims while keeping
// a disk image of closed nodes, and at random points rebuilds the stream
// from the image: the rebuilt stream must pass Check and hold exactly the
// live entries and metadata of the original.
func TestAdoptRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(testSeed(t), 11))
	configs := []Config{DefaultConfig, {NodeMaxEntries: 1}, {NodeMaxEntries: 4}, {NodeMaxBytes: 120}, {NodeMaxEntries: 7, NodeMaxBytes: 300}}
	steps := 1200
	if testing.Short() {
		steps = 400
	}
	for _, cfg := range configs {
		t.Run(fmt.Sprintf("%d-%d", cfg.NodeMaxEntries, cfg.NodeMaxBytes), func(t *testing.T) {
			s := checked(t, cfg)
			d := newDisk()
			ref := &refStream{}
			reloads, adopted := 0, 0
			for step := 0; step < steps; step++ {
				switch op := r.IntN(100); {
				case op < 55:
					id := ID{ref.last.Ms + 1 + r.Uint64N(3), r.Uint64N(3)}
					f := randFields(r)
					d.append(s, id, f)
					ref.entries = append(ref.entries, refEntry{id, flat(f)})
					ref.last = id
				case op < 80:
					id := randID(r, ref)
					if d.remove(s, id) {
						i := ref.find(id)
						ref.entries = slices.Delete(ref.entries, i, i+1)
					}
				case op < 90:
					n := uint64(len(ref.entries) - min(r.IntN(12), len(ref.entries)))
					if removed := s.TrimMaxLen(n, r.IntN(2) == 0, 0); removed > 0 {
						ref.entries = ref.entries[removed:]
						d.trimmed(s)
					}
				case op < 97:
					// Raising the node limits lets a closed node that
					// becomes the tail again take entries.
					s.SetConfig(Config{NodeMaxEntries: cfg.NodeMaxEntries * 2, NodeMaxBytes: cfg.NodeMaxBytes * 2})
				default:
					got, n := d.load(t, s.Config(), s)
					reloads, adopted = reloads+1, adopted+n
					if err := got.Check(); err != nil {
						t.Fatalf("step %d: reloaded stream: %v", step, err)
					}
					if a, b := streamIDs(got, Min, Max, 0, false), ref.rangeIDs(Min, Max, 0, false); a != b {
						t.Fatalf("step %d: reloaded entries:\n%s\nwant:\n%s", step, a, b)
					}
					if got.Len() != s.Len() || got.FirstID() != s.FirstID() || got.LastID() != s.LastID() {
						t.Fatalf("step %d: reloaded len %d first %v last %v, want %d %v %v",
							step, got.Len(), got.FirstID(), got.LastID(), s.Len(), s.FirstID(), s.LastID())
					}
				}
				mustCheck(t, s)
			}
			if adopted == 0 {
				t.Fatalf("%d reloads adopted no node: the test exercised nothing", reloads)
			}
		})
	}
}

// TestAdoptRejectsBadBytes damages a valid node image in every way a
// truncation or a byte change can and checks that Adopt either refuses it
// with ErrBadNode, leaving the stream untouched, or takes it and the stream
// still passes Check. It never panics.
func TestAdoptRejectsBadBytes(t *testing.T) {
	many := make([]string, 0, 20) // more master fields than Adopt keeps on its stack
	for i := range 10 {
		many = append(many, fmt.Sprint("name", i), "v")
	}
	shapes := []struct {
		name  string
		entry func(i uint64) (ID, [][]byte)
	}{
		{"small deltas", func(i uint64) (ID, [][]byte) {
			if i%3 == 0 {
				return ID{i * 7, i}, fv("x", "long value "+fmt.Sprint(i))
			}
			return ID{i * 7, i}, fv("f", "v", "n", fmt.Sprint(i*1000))
		}},
		{"multi-byte deltas", func(i uint64) (ID, [][]byte) {
			return ID{1<<40 + i*100_000, i * 300}, fv("f", fmt.Sprint(i))
		}},
		{"many master fields", func(i uint64) (ID, [][]byte) {
			if i%2 == 0 {
				return ID{i, 0}, fv("other", "x")
			}
			return ID{i, 0}, fv(many...)
		}},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) { adoptDamaged(t, sh.entry, (*Stream).Adopt) })
		t.Run(sh.name+"/owned", func(t *testing.T) {
			// Each try hands over a clone of its own, as Load does.
			owned := func(s *Stream, span Span, data []byte, deleted []ID, floor ID) (int, error) {
				return s.AdoptOwned(span, slices.Clone(data), deleted, floor)
			}
			adoptDamaged(t, sh.entry, owned)
		})
	}
}

// adoptFunc is Adopt or a use of AdoptOwned.
type adoptFunc func(s *Stream, span Span, data []byte, deleted []ID, floor ID) (int, error)

func adoptDamaged(t *testing.T, entry func(i uint64) (ID, [][]byte), adopt adoptFunc) {
	src := New(Config{NodeMaxEntries: 6})
	var span Span
	var data []byte
	for i := uint64(1); data == nil; i++ {
		span, data = src.Append(entry(i))
	}
	data = append([]byte(nil), data...)
	s := New(DefaultConfig)
	if _, err := adopt(s, span, data, nil, ID{}); err != nil {
		t.Fatalf("intact node refused: %v", err)
	}
	mustCheck(t, s)
	refused := 0
	try := func(desc string, sp Span, b []byte) {
		t.Helper()
		s := New(DefaultConfig)
		live, err := adopt(s, sp, b, nil, ID{})
		if err != nil {
			if !errors.Is(err, ErrBadNode) {
				t.Fatalf("%s: error %v does not wrap ErrBadNode", desc, err)
			}
			if s.Len() != 0 || s.Nodes() != 0 || !s.LastID().IsZero() {
				t.Fatalf("%s: refused node changed the stream", desc)
			}
			refused++
			return
		}
		if err := s.Check(); err != nil {
			t.Fatalf("%s: accepted (%d live) but Check: %v", desc, live, err)
		}
	}
	for i := 0; i < len(data); i++ {
		try(fmt.Sprintf("truncated to %d", i), span, data[:i])
		for _, x := range []byte{0x01, 0x02, 0x80, 0xff} {
			b := slices.Clone(data)
			b[i] ^= x
			try(fmt.Sprintf("byte %d ^ %#x", i, x), span, b)
		}
	}
	if refused < len(data) {
		t.Fatalf("only %d damaged images refused (%d truncations alone must be)", refused, len(data))
	}
	try("wrong first", Span{First: ID{1, 0}, Last: span.Last}, data)
	try("wrong last", Span{First: span.First, Last: ID{span.Last.Ms + 1, 0}}, data)
	if _, err := adopt(s, span, data, nil, ID{}); !errors.Is(err, ErrBadNode) {
		t.Fatalf("node overlapping the last one: %v", err)
	}
}

// TestAdoptMarksAndFloor checks that marks and the floor flag exactly the
// entries they name, and that a node left with nothing live is not kept.
func TestAdoptMarksAndFloor(t *testing.T) {
	src := New(Config{NodeMaxEntries: 5})
	var spans []Span
	var images [][]byte
	for i := uint64(1); i <= 16; i++ {
		if sp, data := src.Append(ID{i, 0}, fv("f", fmt.Sprint(i))); data != nil {
			spans, images = append(spans, sp), append(images, slices.Clone(data))
		}
	}
	if len(spans) != 3 {
		t.Fatalf("%d nodes closed, want 3", len(spans))
	}
	s := checked(t, DefaultConfig)
	marks := []ID{{2, 0}, {4, 0}, {7, 0}, {99, 0}}
	for i := range spans {
		if _, err := s.Adopt(spans[i], images[i], marks, ID{3, 0}); err != nil {
			t.Fatal(err)
		}
	}
	want := []ID{{3, 0}, {5, 0}, {6, 0}, {8, 0}, {9, 0}, {10, 0}, {11, 0}, {12, 0}, {13, 0}, {14, 0}, {15, 0}}
	if got := ids(s); !slices.Equal(got, want) {
		t.Fatalf("live %v, want %v", got, want)
	}
	if s.FirstID() != (ID{3, 0}) || s.Len() != uint64(len(want)) || s.LastID() != (ID{15, 0}) {
		t.Fatalf("first %v len %d last %v", s.FirstID(), s.Len(), s.LastID())
	}
	gone := New(DefaultConfig)
	if live, err := gone.Adopt(spans[0], images[0], nil, ID{6, 0}); err != nil || live != 0 || gone.Nodes() != 0 {
		t.Fatalf("fully trimmed node: live %d err %v nodes %d", live, err, gone.Nodes())
	}
	// The original images are not changed by flagging.
	again := New(DefaultConfig)
	if live, _ := again.Adopt(spans[0], images[0], nil, ID{}); live != 5 {
		t.Fatalf("image was modified: %d live", live)
	}
}

// TestAdoptOwned checks that AdoptOwned builds what Adopt builds from the
// same images, and keeps the bytes it is handed instead of a copy: the
// deletions it flags show in them, and the stream's memory counts exactly
// their capacity.
func TestAdoptOwned(t *testing.T) {
	src := New(Config{NodeMaxEntries: 5})
	var spans []Span
	var images [][]byte
	for i := uint64(1); i <= 16; i++ {
		if sp, data := src.Append(ID{i, 0}, fv("f", fmt.Sprint(i))); data != nil {
			spans, images = append(spans, sp), append(images, slices.Clone(data))
		}
	}
	marks := []ID{{2, 0}, {4, 0}, {7, 0}, {12, 0}} // some in every node
	floor := ID{3, 0}
	copied, owned := checked(t, DefaultConfig), checked(t, DefaultConfig)
	handed := make([][]byte, len(images))
	for i := range spans {
		handed[i] = slices.Clone(images[i])
		a, errA := copied.Adopt(spans[i], images[i], marks, floor)
		b, errB := owned.AdoptOwned(spans[i], handed[i], marks, floor)
		if a != b || errA != nil || errB != nil {
			t.Fatalf("node %v: Adopt %d, %v; AdoptOwned %d, %v", spans[i], a, errA, b, errB)
		}
	}
	if got, want := ids(owned), ids(copied); !slices.Equal(got, want) {
		t.Fatalf("AdoptOwned holds %v, Adopt %v", got, want)
	}
	if owned.Len() != copied.Len() || owned.FirstID() != copied.FirstID() || owned.LastID() != copied.LastID() {
		t.Fatalf("AdoptOwned: len %d first %v last %v; Adopt: len %d first %v last %v",
			owned.Len(), owned.FirstID(), owned.LastID(), copied.Len(), copied.FirstID(), copied.LastID())
	}
	for i := range images {
		if slices.Equal(handed[i], images[i]) {
			t.Errorf("node %v: the handed bytes show no deletion flag", spans[i])
		}
	}
	// Every node kept is one of the handed buffers, whole.
	kept := 0
	it := owned.tree.Iterator()
	for ok := it.First(); ok; ok = it.Next() {
		n := it.Value()
		if !slices.ContainsFunc(handed, func(h []byte) bool { return &h[0] == &n.buf[0] && cap(h) == cap(n.buf) }) {
			t.Errorf("node %v holds bytes that were not handed over", n.master)
		}
		kept += cap(n.buf)
	}
	if kept != owned.bufBytes {
		t.Errorf("stream counts %d node bytes, holds %d", owned.bufBytes, kept)
	}
	// The node the marks and the floor emptied is not kept; a refused one
	// leaves the stream as it was.
	if live, err := New(DefaultConfig).AdoptOwned(spans[0], slices.Clone(images[0]), nil, ID{6, 0}); live != 0 || err != nil {
		t.Fatalf("fully trimmed node: live %d err %v", live, err)
	}
	bad := slices.Clone(images[1])
	bad = bad[:len(bad)-1]
	s := New(DefaultConfig)
	if _, err := s.AdoptOwned(spans[1], bad, nil, ID{}); !errors.Is(err, ErrBadNode) || s.Len() != 0 || !s.LastID().IsZero() {
		t.Fatalf("truncated node: err %v, len %d, last %v", err, s.Len(), s.LastID())
	}
}
