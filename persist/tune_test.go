package persist

import (
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/runnel-db/runnel/stream"
)

// flushedXadds commits XADDs from..to of stream 1 (loose entries, a node
// record per ten, the metadata), applies them to m and flushes the write
// buffer, so that each call leaves one more table in level 0.
func flushedXadds(t *testing.T, s *Pebble, m *model, from, to uint64) {
	t.Helper()
	b := &Batch{}
	for i := from; i <= to; i++ {
		if i%10 == 0 {
			b.AddNode(1, stream.Span{First: id(i-9, 0), Last: id(i, 0)}, fmt.Appendf(nil, "node %d..%d %0200d", i-9, i, i))
		} else {
			b.AddEntry(1, id(i, 0), fields("f", fmt.Sprintf("%0100d", i)))
		}
	}
	b.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: StreamMeta{LastID: id(to, 0), FirstID: id(1, 0), EntriesAdded: to}})
	commitT(t, s, b)
	m.apply(b)
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
}

// tableCompressions counts the store's tables by compression profile name.
func tableCompressions(t *testing.T, s *Pebble) map[string]int {
	t.Helper()
	levels, err := s.db.SSTables(pebble.WithProperties())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, l := range levels {
		for _, tb := range l {
			out[tb.Properties.CompressionName]++
		}
	}
	return out
}

// TestSnappyTablesStayReadable opens a store written with Pebble's default
// compression (Snappy, as every store was before tuneCompaction) with the
// current options, checks Load returns all of it, writes more in the new
// compression and checks both after another restart.
func TestSnappyTablesStayReadable(t *testing.T) {
	dir := t.TempDir()
	m := newModel()
	s := openT(t, dir, Options{tune: pebbleDefaults})
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
	commitT(t, s, b)
	m.apply(b)
	flushedXadds(t, s, m, 1, 500)
	flushedXadds(t, s, m, 501, 1000)
	if c := tableCompressions(t, s); c[sstable.SnappyCompression.Name] == 0 {
		t.Fatalf("tables by compression %v, want Snappy ones", c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	check := func(s *Pebble) {
		t.Helper()
		got, _ := loadT(t, s)
		if d := diff(m.expected(), got); d != "" {
			t.Fatal(d)
		}
	}
	s = openT(t, dir, Options{})
	check(s)
	flushedXadds(t, s, m, 1001, 1500)
	c := tableCompressions(t, s)
	if c[sstable.FastestCompression.Name] == 0 {
		t.Fatalf("tables by compression %v, want %s ones", c, sstable.FastestCompression.Name)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, Options{})
	defer s.Close()
	check(s)
}

// TestLevel0CompactsLate checks that level 0 takes seven overlapping
// flushed tables without a compaction (Pebble compacts level 0 once its
// sublevels reach half of l0CompactionThreshold), where Pebble's default
// threshold (run as the control) compacts them. A new store starts with
// one: Open flushes the format record.
func TestLevel0CompactsLate(t *testing.T) {
	const tables = l0CompactionThreshold/2 - 1
	for _, tc := range []struct {
		name    string
		tune    func(*pebble.Options)
		compact bool
	}{
		{"runnel", nil, false},
		{"pebble", pebbleDefaults, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openT(t, t.TempDir(), Options{tune: tc.tune})
			defer s.Close()
			m := newModel()
			b := &Batch{}
			b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
			commitT(t, s, b)
			m.apply(b)
			flushes := tables - int(s.db.Metrics().Levels[0].Sublevels)
			for i := uint64(0); i < uint64(flushes); i++ {
				flushedXadds(t, s, m, i*100+1, i*100+100)
			}
			// A compaction starts right after the flush that triggers it;
			// give it time to run in the control, and to not run here.
			deadline := time.Now().Add(5 * time.Second)
			if !tc.compact {
				deadline = time.Now().Add(200 * time.Millisecond)
			}
			var mt *pebble.Metrics
			for {
				mt = s.db.Metrics()
				if mt.Compact.Count > 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if got := mt.Compact.Count > 0; got != tc.compact {
				t.Fatalf("%d compactions after %d flushes (level 0: %d tables, %d sublevels), want compaction %v",
					mt.Compact.Count, flushes, mt.Levels[0].TablesCount, mt.Levels[0].Sublevels, tc.compact)
			}
			if !tc.compact && mt.Levels[0].Sublevels != tables {
				t.Fatalf("level 0 has %d sublevels after %d flushes, want %d, one a table (they overlap)", mt.Levels[0].Sublevels, flushes, tables)
			}
			got, _ := loadT(t, s)
			if d := diff(m.expected(), got); d != "" {
				t.Fatal(d)
			}
		})
	}
}
