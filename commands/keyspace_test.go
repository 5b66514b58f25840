package commands

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

func TestKeyspaceExec(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "a", "b", "c")
	runSteps(t, c, []step{
		s(integer(3), "exists", "a", "a", "c"),
		s(integer(0), "exists", "nope"),
		s("+stream\r\n", "type", "a"),
		s("+none\r\n", "type", "nope"),
		s(integer(3), "dbsize"),
		s(integer(2), "del", "a", "a", "b", "nope"),
		s(integer(0), "unlink", "a"),
		s(integer(1), "unlink", "c"),
		s(integer(0), "dbsize"),
		s(errReply(errWrongArity("del")), "del"),
		s(errReply(errWrongArity("keys")), "keys"),
		s("$-1\r\n", "randomkey"),
	})
	addKeys(srv, 0, "k")
	runSteps(t, c, []step{
		s(bulk("k"), "randomkey"),
		s(integer(1), "touch", "k", "x"),
	})
}

func TestKeysPattern(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "hello", "hallo", "hxllo", "hllo", "heeeello", "", "h*llo", "H[a]")
	sorted := func(reply string) string {
		parts := strings.Split(reply, "\r\n")
		// parts: *N, then pairs of $len, key.
		var keys []string
		for i := 2; i < len(parts); i += 2 {
			keys = append(keys, parts[i])
		}
		sort.Strings(keys)
		return fmt.Sprintf("%s %q", parts[0], keys)
	}
	for _, tc := range []struct {
		pat  string
		want []string
	}{
		{"*", []string{"", "H[a]", "h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"}},
		{"h?llo", []string{"h*llo", "hallo", "hello", "hxllo"}},
		{"h*llo", []string{"h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"}},
		{"h[ae]llo", []string{"hallo", "hello"}},
		{"h[^e]llo", []string{"h*llo", "hallo", "hxllo"}},
		{"h[a-b]llo", []string{"hallo"}},
		{"h\\*llo", []string{"h*llo"}},
		{"H\\[a]", []string{"H[a]"}},
		{"**", []string{"H[a]", "h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"}},
		{"nomatch", nil},
	} {
		got := sorted(c.do("keys", tc.pat))
		want := fmt.Sprintf("*%d %q", len(tc.want), tc.want)
		if tc.want == nil {
			want = "*0 []"
		}
		if got != want {
			t.Errorf("KEYS %q: got %s want %s", tc.pat, got, want)
		}
	}
}

func TestScanParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  error
		cur  uint64
	}{
		{[]string{"scan", "0"}, nil, 0},
		{[]string{"scan", "-1"}, nil, ^uint64(0)},
		{[]string{"scan", ""}, nil, 0},
		{[]string{"scan", "+5"}, nil, 5},
		{[]string{"scan", "05"}, nil, 5},
		{[]string{"scan", " 5"}, ErrInvalidCursor, 0},
		{[]string{"scan", "abc"}, ErrInvalidCursor, 0},
		{[]string{"scan", "-"}, ErrInvalidCursor, 0},
		{[]string{"scan", "18446744073709551616"}, ErrInvalidCursor, 0},
		{[]string{"scan", "0", "count", "0"}, ErrSyntax, 0},
		{[]string{"scan", "0", "count", "abc"}, ErrNotInteger, 0},
		{[]string{"scan", "0", "count"}, ErrSyntax, 0},
		{[]string{"scan", "0", "foo", "bar"}, ErrSyntax, 0},
		{[]string{"scan", "0", "MATCH", "*", "COUNT", "5", "TYPE", "stream"}, nil, 0},
	} {
		args := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			args[i] = []byte(a)
		}
		a, err := parseScan(args)
		if err != tc.err || (err == nil && a.cursor != tc.cur) {
			t.Errorf("%q: got %v %d, want %v %d", tc.args, err, a.cursor, tc.err, tc.cur)
		}
	}
}

// TestScanContract checks Redis's SCAN guarantee under churn: every key
// present for the whole iteration is returned, while other keys come and
// go and the index grows and shrinks between calls.
func TestScanContract(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	var stable []string
	for i := 0; i < 500; i++ {
		stable = append(stable, fmt.Sprintf("stable:%d", i))
	}
	addKeys(srv, 0, stable...)
	seen := map[string]bool{}
	cursor := "0"
	calls := 0
	for {
		reply := c.do("scan", cursor, "COUNT", "7")
		parts := strings.Split(reply, "\r\n")
		cursor = parts[2]
		for i := 5; i < len(parts); i += 2 {
			seen[parts[i]] = true
		}
		// Churn: add a batch of keys (growing the table), then drop them.
		var tmp []string
		for j := 0; j < 40; j++ {
			tmp = append(tmp, fmt.Sprintf("tmp:%d:%d", calls, j))
		}
		addKeys(srv, 0, tmp...)
		if calls%3 == 0 {
			c.do(append([]string{"del"}, tmp...)...)
		}
		calls++
		if cursor == "0" {
			break
		}
		if calls > 100000 {
			t.Fatal("scan did not terminate")
		}
	}
	for _, k := range stable {
		if !seen[k] {
			t.Fatalf("key %s present throughout was never returned (%d calls)", k, calls)
		}
	}
}

func TestScanFilters(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "user:1", "user:2", "job:1")
	runSteps(t, c, []step{
		s(arr(bulk("0"), bulks()), "scan", "0", "type", "string"),
		s(arr(bulk("0"), bulks()), "scan", "0", "type", "nosuchtype"),
		s(arr(bulk("0"), bulks("job:1")), "scan", "0", "match", "job:*", "count", "100"),
		s(errReply(ErrInvalidCursor), "scan", "x"),
	})
	got := c.do("scan", "0", "type", "STREAM", "count", "100")
	if !strings.HasPrefix(got, "*2\r\n$1\r\n0\r\n*3\r\n") {
		t.Errorf("scan type stream: %q", got)
	}
}

func TestExpireExec(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "a")
	runSteps(t, c, []step{
		s(errReply(ErrExpireNXCombo), "expire", "a", "10", "nx", "xx"),
		s(errReply(ErrExpireGTLT), "expire", "a", "10", "gt", "lt"),
		s(errReply("ERR Unsupported option foo"), "expire", "a", "10", "foo"),
		s(errReply("ERR Unsupported option foo"), "expire", "nokey", "abc", "foo"),
		s(errReply(ErrNotInteger), "expire", "a", "abc"),
		s(errReply(errInvalidExpire("expire")), "expire", "a", "9223372036854775"),
		s(errReply(errInvalidExpire("pexpire")), "pexpire", "a", "9223372036854775807"),
		s(errReply(errInvalidExpire("expireat")), "expireat", "a", "9223372036854775807"),
		s(errReply(errWrongArity("expire")), "expire", "a"),
		s(integer(0), "expire", "nokey", "10"),
		s(integer(-1), "ttl", "a"),
		s(integer(-2), "ttl", "nokey"),
		s(integer(-2), "pexpiretime", "nokey"),
		s(integer(0), "expire", "a", "100", "xx"),
		s(integer(0), "expire", "a", "100", "gt"),
		s(integer(1), "expire", "a", "100", "lt"),
		s(integer(100), "ttl", "a"),
		s(integer(0), "expire", "a", "200", "lt"),
		s(integer(1), "expire", "a", "200", "gt"),
		s(integer(0), "expire", "a", "50", "gt"),
		s(integer(1), "expire", "a", "50", "lt"),
		s(integer(0), "expire", "a", "10", "nx"),
		s(integer(1), "persist", "a"),
		s(integer(0), "persist", "a"),
		s(integer(0), "persist", "nokey"),
		s(integer(1), "expireat", "a", "5000000000"),
		s(integer(5000000000), "expiretime", "a"),
		s(integer(5000000000000), "pexpiretime", "a"),
		s(integer(1), "pexpireat", "a", "9223372036854775807"),
		s(integer(1), "expire", "a", "-1"),
		s(integer(0), "exists", "a"),
	})
	addKeys(srv, 0, "b")
	c.do("pexpire", "b", "1500")
	pttl := c.do("pttl", "b")
	var ms int
	fmt.Sscanf(pttl, ":%d", &ms)
	if ms <= 1000 || ms > 1500 {
		t.Errorf("pttl after pexpire 1500: %q", pttl)
	}
	if got := c.do("ttl", "b"); got != integer(1) && got != integer(2) {
		t.Errorf("ttl rounds: %q", got)
	}
}

// TestLazyAndActiveExpiry checks both paths that remove an expired key:
// a lookup removes it at once, and the background loop removes one no
// client touches.
func TestLazyAndActiveExpiry(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "lazy", "active")
	c.do("pexpire", "lazy", "30")
	c.do("pexpire", "active", "30")
	time.Sleep(60 * time.Millisecond)
	if got := c.do("exists", "lazy"); got != integer(0) {
		t.Fatalf("exists on an expired key: %q", got)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		srv.mu.Lock()
		n := srv.dbs[0].Len()
		srv.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("active expiry did not remove the key")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRenameExec(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "src", "dst", "other")
	c.do("pexpire", "src", "100000")
	srv.mu.Lock()
	uid := srv.dbs[0].keys["src"].UID
	srv.mu.Unlock()
	runSteps(t, c, []step{
		s(errReply(ErrNoSuchKey), "rename", "nokey", "x"),
		s(errReply(ErrNoSuchKey), "renamenx", "nokey", "x"),
		s(errReply(ErrNoSuchKey), "rename", "nokey", "nokey"),
		s(ok, "rename", "other", "other"),
		s(integer(0), "renamenx", "other", "other"),
		s(integer(0), "renamenx", "src", "other"),
		s(ok, "rename", "src", "dst"),
		s(integer(0), "exists", "src"),
		s(integer(1), "exists", "dst"),
		s(integer(1), "renamenx", "dst", "fresh"),
	})
	srv.mu.Lock()
	o := srv.dbs[0].keys["fresh"]
	srv.mu.Unlock()
	if o == nil || o.UID != uid || o.Expire == 0 {
		t.Fatalf("renamed object lost its UID or expiry: %+v (uid %d)", o, uid)
	}
	if got := c.do("pttl", "fresh"); got == integer(-1) {
		t.Fatalf("expiry not carried: %q", got)
	}
}

func TestRenameOps(t *testing.T) {
	rec := newRecordingStore()
	s := New(Options{Store: rec, Logf: func(string, ...any) {}})
	t.Cleanup(func() { s.Close() })
	cl := &Client{ID: 1, srv: s, authed: true}
	cl.w.Proto = 2
	addKeys(s, 0, "a", "b")
	<-rec.ops // the two KeyPuts
	s.mu.Lock()
	ua, ub := s.dbs[0].keys["a"].UID, s.dbs[0].keys["b"].UID
	s.mu.Unlock()
	s.execute(cl, [][]byte{[]byte("rename"), []byte("a"), []byte("b")})
	if string(cl.w.B) != ok {
		t.Fatalf("rename reply %q", cl.w.B)
	}
	ops := <-rec.ops
	want := []persist.Op{
		{Kind: persist.KeyDel, DB: 0, Key: "b"},
		{Kind: persist.StreamDrop, UID: ub},
		{Kind: persist.KeyDel, DB: 0, Key: "a"},
		{Kind: persist.KeyPut, DB: 0, Key: "b", UID: ua},
	}
	if fmt.Sprint(ops) != fmt.Sprint(want) {
		t.Fatalf("rename ops\n got %+v\nwant %+v", ops, want)
	}
}

func TestMoveSwapFlush(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	addKeys(srv, 0, "x", "y")
	addKeys(srv, 1, "y")
	runSteps(t, c, []step{
		s(errReply(ErrSameObject), "move", "x", "0"),
		s(errReply(ErrNotInteger), "move", "x", "abc"),
		s(errReply(ErrDBIndex), "move", "x", "16"),
		s(integer(1), "move", "x", "1"),
		s(integer(0), "move", "x", "1"),
		s(integer(0), "move", "y", "1"),
		s(errReply(ErrDBIndex), "swapdb", "0", "16"),
		s(errReply(ErrInvalidFirstDB), "swapdb", "a", "1"),
		s(errReply(ErrInvalidSecondDB), "swapdb", "0", "a"),
		s(ok, "swapdb", "0", "1"),
		s(integer(2), "dbsize"),
		s(integer(1), "exists", "x"),
		s(ok, "swapdb", "0", "0"),
		s(errReply(ErrSyntax), "flushdb", "foo"),
		s(errReply(ErrSyntax), "flushall", "async", "sync"),
		s(ok, "flushdb", "async"),
		s(integer(0), "dbsize"),
		s(ok, "select", "1"),
		s(integer(1), "dbsize"),
		s(ok, "flushall", "sync"),
		s(integer(0), "dbsize"),
		s(arr(bulk("0"), bulks()), "scan", "0"),
	})
}

// TestWatchTouchedByKeyspace checks that keyspace writes fail the EXEC of
// a client watching the key, as Redis's signalModifiedKey does.
func TestWatchTouchedByKeyspace(t *testing.T) {
	for _, tc := range [][]string{
		{"del", "w"}, {"expire", "w", "100"}, {"rename", "w", "z"}, {"rename", "o", "w"},
		{"flushdb"}, {"flushall"}, {"swapdb", "0", "1"}, {"move", "w", "2"}, {"persist", "w"},
	} {
		t.Run(strings.Join(tc, "_"), func(t *testing.T) {
			srv, addr := startServer(t)
			addKeys(srv, 0, "w", "o")
			if tc[0] == "persist" {
				addKeys(srv, 0)
				dialRaw(t, addr).do("expire", "w", "100")
			}
			a, b := dialRaw(t, addr), dialRaw(t, addr)
			runSteps(t, a, []step{s(ok, "watch", "w"), s(ok, "multi"), s("+QUEUED\r\n", "ping")})
			if got := b.do(tc...); strings.HasPrefix(got, "-") {
				t.Fatalf("%q: %q", tc, got)
			}
			if got := a.do("exec"); got != "*-1\r\n" {
				t.Fatalf("exec after %q: %q", tc, got)
			}
		})
	}
}
