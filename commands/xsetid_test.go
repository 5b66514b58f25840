package commands

import (
	"testing"

	"github.com/runnel-db/runnel/stream"
)

func TestXSetIDParse(t *testing.T) {
	tests := []struct {
		in   string
		want xsetidArgs
		err  error
	}{
		{in: "XSETID s 5-5", want: xsetidArgs{ID: stream.ID{Ms: 5, Seq: 5}, EntriesAdded: -1}},
		{in: "XSETID s 5 ENTRIESADDED 0 MAXDELETEDID 5-0", want: xsetidArgs{ID: stream.ID{Ms: 5}, EntriesAdded: 0, MaxDeletedID: stream.ID{Ms: 5}}},
		{in: "XSETID s 5 entriesadded 3 entriesadded 7", want: xsetidArgs{ID: stream.ID{Ms: 5}, EntriesAdded: 7}},
		{in: "XSETID s 5-*", err: ErrInvalidStreamID},
		{in: "XSETID s +", err: ErrInvalidStreamID},
		{in: "XSETID s 5 ENTRIESADDED", err: ErrSyntax},
		{in: "XSETID s 5 ENTRIESADDED -1", err: ErrEntriesAddedNeg},
		{in: "XSETID s 5 ENTRIESADDED x", err: ErrNotInteger},
		{in: "XSETID s 5 MAXDELETEDID 5-1", err: ErrXSetIDBelowGivenDel},
		{in: "XSETID s 5 MAXDELETEDID -", err: ErrInvalidStreamID},
		{in: "XSETID s 5 MAXDELETEDID 6 ENTRIESADDED -1", err: ErrXSetIDBelowGivenDel},
		{in: "XSETID s 5 FOO 1", err: ErrSyntax},
	}
	for _, tt := range tests {
		got, err := parseXSetID(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && (got.ID != tt.want.ID || got.EntriesAdded != tt.want.EntriesAdded || got.MaxDeletedID != tt.want.MaxDeletedID) {
			t.Errorf("%s: %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

var xsetidScripts = []xscript{
	{name: "xsetid", cmds: []xcase{
		{[]string{"XSETID", "nokey", "1-1"}, "-ERR no such key\r\n", ""},
		{[]string{"XSETID", "nokey", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XSETID", "nokey", "1-1", "foo"}, "-ERR syntax error\r\n", ""},
		{[]string{"XSETID", "nokey", "1-1", "ENTRIESADDED", "-1"}, "-ERR entries_added must be positive\r\n", ""},
		{[]string{"XSETID", "nokey", "1-1", "entriesadded", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XSETID", "nokey", "1-1", "MAXDELETEDID", "2-2"}, "-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n", ""},
		{[]string{"XSETID", "nokey", "1-1", "maxdeletedid", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XSETID", "nokey", "1-1", "ENTRIESADDED"}, "-ERR syntax error\r\n", ""},
		{[]string{"XSETID", "nokey", "1", "MAXDELETEDID", "2", "ENTRIESADDED", "-1"}, "-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n", ""},
		{[]string{"XADD", "s", "40-1", "a", "1"}, "$4\r\n40-1\r\n", ""},
		{[]string{"XADD", "s", "40-2", "a", "2"}, "$4\r\n40-2\r\n", ""},
		{[]string{"XADD", "s", "40-3", "a", "3"}, "$4\r\n40-3\r\n", ""},
		{[]string{"XSETID", "s", "40-2"}, "-ERR The ID specified in XSETID is smaller than the target stream top item\r\n", ""},
		{[]string{"XSETID", "s", "40-3", "ENTRIESADDED", "2"}, "-ERR The entries_added specified in XSETID is smaller than the target stream length\r\n", ""},
		{[]string{"XSETID", "s", "40-3", "ENTRIESADDED", "3"}, "+OK\r\n", ""},
		{[]string{"XSETID", "s", "50-0", "MAXDELETEDID", "50-1"}, "-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n", ""},
		{[]string{"XSETID", "s", "50-0", "MAXDELETEDID", "50-0"}, "+OK\r\n", ""},
		{[]string{"XSETID", "s", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XSETID", "s", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XSETID", "s", "50-*"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XSETID", "s", "50"}, "+OK\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n50-0\r\n$20\r\nmax-deleted-entry-id\r\n$4\r\n50-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$4\r\n40-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$4\r\n40-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n40-3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", "%10\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n50-0\r\n$20\r\nmax-deleted-entry-id\r\n$4\r\n50-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$4\r\n40-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$4\r\n40-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n40-3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n"},
		{[]string{"XSETID", "s", "60-0", "MAXDELETEDID", "0-0"}, "+OK\r\n", ""},
		{[]string{"XSETID", "s", "60-0", "ENTRIESADDED", "5", "ENTRIESADDED", "9"}, "+OK\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n60-0\r\n$20\r\nmax-deleted-entry-id\r\n$4\r\n50-0\r\n$13\r\nentries-added\r\n:9\r\n$23\r\nrecorded-first-entry-id\r\n$4\r\n40-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$4\r\n40-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n40-3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", "%10\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n60-0\r\n$20\r\nmax-deleted-entry-id\r\n$4\r\n50-0\r\n$13\r\nentries-added\r\n:9\r\n$23\r\nrecorded-first-entry-id\r\n$4\r\n40-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$4\r\n40-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n40-3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n"},
		{[]string{"XSETID", "s", "60-0", "MAXDELETEDID", "5-0", "x"}, "-ERR syntax error\r\n", ""},
		{[]string{"XSETID", "s", "60-0", "ENTRIESADDED", "18446744073709551615"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "60-0", "a", "4"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XADD", "s", "60-1", "a", "4"}, "$4\r\n60-1\r\n", ""},
		{[]string{"XLEN", "s"}, ":4\r\n", ""},
	}},
	{name: "xsetid 7.4 max deleted", cmds: []xcase{
		{[]string{"XADD", "rail", "40-1", "wagon", "a"}, "$4\r\n40-1\r\n", ""},
		{[]string{"XADD", "rail", "40-2", "wagon", "b"}, "$4\r\n40-2\r\n", ""},
		{[]string{"XADD", "rail", "40-3", "wagon", "c"}, "$4\r\n40-3\r\n", ""},
		{[]string{"XDEL", "rail", "40-2", "40-3"}, ":2\r\n", ""},
		// Redis 7.4 (REDIS74 §4): checked against the current max deleted ID first
		{[]string{"XSETID", "rail", "40-2"}, "-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\r\n", ""},
		// Redis 7.4 (REDIS74 §4)
		{[]string{"XSETID", "rail", "40-2", "MAXDELETEDID", "40-1"}, "-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\r\n", ""},
		// Redis 7.4 (REDIS74 §4)
		{[]string{"XSETID", "rail", "1-0"}, "-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\r\n", ""},
		{[]string{"XSETID", "rail", "40-3"}, "+OK\r\n", ""},
		{[]string{"XADD", "lone", "9-9", "wagon", "z"}, "$3\r\n9-9\r\n", ""},
		{[]string{"XDEL", "lone", "9-9"}, ":1\r\n", ""},
		// Redis 7.4 (REDIS74 §4)
		{[]string{"XSETID", "lone", "5-0"}, "-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\r\n", ""},
		{[]string{"XSETID", "lone", "9-9"}, "+OK\r\n", ""},
		{[]string{"XSETID", "lone", "10-0", "MAXDELETEDID", "9-10"}, "+OK\r\n", ""},
		{[]string{"XINFO", "STREAM", "lone"}, "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$4\r\n10-0\r\n$20\r\nmax-deleted-entry-id\r\n$4\r\n9-10\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n", "%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$4\r\n10-0\r\n$20\r\nmax-deleted-entry-id\r\n$4\r\n9-10\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n"},
	}},
}

func TestXSetIDExec(t *testing.T) { runScripts(t, xsetidScripts) }

// TestXSetIDNoWatch checks that XSETID, as in Redis, does not dirty
// WATCHers, but counts one change.
func TestXSetIDNoWatch(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-0", "a", "1")
	f.do("WATCH", "s")
	d := f.s.dirty
	if got := f.do("XSETID", "s", "100-0"); got != "+OK\r\n" {
		t.Fatalf("XSETID = %q", got)
	}
	if f.c.dirtyCAS || f.s.dirty != d+1 {
		t.Fatalf("dirtyCAS %v, dirty +%d", f.c.dirtyCAS, f.s.dirty-d)
	}
}
