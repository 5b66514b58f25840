package hdr

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBucketsTileTheRange(t *testing.T) {
	// Every bucket's bounds map back to it, and consecutive buckets leave no
	// gap: the buckets partition [0, MaxInt64].
	prevHi := int64(-1)
	for i := 0; i < numBuckets; i++ {
		lo, hi := bucketBounds(i)
		if lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, previous ended at %d", i, lo, prevHi)
		}
		if bucketOf(lo) != i || bucketOf(hi) != i {
			t.Fatalf("bucket %d [%d,%d] maps to %d,%d", i, lo, hi, bucketOf(lo), bucketOf(hi))
		}
		if lo >= exactLimit && float64(hi-lo+1)/float64(lo) > 1.0/subCount+1e-12 {
			t.Fatalf("bucket %d [%d,%d] wider than 1/%d of its value", i, lo, hi, subCount)
		}
		prevHi = hi
	}
	if prevHi != math.MaxInt64 {
		t.Fatalf("last bucket ends at %d, want MaxInt64", prevHi)
	}
}

func TestSmallValuesExact(t *testing.T) {
	h := New()
	for v := int64(0); v < exactLimit; v++ {
		h.Record(v)
	}
	for _, tc := range []struct {
		q    float64
		want int64
	}{{0, 0}, {0.5, 127}, {0.99, 253}, {1, 255}, {1.0 / 256, 0}, {2.0 / 256, 1}} {
		if got := h.Quantile(tc.q); got != tc.want {
			t.Errorf("Quantile(%v) = %d, want %d", tc.q, got, tc.want)
		}
	}
	if h.Count() != exactLimit || h.Min() != 0 || h.Max() != 255 {
		t.Errorf("count/min/max = %d/%d/%d", h.Count(), h.Min(), h.Max())
	}
	if h.Mean() != 127.5 {
		t.Errorf("mean = %v, want 127.5", h.Mean())
	}
}

func exactQuantile(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func TestQuantileRelativeError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dist := range []struct {
		name string
		gen  func() int64
	}{
		{"uniform-1ms", func() int64 { return rng.Int64N(1_000_000) }},
		{"lognormal", func() int64 { return int64(math.Exp(rng.NormFloat64()*2 + 12)) }},
		{"wide", func() int64 { return rng.Int64N(1 << 50) }},
	} {
		t.Run(dist.name, func(t *testing.T) {
			h := New()
			vals := make([]int64, 100_000)
			for i := range vals {
				vals[i] = dist.gen()
				h.Record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999} {
				want := exactQuantile(vals, q)
				got := h.Quantile(q)
				if got < want {
					t.Errorf("q=%v: got %d below true %d", q, got, want)
				}
				if float64(got-want) > float64(want)/subCount+1 {
					t.Errorf("q=%v: got %d, true %d: error above 1/%d", q, got, want, subCount)
				}
			}
			if h.Quantile(0) != vals[0] || h.Quantile(1) != vals[len(vals)-1] {
				t.Errorf("q=0/1: %d/%d, want %d/%d", h.Quantile(0), h.Quantile(1), vals[0], vals[len(vals)-1])
			}
		})
	}
}

func TestMergeEqualsSingle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	all := New()
	parts := []*Histogram{New(), New(), New(), New()}
	for i := 0; i < 50_000; i++ {
		v := rng.Int64N(10_000_000)
		all.Record(v)
		parts[i%len(parts)].Record(v)
	}
	merged := New()
	merged.Merge(New()) // merging an empty histogram changes nothing
	for _, p := range parts {
		merged.Merge(p)
	}
	if merged.Count() != all.Count() || merged.Min() != all.Min() || merged.Max() != all.Max() {
		t.Fatalf("merged count/min/max %d/%d/%d, single %d/%d/%d",
			merged.Count(), merged.Min(), merged.Max(), all.Count(), all.Min(), all.Max())
	}
	if math.Abs(merged.Mean()-all.Mean()) > 1e-6*all.Mean() {
		t.Fatalf("merged mean %v, single %v", merged.Mean(), all.Mean())
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		if merged.Quantile(q) != all.Quantile(q) {
			t.Errorf("q=%v: merged %d, single %d", q, merged.Quantile(q), all.Quantile(q))
		}
	}
}

func TestEdgeCases(t *testing.T) {
	h := New()
	if h.Quantile(0.5) != 0 || h.Count() != 0 || h.Min() != 0 || h.Max() != 0 || h.Mean() != 0 {
		t.Fatal("empty histogram must report zeros")
	}
	h.Record(-5) // clamped to 0
	h.Record(math.MaxInt64)
	h.RecordN(1000, 0) // no-op
	if h.Count() != 2 || h.Min() != 0 || h.Max() != math.MaxInt64 {
		t.Fatalf("count/min/max = %d/%d/%d", h.Count(), h.Min(), h.Max())
	}
	if h.Quantile(0.5) != 0 || h.Quantile(0.51) != math.MaxInt64 {
		t.Fatalf("median %d, q.51 %d", h.Quantile(0.5), h.Quantile(0.51))
	}
	if h.Quantile(math.NaN()) != 0 || h.Quantile(-1) != 0 || h.Quantile(2) != math.MaxInt64 {
		t.Fatal("out-of-range quantiles must clamp")
	}
	h.Reset()
	if h.Count() != 0 || h.Quantile(0.99) != 0 {
		t.Fatal("Reset must empty the histogram")
	}
	// A single value is reported exactly at every quantile (clamping to
	// min/max removes the bucket's width).
	h.RecordN(123_456_789, 10)
	for _, q := range []float64{0, 0.5, 0.999, 1} {
		if got := h.Quantile(q); got != 123_456_789 {
			t.Errorf("single value: Quantile(%v) = %d", q, got)
		}
	}
}

func BenchmarkRecord(b *testing.B) {
	h := New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.Record(int64(i&0xfffff) * 37)
	}
}

func BenchmarkQuantile(b *testing.B) {
	h := New()
	for i := 0; i < 100_000; i++ {
		h.Record(int64(i) * 1000)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Quantile(0.999)
	}
}
