package commands

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var clientLine = regexp.MustCompile(`^id=(\d+) addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name=(\S*) age=\d+ idle=\d+ flags=(\w+) db=(\d+) sub=0 psub=0 ssub=0 multi=(-?\d+) watch=(\d+) qbuf=0 qbuf-free=0 argv-mem=\d+ multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=(\S+) user=default redir=-1 resp=([23]) lib-name=(\S*) lib-ver=(\S*)$`)

// clientLines parses a CLIENT LIST reply (RESP2 bulk) into field maps
// keyed by client ID.
func clientLines(t *testing.T, reply string) map[string][]string {
	t.Helper()
	i := strings.Index(reply, "\r\n")
	body := strings.TrimSuffix(reply[i+2:], "\r\n")
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		m := clientLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("CLIENT LIST line not in Redis's format: %q", line)
		}
		out[m[1]] = m[2:]
	}
	return out
}

func clientID(t *testing.T, c *rawClient) string {
	return strings.Trim(c.do("client", "id"), ":\r\n")
}

func TestClientSetnameSetinfo(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s("$-1\r\n", "client", "getname"),
		s(errReply(ErrClientName), "client", "setname", "a b"),
		s(errReply(ErrClientName), "client", "setname", "caf\xc3\xa9"),
		s(ok, "client", "setname", "worker-1"),
		s(bulk("worker-1"), "client", "getname"),
		s(ok, "client", "setinfo", "LIB-NAME", "go-redis(x)"),
		s(ok, "client", "setinfo", "lib-ver", "9.23.0"),
		s(errReply("ERR Unrecognized option 'foo'"), "client", "setinfo", "foo", "x"),
		s(errReply("ERR lib-ver cannot contain spaces, newlines or special characters."), "client", "setinfo", "lib-ver", "a b"),
		s(errReply(errWrongArity("client|setinfo")), "client", "setinfo", "lib-ver"),
		s(errReply(errUnknownSubcommand([]byte("foo"), "client")), "client", "foo"),
		s(errReply(errWrongArity("client")), "client"),
		s(ok, "client", "no-evict", "on"),
		s(ok, "client", "no-touch", "on"),
		s(errReply(ErrSyntax), "client", "no-touch", "maybe"),
		s(integer(-1), "client", "getredir"),
	})
	info := c.do("client", "info")
	m := clientLine.FindStringSubmatch(strings.TrimSuffix(strings.SplitN(info, "\r\n", 2)[1], "\n\r\n"))
	if m == nil {
		t.Fatalf("CLIENT INFO: %q", info)
	}
	if m[2] != "worker-1" || m[3] != "eT" || m[7] != "client|info" || m[9] != "go-redis(x)" || m[10] != "9.23.0" {
		t.Errorf("CLIENT INFO fields: %q", m[1:])
	}
	// RESP3 gets a verbatim string.
	c.do("hello", "3")
	if got := c.do("client", "info"); !strings.HasPrefix(got, "=") || !strings.Contains(got, "\r\ntxt:id=") {
		t.Errorf("CLIENT INFO in RESP3: %q", got)
	}
}

func TestClientListStates(t *testing.T) {
	_, addr := startServer(t)
	a, b, w := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	aid, bid, wid := clientID(t, a), clientID(t, b), clientID(t, w)
	runSteps(t, w, []step{s(ok, "watch", "k1", "k2"), s(ok, "select", "2")})
	runSteps(t, a, []step{s(ok, "multi"), s("+QUEUED\r\n", "ping"), s("+QUEUED\r\n", "ping")})
	b.send("testblock", "k", "0")
	waitFor(t, "b to block", func() bool { return strings.Contains(w.do("client", "list", "id", bid), "flags=b") })
	lines := clientLines(t, w.do("client", "list"))
	if len(lines) != 3 {
		t.Fatalf("want 3 clients, got %d", len(lines))
	}
	// fields: name flags db multi watch cmd resp lib-name lib-ver
	if f := lines[aid]; f[1] != "x" || f[3] != "2" {
		t.Errorf("client in MULTI: %q", f)
	}
	if f := lines[bid]; f[1] != "b" || f[5] != "testblock" {
		t.Errorf("blocked client: %q", f)
	}
	if f := lines[wid]; f[1] != "N" || f[2] != "2" || f[4] != "2" || f[5] != "client|list" {
		t.Errorf("watching client: %q", f)
	}
	runSteps(t, w, []step{
		s(errReply("ERR Unknown client type 'foo'"), "client", "list", "type", "foo"),
		s("$0\r\n\r\n", "client", "list", "type", "pubsub"),
		s(errReply(ErrInvalidClientID), "client", "list", "id", "x"),
		s(errReply(ErrSyntax), "client", "list", "id"),
		s(errReply(ErrSyntax), "client", "list", "foo"),
		s("$0\r\n\r\n", "client", "list", "id", "99999"),
	})
	if got := clientLines(t, w.do("client", "list", "type", "normal")); len(got) != 3 {
		t.Errorf("TYPE normal lists %d clients", len(got))
	}
	if got := clientLines(t, w.do("client", "list", "id", aid, wid, "12345")); len(got) != 2 {
		t.Errorf("ID filter lists %d clients", len(got))
	}
	runSteps(t, w, []step{s(integer(1), "client", "unblock", bid)})
	if got := b.read(); got != "*-1\r\n" {
		t.Errorf("unblocked reply %q", got)
	}
}

func TestClientUnblock(t *testing.T) {
	srv, addr := startServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	bid := clientID(t, b)
	runSteps(t, a, []step{
		s(errReply(ErrUnblockReason), "client", "unblock", bid, "foo"),
		s(errReply(ErrNotInteger), "client", "unblock", "abc"),
		s(errReply("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP."), "client", "unblock", "1", "2", "3"),
		s(integer(0), "client", "unblock", bid),
		s(integer(0), "client", "unblock", "99999", "error"),
	})
	for _, tc := range []struct{ mode, want string }{
		{"timeout", "*-1\r\n"},
		{"error", "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
	} {
		b.send("testblock", "k", "0")
		waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
		runSteps(t, a, []step{s(integer(1), "client", "unblock", bid, tc.mode)})
		if got := b.read(); got != tc.want {
			t.Errorf("%s: blocked client got %q want %q", tc.mode, got, tc.want)
		}
		runSteps(t, a, []step{s(integer(0), "client", "unblock", bid, tc.mode)})
	}
	if n := blockedClients(srv); n != 0 {
		t.Fatalf("%d clients still blocked", n)
	}
}

func TestClientKill(t *testing.T) {
	srv, addr := startServer(t)
	a, b, blk := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	bid := clientID(t, b)
	runSteps(t, a, []step{
		s(errReply(ErrNoSuchClient), "client", "kill", "1.2.3.4:5"),
		s(errReply(ErrClientIDPositive), "client", "kill", "id", "abc"),
		s(errReply(ErrClientIDPositive), "client", "kill", "id", "0"),
		s(errReply(ErrSyntax), "client", "kill", "foo", "bar"),
		s(errReply(ErrSyntax), "client", "kill", "id", "1", "skipme"),
		s(errReply(ErrSyntax), "client", "kill", "skipme", "maybe"),
		s(errReply("ERR No such user 'nouser'"), "client", "kill", "user", "nouser"),
		s(errReply("ERR Unknown client type 'x'"), "client", "kill", "type", "x"),
		s(integer(0), "client", "kill", "id", "99999"),
		s(integer(0), "client", "kill", "type", "master"),
		s(integer(1), "client", "kill", "id", bid),
	})
	b.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := b.r.ReadByte(); err == nil {
		t.Error("killed connection still open")
	}
	// A blocked client is released and disconnected.
	blk.send("testblock", "k", "0")
	waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
	if got := a.do("client", "kill", "maxage", "0"); got != integer(1) {
		t.Fatalf("kill all but me: %q", got)
	}
	waitFor(t, "blocked client gone", func() bool { return blockedClients(srv) == 0 })
	waitFor(t, "clients gone", func() bool {
		srv.clientsMu.Lock()
		defer srv.clientsMu.Unlock()
		return len(srv.clients) == 1
	})
	// Old form on oneself: OK, then the connection closes.
	laddr := a.conn.LocalAddr().String()
	if got := a.do("client", "kill", laddr); got != ok {
		t.Fatalf("kill self: %q", got)
	}
	a.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := a.r.ReadByte(); err == nil {
		t.Error("self-killed connection still open")
	}
}

func TestClientReply(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	c.send("client", "reply", "off")
	c.send("ping")
	c.send("nosuchcommand")
	c.send("client", "reply", "skip")
	c.send("ping")
	if got := c.do("client", "reply", "on"); got != ok {
		t.Fatalf("replies while OFF leaked: %q", got)
	}
	c.send("client", "reply", "skip")
	c.send("echo", "skipped")
	if got := c.do("echo", "seen"); got != bulk("seen") {
		t.Fatalf("after SKIP: %q", got)
	}
	runSteps(t, c, []step{s(errReply(ErrSyntax), "client", "reply", "foo")})
}

func TestClientHelp(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	got := c.do("client", "help")
	if !strings.HasPrefix(got, "*58\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n") ||
		!strings.HasSuffix(got, "+HELP\r\n+    Print this help.\r\n") {
		t.Errorf("CLIENT HELP: %q", got)
	}
}

// TestIdleTimeout checks that the timeout parameter closes idle clients
// but spares a client blocked in a command.
func TestIdleTimeout(t *testing.T) {
	srv, addr := startServer(t)
	idle, blocked, ctl := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	runSteps(t, ctl, []step{s(ok, "config", "set", "timeout", "1"), s(bulks("timeout", "1"), "config", "get", "timeout")})
	idle.do("ping")
	blocked.send("testblock", "k", "0")
	waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
	idle.conn.SetReadDeadline(time.Now().Add(4 * time.Second))
	if _, err := idle.r.ReadByte(); err == nil {
		t.Fatal("idle client not closed")
	}
	if blockedClients(srv) != 1 {
		t.Fatal("blocked client was reaped")
	}
}
