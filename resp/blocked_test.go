//go:build linux

package resp

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// TestBlockedCommandThroughRedcon runs the pattern the server will use for
// XREAD BLOCK: a handler that waits for a wake-up, a timeout or the
// client's departure, watching the socket below redcon and the guard.
func TestBlockedCommandThroughRedcon(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) { blockedCommand(t, srv.serve) })
	}
}

func blockedCommand(t *testing.T, serve serveFunc) {
	wake := make(chan struct{})
	left := make(chan string, 4)
	handler := func(c redcon.Conn, cmd redcon.Command) {
		switch strings.ToLower(string(cmd.Args[0])) {
		case "block":
			w := WatchClose(c.NetConn())
			defer w.Stop()
			select {
			case <-wake:
				c.WriteString("WOKEN")
			case <-w.Closed():
				left <- "gone"
			case <-time.After(5 * time.Second):
				c.WriteNull()
			}
		case "ping":
			c.WriteString("PONG")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = serve(NewListener(ln, nil), handler)
	}()
	defer func() { ln.Close(); <-done }()

	// A client that leaves while blocked releases its handler.
	c1, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c1.Write([]byte("BLOCK\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	c1.Close()
	select {
	case <-left:
	case <-time.After(reportWithin):
		t.Fatal("blocked handler not released when its client left")
	}

	// A client woken up gets its reply, then the reply of the command it
	// pipelined behind the blocking one: the watcher took none of its bytes.
	c2, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Write([]byte("*1\r\n$5\r\nBLOCK\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := c2.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	close(wake)
	_ = c2.SetReadDeadline(time.Now().Add(reportWithin))
	r := bufio.NewReader(c2)
	for _, want := range []string{"+WOKEN\r\n", "+PONG\r\n"} {
		line, err := r.ReadString('\n')
		if err != nil || line != want {
			t.Fatalf("read %q, %v; want %q", line, err, want)
		}
	}
}
