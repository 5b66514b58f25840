package commands

import (
	"math"
	"strings"
	"testing"
	"time"
)

func argsOf(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestSlowlogArgs(t *testing.T) {
	many := []string{"del"}
	for i := range 40 {
		many = append(many, strings.Repeat("k", i%3+1))
	}
	long := strings.Repeat("x", 200)
	cases := []struct {
		name string
		cmd  string
		args []string
		want []string
	}{
		{"plain", "xadd", []string{"XADD", "s", "*", "f", "v"}, []string{"XADD", "s", "*", "f", "v"}},
		{"long argument", "xadd", []string{"xadd", "s", "1-1", "f", long},
			[]string{"xadd", "s", "1-1", "f", long[:128] + "... (72 more bytes)"}},
		{"exactly 128 bytes", "xadd", []string{"xadd", long[:128]}, []string{"xadd", long[:128]}},
		{"too many arguments", "del", many, append(append([]string{}, many[:31]...), "... (10 more arguments)")},
		{"exactly 32 arguments", "del", many[:32], many[:32]},
		{"auth", "auth", []string{"AUTH", "user", "pw"}, []string{"AUTH", "(redacted)", "(redacted)"}},
		{"hello auth", "hello", []string{"hello", "3", "AUTH", "default", "pw", "SETNAME", "n"},
			[]string{"hello", "3", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"}},
		{"hello setname auth", "hello", []string{"hello", "3", "SETNAME", "auth", "AUTH", "u", "p"},
			[]string{"hello", "3", "SETNAME", "auth", "AUTH", "(redacted)", "(redacted)"}},
		{"hello without auth", "hello", []string{"hello", "3", "SETNAME", "auth"}, []string{"hello", "3", "SETNAME", "auth"}},
		// Redis redacts as it parses, so a call refused before its AUTH
		// (bad version, a syntax error) keeps it, and only the first AUTH
		// pair is hidden.
		{"hello bad version", "hello", []string{"hello", "4", "AUTH", "u", "pw"}, []string{"hello", "4", "AUTH", "u", "pw"}},
		{"hello short auth", "hello", []string{"hello", "3", "SETNAME", "n", "AUTH", "u"},
			[]string{"hello", "3", "SETNAME", "n", "AUTH", "u"}},
		{"hello two auths", "hello", []string{"hello", "3", "AUTH", "u", "p", "AUTH", "v", "q"},
			[]string{"hello", "3", "AUTH", "(redacted)", "(redacted)", "AUTH", "v", "q"}},
		{"auth one", "auth", []string{"AUTH", "pw"}, []string{"AUTH", "(redacted)"}},
		{"auth too many", "auth", []string{"AUTH", "a", "b", "c"}, []string{"AUTH", "a", "b", "c"}},
		{"config set requirepass", "config|set", []string{"config", "set", "timeout", "5", "REQUIREPASS", "pw"},
			[]string{"config", "set", "timeout", "5", "REQUIREPASS", "(redacted)"}},
		{"acl setuser", "acl|setuser", []string{"acl", "setuser", "bob", "on", ">pw"},
			[]string{"acl", "setuser", "(redacted)", "(redacted)", "(redacted)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := slowlogArgs(&Command{Name: tc.cmd}, argsOf(tc.args...))
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestMonitorGate(t *testing.T) {
	cases := []struct {
		slower, maxLen, latMs int64
		want                  int64
	}{
		{10000, 128, 0, 10_000_000},
		{0, 128, 0, 0},
		{-1, 128, 0, math.MaxInt64},
		{10000, 0, 0, math.MaxInt64},
		{-1, 128, 5, 5_000_000},
		{10000, 128, 5, 5_000_000},
		{1000, 128, 5, 1_000_000},
	}
	for _, tc := range cases {
		var m slowMonitor
		m.init()
		m.slower.Store(tc.slower)
		m.maxLen.Store(tc.maxLen)
		m.latThreshold.Store(tc.latMs)
		m.updateGate()
		if got := m.gate.Load(); got != tc.want {
			t.Errorf("slower %d maxLen %d latency %d: gate %d, want %d", tc.slower, tc.maxLen, tc.latMs, got, tc.want)
		}
	}
}

func TestSlowlogEntries(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(ok, "CONFIG", "SET", "slowlog-log-slower-than", "0"),
		s(ok, "SLOWLOG", "RESET"),
		s(ok, "CLIENT", "SETNAME", "watcher"),
		s(integer(2), "SLOWLOG", "LEN"),
	})
	c.do("XADD", "s", "1-1", "f", "v")
	// Newest first: SLOWLOG LEN was logged after it answered, then XADD.
	got := c.do("SLOWLOG", "GET", "2")
	srv.stats.mon.mu.Lock()
	entries := append([]slowEntry(nil), srv.stats.mon.entries...)
	srv.stats.mon.mu.Unlock()
	if len(entries) != 5 {
		t.Fatalf("%d entries, want 5 (SLOWLOG GET itself is logged after it answered)", len(entries))
	}
	xadd := entries[3]
	if strings.Join(xadd.args, " ") != "XADD s 1-1 f v" || xadd.name != "watcher" || !strings.HasPrefix(xadd.addr, "127.0.0.1:") {
		t.Errorf("XADD entry %+v", xadd)
	}
	if now := time.Now().Unix(); xadd.unix < now-5 || xadd.unix > now {
		t.Errorf("entry time %d, now %d", xadd.unix, now)
	}
	entry := func(e slowEntry) string {
		return arr(integer(e.id), integer(e.unix), integer(e.usec), bulks(e.args...), bulk(e.addr), bulk(e.name))
	}
	if want := arr(entry(entries[3]), entry(entries[2])); got != want {
		t.Errorf("SLOWLOG GET 2:\n got %q\nwant %q", got, want)
	}
	if entries[2].id+1 != entries[3].id {
		t.Errorf("ids %d then %d", entries[2].id, entries[3].id)
	}
	// Trimming keeps the newest.
	runSteps(t, c, []step{
		s(ok, "CONFIG", "SET", "slowlog-max-len", "2"),
		s(integer(2), "SLOWLOG", "LEN"),
		s(ok, "CONFIG", "SET", "slowlog-log-slower-than", "-1"),
		s(ok, "SLOWLOG", "RESET"),
		s("+PONG\r\n", "PING"),
		s(integer(0), "SLOWLOG", "LEN"),
		s(arr(), "SLOWLOG", "GET"),
		s(errReply("ERR count should be greater than or equal to -1"), "SLOWLOG", "GET", "-2"),
		s(errReply("ERR count should be greater than or equal to -1"), "SLOWLOG", "GET", "x"),
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP."), "SLOWLOG", "get", "1", "2"),
	})
}

func TestSlowlogSkipsExec(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(ok, "CONFIG", "SET", "slowlog-log-slower-than", "0"),
		s(ok, "SLOWLOG", "RESET"),
		s(ok, "MULTI"),
		s("+QUEUED\r\n", "PING"),
		s(arr("+PONG\r\n"), "EXEC"),
	})
	srv.stats.mon.mu.Lock()
	defer srv.stats.mon.mu.Unlock()
	var names []string
	for _, e := range srv.stats.mon.entries {
		names = append(names, e.args[0])
	}
	if got := strings.Join(names, " "); got != "SLOWLOG MULTI PING" {
		t.Errorf("logged %q, want SLOWLOG MULTI PING", got)
	}
}

// BenchmarkObserveFast measures the hook every command passes below the
// gate.
func BenchmarkObserveFast(b *testing.B) {
	s := New(Options{Logf: func(string, ...any) {}})
	c := &Client{}
	cmd := Lookup("ping")
	args := argsOf("PING")
	for b.Loop() {
		s.observe(c, cmd, args, 3*time.Microsecond)
	}
}
