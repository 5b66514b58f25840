package commands

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func TestXReadGroupParse(t *testing.T) {
	const now = 1000
	b := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i, x := range s {
			out[i] = []byte(x)
		}
		return out
	}
	tests := []struct {
		in   string
		want xreadgroupArgs
		err  error
	}{
		{in: "XREADGROUP GROUP g c STREAMS s >",
			want: xreadgroupArgs{Group: []byte("g"), Consumer: []byte("c"), Keys: b("s"), IDs: b(">")}},
		{in: "XREADGROUP GROUP g c COUNT 5 BLOCK 100 NOACK STREAMS a b > 0",
			want: xreadgroupArgs{Group: []byte("g"), Consumer: []byte("c"), Count: 5, NoAck: true, Block: true,
				Deadline: time.UnixMilli(now + 100), Keys: b("a", "b"), IDs: b(">", "0")}},
		{in: "xreadgroup count -3 block 0 group g c streams s 1-1",
			want: xreadgroupArgs{Group: []byte("g"), Consumer: []byte("c"), Block: true, Keys: b("s"), IDs: b("1-1")}},
		// The last GROUP wins; STREAMS ends the options, even "streams" as a key.
		{in: "XREADGROUP GROUP a b GROUP g c STREAMS streams >",
			want: xreadgroupArgs{Group: []byte("g"), Consumer: []byte("c"), Keys: b("streams"), IDs: b(">")}},
		{in: "XREADGROUP GROUP streams c STREAMS s $",
			want: xreadgroupArgs{Group: []byte("streams"), Consumer: []byte("c"), Keys: b("s"), IDs: b("$")}},
		{in: "XREADGROUP GROUP g c STREAMS s s >", err: errUnbalancedStreams("xreadgroup", '>')},
		{in: "XREADGROUP GROUP g c COUNT x STREAMS s >", err: ErrNotInteger},
		{in: "XREADGROUP GROUP g c BLOCK -1 STREAMS s >", err: ErrTimeoutNegative},
		{in: "XREADGROUP GROUP g c BLOCK 1.5 STREAMS s >", err: ErrTimeoutNotInt},
		{in: "XREADGROUP GROUP g c BLOCK 9223372036854775807 STREAMS s >", err: ErrTimeoutRange},
		{in: "XREADGROUP GROUP g c FOO STREAMS s >", err: ErrSyntax},
		{in: "XREADGROUP GROUP g c COUNT 1 STREAMS", err: ErrSyntax},
		{in: "XREADGROUP GROUP g c COUNT 1 NOACK", err: ErrSyntax},
		{in: "XREADGROUP COUNT 1 BLOCK 1 STREAMS s >", err: ErrXReadGroupNoGroup},
		// GROUP needs two arguments after it.
		{in: "XREADGROUP NOACK COUNT 1 GROUP g", err: ErrSyntax},
	}
	for _, tt := range tests {
		got, err := parseXReadGroup(args(tt.in), now)
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func TestXReadGroupKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"XREADGROUP GROUP g c STREAMS s >", []int{5}},
		{"XREADGROUP GROUP streams c COUNT 1 BLOCK 0 NOACK STREAMS a b > >", []int{10, 11}},
		{"XREADGROUP GROUP g streams STREAMS streams streams > >", []int{5, 6}},
		{"XREADGROUP GROUP g c STREAMS s s >", nil},
		{"XREADGROUP GROUP g c FOO STREAMS s >", nil},
		{"XREADGROUP GROUP g c STREAMS", nil},
	}
	for _, tt := range tests {
		if got := xreadgroupKeys(args(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: keys %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestXReadGroupExec(t *testing.T) { runGroupScripts(t, xreadgroupScripts) }

// TestXReadGroupCreatesConsumers: Redis 7.4 creates the consumer of every
// XREADGROUP that gets past its checks, even one that reads nothing, and
// counts the creation as a change (REDIS74 §10, §12).
func TestXReadGroupCreatesConsumers(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "5-1", "dest", "oslo")
	f.do("XADD", "s", "5-2", "dest", "rome")
	f.do("XGROUP", "CREATE", "s", "hub", "$")
	steps := []struct {
		cmd, reply string
		dirty      int64
	}{
		{"XREADGROUP GROUP hub reader STREAMS s >", "*-1\r\n", 1},
		{"XREADGROUP GROUP hub reader STREAMS s >", "*-1\r\n", 0},
		{"XREADGROUP GROUP hub historian STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", 1},
		{"XREADGROUP GROUP hub multi STREAMS s s 0 >", "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", 1},
		{"XREADGROUP GROUP nohub ghost STREAMS s >", "-NOGROUP No such key 's' or consumer group 'nohub' in XREADGROUP with GROUP option\r\n", 0},
		{"XREADGROUP GROUP hub ghost STREAMS s bad", "-ERR Invalid stream ID specified as stream command argument\r\n", 0},
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
	g := f.group("s", "hub")
	var names []string
	for c := range g.Consumers() {
		names = append(names, c.Name())
		if c.Len() != 0 || c.ActiveTime() != pel.NeverActive || c.SeenTime() == 0 {
			t.Errorf("consumer %s: pending %d, active %d, seen %d", c.Name(), c.Len(), c.ActiveTime(), c.SeenTime())
		}
	}
	if strings.Join(names, ",") != "historian,multi,reader" {
		t.Fatalf("consumers %v", names)
	}
}

// TestXReadGroupDirty follows REDIS74 §12: history reads are not changes,
// a delivery is one per stream served, a new consumer is one.
func TestXReadGroupDirty(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "3-0", "sku", "a1")
	f.do("XADD", "s", "3-1", "sku", "a2")
	f.do("XADD", "t", "3-0", "sku", "b1")
	f.do("XGROUP", "CREATE", "s", "dock", "0")
	f.do("XGROUP", "CREATE", "t", "dock", "0")
	steps := []struct {
		cmd   string
		dirty int64
	}{
		{"XREADGROUP GROUP dock fork COUNT 2 STREAMS s >", 2},
		{"XREADGROUP GROUP dock fork STREAMS s 0", 0},
		{"XREADGROUP GROUP dock fork NOACK STREAMS s 0", 0},
		{"XREADGROUP GROUP dock crane STREAMS s >", 1},
		{"XREADGROUP GROUP dock crane STREAMS s 0", 0},
		{"XGROUP SETID s dock 0", 1},
		// Two streams served: one change each, plus the consumer of t.
		{"XREADGROUP GROUP dock fork NOACK STREAMS s t > >", 3},
	}
	for _, st := range steps {
		d := f.s.dirty
		f.doBytes(args(st.cmd))
		if got := f.s.dirty - d; got != st.dirty {
			t.Errorf("%s: dirty +%d, want +%d", st.cmd, got, st.dirty)
		}
	}
}

// TestXReadGroupClocks follows REDIS74 §8: every read sets the consumer's
// seen time; only a delivery into its PEL sets its active time.
func TestXReadGroupClocks(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "30-0", "to", "bob")
	f.do("XGROUP", "CREATE", "s", "sorting", "0")
	f.do("XREADGROUP", "GROUP", "sorting", "postman", "STREAMS", "s", ">")
	f.do("XADD", "s", "31-0", "to", "amy")
	f.do("XREADGROUP", "GROUP", "sorting", "quiet", "NOACK", "STREAMS", "s", ">")
	g := f.group("s", "sorting")
	postman, quiet := g.Consumer("postman"), g.Consumer("quiet")
	if postman.ActiveTime() == pel.NeverActive || quiet.ActiveTime() != pel.NeverActive {
		t.Fatalf("active times %d, %d", postman.ActiveTime(), quiet.ActiveTime())
	}
	// Move the clocks back to tell which command sets what.
	postman.SetSeenTime(1)
	quiet.SetSeenTime(1)
	active := postman.ActiveTime()
	f.do("XREADGROUP", "GROUP", "sorting", "postman", "STREAMS", "s", ">")
	f.do("XREADGROUP", "GROUP", "sorting", "quiet", "STREAMS", "s", "0")
	if postman.SeenTime() == 1 || quiet.SeenTime() == 1 {
		t.Fatalf("seen times not set by empty and history reads: %d, %d", postman.SeenTime(), quiet.SeenTime())
	}
	if postman.ActiveTime() != active || quiet.ActiveTime() != pel.NeverActive {
		t.Fatalf("active times changed by reads that added nothing: %d, %d", postman.ActiveTime(), quiet.ActiveTime())
	}
	postman.SetSeenTime(1)
	f.do("XREADGROUP", "GROUP", "sorting", "postman", "STREAMS", "s", "0")
	if postman.ActiveTime() != active || postman.SeenTime() == 1 {
		t.Fatalf("history read: active %d (was %d), seen %d", postman.ActiveTime(), active, postman.SeenTime())
	}
}

// TestXReadGroupPersist checks the ops of deliveries and history reads.
func TestXReadGroupPersist(t *testing.T) {
	rs := newRecordingStore()
	f := newFake(t, Options{Store: rs})
	f.do("XADD", "s", "1-1", "f", "v")
	f.do("XADD", "s", "2-2", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	o := f.object("s")
	f.committed(rs)
	id1, id2 := stream.ID{Ms: 1, Seq: 1}, stream.ID{Ms: 2, Seq: 2}

	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	want := []persist.Op{
		{Kind: persist.PendingPut, UID: o.UID, Group: "g", ID: id1, Consumer: "c", DeliveryCount: 1},
		{Kind: persist.PendingPut, UID: o.UID, Group: "g", ID: id2, Consumer: "c", DeliveryCount: 1},
		{Kind: persist.GroupPut, UID: o.UID, Group: "g", GroupLastID: id2, EntriesRead: 2},
		{Kind: persist.ConsumerPut, UID: o.UID, Group: "g", Consumer: "c"},
	}
	ops := f.committed(rs)
	if !opsEqual(ops, want) {
		t.Fatalf("'>' read ops:\n got %+v\nwant %+v", ops, want)
	}
	if ops[3].SeenTime == 0 || ops[3].ActiveTime != ops[3].SeenTime || ops[0].DeliveryTime != ops[3].SeenTime {
		t.Fatalf("consumer clocks %+v, delivery time %d", ops[3], ops[0].DeliveryTime)
	}

	f.do("XDEL", "s", "1-1")
	f.committed(rs)
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0")
	// The deleted entry's record is left alone; the live one is delivered
	// again.
	want = []persist.Op{
		{Kind: persist.PendingPut, UID: o.UID, Group: "g", ID: id2, Consumer: "c", DeliveryCount: 2},
		{Kind: persist.ConsumerPut, UID: o.UID, Group: "g", Consumer: "c"},
	}
	if ops := f.committed(rs); !opsEqual(ops, want) {
		t.Fatalf("history read ops:\n got %+v\nwant %+v", ops, want)
	}

	f.do("XADD", "s", "3-3", "f", "v")
	f.committed(rs)
	f.do("XREADGROUP", "GROUP", "g", "n", "NOACK", "STREAMS", "s", ">")
	// NOACK: the cursor moves, nothing becomes pending. The counter cannot
	// be estimated past the deleted entry, but 3-3 is the last ID.
	want = []persist.Op{
		{Kind: persist.GroupPut, UID: o.UID, Group: "g", GroupLastID: stream.ID{Ms: 3, Seq: 3}, EntriesRead: 3},
		{Kind: persist.ConsumerPut, UID: o.UID, Group: "g", Consumer: "n"},
	}
	if ops := f.committed(rs); !opsEqual(ops, want) {
		t.Fatalf("NOACK read ops:\n got %+v\nwant %+v", ops, want)
	}
}

// TestXReadGroupMulti: inside MULTI nothing blocks; the read answers the
// timeout's null at once (after creating its consumer).
func TestXReadGroupMulti(t *testing.T) {
	f := newGroupFake(t)
	f.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	f.do("MULTI")
	f.do("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
	f.do("XADD", "s", "1-1", "f", "v")
	f.do("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
	f.do("XACK", "s", "g", "1-1")
	want := "*4\r\n*-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n:1\r\n"
	if got := f.do("EXEC"); got != want {
		t.Fatalf("EXEC = %q, want %q", got, want)
	}
	if g := f.group("s", "g"); g.Len() != 0 || g.Consumer("c") == nil {
		t.Fatalf("pending %d, consumer %v", g.Len(), g.Consumer("c"))
	}
}

var xreadgroupScripts = []xscript{
	{name: "xreadgroup errors", cmds: []xcase{
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"}, "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"}, "-NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"}, "-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.\r\n", ""},
		// Redis 7.4 (REDIS74 §2): "+" has its own error, after the group check
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"}, "-ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", "+"}, "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n", ""},
		// Redis 7.4 (REDIS74 §3): the unbalanced error names the command and '>'
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s", ">"}, "-ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s", ">", ">", ">"}, "-ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", "$"}, "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "(0"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0-*"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "nokey", "bad", ">"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "nokey", ">", "bad"}, "-NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "nokey", "$", ">"}, "-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "s", ">"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "-1", "STREAMS", "s", ">"}, "-ERR timeout is negative\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "x", "STREAMS", "s", ">"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "9223372036854775808", "STREAMS", "s", ">"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREADGROUP", "COUNT", "1", "BLOCK", "1", "STREAMS", "s", ">"}, "-ERR Missing GROUP option for XREADGROUP\r\n", ""},
		{[]string{"XREADGROUP", "COUNT", "1", "NOACK", "NOACK", "STREAMS", "s", ">"}, "-ERR Missing GROUP option for XREADGROUP\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "NOACK"}, "-ERR wrong number of arguments for 'xreadgroup' command\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "NOACK"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c"}, "-ERR wrong number of arguments for 'xreadgroup' command\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "STREAMS", "s", ">"}, "-ERR wrong number of arguments for 'xreadgroup' command\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n"},
	}},
	{name: "xreadgroup deliver", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3", "d", "4"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "COUNT", "0", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "-5", "STREAMS", "s", ">"}, "*-1\r\n", "_\r\n"},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n3-3\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "2-2"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", "0-0"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "3-3"}, "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", "%1\r\n$1\r\ns\r\n*0\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "1"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*3\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:*\r\n:2\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$3\r\nbob\r\n:*\r\n:4\r\n", ""},
		{[]string{"XADD", "s", "4-4", "e", "5"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XREADGROUP", "group", "g", "carol", "noack", "count", "5", "streams", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n3-3\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", "%1\r\n$1\r\ns\r\n*0\r\n"},
		{[]string{"XADD", "s", "5-5", "f", "6"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "dave", "STREAMS", "s", "18446744073709551615-18446744073709551615"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "dave", "STREAMS", "s", "18446744073709551615-18446744073709551614"}, "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", "%1\r\n$1\r\ns\r\n*0\r\n"},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n5-5\r\n*3\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n*2\r\n$4\r\ndave\r\n$1\r\n1\r\n", ""},
	}},
	{name: "xreadgroup deleted history", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "b", "2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "c", "3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"XDEL", "s", "2-2"}, ":1\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*-1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n_\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n*-1\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-2\r\n_\r\n"},
		{[]string{"XTRIM", "s", "MAXLEN", "0"}, ":2\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*-1\r\n*2\r\n$3\r\n2-2\r\n*-1\r\n*2\r\n$3\r\n3-3\r\n*-1\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n_\r\n*2\r\n$3\r\n2-2\r\n_\r\n*2\r\n$3\r\n3-3\r\n_\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*3\r\n*4\r\n$3\r\n1-1\r\n$1\r\nc\r\n:*\r\n:3\r\n*4\r\n$3\r\n2-2\r\n$1\r\nc\r\n:*\r\n:1\r\n*4\r\n$3\r\n3-3\r\n$1\r\nc\r\n:*\r\n:2\r\n", ""},
		{[]string{"XACK", "s", "g", "1-1", "3-3"}, ":2\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*-1\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n_\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*1\r\n*4\r\n$3\r\n2-2\r\n$1\r\nc\r\n:*\r\n:1\r\n", ""},
	}},
	{name: "xreadgroup two streams", cmds: []xcase{
		{[]string{"XADD", "a", "1-1", "f", "a1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "b", "1-1", "f", "b1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "b", "2-2", "f", "b2"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XGROUP", "CREATE", "a", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "b", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "a", "b", ">", ">"}, "*2\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\na1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\nb1\r\n", "%2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\na1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\nb1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">"}, "*1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$2\r\nb2\r\n", "%1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$2\r\nb2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", "0", ">"}, "*1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\na1\r\n", "%1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\na1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "b", "a", ">", "0"}, "*1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\na1\r\n", "%1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\na1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "b", "b", "0", "0"}, "*2\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\nb1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\nb1\r\n", "%2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\nb1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$2\r\nb1\r\n"},
		{[]string{"XADD", "b", "3-3", "f", "b3"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "b", "4-4", "f", "b4"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "b", "b", ">", ">"}, "*2\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$2\r\nb3\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$2\r\nb4\r\n", "%2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$2\r\nb3\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$2\r\nb4\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "b", "b", ">", ">"}, "*-1\r\n", "_\r\n"},
		{[]string{"XADD", "b", "5-5", "f", "b5"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "b", "b", ">", ">"}, "*1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$2\r\nb5\r\n", "%1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$2\r\nb5\r\n"},
	}},
	{name: "xreadgroup setid back", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:*\r\n:3\r\n*4\r\n$3\r\n2-2\r\n$5\r\nalice\r\n:*\r\n:3\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "1-1"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:*\r\n:3\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-2\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XGROUP", "SETID", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:*\r\n:3\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:1\r\n", ""},
	}},
}
