package resp

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// bigReply is larger than a loopback socket takes from a client that does
// not read (a few MB).
const bigReply = 16 << 20

// queueServer serves "big" (a bigReply-byte bulk string) and "n <x>" (+x),
// reading ahead up to readAhead bytes of replies its client has not read.
// ran receives the argument of every "n" as it runs; conn is the last
// connection that ran a command.
type queueServer struct {
	addr string
	ran  chan string
	conn atomic.Pointer[Conn]
}

func startQueueServer(t *testing.T, readAhead int64) *queueServer {
	t.Helper()
	q := &queueServer{ran: make(chan string, 1000)}
	payload := bytes.Repeat([]byte{'b'}, bigReply)
	srv := NewServer(func(c redcon.Conn, cmd redcon.Command) {
		q.conn.Store(c.(*Conn))
		switch string(cmd.Args[0]) {
		case "big":
			c.WriteBulk(payload)
		case "n":
			q.ran <- string(cmd.Args[1])
			c.WriteString(string(cmd.Args[1]))
		}
	}, nil, nil)
	srv.SetReadAhead(func() int64 { return readAhead })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(NewListener(ln, nil))
	t.Cleanup(func() { srv.Close() })
	q.addr = ln.Addr().String()
	return q
}

// dialSlow connects a client with a small receive buffer that reads only
// when the test says. The buffer is set before the connection is made: a
// window shrunk after the handshake makes the client that reads get 8 KB
// every 200 ms.
func (q *queueServer) dialSlow(t *testing.T) (net.Conn, *bufio.Reader) {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	nc, err := d.Dial("tcp", q.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc, bufio.NewReaderSize(nc, 1<<20)
}

// queued waits until the connection holds replies its socket did not take
// and returns how many.
func (q *queueServer) queued(t *testing.T) int64 {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c := q.conn.Load(); c != nil && c.qLen.Load() > 0 {
			return Pending(c)
		}
		if time.Now().After(deadline) {
			t.Fatal("no reply was queued")
		}
		time.Sleep(time.Millisecond)
	}
}

// readBig reads the big reply.
func readBig(t *testing.T, nc net.Conn, r *bufio.Reader) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer nc.SetReadDeadline(time.Time{})
	line, err := r.ReadString('\n')
	if err != nil || line != "$"+strconv.Itoa(bigReply)+"\r\n" {
		t.Fatalf("got %q (%v), want the big reply's header", line, err)
	}
	if n, err := io.CopyN(io.Discard, r, bigReply+2); err != nil {
		t.Fatalf("the big reply broke off after %d bytes: %v", n, err)
	}
}

// TestQueuedRepliesGoOnReading: a connection whose client does not read a
// reply the socket cannot take reads and runs the commands behind it, as
// Redis does, while what is queued stays within the read-ahead bound;
// every reply then arrives in order. Pending counts only what the socket
// has not taken.
func TestQueuedRepliesGoOnReading(t *testing.T) {
	q := startQueueServer(t, 64<<20)
	nc, r := q.dialSlow(t)
	nc.Write(encode("big"))
	if n := q.queued(t); n >= bigReply {
		t.Errorf("Pending %d: counts what the socket took of a %d-byte reply", n, bigReply)
	}
	for i := range 50 {
		nc.Write(encode("n", strconv.Itoa(i)))
		select {
		case <-q.ran:
		case <-time.After(5 * time.Second):
			t.Fatalf("command %d did not run while the big reply waited", i)
		}
	}
	readBig(t, nc, r)
	var want []string
	for i := range 50 {
		want = append(want, "+"+strconv.Itoa(i))
	}
	expectLines(t, nc, r, want...)
}

// TestQueuedRepliesStopReading: with no read-ahead, the connection runs
// nothing more until its client has read what was queued.
func TestQueuedRepliesStopReading(t *testing.T) {
	q := startQueueServer(t, 0)
	nc, r := q.dialSlow(t)
	nc.Write(encode("big"))
	q.queued(t)
	nc.Write(encode("n", "1"))
	select {
	case <-q.ran:
		t.Fatal("a command ran while the reply before it waited for the socket")
	case <-time.After(100 * time.Millisecond):
	}
	readBig(t, nc, r)
	expectLines(t, nc, r, "+1")
}

// sendQueued sends "big" and, once its reply is queued, "n 1", whose reply
// queues behind it.
func (q *queueServer) sendQueued(t *testing.T, nc net.Conn) {
	t.Helper()
	nc.Write(encode("big"))
	q.queued(t)
	nc.Write(encode("n", "1"))
	select {
	case <-q.ran:
	case <-time.After(5 * time.Second):
		t.Fatal("n did not run")
	}
}

// TestProtocolErrorFollowsQueuedReplies: the guard's error reply leaves
// after the replies queued before it.
func TestProtocolErrorFollowsQueuedReplies(t *testing.T) {
	q := startQueueServer(t, 64<<20)
	nc, r := q.dialSlow(t)
	q.sendQueued(t, nc)
	nc.Write([]byte("*1\r\n$x\r\n"))
	time.Sleep(50 * time.Millisecond) // the guard has read it
	readBig(t, nc, r)
	expectLines(t, nc, r, "+1", "-ERR Protocol error: invalid bulk length")
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := r.ReadByte(); err == nil {
		t.Fatalf("got %q after the protocol error", b)
	}
}

// TestInterjectFollowsQueuedReplies: pushed data waits for the replies the
// socket has not taken yet.
func TestInterjectFollowsQueuedReplies(t *testing.T) {
	q := startQueueServer(t, 64<<20)
	nc, r := q.dialSlow(t)
	q.sendQueued(t, nc)
	done := make(chan error, 1)
	go func() {
		done <- Interject(q.conn.Load(), func(w io.Writer) error {
			_, err := w.Write([]byte("+pushed\r\n"))
			return err
		})
	}()
	time.Sleep(50 * time.Millisecond) // Interject waits
	readBig(t, nc, r)
	expectLines(t, nc, r, "+1", "+pushed")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestQueueWriterEnds: a client that leaves with its reply unread leaves
// no goroutine behind, and the connection's buffers are released.
func TestQueueWriterEnds(t *testing.T) {
	q := startQueueServer(t, 64<<20)
	nc, _ := q.dialSlow(t)
	before := ReleasedBuffers()
	nc.Write(encode("big"))
	q.queued(t)
	nc.Close()
	waitConnGone(t, "goroutines left 5 s after the client closed")
	if n := ReleasedBuffers() - before; n < bigReply {
		t.Errorf("ReleasedBuffers grew by %d, want the %d-byte reply", n, bigReply)
	}
}

// TestHalfClosedNonReaderIsDropped: a client that sends a command, closes
// its sending side and never reads no longer holds its connection and
// queued reply for ever (Redis frees it at its end of file); one that
// half-closes and then reads still gets the whole reply.
func TestHalfClosedNonReaderIsDropped(t *testing.T) {
	const stall = 200 * time.Millisecond
	old := drainStall.Swap(int64(stall))
	t.Cleanup(func() { drainStall.Store(old) })
	q := startQueueServer(t, 64<<20)

	reader, r := q.dialSlow(t)
	reader.Write(encode("big"))
	q.queued(t)
	reader.(*net.TCPConn).CloseWrite()
	time.Sleep(stall / 2) // reads a little later: within the stall
	readBig(t, reader, r)

	idle, _ := q.dialSlow(t)
	idle.Write(encode("big"))
	q.queued(t)
	idle.(*net.TCPConn).CloseWrite()
	waitConnGone(t, "a half-closed client that never reads still held its connection 5 s later")
}

// waitConnGone waits up to 5 s for every connection's goroutines (its
// serveConn and its queue's writer) to end, and fails with what otherwise.
func waitConnGone(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		st := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(st, "resp.(*Conn).writeQueued(") && !strings.Contains(st, "resp.(*Server).serveConn(") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s:\n%s", what, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
