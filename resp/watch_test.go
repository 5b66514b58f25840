//go:build linux

package resp

import (
	"net"
	"runtime"
	"testing"
	"time"
)

// tcpPair returns the server and client ends of a loopback TCP connection.
func tcpPair(t *testing.T) (srv, cli *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { s.Close(); c.Close() })
	return s.(*net.TCPConn), c.(*net.TCPConn)
}

const reportWithin = 2 * time.Second

func waitClosed(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case <-w.Closed():
	case <-time.After(reportWithin):
		t.Fatalf("peer's close not reported within %v", reportWithin)
	}
}

func stillOpen(t *testing.T, w *Watcher, d time.Duration) {
	t.Helper()
	select {
	case <-w.Closed():
		t.Fatal("reported a close while the peer is connected")
	case <-time.After(d):
	}
}

// readAll reads what is waiting on c without setting a deadline of its own,
// so that a deadline left behind by a watcher would show as an error.
func readNow(t *testing.T, c net.Conn, want string) {
	t.Helper()
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		buf := make([]byte, 64)
		var got []byte
		for len(got) < len(want) {
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				ch <- res{string(got), err}
				return
			}
		}
		ch <- res{string(got), nil}
	}()
	select {
	case r := <-ch:
		if r.err != nil || r.s != want {
			t.Fatalf("read %q, %v; want %q", r.s, r.err, want)
		}
	case <-time.After(reportWithin):
		t.Fatal("read did not return")
	}
}

func TestWatchCloseReportsFIN(t *testing.T) {
	srv, cli := tcpPair(t)
	w := WatchClose(srv)
	defer w.Stop()
	stillOpen(t, w, 300*time.Millisecond)
	cli.Close()
	waitClosed(t, w)
}

func TestWatchCloseReportsReset(t *testing.T) {
	srv, cli := tcpPair(t)
	w := WatchClose(srv)
	defer w.Stop()
	_ = cli.SetLinger(0) // close with RST
	cli.Close()
	waitClosed(t, w)
}

func TestWatchClosePendingBytesThenClose(t *testing.T) {
	for _, early := range []bool{false, true} {
		srv, cli := tcpPair(t)
		var w *Watcher
		if early {
			w = WatchClose(srv) // the bytes arrive while it waits
		}
		if _, err := cli.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		if !early {
			w = WatchClose(srv) // the bytes are there before it starts
		}
		stillOpen(t, w, 3*pollInterval)
		cli.Close()
		waitClosed(t, w)
		w.Stop()
	}
}

func TestWatchClosePendingBytesThenReset(t *testing.T) {
	srv, cli := tcpPair(t)
	if _, err := cli.Write([]byte("PING\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	w := WatchClose(srv)
	defer w.Stop()
	_ = cli.SetLinger(0)
	cli.Close()
	waitClosed(t, w)
}

// TestWatchCloseStop checks that Stop leaves no goroutine behind, no read
// deadline, and every byte of the stream unread.
func TestWatchCloseStop(t *testing.T) {
	srv, cli := tcpPair(t)
	base := runtime.NumGoroutine()
	var ws []*Watcher
	for i := 0; i < 50; i++ {
		ws = append(ws, WatchClose(srv))
		ws[i].Stop()
	}
	if _, err := cli.Write([]byte("before")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	w := WatchClose(srv)
	time.Sleep(50 * time.Millisecond)
	if _, err := cli.Write([]byte("-during")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * pollInterval)
	w.Stop()
	w.Stop() // idempotent
	select {
	case <-w.Closed():
		t.Fatal("stopped watcher reported a close")
	default:
	}
	settled := false
	for i := 0; i < 100 && !settled; i++ {
		settled = runtime.NumGoroutine() <= base
		if !settled {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !settled {
		t.Fatalf("goroutines: %d, before watching %d", runtime.NumGoroutine(), base)
	}
	readNow(t, srv, "before-during")
	if _, err := cli.Write([]byte("after")); err != nil {
		t.Fatal(err)
	}
	readNow(t, srv, "after")
}

func TestWatchCloseThroughGuard(t *testing.T) {
	srv, cli := tcpPair(t)
	g := NewGuard(srv, nil)
	w := WatchClose(g)
	defer w.Stop()
	if w.conn != net.Conn(srv) {
		t.Fatalf("watching %T, not the socket below the guard", w.conn)
	}
	cli.Close()
	waitClosed(t, w)
}

func TestWatchCloseNotASocket(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	w := WatchClose(a)
	b.Close()
	stillOpen(t, w, 50*time.Millisecond)
	w.Stop()
}

func TestWatchCloseLocalClose(t *testing.T) {
	srv, _ := tcpPair(t)
	w := WatchClose(srv)
	defer w.Stop()
	time.Sleep(20 * time.Millisecond)
	srv.Close()
	waitClosed(t, w)
}
