package commands

import (
	"net"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// TestReadAheadDisconnectNoLeak: clients that go away while their replies
// are held — closing, resetting, or half-closing their side — leave no
// goroutine and no client behind.
func TestReadAheadDisconnectNoLeak(t *testing.T) {
	s, _, addr := startStored(t, persist.Always)
	clients := func() int {
		s.clientsMu.Lock()
		defer s.clientsMu.Unlock()
		return len(s.clients)
	}
	time.Sleep(50 * time.Millisecond)
	base := runtime.NumGoroutine()
	for round := range 60 {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 10 {
			nc.Write(encode("XADD", "leak"+strconv.Itoa(round%3), "*", "j", strconv.Itoa(j)))
		}
		switch round % 3 {
		case 0:
			nc.Close()
		case 1:
			nc.(*net.TCPConn).SetLinger(0) // a reset
			nc.Close()
		case 2:
			nc.(*net.TCPConn).CloseWrite()
			defer nc.Close() // never reads its replies
		}
	}
	var n int
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if n = runtime.NumGoroutine(); n <= base+2 && clients() == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n > base+2 || clients() > 0 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines and %d clients, %d goroutines before the clients came (a half-closed client is closed once its replies left):\n%s",
			n, clients(), base, buf[:runtime.Stack(buf, true)])
	}
}
