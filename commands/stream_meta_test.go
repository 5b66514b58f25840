package commands

import (
	"strings"
	"testing"
)

// The COMMAND INFO, DOCS and GETKEYS metadata of the stream commands. The
// differential suite compares them with redis-server byte for byte; these
// tests pin the parts that matter without a redis-server.

// streamCommands returns every stream command row: the top-level ones of
// group "stream" and their subcommands.
func streamCommands() []*Command {
	var out []*Command
	for _, c := range sortedByName(table) {
		if c.Group != "stream" {
			continue
		}
		out = append(out, c)
		out = append(out, c.sortedSubs()...)
	}
	return out
}

func TestStreamCommandRows(t *testing.T) {
	rows := streamCommands()
	// 17 commands (Redis 7.4's 13, Redis 8.2's XDELEX and XACKDEL, Redis
	// 8.6's XCFGSET, Redis 8.8's XNACK), XGROUP with 6 subcommands, XINFO
	// with 4.
	if len(rows) != 29 {
		t.Errorf("%d stream command rows, want 29", len(rows))
	}
	for _, c := range rows {
		container := c.Sub != nil
		help := strings.HasSuffix(c.Name, "|help")
		if c.Summary == "" || c.Since == "" || c.Group != "stream" {
			t.Errorf("%s: summary %q, since %q, group %q", c.Name, c.Summary, c.Since, c.Group)
		}
		// Redis 7.4 gives every stream command a complexity but XREAD.
		if (c.Complexity == "") != (c.Name == "xread") {
			t.Errorf("%s: complexity %q", c.Name, c.Complexity)
		}
		if (c.Args == nil) != (container || help) {
			t.Errorf("%s: arguments %v", c.Name, c.Args)
		}
		// Each key argument names a key spec of the command, and every
		// key spec has its key argument.
		specs := c.specs()
		seen := map[int]bool{}
		var walk func([]ArgDoc)
		walk = func(args []ArgDoc) {
			for _, a := range args {
				if a.Type == "key" {
					if a.KeySpecIndex >= len(specs) {
						t.Errorf("%s: argument %s has key spec %d of %d", c.Name, a.Name, a.KeySpecIndex, len(specs))
					}
					seen[a.KeySpecIndex] = true
				}
				if (a.Type == "block" || a.Type == "oneof") != (a.Sub != nil) {
					t.Errorf("%s: argument %s of type %s with %d members", c.Name, a.Name, a.Type, len(a.Sub))
				}
				walk(a.Sub)
			}
		}
		walk(c.Args)
		if len(seen) != len(specs) {
			t.Errorf("%s: %d key specs, %d of them documented", c.Name, len(specs), len(seen))
		}
		// Every stream command but the containers and HELP has a key.
		if len(specs) == 0 && !container && !help {
			t.Errorf("%s: no key spec", c.Name)
		}
	}
}

func TestStreamCommandGetkeys(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	roAccess := "*2\r\n+RO\r\n+access\r\n"
	runSteps(t, c, []step{
		s(bulks("a", "b"), "command", "getkeys", "xread", "count", "2", "streams", "a", "b", "1", "2"),
		s(bulks("a", "b"), "command", "getkeys", "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "$", "$"),
		// An odd count after STREAMS: Redis's range (half the rest) still
		// gives the first key.
		s(bulks("a"), "command", "getkeys", "xread", "streams", "a", "b", "1"),
		s(bulks("a", "b"), "command", "getkeys", "xreadgroup", "group", "g", "c", "noack", "streams", "a", "b", ">", ">"),
		// The search for STREAMS starts at argument 4, after GROUP g c.
		s(bulks("a"), "command", "getkeys", "xreadgroup", "group", "streams", "c", "streams", "a", ">"),
		s(arr(arr(bulk("a"), roAccess), arr(bulk("b"), roAccess)),
			"command", "getkeysandflags", "xread", "streams", "a", "b", "0", "0"),
		s(arr(arr(bulk("s"), "*2\r\n+RW\r\n+update\r\n")), "command", "getkeysandflags", "xadd", "s", "*", "f", "v"),
		s(arr(arr(bulk("s"), "*2\r\n+RW\r\n+insert\r\n")), "command", "getkeysandflags", "xgroup", "create", "s", "g", "$"),
		s(bulks("s"), "command", "getkeys", "xinfo", "stream", "s", "full"),
		s(errReply(ErrNoKeyArgs), "command", "getkeys", "xinfo", "help"),
	})

	// Where Redis finds the key spec does not fit the arguments, getKeys
	// says so (COMMAND GETKEYS answers with an error).
	xread, xreadgroup := lookupFull("xread"), lookupFull("xreadgroup")
	for _, tc := range []struct {
		cmd  *Command
		args []string
	}{
		{xread, []string{"xread", "count", "1", "block", "2", "a", "1"}}, // no STREAMS
		{xread, []string{"xread", "count", "1", "streams"}},              // nothing after it
		{xread, []string{"xread", "count", "1", "streams", "a"}},         // no key before the IDs
		{xreadgroup, []string{"xreadgroup", "group", "g", "c", "count", "1", "a", "1"}},
	} {
		args := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			args[i] = []byte(a)
		}
		if refs, ok := tc.cmd.getKeys(args); ok {
			t.Errorf("%q: keys %v, want the spec not to fit", tc.args, refs)
		}
	}
}

func TestStreamCommandInfo(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	// movablekeys comes from the STREAMS keyword spec, and with it the
	// legacy key range is 0 0 0.
	want := "*1\r\n*10\r\n" + bulk("xread") + ":-4\r\n*3\r\n+readonly\r\n+blocking\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n"
	if got := c.do("command", "info", "xread"); !strings.HasPrefix(got, want) {
		t.Errorf("COMMAND INFO xread:\n got %q\nwant prefix %q", got, want)
	}
	want = "*1\r\n*10\r\n" + bulk("xgroup|help") + ":2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
	if got := c.do("command", "info", "xgroup|help"); !strings.HasPrefix(got, want) {
		t.Errorf("COMMAND INFO xgroup|help:\n got %q\nwant prefix %q", got, want)
	}
}

func TestStreamCommandDocs(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	argMap := func(fields ...string) string {
		return "*" + itoa(len(fields)) + "\r\n" + strings.Join(fields, "")
	}
	// XREAD has no complexity: four entries, not five.
	countArg := argMap(bulk("name"), bulk("count"), bulk("type"), bulk("integer"), bulk("display_text"), bulk("count"),
		bulk("token"), bulk("COUNT"), bulk("flags"), "*1\r\n+optional\r\n")
	blockArg := argMap(bulk("name"), bulk("milliseconds"), bulk("type"), bulk("integer"), bulk("display_text"), bulk("milliseconds"),
		bulk("token"), bulk("BLOCK"), bulk("flags"), "*1\r\n+optional\r\n")
	streamsArg := argMap(bulk("name"), bulk("streams"), bulk("type"), bulk("block"), bulk("token"), bulk("STREAMS"),
		bulk("arguments"), "*2\r\n"+
			argMap(bulk("name"), bulk("key"), bulk("type"), bulk("key"), bulk("display_text"), bulk("key"),
				bulk("key_spec_index"), ":0\r\n", bulk("flags"), "*1\r\n+multiple\r\n")+
			argMap(bulk("name"), bulk("id"), bulk("type"), bulk("string"), bulk("display_text"), bulk("id"),
				bulk("flags"), "*1\r\n+multiple\r\n"))
	want := "*2\r\n" + bulk("xread") + "*8\r\n" +
		bulk("summary") + bulk("Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.") +
		bulk("since") + bulk("5.0.0") + bulk("group") + bulk("stream") +
		bulk("arguments") + "*3\r\n" + countArg + blockArg + streamsArg
	if got := c.do("command", "docs", "xread"); got != want {
		t.Errorf("COMMAND DOCS xread:\n got %q\nwant %q", got, want)
	}

	// An argument's since comes after its token; entriesread shows as
	// entries-read.
	create := c.do("command", "docs", "xgroup|create")
	for _, part := range []string{
		bulk("name") + bulk("entriesread") + bulk("type") + bulk("integer") + bulk("display_text") + bulk("entries-read") +
			bulk("token") + bulk("ENTRIESREAD"),
		bulk("name") + bulk("id-selector") + bulk("type") + bulk("oneof") + bulk("arguments"),
		bulk("name") + bulk("new-id") + bulk("type") + bulk("pure-token") + bulk("display_text") + bulk("new-id") + bulk("token") + bulk("$"),
	} {
		if !strings.Contains(create, part) {
			t.Errorf("COMMAND DOCS xgroup|create lacks %q:\n%q", part, create)
		}
	}
	xadd := c.do("command", "docs", "xadd")
	nomk := bulk("name") + bulk("nomkstream") + bulk("type") + bulk("pure-token") + bulk("display_text") + bulk("nomkstream") +
		bulk("token") + bulk("NOMKSTREAM") + bulk("since") + bulk("6.2.0") + bulk("flags") + "*1\r\n+optional\r\n"
	if !strings.Contains(xadd, nomk) {
		t.Errorf("COMMAND DOCS xadd lacks %q:\n%q", nomk, xadd)
	}

	// A container: no arguments, its subcommands by name (RESP3 maps).
	c.do("hello", "3")
	docs := c.do("command", "docs", "xgroup")
	head := "%1\r\n" + bulk("xgroup") + "%5\r\n" + bulk("summary") + bulk("A container for consumer groups commands.") +
		bulk("since") + bulk("5.0.0") + bulk("group") + bulk("stream") + bulk("complexity") + bulk("Depends on subcommand.") +
		bulk("subcommands") + "%6\r\n" + bulk("xgroup|create")
	if !strings.HasPrefix(docs, head) {
		t.Errorf("COMMAND DOCS xgroup in RESP3:\n got %q\nwant prefix %q", docs, head)
	}
	last := -1
	for _, sub := range []string{"xgroup|create", "xgroup|createconsumer", "xgroup|delconsumer", "xgroup|destroy", "xgroup|help", "xgroup|setid"} {
		i := strings.Index(docs, bulk(sub)+"%")
		if i <= last {
			t.Errorf("COMMAND DOCS xgroup: %s at %d, after %d", sub, i, last)
		}
		last = i
	}
	stream := c.do("command", "docs", "xinfo|stream")
	full := bulk("name") + bulk("full-block") + bulk("type") + bulk("block") + bulk("flags") + "~1\r\n+optional\r\n" +
		bulk("arguments") + "*2\r\n%4\r\n" + bulk("name") + bulk("full") + bulk("type") + bulk("pure-token") +
		bulk("display_text") + bulk("full") + bulk("token") + bulk("FULL")
	if !strings.Contains(stream, full) {
		t.Errorf("COMMAND DOCS xinfo|stream lacks %q:\n%q", full, stream)
	}
}
