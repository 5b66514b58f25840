package commands

import (
	"testing"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/stream"
)

// TestLagExec runs entries-read and lag through every command that moves
// them, as recorded from redis-server.
func TestLagExec(t *testing.T) { runGroupScripts(t, lagScripts) }

// lagStream builds a stream with entries 1-0 .. n-0, the given ones
// deleted afterwards.
func lagStream(n int, deleted ...uint64) *stream.Stream {
	s := stream.New(stream.Config{})
	for i := 1; i <= n; i++ {
		s.Append(stream.ID{Ms: uint64(i)}, [][]byte{[]byte("f"), []byte("v")})
	}
	for _, d := range deleted {
		id := stream.ID{Ms: d}
		s.Delete(id)
		if s.MaxDeletedID().Less(id) {
			s.SetMaxDeletedID(id)
		}
	}
	return s
}

func TestEstimateEntriesRead(t *testing.T) {
	id := func(ms uint64) stream.ID { return stream.ID{Ms: ms} }
	unknown := int64(pel.UnknownEntriesRead)
	tests := []struct {
		name string
		s    *stream.Stream
		id   stream.ID
		want int64
	}{
		{"never used", lagStream(0), id(5), 0},
		{"last ID", lagStream(4), id(4), 4},
		{"future", lagStream(4), id(5), unknown},
		{"before first", lagStream(4), id(0), 0},
		{"first", lagStream(4), id(1), 1},
		{"middle", lagStream(4), id(2), unknown},
		{"first after a prefix deletion", lagStream(4, 1), id(2), 2},
		{"before first after a prefix deletion", lagStream(4, 1), id(1), 1},
		{"deletion in the middle", lagStream(4, 3), id(1), unknown},
		{"deletion in the middle, last ID", lagStream(4, 3), id(4), 4},
		{"empty stream, below last", lagStream(2, 1, 2), id(1), 2},
		{"empty stream, future", lagStream(2, 1, 2), id(3), unknown},
	}
	for _, tt := range tests {
		if got := estimateEntriesRead(tt.s, tt.id); got != tt.want {
			t.Errorf("%s: estimate(%v) = %d, want %d", tt.name, tt.id, got, tt.want)
		}
	}
}

func TestRangeHasTombstones(t *testing.T) {
	id := func(ms uint64) stream.ID { return stream.ID{Ms: ms} }
	tests := []struct {
		name  string
		s     *stream.Stream
		start stream.ID
		want  bool
	}{
		{"no deletions", lagStream(4), id(0), false},
		{"deletion after start", lagStream(4, 3), id(2), true},
		{"deletion at start", lagStream(4, 3), id(3), true},
		{"deletion before start", lagStream(4, 3), id(4), false},
		// Only deletions before the first entry: none in the live range.
		{"prefix deletion", lagStream(4, 1), id(0), false},
		{"empty stream", lagStream(2, 1, 2), id(0), false},
	}
	for _, tt := range tests {
		if got := rangeHasTombstones(tt.s, tt.start); got != tt.want {
			t.Errorf("%s: rangeHasTombstones(%v) = %v, want %v", tt.name, tt.start, got, tt.want)
		}
	}
}

var lagScripts = []xscript{
	{name: "lag new groups", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "f", "v"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "at0", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "atfirst", "1-1"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "atmid", "2-2"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "atlast", "$"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "future", "9-9"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "given", "2-2", "ENTRIESREAD", "2"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "wrong", "2-2", "ENTRIESREAD", "10"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*7\r\n*12\r\n$4\r\nname\r\n$3\r\nat0\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:4\r\n*12\r\n$4\r\nname\r\n$7\r\natfirst\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$6\r\natlast\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$5\r\natmid\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$6\r\nfuture\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n9-9\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$5\r\ngiven\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$5\r\nwrong\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:10\r\n$3\r\nlag\r\n:-6\r\n", "*7\r\n%6\r\n$4\r\nname\r\n$3\r\nat0\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:4\r\n%6\r\n$4\r\nname\r\n$7\r\natfirst\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:3\r\n%6\r\n$4\r\nname\r\n$6\r\natlast\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$5\r\natmid\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$6\r\nfuture\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n9-9\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$5\r\ngiven\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:2\r\n%6\r\n$4\r\nname\r\n$5\r\nwrong\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:10\r\n$3\r\nlag\r\n:-6\r\n"},
	}},
	{name: "lag reads", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:3\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:3\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XADD", "s", "4-4", "f", "v"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n"},
	}},
	{name: "lag xdel ahead", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "f", "v"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XDEL", "s", "3-3"}, ":1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XADD", "s", "5-5", "f", "v"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n"},
	}},
	{name: "lag xdel behind", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "f", "v"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XDEL", "s", "1-1"}, ":1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XDEL", "s", "3-3"}, ":1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XDEL", "s", "2-2"}, ":1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n"},
	}},
	{name: "lag xdel first then create", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XDEL", "s", "1-1"}, ":1\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "h", "2-2"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "k", "1-1"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "e", "0", "ENTRIESREAD", "0"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*4\r\n*12\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n", "*4\r\n%6\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "e", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*4\r\n*12\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n", "*4\r\n%6\r\n$4\r\nname\r\n$1\r\ne\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n"},
	}},
	{name: "lag xtrim", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XADD", "s", "4-4", "f", "v"}, "$3\r\n4-4\r\n", ""},
		{[]string{"XADD", "s", "5-5", "f", "v"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XTRIM", "s", "MAXLEN", "2"}, ":3\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:4\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:5\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:4\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:5\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "h", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-4\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:4\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:3\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:4\r\n"},
		{[]string{"XADD", "s", "MAXLEN", "1", "6-6", "f", "v"}, "$3\r\n6-6\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:4\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:5\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:4\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:5\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:5\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:3\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:5\r\n"},
		{[]string{"XTRIM", "s", "MINID", "99"}, ":1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:5\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:3\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-4\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:5\r\n"},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n6-6\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:6\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n", "%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n6-6\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:6\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n"},
	}},
	{name: "lag empty stream", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "h", "1-1"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "k", "2-2", "ENTRIESREAD", "1"}, "+OK\r\n", ""},
		{[]string{"XDEL", "s", "1-1", "2-2"}, ":2\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*3\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n", "*3\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XGROUP", "CREATE", "s", "j", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "f", "5-5"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*5\r\n*12\r\n$4\r\nname\r\n$1\r\nf\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n", "*5\r\n%6\r\n$4\r\nname\r\n$1\r\nf\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*5\r\n*12\r\n$4\r\nname\r\n$1\r\nf\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n", "*5\r\n%6\r\n$4\r\nname\r\n$1\r\nf\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "f", "c", "STREAMS", "s", ">"}, "*-1\r\n", "_\r\n"},
		// Redis 7.4 (REDIS74 §10): the empty read created f's consumer
		{[]string{"XINFO", "GROUPS", "s"}, "*5\r\n*12\r\n$4\r\nname\r\n$1\r\nf\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n", "*5\r\n%6\r\n$4\r\nname\r\n$1\r\nf\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n"},
	}},
	{name: "lag xsetid", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "h", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "h", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XSETID", "s", "3-3", "ENTRIESADDED", "10"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:7\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:9\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:7\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:9\r\n"},
		{[]string{"XSETID", "s", "5-5"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:7\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:9\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:7\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:9\r\n"},
		{[]string{"XADD", "s", "6-6", "f", "v"}, "$3\r\n6-6\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:8\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:10\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:8\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:10\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:7\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:10\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:7\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:10\r\n"},
		{[]string{"XSETID", "s", "7-7", "MAXDELETEDID", "6-6"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "h", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n6-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n6-6\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
	}},
	{name: "lag setid entriesread", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "SETID", "s", "g", "2-2", "ENTRIESREAD", "2"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n"},
		{[]string{"XGROUP", "SETID", "s", "g", "2-2", "ENTRIESREAD", "0"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n"},
		{[]string{"XGROUP", "SETID", "s", "g", "2-2"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XGROUP", "SETID", "s", "g", "$"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XGROUP", "SETID", "s", "g", "1-1", "ENTRIESREAD", "-1"}, "+OK\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "0"}, "+OK\r\n", ""},
		{[]string{"XDEL", "s", "2-2"}, ":1\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"},
	}},
	{name: "lag xclaim lastid", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "2-2", "JUSTID"}, "*1\r\n$3\r\n1-1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n", "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n"},
	}},
	{name: "lag full", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "1-1"}, "+OK\r\n", ""},
		{[]string{"XDEL", "s", "3-3"}, ":1\r\n", ""},
		{[]string{"XINFO", "STREAM", "s", "FULL"}, "*18\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-3\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-3\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*1\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"},
	}},
}
