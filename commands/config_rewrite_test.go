package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigRewrite: CONFIG REWRITE keeps the file's comments and order,
// puts each parameter's value in force on its first line and drops its
// later lines, appends changed parameters the file did not set, quotes
// what needs quotes, and writes a file a new server loads to the same
// values.
func TestConfigRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runnel.conf")
	orig := strings.Join([]string{
		"# my settings",
		"maxclients 500",
		"",
		"  # indented comment",
		"slowlog-max-len 64",
		"maxclients 600",
		`save "3600 1"`,
	}, "\n") + "\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Logf: func(string, ...any) {}})
	defer s.Close()
	if err := s.LoadConfigFile(path); err != nil {
		t.Fatal(err)
	}
	if got := s.config.configFile; !filepath.IsAbs(got) {
		t.Errorf("config_file %q is not absolute", got)
	}
	f := &fake{t: t, s: s, c: s.testClient()}
	for _, kv := range [][2]string{
		{"slowlog-max-len", "256"},
		{"notify-keyspace-events", "Ex"},
		{"requirepass", `pa ss"\word`},
		{"save", "900 1 300 10"},
	} {
		if got := f.do("CONFIG", "SET", kv[0], kv[1]); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET %s = %q", kv[0], got)
		}
	}
	f.c.authed = true
	if got := f.do("CONFIG", "REWRITE"); got != "+OK\r\n" {
		t.Fatalf("CONFIG REWRITE = %q", got)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	want := strings.Join([]string{
		"# my settings",
		"maxclients 600",
		"",
		"  # indented comment",
		"slowlog-max-len 256",
		"save 900 1 300 10",
		rewriteGenerated,
	}, "\n") + "\n"
	if !strings.HasPrefix(got, want) {
		t.Fatalf("rewritten file:\n%s\nwant it to start with:\n%s", got, want)
	}
	for _, line := range []string{"notify-keyspace-events xE\n", `requirepass "pa ss\"\\word"` + "\n"} {
		if !strings.Contains(got[len(want):], line) {
			t.Errorf("the appended part %q lacks %q", got[len(want):], line)
		}
	}
	if strings.Contains(got, "stream-node-max-entries") {
		t.Errorf("a parameter at its default was appended:\n%s", got)
	}
	// A new server reads back the values in force.
	r := New(Options{Logf: func(string, ...any) {}})
	defer r.Close()
	if err := r.LoadConfigFile(path); err != nil {
		t.Fatalf("loading the rewritten file: %v", err)
	}
	for _, p := range params {
		if a, b := s.getParam(p), r.getParam(p); a != b {
			t.Errorf("%s: %q in force, %q read back", p.name, a, b)
		}
	}
	// A second rewrite changes nothing.
	if got := f.do("CONFIG", "REWRITE"); got != "+OK\r\n" {
		t.Fatalf("second CONFIG REWRITE = %q", got)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Errorf("a second rewrite changed the file:\n%s\nto\n%s", b, b2)
	}
}

// TestConfigRewriteWithoutFile keeps Redis's reply for a server started
// without a configuration file.
func TestConfigRewriteWithoutFile(t *testing.T) {
	f := newFake(t, Options{})
	if got := f.do("CONFIG", "REWRITE"); got != errReply(ErrNoConfigFile) {
		t.Errorf("CONFIG REWRITE = %q", got)
	}
}
