package commands

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"
)

// The per-command latency histograms behind LATENCY HISTOGRAM and INFO
// latencystats. Redis keeps, per command, an HDR histogram of durations in
// nanoseconds from 1 to 10^9 at 2 significant figures: 256 sub-buckets per
// power of two, each value counted in the sub-bucket whose width is its
// resolution. It records a command's duration in whole microseconds, times
// 1000, clamped to that range, so only some sub-buckets can ever be hit.
// runnel counts exactly those (histBuckets of them, in value order), which
// gives the same percentiles as Redis at little more than half the memory
// of the full histogram.

// HDR layout at Redis's settings: 2 significant figures need 2*10^2
// distinct values per bucket, rounded up to a power of two.
const (
	hdrSubHalfMag = 7                  // log2 of half the sub-bucket count
	hdrSubHalf    = 1 << hdrSubHalfMag // 128
	hdrSubMask    = 2*hdrSubHalf - 1   // 255
	hdrMaxValue   = 1_000_000_000      // LATENCY_HISTOGRAM_MAX_VALUE, ns
	hdrIndexes    = 3072               // the full histogram's counts_len
)

// histBuckets is the number of sub-buckets a duration in whole
// microseconds can land in (TestHistBuckets checks it against the table).
const histBuckets = 1779

// hdrBucketOf returns the power-of-two bucket of a value, as HDR numbers
// them (bucket 0 holds 0..255 at unit width).
func hdrBucketOf(v int64) int { return bits.Len64(uint64(v|hdrSubMask)) - (hdrSubHalfMag + 1) }

// hdrIndex returns the counts index of v in the full histogram.
func hdrIndex(v int64) int {
	b := hdrBucketOf(v)
	return (b+1)<<hdrSubHalfMag + int(v>>b) - hdrSubHalf
}

// hdrValueAt returns the lowest value counted at index idx.
func hdrValueAt(idx int) int64 {
	b := idx>>hdrSubHalfMag - 1
	sub := int64(idx&(hdrSubHalf-1) + hdrSubHalf)
	if b < 0 {
		sub -= hdrSubHalf
		b = 0
	}
	return sub << b
}

// hdrLowest and hdrHighest return the bounds of the sub-bucket holding v
// (HDR's lowest and highest equivalent values).
func hdrLowest(v int64) int64 {
	b := hdrBucketOf(v)
	return (v >> b) << b
}

func hdrHighest(v int64) int64 {
	b := hdrBucketOf(v)
	if v>>b >= 2*hdrSubHalf {
		b++
	}
	return hdrLowest(v) + 1<<b - 1
}

// The tables that map between runnel's compact buckets and Redis's
// histogram, built once at start-up.
var (
	// histOf maps a full-histogram index to its compact bucket, -1 for
	// one no duration reaches.
	histOf [hdrIndexes]int16
	// histLow is each compact bucket's lowest value in nanoseconds.
	histLow [histBuckets]int64
	// histReport is each compact bucket's LATENCY HISTOGRAM bucket.
	histReport [histBuckets]uint8
	// histReachable counts the reachable sub-buckets found; init checks
	// it against histBuckets.
	histReachable int
)

func init() {
	for idx := range histOf {
		histOf[idx] = -1
		lo := hdrValueAt(idx)
		if idx > 0 && lo == 0 {
			continue
		}
		hi := hdrHighest(lo)
		// The smallest recordable value in [lo, hi]: 1 ns (a duration
		// under a microsecond) or a multiple of 1000 ns up to the maximum.
		first := (lo + 999) / 1000 * 1000
		if first == 0 {
			first = 1000
		}
		if !(lo <= 1 && 1 <= hi) && (first > hi || first > hdrMaxValue) {
			continue
		}
		if histReachable < histBuckets {
			histOf[idx] = int16(histReachable)
			histLow[histReachable] = lo
			histReport[histReachable] = uint8(reportBucket(lo))
		}
		histReachable++
	}
	if histReachable != histBuckets {
		panic("commands: histBuckets is " + strconv.Itoa(histBuckets) + ", the histogram has " + strconv.Itoa(histReachable))
	}
}

// histBucket returns the compact bucket of a duration of us
// microseconds: Redis records us*1000 ns, at least 1 ns and at most 1 s.
func histBucket(us int64) int {
	v := int64(hdrMaxValue)
	if us < hdrMaxValue/1000 {
		v = max(us*1000, 1)
	}
	return int(histOf[hdrIndex(v)])
}

// reportBuckets is the number of LATENCY HISTOGRAM buckets: bucket k
// counts the durations up to reportUpper(k), the last one everything up to
// Redis's 1 s ceiling.
const reportBuckets = 21

// reportUpper returns LATENCY HISTOGRAM bucket k's upper bound in
// nanoseconds: Redis reports the histogram at the powers of two from
// 1024 ns, each bound the highest value equivalent to 1024<<k.
func reportUpper(k int) int64 { return 1024<<k + 8<<k - 1 }

// reportBucket returns the LATENCY HISTOGRAM bucket of a value in ns.
func reportBucket(v int64) int {
	if v <= reportUpper(0) {
		return 0
	}
	v = min(v, hdrMaxValue)
	k := bits.Len64(uint64(v)) - 11
	if v > reportUpper(k) {
		k++
	}
	return k
}

// histPercentile returns the value at percentile p of the counts (compact
// buckets), in nanoseconds, as Redis's histogram answers it: the bucket
// where the running count reaches p% of the total (rounded, at least 1),
// given as its highest value (its lowest for p = 0). total is the sum of
// counts and must be positive.
func histPercentile(counts *[histBuckets]int64, total int64, p float64) int64 {
	want := int64(min(p, 100)/100*float64(total) + 0.5)
	want = min(max(want, 1), total)
	var run int64
	for i, n := range counts {
		run += n
		if run >= want {
			if p == 0 {
				return histLow[i]
			}
			return hdrHighest(histLow[i])
		}
	}
	return 0
}

// defaultPercentiles is latency-tracking-info-percentiles' default.
var defaultPercentiles = []float64{50, 99, 99.9}

// formatPercentile writes p as Redis prints a percentile, in CONFIG GET
// and in INFO's field names: %f with the trailing zeros (and point) cut.
func formatPercentile(p float64) string {
	s := strconv.FormatFloat(p, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// parsePercentiles reads latency-tracking-info-percentiles: percentages
// separated by single spaces, as C's strtod reads them; "" is the empty
// list. It returns the canonical value and Redis's error text.
func parsePercentiles(v string) ([]float64, string, string) {
	if v == "" {
		return nil, "", ""
	}
	var ps []float64
	var out []string
	for _, f := range strings.Split(v, " ") {
		p, ok := parseCDouble(f)
		if !ok {
			return nil, "", "Invalid latency-tracking-info-percentiles parameters"
		}
		if p > 100 || p < 0 {
			return nil, "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
		}
		ps = append(ps, p)
		out = append(out, formatPercentile(p))
	}
	return ps, strings.Join(out, " "), ""
}

// parseCDouble reads s as Redis's string2d does with strtod: the whole
// string, no leading blank, decimal or hexadecimal (0x...), inf allowed,
// NaN and overflow refused.
func parseCDouble(s string) (float64, bool) {
	if s == "" || strings.ContainsAny(s, "_ \t\n\v\f\r") {
		return 0, false
	}
	t := strings.TrimLeft(s, "+-")
	if len(s)-len(t) > 1 {
		return 0, false
	}
	if len(t) > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && !strings.ContainsAny(t, "pP") {
		s += "p0" // Go wants a binary exponent on a hexadecimal float
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return 0, false
	}
	return f, true
}

// percentilesString returns latency-tracking-info-percentiles as CONFIG
// GET shows it.
func (m *slowMonitor) percentilesString() string {
	ps := *m.percentiles.Load()
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = formatPercentile(p)
	}
	return strings.Join(out, " ")
}

// infoLatencystats writes INFO's latencystats section: for each command
// (subcommands by their full name) with calls in its histogram, one line
// latency_percentiles_usec_<name>:p<P>=<usec>,... for the configured
// percentiles, in microseconds to 3 decimals. Lines come sorted by name
// (Redis's order is its command dictionary's). With latency-tracking off
// the section is empty, as in Redis.
func (s *Server) infoLatencystats(b *infoBuilder) {
	m := &s.stats.mon
	if !m.tracking.Load() {
		return
	}
	ps := *m.percentiles.Load()
	type line struct {
		name string
		cs   *cmdStat
	}
	var lines []line
	for cmd, cs := range s.stats.perCmd {
		// calls rules most rows out without summing their buckets.
		if cmd.Handler != nil && cs.calls.Load() > 0 && cs.histTotal() > 0 {
			lines = append(lines, line{cmd.Name, cs})
		}
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	var counts [histBuckets]int64
	for _, l := range lines {
		total := int64(0)
		h := l.cs.buckets()
		for i := range counts {
			counts[i] = h[i].Load()
			total += counts[i]
		}
		if total == 0 {
			continue // reset meanwhile
		}
		b.WriteString("latency_percentiles_usec_")
		b.WriteString(l.name)
		b.WriteByte(':')
		for j, p := range ps {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('p')
			b.WriteString(formatPercentile(p))
			b.WriteByte('=')
			b.WriteString(strconv.FormatFloat(float64(histPercentile(&counts, total, p))/1000, 'f', 3, 64))
		}
		b.WriteString("\r\n")
	}
}
