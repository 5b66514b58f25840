package compat_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRenameCommandAndInclude starts redis-server and runnel on the same
// configuration file, which includes a second file by a glob and renames
// and removes commands, and compares what clients see of the names.
func TestRenameCommandAndInclude(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "main.conf")
	write := func(name, text string) {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "part-1.conf"), "maxclients 1234\nrename-command KEYS keys2\n")
	write(filepath.Join(dir, "part-2.conf"), "rename-command xlen \"\"\n")
	write(conf, "rename-command FLUSHALL \"\"\nrename-command xadd MyAdd\ninclude "+filepath.Join(dir, "part-*.conf")+"\n")

	redis := startRedis(t, conf)
	runnel, err := startRunnel(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"FLUSHALL"},
		{"XADD", "s", "1-1", "a", "1"},
		{"MyAdd", "s", "1-1", "a", "1"},
		{"MYADD", "s", "2-1", "a", "2"},
		{"XRANGE", "s", "-", "+"},
		{"XLEN", "s"},
		{"CONFIG", "GET", "maxclients"},
		{"COMMAND", "INFO", "xadd"},
		{"COMMAND", "INFO", "flushall"},
		{"COMMAND", "GETKEYS", "myadd", "s", "*", "a", "1"},
		{"COMMAND", "GETKEYS", "xadd", "s", "*", "a", "1"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN", "xadd"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN", "keys*"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN", "flushall"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN", "xlen"},
		{"KEYS", "*"},
		{"KEYS2", "*"},
		{"ACL", "DRYRUN", "default", "myadd", "s", "*", "a", "1"},
		{"ACL", "DRYRUN", "default", "xadd", "s", "*", "a", "1"},
		{"MULTI"},
		{"MYADD", "s", "3-1", "a", "3"},
		{"XADD", "s", "4-1", "a", "4"},
		{"EXEC"},
		{"MULTI"},
		{"MYADD", "s", "3-1", "a", "3"},
		{"EXEC"},
	}
	rc, err := dial(redis.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.close()
	nc, err := dial(runnel.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.close()
	for _, args := range steps {
		want, err := rc.do(5*time.Second, args...)
		if err != nil {
			t.Fatalf("redis-server %v: %v", args, err)
		}
		got, err := nc.do(5*time.Second, args...)
		if err != nil {
			t.Fatalf("runnel %v: %v", args, err)
		}
		t.Logf("%v: %s", args, toNotation(want))
		if toNotation(got) != toNotation(want) {
			t.Errorf("%v:\nredis-server: %s\nrunnel:       %s", args, toNotation(want), toNotation(got))
		}
	}
	// The renamed command's own row: COMMAND INFO and DOCS under the new
	// name describe it by its name (the rest of the row is command.txt's).
	for _, args := range [][]string{{"COMMAND", "INFO", "MyAdd"}, {"COMMAND", "DOCS", "myadd"}} {
		want, err := rc.do(5*time.Second, args...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := nc.do(5*time.Second, args...)
		if err != nil {
			t.Fatal(err)
		}
		name := func(v Value) string {
			if len(v.Elems) == 0 {
				return toNotation(v)
			}
			if len(v.Elems[0].Elems) > 0 {
				return toNotation(v.Elems[0].Elems[0])
			}
			return toNotation(v.Elems[0])
		}
		if name(got) != name(want) || name(want) != "xadd" {
			t.Errorf("%v names: redis-server %s, runnel %s", args, name(want), name(got))
		}
	}
}
