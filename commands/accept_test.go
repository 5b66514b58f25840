package commands

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scriptListener returns its errs in turn from Accept, then conn, then
// net.ErrClosed.
type scriptListener struct {
	net.Listener // nil: only Accept is called
	errs         []error
	conn         net.Conn
	calls        int
}

func (l *scriptListener) Accept() (net.Conn, error) {
	l.calls++
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		return nil, err
	}
	if l.conn != nil {
		c := l.conn
		l.conn = nil
		return c, nil
	}
	return nil, &net.OpError{Op: "accept", Net: "tcp", Err: net.ErrClosed}
}

func acceptErr(errno syscall.Errno) error {
	return &net.OpError{Op: "accept", Net: "tcp", Err: &osSyscallError{errno}}
}

// osSyscallError wraps an errno as os.SyscallError does, one level deeper
// than a bare errno.
type osSyscallError struct{ errno syscall.Errno }

func (e *osSyscallError) Error() string { return "accept4: " + e.errno.Error() }
func (e *osSyscallError) Unwrap() error { return e.errno }

// fakeClock is a retryListener's sleep and now: sleeping advances it.
type fakeClock struct {
	t     time.Time
	slept []time.Duration
}

func (c *fakeClock) sleep(d time.Duration) { c.slept = append(c.slept, d); c.t = c.t.Add(d) }
func (c *fakeClock) now() time.Time        { return c.t }

func newTestRetryListener(inner net.Listener) (*retryListener, *fakeClock, *[]string) {
	var lines []string
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newRetryListener(inner, func(format string, args ...any) {
		lines = append(lines, fmt.Sprintf(format, args...))
	})
	l.sleep, l.now = clk.sleep, clk.now
	return l, clk, &lines
}

func TestNextAcceptBackoff(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct{ prev, want time.Duration }{
		{0, 5 * ms},
		{5 * ms, 10 * ms},
		{10 * ms, 20 * ms},
		{320 * ms, 640 * ms},
		{640 * ms, time.Second},
		{time.Second, time.Second},
	} {
		if got := nextAcceptBackoff(tc.prev); got != tc.want {
			t.Errorf("nextAcceptBackoff(%v) = %v, want %v", tc.prev, got, tc.want)
		}
	}
}

// TestRetryListenerRetriesTemporaryErrors: every error but a closed
// listener's is retried, with the backoff growing from 5 ms to 1 s, and
// the connection that finally comes is returned.
func TestRetryListenerRetriesTemporaryErrors(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	for _, tc := range []struct {
		name string
		errs []error
	}{
		{"EMFILE once", []error{acceptErr(syscall.EMFILE)}},
		{"ENFILE and ECONNABORTED", []error{acceptErr(syscall.ENFILE), acceptErr(syscall.ECONNABORTED)}},
		{"a long run of EMFILE", repeatErr(acceptErr(syscall.EMFILE), 12)},
		{"an unknown error", []error{errors.New("accept: something odd")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inner := &scriptListener{errs: append([]error(nil), tc.errs...), conn: a}
			l, clk, _ := newTestRetryListener(inner)
			nc, err := l.Accept()
			if err != nil || nc != a {
				t.Fatalf("Accept = %v, %v; want the connection after %d errors", nc, err, len(tc.errs))
			}
			if inner.calls != len(tc.errs)+1 {
				t.Fatalf("inner Accept called %d times, want %d", inner.calls, len(tc.errs)+1)
			}
			var want []time.Duration
			var d time.Duration
			for range tc.errs {
				d = nextAcceptBackoff(d)
				want = append(want, d)
			}
			if fmt.Sprint(clk.slept) != fmt.Sprint(want) {
				t.Fatalf("slept %v, want %v", clk.slept, want)
			}
		})
	}
}

func repeatErr(err error, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// TestRetryListenerBackoffRestarts: a success resets the backoff, so the
// next failure waits 5 ms again, not the last wait doubled.
func TestRetryListenerBackoffRestarts(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	inner := &scriptListener{errs: repeatErr(acceptErr(syscall.EMFILE), 4), conn: a}
	l, clk, _ := newTestRetryListener(inner)
	if nc, err := l.Accept(); nc != a || err != nil {
		t.Fatalf("Accept = %v, %v", nc, err)
	}
	inner.errs, inner.conn = []error{acceptErr(syscall.EMFILE)}, b
	clk.slept = nil
	if nc, err := l.Accept(); nc != b || err != nil {
		t.Fatalf("second Accept = %v, %v", nc, err)
	}
	if len(clk.slept) != 1 || clk.slept[0] != acceptMinBackoff {
		t.Fatalf("after a success, slept %v, want [%v]", clk.slept, acceptMinBackoff)
	}
}

// TestRetryListenerEndsOnClose: a closed listener's error ends Accept at
// once, without a wait or a log line, also after temporary errors.
func TestRetryListenerEndsOnClose(t *testing.T) {
	for _, before := range []int{0, 3} {
		inner := &scriptListener{errs: repeatErr(acceptErr(syscall.EMFILE), before)}
		l, clk, lines := newTestRetryListener(inner)
		nc, err := l.Accept()
		if nc != nil || !errors.Is(err, net.ErrClosed) {
			t.Fatalf("after %d errors: Accept = %v, %v; want net.ErrClosed", before, nc, err)
		}
		if len(clk.slept) != before {
			t.Fatalf("after %d errors: slept %d times, want %d", before, len(clk.slept), before)
		}
		if before == 0 && len(*lines) != 0 {
			t.Fatalf("closing logged %q", *lines)
		}
	}
	// A real listener, closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	l, clk, _ := newTestRetryListener(ln)
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept on a closed listener = %v, want net.ErrClosed", err)
	}
	if len(clk.slept) != 0 {
		t.Fatalf("closed listener: slept %v", clk.slept)
	}
}

// TestRetryListenerLogIsRateLimited: a long run of failures logs its first
// error at once and then at most one line per acceptLogEvery, each saying
// how many failures it covers.
func TestRetryListenerLogIsRateLimited(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	const n = 40 // 5+10+...+640 ms, then 1 s each: about 33 s of retries
	inner := &scriptListener{errs: repeatErr(acceptErr(syscall.EMFILE), n), conn: a}
	l, clk, lines := newTestRetryListener(inner)
	if nc, err := l.Accept(); nc != a || err != nil {
		t.Fatalf("Accept = %v, %v", nc, err)
	}
	var total time.Duration
	for _, d := range clk.slept {
		total += d
	}
	maxLines := 1 + int(total/acceptLogEvery)
	if len(*lines) < 2 || len(*lines) > maxLines {
		t.Fatalf("%d failures over %v logged %d lines, want 2..%d: %q", n, total, len(*lines), maxLines, *lines)
	}
	if !strings.Contains((*lines)[0], "too many open files") || strings.Contains((*lines)[0], "failures since") {
		t.Fatalf("first line %q: want the error alone", (*lines)[0])
	}
	counted := 1
	for _, line := range (*lines)[1:] {
		var k int
		i := strings.Index(line, "(")
		if i < 0 {
			t.Fatalf("line %q does not count the failures it covers", line)
		}
		if _, err := fmt.Sscanf(line[i:], "(%d failures since the last report)", &k); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		counted += k
	}
	if counted > n || counted < n-int(acceptLogEvery/acceptMaxBackoff) {
		t.Fatalf("lines count %d failures of %d (those after the last line are not logged yet)", counted, n)
	}
}

// failingListener fails its first n Accepts with EMFILE.
type failingListener struct {
	net.Listener
	n int
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.n > 0 {
		l.n--
		return nil, acceptErr(syscall.EMFILE)
	}
	return l.Listener.Accept()
}

// TestServerServesAfterAcceptErrors: through Serve's whole listener chain,
// a run of EMFILE is logged and retried, the next client is served, and
// Close still ends Serve with nil.
func TestServerServesAfterAcceptErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logged := make(chan string, 16)
	s := New(Options{Logf: func(format string, args ...any) {
		select {
		case logged <- fmt.Sprintf(format, args...):
		default:
		}
	}})
	s.ln = &failingListener{Listener: ln, n: 3}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "+PONG\r\n" {
		t.Fatalf("PING after EMFILE: %q, %v", buf, err)
	}
	select {
	case line := <-logged:
		if !strings.Contains(line, "too many open files") {
			t.Fatalf("logged %q, want the accept error", line)
		}
	default:
		t.Fatal("the accept errors were not logged")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve = %v after Close, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
}
