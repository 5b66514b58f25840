package commands

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// The error cases come from Redis's stream-cgroups.tcl ("XREADGROUP CLAIM
// with not integer / negative integer for min-idle-time", "... with
// different position", "XREAD with CLAIM option").
func TestXReadGroupClaimParse(t *testing.T) {
	const now = 1000
	g, c := []byte("g"), []byte("c")
	keys, ids := [][]byte{[]byte("s")}, [][]byte{[]byte(">")}
	tests := []struct {
		in   string
		want xreadgroupArgs
		err  error
	}{
		{in: "XREADGROUP GROUP g c CLAIM 50 STREAMS s >",
			want: xreadgroupArgs{Group: g, Consumer: c, Claim: true, MinIdle: 50, Keys: keys, IDs: ids}},
		{in: "XREADGROUP GROUP g c CLAIM 0 STREAMS s >",
			want: xreadgroupArgs{Group: g, Consumer: c, Claim: true, Keys: keys, IDs: ids}},
		{in: "XREADGROUP GROUP g c CLAIM 9223372036854775807 STREAMS s >",
			want: xreadgroupArgs{Group: g, Consumer: c, Claim: true, MinIdle: 1<<63 - 1, Keys: keys, IDs: ids}},
		// Anywhere among the options; the last CLAIM counts.
		{in: "XREADGROUP CLAIM 50 GROUP g c COUNT 1 STREAMS s >",
			want: xreadgroupArgs{Group: g, Consumer: c, Count: 1, Claim: true, MinIdle: 50, Keys: keys, IDs: ids}},
		{in: "xreadgroup group g c claim 50 count 1 claim 60 block 10 noack streams s >",
			want: xreadgroupArgs{Group: g, Consumer: c, Count: 1, Claim: true, MinIdle: 60, NoAck: true,
				Block: true, Deadline: time.UnixMilli(now + 10), Keys: keys, IDs: ids}},
		{in: "XREADGROUP GROUP g c CLAIM test STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM 5.5 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM 10e STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM +10 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM -0 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM -5.5 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM 9223372036854775808 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM -10 STREAMS s >", err: ErrClaimMinIdleNegative},
		{in: "XREADGROUP GROUP g c CLAIM -42 STREAMS s >", err: ErrClaimMinIdleNegative},
		// CLAIM always takes the next argument, keyword or not.
		{in: "XREADGROUP GROUP g c CLAIM 10 CLAIM COUNT 1 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP CLAIM GROUP g c COUNT 1 STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g c CLAIM STREAMS s >", err: ErrClaimMinIdleNotInt},
		{in: "XREADGROUP GROUP g CLAIM 50 c STREAMS s >", err: ErrSyntax},
		{in: "XREADGROUP GROUP g c COUNT 1 STREAMS s > CLAIM", err: errUnbalancedStreams("xreadgroup", '>')},
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
	for _, in := range []string{"XREAD COUNT 2 CLAIM 10 STREAMS s 0-0", "XREAD CLAIM x STREAMS s 0"} {
		if _, err := parseXRead(args(in), now); err != ErrXReadClaimOption {
			t.Errorf("%s: error %v, want %v", in, err, ErrXReadClaimOption)
		}
	}
}

func TestXReadGroupClaimKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"XREADGROUP GROUP g c CLAIM 50 STREAMS s >", []int{7}},
		// CLAIM's argument is skipped, even when it reads "streams".
		{"XREADGROUP CLAIM streams GROUP g c STREAMS a b > >", []int{7, 8}},
	}
	for _, tt := range tests {
		if got := xreadgroupKeys(args(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: keys %v, want %v", tt.in, got, tt.want)
		}
	}
}

// claimEntry is one 4-element entry of a CLAIM read: "id field value" and
// its idle time and delivery count ("*" for any integer).
func claimEntry(e, idle, count string) string {
	p := strings.Split(e, " ")
	var sb strings.Builder
	sb.WriteString("*4\r\n" + bulk(p[0]) + "*" + strconv.Itoa(len(p)-1) + "\r\n")
	for _, x := range p[1:] {
		sb.WriteString(bulk(x))
	}
	sb.WriteString(":" + idle + "\r\n:" + count + "\r\n")
	return sb.String()
}

// claimRead is the RESP2 reply of a CLAIM read of one stream.
func claimRead(key string, entries ...string) string {
	return "*1\r\n*2\r\n" + bulk(key) + "*" + strconv.Itoa(len(entries)) + "\r\n" + strings.Join(entries, "")
}

// oldTime returns an XCLAIM TIME argument ms milliseconds in the past.
func oldTime(ms int64) string { return strconv.FormatInt(time.Now().UnixMilli()-ms, 10) }

// xpendingLine is one entry of an extended XPENDING reply, any idle time.
func xpendingLine(id, owner string, count int) string {
	return "*4\r\n" + bulk(id) + bulk(owner) + ":*\r\n" + integer(int64(count))
}

// The behaviours of Redis's stream-cgroups.tcl "XREADGROUP CLAIM ..." tests,
// with delivery times set in the past by XCLAIM TIME instead of sleeps.
func TestXReadGroupClaimExec(t *testing.T) {
	type step struct {
		args []string
		want string
	}
	setup := []step{
		{[]string{"XADD", "s", "1-0", "f", "v1"}, "$3\r\n1-0\r\n"},
		{[]string{"XADD", "s", "2-0", "f", "v2"}, "$3\r\n2-0\r\n"},
		{[]string{"XADD", "s", "3-0", "f", "v3"}, "$3\r\n3-0\r\n"},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, "+OK\r\n"},
	}
	age := func(id string, ms int64) step {
		return step{[]string{"XCLAIM", "s", "g", "c1", "0", id, "TIME", oldTime(ms), "JUSTID"}, "*1\r\n" + bulk(id)}
	}
	read := func(n int) step {
		return step{[]string{"XREADGROUP", "GROUP", "g", "c1", "COUNT", strconv.Itoa(n), "STREAMS", "s", ">"}, "*"}
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"nothing pending: new entries with 0 0", []step{
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "CLAIM", "100", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("1-0 f v1", "0", "0"), claimEntry("2-0 f v2", "0", "0"), claimEntry("3-0 f v3", "0", "0"))},
		}},
		{"too recent: nothing claimed, nothing new", []step{
			read(3),
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "CLAIM", "100000", "STREAMS", "s", ">"}, "*-1\r\n"},
		}},
		{"most idle first, then new, sharing COUNT", []step{
			read(2), age("1-0", 20000), age("2-0", 50000),
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "COUNT", "2", "CLAIM", "10000", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("2-0 f v2", "*", "1"), claimEntry("1-0 f v1", "*", "1"))},
			{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n" + xpendingLine("1-0", "c2", 2) + xpendingLine("2-0", "c2", 2)},
			// Claimed just now: only the new entry is left.
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "COUNT", "2", "CLAIM", "10000", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("3-0 f v3", "0", "0"))},
		}},
		{"count before the claim grows per claim", []step{
			read(1), age("1-0", 20000),
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "CLAIM", "0", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("1-0 f v1", "*", "1"))},
			{[]string{"XREADGROUP", "GROUP", "g", "c3", "COUNT", "1", "CLAIM", "0", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("1-0 f v1", "*", "2"))},
			{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*1\r\n" + xpendingLine("1-0", "c3", 3)},
		}},
		{"NOACK: claimed stay pending, new ones do not", []step{
			read(1), age("1-0", 20000),
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "NOACK", "CLAIM", "50", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("1-0 f v1", "*", "1"), claimEntry("2-0 f v2", "0", "0"), claimEntry("3-0 f v3", "0", "0"))},
			{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*1\r\n" + xpendingLine("1-0", "c2", 2)},
		}},
		{"explicit ID ignores CLAIM", []step{
			read(3), age("1-0", 20000),
			{[]string{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "CLAIM", "0", "STREAMS", "s", "0"},
				"*1\r\n*2\r\n" + bulk("s") + "*1\r\n*2\r\n" + bulk("1-0") + "*2\r\n" + bulk("f") + bulk("v1")},
		}},
		{"forced entries are claimable", []step{
			{[]string{"XCLAIM", "s", "g", "c3", "0", "1-0", "2-0", "FORCE", "JUSTID"}, "*2\r\n" + bulk("1-0") + bulk("2-0")},
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "CLAIM", "0", "COUNT", "2", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("1-0 f v1", "*", "1"), claimEntry("2-0 f v2", "*", "1"))},
		}},
		{"deleted entries are dropped from the PEL", []step{
			read(3), age("1-0", 20000), age("2-0", 20000),
			{[]string{"XDEL", "s", "1-0"}, ":1\r\n"},
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "CLAIM", "100", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("2-0 f v2", "*", "1"))},
			{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n" + xpendingLine("2-0", "c2", 2) + xpendingLine("3-0", "c1", 1)},
		}},
		{"after SETID backwards an ID comes twice", []step{
			read(2),
			{[]string{"XGROUP", "SETID", "s", "g", "0"}, "+OK\r\n"},
			{[]string{"XREADGROUP", "GROUP", "g", "c2", "COUNT", "3", "CLAIM", "0", "STREAMS", "s", ">"},
				claimRead("s", claimEntry("1-0 f v1", "*", "1"), claimEntry("2-0 f v2", "*", "1"), claimEntry("1-0 f v1", "0", "0"))},
			// The new delivery restarted 1-0's count.
			{[]string{"XPENDING", "s", "g", "-", "+", "10"}, "*2\r\n" + xpendingLine("1-0", "c2", 1) + xpendingLine("2-0", "c2", 2)},
		}},
		{"errors", []step{
			{[]string{"XREADGROUP", "GROUP", "g", "c", "CLAIM", "+10", "STREAMS", "s", ">"}, errReply(ErrClaimMinIdleNotInt)},
			{[]string{"XREADGROUP", "GROUP", "g", "c", "CLAIM", "-10", "STREAMS", "s", ">"}, errReply(ErrClaimMinIdleNegative)},
			{[]string{"XREADGROUP", "GROUP", "nog", "c", "CLAIM", "50", "STREAMS", "s", ">"},
				"-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n"},
			{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", "CLAIM", "50", ">"},
				"-NOGROUP No such key 'CLAIM' or consumer group 'g' in XREADGROUP with GROUP option\r\n"},
			{[]string{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">", "CLAIM", "50"},
				"-ERR Invalid stream ID specified as stream command argument\r\n"},
			{[]string{"XREAD", "COUNT", "2", "CLAIM", "10", "STREAMS", "s", "0-0"}, errReply(ErrXReadClaimOption)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newGroupFake(t)
			for i, st := range append(append([]step{}, setup...), tt.steps...) {
				got := f.do(st.args...)
				if st.want == "*" {
					continue
				}
				if !matchReply(st.want, got) {
					t.Errorf("#%d %s:\n got %q\nwant %q", i, strings.Join(st.args, " "), got, st.want)
				}
			}
		})
	}
}

// TestXReadGroupClaimRESP3: the entries are the same 4-element arrays; the
// streams form a map.
func TestXReadGroupClaimRESP3(t *testing.T) {
	f := newGroupFake(t)
	f.proto(3)
	f.do("XADD", "s", "1-0", "f", "v1")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	want := "%1\r\n" + bulk("s") + "*1\r\n" + claimEntry("1-0 f v1", "0", "0")
	if got := f.do("XREADGROUP", "GROUP", "g", "c", "CLAIM", "0", "STREAMS", "s", ">"); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	want = "%1\r\n" + bulk("s") + "*1\r\n" + claimEntry("1-0 f v1", "*", "1")
	if got := f.do("XREADGROUP", "GROUP", "g", "c", "CLAIM", "0", "STREAMS", "s", ">"); !matchReply(want, got) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// TestXReadGroupClaimPersist: a claim records the record as XCLAIM does
// (owner, time, count), a dropped entry its deletion.
func TestXReadGroupClaimPersist(t *testing.T) {
	rs := newRecordingStore()
	f := newFake(t, Options{Store: rs})
	f.do("XADD", "s", "1-1", "f", "v")
	f.do("XADD", "s", "2-2", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
	f.do("XDEL", "s", "1-1")
	o := f.object("s")
	f.committed(rs)
	id1, id2 := stream.ID{Ms: 1, Seq: 1}, stream.ID{Ms: 2, Seq: 2}

	f.do("XREADGROUP", "GROUP", "g", "b", "CLAIM", "0", "STREAMS", "s", ">")
	want := []persist.Op{
		{Kind: persist.PendingDel, UID: o.UID, Group: "g", ID: id1},
		{Kind: persist.PendingPut, UID: o.UID, Group: "g", ID: id2, Consumer: "b", DeliveryCount: 2},
		{Kind: persist.ConsumerPut, UID: o.UID, Group: "g", Consumer: "b"},
	}
	if ops := f.committed(rs); !opsEqual(ops, want) {
		t.Fatalf("claim ops:\n got %+v\nwant %+v", ops, want)
	}
}

// TestXReadGroupClaimSurvivesRestart: what CLAIM reads claimed (owner,
// count) comes back after a restart, and the rebuilt server claims by idle
// time again, its delivery-time index rebuilt on the first CLAIM read.
func TestXReadGroupClaimSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *fake { return openStored(t, dir, persist.Options{Fsync: persist.Always}) }
	f := open()
	f.do("XADD", "s", "1-0", "f", "v1")
	f.do("XADD", "s", "2-0", "f", "v2")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
	f.do("XCLAIM", "s", "g", "c1", "0", "2-0", "TIME", oldTime(60000), "JUSTID")
	f.do("XCLAIM", "s", "g", "c1", "0", "1-0", "TIME", oldTime(30000), "JUSTID")
	if got := f.do("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "CLAIM", "10000", "STREAMS", "s", ">"); !matchReply(claimRead("s", claimEntry("2-0 f v2", "*", "1")), got) {
		t.Fatalf("claim before the restart: %q", got)
	}
	wantPending := "*2\r\n" + xpendingLine("1-0", "c1", 1) + xpendingLine("2-0", "c2", 2)
	if got := f.do("XPENDING", "s", "g", "-", "+", "10"); !matchReply(wantPending, got) {
		t.Fatalf("XPENDING before the restart: %q", got)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	f = open()
	if got := f.do("XPENDING", "s", "g", "-", "+", "10"); !matchReply(wantPending, got) {
		t.Fatalf("XPENDING after the restart: %q", got)
	}
	if f.group("s", "g").HasTimeIndex() {
		t.Fatal("a restarted group has a time index before any CLAIM read")
	}
	// 1-0 (delivered 30 s ago) is idle enough; 2-0 was claimed just now.
	if got := f.do("XREADGROUP", "GROUP", "g", "c3", "CLAIM", "10000", "STREAMS", "s", ">"); !matchReply(claimRead("s", claimEntry("1-0 f v1", "*", "1")), got) {
		t.Fatalf("claim after the restart: %q", got)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	f = open()
	want := "*2\r\n" + xpendingLine("1-0", "c3", 2) + xpendingLine("2-0", "c2", 2)
	if got := f.do("XPENDING", "s", "g", "-", "+", "10"); !matchReply(want, got) {
		t.Fatalf("XPENDING after the second restart: %q", got)
	}
}
