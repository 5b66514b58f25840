package persist

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/runnel-db/runnel/stream"
)

// nodeEntries adds the entries from..to of stream uid, as XADDs do.
func nodeEntries(b *Batch, uid uint64, from, to uint64) {
	for i := from; i <= to; i++ {
		b.AddEntry(uid, id(i, 0), fields("f", fmt.Sprint(i)))
	}
}

// TestNodeRecords follows one stream through the life of a node record:
// the node replaces its loose entries, an XDEL inside it leaves a mark that
// Load hands to the node, a trim short of the node's last entry keeps the
// record, one past it drops record and marks, and entries after the node
// stay loose throughout.
func TestNodeRecords(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	m := newModel()
	commit := func(f func(b *Batch)) {
		t.Helper()
		b := &Batch{}
		f(b)
		commitT(t, s, b)
		m.apply(b)
	}
	check := func(wantNodes, wantEntries int) *streamState {
		t.Helper()
		got, st := loadT(t, s)
		if d := diff(m.expected(), got); d != "" {
			t.Fatal(d)
		}
		if st.Nodes != wantNodes || len(got.Streams[1].Entries) != wantEntries {
			t.Fatalf("%d node records and %d loose entries, want %d and %d", st.Nodes, len(got.Streams[1].Entries), wantNodes, wantEntries)
		}
		return got.Streams[1]
	}
	commit(func(b *Batch) {
		b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
		nodeEntries(b, 1, 1, 5)
	})
	commit(func(b *Batch) {
		b.AddNode(1, stream.Span{First: id(1, 0), Last: id(5, 0)}, []byte("node 1..5"))
		nodeEntries(b, 1, 6, 7)
		b.Add(Op{Kind: EntryDel, UID: 1, ID: id(3, 0)})
		b.Add(Op{Kind: EntryDel, UID: 1, ID: id(7, 0)}) // a loose entry: its mark is dropped
	})
	st := check(1, 1)
	if n := st.Nodes[id(5, 0)]; n.First != id(1, 0) || n.Data != "node 1..5" || n.Deleted != "[3-0]" {
		t.Fatalf("node record %+v", n)
	}
	commit(func(b *Batch) { b.Add(Op{Kind: EntryDelRange, UID: 1, ID: stream.Min, End: id(5, 0)}) })
	check(1, 1)
	commit(func(b *Batch) { b.Add(Op{Kind: EntryDelRange, UID: 1, ID: stream.Min, End: id(6, 0)}) })
	check(0, 1)
}

// TestNodeCoversEntriesOfItsBatch pins the records a merged batch writes
// for a node that closes in it. A node whose first entry the batch put is
// fresh: only its record is written, without the range deletion, and the
// batch's loose entries and deletion marks inside it are left out (the node
// bytes carry them). A node whose first entry is older keeps the range
// deletion, as does one that closes again in a later batch. Entries after
// the node, other streams' entries and deletions after the node closed are
// written. Each batch is then applied and loaded against the model.
func TestNodeCoversEntriesOfItsBatch(t *testing.T) {
	const (
		set = pebble.InternalKeyKindSet
		del = pebble.InternalKeyKindDelete
		rd  = pebble.InternalKeyKindRangeDelete
	)
	node := func(b *Batch, first, last uint64) {
		b.AddNode(1, stream.Span{First: id(first, 0), Last: id(last, 0)}, []byte(fmt.Sprintf("node %d..%d", first, last)))
	}
	xdel := func(b *Batch, ms uint64) { b.Add(Op{Kind: EntryDel, UID: 1, ID: id(ms, 0)}) }
	tests := []struct {
		name  string
		prior func(b *Batch) // committed before
		batch func(b *Batch)
		want  map[pebble.InternalKeyKind]int
	}{
		{"fresh node", nil, func(b *Batch) {
			b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
			nodeEntries(b, 1, 1, 100)
			xdel(b, 7) // before the node closed: in its bytes
			node(b, 1, 60)
			nodeEntries(b, 2, 1, 3) // another stream's entries with the same IDs stay
			xdel(b, 70)             // a loose entry of the next node
			xdel(b, 8)              // after the node closed: the mark stays
		}, map[pebble.InternalKeyKind]int{
			set: 1 + 40 + 3 + 1 + 2, // key, entries 61..100, stream 2, node, marks 70 and 8
			del: 2,
		}},
		{"first entry older than the batch", func(b *Batch) {
			b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
			nodeEntries(b, 1, 1, 1)
		}, func(b *Batch) {
			nodeEntries(b, 1, 2, 100)
			xdel(b, 7)
			node(b, 1, 60)
		}, map[pebble.InternalKeyKind]int{
			set: 40 + 1 + 1, // entries 61..100, node, mark 7
			del: 1,
			rd:  1,
		}},
		{"closed twice in the batch", nil, func(b *Batch) {
			b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
			nodeEntries(b, 1, 1, 10)
			node(b, 1, 5)
			xdel(b, 3)
			// 6..10 deleted: node 1..5 is the last node again, takes 11 and
			// closes again.
			b.Add(Op{Kind: EntryDelRange, UID: 1, ID: id(6, 0), End: id(11, 0)})
			nodeEntries(b, 1, 11, 12)
			node(b, 1, 11)
		}, map[pebble.InternalKeyKind]int{
			set: 1 + 1 + 1, // key, entry 12, the second node record
			rd:  1,         // the trim of 6..10
		}},
		{"closed again in a later batch", func(b *Batch) {
			b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
			nodeEntries(b, 1, 1, 6)
			node(b, 1, 5)
		}, func(b *Batch) {
			b.Add(Op{Kind: EntryDelRange, UID: 1, ID: id(6, 0), End: id(7, 0)})
			nodeEntries(b, 1, 7, 8)
			node(b, 1, 7)
		}, map[pebble.InternalKeyKind]int{
			set: 1 + 1, // entry 8, node
			rd:  2,     // the trim, the node's span with its first record
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openT(t, t.TempDir(), Options{})
			defer s.Close()
			m := newModel()
			if tc.prior != nil {
				b := &Batch{}
				tc.prior(b)
				commitT(t, s, b)
				m.apply(b)
			}
			b := &Batch{}
			tc.batch(b)
			got := kindCounts(t, s, b)
			for _, k := range []pebble.InternalKeyKind{set, del, rd} {
				if got[k] != tc.want[k] {
					t.Errorf("%v: %d records, want %d (all: %v)", k, got[k], tc.want[k], got)
				}
			}
			commitT(t, s, b)
			m.apply(b)
			loaded, _ := loadT(t, s)
			if d := diff(m.expected(), loaded); d != "" {
				t.Fatal(d)
			}
		})
	}
}

// TestOpenUpgradesOldVersions opens stores written in format versions 1
// (no node records) and 2 (metadata before the entries): each loads with
// its metadata, its format record then says the current version (so that
// a runnel that cannot read this layout refuses it), and the metadata
// record has moved, so the upgraded store loads again the same.
func TestOpenUpgradesOldVersions(t *testing.T) {
	for _, ver := range []uint32{1, 2} {
		t.Run(fmt.Sprint("version", ver), func(t *testing.T) {
			dir := t.TempDir()
			fillStore(t, dir, 250, true)
			meta := StreamMeta{LastID: id(250, 0), MaxDeletedID: id(7, 0), FirstID: id(1, 0), EntriesAdded: 260}
			// Write the metadata where versions 1 and 2 kept it.
			db, err := pebble.Open(dir, &pebble.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Set(appendLegacyMetaKey(nil, 1), appendMetaValue(nil, meta), nil); err != nil {
				t.Fatal(err)
			}
			if err := db.Delete(appendMetaKey(nil, 1), nil); err != nil {
				t.Fatal(err)
			}
			if err := db.Set(formatKey(), formatValue(ver), pebble.Sync); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			for round := range 2 {
				s := openT(t, dir, Options{})
				got, st := loadT(t, s)
				if st.Entries != 250 || len(got.Streams[1].Entries) != 250 {
					t.Fatalf("round %d: loaded %d entries, want 250", round, st.Entries)
				}
				if m := got.Streams[1].Meta; m == nil || *m != meta {
					t.Fatalf("round %d: metadata %+v, want %+v", round, m, meta)
				}
				v, c, err := s.db.Get(formatKey())
				if err != nil {
					t.Fatal(err)
				}
				gotVer, ok := parseFormatValue(v)
				c.Close()
				if !ok || gotVer != formatVersion {
					t.Fatalf("format record after open: version %d (%v), want %d", gotVer, ok, formatVersion)
				}
				if _, c, err := s.db.Get(appendLegacyMetaKey(nil, 1)); err == nil {
					c.Close()
					t.Fatal("the metadata record is still at its old key")
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
