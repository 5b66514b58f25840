package resp

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// gate is a Holder whose tokens become ready when the test says so.
type gate struct {
	mu    sync.Mutex
	ready uint64 // tokens up to this are ready
	err   error  // the error of the tokens above ready, once set
	wakes []func()
}

func (g *gate) Ready(token uint64) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if token <= g.ready {
		return true, nil
	}
	return false, g.err
}

func (g *gate) Notify(token uint64, wake func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if token <= g.ready || g.err != nil {
		return false
	}
	g.wakes = append(g.wakes, wake)
	return true
}

// open makes tokens up to n ready (or fails them all with err) and wakes
// every waiting connection.
func (g *gate) open(n uint64, err error) {
	if err != nil {
		n = 0
	}
	g.failAbove(n, err)
}

// failAbove makes tokens up to n ready and, with err, fails those above,
// and wakes every waiting connection.
func (g *gate) failAbove(n uint64, err error) {
	g.mu.Lock()
	g.ready, g.err = n, err
	w := g.wakes
	g.wakes = nil
	g.mu.Unlock()
	for _, f := range w {
		f()
	}
}

// dialHandler serves handler on a loopback port through a guard and
// connects to it; server and connection close when the test ends.
func dialHandler(t *testing.T, handler func(redcon.Conn, redcon.Command)) net.Conn {
	t.Helper()
	srv := NewServer(handler, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(NewListener(ln, nil))
	t.Cleanup(func() { srv.Close() })
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

// dialHold connects to a server of commands "cmd <n>": each replies +<n>
// and holds its reply behind token n; ran receives every command as it
// runs.
func dialHold(t *testing.T, g *gate) (net.Conn, chan string) {
	t.Helper()
	ran := make(chan string, 100)
	nc := dialHandler(t, func(c redcon.Conn, cmd redcon.Command) {
		arg := string(cmd.Args[len(cmd.Args)-1])
		ran <- arg
		c.WriteString(arg)
		n, _ := strconv.ParseUint(arg, 10, 64)
		if len(c.PeekPipeline()) == 0 && !Hold(c, g, n) {
			t.Error("Hold refused a Server connection")
		}
	})
	return nc, ran
}

func expectRan(t *testing.T, ran chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-ran:
			if got != w {
				t.Fatalf("ran %q, want %q", got, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("command %q did not run", w)
		}
	}
}

// expectNothing checks that no reply arrives within a short while.
func expectNothing(t *testing.T, nc net.Conn, r *bufio.Reader) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if line, err := r.ReadString('\n'); err == nil || line != "" {
		t.Fatalf("got %q (%v) while the replies were held", line, err)
	}
	nc.SetReadDeadline(time.Time{})
}

func expectLines(t *testing.T, nc net.Conn, r *bufio.Reader, want ...string) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer nc.SetReadDeadline(time.Time{})
	for _, w := range want {
		line, err := r.ReadString('\n')
		if err != nil || line != w+"\r\n" {
			t.Fatalf("got %q (%v), want %q", line, err, w)
		}
	}
}

// TestHoldReadsAhead: while a batch's replies are held, the connection
// runs the commands that arrive next; replies leave in order, each once its
// token is ready, and only then.
func TestHoldReadsAhead(t *testing.T) {
	g := &gate{}
	nc, ran := dialHold(t, g)
	r := bufio.NewReader(nc)

	nc.Write(append(encode("cmd", "1"), encode("cmd", "2")...))
	expectRan(t, ran, "1", "2")
	nc.Write(encode("cmd", "3"))
	expectRan(t, ran, "3") // runs although 1 and 2 are unsent
	expectNothing(t, nc, r)
	nc.Write(encode("cmd", "4"))
	expectRan(t, ran, "4")

	g.open(3, nil) // the first two batches may leave, not the last
	expectLines(t, nc, r, "+1", "+2", "+3")
	expectNothing(t, nc, r)
	g.open(4, nil)
	expectLines(t, nc, r, "+4")
}

// TestHoldFailureDropsReplies: a holder's error drops every held reply
// and ends the connection.
func TestHoldFailureDropsReplies(t *testing.T) {
	g := &gate{}
	nc, ran := dialHold(t, g)
	nc.Write(encode("cmd", "1"))
	expectRan(t, ran, "1")
	g.open(0, errors.New("sync failed"))
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(nc)
	if len(got) != 0 || err != nil {
		t.Fatalf("after a failure the client got %q (%v), want nothing and EOF", got, err)
	}
}

// TestHoldProtocolErrorAfterHeld: the guard's protocol error reply, for
// input that arrived while replies were held, follows those replies.
func TestHoldProtocolErrorAfterHeld(t *testing.T) {
	g := &gate{}
	nc, ran := dialHold(t, g)
	r := bufio.NewReader(nc)
	nc.Write(encode("cmd", "1"))
	expectRan(t, ran, "1")
	nc.Write([]byte("*1\r\n$-5\r\n"))
	expectNothing(t, nc, r)
	g.open(1, nil)
	expectLines(t, nc, r, "+1", "-ERR Protocol error: invalid bulk length")
}

// TestHoldHalfClose: a client that closes its side after its commands
// still gets their replies once they may leave.
func TestHoldHalfClose(t *testing.T) {
	g := &gate{}
	nc, ran := dialHold(t, g)
	nc.Write(encode("cmd", "1"))
	expectRan(t, ran, "1")
	nc.(*net.TCPConn).CloseWrite()
	time.Sleep(20 * time.Millisecond) // the EOF reaches the server first
	g.open(1, nil)
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(nc)
	if string(got) != "+1\r\n" || err != nil {
		t.Fatalf("got %q (%v), want +1 then EOF", got, err)
	}
}

// TestHoldStopsReadingAheadForWaitingClients: a client that always waits
// for its replies gets no read ahead after aheadMissLimit empty ones (its
// next command runs only once the held replies left), and one that then
// pipelines gets it back once the rest ends.
func TestHoldStopsReadingAheadForWaitingClients(t *testing.T) {
	g := &gate{}
	nc, ran := dialHold(t, g)
	r := bufio.NewReader(nc)
	n := uint64(0)
	for range aheadMissLimit {
		n++
		nc.Write(encode("cmd", strconv.FormatUint(n, 10)))
		expectRan(t, ran, strconv.FormatUint(n, 10))
		time.Sleep(20 * time.Millisecond) // the connection waits in its read ahead
		g.open(n, nil)
		expectLines(t, nc, r, "+"+strconv.FormatUint(n, 10))
	}
	// Resting: a command sent while replies are held waits for them.
	nc.Write(encode("cmd", strconv.FormatUint(n+1, 10)))
	expectRan(t, ran, strconv.FormatUint(n+1, 10))
	nc.Write(encode("cmd", strconv.FormatUint(n+2, 10)))
	select {
	case got := <-ran:
		t.Fatalf("ran %q while resting from reading ahead", got)
	case <-time.After(50 * time.Millisecond):
	}
	g.open(n+1, nil)
	expectLines(t, nc, r, "+"+strconv.FormatUint(n+1, 10))
	expectRan(t, ran, strconv.FormatUint(n+2, 10))
	g.open(n+2, nil)
	expectLines(t, nc, r, "+"+strconv.FormatUint(n+2, 10))
}

// TestDiscardOutputSendsReadyHeld: a handler that drops its output after
// a failed wait (DiscardOutput) still sends the held replies of earlier
// commands that became ready meanwhile, and only those.
func TestDiscardOutputSendsReadyHeld(t *testing.T) {
	g := &gate{}
	ran := make(chan string, 10)
	nc := dialHandler(t, func(c redcon.Conn, cmd redcon.Command) {
		arg := string(cmd.Args[len(cmd.Args)-1])
		ran <- arg
		if arg == "fail" {
			g.open(1, nil) // the first command's commit became durable during the wait
			c.WriteString("not sent")
			DiscardOutput(c)
			c.NetConn().Close()
			return
		}
		c.WriteString(arg)
		n, _ := strconv.ParseUint(arg, 10, 64)
		Hold(c, g, n)
	})
	nc.Write(encode("cmd", "1"))
	expectRan(t, ran, "1")
	nc.Write(encode("cmd", "2"))
	expectRan(t, ran, "2")
	nc.Write(encode("cmd", "fail"))
	expectRan(t, ran, "fail")
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(nc)
	if string(got) != "+1\r\n" || err != nil {
		t.Fatalf("got %q (%v), want only the ready reply +1, then the close", got, err)
	}
}
