package commands

import (
	"bufio"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

func splitWords(s string) [][]byte {
	var out [][]byte
	for _, w := range strings.Fields(s) {
		if w == `""` {
			w = ""
		}
		out = append(out, []byte(w))
	}
	return out
}

func TestMigrateParse(t *testing.T) {
	cases := []struct {
		args string
		want migrateArgs
		err  error
	}{
		{"h 1 k 0 0", migrateArgs{host: "h", port: "1", keys: []string{"k"}, timeout: 1000}, nil},
		{"h 1 k 3 -5 COPY replace", migrateArgs{host: "h", port: "1", keys: []string{"k"}, db: 3, timeout: 1000, copy: true, replace: true}, nil},
		{"h 1 k 0 250 AUTH pw", migrateArgs{host: "h", port: "1", keys: []string{"k"}, timeout: 250, auth: true, pass: "pw"}, nil},
		{"h 1 k 0 250 AUTH2 u pw", migrateArgs{host: "h", port: "1", keys: []string{"k"}, timeout: 250, auth: true, user: "u", pass: "pw"}, nil},
		// AUTH after AUTH2 keeps the user name, as in Redis.
		{"h 1 k 0 250 AUTH2 u pw AUTH p2", migrateArgs{host: "h", port: "1", keys: []string{"k"}, timeout: 250, auth: true, user: "u", pass: "p2"}, nil},
		{`h 1 "" 0 0 KEYS a b KEYS`, migrateArgs{host: "h", port: "1", keys: []string{"a", "b", "KEYS"}, timeout: 1000}, nil},
		{`h 1 "" 0 0 COPY KEYS`, migrateArgs{host: "h", port: "1", timeout: 1000, copy: true}, nil},
		{"h 1 k 0 0 bogus", migrateArgs{}, ErrSyntax},
		{"h 1 k x x bogus", migrateArgs{}, ErrSyntax},
		{"h 1 k 0 0 AUTH", migrateArgs{}, ErrSyntax},
		{"h 1 k 0 0 AUTH2 u", migrateArgs{}, ErrSyntax},
		{"h 1 k 0 0 KEYS a", migrateArgs{}, errMigrateKeysArg},
		{"h 1 k x x KEYS a", migrateArgs{}, errMigrateKeysArg},
		{"h 1 k 0 x", migrateArgs{}, ErrNotInteger},
		{"h 1 k x 0", migrateArgs{}, ErrNotInteger},
		{`h 1 "" x 0 KEYS a`, migrateArgs{}, ErrNotInteger},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			args := append([][]byte{[]byte("migrate")}, splitWords(c.args)...)
			a, err := parseMigrate(args)
			if err != c.err {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err == nil && !migrateArgsEqual(a, c.want) {
				t.Fatalf("got %+v, want %+v", a, c.want)
			}
		})
	}
}

func migrateArgsEqual(a, b migrateArgs) bool {
	return slices.Equal(a.keys, b.keys) && a.host == b.host && a.port == b.port && a.db == b.db &&
		a.timeout == b.timeout && a.copy == b.copy && a.replace == b.replace && a.auth == b.auth &&
		a.user == b.user && a.pass == b.pass
}

func TestMigrateKeys(t *testing.T) {
	cases := []struct {
		args string
		want []int
	}{
		{"h 1 k 0 0", []int{3}},
		{`h 1 "" 0 0 KEYS a b`, []int{7, 8}},
		{`h 1 "" 0 0 AUTH KEYS KEYS a`, []int{9}},
		{`h 1 "" 0 0 AUTH2 KEYS KEYS KEYS a`, []int{10}},
		// KEYS with a key argument: nothing, and COMMAND GETKEYS refuses.
		{"h 1 k 0 0 KEYS a", nil},
		{`h 1 "" 0 0 KEYS`, nil},
	}
	for _, c := range cases {
		args := append([][]byte{[]byte("migrate")}, splitWords(c.args)...)
		if got := migrateKeys(args); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.args, got, c.want)
		}
	}
}

// TestMigrateGetKeys: COMMAND GETKEYS follows the specs while KEYS is not
// where the incomplete spec looks for it, and migrateKeys once it is, as
// redis-server 7.0.15 answers.
func TestMigrateGetKeys(t *testing.T) {
	cmd := Lookup("migrate")
	cases := []struct {
		args string
		want []int
	}{
		{"h 1 k 0 0", []int{3}},
		{`h 1 "" 0 0`, []int{3}},
		{`h 1 "" 0 0 KEYS`, []int{3}},
		{`h 1 "" 0 0 COPY KEYS`, []int{3}},
		{`h 1 "" 0 0 KEYS a b`, []int{7, 8}},
		{"h 1 k 0 0 COPY KEYS a", nil},
	}
	for _, c := range cases {
		args := append([][]byte{[]byte("migrate")}, splitWords(c.args)...)
		refs, _ := cmd.getKeys(args)
		var got []int
		for _, r := range refs {
			got = append(got, r.pos)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.args, got, c.want)
		}
	}
}

func TestMigrateAddr(t *testing.T) {
	cases := []struct {
		host, port, want string
		ok               bool
	}{
		{"127.0.0.1", "6379", "127.0.0.1:6379", true},
		{"127.0.0.1", " 6379x", "127.0.0.1:6379", true},
		{"127.0.0.1", "notaport", "127.0.0.1:0", true},
		{"127.0.0.1", "70000", "127.0.0.1:4464", true},
		{"::1", "6379", "[::1]:6379", true},
		{"127.0.0.1", "-1", "", false},
		{"", "6379", "", false},
	}
	for _, c := range cases {
		got, ok := migrateAddr(c.host, c.port)
		if got != c.want || ok != c.ok {
			t.Errorf("%q %q: %q %v, want %q %v", c.host, c.port, got, ok, c.want, c.ok)
		}
	}
}

// fakeTarget is a Redis-protocol listener that logs the commands it gets
// and answers each with reply (which may wait, or close the connection by
// returning "").
type fakeTarget struct {
	ln    net.Listener
	mu    sync.Mutex
	log   []string // command names and arguments, but payloads, space-joined
	conns int
	reply func(cmd []string) string
}

func newFakeTarget(t *testing.T, reply func(cmd []string) string) *fakeTarget {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeTarget{ln: ln, reply: reply}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeTarget) port() string {
	return strconv.Itoa(f.ln.Addr().(*net.TCPAddr).Port)
}

func (f *fakeTarget) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		cmd, err := readCommand(r)
		if err != nil {
			return
		}
		logged := slices.Clone(cmd)
		if strings.EqualFold(cmd[0], "restore") {
			logged[3] = "<payload>"
		}
		f.mu.Lock()
		f.log = append(f.log, strings.Join(logged, " "))
		f.mu.Unlock()
		out := f.reply(cmd)
		if out == "" {
			return
		}
		c.Write([]byte(out))
	}
}

func (f *fakeTarget) connCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

func (f *fakeTarget) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	out := make([]string, n)
	for i := range out {
		l, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, _ := strconv.Atoi(strings.TrimSpace(l[1:]))
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		out[i] = string(buf[:size])
	}
	return out, nil
}

func allOK([]string) string { return ok }

// TestMigrateWire checks what goes to the target: AUTH first, SELECT only
// when the cached connection's database differs, RESTORE with the
// remaining TTL and REPLACE; and that the connection is reused.
func TestMigrateWire(t *testing.T) {
	_, addr := startServer(t)
	tg := newFakeTarget(t, allOK)
	c := dialRaw(t, addr)
	c.do("XADD", "a", "1-1", "f", "v")
	c.do("XADD", "b", "1-1", "f", "v")
	c.do("PEXPIRE", "b", "100000")
	p := tg.port()
	runSteps(t, c, []step{
		s(ok, "MIGRATE", "127.0.0.1", p, "a", "3", "0", "COPY", "AUTH2", "u", "pw"),
		s(ok, "MIGRATE", "127.0.0.1", p, "a", "3", "0", "COPY", "REPLACE"),
		s(ok, "MIGRATE", "127.0.0.1", p, "", "0", "0", "COPY", "AUTH", "pw", "KEYS", "a", "nokey", "b"),
		s("+NOKEY\r\n", "MIGRATE", "127.0.0.1", p, "", "0", "0", "KEYS", "x", "y"),
		s("+NOKEY\r\n", "MIGRATE", "127.0.0.1", p, "", "0", "0", "KEYS"),
	})
	got := tg.commands()
	want := []string{
		"AUTH u pw", "SELECT 3", "RESTORE a 0 <payload>",
		"RESTORE a 0 <payload> REPLACE",
		"AUTH pw", "SELECT 0", "RESTORE a 0 <payload>", "RESTORE b <ttl> <payload>",
	}
	if len(got) == len(want) {
		// The TTL sent is what remains: a little under 100000 ms.
		f := strings.Fields(got[7])
		if ttl, _ := strconv.Atoi(f[2]); ttl <= 90000 || ttl > 100000 {
			t.Errorf("TTL sent %s", f[2])
		}
		f[2] = "<ttl>"
		got[7] = strings.Join(f, " ")
	}
	if !slices.Equal(got, want) {
		t.Fatalf("target got\n%q\nwant\n%q", got, want)
	}
	if tg.connCount() != 1 {
		t.Errorf("%d connections to the target, want 1 (cached)", tg.connCount())
	}
}

// TestMigrateTargetErrors checks the errors passed on from the target and
// which keys are deleted when only some were accepted.
func TestMigrateTargetErrors(t *testing.T) {
	srv, addr := startServer(t)
	tg := newFakeTarget(t, func(cmd []string) string {
		switch {
		case cmd[0] == "AUTH" && cmd[1] == "bad":
			return "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
		case cmd[0] == "RESTORE" && cmd[1] == "busy":
			return "-BUSYKEY Target key name already exists.\r\n"
		}
		return ok
	})
	c := dialRaw(t, addr)
	for _, k := range []string{"a", "busy", "b"} {
		c.do("XADD", k, "1-1", "f", "v")
	}
	p := tg.port()
	busy := errReply("ERR Target instance replied with error: BUSYKEY Target key name already exists.")
	runSteps(t, c, []step{
		s(errReply("ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled."),
			"MIGRATE", "127.0.0.1", p, "", "0", "0", "AUTH", "bad", "KEYS", "a", "b"),
		s(integer(2), "EXISTS", "a", "b"),
		// a and b were accepted, busy was not: only busy stays.
		s(busy, "MIGRATE", "127.0.0.1", p, "", "0", "0", "KEYS", "a", "busy", "b"),
		s(integer(1), "EXISTS", "a", "busy", "b"),
		s(busy, "MIGRATE", "127.0.0.1", p, "busy", "0", "0"),
	})
	// After a target error SELECT is sent again.
	got := tg.commands()
	if n := strings.Count(strings.Join(got, "\n"), "SELECT 0"); n != 3 {
		t.Errorf("SELECT sent %d times, want 3: %q", n, got)
	}
	if blockedClients(srv) != 0 {
		t.Error("client still blocked")
	}
}

func TestMigrateIOErrors(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	c.do("XADD", "a", "1-1", "f", "v")
	// A port nobody listens on: Redis 7.0 reports it as a write error.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	silent := newFakeTarget(t, func([]string) string { time.Sleep(time.Second); return "" })
	runSteps(t, c, []step{
		s(errReply(errMigrateWrite), "MIGRATE", "127.0.0.1", closed, "a", "0", "100"),
		s(errReply(errMigrateConnect), "MIGRATE", "", "1", "a", "0", "100"),
		s(errReply(errMigrateConnect), "MIGRATE", "127.0.0.1", "-1", "a", "0", "100"),
		s(errReply(errMigrateRead), "MIGRATE", "127.0.0.1", silent.port(), "a", "0", "100"),
		s(integer(1), "EXISTS", "a"),
	})
	if silent.connCount() != 1 {
		t.Errorf("a timeout was retried: %d connections", silent.connCount())
	}
}

// TestMigrateRetriesStaleConnection: a cached connection the target
// closed fails before any reply; MIGRATE retries once on a new one.
func TestMigrateRetriesStaleConnection(t *testing.T) {
	_, addr := startServer(t)
	var mu sync.Mutex
	n := 0
	tg := newFakeTarget(t, func(cmd []string) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 3 {
			return "" // drop the connection instead of answering
		}
		return ok
	})
	c := dialRaw(t, addr)
	c.do("XADD", "a", "1-1", "f", "v")
	p := tg.port()
	runSteps(t, c, []step{
		s(ok, "MIGRATE", "127.0.0.1", p, "a", "0", "1000", "COPY"),
		s(ok, "MIGRATE", "127.0.0.1", p, "a", "0", "1000", "COPY"),
	})
	if tg.connCount() != 2 {
		t.Errorf("%d connections, want 2", tg.connCount())
	}
}

// TestMigrateDoesNotStall: while a transfer waits for the target, other
// clients run, and a key written meanwhile is not deleted.
func TestMigrateDoesNotStall(t *testing.T) {
	srv, addr := startServer(t)
	release := make(chan struct{})
	tg := newFakeTarget(t, func(cmd []string) string {
		if cmd[0] == "RESTORE" {
			<-release
		}
		return ok
	})
	c, other := dialRaw(t, addr), dialRaw(t, addr)
	for _, k := range []string{"kept", "gone"} {
		c.do("XADD", k, "1-1", "f", "v")
	}
	id := clientID(t, c)
	c.send("MIGRATE", "127.0.0.1", tg.port(), "", "0", "5000", "KEYS", "kept", "gone")
	waitFor(t, "MIGRATE to block", func() bool { return blockedClients(srv) == 1 })
	runSteps(t, other, []step{
		s(bulk("2-1"), "XADD", "kept", "2-1", "f", "v"),
		// CLIENT UNBLOCK does not end a transfer.
		s(integer(0), "CLIENT", "UNBLOCK", id),
	})
	close(release)
	if got := c.read(); got != ok {
		t.Fatalf("MIGRATE: %q", got)
	}
	runSteps(t, c, []step{s(integer(1), "EXISTS", "kept"), s(integer(0), "EXISTS", "gone"), s(integer(2), "XLEN", "kept")})
}

// TestMigrateBetweenServers moves a stream between two runnels: the
// deletion fires "del", the TTL goes along, COPY keeps the source.
func TestMigrateBetweenServers(t *testing.T) {
	_, src := startServer(t)
	_, dst := startServer(t)
	_, dstPort, _ := net.SplitHostPort(dst)
	c, d, sub := dialRaw(t, src), dialRaw(t, dst), dialRaw(t, src)
	c.do("CONFIG", "SET", "notify-keyspace-events", "Eg")
	sub.do("SUBSCRIBE", "__keyevent@0__:del")
	c.do("XADD", "s", "1-1", "f", "v")
	c.do("XGROUP", "CREATE", "s", "g", "0")
	c.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	c.do("PEXPIRE", "s", "100000")
	before := c.do("XINFO", "STREAM", "s", "FULL")
	runSteps(t, c, []step{
		s(ok, "MIGRATE", "127.0.0.1", dstPort, "s", "2", "0", "COPY"),
		s(integer(1), "EXISTS", "s"),
		s(ok, "MIGRATE", "127.0.0.1", dstPort, "s", "2", "0", "REPLACE"),
		s(integer(0), "EXISTS", "s"),
	})
	if got := sub.read(); got != arr(bulk("message"), bulk("__keyevent@0__:del"), bulk("s")) {
		t.Errorf("event %q", got)
	}
	d.do("SELECT", "2")
	if after := d.do("XINFO", "STREAM", "s", "FULL"); after != before {
		t.Errorf("target has\n%q\nsource had\n%q", after, before)
	}
	ttl, _ := strconv.Atoi(strings.Trim(d.do("PTTL", "s"), ":\r\n"))
	if ttl <= 90000 || ttl > 100000 {
		t.Errorf("PTTL %d on the target", ttl)
	}
}

func TestMigrateInMulti(t *testing.T) {
	_, src := startServer(t)
	_, dst := startServer(t)
	_, dstPort, _ := net.SplitHostPort(dst)
	c := dialRaw(t, src)
	c.do("XADD", "s", "1-1", "f", "v")
	runSteps(t, c, []step{
		s(ok, "MULTI"),
		s("+QUEUED\r\n", "MIGRATE", "127.0.0.1", dstPort, "s", "0", "0"),
		s("+QUEUED\r\n", "EXISTS", "s"),
		s(arr(ok, integer(0)), "EXEC"),
	})
	if got := dialRaw(t, dst).do("EXISTS", "s"); got != integer(1) {
		t.Errorf("target EXISTS %q", got)
	}
}

func TestMigrateCacheIdle(t *testing.T) {
	var m migrateCache
	a, b := net.Pipe()
	defer b.Close()
	m.put(&migrateConn{name: "x:1", nc: a, lastDB: 0})
	if m.size() != 1 {
		t.Fatal("not cached")
	}
	mc := m.get("x:1")
	if mc == nil || m.size() != 0 {
		t.Fatal("get did not take it out")
	}
	m.put(mc)
	m.closeAll()
	if m.size() != 0 {
		t.Fatal("closeAll left some")
	}
}

// TestMigrateDeletionSurvivesRestart: the keys MIGRATE deletes are
// deleted in the store too, and the ones COPY leaves stay.
func TestMigrateDeletionSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	p, err := persist.Open(dir, persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, addr := startServing(t, Options{Store: p}, func(s *Server) {
		if _, err := s.Load(p); err != nil {
			t.Fatal(err)
		}
	})
	tg := newFakeTarget(t, allOK)
	c := dialRaw(t, addr)
	for _, k := range []string{"moved", "copied"} {
		c.do("XADD", k, "1-1", "f", "v")
	}
	runSteps(t, c, []step{
		s(ok, "MIGRATE", "127.0.0.1", tg.port(), "moved", "0", "1000"),
		s(ok, "MIGRATE", "127.0.0.1", tg.port(), "copied", "0", "1000", "COPY"),
	})
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	f := openStored(t, dir, persist.Options{})
	if got := f.do("EXISTS", "moved"); got != integer(0) {
		t.Errorf("moved: EXISTS %q after restart", got)
	}
	if got := f.do("XLEN", "copied"); got != integer(1) {
		t.Errorf("copied: XLEN %q after restart", got)
	}
}

// TestMigrateConcurrent runs MIGRATEs from several clients to one target
// at once, with writers on the same keys: every reply is OK, and the
// cache keeps one connection per target once they are done.
func TestMigrateConcurrent(t *testing.T) {
	srv, src := startServer(t)
	_, dst := startServer(t)
	_, port, _ := net.SplitHostPort(dst)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 6 {
		c := dialRaw(t, src) // dialled here: t.Fatal belongs to the test's goroutine
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "k" + strconv.Itoa(i%3)
			for j := range 15 {
				c.send("XADD", key, "*", "n", strconv.Itoa(j))
				c.read()
				c.send("MIGRATE", "127.0.0.1", port, key, strconv.Itoa(j%2), "1000", "REPLACE")
				if got := c.read(); got != ok && got != "+NOKEY\r\n" {
					errs <- got
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := srv.migrations.size(); n != 1 {
		t.Errorf("%d cached connections, want 1", n)
	}
}

// TestMigrateTrackingNoloop: the keys a MIGRATE deletes are its client's
// own writes, so a NOLOOP tracking client that migrates a key it read gets
// no invalidation for it (as from redis-server 7.0.15), while another
// tracking client does.
func TestMigrateTrackingNoloop(t *testing.T) {
	_, src := startServer(t)
	_, dst := startServer(t)
	_, dstPort, _ := net.SplitHostPort(dst)
	a, other := dialRaw(t, src), dialRaw(t, src)
	for _, c := range []*rawClient{a, other} {
		c.do("HELLO", "3")
	}
	runSteps(t, a, []step{
		s(ok, "CLIENT", "TRACKING", "ON", "NOLOOP"),
		s(bulk("1-1"), "XADD", "m", "1-1", "f", "v"),
		s(integer(1), "XLEN", "m"),
	})
	runSteps(t, other, []step{s(ok, "CLIENT", "TRACKING", "ON"), s(integer(1), "XLEN", "m")})
	runSteps(t, a, []step{
		s(ok, "MIGRATE", "127.0.0.1", dstPort, "m", "0", "5000", "REPLACE"),
		s("+PONG\r\n", "PING"),
	})
	if got, want := other.read(), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nm\r\n"; got != want {
		t.Fatalf("other tracking client got %q, want %q", got, want)
	}
}
