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
	p := write("# a comment\n\nport 0\nbind 127.0.0.1 ::1\nsave 900 1 300 10\nrequirepass \"pa ss\\x21\"\nstream-node-max-entries '50'\nmaxmemory 2mb\n")
	if err := s.LoadConfigFile(p); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"port": "0", "bind": "127.0.0.1", "save": "900 1 300 10", "requirepass": "pa ss!",
		"stream-node-max-entries": "50", "maxmemory": "2097152",
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
