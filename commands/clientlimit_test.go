package commands

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestLimitClients: the descriptor cap lowers maxclients, and CONFIG SET
// may not raise it above the cap afterwards (Redis's error, its text from
// redis-server 7.0.15 under ulimit -n 64); without a cap any value goes.
func TestLimitClients(t *testing.T) {
	s, addr := startServer(t)
	c := dialRaw(t, addr)
	if was, lowered := s.LimitClients(20000); was != 10000 || lowered {
		t.Fatalf("LimitClients(20000) = %d, %v; want 10000, false (the default fits)", was, lowered)
	}
	if was, lowered := s.LimitClients(32); was != 10000 || !lowered {
		t.Fatalf("LimitClients(32) = %d, %v; want 10000, true", was, lowered)
	}
	for _, tc := range []struct{ cmd, want string }{
		{"get maxclients", "*2\r\n$10\r\nmaxclients\r\n$2\r\n32\r\n"},
		{"set maxclients 33", "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with 32\r\n"},
		{"set maxclients 1000 timeout 7", "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with 32\r\n"},
		{"get timeout", "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"}, // the failed SET changed nothing
		{"set maxclients 32", "+OK\r\n"},
		{"set maxclients 20", "+OK\r\n"},
		{"get maxclients", "*2\r\n$10\r\nmaxclients\r\n$2\r\n20\r\n"},
	} {
		if got := c.do(append([]string{"config"}, strings.Fields(tc.cmd)...)...); got != tc.want {
			t.Errorf("CONFIG %s = %q, want %q", tc.cmd, got, tc.want)
		}
	}
	if was, lowered := s.LimitClients(0); was != 20 || lowered {
		t.Fatalf("LimitClients(0) = %d, %v; want 20, false", was, lowered)
	}
	if got := c.do("config", "set", "maxclients", "50000"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET maxclients 50000 without a cap = %q", got)
	}
}

// TestClientsOverTheLimitAreRefused: a connection beyond maxclients gets
// Redis's error and is closed; the clients already connected go on.
func TestClientsOverTheLimitAreRefused(t *testing.T) {
	s, addr := startServer(t)
	s.LimitClients(2)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	for _, c := range []*rawClient{a, b} {
		if got := c.do("ping"); got != "+PONG\r\n" {
			t.Fatalf("PING = %q", got)
		}
	}
	over := dialRaw(t, addr)
	over.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(over.r)
	if err != nil || string(got) != "-ERR max number of clients reached\r\n" {
		t.Fatalf("third client read %q, %v; want the max-clients error, then EOF", got, err)
	}
	if got := a.do("ping"); got != "+PONG\r\n" {
		t.Fatalf("PING of a connected client after the refusal = %q", got)
	}
	if n := s.stats.rejectedConns.Load(); n != 1 {
		t.Fatalf("rejected_connections = %d, want 1", n)
	}
}
