package persist

import (
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/runnel-db/runnel/stream"
)

// kindCounts translates b as Apply would and counts the Pebble records it
// produces, by kind.
func kindCounts(t *testing.T, s *Pebble, b *Batch) map[pebble.InternalKeyKind]int {
	t.Helper()
	pb := s.db.NewBatch()
	defer pb.Close()
	tr := s.translator()
	tr.pb = pb
	if err := tr.translate(b); err != nil {
		t.Fatal(err)
	}
	counts := map[pebble.InternalKeyKind]int{}
	r := pb.Reader()
	for {
		kind, _, _, ok, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		counts[kind]++
	}
	if total := int(pb.Count()); total != sum(counts) {
		t.Fatalf("batch count %d, read %d records", total, sum(counts))
	}
	return counts
}

func sum(m map[pebble.InternalKeyKind]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// addStream commits a stream of n entries with a group and a PEL.
func addStream(t *testing.T, s *Pebble, db int, name string, uid uint64, n int) {
	t.Helper()
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: db, Key: name, UID: uid})
	b.Add(Op{Kind: StreamMetaPut, UID: uid, Meta: StreamMeta{LastID: id(uint64(n), 0), EntriesAdded: uint64(n)}})
	b.Add(Op{Kind: GroupPut, UID: uid, Group: "g"})
	b.Add(Op{Kind: PendingPut, UID: uid, Group: "g", ID: id(1, 0), Consumer: "c"})
	f := fields("temperature", "21.5")
	for i := 1; i <= n; i++ {
		b.AddEntry(uid, id(uint64(i), 0), f)
		if i%20000 == 0 || i == n {
			commitT(t, s, b)
			b.Reset()
		}
	}
}

// countLoader counts what Load passes, without keeping it.
type countLoader struct{ recorder }

func (c *countLoader) Entry(uint64, stream.ID, [][]byte) error { return nil }

// TestRangeDeletions checks on a stream of a million entries that DEL,
// XTRIM, FLUSHDB and FLUSHALL each emit range deletions whose number does
// not depend on the number of entries, and that they delete what they say.
func TestRangeDeletions(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	dir := t.TempDir()
	s := openT(t, dir, Options{Fsync: No})
	defer func() { s.Close() }()
	addStream(t, s, 0, "big", 1, n)
	addStream(t, s, 0, "other", 2, 10)
	addStream(t, s, 1, "x", 3, 10)
	addStream(t, s, 1, "y", 4, 10)
	if st, err := s.Load(&countLoader{*newRecorder()}); err != nil || st.Entries != n+30 {
		t.Fatalf("loaded %d entries (%v), want %d", st.Entries, err, n+30)
	}
	rd := pebble.InternalKeyKindRangeDelete

	// XTRIM big MAXLEN 1: every entry but the last.
	trim := &Batch{}
	trim.Add(Op{Kind: EntryDelRange, UID: 1, ID: id(1, 0), End: id(uint64(n), 0)})
	if c := kindCounts(t, s, trim); c[rd] != 1 || sum(c) != 1 {
		t.Fatalf("trim of %d entries: %v, want one range deletion", n-1, c)
	}
	// DEL big.
	del := &Batch{}
	del.Add(Op{Kind: KeyDel, DB: 0, Key: "big"})
	del.Add(Op{Kind: StreamDrop, UID: 1})
	if c := kindCounts(t, s, del); c[rd] != 1 || c[pebble.InternalKeyKindDelete] != 1 || sum(c) != 2 {
		t.Fatalf("DEL of %d entries: %v, want one point and one range deletion", n, c)
	}
	// FLUSHDB 1: the db's key records and one range per stream in it.
	fdb := &Batch{}
	fdb.Add(Op{Kind: FlushDB, DB: 1})
	if c := kindCounts(t, s, fdb); c[rd] != 3 || sum(c) != 3 {
		t.Fatalf("FLUSHDB of 2 streams: %v, want 3 range deletions", c)
	}
	// FLUSHALL: one range deletion.
	fall := &Batch{}
	fall.Add(Op{Kind: FlushAll})
	if c := kindCounts(t, s, fall); c[rd] != 1 || sum(c) != 1 {
		t.Fatalf("FLUSHALL: %v, want one range deletion", c)
	}

	// They do what they say, and stay done after a reopen.
	before := s.db.Metrics().WAL.BytesIn
	commitT(t, s, del)
	if walBytes := s.db.Metrics().WAL.BytesIn - before; walBytes > 200 {
		t.Fatalf("deleting %d entries wrote %d bytes to the log", n, walBytes)
	}
	commitT(t, s, fdb)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, Options{Fsync: No})
	got, st := loadT(t, s)
	if len(got.Keys) != 1 || got.Streams[2] == nil || len(got.Streams) != 1 || st.Orphans != 0 || st.Entries != 10 {
		t.Fatalf("after DEL and FLUSHDB: keys %v, %d streams, %+v", got.Keys, len(got.Streams), st)
	}
	trim2 := &Batch{}
	trim2.Add(Op{Kind: EntryDelRange, UID: 2, ID: id(1, 0), End: id(10, 0)})
	commitT(t, s, trim2)
	if got, _ := loadT(t, s); len(got.Streams[2].Entries) != 1 {
		t.Fatalf("after trim: %d entries, want 1", len(got.Streams[2].Entries))
	}
	commitT(t, s, fall)
	if _, st := loadT(t, s); st.Keys != 0 || st.Entries != 0 || st.Groups != 0 || st.Pending != 0 {
		t.Fatalf("after FLUSHALL: %+v", st)
	}
}
