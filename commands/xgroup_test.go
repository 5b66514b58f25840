package commands

import (
	"strconv"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// The exec tables of the consumer-group commands were recorded from
// redis-server 7.0.15 in RESP2 and RESP3; the lines marked "Redis 7.4"
// carry the 7.4 reply of REDIS74.md instead. An integer written ":*" in an
// expected reply stands for any integer: idle times and delivery
// timestamps, which depend on the clock.

// matchReply reports whether got equals want, where each ":*\r\n" of want
// matches any RESP integer.
func matchReply(want, got string) bool {
	for {
		i := strings.Index(want, ":*\r\n")
		if i < 0 {
			return want == got
		}
		if !strings.HasPrefix(got, want[:i+1]) {
			return false
		}
		got = got[i+1:]
		j := strings.Index(got, "\r\n")
		if j < 0 {
			return false
		}
		if _, err := strconv.ParseInt(got[:j], 10, 64); err != nil {
			return false
		}
		got, want = got[j+2:], want[i+4:]
	}
}

func TestMatchReply(t *testing.T) {
	tests := []struct {
		want, got string
		ok        bool
	}{
		{"*1\r\n:*\r\n", "*1\r\n:123\r\n", true},
		{"*1\r\n:*\r\n", "*1\r\n:-1\r\n", true},
		{"*1\r\n:*\r\n", "*1\r\n$1\r\n1\r\n", false},
		{"*2\r\n:*\r\n:*\r\n", "*2\r\n:1\r\n:2\r\n", true},
		{"*2\r\n:*\r\n:5\r\n", "*2\r\n:1\r\n:2\r\n", false},
		{":1\r\n", ":1\r\n", true},
		{":1\r\n", ":2\r\n", false},
		{":*\r\n", ":x\r\n", false},
	}
	for _, tt := range tests {
		if got := matchReply(tt.want, tt.got); got != tt.ok {
			t.Errorf("matchReply(%q, %q) = %v", tt.want, tt.got, got)
		}
	}
}

// checkGroups runs the invariant check of every stream's groups.
func checkGroups(t testing.TB, s *Server) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, db := range s.dbs {
		for k, o := range db.keys {
			if o.Groups == nil {
				continue
			}
			if err := o.Groups.Check(); err != nil {
				t.Errorf("groups of %q: %v", k, err)
			}
		}
	}
}

// newGroupFake is newFake with the groups' invariant check at the end.
func newGroupFake(t testing.TB) *fake {
	f := newFake(t, Options{})
	t.Cleanup(func() { checkGroups(t, f.s) })
	return f
}

// runGroupScripts runs each script on a fresh server in RESP2 and RESP3,
// comparing every reply with matchReply.
func runGroupScripts(t *testing.T, scripts []xscript) {
	t.Helper()
	for _, sc := range scripts {
		for _, p := range []int{2, 3} {
			t.Run(sc.name+"/resp"+strconv.Itoa(p), func(t *testing.T) {
				f := newGroupFake(t)
				f.proto(p)
				for i, cs := range sc.cmds {
					want := cs.want2
					if p == 3 && cs.want3 != "" {
						want = cs.want3
					}
					if got := f.do(cs.args...); !matchReply(want, got) {
						t.Errorf("#%d %s:\n got %q\nwant %q", i, strings.Join(cs.args, " "), got, want)
					}
				}
			})
		}
	}
}

// group returns the group called name of the stream at key, or nil.
func (f *fake) group(key, name string) *pel.Group {
	o := f.object(key)
	if o == nil || o.Groups == nil {
		return nil
	}
	return o.Groups.Get(name)
}

func TestXGroupParseOptions(t *testing.T) {
	tests := []struct {
		in   string
		want xgroupArgs
		err  error
	}{
		{in: "XGROUP CREATE s g 0", want: xgroupArgs{EntriesRead: -1}},
		{in: "XGROUP CREATE s g 0 MKSTREAM", want: xgroupArgs{MkStream: true, EntriesRead: -1}},
		{in: "XGROUP create s g 0 entriesread 5 mkstream", want: xgroupArgs{MkStream: true, EntriesRead: 5}},
		{in: "XGROUP CREATE s g 0 ENTRIESREAD -1", want: xgroupArgs{EntriesRead: -1}},
		{in: "XGROUP CREATE s g 0 ENTRIESREAD 0 ENTRIESREAD 7", want: xgroupArgs{EntriesRead: 7}},
		{in: "XGROUP SETID s g 0 ENTRIESREAD 3", want: xgroupArgs{EntriesRead: 3}},
		{in: "XGROUP CREATE s g 0 ENTRIESREAD -2", err: ErrEntriesReadRange},
		{in: "XGROUP CREATE s g 0 ENTRIESREAD 1.5", err: ErrNotInteger},
		{in: "XGROUP CREATE s g 0 ENTRIESREAD", err: errSubcommandSyntax([]byte("CREATE"), "xgroup")},
		{in: "XGROUP SETID s g 0 MKSTREAM", err: errSubcommandSyntax([]byte("SETID"), "xgroup")},
		{in: "XGROUP setid s g 0 x", err: errSubcommandSyntax([]byte("setid"), "xgroup")},
		// The other subcommands have no options (their arity leaves none).
		{in: "XGROUP DESTROY s g", want: xgroupArgs{EntriesRead: -1}},
		{in: "XGROUP CREATECONSUMER s g c", want: xgroupArgs{EntriesRead: -1}},
	}
	for _, tt := range tests {
		got, err := parseXGroupOptions(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestXGroupExec(t *testing.T) { runGroupScripts(t, xgroupScripts) }

// TestXGroupPersist checks the ops each XGROUP subcommand records, and
// that dirty counts as Redis counts.
func TestXGroupPersist(t *testing.T) {
	rs := newRecordingStore()
	f := newFake(t, Options{Store: rs})
	f.do("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM", "ENTRIESREAD", "0")
	o := f.object("s")
	ops := f.committed(rs)
	if len(ops) != 3 || ops[0].Kind != persist.KeyPut || ops[1].Kind != persist.StreamMetaPut ||
		!opsEqual(ops[2:], []persist.Op{{Kind: persist.GroupPut, UID: o.UID, Group: "g", EntriesRead: 0}}) {
		t.Fatalf("CREATE MKSTREAM ops %+v", ops)
	}
	f.do("XADD", "s", "1-1", "f", "v")
	f.do("XADD", "s", "2-2", "f", "v")
	f.committed(rs)
	f.do("XGROUP", "SETID", "s", "g", "1-1", "ENTRIESREAD", "1")
	if ops := f.committed(rs); !opsEqual(ops, []persist.Op{{Kind: persist.GroupPut, UID: o.UID, Group: "g", GroupLastID: stream.ID{Ms: 1, Seq: 1}, EntriesRead: 1}}) {
		t.Fatalf("SETID ops %+v", ops)
	}
	f.do("XGROUP", "CREATECONSUMER", "s", "g", "c")
	if ops := f.committed(rs); len(ops) != 1 || ops[0].Kind != persist.ConsumerPut || ops[0].Consumer != "c" || ops[0].ActiveTime != -1 || ops[0].SeenTime == 0 {
		t.Fatalf("CREATECONSUMER ops %+v", ops)
	}
	f.do("XGROUP", "CREATECONSUMER", "s", "g", "c")
	if ops := f.committed(rs); len(ops) != 0 {
		t.Fatalf("CREATECONSUMER of an existing consumer recorded %+v", ops)
	}
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0")
	f.do("XGROUP", "SETID", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	f.committed(rs)
	d := f.s.dirty
	f.do("XGROUP", "DELCONSUMER", "s", "g", "c")
	ops = f.committed(rs)
	want := []persist.Op{
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: stream.ID{Ms: 1, Seq: 1}},
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: stream.ID{Ms: 2, Seq: 2}},
		{Kind: persist.ConsumerDel, UID: o.UID, Group: "g", Consumer: "c"},
	}
	if !opsEqual(ops, want) || f.s.dirty != d+1 {
		t.Fatalf("DELCONSUMER ops %+v, dirty +%d", ops, f.s.dirty-d)
	}
	f.do("XGROUP", "DESTROY", "s", "g")
	if ops := f.committed(rs); !opsEqual(ops, []persist.Op{{Kind: persist.GroupDel, UID: o.UID, Group: "g"}}) {
		t.Fatalf("DESTROY ops %+v", ops)
	}
	f.do("XGROUP", "DESTROY", "s", "g")
	if ops := f.committed(rs); len(ops) != 0 {
		t.Fatalf("DESTROY of a missing group recorded %+v", ops)
	}
}

func opsEqual(a, b []persist.Op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || a[i].UID != b[i].UID || a[i].Group != b[i].Group || a[i].Consumer != b[i].Consumer ||
			a[i].ID != b[i].ID || a[i].GroupLastID != b[i].GroupLastID || a[i].EntriesRead != b[i].EntriesRead ||
			a[i].DeliveryCount != b[i].DeliveryCount {
			return false
		}
	}
	return true
}

// TestXGroupDirty checks the dirty counter of each subcommand against
// Redis's (one per change).
func TestXGroupDirty(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "1-1", "f", "v")
	steps := []struct {
		cmd   string
		dirty int64
	}{
		{"XGROUP CREATE s g 0", 1},
		{"XGROUP CREATE s g 0", 0},
		{"XGROUP CREATE t g 0 MKSTREAM", 1},
		{"XGROUP SETID s g 1-1", 1},
		{"XGROUP CREATECONSUMER s g c", 1},
		{"XGROUP CREATECONSUMER s g c", 0},
		{"XGROUP DELCONSUMER s g c", 1},
		{"XGROUP DELCONSUMER s g c", 0},
		{"XGROUP DESTROY s g", 1},
		{"XGROUP DESTROY s g", 0},
	}
	for _, st := range steps {
		d := f.s.dirty
		f.doBytes(args(st.cmd))
		if got := f.s.dirty - d; got != st.dirty {
			t.Errorf("%s: dirty +%d, want +%d", st.cmd, got, st.dirty)
		}
	}
}

var xgroupScripts = []xscript{
	{name: "xgroup errors", cmds: []xcase{
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "bad"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "0"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "DESTROY", "s", "g"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g", "c"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "c"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "bad", "MKSTREAM"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "+", "MKSTREAM"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "-", "MKSTREAM"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "-2"}, "-ERR value for ENTRIESREAD must be positive or -1\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0", "entriesread"}, "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0", "FOO"}, "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "create", "s", "g", "0", "mkstream"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}, "-BUSYGROUP Consumer Group name already exists\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g2", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g3", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM"}, "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "3", "ENTRIESREAD", "1"}, "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g4", "$", "ENTRIESREAD", "-1"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g5", "5"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "nog", "0"}, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "0", "MKSTREAM"}, "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD"}, "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "5", "extra"}, "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "-3"}, "-ERR value for ENTRIESREAD must be positive or -1\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "(1"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "5-*"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "+"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "-"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "7"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "$", "ENTRIESREAD", "9"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*4\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:9\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng5\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n", "*4\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:9\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$2\r\ng5\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "nog", "c"}, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n", ""},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g", "c"}, ":1\r\n", ""},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g", "c"}, ":0\r\n", ""},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g", ""}, ":1\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "nog", "c"}, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "nobody"}, ":0\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "c"}, ":0\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", ""}, ":0\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "c"}, ":0\r\n", ""},
		{[]string{"XGROUP", "DESTROY", "s", "nog"}, ":0\r\n", ""},
		{[]string{"XGROUP", "DESTROY", "s", "g"}, ":1\r\n", ""},
		{[]string{"XGROUP", "DESTROY", "s", "g"}, ":0\r\n", ""},
		{[]string{"XGROUP", "DESTROY", "nokey", "g"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "nokey", "g", "c"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", ""},
		{[]string{"XGROUP", "FOO", "s", "g"}, "-ERR unknown subcommand 'FOO'. Try XGROUP HELP.\r\n", ""},
		{[]string{"XGROUP"}, "-ERR wrong number of arguments for 'xgroup' command\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s"}, "-ERR wrong number of arguments for 'xgroup|create' command\r\n", ""},
		{[]string{"XGROUP", "DESTROY", "s", "g", "x"}, "-ERR wrong number of arguments for 'xgroup|destroy' command\r\n", ""},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g"}, "-ERR wrong number of arguments for 'xgroup|createconsumer' command\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "c", "d"}, "-ERR wrong number of arguments for 'xgroup|delconsumer' command\r\n", ""},
		{[]string{"XGROUP", "HELP", "x"}, "-ERR wrong number of arguments for 'xgroup|help' command\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*3\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng5\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n", "*3\r\n%6\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$2\r\ng5\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XLEN", "s"}, ":0\r\n", ""},
	}},
	{name: "xgroup help", cmds: []xcase{
		// Redis 7.4 (REDIS74 §6): the last line is "Print this help."
		{[]string{"XGROUP", "HELP"}, "*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CREATE <key> <groupname> <id|$> [option]\r\n+    Create a new consumer group. Options are:\r\n+    * MKSTREAM\r\n+      Create the empty stream if it does not exist.\r\n+    * ENTRIESREAD entries_read\r\n+      Set the group's entries_read counter (internal use).\r\n+CREATECONSUMER <key> <groupname> <consumer>\r\n+    Create a new consumer in the specified group.\r\n+DELCONSUMER <key> <groupname> <consumer>\r\n+    Remove the specified consumer.\r\n+DESTROY <key> <groupname>\r\n+    Remove the specified group.\r\n+SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]\r\n+    Set the current group ID and entries_read counter.\r\n+HELP\r\n+    Print this help.\r\n", ""},
		{[]string{"XGROUP", "help"}, "*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CREATE <key> <groupname> <id|$> [option]\r\n+    Create a new consumer group. Options are:\r\n+    * MKSTREAM\r\n+      Create the empty stream if it does not exist.\r\n+    * ENTRIESREAD entries_read\r\n+      Set the group's entries_read counter (internal use).\r\n+CREATECONSUMER <key> <groupname> <consumer>\r\n+    Create a new consumer in the specified group.\r\n+DELCONSUMER <key> <groupname> <consumer>\r\n+    Remove the specified consumer.\r\n+DESTROY <key> <groupname>\r\n+    Remove the specified group.\r\n+SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]\r\n+    Set the current group ID and entries_read counter.\r\n+HELP\r\n+    Print this help.\r\n", ""},
	}},
	{name: "xgroup create dollar", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "a", "$"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "b", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "c", "1-1", "ENTRIESREAD", "1"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "d", "1"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "e", "99-0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "b", "$"}, "-BUSYGROUP Consumer Group name already exists\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*5\r\n*12\r\n$4\r\nname\r\n$1\r\na\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nb\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\nc\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$4\r\n99-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*5\r\n%6\r\n$4\r\nname\r\n$1\r\na\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nb\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n%6\r\n$4\r\nname\r\n$1\r\nc\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n%6\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$4\r\n99-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XDEL", "s", "2-2"}, ":1\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "a", "$"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "b", "1-1", "ENTRIESREAD", "1"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*5\r\n*12\r\n$4\r\nname\r\n$1\r\na\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nb\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nc\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$4\r\n99-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*5\r\n%6\r\n$4\r\nname\r\n$1\r\na\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nb\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\nc\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\nd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$4\r\n99-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n2-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-2\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:5\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n2-2\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-2\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:5\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
	}},
	{name: "xgroup delconsumer", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n3-3\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "alice"}, ":2\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:1\r\n$3\r\n3-3\r\n$3\r\n3-3\r\n*1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1", "2-2", "3-3"}, ":1\r\n", ""},
		{[]string{"XGROUP", "DELCONSUMER", "s", "g", "bob"}, ":0\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"},
	}},
}
