package commands

import (
	"runtime"
	"strconv"
	"testing"
)

// TestClientPauseFIFO: the commands a pause held run in the order they
// were held once it is lifted, each after the previous one ran: explicit
// IDs, which fail if added out of order, all succeed. Clients that left
// while held drop out of the queue without stalling it, and a write sent
// while the queue drains waits behind it.
func TestClientPauseFIFO(t *testing.T) {
	srv, addr := startServer(t)
	a := dialRaw(t, addr)
	if got := a.do("CLIENT", "PAUSE", "100000", "WRITE"); got != ok {
		t.Fatalf("CLIENT PAUSE = %q", got)
	}
	before := runtime.NumGoroutine()
	const n = 40
	type held struct {
		c    *rawClient
		id   string
		gone bool
	}
	var clients []held
	for i := 1; i <= n; i++ {
		c := dialRaw(t, addr)
		id := strconv.Itoa(i) + "-1"
		c.send("XADD", "s", id, "f", strconv.Itoa(i))
		waitFor(t, "write "+id+" to be held", func() bool { return pausedClients(srv) == int64(len(clients)+1) })
		h := held{c: c, id: id}
		if i%7 == 0 {
			// Leaves while held; its XADD must never run.
			c.conn.Close()
			h.gone = true
			waitFor(t, "the closed client to leave the queue", func() bool { return pausedClients(srv) == int64(len(clients)) })
			continue
		}
		clients = append(clients, h)
	}
	if !srv.mu.TryLock() {
		t.Fatal("the keyspace lock is held while clients are paused")
	}
	srv.mu.Unlock()
	if got := a.do("CLIENT", "UNPAUSE"); got != ok {
		t.Fatalf("CLIENT UNPAUSE = %q", got)
	}
	late := dialRaw(t, addr)
	late.send("XADD", "s", "1000-1", "f", "late")
	var want []string
	for _, h := range clients {
		if got := h.c.read(); got != bulk(h.id) {
			t.Errorf("held XADD %s after UNPAUSE = %q", h.id, got)
		}
		want = append(want, h.id)
	}
	if got := late.read(); got != bulk("1000-1") {
		t.Errorf("XADD sent while the queue drained = %q", got)
	}
	want = append(want, "1000-1")
	got := a.do("XRANGE", "s", "-", "+")
	var exp string
	for _, id := range want {
		field := "late"
		if id != "1000-1" {
			field = id[:len(id)-2]
		}
		exp += "*2\r\n" + bulk(id) + bulks("f", field)
	}
	exp = "*" + strconv.Itoa(len(want)) + "\r\n" + exp
	if got != exp {
		t.Errorf("XRANGE after the queue drained =\n%q\nwant\n%q", got, exp)
	}
	if c := pausedClients(srv); c != 0 {
		t.Errorf("%d clients still counted paused", c)
	}
	if q := srv.pause.queued.Load(); q != 0 {
		t.Errorf("%d tickets left in the pause queue", q)
	}
	for _, h := range clients {
		h.c.conn.Close()
	}
	late.conn.Close()
	waitFor(t, "the connections to close", func() bool {
		srv.clientsMu.Lock()
		defer srv.clientsMu.Unlock()
		return len(srv.clients) == 1
	})
	waitFor(t, "the goroutines of the held clients to end", func() bool {
		return runtime.NumGoroutine() <= before+2
	})
}

// TestClientPauseFIFOBlockedHead: a held XREADGROUP that blocks once run
// does not stall the queue: the XADD held after it runs and wakes it; an
// XACK held after a read runs after that read, so it acknowledges.
func TestClientPauseFIFOBlockedHead(t *testing.T) {
	srv, addr := startServer(t)
	a, b, c, d := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	a.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	a.do("CLIENT", "PAUSE", "100000", "WRITE")
	b.send("XREADGROUP", "GROUP", "g", "w", "BLOCK", "0", "STREAMS", "s", ">")
	waitFor(t, "XREADGROUP to be held", func() bool { return pausedClients(srv) == 1 })
	c.send("XADD", "s", "1-1", "f", "v")
	waitFor(t, "XADD to be held", func() bool { return pausedClients(srv) == 2 })
	d.send("XACK", "s", "g", "1-1")
	waitFor(t, "XACK to be held", func() bool { return pausedClients(srv) == 3 })
	a.do("CLIENT", "UNPAUSE")
	if got := c.read(); got != bulk("1-1") {
		t.Errorf("held XADD = %q", got)
	}
	want := "*1\r\n*2\r\n" + bulk("s") + "*1\r\n*2\r\n" + bulk("1-1") + bulks("f", "v")
	if got := b.read(); got != want {
		t.Errorf("held XREADGROUP woken = %q, want %q", got, want)
	}
	if got := d.read(); got != integer(1) {
		t.Errorf("held XACK = %q, want 1 (it ran before the read delivered)", got)
	}
}
