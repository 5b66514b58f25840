package commands

import "testing"

func TestXInfoStreamParse(t *testing.T) {
	tests := []struct {
		in   string
		want xinfoStreamArgs
		err  error
	}{
		{in: "XINFO STREAM s", want: xinfoStreamArgs{Count: 10}},
		{in: "XINFO STREAM s full", want: xinfoStreamArgs{Full: true, Count: 10}},
		{in: "XINFO STREAM s FULL COUNT 0", want: xinfoStreamArgs{Full: true}},
		{in: "XINFO STREAM s FULL COUNT 3", want: xinfoStreamArgs{Full: true, Count: 3}},
		{in: "XINFO STREAM s FULL COUNT -3", want: xinfoStreamArgs{Full: true, Count: 10}},
		{in: "XINFO STREAM s FULL COUNT x", err: ErrNotInteger},
		{in: "XINFO Stream s FULL COUNT", err: errSubcommandSyntax([]byte("Stream"), "xinfo")},
		{in: "XINFO STREAM s COUNT 1 FULL", err: errSubcommandSyntax([]byte("STREAM"), "xinfo")},
		{in: "XINFO STREAM s FULL FOO 1", err: errSubcommandSyntax([]byte("STREAM"), "xinfo")},
		{in: "XINFO STREAM s FOO", err: errSubcommandSyntax([]byte("STREAM"), "xinfo")},
	}
	for _, tt := range tests {
		got, err := parseXInfoStream(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && (got.Full != tt.want.Full || got.Count != tt.want.Count || string(got.Key) != "s") {
			t.Errorf("%s: %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

var xinfoScripts = []xscript{
	{name: "xinfo", cmds: []xcase{
		{[]string{"XINFO", "STREAM", "nokey"}, "-ERR no such key\r\n", ""},
		{[]string{"XINFO", "STREAM", "nokey", "foo"}, "-ERR no such key\r\n", ""},
		{[]string{"XADD", "s", "1-1", "a", "1", "b", "2"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%10\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL"}, "*18\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "full", "count", "1"}, "*18\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, "*18\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL", "COUNT", "-1"}, "*18\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "foo"}, "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO", "Stream", "s", "Foo"}, "-ERR unknown subcommand or wrong number of arguments for 'Stream'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO", "STREAM", "s", "full", "count"}, "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO", "STREAM", "s", "full", "count", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XINFO", "STREAM", "s", "full", "foo", "1"}, "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO", "STREAM", "s", "count", "1", "full"}, "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO", "STREAM", "s", "full", "count", "1", "x"}, "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO", "STREAM"}, "-ERR wrong number of arguments for 'xinfo|stream' command\r\n", ""},
		{[]string{"XINFO", "foo"}, "-ERR unknown subcommand 'foo'. Try XINFO HELP.\r\n", ""},
		{[]string{"XINFO"}, "-ERR wrong number of arguments for 'xinfo' command\r\n", ""},
		{[]string{"XINFO", "HELP", "x"}, "-ERR wrong number of arguments for 'xinfo|help' command\r\n", ""},
		{[]string{"XADD", "s", "9-9", "a", "b"}, "$3\r\n9-9\r\n", ""},
		{[]string{"XDEL", "s", "9-9"}, ":1\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n9-9\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%10\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n9-9\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XTRIM", "s", "MAXLEN", "0"}, ":2\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n9-9\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n", "%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n9-9\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL"}, "*18\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n9-9\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$7\r\nentries\r\n*0\r\n$6\r\ngroups\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n9-9\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$7\r\nentries\r\n*0\r\n$6\r\ngroups\r\n*0\r\n"},
	}},
	{name: "xinfo help", cmds: []xcase{
		// Redis 7.4 (REDIS74 §6): 'Print this help.'
		{[]string{"XINFO", "HELP"}, "*9\r\n+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CONSUMERS <key> <groupname>\r\n+    Show consumers of <groupname>.\r\n+GROUPS <key>\r\n+    Show the stream consumer groups.\r\n+STREAM <key> [FULL [COUNT <count>]\r\n+    Show information about the stream.\r\n+HELP\r\n+    Print this help.\r\n", ""},
		// Redis 7.4 (REDIS74 §6)
		{[]string{"xinfo", "help"}, "*9\r\n+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CONSUMERS <key> <groupname>\r\n+    Show consumers of <groupname>.\r\n+GROUPS <key>\r\n+    Show the stream consumer groups.\r\n+STREAM <key> [FULL [COUNT <count>]\r\n+    Show information about the stream.\r\n+HELP\r\n+    Print this help.\r\n", ""},
	}},
}

func TestXInfoExec(t *testing.T) { runScripts(t, xinfoScripts) }

// TestXInfoGroupsHook checks that XINFO STREAM reports groups through its
// hook, with FULL's COUNT passed on.
func TestXInfoGroupsHook(t *testing.T) {
	saved := xinfoStreamGroups
	t.Cleanup(func() { xinfoStreamGroups = saved })
	var gotCount int64 = -1
	xinfoStreamGroups.Count = func(*Object) int64 { return 3 }
	xinfoStreamGroups.Full = func(c *Ctx, _ *Object, count int64) {
		gotCount = count
		c.W.Array(1)
		c.W.BulkString("g")
	}
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-1", "a", "1")
	if got := f.do("XINFO", "STREAM", "s"); !contains(got, "$6\r\ngroups\r\n:3\r\n$11\r\nfirst-entry\r\n") {
		t.Errorf("plain form: %q", got)
	}
	if got := f.do("XINFO", "STREAM", "s", "FULL", "COUNT", "0"); !contains(got, "$6\r\ngroups\r\n*1\r\n$1\r\ng\r\n") || gotCount != 0 {
		t.Errorf("FULL form: %q, count %d", got, gotCount)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
