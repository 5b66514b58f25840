package commands

import (
	"reflect"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func TestXClaimParse(t *testing.T) {
	const now = 5000
	ids := func(s ...stream.ID) []stream.ID { return s }
	tests := []struct {
		in   string
		want xclaimArgs
		err  error
	}{
		{in: "XCLAIM s g c 10 1-1", want: xclaimArgs{MinIdle: 10, IDs: ids(stream.ID{Ms: 1, Seq: 1}), Time: -1, RetryCount: -1}},
		{in: "XCLAIM s g c -10 1 2-2 IDLE 100 RETRYCOUNT 3 FORCE JUSTID LASTID 9",
			want: xclaimArgs{IDs: ids(stream.ID{Ms: 1}, stream.ID{Ms: 2, Seq: 2}), Time: now - 100, RetryCount: 3, Force: true, JustID: true, LastID: stream.ID{Ms: 9}}},
		{in: "XCLAIM s g c 0 1-1 time 77 idle 100 time 88", want: xclaimArgs{IDs: ids(stream.ID{Ms: 1, Seq: 1}), Time: 88, RetryCount: -1}},
		// The IDs end at the first argument that is not one.
		{in: "XCLAIM s g c 0 1-1 JUSTID 2-2", err: errXClaimOption([]byte("2-2"))},
		{in: "XCLAIM s g c 0 -", err: errXClaimOption([]byte("-"))},
		{in: "XCLAIM s g c x 1-1", err: ErrXClaimMinIdle},
		{in: "XCLAIM s g c 0 1-1 IDLE", err: errXClaimOption([]byte("IDLE"))},
		{in: "XCLAIM s g c 0 1-1 IDLE x", err: ErrXClaimIdle},
		{in: "XCLAIM s g c 0 1-1 TIME x", err: ErrXClaimTime},
		{in: "XCLAIM s g c 0 1-1 RETRYCOUNT 1.5", err: ErrXClaimRetryCount},
		{in: "XCLAIM s g c 0 1-1 LASTID -", err: ErrInvalidStreamID},
	}
	for _, tt := range tests {
		got, err := parseXClaim(args(tt.in), now, nil)
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if len(got.IDs) != len(tt.want.IDs) {
			t.Errorf("%s: IDs %v, want %v", tt.in, got.IDs, tt.want.IDs)
			continue
		}
		for i := range got.IDs {
			if got.IDs[i] != tt.want.IDs[i] {
				t.Errorf("%s: IDs %v, want %v", tt.in, got.IDs, tt.want.IDs)
			}
		}
		got.IDs, tt.want.IDs = nil, nil
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestXAutoClaimParse(t *testing.T) {
	tests := []struct {
		in   string
		want xautoclaimArgs
		err  error
	}{
		{in: "XAUTOCLAIM s g c 10 0", want: xautoclaimArgs{MinIdle: 10, Count: 100}},
		{in: "XAUTOCLAIM s g c -1 (1-1 COUNT 5 JUSTID", want: xautoclaimArgs{Start: stream.ID{Ms: 1, Seq: 2}, Count: 5, JustID: true}},
		{in: "XAUTOCLAIM s g c 0 + count 576460752303423487", want: xautoclaimArgs{Start: stream.Max, Count: 576460752303423487}},
		{in: "XAUTOCLAIM s g c 0 - COUNT 576460752303423488", err: ErrXAutoClaimCountRange},
		{in: "XAUTOCLAIM s g c 0 - COUNT 0", err: ErrXAutoClaimCountRange},
		{in: "XAUTOCLAIM s g c 0 - COUNT x", err: ErrXAutoClaimCountRange},
		{in: "XAUTOCLAIM s g c 0 - COUNT", err: ErrSyntax},
		{in: "XAUTOCLAIM s g c 0 - FOO", err: ErrSyntax},
		{in: "XAUTOCLAIM s g c x -", err: ErrXAutoClaimMinIdle},
		{in: "XAUTOCLAIM s g c 0 (-", err: ErrInvalidStreamID},
		{in: "XAUTOCLAIM s g c 0 (18446744073709551615-18446744073709551615", err: ErrInvalidStartID},
	}
	for _, tt := range tests {
		got, err := parseXAutoClaim(args(tt.in))
		if err != tt.err || err == nil && got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestXClaimExec(t *testing.T) { runGroupScripts(t, xclaimScripts) }

// TestXClaimCreatesConsumers follows REDIS74 §10 and §12: XCLAIM and
// XAUTOCLAIM create their consumer whatever they claim, and count it.
func TestXClaimCreatesConsumers(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "5-1", "dest", "oslo")
	f.do("XADD", "s", "5-2", "dest", "rome")
	f.do("XGROUP", "CREATE", "s", "hub", "$")
	steps := []struct {
		cmd, reply string
		dirty      int64
	}{
		{"XCLAIM s hub claimer 0 5-1", "*0\r\n", 1},
		{"XCLAIM s hub claimer 0 5-1", "*0\r\n", 0},
		{"XAUTOCLAIM s hub sweeper 0 0-0", "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", 1},
		{"XCLAIM s hub nobody x 5-1", "-ERR Invalid min-idle-time argument for XCLAIM\r\n", 0},
		{"XAUTOCLAIM s hub nobody 0 0-0 COUNT 0", "-ERR COUNT must be > 0\r\n", 0},
		// FORCE creates the record: two changes (consumer, claim).
		{"XCLAIM s hub forcer 0 5-2 FORCE JUSTID", "*1\r\n$3\r\n5-2\r\n", 2},
		// LASTID raising the cursor with nothing claimed is one change.
		{"XCLAIM s hub forcer 0 5-1 LASTID 6-0", "*0\r\n", 1},
		{"XCLAIM s hub forcer 0 5-2 LASTID 7-0 JUSTID", "*1\r\n$3\r\n5-2\r\n", 1},
	}
	for _, st := range steps {
		d := f.s.dirty
		if got := f.doBytes(args(st.cmd)); got != st.reply {
			t.Errorf("%s = %q, want %q", st.cmd, got, st.reply)
		}
		if got := f.s.dirty - d; got != st.dirty {
			t.Errorf("%s: dirty +%d, want +%d", st.cmd, got, st.dirty)
		}
	}
	var names []string
	for c := range f.group("s", "hub").Consumers() {
		names = append(names, c.Name())
	}
	if strings.Join(names, ",") != "claimer,forcer,sweeper" {
		t.Fatalf("consumers %v", names)
	}
}

// TestXClaimClocks: a failed XCLAIM resets idle (seen time) only; a claim
// sets active time too (REDIS74 §8).
func TestXClaimClocks(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "30-0", "to", "bob")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "postman", "STREAMS", "s", ">")
	f.do("XGROUP", "CREATECONSUMER", "s", "g", "quiet")
	quiet := f.group("s", "g").Consumer("quiet")
	quiet.SetSeenTime(1)
	f.do("XCLAIM", "s", "g", "quiet", "5000", "30-0")
	if quiet.SeenTime() == 1 || quiet.ActiveTime() != pel.NeverActive {
		t.Fatalf("after a failed claim: seen %d, active %d", quiet.SeenTime(), quiet.ActiveTime())
	}
	f.do("XAUTOCLAIM", "s", "g", "quiet", "0", "-")
	if quiet.ActiveTime() == pel.NeverActive || quiet.Len() != 1 {
		t.Fatalf("after a claim: active %d, pending %d", quiet.ActiveTime(), quiet.Len())
	}
}

// TestXClaimPersist checks the ops of XCLAIM and XAUTOCLAIM.
func TestXClaimPersist(t *testing.T) {
	rs := newRecordingStore()
	f := newFake(t, Options{Store: rs})
	for _, id := range []string{"1-1", "2-2", "3-3"} {
		f.do("XADD", "s", id, "f", "v")
	}
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
	f.do("XDEL", "s", "2-2")
	o := f.object("s")
	f.committed(rs)
	id1, id2, id3 := stream.ID{Ms: 1, Seq: 1}, stream.ID{Ms: 2, Seq: 2}, stream.ID{Ms: 3, Seq: 3}

	f.do("XCLAIM", "s", "g", "b", "0", "1-1", "2-2", "9-9", "RETRYCOUNT", "5", "LASTID", "4-4")
	want := []persist.Op{
		{Kind: persist.PendingPut, UID: o.UID, Group: "g", ID: id1, Consumer: "b", DeliveryCount: 5},
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: id2},
		{Kind: persist.ConsumerPut, UID: o.UID, Group: "g", Consumer: "b"},
		{Kind: persist.GroupPut, UID: o.UID, Group: "g", GroupLastID: stream.ID{Ms: 4, Seq: 4}, EntriesRead: 3},
	}
	if ops := f.committed(rs); !opsEqual(ops, want) {
		t.Fatalf("XCLAIM ops:\n got %+v\nwant %+v", ops, want)
	}

	f.do("XDEL", "s", "3-3")
	f.committed(rs)
	f.do("XAUTOCLAIM", "s", "g", "c", "0", "-")
	want = []persist.Op{
		{Kind: persist.PendingPut, UID: o.UID, Group: "g", ID: id1, Consumer: "c", DeliveryCount: 6},
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: id3},
		{Kind: persist.ConsumerPut, UID: o.UID, Group: "g", Consumer: "c"},
	}
	if ops := f.committed(rs); !opsEqual(ops, want) {
		t.Fatalf("XAUTOCLAIM ops:\n got %+v\nwant %+v", ops, want)
	}
}

var xclaimScripts = []xscript{
	{name: "xclaim errors", cmds: []xcase{
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1"}, "-NOGROUP No such key 's' or consumer group 'g'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "x", "1-1"}, "-NOGROUP No such key 's' or consumer group 'g'\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XCLAIM", "s", "nog", "c", "x", "1-1"}, "-NOGROUP No such key 's' or consumer group 'nog'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "x", "1-1"}, "-ERR Invalid min-idle-time argument for XCLAIM\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "1.5", "1-1"}, "-ERR Invalid min-idle-time argument for XCLAIM\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "bad"}, "-ERR Unrecognized XCLAIM option 'bad'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "bad"}, "-ERR Unrecognized XCLAIM option 'bad'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "IDLE"}, "-ERR Unrecognized XCLAIM option 'IDLE'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "idle", "x"}, "-ERR Invalid IDLE option argument for XCLAIM\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "TIME", "x"}, "-ERR Invalid TIME option argument for XCLAIM\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "RETRYCOUNT", "x"}, "-ERR Invalid RETRYCOUNT option argument for XCLAIM\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "FORCE", "2-2"}, "-ERR Unrecognized XCLAIM option '2-2'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "+", "JUSTID"}, "-ERR Unrecognized XCLAIM option '+'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "JUSTID", "TIME"}, "-ERR Unrecognized XCLAIM option 'TIME'\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0"}, "-ERR wrong number of arguments for 'xclaim' command\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "JUSTID", "IDLE", "x", "RETRYCOUNT", "y"}, "-ERR Invalid IDLE option argument for XCLAIM\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
	}},
	{name: "xclaim", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "d", "4"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n", "%1\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"XCLAIM", "s", "g", "bob", "3600000", "1-1"}, "*0\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "0", "1-1"}, "*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "-5", "2-2", "JUSTID"}, "*1\r\n$3\r\n2-2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "0", "1", "3-3", "9-9", "JUSTID"}, "*1\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*4\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$5\r\nalice\r\n:*\r\n:1\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "1-1", "JUSTID", "RETRYCOUNT", "7"}, "*1\r\n$3\r\n1-1\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "2-2", "RETRYCOUNT", "0", "TIME", "1000"}, "*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "3-3", "JUSTID", "RETRYCOUNT", "-5", "IDLE", "3600000"}, "*1\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*4\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:*\r\n:7\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:0\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$5\r\nalice\r\n:*\r\n:1\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "3000000", "1-1", "2-2", "3-3", "4-4", "JUSTID"}, "*2\r\n$3\r\n2-2\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3000000", "-", "+", "10"}, "*0\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "carol", "0", "2-2", "TIME", "99999999999999", "JUSTID"}, "*1\r\n$3\r\n2-2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "carol", "0", "3-3", "TIME", "-1", "JUSTID"}, "*1\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "carol", "0", "4-4", "IDLE", "-1", "JUSTID"}, "*1\r\n$3\r\n4-4\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "1000", "-", "+", "10"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n4-4\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n3\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1", "2-2", "3-3", "4-4"}, ":4\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "dave", "0", "1-1", "2-2"}, "*0\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "dave", "0", "1-1", "JUSTID", "FORCE"}, "*1\r\n$3\r\n1-1\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "dave", "0", "2-2", "FORCE"}, "*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "dave", "0", "3-3", "FORCE", "RETRYCOUNT", "5", "IDLE", "3600000", "JUSTID"}, "*1\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "dave", "3600000", "4-4", "FORCE", "JUSTID"}, "*1\r\n$3\r\n4-4\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "dave", "0", "9-9", "FORCE"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*4\r\n*4\r\n$3\r\n1-1\r\n$4\r\ndave\r\n:*\r\n:1\r\n*4\r\n$3\r\n2-2\r\n$4\r\ndave\r\n:*\r\n:2\r\n*4\r\n$3\r\n3-3\r\n$4\r\ndave\r\n:*\r\n:5\r\n*4\r\n$3\r\n4-4\r\n$4\r\ndave\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g", "IDLE", "3000000", "-", "+", "10"}, "*1\r\n*4\r\n$3\r\n3-3\r\n$4\r\ndave\r\n:*\r\n:5\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:4\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:4\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n"},
	}},
	{name: "xclaim deleted", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"XDEL", "s", "1-1", "2-2"}, ":2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "3600000", "1-1", "3-3"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:2\r\n$3\r\n2-2\r\n$3\r\n3-3\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "0", "2-2", "3-3", "FORCE"}, "*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*1\r\n*4\r\n$3\r\n3-3\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "bob", "0", "1-1", "FORCE"}, "*0\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:1\r\n$3\r\n3-3\r\n$3\r\n3-3\r\n*1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n", ""},
	}},
	{name: "xclaim lastid", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		// Redis 7.4 (REDIS74 §10): XCLAIM creates its consumer even when it claims nothing
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "2-2"}, "*0\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "1-1"}, "*0\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "5-5"}, "*0\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"},
	}},
	{name: "xautoclaim errors", cmds: []xcase{
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0"}, "-ERR wrong number of arguments for 'xautoclaim' command\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "x", "0"}, "-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"}, "-ERR COUNT must be > 0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "0"}, "-NOGROUP No such key 's' or consumer group 'g'\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "nog", "c", "0", "0"}, "-NOGROUP No such key 's' or consumer group 'nog'\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "x", "0"}, "-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "1.5", "0"}, "-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT", "0"}, "-ERR COUNT must be > 0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT", "-1"}, "-ERR COUNT must be > 0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT", "x"}, "-ERR COUNT must be > 0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT"}, "-ERR syntax error\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "FOO"}, "-ERR syntax error\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT", "1", "JUSTID", "extra"}, "-ERR syntax error\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "(18446744073709551615-18446744073709551615"}, "-ERR invalid start ID for the interval\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT", "576460752303423488"}, "-ERR COUNT must be > 0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "-", "COUNT", "9223372036854775807"}, "-ERR COUNT must be > 0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "(-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
	}},
	{name: "xautoclaim", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "d", "4"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XADD", "s", "5-5", "e", "5"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*5\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n", "%1\r\n$1\r\ns\r\n*5\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "3600000", "0"}, "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "2"}, "*3\r\n$3\r\n3-3\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "3-3", "COUNT", "2", "JUSTID"}, "*3\r\n$3\r\n5-5\r\n*2\r\n$3\r\n3-3\r\n$3\r\n4-4\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "5-5", "COUNT", "2", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n5-5\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "(4-4", "justid", "count", "1"}, "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n5-5\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "+", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "-", "JUSTID", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*5\r\n$3\r\n1-1\r\n$3\r\n2-2\r\n$3\r\n3-3\r\n$3\r\n4-4\r\n$3\r\n5-5\r\n*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*5\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n3-3\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n5-5\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "carol", "0", "-", "COUNT", "1"}, "*3\r\n$3\r\n2-2\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*5\r\n*4\r\n$3\r\n1-1\r\n$5\r\ncarol\r\n:*\r\n:3\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n3-3\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n4-4\r\n$3\r\nbob\r\n:*\r\n:1\r\n*4\r\n$3\r\n5-5\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "3-3", "JUSTID", "TIME", "1000"}, "*1\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "4-4", "JUSTID", "TIME", "1000"}, "*1\r\n$3\r\n4-4\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "carol", "3000000", "-", "COUNT", "1"}, "*3\r\n$3\r\n4-4\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "carol", "3000000", "-", "COUNT", "1", "JUSTID"}, "*3\r\n$3\r\n5-5\r\n*1\r\n$3\r\n4-4\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "carol", "3000000", "4-4", "COUNT", "2", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*5\r\n*4\r\n$3\r\n1-1\r\n$5\r\ncarol\r\n:*\r\n:3\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:2\r\n*4\r\n$3\r\n3-3\r\n$5\r\ncarol\r\n:*\r\n:2\r\n*4\r\n$3\r\n4-4\r\n$5\r\ncarol\r\n:*\r\n:1\r\n*4\r\n$3\r\n5-5\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:5\r\n$3\r\n1-1\r\n$3\r\n5-5\r\n*2\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n*2\r\n$5\r\ncarol\r\n$1\r\n3\r\n", ""},
	}},
	{name: "xautoclaim deleted", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "d", "4"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XADD", "s", "5-5", "e", "5"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*5\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n", "%1\r\n$1\r\ns\r\n*5\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"},
		{[]string{"XDEL", "s", "1-1", "3-3", "4-4"}, ":3\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "-", "COUNT", "1"}, "*3\r\n$3\r\n2-2\r\n*0\r\n*1\r\n$3\r\n1-1\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "-", "COUNT", "2"}, "*3\r\n$3\r\n4-4\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "0", "-", "COUNT", "10"}, "*3\r\n$3\r\n0-0\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n*1\r\n$3\r\n4-4\r\n", ""},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:3\r\n*4\r\n$3\r\n5-5\r\n$3\r\nbob\r\n:*\r\n:2\r\n", ""},
		{[]string{"XADD", "s", "6-6", "f", "6"}, "$3\r\n6-6\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n"},
		{[]string{"XDEL", "s", "2-2", "5-5", "6-6"}, ":3\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "3600000", "-", "COUNT", "10", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*0\r\n*3\r\n$3\r\n2-2\r\n$3\r\n5-5\r\n$3\r\n6-6\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
	}},
	{name: "xautoclaim attempts", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "d", "4"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XADD", "s", "5-5", "e", "5"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XADD", "s", "6-6", "f", "6"}, "$3\r\n6-6\r\n", ""},
		{[]string{"XADD", "s", "7-7", "g", "7"}, "$3\r\n7-7\r\n", ""},
		{[]string{"XADD", "s", "8-8", "h", "8"}, "$3\r\n8-8\r\n", ""},
		{[]string{"XADD", "s", "9-9", "i", "9"}, "$3\r\n9-9\r\n", ""},
		{[]string{"XADD", "s", "10-10", "j", "10"}, "$5\r\n10-10\r\n", ""},
		{[]string{"XADD", "s", "11-11", "k", "11"}, "$5\r\n11-11\r\n", ""},
		{[]string{"XADD", "s", "12-12", "l", "12"}, "$5\r\n12-12\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*12\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n*2\r\n$3\r\n7-7\r\n*2\r\n$1\r\ng\r\n$1\r\n7\r\n*2\r\n$3\r\n8-8\r\n*2\r\n$1\r\nh\r\n$1\r\n8\r\n*2\r\n$3\r\n9-9\r\n*2\r\n$1\r\ni\r\n$1\r\n9\r\n*2\r\n$5\r\n10-10\r\n*2\r\n$1\r\nj\r\n$2\r\n10\r\n*2\r\n$5\r\n11-11\r\n*2\r\n$1\r\nk\r\n$2\r\n11\r\n*2\r\n$5\r\n12-12\r\n*2\r\n$1\r\nl\r\n$2\r\n12\r\n", "%1\r\n$1\r\ns\r\n*12\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n*2\r\n$3\r\n7-7\r\n*2\r\n$1\r\ng\r\n$1\r\n7\r\n*2\r\n$3\r\n8-8\r\n*2\r\n$1\r\nh\r\n$1\r\n8\r\n*2\r\n$3\r\n9-9\r\n*2\r\n$1\r\ni\r\n$1\r\n9\r\n*2\r\n$5\r\n10-10\r\n*2\r\n$1\r\nj\r\n$2\r\n10\r\n*2\r\n$5\r\n11-11\r\n*2\r\n$1\r\nk\r\n$2\r\n11\r\n*2\r\n$5\r\n12-12\r\n*2\r\n$1\r\nl\r\n$2\r\n12\r\n"},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "12-12", "JUSTID", "TIME", "1000"}, "*1\r\n$5\r\n12-12\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "3000000", "-", "COUNT", "1", "JUSTID"}, "*3\r\n$5\r\n11-11\r\n*0\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "3000000", "11-11", "COUNT", "1", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*1\r\n$5\r\n12-12\r\n*0\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "11-11", "JUSTID", "TIME", "1000"}, "*1\r\n$5\r\n11-11\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "3000000", "-", "COUNT", "2", "JUSTID"}, "*3\r\n$3\r\n0-0\r\n*1\r\n$5\r\n11-11\r\n*0\r\n", ""},
		{[]string{"XAUTOCLAIM", "s", "g", "bob", "3000000", "-", "COUNT", "1", "JUSTID"}, "*3\r\n$5\r\n11-11\r\n*0\r\n*0\r\n", ""},
	}},
}
