package commands

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// startServerWith listens with opts but leaves Serve to the test.
func startServerWith(t testing.TB, opts Options) *Server {
	t.Helper()
	opts.Bind = "127.0.0.1"
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	s := New(opts)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// closedWithoutReply reports whether the connection is closed by the server
// within d without any byte arriving first.
func closedWithoutReply(c *streamClient, d time.Duration) bool {
	c.nc.SetReadDeadline(time.Now().Add(d))
	defer c.nc.SetReadDeadline(time.Time{})
	_, err := c.rd.ReadByte()
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err)
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// TestCloseReleasesBlockedClient: a client blocked forever is let go at
// shutdown — its connection closes with no reply (a nil would claim a
// timeout that BLOCK 0 never has) — and Close does not wait for it.
func TestCloseReleasesBlockedClient(t *testing.T) {
	s := startServerWith(t, Options{})
	go s.Serve()
	b := dialStream(t, s)
	b.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	waitBlocked(t, s, 1)
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close is stuck behind a blocked client")
	}
	if !closedWithoutReply(b, 5*time.Second) {
		t.Fatal("the blocked client got a reply or stayed connected")
	}
	if nc, err := net.DialTimeout("tcp", s.Addr().String(), time.Second); err == nil {
		nc.Close()
		t.Fatal("the server still accepts connections after Close")
	}
}

// TestCloseFinishesInFlight closes the server while clients pipeline XADDs.
// Every reply a client got must be whole, and every ID it was given must be
// in the store afterwards: commands that ran send their replies, the rest
// are not run, and nothing acknowledged is lost.
func TestCloseFinishesInFlight(t *testing.T) {
	dir := t.TempDir()
	s := startServerWith(t, Options{Store: openPebble(t, dir)})
	go s.Serve()
	const clients, depth = 8, 400
	var wg sync.WaitGroup
	acked := make([][]string, clients)
	errs := make(chan error, clients)
	started := make(chan struct{}, clients)
	for i := 0; i < clients; i++ {
		nc, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func(i int, nc net.Conn) {
			defer wg.Done()
			defer nc.Close()
			key := "s" + strconv.Itoa(i)
			var pipe []byte
			for j := 0; j < depth; j++ {
				pipe = append(pipe, encode("XADD", key, "*", "j", strconv.Itoa(j))...)
			}
			go nc.Write(pipe) // may fail half way once the server closes
			rd := bufio.NewReader(nc)
			nc.SetReadDeadline(time.Now().Add(20 * time.Second))
			for {
				line, err := rd.ReadString('\n')
				if err != nil {
					if line != "" {
						errs <- errors.New("a reply cut short: " + strconv.Quote(line))
					}
					return
				}
				if len(acked[i]) == 0 {
					started <- struct{}{}
				}
				if !strings.HasPrefix(line, "$") {
					errs <- errors.New("unexpected reply " + strconv.Quote(line))
					return
				}
				id, err := rd.ReadString('\n')
				if err != nil {
					errs <- errors.New("a reply cut short after " + strconv.Quote(line))
					return
				}
				acked[i] = append(acked[i], key+" "+strings.TrimSpace(id))
			}
		}(i, nc)
	}
	<-started
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p := openPebble(t, dir)
	g := newFake(t, Options{Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range acked {
		for _, a := range acked[i] {
			k, id, _ := strings.Cut(a, " ")
			if got := g.do("XRANGE", k, id, id); !strings.Contains(got, id) {
				t.Fatalf("acknowledged %s %s is not in the store after shutdown: %q", k, id, got)
			}
		}
		total += len(acked[i])
	}
	t.Logf("%d of %d pipelined XADDs acknowledged before the shutdown, all present", total, clients*depth)
}

// TestCloseIdempotent: a second Close (SIGTERM after SHUTDOWN) returns at
// once; the store was closed exactly once.
func TestCloseIdempotent(t *testing.T) {
	dir := t.TempDir()
	p := openPebble(t, dir)
	s := startServerWith(t, Options{Store: p})
	go s.Serve()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if err := p.Close(); err != persist.ErrClosed {
		t.Fatalf("store Close after the server's = %v, want ErrClosed", err)
	}
}

// TestCloseDoesNotWaitForeverOnAClient: a client that pipelines big reads
// and never reads the replies blocks its connection's writes; Close waits
// for it only up to the grace period, then closes the store and the
// connection anyway.
func TestCloseDoesNotWaitForeverOnAClient(t *testing.T) {
	defer func(g time.Duration) { shutdownGrace = g }(shutdownGrace)
	shutdownGrace = 300 * time.Millisecond
	dir := t.TempDir()
	s := startServerWith(t, Options{Store: openPebble(t, dir)})
	go s.Serve()
	w := dialStream(t, s)
	big := strings.Repeat("x", 4096)
	for i := 0; i < 500; i++ {
		w.send("XADD", "s", "*", "f", big)
	}
	for i := 0; i < 500; i++ {
		w.read(10 * time.Second)
	}
	stuck := dialStream(t, s)
	var pipe []byte
	for i := 0; i < 100; i++ {
		pipe = append(pipe, encode("XRANGE", "s", "-", "+")...)
	}
	go stuck.nc.Write(pipe) // ~200 MB of replies nobody reads
	time.Sleep(200 * time.Millisecond)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Close took %v with a client not reading", time.Since(start).Round(time.Millisecond))
	case <-time.After(20 * time.Second):
		t.Fatal("Close waits for a client that does not read its replies")
	}
	// The writes are all in the store.
	p := openPebble(t, dir)
	g := newFake(t, Options{Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatal(err)
	}
	if got := g.do("XLEN", "s"); got != ":500\r\n" {
		t.Fatalf("XLEN after Close = %q", got)
	}
}
