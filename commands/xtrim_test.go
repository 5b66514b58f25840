package commands

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

var xtrimScripts = []xscript{
	{name: "xtrim", cmds: []xcase{
		{[]string{"XTRIM", "nokey", "MAXLEN", "1"}, ":0\r\n", ""},
		{[]string{"XTRIM", "nokey", "MAXLEN", "-1"}, "-ERR The MAXLEN argument must be >= 0.\r\n", ""},
		{[]string{"XTRIM", "nokey", "foo"}, "-ERR wrong number of arguments for 'xtrim' command\r\n", ""},
		{[]string{"XTRIM", "nokey", "LIMIT", "0"}, "-ERR syntax error, XTRIM must be called with a trimming strategy\r\n", ""},
		{[]string{"XADD", "s", "1-0", "a", "1"}, "$3\r\n1-0\r\n", ""},
		{[]string{"XADD", "s", "2-0", "a", "2"}, "$3\r\n2-0\r\n", ""},
		{[]string{"XADD", "s", "3-0", "a", "3"}, "$3\r\n3-0\r\n", ""},
		{[]string{"XADD", "s", "4-0", "a", "4"}, "$3\r\n4-0\r\n", ""},
		{[]string{"XADD", "s", "5-0", "a", "5"}, "$3\r\n5-0\r\n", ""},
		{[]string{"XTRIM", "s", "foo"}, "-ERR wrong number of arguments for 'xtrim' command\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN"}, "-ERR wrong number of arguments for 'xtrim' command\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "~"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "=", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XTRIM", "s", "LIMIT", "5", "MAXLEN", "1"}, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "1", "LIMIT", "5"}, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "5", "foo"}, "-ERR syntax error\r\n", ""},
		{[]string{"XTRIM", "s", "MINID", "1-*"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XTRIM", "s", "MINID", "3", "MAXLEN", "2"}, "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", ""},
		{[]string{"XTRIM", "s", "NOMKSTREAM", "MAXLEN", "1"}, "-ERR syntax error\r\n", ""},
		{[]string{"XTRIM", "s", "*", "MAXLEN", "1"}, "-ERR syntax error\r\n", ""},
		{[]string{"XTRIM", "s", "LIMIT", "5"}, "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n", ""},
		{[]string{"XTRIM", "s", "LIMIT", "0"}, "-ERR syntax error, XTRIM must be called with a trimming strategy\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "9"}, ":0\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "~", "1"}, ":0\r\n", ""},
		{[]string{"XTRIM", "s", "MINID", "2"}, ":1\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*4\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n", ""},
		{[]string{"XTRIM", "s", "MINID", "=", "4-0"}, ":2\r\n", ""},
		{[]string{"XTRIM", "s", "maxlen", "=", "1"}, ":1\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n", ""},
		{[]string{"XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "1"}, ":1\r\n", ""},
		{[]string{"XLEN", "s"}, ":0\r\n", ""},
		{[]string{"XTRIM", "s", "MINID", "~", "6", "LIMIT", "0"}, ":0\r\n", ""},
		{[]string{"XLEN", "s"}, ":0\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n", "%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n"},
		{[]string{"XADD", "s", "1-1", "a", "1"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
	}},
}

func TestXTrimExec(t *testing.T) { runScripts(t, xtrimScripts) }

// TestXTrimApprox checks that "~" removes whole nodes only, and that the
// default LIMIT is a hundred nodes' worth (with stream-node-max-entries
// 10: 1,000 entries).
func TestXTrimApprox(t *testing.T) {
	f := newFake(t, Options{})
	if err := f.s.SetConfig("stream-node-max-entries", "10"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2005; i++ {
		f.do("XADD", "s", strconv.Itoa(i), "f", "v")
	}
	if got := f.do("XTRIM", "s", "MAXLEN", "~", "1996"); got != ":0\r\n" {
		t.Fatalf("XTRIM ~ within a node = %q", got)
	}
	if got := f.do("XTRIM", "s", "MAXLEN", "~", "1995"); got != ":10\r\n" {
		t.Fatalf("XTRIM ~ one node = %q", got)
	}
	if got := f.do("XTRIM", "s", "MAXLEN", "~", "0"); got != ":1000\r\n" {
		t.Fatalf("XTRIM ~ with the default limit = %q", got)
	}
	if got := f.do("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "25"); got != ":20\r\n" {
		t.Fatalf("XTRIM ~ LIMIT 25 = %q", got)
	}
	if got := f.do("XTRIM", "s", "MINID", "~", "1500", "LIMIT", "0"); got != ":460\r\n" {
		t.Fatalf("XTRIM MINID ~ LIMIT 0 = %q", got)
	}
	if got := f.do("XTRIM", "s", "MAXLEN", "=", "2"); got != ":513\r\n" {
		t.Fatalf("XTRIM = 2 = %q", got)
	}
	if got := f.do("XRANGE", "s", "-", "+"); got != "*2\r\n*2\r\n$6\r\n2004-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$6\r\n2005-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n" {
		t.Fatalf("XRANGE after trims = %q", got)
	}
}

// TestXTrimPersist checks XTRIM's ops: the trimmed prefix as one range and
// the metadata, nothing when nothing was trimmed.
func TestXTrimPersist(t *testing.T) {
	rec := newRecordingStore()
	f := newFake(t, Options{Store: rec})
	for _, id := range []string{"1-0", "2-0", "3-0"} {
		f.do("XADD", "s", id, "a", "1")
	}
	f.do("XDEL", "s", "2-0")
	f.committed(rec)
	uid := f.object("s").UID
	f.do("XTRIM", "s", "MAXLEN", "5")
	if ops := f.committed(rec); len(ops) != 0 {
		t.Fatalf("XTRIM that trimmed nothing recorded %+v", ops)
	}
	d := f.s.dirty
	f.do("XTRIM", "s", "MINID", "3")
	want := []persist.Op{
		{Kind: persist.EntryDelRange, UID: uid, ID: stream.Min, End: stream.ID{Ms: 3}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 3}, MaxDeletedID: stream.ID{Ms: 2}, FirstID: stream.ID{Ms: 3}, EntriesAdded: 3}},
	}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops:\n got %+v\nwant %+v", ops, want)
	}
	if f.s.dirty != d+1 {
		t.Fatalf("dirty +%d, want +1", f.s.dirty-d)
	}
}
