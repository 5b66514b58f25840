package commands

import (
	"strings"
	"testing"
	"time"
)

func TestHistBucket(t *testing.T) {
	// The keys LATENCY HISTOGRAM shows, as redis-server reports them.
	keys := map[int]int64{0: 1, 1: 2, 2: 4, 3: 8, 4: 16, 5: 33, 6: 66, 7: 132, 10: 1056, 11: 2113, 15: 33816, 16: 67633}
	for k, want := range keys {
		if got := reportUpper(k) / 1000; got != want {
			t.Errorf("bucket %d key %d, want %d", k, got, want)
		}
	}
	cases := []struct {
		us   int64
		want int
	}{
		{0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {16, 4}, {17, 5}, {33, 5}, {34, 6},
		{1056, 10}, {1057, 11}, {999_999, 20}, {1_000_000, 20}, {5_000_000, 20}, {1 << 40, 20},
	}
	for _, tc := range cases {
		if got := int(histReport[histBucket(tc.us)]); got != tc.want {
			t.Errorf("LATENCY HISTOGRAM bucket of %d us = %d, want %d", tc.us, got, tc.want)
		}
	}
}

func TestLatencySeries(t *testing.T) {
	var m slowMonitor
	m.init()
	m.addLatency("command", 100, 5)
	m.addLatency("command", 100, 3) // same second: the higher stays
	m.addLatency("command", 100, 9)
	m.addLatency("command", 101, 2)
	ts := m.events["command"]
	h := ts.history()
	if len(h) != 2 || h[0] != (latencySample{100, 9}) || h[1] != (latencySample{101, 2}) || ts.max != 9 {
		t.Fatalf("history %v max %d", h, ts.max)
	}
	for i := range latencySamples + 10 {
		m.addLatency("command", int64(200+i), int64(i))
	}
	h = ts.history()
	if len(h) != latencySamples || h[0].unix != 210 || h[len(h)-1].unix != 200+latencySamples+9 || ts.max != latencySamples+9 {
		t.Fatalf("after wrapping: %d samples, first %v last %v, max %d", len(h), h[0], h[len(h)-1], ts.max)
	}
}

func TestLatencyEvents(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(arr(), "LATENCY", "LATEST"),
		s(bulk(doctorDisabled), "LATENCY", "DOCTOR"),
		s(ok, "CONFIG", "SET", "latency-monitor-threshold", "10"),
		s(bulk(doctorNoSpike), "LATENCY", "DOCTOR"),
	})
	cl := &Client{addr: "127.0.0.1:1"}
	srv.observe(cl, Lookup("xrange"), argsOf("XRANGE", "s", "-", "+"), 63*time.Millisecond)
	srv.observe(cl, Lookup("xlen"), argsOf("XLEN", "s"), 12*time.Millisecond)
	srv.observe(cl, Lookup("xlen"), argsOf("XLEN", "s"), 9*time.Millisecond) // under the threshold
	now := time.Now().Unix()
	latest := c.do("LATENCY", "LATEST")
	if !strings.Contains(latest, bulk("command")) || !strings.Contains(latest, integer(63)) || !strings.Contains(latest, bulk("fast-command")) {
		t.Errorf("LATENCY LATEST %q", latest)
	}
	hist := c.do("LATENCY", "HISTORY", "fast-command")
	if hist != arr(arr(integer(now), integer(12))) && hist != arr(arr(integer(now-1), integer(12))) {
		t.Errorf("LATENCY HISTORY fast-command %q", hist)
	}
	report := srv.doctorReport(now)
	want := doctorSpikes +
		"1. command: 1 latency spikes (average 63ms, mean deviation 0ms, period 1.00 sec). Worst all time event 63ms.\n" +
		"2. fast-command: 1 latency spikes (average 12ms, mean deviation 0ms, period 1.00 sec). Worst all time event 12ms.\n" +
		doctorAdvices + adviceSlowlogLook + adviceScheduler + adviceLargeObjects
	if report != want {
		t.Errorf("doctor:\n%s\nwant:\n%s", report, want)
	}
	// The slow log logs at 10 ms by default: XRANGE and the 12 ms XLEN.
	runSteps(t, c, []step{
		s(integer(2), "SLOWLOG", "LEN"),
		s(ok, "CONFIG", "SET", "slowlog-log-slower-than", "-1"),
	})
	if r := srv.doctorReport(now); !strings.Contains(r, strings.Replace(adviceSlowlogOn, "%d", "10000", 1)) {
		t.Errorf("doctor without slow log lacks its advice:\n%s", r)
	}
	runSteps(t, c, []step{
		s(arr(), "LATENCY", "HISTORY", "COMMAND"),
		s(integer(1), "LATENCY", "RESET", "COMMAND", "nosuch", "command"),
		s(errReply("ERR No samples available for event 'command'"), "LATENCY", "GRAPH", "command"),
		s(integer(1), "LATENCY", "RESET"),
		s(arr(), "LATENCY", "LATEST"),
	})
}

func TestLatencyHistogram(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	c.do("CONFIG", "RESETSTAT")
	cs := srv.stats.lookup(Lookup("xlen"))
	cs.buckets()[histBucket(0)].Store(2)
	cs.buckets()[histBucket(30)].Store(1)
	cs.calls.Store(3)
	want := "*2\r\n" + bulk("xlen") + "*4\r\n" + bulk("calls") + integer(3) + bulk("histogram_usec") + "*4\r\n" +
		integer(1) + integer(2) + integer(33) + integer(3)
	runSteps(t, c, []step{
		s(want, "LATENCY", "HISTOGRAM", "XLEN", "nosuch"),
		s(arr(), "LATENCY", "HISTOGRAM", "xrange"),
	})
	// Every call is counted once, in the bucket of its duration.
	for range 3 {
		c.do("XLEN", "s")
	}
	if got := cs.histTotal(); got != 6 {
		t.Errorf("histogram counts %d calls, want 6", got)
	}
	c.do("CONFIG", "SET", "latency-tracking", "no")
	c.do("XLEN", "s")
	if got := cs.histTotal(); got != 6 {
		t.Errorf("latency-tracking no: histogram counts %d calls, want 6", got)
	}
	c.do("CONFIG", "RESETSTAT")
	if got := cs.histTotal(); got != 0 {
		t.Errorf("after RESETSTAT: %d calls", got)
	}
}

// BenchmarkCalled measures the per-command counters, histogram included.
func BenchmarkCalled(b *testing.B) {
	s := New(Options{Logf: func(string, ...any) {}})
	cmd := Lookup("xlen")
	for b.Loop() {
		s.stats.called(cmd, nil, 3*time.Microsecond)
	}
}

// BenchmarkCalledParallel is BenchmarkCalled from every core at once, on
// one command's counters (the contended case of a single hot command).
func BenchmarkCalledParallel(b *testing.B) {
	s := New(Options{Logf: func(string, ...any) {}})
	cmd := Lookup("xlen")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.stats.called(cmd, nil, 3*time.Microsecond)
		}
	})
}

// TestLatencyGraph draws the samples redis-server drew this graph from
// (DEBUG SLEEP of 5, 30, 12, 2, 50, 20 and 7 ms, about a second apart).
func TestLatencyGraph(t *testing.T) {
	ts := &latencySeries{}
	const now = 1000
	for i, sm := range []latencySample{{now - 7, 5}, {now - 6, 30}, {now - 4, 12}, {now - 3, 2}, {now - 2, 50}, {now - 1, 20}, {now, 7}} {
		ts.samples[i] = sm
		ts.idx = i + 1
		ts.max = max(ts.max, sm.ms)
	}
	want := "command - high 50 ms, low 2 ms (all time high 50 ms)\n" +
		strings.Repeat("-", 80) + "\n" +
		"    #  \n" +
		" o  |  \n" +
		" |  |o \n" +
		"_|#_||o\n" +
		"       \n" +
		"7643210\n" +
		"sssssss\n"
	if got := latencyGraph("command", ts, now); got != want {
		t.Errorf("graph:\n%s\nwant:\n%s", got, want)
	}
	// 100 samples: two blocks of rows, the second for the last 20.
	ts = &latencySeries{}
	for i := range 100 {
		ts.samples[i] = latencySample{int64(now - 3600 - i), int64(i % 7)}
		ts.idx = i + 1
	}
	g := latencyGraph("x", ts, now)
	if n := strings.Count(g, "\n"); n != 2+2*(4+1+2)+1 {
		t.Errorf("%d lines:\n%s", n, g)
	}
	if !strings.Contains(g, "\n"+strings.Repeat("1", 80)+"\n") || !strings.Contains(g, strings.Repeat("h", 20)+"\n") {
		t.Errorf("hour labels missing:\n%s", g)
	}
}
