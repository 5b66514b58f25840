package resp

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// TestInterject checks that pushed data reaches a client that sends
// nothing, that it never lands inside a batch's replies (it waits for
// them), that Idle lets it through during a wait, and that a connection
// that ended refuses it.
func TestInterject(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan redcon.Conn, 1)
	release := make(chan struct{})
	idleWait := make(chan struct{})
	handler := func(c redcon.Conn, cmd redcon.Command) {
		switch strings.ToLower(string(cmd.Args[0])) {
		case "hello":
			conns <- c
			c.WriteString("HI")
		case "hold": // a command that runs until released
			c.WriteString("HELD")
			<-release
		case "wait": // a blocked command that lets pushes through
			Flush(c)
			Idle(c, func() { <-idleWait })
			c.WriteString("WOKEN")
		default:
			c.WriteString("OK")
		}
	}
	srv := NewServer(handler, nil, nil)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(NewListener(ln, nil)) }()
	defer func() { srv.Close(); <-done }()

	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rd := bufio.NewReader(nc)
	line := func() string {
		t.Helper()
		nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		s, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return strings.TrimRight(s, "\r\n")
	}
	push := func(c redcon.Conn, s string) chan error {
		ch := make(chan error, 1)
		go func() {
			ch <- Interject(c, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
		}()
		return ch
	}

	nc.Write([]byte("*1\r\n$5\r\nhello\r\n"))
	c := <-conns
	if got := line(); got != "+HI" {
		t.Fatalf("got %q", got)
	}
	// Idle client: the push arrives on its own.
	if err := <-push(c, ">1\r\n"); err != nil {
		t.Fatal(err)
	}
	if got := line(); got != ">1" {
		t.Fatalf("idle push: got %q", got)
	}
	// During a batch the push waits for the batch's replies.
	nc.Write([]byte("*1\r\n$4\r\nhold\r\n*1\r\n$4\r\nnext\r\n"))
	time.Sleep(20 * time.Millisecond) // let the batch start
	pushed := push(c, ">2\r\n")
	select {
	case err := <-pushed:
		t.Fatalf("push went through during a batch (%v)", err)
	case <-time.After(30 * time.Millisecond):
	}
	close(release)
	if err := <-pushed; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+HELD", "+OK", ">2"} {
		if got := line(); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	// A waiting handler opened with Idle lets it through.
	nc.Write([]byte("*1\r\n$4\r\nwait\r\n"))
	time.Sleep(20 * time.Millisecond)
	if err := <-push(c, ">3\r\n"); err != nil {
		t.Fatal(err)
	}
	if got := line(); got != ">3" {
		t.Fatalf("push during Idle: got %q", got)
	}
	close(idleWait)
	if got := line(); got != "+WOKEN" {
		t.Fatalf("got %q", got)
	}
	nc.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := <-push(c, ">4\r\n")
		if errors.Is(err, net.ErrClosed) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("push after the connection ended: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
