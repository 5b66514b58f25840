package commands

import (
	"regexp"
	"strings"
	"testing"
)

// TestHistBuckets: the compact buckets are exactly the sub-buckets of
// Redis's histogram that a duration in whole microseconds reaches, in
// value order, each holding the values HDR puts there.
func TestHistBuckets(t *testing.T) {
	seen := map[int]bool{histBucket(0): true}
	prev := -1
	for us := int64(1); us <= 1_000_000; us++ {
		b := histBucket(us)
		if b < prev {
			t.Fatalf("histBucket(%d) = %d after %d: not in value order", us, b, prev)
		}
		prev = b
		seen[b] = true
		v := us * 1000
		if lo := histLow[b]; v < lo || v > hdrHighest(lo) {
			t.Fatalf("%d us is in bucket %d [%d, %d]", us, b, lo, hdrHighest(lo))
		}
		// LATENCY HISTOGRAM puts the whole sub-bucket where it puts v.
		if got, want := int(histReport[b]), reportBucket(v); got != want {
			t.Fatalf("%d us: reported in bucket %d, want %d", us, got, want)
		}
	}
	if len(seen) != histBuckets {
		t.Fatalf("durations reach %d buckets, histBuckets is %d", len(seen), histBuckets)
	}
	if histBucket(1<<40) != histBucket(1_000_000) || histBucket(-5) != histBucket(0) {
		t.Fatal("durations out of range are not clamped to 1 ns .. 1 s")
	}
}

// TestHdrValues: the equivalence ranges of Redis's histogram (1 ns to 1 s,
// 2 significant figures), checked on values redis-server 7.0.15 printed in
// INFO latencystats (25.087 us for a 25 us command) and on the edges.
func TestHdrValues(t *testing.T) {
	for _, tc := range []struct{ v, lo, hi int64 }{
		{1, 1, 1},
		{255, 255, 255},
		{256, 256, 257},
		{1000, 1000, 1003},
		{3000, 2992, 3007},
		{25000, 24960, 25087},
		{42000, 41984, 42239},
		{1_000_000_000, 998244352, 1002438655},
	} {
		if lo, hi := hdrLowest(tc.v), hdrHighest(tc.v); lo != tc.lo || hi != tc.hi {
			t.Errorf("%d: [%d, %d], want [%d, %d]", tc.v, lo, hi, tc.lo, tc.hi)
		}
		if got := hdrValueAt(hdrIndex(tc.v)); got != tc.lo {
			t.Errorf("hdrValueAt(hdrIndex(%d)) = %d, want %d", tc.v, got, tc.lo)
		}
	}
	if n := hdrIndex(hdrMaxValue); n >= hdrIndexes {
		t.Fatalf("the maximum's index %d is past the histogram's %d", n, hdrIndexes)
	}
}

func TestHistPercentile(t *testing.T) {
	var counts [histBuckets]int64
	add := func(us int64, n int64) { counts[histBucket(us)] += n }
	add(1, 90)   // 1000..1003 ns
	add(25, 9)   // 24960..25087 ns
	add(4000, 1) // 3997696..4014079 ns
	for _, tc := range []struct {
		p    float64
		want int64
	}{
		{0, 1000}, // the lowest value of the first bucket
		{0.0001, 1003},
		{50, 1003},
		{90, 1003},
		{90.5, 25087}, // 90.5 counts round to 91
		{99, 25087},
		{99.9, 4014079},
		{100, 4014079},
		{150, 4014079},
	} {
		if got := histPercentile(&counts, 100, tc.p); got != tc.want {
			t.Errorf("p%v = %d, want %d", tc.p, got, tc.want)
		}
	}
}

func TestParsePercentiles(t *testing.T) {
	for _, tc := range []struct{ in, canon, err string }{
		{"", "", ""},
		{"50 99 99.9", "50 99 99.9", ""},
		{"0 100", "0 100", ""},
		{"1e1 .5 5. +5 0x10", "10 0.5 5 5 16", ""},
		{"0.0001 0.00000001", "0.0001 0", ""},
		{"99.9999999999", "100", ""},
		{"101", "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
		{"-1", "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
		{"inf", "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
		{"abc", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"50 abc", "", "Invalid latency-tracking-info-percentiles parameters"},
		{" 50", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"50  99", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"50,99", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"nan", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"1e400", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"1_0", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"--5", "", "Invalid latency-tracking-info-percentiles parameters"},
	} {
		_, canon, err := parsePercentiles(tc.in)
		if canon != tc.canon || err != tc.err {
			t.Errorf("parsePercentiles(%q) = %q, %q; want %q, %q", tc.in, canon, err, tc.canon, tc.err)
		}
	}
}

// TestInfoLatencystats: the section's lines from known histograms, with
// the default and a configured list of percentiles, and empty with
// latency-tracking off.
func TestInfoLatencystats(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	c.do("CONFIG", "RESETSTAT")
	set := func(cmd *Command, buckets map[int64]int64) {
		cs := srv.stats.lookup(cmd)
		var n int64
		for us, k := range buckets {
			cs.buckets()[histBucket(us)].Store(k)
			n += k
		}
		cs.calls.Store(n)
	}
	set(Lookup("xlen"), map[int64]int64{1: 90, 25: 9, 4000: 1})
	set(Lookup("config").Sub["get"], map[int64]int64{0: 1})
	got := srv.infoString(map[string]bool{"latencystats": true}, false, false, false)
	// CONFIG RESETSTAT's own line comes between the two, in name order.
	want := regexp.MustCompile(`^# Latencystats\r\n` +
		`latency_percentiles_usec_config\|get:p50=0\.001,p99=0\.001,p99\.9=0\.001\r\n` +
		`latency_percentiles_usec_config\|resetstat:p50=[0-9.]+,p99=[0-9.]+,p99\.9=[0-9.]+\r\n` +
		`latency_percentiles_usec_xlen:p50=1\.003,p99=25\.087,p99\.9=4014\.079\r\n$`)
	if !want.MatchString(got) {
		t.Fatalf("INFO latencystats:\n%q\nwant\n%s", got, want)
	}
	runSteps(t, c, []step{s("+OK\r\n", "CONFIG", "SET", "latency-tracking-info-percentiles", "0 90.5 100")})
	got = srv.infoString(map[string]bool{"latencystats": true}, false, false, false)
	if line := "latency_percentiles_usec_xlen:p0=1.000,p90.5=25.087,p100=4014.079\r\n"; !strings.Contains(got, line) {
		t.Fatalf("INFO latencystats:\n%q\nlacks %q", got, line)
	}
	runSteps(t, c, []step{s("+OK\r\n", "CONFIG", "SET", "latency-tracking", "no")})
	if got = srv.infoString(map[string]bool{"latencystats": true}, false, false, false); got != "# Latencystats\r\n" {
		t.Fatalf("INFO latencystats with tracking off: %q", got)
	}
}
