package commands

import (
	"math"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestStrtod: DEBUG SLEEP reads its argument as C's strtod, ignoring what
// follows the number (values checked against redis-server's DEBUG SLEEP).
func TestStrtod(t *testing.T) {
	for in, want := range map[string]float64{
		"abc": 0, "": 0, "0": 0, ".5": 0.5, " 1": 1, "\t2.5": 2.5, "1abc": 1,
		"+.5e0x": 0.5, "1e": 1, "1e+": 1, "2e3": 2000, "-5": -5, "9.3e12": 9.3e12,
		"0x10": 16, "0x1p-1": 0.5, "0x.8": 0.5, "0x": 0, "0xg": 0, ".": 0, "-": 0,
		"inf": math.Inf(1), "-Infinity": math.Inf(-1), "1e999": math.Inf(1), "+": 0,
	} {
		if got := strtod([]byte(in)); got != want {
			t.Errorf("strtod(%q) = %v, want %v", in, got, want)
		}
	}
	if got := strtod([]byte("NaN")); !math.IsNaN(got) {
		t.Errorf("strtod(NaN) = %v", got)
	}
}

// TestDebugCommands: DEBUG's subcommands and errors answer as Redis's.
func TestDebugCommands(t *testing.T) {
	_, addr := startServer(t, func(s *Server) {
		if err := s.SetConfig("enable-debug-command", "yes"); err != nil {
			t.Fatal(err)
		}
	})
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP."), "DEBUG", "FOO"),
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."), "DEBUG", "SLEEP"),
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."), "DEBUG", "SLEEP", "1", "2"),
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP."), "DEBUG", "OBJECT"),
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP."), "DEBUG", "OBJECT", "s", "x"),
		s(errReply(ErrNoSuchKey), "DEBUG", "OBJECT", "nokey"),
		s(ok, "DEBUG", "SLEEP", "abc"),
		s(ok, "DEBUG", "SLEEP", "-5"),
		s(ok, "DEBUG", "SLEEP", "inf"),
		s(ok, "DEBUG", "SLEEP", "nan"),
		s(bulk("1-1"), "XADD", "s", "1-1", "f", "v"),
	})
	start := time.Now()
	if got := c.do("DEBUG", "SLEEP", "0.05x"); got != ok {
		t.Fatalf("DEBUG SLEEP 0.05x = %q", got)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("DEBUG SLEEP 0.05x returned after %v", d)
	}
	re := regexp.MustCompile(`^\+Value at:0x[0-9a-f]+ refcount:1 encoding:stream serializedlength:(\d+) lru:(\d+) lru_seconds_idle:(\d+)\r\n$`)
	got := c.do("DEBUG", "OBJECT", "s")
	m := re.FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("DEBUG OBJECT s = %q", got)
	}
	lru, _ := strconv.ParseInt(m[2], 10, 64)
	if now := time.Now().Unix() & lruClockMask; lru > now || lru < now-2 {
		t.Errorf("DEBUG OBJECT lru = %d, the LRU clock is %d", lru, now)
	}
	if m[3] != "0" {
		t.Errorf("DEBUG OBJECT lru_seconds_idle = %s just after XADD", m[3])
	}
	c.do("XADD", "s", "2-1", "field", "value")
	m2 := re.FindStringSubmatch(c.do("DEBUG", "OBJECT", "s"))
	if m2 == nil || len(m2[1]) == 0 {
		t.Fatal("DEBUG OBJECT after a second XADD does not match")
	}
	n1, _ := strconv.Atoi(m[1])
	n2, _ := strconv.Atoi(m2[1])
	if n1 <= 0 || n2 <= n1 {
		t.Errorf("serializedlength %d, then %d after one more entry", n1, n2)
	}
}

// TestDebugObjectIdle: lru_seconds_idle counts from the last command that
// looked the key up; DEBUG OBJECT itself and a NO-TOUCH client's reads
// leave it, TOUCH does not.
func TestDebugObjectIdle(t *testing.T) {
	f := newFake(t, Options{})
	if err := f.s.SetConfig("enable-debug-command", "yes"); err != nil {
		t.Fatal(err)
	}
	f.do("XADD", "s", "1-1", "f", "v")
	o := f.s.dbs[0].keys["s"]
	idle := func() string {
		m := regexp.MustCompile(`lru_seconds_idle:(\d+)`).FindStringSubmatch(f.do("DEBUG", "OBJECT", "s"))
		if m == nil {
			t.Fatal("DEBUG OBJECT has no lru_seconds_idle")
		}
		return m[1]
	}
	setAccess := func(ms int64) {
		f.s.mu.Lock()
		o.access = ms
		f.s.mu.Unlock()
	}
	setAccess(time.Now().UnixMilli() - 5000)
	if got := idle(); got != "5" && got != "4" {
		t.Errorf("idle after 5s = %s", got)
	}
	if got := idle(); got != "5" && got != "4" {
		t.Errorf("DEBUG OBJECT touched the key: idle %s", got)
	}
	f.do("CLIENT", "NO-TOUCH", "on")
	f.do("XLEN", "s")
	if got := idle(); got != "5" && got != "4" {
		t.Errorf("a NO-TOUCH read touched the key: idle %s", got)
	}
	f.do("TOUCH", "s")
	if got := idle(); got != "0" {
		t.Errorf("TOUCH left idle at %s", got)
	}
	f.do("CLIENT", "NO-TOUCH", "off")
	setAccess(time.Now().UnixMilli() - 5000)
	f.do("XRANGE", "s", "-", "+")
	if got := idle(); got != "0" {
		t.Errorf("a read left idle at %s", got)
	}
}
