package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBlockedCommandStats checks what INFO commandstats, the latency
// histogram and the slow log record for a blocked XREAD: the time the
// command ran, in the attempt that blocked and in the one that served it,
// never the time it spent blocked; counted once, when it ends.
//
// Redis 7.0.15 gave, with slowlog-log-slower-than 0:
//   - XREAD BLOCK 200 that timed out: cmdstat_xread calls=1 usec=10 (the
//     attempt that blocked), counted when it blocked; no slow log entry, no
//     LATENCY HISTOGRAM sample.
//   - XREAD BLOCK 3000 served by an XADD 100 ms later: calls=1 usec=6 while
//     blocked, usec=16 once served; one slow log entry of 10 µs (the serving
//     run) and one histogram sample of the same.
//
// Redis 7.4, runnel's target, counts the command once it is served or times
// out: calls, usec, the histogram sample and the slow log entry all take
// the time of both attempts (a timeout adds none), so a timed-out XREAD is
// in the slow log too. runnel follows 7.4. Either way, blocked time is not
// counted, which is what is asserted here; exact microseconds are not.
func TestBlockedCommandStats(t *testing.T) {
	srv, addr := startServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	runSteps(t, a, []step{
		s(ok, "CONFIG", "SET", "slowlog-log-slower-than", "0"),
		s(ok, "CONFIG", "RESETSTAT"),
		s(ok, "SLOWLOG", "RESET"),
	})
	xread := srv.stats.lookup(Lookup("xread"))
	xreadEntries := func() []slowEntry {
		srv.stats.mon.mu.Lock()
		defer srv.stats.mon.mu.Unlock()
		var out []slowEntry
		for _, e := range srv.stats.mon.entries {
			if e.args[0] == "XREAD" {
				out = append(out, e)
			}
		}
		return out
	}
	check := func(what string, blocked time.Duration) {
		t.Helper()
		calls, usec := xread.calls.Load(), xread.usec.Load()
		if calls != 1 || xread.histTotal() != 1 {
			t.Errorf("%s: calls=%d, histogram samples %d; want 1 and 1", what, calls, xread.histTotal())
		}
		// The attempts did real work (hundreds of keys or entries), so
		// they took some microseconds, and far fewer than the wait.
		if usec <= 0 || usec >= blocked.Microseconds()/2 {
			t.Errorf("%s: usec=%d, want the run time: above 0 and well below the %v blocked", what, usec, blocked)
		}
		if h := xread.buckets(); h[histBucket(usec)].Load() != 1 {
			t.Errorf("%s: the histogram's sample is not in the bucket of %d µs", what, usec)
		}
		entries := xreadEntries()
		if len(entries) != 1 {
			t.Fatalf("%s: %d XREAD slow log entries, want 1", what, len(entries))
		}
		if entries[0].usec != usec {
			t.Errorf("%s: slow log entry of %d µs, commandstats %d µs: want the same run time", what, entries[0].usec, usec)
		}
	}

	// A timeout: the attempt that blocked registers 300 keys.
	args := []string{"XREAD", "BLOCK", "200", "STREAMS"}
	for i := range 300 {
		args = append(args, "k"+strconv.Itoa(i))
	}
	for range 300 {
		args = append(args, "$")
	}
	began := time.Now()
	if got := b.do(args...); got != "*-1\r\n" {
		t.Fatalf("timed-out XREAD: %q", got)
	}
	check("timed out", time.Since(began))

	// Served 100 ms later by a transaction that adds 2000 entries: the
	// serving run returns them all.
	runSteps(t, a, []step{
		s(ok, "CONFIG", "RESETSTAT"),
		s(ok, "SLOWLOG", "RESET"),
	})
	began = time.Now()
	b.send("XREAD", "BLOCK", "5000", "STREAMS", "s", "$")
	waitFor(t, "the XREAD to block", func() bool { return blockedClients(srv) == 1 })
	time.Sleep(100 * time.Millisecond)
	a.do("MULTI")
	for i := range 2000 {
		a.send("XADD", "s", strconv.Itoa(i+1)+"-1", "f", "v")
	}
	for range 2000 {
		if got := a.read(); got != "+QUEUED\r\n" {
			t.Fatalf("XADD in MULTI: %q", got)
		}
	}
	a.do("EXEC")
	got := b.read()
	blocked := time.Since(began)
	if !strings.HasPrefix(got, "*1\r\n*2\r\n$1\r\ns\r\n*2000\r\n") {
		t.Fatalf("served XREAD: %.60q", got)
	}
	check("served", blocked)
}
