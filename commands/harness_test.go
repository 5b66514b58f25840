package commands

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startServer runs a Server on a free loopback port for the test's
// lifetime and returns it with its address.
func startServer(t testing.TB, setup ...func(*Server)) (*Server, string) {
	t.Helper()
	return startServing(t, Options{}, setup...)
}

// startServing is startServer on opts (a store, say), with the loopback
// address, a free port and a silent log filled in.
func startServing(t testing.TB, opts Options, setup ...func(*Server)) (*Server, string) {
	t.Helper()
	opts.Bind, opts.Port, opts.Logf = "127.0.0.1", 0, func(string, ...any) {}
	s := New(opts)
	for _, f := range setup {
		f(s)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		s.Serve()
		close(done)
	}()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	// Wait until redcon serves: Close racing with Serve's start is a known
	// issue of server.go (s.rc is set in Serve without synchronisation).
	probe := dialRaw(t, s.Addr().String())
	probe.do("ping")
	probe.conn.Close()
	waitFor(t, "probe connection to close", func() bool {
		s.clientsMu.Lock()
		defer s.clientsMu.Unlock()
		return len(s.clients) == 0
	})
	return s, s.Addr().String()
}

// rawClient speaks RESP to a server and returns each reply's exact bytes.
type rawClient struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, conn: c, r: bufio.NewReader(c)}
}

func encodeCmd(args ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return []byte(b.String())
}

// send writes one command without reading its reply.
func (c *rawClient) send(args ...string) {
	c.t.Helper()
	if _, err := c.conn.Write(encodeCmd(args...)); err != nil {
		c.t.Fatal(err)
	}
}

// do sends one command and returns its reply's raw bytes.
func (c *rawClient) do(args ...string) string {
	c.t.Helper()
	c.send(args...)
	return c.read()
}

// read returns the next reply's raw bytes, failing the test after 5s.
func (c *rawClient) read() string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var sb strings.Builder
	if err := readReply(c.r, &sb); err != nil {
		c.t.Fatalf("reading reply: %v (so far %q)", err, sb.String())
	}
	return sb.String()
}

func readReply(r *bufio.Reader, sb *strings.Builder) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	sb.WriteString(line)
	if len(line) < 3 {
		return fmt.Errorf("short line %q", line)
	}
	n, _ := strconv.Atoi(strings.TrimRight(line[1:], "\r\n"))
	switch line[0] {
	case '$', '=', '!':
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		sb.Write(buf)
	case '*', '~', '>':
		for i := 0; i < n; i++ {
			if err := readReply(r, sb); err != nil {
				return err
			}
		}
	case '%', '|':
		for i := 0; i < 2*n; i++ {
			if err := readReply(r, sb); err != nil {
				return err
			}
		}
	}
	return nil
}

// step is one command of a transcript and its expected raw reply.
type step struct {
	cmd  []string
	want string
}

func s(want string, cmd ...string) step { return step{cmd, want} }

// runSteps sends each command on c and compares the raw replies.
func runSteps(t *testing.T, c *rawClient, steps []step) {
	t.Helper()
	for _, st := range steps {
		if got := c.do(st.cmd...); got != st.want {
			t.Errorf("%q:\n got %q\nwant %q", st.cmd, got, st.want)
		}
	}
}

// bulk, arr and ints build expected RESP replies.
func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func arr(items ...string) string {
	return "*" + strconv.Itoa(len(items)) + "\r\n" + strings.Join(items, "")
}

func bulks(items ...string) string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = bulk(x)
	}
	return arr(out...)
}

func integer(n int64) string { return ":" + strconv.FormatInt(n, 10) + "\r\n" }

func errReply(e Error) string { return "-" + string(e) + "\r\n" }

const ok = "+OK\r\n"

// addKeys creates empty streams at keys in database db, as XADD would,
// through the same keyspace path (so the store sees KeyPut ops).
func addKeys(s *Server, db int, keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if s.dbs[db].keys[k] == nil {
			s.createKey(s.dbs[db], []byte(k))
		}
	}
	s.finishLocked(nil)
}

// A blocking command for tests, standing in for XREAD BLOCK while the
// stream commands live elsewhere: "testblock key ms" waits on key until it
// exists (replying its name) or ms pass (a null), "testblock key ms group"
// marks the waiter as an XREADGROUP one.
func init() {
	register(&Command{Name: "testblock", Arity: -3, Flags: ReadOnly | Blocking, FirstKey: 1, LastKey: 1, Step: 1,
		Handler: testBlockCmd})
}

func testBlockCmd(c *Ctx) error {
	key := c.Args[1]
	ms, _ := ParseInt(c.Args[2])
	group := len(c.Args) > 3
	var run func(*Ctx) error
	run = func(x *Ctx) error {
		if x.Lookup(key) != nil {
			x.W.Bulk(key)
			return nil
		}
		var deadline time.Time
		if ms > 0 {
			deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
		}
		return x.Block([][]byte{key}, deadline, group, run, func(t *Ctx) { t.W.NullArray() })
	}
	return run(c)
}

// waitFor polls cond until it holds or two seconds pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// blockedClients returns the number of clients blocked right now.
func blockedClients(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientCountsLocked().blocked
}
