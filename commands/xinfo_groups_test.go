package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestXInfoGroupsExec(t *testing.T) { runGroupScripts(t, xinfoGroupsScripts) }

// TestXInfoConsumers checks Redis 7.4's reply (REDIS74 §8): four fields
// per consumer, inactive -1 for a consumer that never had an entry added.
func TestXInfoConsumers(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "jobs", "1-0", "task", "paint")
	f.do("XGROUP", "CREATE", "jobs", "crew", "0")
	f.do("XGROUP", "CREATECONSUMER", "jobs", "crew", "idler")
	f.do("XREADGROUP", "GROUP", "crew", "eager", "COUNT", "1", "STREAMS", "jobs", ">")
	want2 := "*2\r\n" +
		"*8\r\n$4\r\nname\r\n$5\r\neager\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:*\r\n$8\r\ninactive\r\n:*\r\n" +
		"*8\r\n$4\r\nname\r\n$5\r\nidler\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:*\r\n$8\r\ninactive\r\n:-1\r\n"
	if got := f.do("XINFO", "CONSUMERS", "jobs", "crew"); !matchReply(want2, got) {
		t.Fatalf("RESP2:\n got %q\nwant %q", got, want2)
	}
	f.proto(3)
	want3 := strings.ReplaceAll(want2, "*8\r\n", "%4\r\n")
	if got := f.do("XINFO", "CONSUMERS", "jobs", "crew"); !matchReply(want3, got) {
		t.Fatalf("RESP3:\n got %q\nwant %q", got, want3)
	}

	// idle counts from the seen time, inactive from the active time.
	g := f.group("jobs", "crew")
	eager := g.Consumer("eager")
	now := time.Now().UnixMilli()
	eager.SetSeenTime(now - 1000000)
	f.proto(2)
	ints := replyInts(f.do("XINFO", "CONSUMERS", "jobs", "crew"))
	// name's, pending, idle, inactive of each consumer: pending, idle,
	// inactive are the integers.
	if len(ints) != 6 {
		t.Fatalf("integers %v", ints)
	}
	// The server reads a cached clock, which may trail the test's by a
	// few milliseconds.
	if ints[1] < 1000000-100 || ints[1] > 1000000+60000 {
		t.Fatalf("eager idle %d, want about 1000000", ints[1])
	}
	if ints[2] < 0 || ints[2] > 60000 {
		t.Fatalf("eager inactive %d, want small", ints[2])
	}
	if ints[5] != -1 {
		t.Fatalf("idler inactive %d, want -1", ints[5])
	}
	// A future seen time gives idle 0, not a negative.
	eager.SetSeenTime(now + 1000000)
	if ints := replyInts(f.do("XINFO", "CONSUMERS", "jobs", "crew")); ints[1] != 0 {
		t.Fatalf("idle with a future seen time = %d", ints[1])
	}
}

// replyInts returns the RESP integers of a reply, in order.
func replyInts(r string) []int64 {
	var out []int64
	for _, l := range strings.Split(r, "\r\n") {
		if strings.HasPrefix(l, ":") {
			n, _ := strconv.ParseInt(l[1:], 10, 64)
			out = append(out, n)
		}
	}
	return out
}

// TestXInfoStreamFullNeverActive: FULL gives active-time -1 for a consumer
// that never had an entry added (REDIS74 §9), in a 5-field consumer.
func TestXInfoStreamFullNeverActive(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "jobs", "1-0", "task", "paint")
	f.do("XGROUP", "CREATE", "jobs", "crew", "0")
	f.do("XGROUP", "CREATECONSUMER", "jobs", "crew", "idler")
	got := f.do("XINFO", "STREAM", "jobs", "FULL")
	want := "$9\r\nconsumers\r\n*1\r\n*10\r\n$4\r\nname\r\n$5\r\nidler\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:-1\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n"
	i := strings.Index(got, "$9\r\nconsumers\r\n")
	if i < 0 || !matchReply(want, got[i:]) {
		t.Fatalf("FULL = %q", got)
	}
}

// TestXInfoStreamFullCountCap: COUNT cuts each PEL listing, not the counts.
func TestXInfoStreamFullCountCap(t *testing.T) {
	f := newGroupFake(t)
	for i := 1; i <= 30; i++ {
		f.do("XADD", "s", strconv.Itoa(i)+"-0", "n", strconv.Itoa(i))
	}
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	got := f.do("XINFO", "STREAM", "s", "FULL")
	if !strings.Contains(got, "$9\r\npel-count\r\n:30\r\n$7\r\npending\r\n*10\r\n") {
		t.Fatalf("default COUNT 10 not applied to the group PEL: %q", got)
	}
	if strings.Count(got, "$9\r\npel-count\r\n:30\r\n$7\r\npending\r\n*10\r\n") != 2 {
		t.Fatalf("default COUNT 10 not applied to the consumer PEL: %q", got)
	}
	got = f.do("XINFO", "STREAM", "s", "FULL", "COUNT", "0")
	if strings.Count(got, "$9\r\npel-count\r\n:30\r\n$7\r\npending\r\n*30\r\n") != 2 {
		t.Fatalf("COUNT 0 does not list everything: %q", got)
	}
}

var xinfoGroupsScripts = []xscript{
	{name: "xinfo groups consumers errors", cmds: []xcase{
		{[]string{"XINFO", "GROUPS", "s"}, "-ERR no such key\r\n", ""},
		{[]string{"XINFO", "CONSUMERS", "s", "g"}, "-ERR no such key\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s"}, "*0\r\n", ""},
		{[]string{"XINFO", "CONSUMERS", "s", "g"}, "-NOGROUP No such consumer group 'g' for key name 's'\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XINFO", "CONSUMERS", "s", "nog"}, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n", ""},
		{[]string{"XINFO", "CONSUMERS", "s", "g"}, "*0\r\n", ""},
		{[]string{"XINFO", "GROUPS"}, "-ERR wrong number of arguments for 'xinfo|groups' command\r\n", ""},
		{[]string{"XINFO", "GROUPS", "s", "x"}, "-ERR wrong number of arguments for 'xinfo|groups' command\r\n", ""},
		{[]string{"XINFO", "CONSUMERS", "s"}, "-ERR wrong number of arguments for 'xinfo|consumers' command\r\n", ""},
		{[]string{"XINFO", "CONSUMERS", "s", "g", "x"}, "-ERR wrong number of arguments for 'xinfo|consumers' command\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
	}},
	{name: "xinfo groups", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "zed", "$"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "alpha", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "mid", "2-2", "ENTRIESREAD", "2"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "alpha", "c1", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "alpha", "c2", "COUNT", "1", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "mid", "c1", "NOACK", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XINFO", "GROUPS", "s"}, "*3\r\n*12\r\n$4\r\nname\r\n$5\r\nalpha\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$3\r\nmid\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$3\r\nzed\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n", "*3\r\n%6\r\n$4\r\nname\r\n$5\r\nalpha\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n%6\r\n$4\r\nname\r\n$3\r\nmid\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$3\r\nzed\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n"},
		{[]string{"XINFO", "STREAM", "s"}, "*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:3\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%10\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:3\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
	}},
	{name: "xinfo stream full", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "2-2", "f", "v"}, "$3\r\n2-2\r\n", ""},
		{[]string{"XADD", "s", "3-3", "f", "v"}, "$3\r\n3-3\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n", ""},
		{[]string{"XGROUP", "CREATE", "s", "h", "$"}, "+OK\r\n", ""},
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XCLAIM", "s", "g", "bob", "0", "1-1", "2-2", "3-3", "TIME", "1000", "RETRYCOUNT", "4", "JUSTID"}, "*3\r\n$3\r\n1-1\r\n$3\r\n2-2\r\n$3\r\n3-3\r\n", ""},
		{[]string{"XCLAIM", "s", "g", "alice", "0", "3-3", "TIME", "2000", "JUSTID"}, "*1\r\n$3\r\n3-3\r\n", ""},
		// Redis 7.4 (REDIS74 §9): each consumer has active-time after seen-time
		{[]string{"XINFO", "STREAM", "s", "FULL"}, "*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n*10\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n*10\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*3\r\n$3\r\n2-2\r\n:1000\r\n:4\r\n*14\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n%5\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n%5\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*3\r\n$3\r\n2-2\r\n:1000\r\n:4\r\n%7\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL", "COUNT", "1"}, "*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n*10\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n*10\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*14\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n%5\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n%5\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n%7\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, "*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n*10\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n*10\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*3\r\n$3\r\n2-2\r\n:1000\r\n:4\r\n*14\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n%5\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n%5\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*3\r\n$3\r\n2-2\r\n:1000\r\n:4\r\n%7\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "s", "FULL", "COUNT", "-1"}, "*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n*10\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n*10\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*3\r\n$3\r\n2-2\r\n:1000\r\n:4\r\n*14\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n", "%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-3\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n2-2\r\n$3\r\nbob\r\n:*\r\n:4\r\n*4\r\n$3\r\n3-3\r\n$5\r\nalice\r\n:*\r\n:4\r\n$9\r\nconsumers\r\n*2\r\n%5\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-3\r\n:2000\r\n:4\r\n%5\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:*\r\n$11\r\nactive-time\r\n:*\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000\r\n:4\r\n*3\r\n$3\r\n2-2\r\n:1000\r\n:4\r\n%7\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-3\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"},
	}},
}
