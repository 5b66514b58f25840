package commands

import (
	"regexp"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/persist"
)

func TestCopyParse(t *testing.T) {
	cases := []struct {
		args    string
		db      int
		replace bool
		err     error
	}{
		{"COPY a b", -1, false, nil},
		{"COPY a b REPLACE", -1, true, nil},
		{"COPY a b replace DB 3", 3, true, nil},
		{"COPY a b DB 15 DB 0", 0, false, nil},
		{"COPY a b DB", -1, false, ErrSyntax},
		{"COPY a b DB x", -1, false, ErrNotInteger},
		{"COPY a b DB 16", -1, false, ErrDBIndex},
		{"COPY a b DB -1", -1, false, ErrDBIndex},
		{"COPY a b DB 16 FOO", -1, false, ErrDBIndex},
		{"COPY a b FOO DB 16", -1, false, ErrSyntax},
		{"COPY a b DB 99999999999999999999", -1, false, ErrNotInteger},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			var args [][]byte
			for _, w := range strings.Fields(c.args) {
				args = append(args, []byte(w))
			}
			a, err := parseCopy(args)
			if err != c.err {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err == nil && (a.db != c.db || a.replace != c.replace) {
				t.Fatalf("got db %d replace %v", a.db, a.replace)
			}
		})
	}
}

// timesRe hides the millisecond clocks of XINFO replies, which COPY keeps
// but which are compared here only for presence.
var timesRe = regexp.MustCompile(`:17\d{11}\r\n`)

// TestCopySurvivesRestart copies streams with closed nodes, tombstones,
// groups and PELs, restarts from the store and checks that the copy and
// the original both come back, and that the copy's records are its own:
// changing or deleting it after the restart leaves the original alone.
func TestCopySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *fake {
		return openStored(t, dir, persist.Options{}, []string{"CONFIG", "SET", "stream-node-max-entries", "3"})
	}
	keys := []string{"s", "d", "e"}
	snapshot := func(f *fake) string {
		var b strings.Builder
		for _, db := range []string{"0", "2"} {
			f.do("SELECT", db)
			for _, k := range keys {
				b.WriteString(f.do("XRANGE", k, "-", "+"))
				b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", k, "FULL"), "$1:?"))
				b.WriteString(f.do("PEXPIRETIME", k))
			}
		}
		f.do("SELECT", "0")
		return timesRe.ReplaceAllString(b.String(), ":<t>\r\n")
	}
	f := open()
	for i := 1; i <= 11; i++ {
		f.do("XADD", "s", strings.Repeat("1", i)+"-1", "f", strings.Repeat("v", i))
	}
	f.do("XDEL", "s", "11-1", "1111-1")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "alice", "COUNT", "4", "STREAMS", "s", ">")
	f.do("XGROUP", "CREATECONSUMER", "s", "g", "bob")
	f.do("PEXPIRE", "s", "1000000")
	for _, c := range [][]string{{"COPY", "s", "d"}, {"COPY", "s", "s", "DB", "2"}, {"COPY", "s", "e"}} {
		if got := f.do(c...); got != ":1\r\n" {
			t.Fatalf("%v: %q", c, got)
		}
	}
	f.do("COPY", "d", "e", "REPLACE")
	f = restartSame(t, f, open, snapshot, "after COPY")
	f.do("XADD", "d", "99999999999-1", "f", "new")
	f.do("XACK", "d", "g", "1-1")
	f.do("XDEL", "d", "111-1")
	f.do("DEL", "e")
	f = restartSame(t, f, open, snapshot, "after changing the copy")
	if got := f.do("XLEN", "s"); got != ":9\r\n" {
		t.Fatalf("original XLEN %q", got)
	}
	if got := f.do("XPENDING", "s", "g", "-", "+", "10"); strings.Count(got, "alice") != 4 {
		t.Fatalf("original PEL %q", got)
	}
}
