package commands

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// gateStore holds every commit until the test opens the gate: it stands for
// a disk whose sync has not returned yet.
type gateStore struct {
	gate chan struct{}
}

func (g *gateStore) Commit(*persist.Batch) error {
	<-g.gate
	return nil
}

func (g *gateStore) Apply(b *persist.Batch) (persist.Ticket, error) {
	return persist.Ticket{}, g.Commit(b)
}

func (g *gateStore) Close() error { return nil }

// TestNothingVisibleBeforeDurable: while an XADD's commit has not returned,
// no client sees the entry — not the writer (no reply), not a reader
// (XRANGE, XREAD, XLEN wait), not a client blocked on the stream (woken,
// but its reply waits) — and once the commit returns, all of them do.
func TestNothingVisibleBeforeDurable(t *testing.T) {
	g := &gateStore{gate: make(chan struct{})}
	s := startServerWith(t, Options{Store: g})
	go s.Serve()
	var once sync.Once
	open := func() { once.Do(func() { close(g.gate) }) }
	t.Cleanup(open) // before the server's Close, which waits for the commit
	blocked := dialStream(t, s)
	blocked.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	waitBlocked(t, s, 1)

	writer := dialStream(t, s)
	writer.send("XADD", "s", "1-1", "f", "v")
	// The XADD ran (the key exists in memory) once a reader is served
	// after it; wait until the blocked client was woken and released.
	waitBlocked(t, s, 0)
	readers := map[string]*streamClient{}
	for _, cmd := range [][]string{
		{"XRANGE", "s", "-", "+"},
		{"XREAD", "STREAMS", "s", "0"},
		{"XLEN", "s"},
	} {
		r := dialStream(t, s)
		r.send(cmd...)
		readers[strings.Join(cmd, " ")] = r
	}
	quiet := map[string]*streamClient{"the writer": writer, "the woken blocked reader": blocked}
	for k, v := range readers {
		quiet[k] = v
	}
	for who, c := range quiet {
		if !c.quiet(100 * time.Millisecond) {
			t.Fatalf("%s got a reply before the commit was durable: %q", who, c.read(time.Second))
		}
	}
	open()
	if got := writer.read(5 * time.Second); got != "$3\r\n1-1\r\n" {
		t.Errorf("writer: %q", got)
	}
	if got := blocked.read(5 * time.Second); !strings.Contains(got, "1-1") {
		t.Errorf("woken reader: %q", got)
	}
	for who, r := range readers {
		if got := r.read(5 * time.Second); !strings.Contains(got, "1-1") && got != ":1\r\n" {
			t.Errorf("%s: %q", who, got)
		}
	}
}
