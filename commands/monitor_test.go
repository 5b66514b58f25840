package commands

import (
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAppendRepr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"plain text", `"plain text"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\n\r\t\a\b", `"\n\r\t\a\b"`},
		{"\x00\x01\x1f\x7f\x80\xff", `"\x00\x01\x1f\x7f\x80\xff"`},
		{"é", `"\xc3\xa9"`},
		{" ~", `" ~"`},
	} {
		if got := string(appendRepr(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("appendRepr(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestRedacted(t *testing.T) {
	for _, tc := range []struct {
		args   string
		lo, hi int
	}{
		{"auth pw", 1, 2},
		{"auth u pw", 1, 3},
		{"auth a b c", 0, 0},
		{"hello", 0, 0},
		{"hello 3", 0, 0},
		{"hello 3 auth u p", 3, 5},
		{"hello 2 setname n AUTH u p", 5, 7},
		{"hello 3 auth u p auth v w", 3, 5},
		{"hello 3 setname n auth u", 0, 0},
		{"hello 4 auth u p", 0, 0},
		{"hello x auth u p", 0, 0},
		{"hello 3 bogus auth u p", 0, 0},
		{"xadd auth u p", 0, 0},
	} {
		f := strings.Fields(tc.args)
		args := make([][]byte, len(f))
		for i, a := range f {
			args[i] = []byte(a)
		}
		if lo, hi := redacted(f[0], args); lo != tc.lo || hi != tc.hi {
			t.Errorf("redacted(%s) = [%d:%d], want [%d:%d]", tc.args, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestAppendMonitorLine(t *testing.T) {
	for _, tc := range []struct {
		ns   int
		name string
		args []string
		want string
	}{
		{5000, "xadd", []string{"XADD", "s", "*", "f", "v"}, `+1700000000.000005 [3 1.2.3.4:5] "XADD" "s" "*" "f" "v"` + "\r\n"},
		{123456789, "auth", []string{"auth", "secret"}, `+1700000000.123456 [3 1.2.3.4:5] "auth" "(redacted)"` + "\r\n"},
		{999999999, "ping", []string{"PING"}, `+1700000000.999999 [3 1.2.3.4:5] "PING"` + "\r\n"},
		{0, "echo", []string{"ECHO", ""}, `+1700000000.000000 [3 1.2.3.4:5] "ECHO" ""` + "\r\n"},
	} {
		args := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			args[i] = []byte(a)
		}
		got := string(appendMonitorLine(nil, time.Unix(1700000000, int64(tc.ns)), 3, "1.2.3.4:5", tc.name, args))
		if got != tc.want {
			t.Errorf("line = %q, want %q", got, tc.want)
		}
	}
}

var monitorHead = regexp.MustCompile(`^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$`)

// monitorLine reads one feed line and returns it as "<db> <client> args",
// the client being the name addrs gives its address; it checks the time
// is recent.
func monitorLine(t *testing.T, m *rawClient, addrs map[string]string) string {
	t.Helper()
	line := m.read()
	g := monitorHead.FindStringSubmatch(line)
	if g == nil {
		t.Fatalf("not a monitor line: %.80q", line)
	}
	secs, now := int64(0), time.Now().Unix()
	if v, err := strconv.ParseInt(g[1], 10, 64); err == nil {
		secs = v
	}
	if secs < now-60 || secs > now+1 {
		t.Fatalf("line time %s is not now (%d): %.80q", g[1], now, line)
	}
	who := addrs[g[4]]
	if who == "" {
		t.Fatalf("line from unknown address %s: %.80q", g[4], line)
	}
	return g[3] + " " + who + " " + g[5]
}

// TestMonitorFeed: a monitor sees every client's commands in the order they
// ran, with the database after the command, EXEC's commands before EXEC,
// credentials redacted, refused and admin commands left out, and its own
// commands after their replies.
func TestMonitorFeed(t *testing.T) {
	_, addr := startServer(t)
	a, b, m := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	addrs := map[string]string{
		a.conn.LocalAddr().String(): "A",
		b.conn.LocalAddr().String(): "B",
		m.conn.LocalAddr().String(): "M",
	}
	if got := m.do("MONITOR"); got != "+OK\r\n" {
		t.Fatalf("MONITOR = %q", got)
	}
	a.do("XADD", "s", "1-1", "f", "a\"b\n")
	b.do("XLEN", "s")
	a.do("XLEN", "s", "extra") // wrong arity: not fed
	a.do("NOSUCH")             // unknown: not fed
	a.do("CONFIG", "GET", "maxclients")
	a.do("CLIENT", "LIST")
	a.do("SELECT", "2")
	a.do("XLEN", "s")
	a.do("SELECT", "0")
	a.do("MULTI")
	a.do("XADD", "s", "2-1", "f", "v")
	a.do("XLEN", "s")
	a.do("EXEC")
	b.do("AUTH", "user", "pass")
	b.do("HELLO", "2", "AUTH", "user", "pass", "SETNAME", "n")
	want := []string{
		`0 A "XADD" "s" "1-1" "f" "a\"b\n"`,
		`0 B "XLEN" "s"`,
		`2 A "SELECT" "2"`,
		`2 A "XLEN" "s"`,
		`0 A "SELECT" "0"`,
		`0 A "MULTI"`,
		`0 A "XADD" "s" "2-1" "f" "v"`,
		`0 A "XLEN" "s"`,
		`0 A "EXEC"`,
		`0 B "AUTH" "(redacted)" "(redacted)"`,
		`0 B "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"`,
	}
	for i, w := range want {
		if got := monitorLine(t, m, addrs); got != w {
			t.Fatalf("line %d = %s, want %s", i, got, w)
		}
	}
	// The monitor's own command: its reply, then its line.
	if got := m.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("the monitor's PING = %q, want its reply before its line", got)
	}
	if got := monitorLine(t, m, addrs); got != `0 M "PING"` {
		t.Fatalf("line = %s", got)
	}
	// What a monitor may still run.
	runSteps(t, m, []step{
		s(errReply(ErrReplicaKeyspace), "XLEN", "s"),
		s(errReply(ErrReplicaKeyspace), "XADD", "s", "*", "f", "v"),
		s(errReply(ErrReplicaKeyspace), "PUBLISH", "c", "m"),
	})
	// A second MONITOR has no reply at all: the next reply is PING's.
	m.send("MONITOR")
	if got := m.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("after a second MONITOR, PING = %q", got)
	}
	if got := monitorLine(t, m, addrs); got != `0 M "PING"` {
		t.Fatalf("line = %s", got)
	}
	// A blocking command is fed when it blocks, before the write that
	// serves it.
	b.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	if got := monitorLine(t, m, addrs); got != `0 B "XREAD" "BLOCK" "0" "STREAMS" "s" "$"` {
		t.Fatalf("line = %s", got)
	}
	a.do("XADD", "s", "3-1", "f", "v")
	b.read()
	if got := monitorLine(t, m, addrs); got != `0 A "XADD" "s" "3-1" "f" "v"` {
		t.Fatalf("line = %s", got)
	}
	// RESET ends monitoring.
	if got := m.do("RESET"); got != "+RESET\r\n" {
		t.Fatalf("RESET = %q", got)
	}
	a.do("XLEN", "s")
	runSteps(t, m, []step{s(":3\r\n", "XLEN", "s")})
}

// TestMonitorInMulti: MONITOR queued in a transaction is refused when EXEC
// runs it, as Redis refuses it to a client that expects one reply per
// command.
func TestMonitorInMulti(t *testing.T) {
	_, addr := startServer(t)
	a := dialRaw(t, addr)
	runSteps(t, a, []step{
		s("+OK\r\n", "MULTI"),
		s("+QUEUED\r\n", "MONITOR"),
		s("*1\r\n"+errReply(errMonitorDenyBlocking), "EXEC"),
		s(":0\r\n", "XLEN", "s"),
	})
}

// TestMonitorClientList: CLIENT LIST flags a monitor O; RESET clears it.
func TestMonitorClientList(t *testing.T) {
	_, addr := startServer(t)
	a, m := dialRaw(t, addr), dialRaw(t, addr)
	m.do("CLIENT", "SETNAME", "mon")
	m.do("MONITOR")
	list := a.do("CLIENT", "LIST")
	if !strings.Contains(list, "name=mon age=") || !regexp.MustCompile(`name=mon [^\n]* flags=O [^\n]*cmd=monitor `).MatchString(list) {
		t.Fatalf("CLIENT LIST does not flag the monitor:\n%s", list)
	}
	m.do("RESET")
	list = a.do("CLIENT", "LIST")
	if strings.Contains(list, "flags=O") {
		t.Fatalf("CLIENT LIST still flags a monitor after RESET:\n%s", list)
	}
}

// TestMonitorDisconnect: a monitor that goes away leaves the list and no
// goroutine behind, and the commands after it pay nothing for it.
func TestMonitorDisconnect(t *testing.T) {
	s, addr := startServer(t)
	a := dialRaw(t, addr)
	a.do("PING") // a's connection goroutine and the idle reaper run
	before := runtime.NumGoroutine()
	for round := 0; round < 3; round++ {
		m := dialRaw(t, addr)
		m.do("MONITOR")
		for i := 0; i < 50; i++ {
			a.do("XADD", "s", "*", "f", strings.Repeat("x", 100))
		}
		m.conn.Close()
		waitFor(t, "the monitor to leave the list", func() bool { return !s.monitors.on() })
		a.do("XLEN", "s")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines, %d before the monitors came:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
	s.monitors.mu.Lock()
	n := len(s.monitors.list)
	s.monitors.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d monitors listed after they all left", n)
	}
}

// TestMonitorSlow: a monitor that reads nothing never stalls the writers;
// once its feed is over the output limits it is dropped.
func TestMonitorSlow(t *testing.T) {
	srv, addr := startServer(t)
	a := dialRaw(t, addr)
	runSteps(t, a, []step{s("+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0")})
	m := dialRaw(t, addr)
	m.do("MONITOR")
	// 8 MB of feed for a monitor that reads none of it, far past what the
	// socket buffers hold.
	// Each reply must come within read's 5 s limit.
	big := strings.Repeat("x", 8<<10)
	start := time.Now()
	for i := 0; i < 1000; i++ {
		a.send("XADD", "s", "*", "f", big)
		a.read()
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("1000 writes took %v behind a monitor that does not read", d)
	}
	waitFor(t, "the monitor over its limit to be dropped", func() bool { return !srv.monitors.on() })
	if got := a.do("XLEN", "s"); got != ":1000\r\n" {
		t.Fatalf("XLEN = %q", got)
	}
}

// TestMonitorSlowReader: a monitor that reads nothing for a while, within
// its limits, does not hold the writers back and then gets its whole feed,
// in order.
func TestMonitorSlowReader(t *testing.T) {
	_, addr := startServer(t)
	a, m := dialRaw(t, addr), dialRaw(t, addr)
	addrs := map[string]string{a.conn.LocalAddr().String(): "A"}
	m.do("MONITOR")
	big := strings.Repeat("y", 8<<10)
	const n = 400 // 3.2 MB: more than the socket buffers hold
	for i := 1; i <= n; i++ {
		a.send("XADD", "s", strconv.Itoa(i)+"-1", "f", big)
		a.read()
	}
	for i := 1; i <= n; i++ {
		want := `0 A "XADD" "s" "` + strconv.Itoa(i) + `-1" "f" "` + big + `"`
		if got := monitorLine(t, m, addrs); got != want {
			t.Fatalf("line %d = %.60s..., want %.60s...", i, got, want)
		}
	}
}

// TestMonitorClientReply: a monitor's CLIENT REPLY OFF or SKIP silences its
// feed as it silences its replies, and QUIT ends its feed at QUIT's reply.
// Each check relies on order: a line that should have been dropped would
// arrive before the one expected.
func TestMonitorClientReply(t *testing.T) {
	_, addr := startServer(t)
	a, m := dialRaw(t, addr), dialRaw(t, addr)
	addrs := map[string]string{a.conn.LocalAddr().String(): "A", m.conn.LocalAddr().String(): "M"}
	m.do("MONITOR")

	// OFF: neither the monitor's own commands nor A's reach it.
	m.send("CLIENT", "REPLY", "OFF")
	m.send("PING")
	// CLIENT LIST (admin: never fed) shows when M's PING, after its OFF, ran.
	maddr := "addr=" + m.conn.LocalAddr().String() + " "
	waitFor(t, "the monitor's PING to run", func() bool {
		for _, l := range strings.Split(a.do("CLIENT", "LIST"), "\n") {
			if strings.Contains(l, maddr) {
				return strings.Contains(l, " cmd=ping ")
			}
		}
		return false
	})
	a.do("XLEN", "s")
	if got := m.do("CLIENT", "REPLY", "ON"); got != "+OK\r\n" {
		t.Fatalf("CLIENT REPLY ON = %q", got)
	}
	if got := monitorLine(t, m, addrs); got != `0 M "CLIENT" "REPLY" "ON"` {
		t.Fatalf("first line after OFF = %s, want ON's own", got)
	}
	a.do("XLEN", "s", "x") // refused: fed to nobody
	a.do("XLEN", "s")
	if got := monitorLine(t, m, addrs); got != `0 A "XLEN" "s"` {
		t.Fatalf("line = %s", got)
	}

	// SKIP: its own line comes, then nothing until its next command ends.
	m.send("CLIENT", "REPLY", "SKIP")
	if got := monitorLine(t, m, addrs); got != `0 M "CLIENT" "REPLY" "SKIP"` {
		t.Fatalf("line = %s, want SKIP's own", got)
	}
	a.do("XADD", "s", "1-1", "f", "v") // M is silenced
	m.send("PING")                     // skipped: no reply, no line
	if got := m.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("the PING after the skipped one = %q", got)
	}
	if got := monitorLine(t, m, addrs); got != `0 M "PING"` {
		t.Fatalf("line = %s, want the second PING's", got)
	}
	a.do("XLEN", "s")
	if got := monitorLine(t, m, addrs); got != `0 A "XLEN" "s"` {
		t.Fatalf("line = %s", got)
	}

	// QUIT: +OK, then the connection closes without QUIT's own line.
	if got := m.do("QUIT"); got != "+OK\r\n" {
		t.Fatalf("QUIT = %q", got)
	}
	m.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if rest, err := io.ReadAll(m.conn); len(rest) != 0 {
		t.Fatalf("after QUIT the monitor got %q (%v)", rest, err)
	}
}
