package commands

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

var xdelScripts = []xscript{
	{name: "xdel", cmds: []xcase{
		{[]string{"XDEL", "nokey", "bad"}, ":0\r\n", ""},
		{[]string{"XDEL", "nokey", "1-1"}, ":0\r\n", ""},
		{[]string{"XADD", "s", "1-0", "a", "1"}, "$3\r\n1-0\r\n", ""},
		{[]string{"XADD", "s", "2-0", "a", "2"}, "$3\r\n2-0\r\n", ""},
		{[]string{"XADD", "s", "3-0", "a", "3"}, "$3\r\n3-0\r\n", ""},
		{[]string{"XADD", "s", "4-0", "a", "4"}, "$3\r\n4-0\r\n", ""},
		{[]string{"XADD", "s", "5-0", "a", "5"}, "$3\r\n5-0\r\n", ""},
		{[]string{"XDEL", "s", "1-0", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XLEN", "s"}, ":5\r\n", ""},
		{[]string{"XDEL", "s", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XDEL", "s", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XDEL", "s", "3-*"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XDEL", "s", "(3"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XDEL", "s", "2", "2", "9-9"}, ":1\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:4\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n", "%10\r\n$6\r\nlength\r\n:4\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n"},
		{[]string{"XDEL", "s", "1-0"}, ":1\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n", "%10\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n"},
		{[]string{"XDEL", "s", "5-0", "3-0"}, ":2\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n4-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n", "%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n4-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n"},
		{[]string{"XDEL", "s", "4-0"}, ":1\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n", "%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n5-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n"},
		{[]string{"XDEL", "s", "4-0"}, ":0\r\n", ""},
		{[]string{"XADD", "s", "5-0", "a", "5"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XADD", "s", "6-0", "a", "6"}, "$3\r\n6-0\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*1\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n", ""},
	}},
}

func TestXDelExec(t *testing.T) { runScripts(t, xdelScripts) }

// TestXDelPersist checks XDEL's ops: one per deleted entry, then the
// metadata; nothing when nothing was deleted.
func TestXDelPersist(t *testing.T) {
	rec := newRecordingStore()
	f := newFake(t, Options{Store: rec})
	for _, id := range []string{"1-0", "2-0", "3-0"} {
		f.do("XADD", "s", id, "a", "1")
	}
	f.committed(rec)
	uid := f.object("s").UID
	f.do("XDEL", "s", "2-0", "9-0", "1-0", "2-0")
	want := []persist.Op{
		{Kind: persist.EntryDel, UID: uid, ID: stream.ID{Ms: 2}},
		{Kind: persist.EntryDel, UID: uid, ID: stream.ID{Ms: 1}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 3}, MaxDeletedID: stream.ID{Ms: 2}, FirstID: stream.ID{Ms: 3}, EntriesAdded: 3}},
	}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops:\n got %+v\nwant %+v", ops, want)
	}
	f.do("XDEL", "s", "9-0")
	f.do("XDEL", "s", "3-0", "bad")
	if ops := f.committed(rec); len(ops) != 0 {
		t.Fatalf("XDEL that deleted nothing recorded %+v", ops)
	}
}

// TestXDelWatch checks that only an XDEL that deletes something dirties
// WATCHers and counts changes, one per entry.
func TestXDelWatch(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-0", "a", "1")
	f.do("XADD", "s", "2-0", "a", "1")
	f.do("WATCH", "s")
	d := f.s.dirty
	f.do("XDEL", "s", "9-9")
	if f.c.dirtyCAS || f.s.dirty != d {
		t.Fatalf("XDEL of nothing: dirtyCAS %v, dirty +%d", f.c.dirtyCAS, f.s.dirty-d)
	}
	f.do("XDEL", "s", "1-0", "2-0")
	if !f.c.dirtyCAS || f.s.dirty != d+2 {
		t.Fatalf("XDEL of two: dirtyCAS %v, dirty +%d", f.c.dirtyCAS, f.s.dirty-d)
	}
}
