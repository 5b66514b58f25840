package commands

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// readWithin returns the next reply if one arrives within d, else "".
func (c *rawClient) readWithin(d time.Duration) string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(d))
	defer c.conn.SetReadDeadline(time.Time{})
	if _, err := c.r.Peek(1); err != nil {
		return ""
	}
	return c.read()
}

func pausedClients(s *Server) int64 { return s.pause.waiting.Load() }

// TestClientPauseWrite: a WRITE pause delays writes, and only them, until
// CLIENT UNPAUSE; the delayed write then runs and answers; the paused
// client holds no keyspace lock and counts as blocked.
func TestClientPauseWrite(t *testing.T) {
	srv, addr := startServer(t)
	a, b, c := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	a.do("XADD", "s", "1-1", "f", "v")
	if got := a.do("CLIENT", "PAUSE", "100000", "WRITE"); got != ok {
		t.Fatalf("CLIENT PAUSE = %q", got)
	}
	// PING first in the pipeline: its reply leaves before the write waits.
	b.conn.Write(append(encodeCmd("PING"), encodeCmd("XADD", "s", "2-1", "f", "v")...))
	if got := b.read(); got != "+PONG\r\n" {
		t.Fatalf("PING before the paused write = %q", got)
	}
	waitFor(t, "the write to be paused", func() bool { return pausedClients(srv) == 1 })
	if got := b.readWithin(100 * time.Millisecond); got != "" {
		t.Fatalf("write answered during the pause: %q", got)
	}
	// Reads answer, and the keyspace lock is free.
	if got := c.do("XLEN", "s"); got != integer(1) {
		t.Errorf("XLEN during the pause = %q", got)
	}
	if !srv.mu.TryLock() {
		t.Fatal("the keyspace lock is held while a client is paused")
	}
	srv.mu.Unlock()
	if !strings.Contains(c.do("INFO", "clients"), "\r\nblocked_clients:1\r\n") {
		t.Error("INFO clients does not count the paused client")
	}
	if !strings.Contains(c.do("CLIENT", "LIST"), "flags=b ") {
		t.Error("CLIENT LIST does not flag the paused client b")
	}
	if got := c.do("CLIENT", "UNPAUSE"); got != ok {
		t.Fatalf("CLIENT UNPAUSE = %q", got)
	}
	if got := b.read(); got != bulk("2-1") {
		t.Errorf("paused XADD after UNPAUSE = %q", got)
	}
	if got := c.do("XLEN", "s"); got != integer(2) {
		t.Errorf("XLEN after UNPAUSE = %q", got)
	}
	if n := pausedClients(srv); n != 0 {
		t.Errorf("%d clients still counted paused", n)
	}
}

// TestClientPauseAllTimeout: an ALL pause delays every command, the
// pausing client's own CLIENT UNPAUSE too, until its timeout.
func TestClientPauseAllTimeout(t *testing.T) {
	srv, addr := startServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	start := time.Now()
	if got := a.do("CLIENT", "PAUSE", "300"); got != ok {
		t.Fatalf("CLIENT PAUSE = %q", got)
	}
	b.send("PING")
	a.send("CLIENT", "UNPAUSE")
	waitFor(t, "both clients to be paused", func() bool { return pausedClients(srv) == 2 })
	if got := b.read(); got != "+PONG\r\n" {
		t.Errorf("PING = %q", got)
	}
	if got := a.read(); got != ok {
		t.Errorf("CLIENT UNPAUSE = %q", got)
	}
	// The pause ends at a whole millisecond of the server's clock, so it
	// may end up to a millisecond (plus timer slack) before start+300ms.
	if d := time.Since(start); d < 295*time.Millisecond {
		t.Errorf("commands answered after %v, inside the 300 ms pause", d)
	}
	// A later pause that ends sooner keeps the first end; a stricter mode
	// wins over a looser one.
	a.do("CLIENT", "PAUSE", "100000", "WRITE")
	a.do("CLIENT", "PAUSE", "10", "ALL")
	if m := pauseMode(srv.pause.mode.Load()); m != pauseAll {
		t.Errorf("mode after WRITE then ALL = %d", m)
	}
	time.Sleep(50 * time.Millisecond)
	b.send("XLEN", "s")
	if got := b.readWithin(100 * time.Millisecond); got != "" {
		t.Errorf("read answered while the longer pause was on: %q", got)
	}
	srv.pause.unpause()
	if got := b.read(); got != integer(0) {
		t.Errorf("XLEN after unpause = %q", got)
	}
}

// TestClientPauseRelease: a paused client that disconnects, or a server
// that shuts down, ends the wait: no goroutine is left behind.
func TestClientPauseRelease(t *testing.T) {
	srv, addr := startServer(t)
	a := dialRaw(t, addr)
	a.do("CLIENT", "PAUSE", "100000", "WRITE")
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		b := dialRaw(t, addr)
		b.send("XADD", "s", "*", "f", "v")
		waitFor(t, "the write to be paused", func() bool { return pausedClients(srv) == 1 })
		b.conn.Close()
		waitFor(t, "the paused client to go", func() bool { return pausedClients(srv) == 0 })
	}
	waitFor(t, "the connections to close", func() bool {
		srv.clientsMu.Lock()
		defer srv.clientsMu.Unlock()
		return len(srv.clients) == 1
	})
	if got := a.do("XLEN", "s"); got != integer(0) {
		t.Errorf("a write of a disconnected paused client ran: XLEN = %q", got)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		t.Errorf("%d goroutines after 20 paused clients left, %d before", n, before)
	}

	b := dialRaw(t, addr)
	b.send("XADD", "s", "*", "f", "v")
	waitFor(t, "the write to be paused", func() bool { return pausedClients(srv) == 1 })
	done := make(chan error, 1)
	go func() { done <- srv.Close() }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Close waits for a paused client")
	}
	if got := b.readWithin(time.Second); got != "" {
		t.Errorf("paused client got %q at shutdown, want the connection closed", got)
	}
}

// TestClientPauseNoExpiry: while paused no key expires, actively or when
// read, but a read finds the expired key gone.
func TestClientPauseNoExpiry(t *testing.T) {
	srv, addr := startServer(t)
	a := dialRaw(t, addr)
	a.do("XADD", "s", "1-1", "f", "v")
	a.do("PEXPIRE", "s", "20")
	a.do("CLIENT", "PAUSE", "100000", "WRITE")
	time.Sleep(250 * time.Millisecond) // two rounds of the expiry loop
	if got := a.do("XLEN", "s"); got != integer(0) {
		t.Errorf("XLEN of an expired key = %q", got)
	}
	srv.mu.Lock()
	kept := srv.dbs[0].keys["s"] != nil
	srv.mu.Unlock()
	if !kept {
		t.Error("a key was deleted during the pause")
	}
	a.do("CLIENT", "UNPAUSE")
	waitFor(t, "the key to expire after the pause", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.dbs[0].keys["s"] == nil
	})
}

// TestClientPauseExecWrite: under WRITE an EXEC of reads runs, an EXEC
// holding a write waits.
func TestClientPauseExecWrite(t *testing.T) {
	f := newFake(t, Options{})
	f.do("MULTI")
	f.do("XLEN", "s")
	f.s.pause.pause(time.Now().Add(time.Hour), pauseWrite)
	defer f.s.pause.unpause()
	if !mayWrite(f.c, Lookup("xadd")) || mayWrite(f.c, Lookup("xlen")) {
		t.Error("mayWrite of XADD / XLEN")
	}
	if mayWrite(f.c, Lookup("exec")) {
		t.Error("an EXEC of reads counts as a write")
	}
	f.c.queued = append(f.c.queued, [][]byte{[]byte("xgroup"), []byte("create"), []byte("s"), []byte("g"), []byte("$")})
	if !mayWrite(f.c, Lookup("exec")) {
		t.Error("an EXEC holding XGROUP CREATE does not count as a write")
	}
}
