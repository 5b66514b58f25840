package commands

import (
	"strings"
	"testing"
)

// The replies below were taken from redis-server 7.0.15, whose COMMAND
// INFO matches 7.4 for these commands.
const (
	redisInfoDel       = "*1\r\n*10\r\n$3\r\ndel\r\n:-2\r\n*1\r\n+write\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n*2\r\n$26\r\nrequest_policy:multi_shard\r\n$23\r\nresponse_policy:agg_sum\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RM\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"
	redisInfoDel3      = "*1\r\n*10\r\n$3\r\ndel\r\n:-2\r\n~1\r\n+write\r\n:1\r\n:-1\r\n:1\r\n~3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n~2\r\n$26\r\nrequest_policy:multi_shard\r\n$23\r\nresponse_policy:agg_sum\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RM\r\n+delete\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"
	redisInfoConfigSet = "*10\r\n$10\r\nconfig|set\r\n:-4\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*2\r\n$24\r\nrequest_policy:all_nodes\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n"
	redisInfoHello     = "*1\r\n*10\r\n$5\r\nhello\r\n:-1\r\n*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n"
)

func TestCommandInfo(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(redisInfoDel, "command", "info", "del"),
		s(redisInfoHello, "command", "info", "HELLO"),
		s("*1\r\n"+redisInfoConfigSet, "command", "info", "config|set"),
		s("*2\r\n$-1\r\n"+redisInfoConfigSet, "command", "info", "nosuch", "config|set"),
		s(integer(int64(len(table))), "command", "count"),
		s(errReply(errUnknownSubcommand([]byte("foo"), "command")), "command", "foo"),
	})
	c.do("hello", "3")
	runSteps(t, c, []step{s(redisInfoDel3, "command", "info", "del"), s("*1\r\n_\r\n", "command", "info", "nosuch")})
	if got := c.do("command", "info", "config"); !strings.HasPrefix(got, "*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n*5\r\n") {
		t.Errorf("COMMAND INFO config in RESP3: %q", got)
	}
	c.do("hello", "2")
	// COMMAND alone lists every top-level command once.
	all := c.do("command")
	if !strings.HasPrefix(all, "*"+itoa(len(table))+"\r\n") {
		t.Errorf("COMMAND header: %q", all[:20])
	}
	// Containers nest their subcommands.
	cfg := c.do("command", "info", "config")
	for _, sub := range []string{"config|get", "config|set", "config|resetstat", "config|rewrite", "config|help"} {
		if !strings.Contains(cfg, bulk(sub)) {
			t.Errorf("COMMAND INFO config lacks %s", sub)
		}
	}
}

func itoa(n int) string {
	return strings.TrimSuffix(strings.TrimPrefix(integer(int64(n)), ":"), "\r\n")
}

func TestCommandGetkeys(t *testing.T) {
	// A keyword key spec like XREAD's, registered here so the test does not
	// depend on the stream commands.
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply(ErrInvalidCommand), "command", "getkeys", "foo", "a"),
		s(errReply(errWrongArity("command|getkeys")), "command", "getkeys", "del"),
		s(errReply(ErrGetKeysArgs), "command", "getkeys", "rename", "a"),
		s(errReply(ErrNoKeyArgs), "command", "getkeys", "ping", "x"),
		s(errReply(ErrNoKeyArgs), "command", "getkeys", "config", "get", "a"),
		s(bulks("a", "b", "c"), "command", "getkeys", "del", "a", "b", "c"),
		s(bulks("src", "dst"), "command", "getkeys", "RENAME", "src", "dst"),
		s(bulks("w1", "w2"), "command", "getkeys", "watch", "w1", "w2"),
		s(arr(arr(bulk("a"), "*3\r\n+RW\r\n+access\r\n+delete\r\n"), arr(bulk("b"), "*2\r\n+OW\r\n+update\r\n")),
			"command", "getkeysandflags", "rename", "a", "b"),
	})
	streams := &Command{Name: "x", Arity: -4, KeySpecs: []KeySpec{{Flags: []string{"RO"}, Keyword: "STREAMS", StartFrom: 1, LastKey: -1, KeyStep: 1, Limit: 2}}}
	for _, tc := range []struct {
		args []string
		want []int
	}{
		{[]string{"x", "streams", "a", "b", "1", "2"}, []int{2, 3}},
		{[]string{"x", "streams", "a", "b", "1"}, []int{2}},
		{[]string{"x", "count", "1", "streams", "a", "1"}, []int{4}},
		{[]string{"x", "count", "1"}, nil},
	} {
		args := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			args[i] = []byte(a)
		}
		refs, _ := streams.getKeys(args)
		var got []int
		for _, r := range refs {
			got = append(got, r.pos)
		}
		if itoaList(got) != itoaList(tc.want) {
			t.Errorf("%q: keys at %v, want %v", tc.args, got, tc.want)
		}
	}
	if !streams.movableKeys() {
		t.Error("a keyword spec must be movablekeys")
	}
}

func itoaList(v []int) string {
	var b strings.Builder
	for _, n := range v {
		b.WriteString(itoa(n) + ",")
	}
	return b.String()
}

func TestCommandListDocs(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply(ErrSyntax), "command", "list", "filterby", "foo", "bar"),
		s(errReply(ErrSyntax), "command", "list", "foo"),
		s("*0\r\n", "command", "list", "filterby", "aclcat", "nosuchcat"),
		s("*0\r\n", "command", "list", "filterby", "module", "m"),
		s(bulks("rename", "renamenx"), "command", "list", "filterby", "pattern", "REN*"),
		s("*0\r\n", "command", "docs", "nosuch"),
	})
	conn := c.do("command", "list", "filterby", "aclcat", "connection")
	for _, name := range []string{"hello", "auth", "ping", "select", "client|list", "client|setname"} {
		if !strings.Contains(conn, bulk(name)) {
			t.Errorf("ACLCAT connection lacks %s", name)
		}
	}
	docs := c.do("command", "docs", "ttl")
	want := "*2\r\n" + bulk("ttl") + "*12\r\n" + bulk("summary") + bulk("Returns the expiration time in seconds of a key.") +
		bulk("since") + bulk("1.0.0") + bulk("group") + bulk("generic") + bulk("complexity") + bulk("O(1)") +
		bulk("history") + "*1\r\n*2\r\n" + bulk("2.8.0") + bulk("Added the -2 reply.") +
		bulk("arguments") + "*1\r\n*8\r\n" + bulk("name") + bulk("key") + bulk("type") + bulk("key") +
		bulk("display_text") + bulk("key") + bulk("key_spec_index") + ":0\r\n"
	if docs != want {
		t.Errorf("COMMAND DOCS ttl:\n got %q\nwant %q", docs, want)
	}
	if all := c.do("command", "docs"); !strings.HasPrefix(all, "*"+itoa(2*len(table))+"\r\n") {
		t.Errorf("COMMAND DOCS (all) header: %q", all[:20])
	}
	help := c.do("command", "help")
	if !strings.HasPrefix(help, "*21\r\n+COMMAND <subcommand>") {
		t.Errorf("COMMAND HELP: %q", help)
	}
}
