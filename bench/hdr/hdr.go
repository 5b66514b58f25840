package hdr

import (
	"math"
	"math/bits"
)

const (
	subBits    = 7
	subCount   = 1 << subBits // linear sub-buckets per power-of-two range
	exactLimit = 2 * subCount // values below this have a bucket each
	// numBuckets covers every non-negative int64: the exact buckets, then
	// subCount buckets for each of the shifts 1..63-subBits-1.
	numBuckets = exactLimit + (63-subBits-1)*subCount
)

// Histogram counts non-negative int64 values (typically nanoseconds) in
// log-linear buckets. The zero value is not usable; call New.
type Histogram struct {
	counts []uint64
	total  uint64
	min    int64
	max    int64
	sum    float64
}

// New returns an empty histogram covering every non-negative int64.
func New() *Histogram {
	return &Histogram{counts: make([]uint64, numBuckets), min: math.MaxInt64}
}

// bucketOf returns the index of the bucket that counts v (v >= 0).
func bucketOf(v int64) int {
	if v < exactLimit {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - (subBits + 1)
	top := int(v >> uint(shift)) // in [subCount, 2*subCount)
	return exactLimit + (shift-1)*subCount + (top - subCount)
}

// bucketBounds returns the smallest and largest value counted by bucket i.
func bucketBounds(i int) (lo, hi int64) {
	if i < exactLimit {
		return int64(i), int64(i)
	}
	j := i - exactLimit
	shift := uint(j/subCount + 1)
	top := int64(j%subCount + subCount)
	lo = top << shift
	hi = lo + (int64(1) << shift) - 1
	return lo, hi
}

// Record counts one occurrence of v. Negative values are counted as 0.
func (h *Histogram) Record(v int64) { h.RecordN(v, 1) }

// RecordN counts n occurrences of v. Negative values are counted as 0.
func (h *Histogram) RecordN(v int64, n uint64) {
	if n == 0 {
		return
	}
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)] += n
	h.total += n
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.sum += float64(v) * float64(n)
}

// Merge adds every count of o to h. o is not modified; h and o may not be
// the same histogram.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
	h.sum += o.sum
	if o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
}

// Reset empties the histogram, keeping its storage.
func (h *Histogram) Reset() {
	clear(h.counts)
	h.total, h.sum, h.min, h.max = 0, 0, math.MaxInt64, 0
}

// Count returns the number of recorded values.
func (h *Histogram) Count() uint64 { return h.total }

// Min returns the smallest recorded value exactly, or 0 when empty.
func (h *Histogram) Min() int64 {
	if h.total == 0 {
		return 0
	}
	return h.min
}

// Max returns the largest recorded value exactly, or 0 when empty.
func (h *Histogram) Max() int64 { return h.max }

// Mean returns the exact arithmetic mean of the recorded values, or 0 when
// empty.
func (h *Histogram) Mean() float64 {
	if h.total == 0 {
		return 0
	}
	return h.sum / float64(h.total)
}

// Quantile returns the value at quantile q (0 <= q <= 1; out-of-range q is
// clamped): the largest value of the bucket holding the ceil(q*Count())-th
// smallest recorded value, clamped to [Min(), Max()]. So Quantile(0) is
// Min(), Quantile(1) is Max(), and any other result is at most 1/128 above
// the true order statistic. An empty histogram returns 0.
func (h *Histogram) Quantile(q float64) int64 {
	if h.total == 0 {
		return 0
	}
	if q <= 0 || math.IsNaN(q) {
		return h.min
	}
	if q >= 1 {
		return h.max
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := bucketBounds(i)
			if hi > h.max {
				hi = h.max
			}
			if hi < h.min {
				hi = h.min
			}
			return hi
		}
	}
	return h.max
}
