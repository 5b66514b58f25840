package persist

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// TestBatchReuse checks that a reset batch keeps no op and that entries
// added after a reset own their bytes: reusing the arena and the slab must
// not change ops added since.
func TestBatchReuse(t *testing.T) {
	var b Batch
	f := [][]byte{[]byte("f"), []byte("v1")}
	b.AddEntry(1, stream.ID{Ms: 1}, f)
	b.Add(Op{Kind: StreamMetaPut, UID: 1})
	if b.Len() != 2 {
		t.Fatalf("Len = %d, want 2", b.Len())
	}
	b.Reset()
	if b.Len() != 0 || len(b.Ops) != 0 {
		t.Fatalf("after Reset: Len %d, %d ops", b.Len(), len(b.Ops))
	}
	for i := 0; i < 1000; i++ { // enough to outgrow the first slab and arena
		f[1] = bytes.Repeat([]byte{byte('a' + i%26)}, i%50)
		b.AddEntry(1, stream.ID{Ms: uint64(i)}, f)
		for j := range f[1] {
			f[1][j] = '!' // the caller reuses its buffers
		}
	}
	for i, op := range b.Ops {
		want := bytes.Repeat([]byte{byte('a' + i%26)}, i%50)
		if op.Kind != EntryPut || op.ID.Ms != uint64(i) || string(op.Fields[0]) != "f" || !bytes.Equal(op.Fields[1], want) {
			t.Fatalf("op %d = %+v", i, op)
		}
	}
}

// TestBatchCountOnly checks that a counting batch reports the ops added
// without keeping any.
func TestBatchCountOnly(t *testing.T) {
	var b Batch
	b.CountOnly()
	b.AddEntry(1, stream.ID{Ms: 1}, [][]byte{[]byte("f"), []byte("v")})
	b.Add(Op{Kind: StreamMetaPut, UID: 1})
	b.Add(Op{Kind: KeyDel, Key: "k"})
	if b.Len() != 3 || len(b.Ops) != 0 {
		t.Fatalf("Len %d with %d ops kept, want 3 and 0", b.Len(), len(b.Ops))
	}
	b.Reset()
	if b.Len() != 0 {
		t.Fatalf("Len %d after Reset", b.Len())
	}
}

// TestBatchTruncate checks that Truncate drops exactly the ops added after
// its mark and leaves the earlier ones and their field bytes intact, across
// many rounds whose entries outgrow the arena, as a committer's open batch
// does when a command's effects must be dropped.
func TestBatchTruncate(t *testing.T) {
	var b Batch
	for round := range 300 {
		mark := b.Len()
		val := bytes.Repeat([]byte{byte('a' + round%26)}, round%97)
		b.AddEntry(1, stream.ID{Ms: uint64(round)}, [][]byte{[]byte("f"), val})
		b.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: StreamMeta{EntriesAdded: uint64(round)}})
		if round%3 == 2 {
			// A dropped command: its ops, with bytes that would overwrite
			// the kept ones if the arena were reused from the mark.
			b.AddEntry(9, stream.ID{}, [][]byte{bytes.Repeat([]byte{'!'}, 200)})
			b.Truncate(mark + 2)
		}
	}
	if b.Len() != 600 {
		t.Fatalf("Len = %d, want 600", b.Len())
	}
	for i := 0; i < len(b.Ops); i += 2 {
		round := i / 2
		e, m := b.Ops[i], b.Ops[i+1]
		val := bytes.Repeat([]byte{byte('a' + round%26)}, round%97)
		if e.Kind != EntryPut || e.ID.Ms != uint64(round) || len(e.Fields) != 2 || string(e.Fields[0]) != "f" || !bytes.Equal(e.Fields[1], val) {
			t.Fatalf("round %d: entry op %+v", round, e)
		}
		if m.Kind != StreamMetaPut || m.Meta.EntriesAdded != uint64(round) {
			t.Fatalf("round %d: meta op %+v", round, m)
		}
	}
	if got := b.Ops[:cap(b.Ops)][len(b.Ops)]; got.Kind != 0 || got.Fields != nil {
		t.Fatalf("a dropped op is kept past the end: %+v", got)
	}
	b.Truncate(b.Len() + 5) // past the end: no change
	if b.Len() != 600 {
		t.Fatalf("Len = %d after a Truncate past the end, want 600", b.Len())
	}

	var c Batch
	c.CountOnly()
	for range 5 {
		c.Add(Op{Kind: KeyDel})
	}
	c.Truncate(3)
	if c.Len() != 3 {
		t.Fatalf("counting batch: Len = %d after Truncate(3), want 3", c.Len())
	}
}

// TestBatchAddNodeOwnsBytes checks that AddNode copies the node: its bytes
// survive the caller changing its buffer and later entries and nodes
// outgrowing the arena, and appending to an op's Node cannot overwrite
// what follows it.
func TestBatchAddNodeOwnsBytes(t *testing.T) {
	var b Batch
	buf := make([]byte, 0, 8192)
	want := map[int][]byte{}
	for i := range 200 {
		if i%3 == 0 {
			buf = append(buf[:0], bytes.Repeat([]byte{byte('A' + i%26)}, 1+i*37%5000)...)
			want[len(b.Ops)] = bytes.Clone(buf)
			b.AddNode(1, stream.Span{First: stream.ID{Ms: uint64(i)}, Last: stream.ID{Ms: uint64(i), Seq: 5}}, buf)
			for j := range buf {
				buf[j] = '!' // the stream changes its storage
			}
		}
		b.AddEntry(1, stream.ID{Ms: uint64(i), Seq: 9}, [][]byte{[]byte("f"), bytes.Repeat([]byte{'x'}, i%300)})
	}
	for i, op := range b.Ops {
		if w, ok := want[i]; ok {
			if op.Kind != NodePut || !bytes.Equal(op.Node, w) || cap(op.Node) != len(op.Node) {
				t.Fatalf("op %d: node of %d bytes (cap %d), want %d bytes %q...", i, len(op.Node), cap(op.Node), len(w), w[:1])
			}
			if op.End != (stream.ID{Ms: op.ID.Ms, Seq: 6}) {
				t.Fatalf("op %d: node [%v, %v)", i, op.ID, op.End)
			}
		} else if op.Kind != EntryPut || len(op.Fields[1]) != int(op.ID.Ms%300) {
			t.Fatalf("op %d = %+v", i, op)
		}
	}
}

// TestBatchAdders checks that each in-place adder appends exactly the op
// Add would, also into a batch reused after Reset and Truncate (whose
// dropped slots must not leak into the ops added next), and that a
// counting batch only counts them.
func TestBatchAdders(t *testing.T) {
	m := StreamMeta{LastID: id(9, 1), MaxDeletedID: id(3, 0), FirstID: id(1, 0), EntriesAdded: 7}
	f := fields("a", "1", "b", "22")
	want := []Op{
		{Kind: EntryPut, UID: 1, ID: id(9, 1), Fields: f},
		{Kind: StreamMetaPut, UID: 1, Meta: m},
		{Kind: GroupPut, UID: 1, Group: "g", GroupLastID: id(9, 1), EntriesRead: 7},
		{Kind: ConsumerPut, UID: 1, Group: "g", Consumer: "c", SeenTime: 5, ActiveTime: 6},
		{Kind: PendingPut, UID: 1, Group: "g", ID: id(9, 1), Consumer: "c", DeliveryTime: 5, DeliveryCount: 2, Fresh: true},
		{Kind: PendingDel, UID: 1, Group: "g", ID: id(9, 1)},
	}
	add := func(b *Batch) {
		b.AddEntry(1, id(9, 1), f)
		b.AddStreamMeta(1, m)
		b.AddGroup(1, "g", id(9, 1), 7)
		b.AddConsumer(1, "g", "c", 5, 6)
		b.AddPending(1, "g", id(9, 1), "c", 5, 2, true)
		b.AddPendingDel(1, "g", id(9, 1))
	}
	// Every field set, to show that a dropped op leaves nothing behind.
	junk := Op{Kind: KeyPut, DB: 3, Key: "k", UID: 8, Expire: 9, ID: id(4, 4), End: id(5, 5), BeforeMax: true,
		Fields: f, Meta: m, Group: "x", Consumer: "y", GroupLastID: id(6, 6), EntriesRead: 1, SeenTime: 2,
		ActiveTime: 3, DeliveryTime: 4, DeliveryCount: 5, Fresh: true, Node: []byte("n")}
	b := &Batch{}
	for round := range 3 {
		switch round {
		case 1:
			for range 10 {
				b.Add(junk)
			}
			b.Reset()
		case 2:
			for range 10 {
				b.Add(junk)
			}
			b.Truncate(0)
		}
		add(b)
		if !reflect.DeepEqual(b.Ops, want) {
			t.Fatalf("round %d: adders made\n%+v\nwant\n%+v", round, b.Ops, want)
		}
		b.Reset()
	}
	c := &Batch{}
	c.CountOnly()
	add(c)
	if c.Len() != len(want) || len(c.Ops) != 0 {
		t.Fatalf("counting batch: Len %d, %d ops kept", c.Len(), len(c.Ops))
	}
}
