package commands

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testproto is a test-only command that switches the connection's RESP
// version, standing in for HELLO, which another part of the code base
// provides.
func init() {
	register(&Command{Name: "testproto", Arity: 2, Flags: NoKeyspace, Handler: func(c *Ctx) error {
		p, _ := ParseInt(c.Args[1])
		c.C.setProto(int(p))
		c.W.OK()
		return nil
	}})
}

func (r *streamClient) setProto(p int) {
	r.t.Helper()
	if got := r.do("TESTPROTO", strconv.Itoa(p)); got != "+OK\r\n" {
		r.t.Fatalf("TESTPROTO = %q", got)
	}
}

// startServer runs a real server on a free loopback port.
// streamClient speaks raw RESP to a server.
type streamClient struct {
	t  testing.TB
	nc net.Conn
	rd *bufio.Reader
}

func dialStream(t testing.TB, s *Server) *streamClient {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &streamClient{t: t, nc: nc, rd: bufio.NewReader(nc)}
}

func encode(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	return b
}

// send writes one command without reading its reply.
func (r *streamClient) send(args ...string) {
	r.t.Helper()
	if _, err := r.nc.Write(encode(args...)); err != nil {
		r.t.Fatal(err)
	}
}

// do sends a command and returns its reply.
func (r *streamClient) do(args ...string) string {
	r.t.Helper()
	r.send(args...)
	return r.read(5 * time.Second)
}

// read returns the next whole reply as raw bytes, failing the test if none
// comes within d.
func (r *streamClient) read(d time.Duration) string {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(d))
	defer r.nc.SetReadDeadline(time.Time{})
	var sb strings.Builder
	if err := r.readInto(&sb); err != nil {
		r.t.Fatalf("reading a reply: %v (read so far %q)", err, sb.String())
	}
	return sb.String()
}

// quiet reports whether no reply arrives within d.
func (r *streamClient) quiet(d time.Duration) bool {
	r.nc.SetReadDeadline(time.Now().Add(d))
	defer r.nc.SetReadDeadline(time.Time{})
	_, err := r.rd.Peek(1)
	return err != nil
}

func (r *streamClient) readInto(sb *strings.Builder) error {
	line, err := r.rd.ReadString('\n')
	sb.WriteString(line)
	if err != nil {
		return err
	}
	if len(line) < 3 {
		return fmt.Errorf("short line %q", line)
	}
	n, _ := strconv.Atoi(line[1 : len(line)-2])
	switch line[0] {
	case '$', '=', '!':
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r.rd, buf); err != nil {
			return err
		}
		sb.Write(buf)
	case '*', '~', '>':
		for i := 0; i < n; i++ {
			if err := r.readInto(sb); err != nil {
				return err
			}
		}
	case '%', '|':
		for i := 0; i < 2*n; i++ {
			if err := r.readInto(sb); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitBlocked waits until n clients are blocked.
func waitBlocked(t testing.TB, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, _, _ := s.blockedCounts()
		if c == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d clients blocked, want %d", c, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// entryReply is the reply of a read of one stream with the given
// entries, each "id field value".
func entryReply(resp3 bool, streams ...[]string) string {
	var sb strings.Builder
	if resp3 {
		sb.WriteString("%" + strconv.Itoa(len(streams)) + "\r\n")
	} else {
		sb.WriteString("*" + strconv.Itoa(len(streams)) + "\r\n")
	}
	bulk := func(s string) { sb.WriteString("$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n") }
	for _, st := range streams {
		if !resp3 {
			sb.WriteString("*2\r\n")
		}
		bulk(st[0])
		sb.WriteString("*" + strconv.Itoa(len(st)-1) + "\r\n")
		for _, e := range st[1:] {
			p := strings.Split(e, " ")
			sb.WriteString("*2\r\n")
			bulk(p[0])
			sb.WriteString("*" + strconv.Itoa(len(p)-1) + "\r\n")
			for _, x := range p[1:] {
				bulk(x)
			}
		}
	}
	return sb.String()
}

func TestXReadBlockWokenByXAdd(t *testing.T) {
	s, _ := startServer(t)
	a := dialStream(t, s)
	for _, resp3 := range []bool{false, true} {
		b := dialStream(t, s)
		if resp3 {
			b.setProto(3)
		}
		key := "s" + strconv.FormatBool(resp3)
		a.do("XADD", key, "1-1", "f", "old")
		b.send("XREAD", "BLOCK", "5000", "STREAMS", key, "$")
		waitBlocked(t, s, 1)
		if got := a.do("XADD", key, "2-1", "f", "new"); got != "$3\r\n2-1\r\n" {
			t.Fatalf("XADD = %q", got)
		}
		// Only what came after "$" as it was when the client blocked.
		if got, want := b.read(5*time.Second), entryReply(resp3, []string{key, "2-1 f new"}); got != want {
			t.Fatalf("resp3=%v woken reply:\n got %q\nwant %q", resp3, got, want)
		}
		waitBlocked(t, s, 0)
	}
}

func TestXReadBlockAbsentKey(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	// "$" of a missing key is 0-0: the first entry ever wakes the reader.
	b.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	waitBlocked(t, s, 1)
	a.do("XADD", "s", "5-5", "f", "v")
	if got, want := b.read(5*time.Second), entryReply(false, []string{"s", "5-5 f v"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestXReadBlockTimeout(t *testing.T) {
	s, _ := startServer(t)
	for _, tc := range []struct {
		resp3 bool
		want  string
	}{{false, "*-1\r\n"}, {true, "_\r\n"}} {
		b := dialStream(t, s)
		if tc.resp3 {
			b.setProto(3)
		}
		start := time.Now()
		if got := b.do("XREAD", "BLOCK", "100", "STREAMS", "s", "$"); got != tc.want {
			t.Fatalf("timed out read = %q, want %q", got, tc.want)
		}
		if d := time.Since(start); d < 90*time.Millisecond {
			t.Fatalf("BLOCK 100 returned after %v", d)
		}
		waitBlocked(t, s, 0)
	}
}

func TestXReadBlockZeroWaits(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	waitBlocked(t, s, 1)
	if !b.quiet(300 * time.Millisecond) {
		t.Fatal("BLOCK 0 answered before any XADD")
	}
	a.do("XADD", "s", "1-1", "f", "v")
	if got, want := b.read(5*time.Second), entryReply(false, []string{"s", "1-1 f v"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestXReadBlockPlus: "+" is resolved again on wake-up, so only the newest
// entry comes back (REDIS74 §1).
func TestXReadBlockPlus(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.send("XREAD", "BLOCK", "2000", "STREAMS", "late", "+")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	a.do("XADD", "late", "1-1", "px", "30")
	a.do("XADD", "late", "1-2", "px", "31")
	a.do("EXEC")
	if got, want := b.read(5*time.Second), entryReply(false, []string{"late", "1-2 px 31"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestXReadBlockTwoStreams: a woken reader gets every stream that has data,
// in argument order, a key given twice twice (REDIS74 §17).
func TestXReadBlockTwoStreams(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.setProto(3)
	b.send("XREAD", "BLOCK", "3000", "STREAMS", "north", "south", "$", "$")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	a.do("XADD", "south", "8-0", "temp", "3")
	a.do("XADD", "north", "8-0", "temp", "9")
	a.do("EXEC")
	want := entryReply(true, []string{"north", "8-0 temp 9"}, []string{"south", "8-0 temp 3"})
	if got := b.read(5 * time.Second); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}

	b.setProto(2)
	b.send("XREAD", "BLOCK", "3000", "STREAMS", "west", "west", "$", "$")
	waitBlocked(t, s, 1)
	a.do("XADD", "west", "3-3", "temp", "7")
	want = entryReply(false, []string{"west", "3-3 temp 7"}, []string{"west", "3-3 temp 7"})
	if got := b.read(5 * time.Second); got != want {
		t.Fatalf("duplicate key: got %q, want %q", got, want)
	}
}

// TestXReadBlockEntriesGone: woken when the new entries are already gone,
// the reader keeps waiting (REDIS74 §19).
func TestXReadBlockEntriesGone(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "vanish", "1-0", "note", "v1")
	b.send("XREAD", "BLOCK", "600", "STREAMS", "vanish", "$")
	waitBlocked(t, s, 1)
	a.do("XADD", "vanish", "MAXLEN", "0", "2-0", "note", "v2")
	a.do("MULTI")
	a.do("XADD", "vanish", "4-0", "note", "v4")
	a.do("XDEL", "vanish", "4-0")
	a.do("EXEC")
	if c, _, _ := s.blockedCounts(); c != 1 {
		t.Fatalf("%d clients blocked after the vanished entries, want 1", c)
	}
	if got := b.read(5 * time.Second); got != "*-1\r\n" {
		t.Fatalf("got %q, want the timeout's null", got)
	}
}

// TestXReadBlockNoCap: a woken reader without COUNT gets everything, not
// 1000 entries (REDIS74 §18).
func TestXReadBlockNoCap(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.send("XREAD", "BLOCK", "3000", "STREAMS", "bulk", "$")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	for i := 1; i <= 1001; i++ {
		a.do("XADD", "bulk", strconv.Itoa(i)+"-7", "n", strconv.Itoa(i))
	}
	a.do("EXEC")
	got := b.read(5 * time.Second)
	if !strings.HasPrefix(got, "*1\r\n*2\r\n$4\r\nbulk\r\n*1001\r\n") || !strings.HasSuffix(got, "$6\r\n1001-7\r\n*2\r\n$1\r\nn\r\n$4\r\n1001\r\n") {
		t.Fatalf("woken reply starts %q", got[:60])
	}
}

// TestXReadBlockCount: COUNT applies to the woken read too.
func TestXReadBlockCount(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.send("XREAD", "COUNT", "1", "BLOCK", "3000", "STREAMS", "c", "$")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	a.do("XADD", "c", "1-1", "n", "1")
	a.do("XADD", "c", "1-2", "n", "2")
	a.do("EXEC")
	if got, want := b.read(5*time.Second), entryReply(false, []string{"c", "1-1 n 1"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestXReadBlockPipeline: the replies of commands before a blocking one in
// the same pipeline leave before the client blocks.
func TestXReadBlockPipeline(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.nc.Write(append(append(encode("PING"), encode("XADD", "p", "1-1", "f", "v")...), encode("XREAD", "BLOCK", "0", "STREAMS", "p", "$")...))
	if got := b.read(5 * time.Second); got != "+PONG\r\n" {
		t.Fatalf("first reply %q", got)
	}
	if got := b.read(5 * time.Second); got != "$3\r\n1-1\r\n" {
		t.Fatalf("second reply %q", got)
	}
	waitBlocked(t, s, 1)
	a.do("XADD", "p", "2-1", "f", "w")
	if got, want := b.read(5*time.Second), entryReply(false, []string{"p", "2-1 f w"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestXReadBlockOtherKeys: an XADD to another key does not answer a
// blocked reader.
func TestXReadBlockOtherKeys(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.send("XREAD", "BLOCK", "0", "STREAMS", "mine", "$")
	waitBlocked(t, s, 1)
	a.do("XADD", "other", "1-1", "f", "v")
	if !b.quiet(200 * time.Millisecond) {
		t.Fatal("woken by an XADD to another key")
	}
	a.do("XADD", "mine", "1-1", "f", "v")
	b.read(5 * time.Second)
}

// TestXReadBlockDisconnect: a blocked client that goes away is released
// and leaves no goroutine behind, whether it leaves before its socket is
// watched (watchAfter) or after, with a deadline or without.
func TestXReadBlockDisconnect(t *testing.T) {
	for _, tc := range []struct {
		block string
		after time.Duration
	}{{"0", 0}, {"0", 10 * watchAfter}, {"60000", 0}, {"60000", 10 * watchAfter}} {
		t.Run(fmt.Sprintf("block=%s/after=%v", tc.block, tc.after), func(t *testing.T) {
			s, _ := startServer(t)
			before := runtime.NumGoroutine()
			b := dialStream(t, s)
			b.send("XREAD", "BLOCK", tc.block, "STREAMS", "s", "$")
			waitBlocked(t, s, 1)
			time.Sleep(tc.after)
			b.nc.Close()
			waitBlocked(t, s, 0)
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				t.Fatalf("%d goroutines, %d before the client came", n, before)
			}
		})
	}
}

// TestXReadBlockTimerReuse: a client's successive blocked reads share one
// timer, so a deadline that passed unused (the read was served first) must
// not end a later wait early, and each wait still ends at its own deadline,
// before or after its socket is watched.
func TestXReadBlockTimerReuse(t *testing.T) {
	s, _ := startServer(t)
	a := dialStream(t, s)
	b := dialStream(t, s)
	for i := 1; i <= 3; i++ {
		// Served at once, long before its 50 ms deadline.
		b.send("XREAD", "BLOCK", "50", "STREAMS", "s", "$")
		waitBlocked(t, s, 1)
		id := fmt.Sprintf("%d-1", i)
		a.do("XADD", "s", id, "f", "v")
		if got := b.read(5 * time.Second); !strings.Contains(got, id) {
			t.Fatalf("read %d = %q", i, got)
		}
	}
	time.Sleep(60 * time.Millisecond) // the old deadlines have passed
	for _, ms := range []int{200, 100} {
		start := time.Now()
		b.send("XREAD", "BLOCK", strconv.Itoa(ms), "STREAMS", "s", "$")
		if got := b.read(5 * time.Second); got != "*-1\r\n" {
			t.Fatalf("BLOCK %d = %q, want a null array", ms, got)
		}
		// The deadline is the command's time in whole milliseconds plus
		// the timeout, as in Redis, so it may come up to 1 ms early.
		if el := time.Since(start); el < time.Duration(ms-1)*time.Millisecond {
			t.Fatalf("BLOCK %d returned after %v", ms, el)
		}
	}
}

// pipeListener hands the server in-memory connections, so that benchmarks
// can hold more clients than the process has file descriptors for.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

func (l *pipeListener) dial() net.Conn {
	client, server := net.Pipe()
	l.conns <- server
	return client
}

// BenchmarkXAddBlockedReaders measures XADD to one key while many clients
// are blocked on other keys: the cost must not grow with them.
func BenchmarkXAddBlockedReaders(b *testing.B) {
	for _, readers := range []int{0, 10000} {
		b.Run("readers="+strconv.Itoa(readers), func(b *testing.B) {
			s := New(Options{Logf: func(string, ...any) {}})
			pl := newPipeListener()
			s.ln = pl
			go s.Serve()
			var clients []net.Conn
			defer func() {
				s.Close()
				for _, c := range clients {
					c.Close()
				}
			}()
			for i := 0; i < readers; i++ {
				c := pl.dial()
				clients = append(clients, c)
				if _, err := c.Write(encode("XREAD", "BLOCK", "0", "STREAMS", "wait"+strconv.Itoa(i), "$")); err != nil {
					b.Fatal(err)
				}
			}
			waitBlocked(b, s, readers)
			f := &fake{t: b, s: s, c: s.testClient()}
			cmd := args("XADD s * field value-of-some-sixteen")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				f.c.w.Reset()
				s.execute(f.c, cmd)
			}
			b.StopTimer()
			if c, _, _ := s.blockedCounts(); c != readers {
				b.Fatalf("%d readers blocked at the end, want %d", c, readers)
			}
		})
	}
}
