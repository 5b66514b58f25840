package commands

import (
	"strconv"
	"strings"
	"testing"
)

func helloReply(proto int, id string) string {
	m := "%7\r\n"
	if proto == 2 {
		m = "*14\r\n"
	}
	return m + bulk("server") + bulk("redis") + bulk("version") + bulk(RedisVersion) +
		bulk("proto") + ":" + strconv.Itoa(proto) + "\r\n" + bulk("id") + ":" + id + "\r\n" +
		bulk("mode") + bulk("standalone") + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n"
}

func TestHelloExec(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	id := strings.Trim(c.do("client", "id"), ":\r\n")
	runSteps(t, c, []step{
		s(errReply(ErrNoProto), "hello", "4"),
		s(errReply(ErrNoProto), "hello", "1"),
		s(errReply(ErrProtoNotInt), "hello", "abc"),
		s(errReply("ERR Syntax error in HELLO option 'foo'"), "hello", "3", "foo"),
		s(errReply("ERR Syntax error in HELLO option 'auth'"), "hello", "3", "auth", "a"),
		s(errReply(ErrClientName), "hello", "3", "setname", "a b"),
		s(errReply(ErrWrongPass), "hello", "3", "auth", "foo", "bar"),
		s(helloReply(2, id), "hello"),
		s(helloReply(3, id), "hello", "3", "auth", "default", "anything", "setname", "app"),
	})
	// RESP3 is now on: nulls and maps change shape.
	runSteps(t, c, []step{
		s(bulk("app"), "client", "getname"),
		s(ok, "client", "setname", ""),
		s("_\r\n", "client", "getname"),
		s("%3\r\n"+bulk("flags")+"~1\r\n"+bulk("off")+""+bulk("redirect")+":-1\r\n"+bulk("prefixes")+"*0\r\n", "client", "trackinginfo"),
		s("+PONG\r\n", "ping"),
		s(helloReply(2, id), "hello", "2"),
		s("*-1\r\n", "testblock", "nokey", "1"),
	})
}

func TestAuthRequirepass(t *testing.T) {
	srv, addr := startServer(t, func(s *Server) {
		if err := s.SetConfig("requirepass", "sekret"); err != nil {
			panic(err)
		}
	})
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply(ErrNoAuth), "ping"),
		s(errReply(errUnknownCommand([][]byte{[]byte("nosuch")})), "nosuch"),
		s(errReply(ErrHelloNoAuth), "hello", "3"),
		s(errReply(ErrWrongPass), "auth", "wrong"),
		s(errReply(ErrWrongPass), "auth", "default", "wrong"),
		s(errReply(ErrWrongPass), "auth", "other", "sekret"),
		s(errReply(ErrSyntax), "auth", "a", "b", "c"),
		s(ok, "auth", "sekret"),
		s("+PONG\r\n", "ping"),
		s("+RESET\r\n", "reset"),
		s(errReply(ErrNoAuth), "ping"),
	})
	d := dialRaw(t, addr)
	if got := d.do("hello", "3", "auth", "default", "sekret"); !strings.HasPrefix(got, "%7\r\n") {
		t.Fatalf("hello with auth: %q", got)
	}
	// Clearing requirepass lets everyone in, as Redis's nopass default user.
	runSteps(t, d, []step{s(ok, "config", "set", "requirepass", "")})
	runSteps(t, c, []step{s("+PONG\r\n", "ping"), s(errReply(ErrAuthNotSet), "auth", "x"), s(ok, "auth", "default", "x")})
	if n := srv.stats.authFailures.Load(); n != 3 {
		t.Errorf("auth failures counted %d, want 3", n)
	}
}

func TestSelectResetExec(t *testing.T) {
	srv, addr := startServer(t)
	addKeys(srv, 3, "k3")
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply(ErrDBIndex), "select", "16"),
		s(errReply(ErrDBIndex), "select", "-1"),
		s(errReply(ErrNotInteger), "select", "abc"),
		s(errReply(ErrIntRange), "select", "99999999999"),
		s(ok, "select", "3"),
		s(integer(1), "exists", "k3"),
		s(ok, "client", "setname", "n"),
		s(ok, "multi"),
		s("+QUEUED\r\n", "select", "0"),
		s("+RESET\r\n", "reset"),
		s(errReply(ErrExecNoMulti), "exec"),
		s(integer(0), "exists", "k3"),
		s("$-1\r\n", "client", "getname"),
		// SELECT inside MULTI applies to the commands queued after it.
		s(ok, "multi"),
		s("+QUEUED\r\n", "select", "3"),
		s("+QUEUED\r\n", "exists", "k3"),
		s(arr(ok, integer(1)), "exec"),
		s(ok, "multi"),
		s(errReply(ErrNotInMulti), "shutdown"),
		s(errReply(ErrExecAbort), "exec"),
	})
}

// TestMultiRunsLockTakingCommands checks that commands which take the
// keyspace lock themselves also run inside EXEC, which already holds it.
func TestMultiRunsLockTakingCommands(t *testing.T) {
	srv, addr := startServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	bid := strings.Trim(b.do("client", "id"), ":\r\n")
	b.send("testblock", "k", "0")
	waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
	runSteps(t, a, []step{
		s(ok, "multi"),
		s("+QUEUED\r\n", "info", "keyspace"),
		s("+QUEUED\r\n", "info", "memory"),
		s("+QUEUED\r\n", "config", "set", "stream-node-max-entries", "10"),
		s("+QUEUED\r\n", "client", "unblock", bid),
	})
	got := a.do("exec")
	if !strings.HasPrefix(got, "*4\r\n$12\r\n# Keyspace\r\n\r\n") || !strings.HasSuffix(got, ok+integer(1)) {
		t.Fatalf("EXEC: %q", got)
	}
	if r := b.read(); r != "*-1\r\n" {
		t.Fatalf("unblocked inside EXEC: %q", r)
	}
	b.send("testblock", "k", "0")
	waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
	runSteps(t, a, []step{s(ok, "multi"), s("+QUEUED\r\n", "client", "kill", "id", bid), s(arr(integer(1)), "exec")})
	waitFor(t, "killed", func() bool { return blockedClients(srv) == 0 })
}
