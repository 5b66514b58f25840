package commands

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenameCommandDirective: the file's rename-command lines, their
// errors (Redis's texts) and what COMMAND COUNT says afterwards. What
// clients see of the names is compared with redis-server in compat_test
// (TestRenameCommandAndInclude).
func TestRenameCommandDirective(t *testing.T) {
	for _, tc := range []struct {
		name, file, err string
	}{
		{"rename", "rename-command xadd myadd\n", ""},
		{"remove", "rename-command flushall \"\"\n", ""},
		{"any case", "rename-command XADD MyAdd\n", ""},
		{"chain", "rename-command xadd a1\nrename-command a1 a2\n", ""},
		{"unknown", "rename-command nosuch x\n", "No such command in rename-command"},
		{"renamed away", "rename-command xadd a1\nrename-command xadd a2\n", "No such command in rename-command"},
		{"subcommand", "rename-command config|get x\n", "No such command in rename-command"},
		{"taken", "rename-command xadd xlen\n", "Target command name already exists"},
		{"one word", "rename-command xadd\n", "Bad directive or wrong number of arguments"},
		{"three words", "rename-command xadd a b\n", "Bad directive or wrong number of arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Logf: func(string, ...any) {}})
			defer s.Close()
			err := s.loadConfig("test.conf", strings.NewReader(tc.file), &configLoad{})
			var ce *ConfigError
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("load: %v", err)
			case tc.err != "" && (!errors.As(err, &ce) || ce.Msg != tc.err):
				t.Fatalf("load = %v, want a ConfigError %q", err, tc.err)
			}
		})
	}

	s := New(Options{Logf: func(string, ...any) {}})
	defer s.Close()
	before := len(s.commandTable())
	if err := s.loadConfig("test.conf", strings.NewReader("rename-command flushall \"\"\nrename-command xadd MyAdd\n"), &configLoad{}); err != nil {
		t.Fatal(err)
	}
	if got := len(s.commandTable()); got != before-1 {
		t.Errorf("commands served after removing one = %d, want %d", got, before-1)
	}
	if len(table) != before {
		t.Errorf("the package table changed: %d commands, was %d", len(table), before)
	}
	if s.lookupServed("xadd") != nil || s.lookupServed("MYADD") != table["xadd"] {
		t.Error("xadd is still served under its own name, or not under myadd")
	}
	// Another server in the process serves every command as before.
	other := New(Options{Logf: func(string, ...any) {}})
	defer other.Close()
	if other.lookupServed("xadd") == nil || other.lookupServed("flushall") == nil {
		t.Error("a rename on one server reached another")
	}
}

// TestIncludeDirective: include reads a file where it stands (a later line
// wins over it), a glob includes every match in name order and nothing
// when nothing matches, a missing plain file and an include loop fail.
func TestIncludeDirective(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.conf", "maxclients 100\nsave 900 1\n")
	write("b.conf", "maxclients 200\n")
	loop := write("loop.conf", "include "+filepath.Join(dir, "loop.conf")+"\n")
	for _, tc := range []struct {
		name, file, maxclients, save, err string
	}{
		{"plain", "include " + a + "\n", "100", "900 1", ""},
		{"later line wins", "include " + a + "\nmaxclients 300\n", "300", "900 1", ""},
		{"earlier line loses", "maxclients 300\ninclude " + a + "\n", "100", "900 1", ""},
		{"save lines add up across files", "save 60 5\ninclude " + a + "\n", "100", "60 5 900 1", ""},
		{"glob in name order", "include " + filepath.Join(dir, "[ab].conf") + "\n", "200", "900 1", ""},
		{"glob without a match", "include " + filepath.Join(dir, "none-*.conf") + "\nmaxclients 5\n", "5", "", ""},
		{"missing file", "include " + filepath.Join(dir, "missing.conf") + "\n", "", "", "can't open config file"},
		{"a directory includes nothing", "include " + dir + "\nmaxclients 7\n", "7", "", ""},
		{"a bad pattern matches nothing", "include " + filepath.Join(dir, "[") + "\nmaxclients 8\n", "8", "", ""},
		{"loop", "include " + loop + "\n", "", "", "include nested more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Logf: func(string, ...any) {}})
			defer s.Close()
			err := s.loadConfig("main.conf", strings.NewReader(tc.file), &configLoad{})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("load = %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := s.ConfigValue("maxclients"); got != tc.maxclients {
				t.Errorf("maxclients = %q, want %q", got, tc.maxclients)
			}
			if got, _ := s.ConfigValue("save"); got != tc.save {
				t.Errorf("save = %q, want %q", got, tc.save)
			}
		})
	}
	// A bad line of an included file is reported with that file's name.
	bad := write("bad.conf", "maxclients 1\nnosuch-directive 1\n")
	s := New(Options{Logf: func(string, ...any) {}})
	defer s.Close()
	err := s.loadConfig("main.conf", strings.NewReader("include "+bad+"\n"), &configLoad{})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.File != bad || ce.Line != 2 {
		t.Errorf("bad included line = %v, want a ConfigError at %s line 2", err, bad)
	}
}

// TestConfigRewriteKeepsIncludeAndRename: CONFIG REWRITE leaves include
// and rename-command lines as they are, and a parameter set in an
// included file is written into the main file, as redis-server does.
func TestConfigRewriteKeepsIncludeAndRename(t *testing.T) {
	dir := t.TempDir()
	part := filepath.Join(dir, "part.conf")
	if err := os.WriteFile(part, []byte("maxclients 1234\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "main.conf")
	orig := "rename-command FLUSHALL \"\"\ninclude " + part + "\nrename-command xadd MyAdd\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Logf: func(string, ...any) {}})
	defer s.Close()
	if err := s.LoadConfigFile(path); err != nil {
		t.Fatal(err)
	}
	f := &fake{t: t, s: s, c: s.testClient()}
	f.c.authed = true
	if got := f.do("CONFIG", "SET", "maxclients", "999"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET = %q", got)
	}
	if got := f.do("CONFIG", "REWRITE"); got != "+OK\r\n" {
		t.Fatalf("CONFIG REWRITE = %q", got)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := orig + "\n" + rewriteGenerated + "\nmaxclients 999\n"
	if !strings.HasPrefix(string(b), orig) || !strings.Contains(string(b), "maxclients 999\n") {
		t.Errorf("rewritten file:\n%s\nwant:\n%s", b, want)
	}
	if got := f.do("MYADD", "s", "1-1", "a", "1"); got != bulk("1-1") {
		t.Errorf("MYADD after the rewrite = %q", got)
	}
}
