package commands

import (
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func TestXPendingParse(t *testing.T) {
	max := ^uint64(0)
	tests := []struct {
		in   string
		want xpendingArgs
		err  error
	}{
		{in: "XPENDING s g", want: xpendingArgs{Summary: true}},
		{in: "XPENDING s g - + 10", want: xpendingArgs{End: stream.Max, Count: 10}},
		{in: "XPENDING s g IDLE 5 1 (3 0 bob", want: xpendingArgs{MinIdle: 5, Start: stream.ID{Ms: 1}, End: stream.ID{Ms: 3, Seq: max - 1}, Consumer: []byte("bob")}},
		{in: "XPENDING s g idle -5 (1-1 2 -3", want: xpendingArgs{MinIdle: -5, Start: stream.ID{Ms: 1, Seq: 2}, End: stream.ID{Ms: 2, Seq: max}}},
		// Arguments after the consumer are ignored, as Redis ignores them.
		{in: "XPENDING s g - + 1 bob extra", want: xpendingArgs{End: stream.Max, Count: 1, Consumer: []byte("bob")}},
		{in: "XPENDING s g -", err: ErrSyntax},
		{in: "XPENDING s g - +", err: ErrSyntax},
		{in: "XPENDING s g IDLE 5 - +", err: ErrSyntax},
		{in: "XPENDING s g IDLE 5 - + 10 c x y", err: ErrSyntax},
		// IDLE's value is read before the argument count is checked.
		{in: "XPENDING s g IDLE x -", err: ErrNotInteger},
		// The count is read before the IDs.
		{in: "XPENDING s g bad bad x", err: ErrNotInteger},
		{in: "XPENDING s g bad + 1", err: ErrInvalidStreamID},
		{in: "XPENDING s g - bad 1", err: ErrInvalidStreamID},
		{in: "XPENDING s g (18446744073709551615-18446744073709551615 + 1", err: ErrInvalidStartID},
		{in: "XPENDING s g - (0-0 1", err: ErrInvalidEndID},
	}
	for _, tt := range tests {
		got, err := parseXPending(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && (got.Summary != tt.want.Summary || got.MinIdle != tt.want.MinIdle || got.Start != tt.want.Start ||
			got.End != tt.want.End || got.Count != tt.want.Count || string(got.Consumer) != string(tt.want.Consumer) ||
			(got.Consumer == nil) != (tt.want.Consumer == nil)) {
			t.Errorf("%s: %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestXAckXPendingExec(t *testing.T) { runGroupScripts(t, xackPendingScripts) }

// TestXAckPersist: each acknowledged ID is one PendingDel and one change;
// IDs that were not pending record nothing.
func TestXAckPersist(t *testing.T) {
	rs := newRecordingStore()
	f := newFake(t, Options{Store: rs})
	f.do("XADD", "s", "1-1", "f", "v")
	f.do("XADD", "s", "2-2", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	o := f.object("s")
	f.committed(rs)
	d := f.s.dirty
	if got := f.do("XACK", "s", "g", "2-2", "9-9", "1-1", "2-2"); got != ":2\r\n" {
		t.Fatalf("XACK = %q", got)
	}
	want := []persist.Op{
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: stream.ID{Ms: 2, Seq: 2}},
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: stream.ID{Ms: 1, Seq: 1}},
	}
	if ops := f.committed(rs); !opsEqual(ops, want) || f.s.dirty != d+2 {
		t.Fatalf("XACK ops %+v, dirty +%d", ops, f.s.dirty-d)
	}
	f.do("XACK", "s", "g", "1-1")
	if ops := f.committed(rs); len(ops) != 0 {
		t.Fatalf("XACK of nothing pending recorded %+v", ops)
	}
}

var xackPendingScripts = []xscript{
	{name: "xack", cmds: []xcase{
		{[]string{"XACK", "s", "g", "1-1"}, ":0\r\n", ""},
		{[]string{"XACK", "s", "g", "bad"}, ":0\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1"}, ":0\r\n", ""},
		{[]string{"XACK", "s", "g", "bad"}, ":0\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XACK", "s", "nog", "bad"}, ":0\r\n", ""},
		{[]string{"XACK", "s", "g", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XACK", "s", "g", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XACK", "s", "g", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1"}, ":0\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XACK", "s", "g", "1-1", "1-1", "1"}, ":1\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1"}, ":0\r\n", ""},
		{[]string{"XACK", "s", "g", "2-2", "4-4", "3"}, ":1\r\n", ""},
		{[]string{"XACK", "s", "g", "3-3", "2-2"}, ":1\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
		{[]string{"XACK", "s", "g", "3-3"}, ":0\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
		{[]string{"XACK", "s"}, "-ERR wrong number of arguments for 'xack' command\r\n", ""},
		{[]string{"XACK", "s", "g"}, "-ERR wrong number of arguments for 'xack' command\r\n", ""},
	}},
	{name: "xpending errors", cmds: []xcase{
		{[]string{"XPENDING", "s"}, "-ERR wrong number of arguments for 'xpending' command\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "-NOGROUP No such key 's' or consumer group 'g'\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "-NOGROUP No such key 's' or consumer group 'g'\r\n", ""},
		{[]string{"XPENDING", "s", "g", "bad", "+", "10"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "-NOGROUP No such key 's' or consumer group 'g'\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XPENDING", "s", "nog"}, "-NOGROUP No such key 's' or consumer group 'nog'\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-"}, "-ERR syntax error\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+"}, "-ERR syntax error\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10", "c", "extra"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "10", "-", "+"}, "-ERR syntax error\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "x", "-"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "10", "-", "+", "10", "c", "extra"}, "-ERR syntax error\r\n", ""},
		{[]string{"XPENDING", "s", "g", "bad", "+", "10"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "bad", "10"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XPENDING", "s", "g", "bad", "bad", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XPENDING", "s", "g", "(+", "+", "10"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "(-", "10"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", "10"}, "-ERR invalid start ID for the interval\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "(0-0", "10"}, "-ERR invalid end ID for the interval\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "1.5"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*0\r\n", ""},
	}},
	{name: "xpending", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "f", "v"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n4-4\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*4\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "2"}, "*2\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "0"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "-1"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "2", "3", "10"}, "*2\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "(2-2", "+", "10"}, "*2\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "(4-4", "10"}, "*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "3", "2", "10"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10", "alice"}, "*2\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "1", "bob"}, "*1\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "(1-1", "+", "10", "bob"}, "*1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10", "nobody"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "0", "-", "+", "10"}, "*4\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "-5", "-", "+", "10", "bob"}, "*2\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3600000", "-", "+", "10"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "idle", "3600000", "-", "+", "10", "bob"}, "*0\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "0", "2-2", "TIME", "1000", "JUSTID"}, "*1\r\n$3\r\n2-2\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3600000", "-", "+", "10"}, "*1\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3600000", "-", "+", "10", "alice"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3600000", "-", "+", "1", "bob"}, "*1\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3600000", "-", "+", "10", "bob"}, "*1\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10", "bob"}, "*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1", "2-2", "3-3", "4-4"}, ":4\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*0\r\n", ""},
	}},
}
