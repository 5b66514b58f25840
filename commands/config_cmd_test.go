package commands

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cfgErr(arg, msg string) string {
	return errReply(Error("ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + msg))
}

func TestConfigSetGet(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply(errWrongArity("config|get")), "config", "get"),
		s(errReply(errWrongArity("config|set")), "config", "set", "maxmemory"),
		s(errReply(ErrSyntax), "config", "set", "maxmemory", "1", "foo"),
		s(bulks(), "config", "get", "nosuch"),
		s(bulks("maxmemory", "0", "maxmemory-policy", "noeviction"), "config", "get", "maxmemory", "MAXMEMORY", "maxmem*"),
		s(bulks("MAXMEMORY", "0"), "config", "get", "MAXMEMORY"),
		s(errReply("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"), "config", "set", "foo", "bar"),
		s(cfgErr("maxmemory", "duplicate parameter"), "config", "set", "maxmemory", "1", "maxmemory", "2"),
		s(cfgErr("maxclients", "argument couldn't be parsed into an integer"), "config", "set", "maxclients", "abc"),
		s(cfgErr("maxclients", "argument must be between 1 and 4294967295 inclusive"), "config", "set", "maxclients", "0"),
		s(cfgErr("databases", "can't set immutable config"), "config", "set", "databases", "5"),
		s(cfgErr("dir", "can't set protected config"), "config", "set", "dir", "/x"),
		s(cfgErr("appendfsync", "argument(s) must be one of the following: everysec, always, no"), "config", "set", "appendfsync", "foo"),
		s(cfgErr("maxmemory", "argument must be a memory value"), "config", "set", "maxmemory", "10foo"),
		s(cfgErr("maxmemory", "argument must be a memory value"), "config", "set", "maxmemory", "-1"),
		s(cfgErr("stream-node-max-entries", "argument must be between 0 and 9223372036854775807 inclusive"), "config", "set", "stream-node-max-entries", "-1"),
		s(cfgErr("stream-node-max-entries", "argument couldn't be parsed into an integer"), "config", "set", "stream-node-max-entries", "1kb"),
		s(cfgErr("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive"), "config", "set", "proto-max-bulk-len", "1"),
		s(cfgErr("timeout", "argument must be between 0 and 2147483647 inclusive"), "config", "set", "timeout", "-1"),
		s(cfgErr("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."), "config", "set", "notify-keyspace-events", "foo"),
		s(cfgErr("save", "Invalid save parameters"), "config", "set", "save", "100"),
		s(ok, "config", "set", "stream-node-max-bytes", "4kb", "appendfsync", "EVERYSEC", "notify-keyspace-events", "KEA"),
		s(bulks("stream-node-max-bytes", "4096"), "config", "get", "stream-node-max-bytes"),
		s(bulks("appendfsync", "everysec"), "config", "get", "appendfsync"),
		s(bulks("notify-keyspace-events", "AKE"), "config", "get", "notify-keyspace-events"),
		s(ok, "config", "set", "notify-keyspace-events", "Ex"),
		s(bulks("notify-keyspace-events", "xE"), "config", "get", "notify-keyspace-events"),
		s(ok, "config", "set", "maxmemory", "1gb", "save", "100 1"),
		s(bulks("maxmemory", "1073741824", "save", "100 1"), "config", "get", "maxmemory", "save"),
		// Atomic: the bad second value leaves the first unchanged.
		s(cfgErr("maxclients", "argument must be between 1 and 4294967295 inclusive"), "config", "set", "maxmemory", "5", "maxclients", "0"),
		s(bulks("maxmemory", "1073741824"), "config", "get", "maxmemory"),
		s(errReply(ErrNoConfigFile), "config", "rewrite"),
		s(ok, "config", "resetstat"),
	})
	if got := srv.config.nodeMaxBytes.Load(); got != 4096 {
		t.Errorf("stream-node-max-bytes not applied: %d", got)
	}
	if v, _ := srv.ConfigValue("appendfsync"); v != "everysec" {
		t.Errorf("ConfigValue(appendfsync) = %q", v)
	}
	// RESP3: a map.
	c.do("hello", "3")
	if got := c.do("config", "get", "maxclients"); got != "%1\r\n"+bulk("maxclients")+bulk("10000") {
		t.Errorf("CONFIG GET in RESP3: %q", got)
	}
	help := c.do("config", "help")
	if !strings.HasPrefix(help, "*11\r\n") || !strings.HasSuffix(help, "+    Print this help.\r\n") {
		t.Errorf("CONFIG HELP: %q", help)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		p := filepath.Join(dir, "runnel.conf")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s := New(Options{Logf: func(string, ...any) {}})
	p := write("# a comment\n\nport 0\nbind 127.0.0.1 ::1\nsave 900 1 300 10\nrequirepass \"pa ss\\x21\"\nstream-node-max-entries '50'\nmaxmemory 2mb\nlatency-tracking-info-percentiles 50 99.9\n")
	if err := s.LoadConfigFile(p); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"port": "0", "bind": "127.0.0.1", "save": "900 1 300 10", "requirepass": "pa ss!",
		"stream-node-max-entries": "50", "maxmemory": "2097152",
		"latency-tracking-info-percentiles": "50 99.9",
	} {
		if got, _ := s.ConfigValue(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if s.config.configFile != p {
		t.Errorf("config_file not recorded")
	}
	for _, tc := range []struct{ text, msg string }{
		{"port 1\nfoo bar\n", "line 2: 'foo bar': Bad directive or wrong number of arguments"},
		{"maxclients\n", "Bad directive or wrong number of arguments"},
		{"maxclients 1 2\n", "Bad directive or wrong number of arguments"},
		{"maxclients abc\n", "argument couldn't be parsed into an integer"},
		{"requirepass \"open\n", "Unbalanced quotes"},
		{"databases 8\n", "databases cannot be changed"},
	} {
		err := New(Options{}).LoadConfigFile(write(tc.text))
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: got %v, want a ConfigError with %q", tc.text, err, tc.msg)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{"a b  c", []string{"a", "b", "c"}, true},
		{`x "a b" 'c d'`, []string{"x", "a b", "c d"}, true},
		{`"\x41\n\t\\" 'it\'s'`, []string{"A\n\t\\", "it's"}, true},
		{`"" ''`, []string{"", ""}, true},
		{`"abc`, nil, false},
		{`'abc`, nil, false},
		{`"a"b`, nil, false},
	} {
		got, ok := splitArgs(tc.in)
		if ok != tc.ok || strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseMemory(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "10": 10, "1k": 1000, "1KB": 1024, "2m": 2000000, "2mb": 2 << 20, "1g": 1e9, "1gb": 1 << 30, "5b": 5} {
		if got, ok := parseMemory(in); !ok || got != want {
			t.Errorf("parseMemory(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"-1", "1.5gb", "10foo", "99999999999999999999"} {
		if _, ok := parseMemory(in); ok {
			t.Errorf("parseMemory(%q) accepted", in)
		}
	}
}

// TestConfigRuntimeLimits: the parameters runnel cannot change at run time
// accept their current value and refuse another with Redis's wording; hz
// is clamped as Redis clamps it; slave-read-only is replica-read-only.
func TestConfigRuntimeLimits(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(bulks("appendonly", "no"), "config", "get", "appendonly"),
		s(ok, "config", "set", "appendonly", "no"),
		s(cfgErr("appendonly", "Unable to turn on AOF. Check server logs."), "config", "set", "appendonly", "yes"),
		s(cfgErr("appendonly", "argument must be 'yes' or 'no'"), "config", "set", "appendonly", "maybe"),
		s(bulks("bind", "127.0.0.1"), "config", "get", "bind"),
		s(ok, "config", "set", "bind", "127.0.0.1"),
		s(cfgErr("bind", "can't set immutable config"), "config", "set", "bind", "0.0.0.0"),
		s(ok, "config", "set", "hz", "0"),
		s(bulks("hz", "1"), "config", "get", "hz"),
		s(ok, "config", "set", "hz", "501"),
		s(bulks("hz", "500"), "config", "get", "hz"),
		s(ok, "config", "set", "slave-read-only", "no"),
		s(bulks("replica-read-only", "no"), "config", "get", "replica-read-only"),
		s(bulks("replica-read-only", "no", "slave-read-only", "no"), "config", "get", "*read-only"),
		s(ok, "config", "set", "replica-read-only", "no", "slave-read-only", "no"),
		s(cfgErr("slave-read-only", "argument must be 'yes' or 'no'"), "config", "set", "slave-read-only", "maybe"),
		s(cfgErr("HZ", "duplicate parameter"), "config", "set", "hz", "1", "HZ", "2"),
		s(bulks("enable-debug-command", "no"), "config", "get", "enable-debug-command"),
		s(cfgErr("enable-debug-command", "can't set immutable config"), "config", "set", "enable-debug-command", "yes"),
		s(errReply(ErrDebugNotAllowed), "debug", "sleep", "0"),
	})
	if !strings.Contains(c.do("info", "server"), "\r\nhz:500\r\nconfigured_hz:500\r\n") {
		t.Errorf("INFO server does not show hz 500")
	}
	if !strings.Contains(c.do("info", "persistence"), "\r\naof_enabled:0\r\n") {
		t.Errorf("INFO persistence: aof_enabled is not 0 in memory")
	}

	// On a store appendonly is yes and stays so.
	dir := t.TempDir()
	f := newFake(t, Options{Dir: dir, Store: openPebble(t, dir)})
	if got := f.do("CONFIG", "GET", "appendonly"); got != bulks("appendonly", "yes") {
		t.Errorf("CONFIG GET appendonly on a store = %q", got)
	}
	if got := f.do("CONFIG", "SET", "appendonly", "yes"); got != ok {
		t.Errorf("CONFIG SET appendonly yes on a store = %q", got)
	}
	if got := f.do("CONFIG", "SET", "appendonly", "no"); !strings.HasPrefix(got, "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - ") {
		t.Errorf("CONFIG SET appendonly no on a store = %q", got)
	}
	if got := infoValue(t, f.s, "aof_enabled"); got != "1" {
		t.Errorf("aof_enabled on a store = %s", got)
	}
}

// TestDebugAllowed: enable-debug-command yes allows DEBUG from anywhere,
// local from a loopback connection only.
func TestDebugAllowed(t *testing.T) {
	for _, mode := range []string{"yes", "local"} {
		_, addr := startServer(t, func(s *Server) {
			if err := s.SetConfig("enable-debug-command", mode); err != nil {
				t.Fatal(err)
			}
		})
		c := dialRaw(t, addr)
		runSteps(t, c, []step{
			s(ok, "debug", "sleep", "0"),
			s(ok, "debug", "sleep", "x"),
			s(errReply("ERR unknown subcommand or wrong number of arguments for 'nope'. Try DEBUG HELP."), "debug", "nope"),
		})
		if help := c.do("debug", "help"); !strings.HasPrefix(help, "*7\r\n+DEBUG <subcommand>") {
			t.Errorf("%s: DEBUG HELP = %q", mode, help)
		}
	}
	for _, tc := range []struct {
		addr string
		want bool
	}{{"127.0.0.1:5", true}, {"127.1.2.3:5", true}, {"[::1]:7", true}, {"10.0.0.1:5", false}, {"", false}, {"[2001:db8::1]:6379", false}} {
		if got := isLoopback(tc.addr); got != tc.want {
			t.Errorf("isLoopback(%q) = %v", tc.addr, got)
		}
	}
}
