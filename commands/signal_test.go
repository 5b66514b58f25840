package commands

import "testing"

// TestKeyspaceWakesWaiters checks that commands which make a key appear
// under a name serve the clients blocked on that name at once: RENAME and
// MOVE and SWAPDB bring a stream to a waited-on key, as Redis signals the
// destination of each.
func TestKeyspaceWakesWaiters(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*Server)
		db    string
		cmd   []string
	}{
		{"rename", func(s *Server) { addKeys(s, 0, "src") }, "0", []string{"rename", "src", "w"}},
		{"renamenx", func(s *Server) { addKeys(s, 0, "src") }, "0", []string{"renamenx", "src", "w"}},
		{"move", func(s *Server) { addKeys(s, 1, "w") }, "0", []string{"move", "w", "0"}},
		{"swapdb", func(s *Server) { addKeys(s, 1, "w") }, "0", []string{"swapdb", "0", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, addr := startServer(t)
			tc.setup(srv)
			blocked, other := dialRaw(t, addr), dialRaw(t, addr)
			blocked.send("testblock", "w", "0")
			waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
			if tc.name == "move" {
				other.do("select", "1")
			}
			if got := other.do(tc.cmd...); got[0] == '-' {
				t.Fatalf("%q: %q", tc.cmd, got)
			}
			if got := blocked.read(); got != bulk("w") {
				t.Fatalf("waiter got %q", got)
			}
		})
	}
}

// TestDeletionKeepsPlainWaiters checks that DEL, FLUSHDB, FLUSHALL and
// expiry signal a waited-on key without serving a waiter that still has
// nothing to read (plain XREAD keeps waiting in Redis 7.4), and that the
// waiter is served when the key comes back.
func TestDeletionKeepsPlainWaiters(t *testing.T) {
	srv, addr := startServer(t)
	addKeys(srv, 0, "w")
	blocked, other := dialRaw(t, addr), dialRaw(t, addr)
	// The waiter's retry finds no key after each of these and waits on.
	blocked.send("testblock", "absent", "0")
	waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
	for _, cmd := range [][]string{{"del", "absent"}, {"flushdb"}, {"flushall"}, {"swapdb", "0", "2"}} {
		if got := other.do(cmd...); got[0] == '-' {
			t.Fatalf("%q: %q", cmd, got)
		}
	}
	if n := blockedClients(srv); n != 1 {
		t.Fatalf("waiter released with nothing to read (%d blocked)", n)
	}
	addKeys(srv, 0, "src")
	other.do("rename", "src", "absent")
	if got := blocked.read(); got != bulk("absent") {
		t.Fatalf("waiter got %q", got)
	}
}
