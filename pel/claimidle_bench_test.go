package pel

import (
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// BenchmarkClaimIdle is XREADGROUP ... COUNT 100 CLAIM min-idle-time over
// 1,000,000 pending entries, and what the delivery-time index costs the
// groups that have one (groups that never CLAIM have none: BenchmarkDeliver
// and BenchmarkAck measure them).
func BenchmarkClaimIdle(b *testing.B) {
	always := func(stream.ID) bool { return true }
	// The most idle 100 records move to one consumer; each claim makes them
	// the least idle, so every iteration claims the next 100.
	b.Run("claim-100", func(b *testing.B) {
		g, cs := fillGroup(b, benchPending)
		g.timeIndex()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r, _ := g.ClaimIdle(cs[i%benchConsumers], 1, 100, int64(2+i), always)
			if len(r.Claimed) != 100 {
				b.Fatalf("claimed %d", len(r.Claimed))
			}
		}
	})
	// The first CLAIM read of a group builds its index from the PEL.
	b.Run("build-index", func(b *testing.B) {
		g, _ := fillGroup(b, benchPending)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			g.byTime = nil
			g.timeIndex()
		}
	})
	// BenchmarkDeliver's steady-state queue, in a group with the index.
	b.Run("deliver-with-ack-of-oldest-indexed", func(b *testing.B) {
		g, cs := fillGroup(b, benchPending)
		g.timeIndex()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			g.Deliver(cs[i%benchConsumers], id(uint64(benchPending+1+i)), 1)
			g.Ack(id(uint64(1 + i)))
		}
	})
}
