package persist

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/runnel-db/runnel/stream"
)

// backgroundEntries is the XADDs one iteration of BenchmarkAppendBackground
// writes: enough for a few dozen flushes and a dozen compactions.
const backgroundEntries = 1_000_000

// benchPayloads are the 100-byte field values the background benchmark
// writes: one byte repeated (what the server benchmark sends, compressing
// about twentyfold), random decimal digits (hardly compressible) and a
// small JSON document with random numbers in it (compressing about
// threefold, as typical event payloads do).
var benchPayloads = []struct {
	name string
	gen  func(r *rand.Rand, dst []byte) []byte
}{
	{"x", func(_ *rand.Rand, dst []byte) []byte {
		for range 100 {
			dst = append(dst, 'x')
		}
		return dst
	}},
	{"random", func(r *rand.Rand, dst []byte) []byte {
		for range 100 {
			dst = append(dst, byte('0'+r.IntN(10)))
		}
		return dst
	}},
	{"json", func(r *rand.Rand, dst []byte) []byte {
		dst = fmt.Appendf(dst, `{"device":"sensor-%04d","ts":%d,"kind":"temperature","value":%d.%02d,"ok":true}`,
			r.IntN(10000), 1700000000000+r.Int64N(1e9), r.IntN(40), r.IntN(100))
		for len(dst)%100 != 0 {
			dst = append(dst, ' ')
		}
		return dst
	}},
}

// cpuTime is the process's user plus system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAppendBackground measures what Pebble's background work
// (flushes, compactions, compression) costs per XADD, under runnel's
// options and under Pebble's defaults for the ones tuneCompaction sets.
// Each iteration opens a fresh store (fsync No) and writes
// backgroundEntries XADDs of one 100-byte field, round-robin over 1 or 64
// streams, as the commands layer does (a loose entry and the metadata per
// XADD, a node record when a node closes) in merged batches of 256 XADDs;
// it then waits for the compactions to end and compacts what is left in
// level 0, so that deferring compactions does not count as saving them.
// cpu-ns/entry is the whole process's CPU time per XADD (the batches'
// encoding included, which is the same under both option sets),
// flush-B/entry and compact-B/entry the table bytes flushes and
// compactions wrote, disk-B/entry the store's size afterwards (obsolete
// files not yet deleted included).
//
// Run it with a fixed iteration count, e.g.
//
//	go test -run '^$' -bench AppendBackground -benchtime 1x -count 5 ./persist/
func BenchmarkAppendBackground(b *testing.B) {
	for _, o := range []struct {
		name string
		tune func(*pebble.Options)
	}{{"runnel", nil}, {"pebble", pebbleDefaults}} {
		for _, p := range benchPayloads {
			for _, streams := range []int{1, 64} {
				b.Run(fmt.Sprintf("options=%s/payload=%s/streams=%d", o.name, p.name, streams), func(b *testing.B) {
					benchBackground(b, streams, p.gen, o.tune)
				})
			}
		}
	}
}

// pebbleDefaults undoes tuneCompaction: Pebble's default compression and
// level-0 thresholds.
func pebbleDefaults(po *pebble.Options) {
	po.Levels[0].Compression = func() *sstable.CompressionProfile { return sstable.SnappyCompression }
	po.L0CompactionThreshold = 0
	po.L0StopWritesThreshold = 0
}

func benchBackground(b *testing.B, streams int, gen func(*rand.Rand, []byte) []byte, tune func(*pebble.Options)) {
	const perBatch = 256
	var cpu time.Duration
	var flushed, compacted, disk uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := rand.New(rand.NewPCG(1, uint64(i)))
		s := openT(b, b.TempDir(), Options{Fsync: No, tune: tune})
		strs := make([]*stream.Stream, streams)
		bt := &Batch{}
		for u := range strs {
			strs[u] = stream.New(stream.DefaultConfig)
			bt.Add(Op{Kind: KeyPut, DB: 0, Key: fmt.Sprintf("events:%d", u), UID: uint64(u + 1)})
		}
		commitT(b, s, bt)
		bt.Reset()
		var val []byte
		fields := make([][]byte, 2)
		fields[0] = []byte("f")
		ms := uint64(1700000000000)
		b.StartTimer()
		cpu0 := cpuTime(b)
		for n := 0; n < backgroundEntries; n++ {
			u := n % streams
			st := strs[u]
			uid := uint64(u + 1)
			val = gen(r, val[:0])
			fields[1] = val
			if n%50 == 0 {
				ms++
			}
			id := stream.ID{Ms: ms, Seq: uint64(n)}
			if span, node := st.Append(id, fields); node != nil {
				bt.AddNode(uid, span, node)
			}
			bt.AddEntry(uid, id, fields)
			bt.Add(Op{Kind: StreamMetaPut, UID: uid, Meta: StreamMeta{LastID: st.LastID(), FirstID: st.FirstID(), EntriesAdded: st.EntriesAdded()}})
			if bt.Len() >= 3*perBatch {
				commitT(b, s, bt)
				bt.Reset()
			}
		}
		commitT(b, s, bt)
		waitCompactions(s.db)
		// What is still in L0 would be compacted later at the same cost
		// per byte: do it now, so that option sets that merely defer
		// compactions do not look cheaper.
		if err := s.db.Compact(context.Background(), []byte{0}, []byte{0xff}, false); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime(b) - cpu0
		b.StopTimer()
		m := s.db.Metrics()
		for l := range m.Levels {
			flushed += m.Levels[l].TableBytesFlushed
			compacted += m.Levels[l].TableBytesCompacted
		}
		disk += m.DiskSpaceUsage()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	n := float64(b.N) * backgroundEntries
	b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/entry")
	b.ReportMetric(float64(flushed)/n, "flush-B/entry")
	b.ReportMetric(float64(compacted)/n, "compact-B/entry")
	b.ReportMetric(float64(disk)/n, "disk-B/entry")
	b.ReportMetric(0, "ns/op")
}

// waitCompactions returns once db has had no flush or compaction running
// for 100ms.
func waitCompactions(db *pebble.DB) {
	idle := 0
	for idle < 10 {
		time.Sleep(10 * time.Millisecond)
		m := db.Metrics()
		if m.Compact.NumInProgress == 0 && m.Flush.NumInProgress == 0 {
			idle++
		} else {
			idle = 0
		}
	}
}
