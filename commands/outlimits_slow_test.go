package commands

import (
	"fmt"
	"net"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Clients that stop reading their replies, against client-output-buffer-limit,
// as Redis 7.0.15 treats them (measured with a raw client whose receive
// buffer is 4 KB, on loopback):
//
//   - "normal 2mb 0 0", one XRANGE of a 600 KB entry every 100 ms: Redis keeps
//     reading and running the commands while its writes wait, and closes the
//     client at the 8th, its buffered replies (what the socket did not take)
//     at 2.7 MB.
//   - "normal 0 1mb 3", one XRANGE of 16 MB and nothing more: closed 3.6 s
//     later by its cron ("closed for overcoming of output buffer limits"),
//     with nothing else happening; "normal 0 1mb 0" closes at the next
//     second (0.9 s), not at once.
//   - lowering the limit with CONFIG SET closes a client already over it
//     within 100 ms.
//   - "pubsub 32mb 1mb 2", 8 MB published to a subscriber that reads
//     nothing: closed 2.6 s later.
//   - CLIENT LIST's omem leaves out what the socket took: 14,680,400 for a
//     16 MB reply.

// slowFixture is a server with an 8 MB stream "s" (eight 1 MB entries) and
// a 600 KB one "m", whose log it keeps.
type slowFixture struct {
	t     *testing.T
	s     *Server
	addr  string
	admin *rawClient
	mu    sync.Mutex
	log   []string
}

func newSlowFixture(t *testing.T) *slowFixture {
	f := &slowFixture{t: t}
	f.s, f.addr = startServer(t, func(s *Server) {
		s.logf = func(format string, args ...any) {
			f.mu.Lock()
			f.log = append(f.log, fmt.Sprintf(format, args...))
			f.mu.Unlock()
		}
	})
	f.admin = dialRaw(t, f.addr)
	big := strings.Repeat("x", 1<<20)
	for i := 1; i <= 8; i++ {
		if got := f.admin.do("XADD", "s", strconv.Itoa(i)+"-0", "f", big); !strings.HasPrefix(got, "$") {
			t.Fatalf("XADD = %q", got)
		}
	}
	f.admin.do("XADD", "m", "1-0", "f", strings.Repeat("y", 600_000))
	return f
}

func (f *slowFixture) set(limits string) {
	f.t.Helper()
	if got := f.admin.do("CONFIG", "SET", "client-output-buffer-limit", limits); got != ok {
		f.t.Fatalf("CONFIG SET %q = %q", limits, got)
	}
}

// slowClient connects a client named name that never reads, with a small
// receive buffer, and waits until the server lists it.
func (f *slowFixture) slowClient(name string, cmds ...[]string) net.Conn {
	f.t.Helper()
	nc, err := net.Dial("tcp", f.addr)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { nc.Close() })
	nc.(*net.TCPConn).SetReadBuffer(4096)
	pipe := encodeCmd("CLIENT", "SETNAME", name)
	for _, c := range cmds {
		pipe = append(pipe, encodeCmd(c...)...)
	}
	if _, err := nc.Write(pipe); err != nil {
		f.t.Fatal(err)
	}
	waitFor(f.t, name+" to connect", func() bool { return f.omem(name) >= 0 })
	return nc
}

// omem returns the omem CLIENT LIST shows for the client named name, or -1
// when it is not connected.
func (f *slowFixture) omem(name string) int64 {
	for _, line := range strings.Split(f.admin.do("CLIENT", "LIST"), "\n") {
		if !strings.Contains(line, " name="+name+" ") {
			continue
		}
		m := regexp.MustCompile(` omem=(\d+) `).FindStringSubmatch(line)
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return n
	}
	return -1
}

func (f *slowFixture) disconnections() int {
	m := regexp.MustCompile(`client_output_buffer_limit_disconnections:(\d+)`).FindStringSubmatch(f.admin.do("INFO", "stats"))
	n, _ := strconv.Atoi(m[1])
	return n
}

// waitGone polls until the client named name is gone, failing after
// within, and returns how long it took from since.
func (f *slowFixture) waitGone(name string, since time.Time, within time.Duration) time.Duration {
	f.t.Helper()
	for f.omem(name) >= 0 {
		if time.Since(since) > within {
			f.t.Fatalf("%s still connected %v later (omem %d)", name, within, f.omem(name))
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(since)
}

// logged reports whether a log line contains s.
func (f *slowFixture) logged(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.log {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// checkOneCut checks that exactly one client was closed over its output
// limits, that the log says so with line, and that its memory went back.
func (f *slowFixture) checkOneCut(line string) {
	f.t.Helper()
	if n := f.disconnections(); n != 1 {
		f.t.Errorf("client_output_buffer_limit_disconnections:%d, want 1", n)
	}
	if !f.logged(line) {
		f.t.Errorf("log %q", f.log)
	}
	f.checkReleased()
}

// checkReleased checks that only the admin's connection is left: no
// goroutine serves or writes to the closed client, and its unsent replies
// are gone from INFO.
func (f *slowFixture) checkReleased() {
	f.t.Helper()
	waitFor(f.t, "the closed client's goroutines to end", func() bool {
		buf := make([]byte, 1<<20)
		st := string(buf[:runtime.Stack(buf, true)])
		return strings.Count(st, "resp.(*Server).serveConn(") == 1 && !strings.Contains(st, "resp.(*Conn).writeQueued(")
	})
	if info := f.admin.do("INFO", "clients"); !strings.Contains(info, "client_recent_max_output_buffer:0\r\n") {
		f.t.Errorf("INFO clients after the slow client went: %q", info)
	}
}

// TestOutputLimitCutsAReaderThatOnlySends: a client that sends one command
// at a time and never reads is cut once the replies the socket did not
// take pass the hard limit, as Redis cuts it at its 8th XRANGE of 600 KB
// under "normal 2mb 0 0". runnel used to stop reading while a write
// waited, so the client was never cut (until it read).
func TestOutputLimitCutsAReaderThatOnlySends(t *testing.T) {
	f := newSlowFixture(t)
	f.set("normal 2mb 0 0")
	nc := f.slowClient("e2")
	sent := 0
	for ; sent < 60 && f.omem("e2") >= 0; sent++ {
		if _, err := nc.Write(encodeCmd("XRANGE", "m", "-", "+")); err != nil {
			break // closed
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.waitGone("e2", time.Now(), 5*time.Second)
	if sent >= 60 {
		t.Errorf("cut only after %d XRANGEs of 600 KB (36 MB)", sent)
	}
	f.checkOneCut("scheduled to be closed ASAP for overcoming of output buffer limits")
}

// TestSoftOutputLimitClosesAnIdleReader: a reply over the soft limit that
// stays unsent closes the client once the soft seconds have passed (Redis:
// more than N whole seconds of its clock), with no further command and
// its socket never drained.
func TestSoftOutputLimitClosesAnIdleReader(t *testing.T) {
	f := newSlowFixture(t)
	f.set("normal 0 1mb 1")
	start := time.Now()
	f.slowClient("e3", []string{"XRANGE", "s", "-", "+"})
	took := f.waitGone("e3", start, 10*time.Second)
	if took < time.Second {
		t.Errorf("closed %v after its reply: before the soft limit's 1 s", took)
	}
	f.checkOneCut("closed for overcoming of output buffer limits")
}

// TestOutputLimitLoweredUnderAPendingReply: CONFIG SET applies the class's
// new limit to a client already over it, as Redis's cron does.
func TestOutputLimitLoweredUnderAPendingReply(t *testing.T) {
	f := newSlowFixture(t)
	f.slowClient("e8", []string{"XRANGE", "s", "-", "+"})
	waitFor(t, "the reply to wait", func() bool { return f.omem("e8") > 1<<20 })
	f.set("normal 1mb 0 0")
	f.waitGone("e8", time.Now(), 5*time.Second)
	if n := f.disconnections(); n != 1 {
		t.Errorf("client_output_buffer_limit_disconnections:%d, want 1", n)
	}
	f.checkReleased()
}

// TestOmemLeavesOutWhatTheSocketTook: omem counts the replies the socket
// has not taken, as Redis's reply list holds them (14,680,400 of a 16 MB
// reply), not the ones already handed to the kernel.
func TestOmemLeavesOutWhatTheSocketTook(t *testing.T) {
	f := newSlowFixture(t)
	f.slowClient("e3b", []string{"XRANGE", "s", "-", "+"})
	reply := int64(len(arr()) + 8*(1<<20)) // a lower bound of the reply's size
	waitFor(t, "the reply to wait", func() bool { return f.omem("e3b") > 0 })
	time.Sleep(50 * time.Millisecond)
	if n := f.omem("e3b"); n > reply-replyBufferBytes-64<<10 {
		t.Errorf("omem %d with a reply of more than %d unread: counts what the socket took", n, reply)
	}
}

// TestPubSubSoftLimitClosesAnIdleSubscriber: the pubsub class's soft limit
// closes a subscriber whose backlog stays over it for the soft seconds,
// even when nothing more is published; like every output-limit closing it
// is counted and logged.
func TestPubSubSoftLimitClosesAnIdleSubscriber(t *testing.T) {
	f := newSlowFixture(t)
	f.set("pubsub 32mb 1mb 1")
	f.slowClient("e6", []string{"SUBSCRIBE", "ch"})
	waitFor(t, "the subscription", func() bool { return f.admin.do("PUBSUB", "NUMSUB", "ch") == arr(bulk("ch"), integer(1)) })
	start := time.Now()
	msg := strings.Repeat("z", 2_000_000)
	for range 4 {
		f.admin.do("PUBLISH", "ch", msg)
	}
	took := f.waitGone("e6", start, 10*time.Second)
	if took < time.Second {
		t.Errorf("closed %v after the messages: before the soft limit's 1 s", took)
	}
	f.checkOneCut("closed for overcoming of output buffer limits")
}

// TestPubSubHardLimitIsCounted: a subscriber over the pubsub hard limit is
// closed at once, counted and logged as Redis 7.4 counts every class.
func TestPubSubHardLimitIsCounted(t *testing.T) {
	f := newSlowFixture(t)
	f.set("pubsub 3mb 0 0")
	f.slowClient("e7", []string{"SUBSCRIBE", "ch"})
	waitFor(t, "the subscription", func() bool { return f.admin.do("PUBSUB", "NUMSUB", "ch") == arr(bulk("ch"), integer(1)) })
	msg := strings.Repeat("z", 2_000_000)
	for range 4 {
		f.admin.do("PUBLISH", "ch", msg)
	}
	f.waitGone("e7", time.Now(), 5*time.Second)
	f.checkOneCut("scheduled to be closed ASAP for overcoming of output buffer limits")
}

// TestPubSubLimitLoweredUnderASubscriber: CONFIG SET of the pubsub class
// reaches a subscriber that subscribed before it, as in Redis, where the
// limits are looked up at every check.
func TestPubSubLimitLoweredUnderASubscriber(t *testing.T) {
	f := newSlowFixture(t)
	f.slowClient("e9", []string{"SUBSCRIBE", "ch"})
	waitFor(t, "the subscription", func() bool { return f.admin.do("PUBSUB", "NUMSUB", "ch") == arr(bulk("ch"), integer(1)) })
	msg := strings.Repeat("z", 2_000_000)
	for range 4 {
		f.admin.do("PUBLISH", "ch", msg)
	}
	waitFor(t, "the messages to wait", func() bool { return f.omem("e9") > 3<<20 })
	f.set("pubsub 3mb 0 0")
	f.waitGone("e9", time.Now(), 5*time.Second)
	if n := f.disconnections(); n != 1 {
		t.Errorf("client_output_buffer_limit_disconnections:%d, want 1", n)
	}
	f.checkReleased()
}
