package stream

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"
)

const benchEntries = 1_000_000

// benchID is the i-th ID of a stream written at about ten entries per
// millisecond, like a busy XADD * producer.
func benchID(i int) ID { return ID{1_700_000_000_000 + uint64(i/10), uint64(i % 10)} }

// benchFields is one field "f" with a 100-byte value, the shape of the
// memory target.
func benchFields() [][]byte {
	return [][]byte{[]byte("f"), bytes.Repeat([]byte("v"), 100)}
}

// buildBench returns a stream of n entries, then collects garbage so that
// the build's GC work does not run into the measured loop.
func buildBench(n int) *Stream {
	s := New(DefaultConfig)
	f := benchFields()
	for i := 0; i < n; i++ {
		s.Append(benchID(i), f)
	}
	runtime.GC()
	return s
}

// BenchmarkAppend is XADD's store work: one 100-byte field per entry. The
// stream restarts every million entries to bound the benchmark's memory.
func BenchmarkAppend(b *testing.B) {
	f := benchFields()
	b.ReportAllocs()
	b.SetBytes(101)
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	var s *Stream
	for i := 0; i < b.N; i++ {
		if i%benchEntries == 0 {
			s = New(DefaultConfig)
		}
		s.Append(benchID(i%benchEntries), f)
	}
}

// BenchmarkAppendAutoID adds NextID, as XADD * does.
func BenchmarkAppendAutoID(b *testing.B) {
	f := benchFields()
	b.ReportAllocs()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	var s *Stream
	for i := 0; i < b.N; i++ {
		if i%benchEntries == 0 {
			s = New(DefaultConfig)
		}
		id, _ := s.NextID(1_700_000_000_000 + uint64(i/10))
		s.Append(id, f)
	}
}

func benchRange(b *testing.B, count int, rev bool) {
	s := buildBench(benchEntries)
	r := rand.New(rand.NewPCG(1, 1))
	starts := make([]ID, 1<<14)
	for i := range starts {
		starts[i] = benchID(r.IntN(benchEntries))
	}
	sum := 0
	fn := func(_ ID, f [][]byte) bool { sum += len(f[1]); return true }
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		at := starts[i&(len(starts)-1)]
		var n int
		if rev {
			n = s.RevRange(at, Min, count, fn)
		} else {
			n = s.Range(at, Max, count, fn)
		}
		if n == 0 {
			b.Fatal("empty range")
		}
	}
	runtime.KeepAlive(sum)
}

// BenchmarkRange10 is XRANGE start + COUNT 10 at random starts in 1M
// entries; the others vary count and direction.
func BenchmarkRange10(b *testing.B)     { benchRange(b, 10, false) }
func BenchmarkRange100(b *testing.B)    { benchRange(b, 100, false) }
func BenchmarkRevRange10(b *testing.B)  { benchRange(b, 10, true) }
func BenchmarkRevRange100(b *testing.B) { benchRange(b, 100, true) }

// BenchmarkGet looks up random entries of 1M by ID (XCLAIM, XREADGROUP
// history reads).
func BenchmarkGet(b *testing.B) {
	s := buildBench(benchEntries)
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]ID, 1<<14)
	for i := range keys {
		keys[i] = benchID(r.IntN(benchEntries))
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		if _, ok := s.Get(keys[i&(len(keys)-1)]); !ok {
			b.Fatal("missing entry")
		}
	}
}

// BenchmarkDelete is XDEL of entries in random order.
func BenchmarkDelete(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 3))
	order := r.Perm(benchEntries)
	b.ReportAllocs()
	var s *Stream
	for i := 0; i < b.N; i++ {
		if i%benchEntries == 0 {
			b.StopTimer()
			s = buildBench(benchEntries)
			b.StartTimer()
		}
		s.Delete(benchID(order[i%benchEntries]))
	}
}

// benchCappedAppend is XADD with MAXLEN: each append is followed by a trim
// to 100,000 entries, exact or `~` with Redis's default limit.
func benchCappedAppend(b *testing.B, approx bool) {
	const capLen = 100_000
	s := buildBench(capLen)
	f := benchFields()
	limit := int64(0)
	if approx {
		limit = DefaultConfig.ApproxTrimLimit()
	}
	removed := int64(0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		s.Append(benchID(capLen+i), f)
		removed += s.TrimMaxLen(capLen, approx, limit)
	}
	if removed == 0 && b.N > capLen {
		b.Fatal("nothing trimmed")
	}
}

func BenchmarkAppendTrimExact(b *testing.B)  { benchCappedAppend(b, false) }
func BenchmarkAppendTrimApprox(b *testing.B) { benchCappedAppend(b, true) }

// BenchmarkTrimAll measures trimming itself: dropping a 1M-entry stream to
// empty, per entry removed.
func BenchmarkTrimAll(b *testing.B) {
	b.ReportAllocs()
	for done := 0; done < b.N; done += benchEntries {
		b.StopTimer()
		s := buildBench(benchEntries)
		b.StartTimer()
		s.TrimMaxLen(0, true, 0)
	}
}

// BenchmarkMemory reports the heap cost of 1M entries of one 100-byte
// field ("f"), the memory target: bytes/entry is live heap after GC divided
// by entries; estimate/entry is MemoryUsage's figure.
func BenchmarkMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := buildBench(benchEntries)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchEntries, "bytes/entry")
		b.ReportMetric(float64(s.MemoryUsage())/benchEntries, "estimate/entry")
		b.ReportMetric(float64(benchEntries)/float64(s.Nodes()), "entries/node")
		runtime.KeepAlive(s)
	}
}

// BenchmarkRebuild compares the two ways a start-up rebuilds a stream of
// 100,000 entries of one 100-byte field: appending every entry (what a
// store of loose entries needs) and adopting the closed nodes Append
// reported (what a store of node records allows). Per op: one stream.
func BenchmarkRebuild(b *testing.B) {
	const n = 100_000
	f := benchFields()
	src := New(DefaultConfig)
	var spans []Span
	var images [][]byte
	for i := 0; i < n; i++ {
		if sp, data := src.Append(benchID(i), f); data != nil {
			spans, images = append(spans, sp), append(images, append([]byte(nil), data...))
		}
	}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := New(DefaultConfig)
			for i := 0; i < n; i++ {
				s.Append(benchID(i), f)
			}
		}
	})
	b.Run("adopt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := New(DefaultConfig)
			for i := range spans {
				if _, err := s.Adopt(spans[i], images[i], nil, ID{}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	// adopt-owned is the check and the indexing alone, without the copy:
	// each round hands the same images over again, which is sound here
	// only because with no deletions and no floor AdoptOwned writes
	// nothing into them.
	b.Run("adopt-owned", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := New(DefaultConfig)
			for i := range spans {
				if _, err := s.AdoptOwned(spans[i], images[i], nil, ID{}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
