package commands

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestXAckAllocs pins an allocation of the consumer-group hot path away:
// an XACK of a hundred pending IDs allocates nothing, its IDs parsed into
// scratch the server keeps.
func TestXAckAllocs(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	read := args("XREADGROUP GROUP g c COUNT 100 STREAMS s >")
	const rounds = 20
	for i := range 100 * rounds {
		f.do("XADD", "s", strconv.Itoa(i+1)+"-1", "f", "v")
	}
	var mallocs uint64
	var ms runtime.MemStats
	for r := range rounds {
		f.c.w.Reset()
		f.s.execute(f.c, read)
		ack := [][]byte{[]byte("XACK"), []byte("s"), []byte("g")}
		for i := range 100 {
			ack = append(ack, []byte(strconv.Itoa(100*r+i+1)+"-1"))
		}
		f.c.w.Reset()
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		f.s.execute(f.c, ack)
		runtime.ReadMemStats(&ms)
		if r > 0 { // the first XACK grows the scratch
			mallocs += ms.Mallocs - before
		}
		if got := string(f.c.w.B); got != ":100\r\n" {
			t.Fatalf("XACK of round %d = %q", r, got)
		}
	}
	if mallocs != 0 {
		t.Errorf("XACK of 100 pending IDs: %d allocations over %d calls, want 0", mallocs, rounds-1)
	}
	// Now the stream is drained: an XREADGROUP finds nothing (group and
	// consumer looked up by their names' bytes, the consumer's clock
	// recorded), and an XACK acknowledges nothing.
	ack := [][]byte{[]byte("XACK"), []byte("s"), []byte("g"), []byte("1-1")}
	if n := testing.AllocsPerRun(50, func() {
		f.c.w.Reset()
		f.s.execute(f.c, read)
		f.c.w.Reset()
		f.s.execute(f.c, ack)
	}); n != 0 {
		t.Errorf("XREADGROUP of nothing and XACK of nothing: %v allocations, want 0", n)
	}
}

// TestCommandTimeChain checks the clock reads of a pipeline: a command
// that follows another begins exactly when that one ended, one that
// follows a command which did not end normally (refused, blocked) reads the
// clock again, and a new batch reads the wall clock.
func TestCommandTimeChain(t *testing.T) {
	c := &Client{}
	first := c.commandTime()
	time.Sleep(time.Millisecond)
	d := c.commandEnd(first)
	if d < time.Millisecond {
		t.Fatalf("command of 1 ms lasted %v", d)
	}
	second := c.commandTime()
	if !second.Equal(first.Add(d)) {
		t.Fatalf("second command began at %v, first ended at %v", second, first.Add(d))
	}
	// The second command ends without commandEnd (say it blocked): the
	// third reads the clock.
	time.Sleep(time.Millisecond)
	third := c.commandTime()
	if third.Sub(second) < time.Millisecond {
		t.Fatalf("third command began %v after the second, want the clock read again", third.Sub(second))
	}
	c.commandEnd(third)
	c.clockSet, c.nextSet = false, false // the batch ends, as handle does
	time.Sleep(time.Millisecond)
	if fourth := c.commandTime(); fourth.Sub(third) < time.Millisecond {
		t.Fatalf("a new batch began %v after the last, want the wall clock read", fourth.Sub(third))
	}
}

// TestLookupCommandCache checks the client's one-command cache: a name
// found again in the same spelling is the same command, another spelling
// or another name is looked up afresh, and an unknown name is not cached.
func TestLookupCommandCache(t *testing.T) {
	c := &Client{srv: &Server{}}
	for _, tc := range []struct {
		name string
		want string // "" for unknown
	}{
		{"XADD", "xadd"}, {"XADD", "xadd"}, {"xadd", "xadd"}, {"XACK", "xack"},
		{"nosuchcmd", ""}, {"XACK", "xack"}, {"xgroup", "xgroup"}, {"XaDd", "xadd"},
	} {
		cmd := c.lookupCommand([]byte(tc.name))
		switch {
		case tc.want == "" && cmd != nil:
			t.Fatalf("lookupCommand(%q) = %s, want nil", tc.name, cmd.Name)
		case tc.want != "" && (cmd == nil || cmd.Name != tc.want):
			t.Fatalf("lookupCommand(%q) = %v, want %s", tc.name, cmd, tc.want)
		}
	}
	// The cached name is a copy: changing the caller's bytes changes
	// nothing.
	name := []byte("XADD")
	c.lookupCommand(name)
	copy(name, "XDEL")
	if cmd := c.lookupCommand(name); cmd == nil || cmd.Name != "xdel" {
		t.Fatalf("after the caller's buffer changed: %v", cmd)
	}
	if allocs := testing.AllocsPerRun(100, func() { c.lookupCommand(name) }); allocs != 0 {
		t.Fatalf("a cached lookup allocates %v times", allocs)
	}
}
