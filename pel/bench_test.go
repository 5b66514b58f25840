package pel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// benchPending is the PEL size every benchmark runs at.
const benchPending = 1_000_000

const benchConsumers = 8

// fillGroup delivers IDs 1..n round-robin to benchConsumers consumers at
// time 0 and returns the group and its consumers.
func fillGroup(b *testing.B, n int) (*Group, []*Consumer) {
	b.Helper()
	gs := &Groups{}
	g, _ := gs.Create("bench", stream.ID{}, 0)
	cs := make([]*Consumer, benchConsumers)
	for i := range cs {
		cs[i], _ = g.CreateConsumer(fmt.Sprintf("consumer-%d", i), 0)
	}
	for i := 1; i <= n; i++ {
		if _, _, err := g.Deliver(cs[i%benchConsumers], id(uint64(i)), 0); err != nil {
			b.Fatal(err)
		}
	}
	return g, cs
}

// sharedGroup is a 1,000,000-entry group for benchmarks that leave its
// membership unchanged, built once per process.
var sharedGroup = sync.OnceValues(func() (*Group, []*Consumer) {
	return fillGroup(&testing.B{}, benchPending)
})

// BenchmarkDeliver is XREADGROUP '>' recording one delivery into a group
// that already holds 1,000,000 pending entries.
func BenchmarkDeliver(b *testing.B) {
	b.Run("append", func(b *testing.B) {
		g, cs := fillGroup(b, benchPending)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			g.Deliver(cs[i%benchConsumers], id(uint64(benchPending+1+i)), 1)
		}
	})
	// A queue at steady state: deliver at the tail, ack at the head.
	b.Run("with-ack-of-oldest", func(b *testing.B) {
		g, cs := fillGroup(b, benchPending)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			g.Deliver(cs[i%benchConsumers], id(uint64(benchPending+1+i)), 1)
			g.Ack(id(uint64(1 + i)))
		}
	})
}

// BenchmarkAck is XACK of one ID while at least 1,000,000 entries stay
// pending: the group holds 1,000,000+b.N entries and b.N of them are acked.
func BenchmarkAck(b *testing.B) {
	b.Run("oldest-first", func(b *testing.B) {
		g, _ := fillGroup(b, benchPending+b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if !g.Ack(id(uint64(1 + i))) {
				b.Fatal("ack missed")
			}
		}
	})
	b.Run("random", func(b *testing.B) {
		total := benchPending + b.N
		g, _ := fillGroup(b, total)
		order := rand.Perm(total)[:b.N]
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if !g.Ack(id(uint64(1 + order[i]))) {
				b.Fatal("ack missed")
			}
		}
	})
}

// BenchmarkRange is XPENDING key group start + 100 from a random start, on
// the group PEL and on one consumer's PEL (125,000 of the 1,000,000).
func BenchmarkRange(b *testing.B) {
	g, cs := sharedGroup()
	rng := rand.New(rand.NewPCG(1, 2))
	dst := make([]*Pending, 0, 100)
	b.Run("group-count-100", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			start := id(1 + rng.Uint64N(benchPending-200))
			dst = g.Range(dst[:0], Query{Start: start, End: stream.Max, Count: 100})
			if len(dst) != 100 {
				b.Fatalf("got %d", len(dst))
			}
		}
	})
	b.Run("consumer-count-100", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			start := id(1 + rng.Uint64N(benchPending-2000))
			dst = cs[3].Range(dst[:0], Query{Start: start, End: stream.Max, Count: 100})
			if len(dst) != 100 {
				b.Fatalf("got %d", len(dst))
			}
		}
	})
	// IDLE filter that only every 10th record passes: 1,000 scanned.
	b.Run("group-count-100-idle-filter", func(b *testing.B) {
		h, hc := fillGroup(b, 0)
		for i := 1; i <= benchPending; i++ {
			t := int64(1000)
			if i%10 == 0 {
				t = 0
			}
			h.Deliver(hc[i%benchConsumers], id(uint64(i)), t)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := id(1 + rng.Uint64N(benchPending-2000))
			dst = h.Range(dst[:0], Query{Start: start, End: stream.Max, Count: 100, MinIdle: 500, Now: 1000})
			if len(dst) != 100 {
				b.Fatalf("got %d", len(dst))
			}
		}
	})
}

// BenchmarkAutoclaimScan is XAUTOCLAIM key group c min-idle start COUNT 100
// over 1,000,000 pending entries (Group.AutoClaim).
func BenchmarkAutoclaimScan(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	always := func(stream.ID) bool { return true }
	// Nothing is idle enough: the whole budget of 1,000 attempts is spent.
	b.Run("none-idle-1000-attempts", func(b *testing.B) {
		g, cs := sharedGroup()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			start := id(1 + rng.Uint64N(benchPending-2000))
			r, _ := g.AutoClaim(cs[0], start, 100, 1<<40, true, 1, always)
			if len(r.Claimed) != 0 || r.Next.IsZero() {
				b.Fatal("unexpected claim")
			}
		}
	})
	// Everything is idle: 100 records move to one consumer.
	b.Run("claim-100", func(b *testing.B) {
		g, cs := fillGroup(b, benchPending)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := id(1 + rng.Uint64N(benchPending-200))
			r, _ := g.AutoClaim(cs[i%benchConsumers], start, 100, 0, false, int64(i), always)
			if len(r.Claimed) != 100 {
				b.Fatalf("claimed %d", len(r.Claimed))
			}
		}
	})
}

// BenchmarkSummary is XPENDING key group with 8 consumers holding
// 1,000,000 entries.
func BenchmarkSummary(b *testing.B) {
	g, _ := sharedGroup()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if s := g.Summary(); s.Count != benchPending || len(s.Consumers) != benchConsumers {
			b.Fatal("bad summary")
		}
	}
}

// BenchmarkMemoryPerPending reports the heap held per pending entry of a
// 1,000,000-entry group (the record plus its slots in the group's and its
// owner's index), measured after a forced GC.
func BenchmarkMemoryPerPending(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		g, _ := fillGroup(b, benchPending)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchPending, "B/pending")
		runtime.KeepAlive(g)
	}
}
