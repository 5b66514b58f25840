package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/runnel-db/runnel/persist"
)

// The cases follow Redis 8.6's tests/unit/type/stream.tcl ("XADD IDMP ...",
// "XADD IDMPAUTO ...", "XCFGSET ...", "XINFO STREAM ... iids ...").

func TestXAddIdmpParse(t *testing.T) {
	tests := []struct {
		in   string
		want addTrimArgs
		err  error
	}{
		{in: "XADD s IDMP p1 iid1 * f v", want: addTrimArgs{Idmp: idmpGiven, Pid: "p1", Iid: "iid1", IDPos: 5}},
		{in: "XADD s idmpauto p1 * f v", want: addTrimArgs{Idmp: idmpAuto, Pid: "p1", IDPos: 4}},
		// The two words after IDMP are its arguments, "*" and "IDMP" too.
		{in: "XADD s IDMP p1 * * f v", want: addTrimArgs{Idmp: idmpGiven, Pid: "p1", Iid: "*", IDPos: 5}},
		{in: "XADD s IDMP p1 IDMP * f v", want: addTrimArgs{Idmp: idmpGiven, Pid: "p1", Iid: "IDMP", IDPos: 5}},
		{in: "XADD s MAXLEN ~ 100 IDMP p1 r2 * f v", want: addTrimArgs{Trim: trimArgs{Strategy: trimMaxLen, Approx: true, MaxLen: 100}, Idmp: idmpGiven, Pid: "p1", Iid: "r2", IDPos: 8}},
		{in: "XADD s IDMPAUTO p1 KEEPREF NOMKSTREAM * f v", want: addTrimArgs{Idmp: idmpAuto, Pid: "p1", NoMkStream: true, IDPos: 6}},
		{in: "XADD s IDMP p1 * f v", err: ErrInvalidStreamID},
		{in: "XADD s IDMP p1 iid1 1-1 f v", err: ErrIdmpExplicitID},
		{in: "XADD s IDMPAUTO p1 1-1 f v", err: ErrIdmpExplicitID},
		{in: "XADD s IDMPAUTO p1 5-* f v", err: ErrIdmpExplicitID},
		{in: "XADD s IDMP p1 iid1 IDMP p2 iid2 * f v", err: ErrIdmpTwice},
		{in: "XADD s IDMPAUTO p1 IDMP p2 iid2 * f v", err: ErrIdmpTwice},
		{in: "XADD s IDMP p1 iid1 IDMPAUTO p2 * f v", err: ErrIdmpTwice},
		{in: "XADD s IDMPAUTO p1 IDMPAUTO p2 * f v", err: ErrIdmpTwice},
	}
	for _, tt := range tests {
		a, err := parseXAdd(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && a.addTrimArgs != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.in, a.addTrimArgs, tt.want)
		}
	}
	// Empty IDs cannot be written with args' split.
	empty := []struct {
		in  []string
		err error
	}{
		{[]string{"XADD", "s", "IDMP", "", "i", "*", "f", "v"}, ErrIdmpEmptyPid},
		{[]string{"XADD", "s", "IDMP", "p", "", "*", "f", "v"}, ErrIdmpEmptyIid},
		{[]string{"XADD", "s", "IDMPAUTO", "", "*", "f", "v"}, ErrIdmpAutoEmptyPid},
	}
	for _, tt := range empty {
		b := make([][]byte, len(tt.in))
		for i, w := range tt.in {
			b[i] = []byte(w)
		}
		if _, err := parseXAdd(b); err != tt.err {
			t.Errorf("%q: error %v, want %v", tt.in, err, tt.err)
		}
	}
}

func TestXCfgSetParse(t *testing.T) {
	tests := []struct {
		in       string
		dur, max int64 // 0: not given
		err      error
	}{
		{in: "XCFGSET s IDMP-DURATION 5", dur: 5},
		{in: "XCFGSET s idmp-maxsize 10000", max: 10000},
		{in: "XCFGSET s IDMP-DURATION 3 IDMP-MAXSIZE 1", dur: 3, max: 1},
		{in: "XCFGSET s IDMP-DURATION 3 IDMP-DURATION 86400", dur: 86400},
		{in: "XCFGSET s", err: ErrXCfgSetNoOption},
		{in: "XCFGSET s IDMP-DURATION", err: ErrSyntax},
		{in: "XCFGSET s IDMP-MAXSIZE", err: ErrSyntax},
		{in: "XCFGSET s INVALID", err: ErrSyntax},
		{in: "XCFGSET s INVALID 5", err: ErrSyntax},
		{in: "XCFGSET s IDMP-DURATION 5 IDMP-MAXSIZE", err: ErrSyntax},
		{in: "XCFGSET s IDMP-DURATION INVALID IDMP-MAXSIZE", err: ErrNotInteger},
		{in: "XCFGSET s IDMP-MAXSIZE INVALID IDMP-DURATION", err: ErrNotInteger},
		{in: "XCFGSET s IDMP-DURATION 3.14", err: ErrNotInteger},
		{in: "XCFGSET s IDMP-DURATION 120-5", err: ErrNotInteger},
		{in: "XCFGSET s IDMP-DURATION 000000000", err: ErrNotInteger},
		{in: "XCFGSET s IDMP-MAXSIZE +", err: ErrNotInteger},
		{in: "XCFGSET s IDMP-DURATION 0", err: ErrIdmpDurationRange},
		{in: "XCFGSET s IDMP-DURATION -100", err: ErrIdmpDurationRange},
		{in: "XCFGSET s IDMP-DURATION 86401", err: ErrIdmpDurationRange},
		{in: "XCFGSET s IDMP-MAXSIZE 0", err: ErrIdmpMaxSizeRange},
		{in: "XCFGSET s IDMP-MAXSIZE 10001", err: ErrIdmpMaxSizeRange},
	}
	for _, tt := range tests {
		a, err := parseXCfgSet(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		var dur, max int64
		if a.Duration != nil {
			dur = *a.Duration
		}
		if a.MaxSize != nil {
			max = int64(*a.MaxSize)
		}
		if dur != tt.dur || max != tt.max {
			t.Errorf("%s: duration %d maxsize %d, want %d %d", tt.in, dur, max, tt.dur, tt.max)
		}
	}
}

// idmpFields matches the six IDMP fields of an XINFO STREAM reply.
var idmpFields = regexp.MustCompile(`\$13\r\nidmp-duration\r\n:(\d+)\r\n\$12\r\nidmp-maxsize\r\n:(\d+)\r\n\$12\r\npids-tracked\r\n:(\d+)\r\n\$12\r\niids-tracked\r\n:(\d+)\r\n\$10\r\niids-added\r\n:(\d+)\r\n\$15\r\niids-duplicates\r\n:(\d+)\r\n`)

// idmpInfo returns "duration maxsize pids iids added duplicates" from
// XINFO STREAM key (FULL when full), or "none" without the fields.
func idmpInfo(f *fake, key string, full bool) string {
	cmd := []string{"XINFO", "STREAM", key}
	if full {
		cmd = append(cmd, "FULL")
	}
	m := idmpFields.FindStringSubmatch(f.do(cmd...))
	if m == nil {
		return "none"
	}
	return strings.Join(m[1:], " ")
}

func TestXAddIdmpExec(t *testing.T) {
	f := newFake(t, Options{})
	// A stream that never used IDMP keeps Redis 7's XINFO STREAM reply.
	f.do("XADD", "plain", "*", "f", "v")
	if got := idmpInfo(f, "plain", false); got != "none" {
		t.Errorf("XINFO STREAM of a plain stream: %s", got)
	}
	id1 := f.do("XADD", "s", "IDMP", "p1", "payment-abc", "*", "amount", "100", "currency", "USD")
	if got := f.do("XADD", "s", "IDMP", "p1", "payment-abc", "*", "amount", "200", "currency", "EUR"); got != id1 {
		t.Errorf("duplicate answered %q, want %q", got, id1)
	}
	if got := f.do("XLEN", "s"); got != ":1\r\n" {
		t.Errorf("XLEN %q after a duplicate", got)
	}
	if got := f.do("XRANGE", "s", "-", "+"); !strings.Contains(got, "USD") || strings.Contains(got, "EUR") {
		t.Errorf("XRANGE %q: the original fields must stay", got)
	}
	// Same iid, another producer: a new entry.
	id2 := f.do("XADD", "s", "IDMP", "p2", "payment-abc", "*", "f", "v")
	if id2 == id1 {
		t.Error("producers share iids")
	}
	// IDMPAUTO: the same pairs in any order are the same message.
	a1 := f.do("XADD", "s", "IDMPAUTO", "p3", "*", "f1", "a", "f2", "b")
	if got := f.do("XADD", "s", "IDMPAUTO", "p3", "*", "f2", "b", "f1", "a"); got != a1 {
		t.Errorf("IDMPAUTO reordered: %q, want %q", got, a1)
	}
	if got := f.do("XADD", "s", "IDMPAUTO", "p3", "*", "f1", "x", "f2", "b"); got == a1 {
		t.Error("IDMPAUTO took a different message for a duplicate")
	}
	if got, want := idmpInfo(f, "s", false), "100 100 3 4 4 2"; got != want {
		t.Errorf("XINFO STREAM: %s, want %s", got, want)
	}
	if got, want := idmpInfo(f, "s", true), "100 100 3 4 4 2"; got != want {
		t.Errorf("XINFO STREAM FULL: %s, want %s", got, want)
	}
	// A duplicate neither trims nor creates; a deleted entry's iid still
	// answers its ID.
	f.do("XDEL", "s", strings.Split(id1, "\r\n")[1])
	if got := f.do("XADD", "s", "IDMP", "p1", "payment-abc", "MAXLEN", "0", "*", "f", "v"); got != id1 {
		t.Errorf("duplicate of a deleted entry answered %q, want %q", got, id1)
	}
	if got := f.do("XLEN", "s"); got != ":3\r\n" {
		t.Errorf("XLEN %q: a duplicate trimmed", got)
	}
	if got := f.do("XADD", "nokey", "NOMKSTREAM", "IDMP", "p", "i", "*", "f", "v"); got != "$-1\r\n" {
		t.Errorf("NOMKSTREAM on a missing key: %q", got)
	}

	// XCFGSET: a missing key, same values keep the iids, a change clears
	// them and keeps the counters.
	if got := f.do("XCFGSET", "nokey", "IDMP-DURATION", "5"); got != errReply(ErrNoSuchKey) {
		t.Errorf("XCFGSET missing key: %q", got)
	}
	if got := f.do("XCFGSET", "s", "IDMP-DURATION", "100", "IDMP-MAXSIZE", "100"); got != "+OK\r\n" {
		t.Errorf("XCFGSET: %q", got)
	}
	if got := f.do("XADD", "s", "IDMP", "p2", "payment-abc", "*", "f", "v"); got != id2 {
		t.Errorf("same-value XCFGSET forgot an iid: %q, want %q", got, id2)
	}
	f.do("XCFGSET", "s", "IDMP-MAXSIZE", "2")
	if got, want := idmpInfo(f, "s", false), "100 2 0 0 4 4"; got != want {
		t.Errorf("XINFO STREAM after a clearing XCFGSET: %s, want %s", got, want)
	}
	if got := f.do("XADD", "s", "IDMP", "p2", "payment-abc", "*", "f", "v"); got == id2 {
		t.Error("clearing XCFGSET kept an iid")
	}
	// Maxsize 2: the third iid pushes out the first.
	f.do("XADD", "s", "IDMP", "p2", "r2", "*", "f", "v")
	r3 := f.do("XADD", "s", "IDMP", "p2", "r3", "*", "f", "v")
	if got := f.do("XADD", "s", "IDMP", "p2", "r3", "*", "f", "v"); got != r3 {
		t.Errorf("r3 forgotten: %q", got)
	}
	if got, want := idmpInfo(f, "s", false), "100 2 1 2 7 5"; got != want {
		t.Errorf("XINFO STREAM after eviction: %s, want %s", got, want)
	}
	// XCFGSET creates the state of a stream that had none.
	f.do("XCFGSET", "plain", "IDMP-DURATION", "7")
	if got, want := idmpInfo(f, "plain", false), "7 100 0 0 0 0"; got != want {
		t.Errorf("XINFO STREAM after XCFGSET of a plain stream: %s, want %s", got, want)
	}
}

// TestXAddIdmpExpires waits out a one-second retention ("XIDMP entries
// expire after DURATION seconds"), on a served connection: the fake
// client's clock is read once for its whole run, as for one pipeline.
func TestXAddIdmpExpires(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a second")
	}
	_, addr := startServer(t)
	f := dialRaw(t, addr)
	f.do("XADD", "s", "*", "f", "v")
	f.do("XCFGSET", "s", "IDMP-DURATION", "1")
	id := f.do("XADD", "s", "IDMP", "p1", "req-1", "*", "f", "v1")
	if got := f.do("XADD", "s", "IDMP", "p1", "req-1", "*", "f", "v2"); got != id {
		t.Fatalf("immediate duplicate answered %q, want %q", got, id)
	}
	time.Sleep(1100 * time.Millisecond)
	if got := f.do("XADD", "s", "IDMP", "p1", "req-1", "*", "f", "v3"); got == id {
		t.Error("an expired iid still answered")
	}
}

// TestIdmpSurvivesRestart checks that the iids, their order (for
// eviction), the settings and the counters come back after a restart, and
// that iids evicted or cleared before it stay forgotten.
func TestIdmpSurvivesRestart(t *testing.T) {
	for _, policy := range []persist.FsyncPolicy{persist.Always, persist.No} {
		t.Run(fmt.Sprint(policy), func(t *testing.T) {
			dir := t.TempDir()
			open := func() *fake { return openStored(t, dir, persist.Options{Fsync: policy}) }
			snapshot := func(f *fake) string {
				return f.do("XRANGE", "s", "-", "+") + idmpInfo(f, "s", false) + "|" + idmpInfo(f, "c", false)
			}
			f := open()
			ids := map[string]string{}
			for _, iid := range []string{"z", "y", "x"} {
				ids[iid] = f.do("XADD", "s", "IDMP", "p", iid, "*", "f", iid)
			}
			f.do("XADD", "s", "IDMP", "p", "z", "*", "f", "dup")
			f.do("XADD", "s", "IDMPAUTO", "q", "*", "a", "1")
			f = restartSame(t, f, open, snapshot, "first")
			for iid, id := range ids {
				if got := f.do("XADD", "s", "IDMP", "p", iid, "*", "f", "again"); got != id {
					t.Errorf("after restart %s answered %q, want %q", iid, got, id)
				}
			}
			// Maxsize 2 clears; then w, v: v must push out w, the older.
			f.do("XCFGSET", "s", "IDMP-MAXSIZE", "2", "IDMP-DURATION", "600")
			w := f.do("XADD", "s", "IDMP", "p", "w", "*", "f", "w")
			f.do("XADD", "s", "IDMP", "p", "v", "*", "f", "v")
			f.do("COPY", "s", "c")
			f = restartSame(t, f, open, snapshot, "second")
			if got := f.do("XADD", "s", "IDMP", "p", "z", "*", "f", "new"); got == ids["z"] {
				t.Error("an iid cleared by XCFGSET came back after restart")
			}
			if got := f.do("XADD", "s", "IDMP", "p", "w", "*", "f", "new"); got == w {
				t.Error("an evicted iid came back after restart")
			}
			if got := f.do("XADD", "c", "IDMP", "p", "v", "*", "f", "new"); !strings.HasPrefix(got, "$") {
				t.Errorf("COPY's iid: %q", got)
			}
			restartSame(t, f, open, snapshot, "third")
		})
	}
}

// TestGoRedisIdmp drives the feature through go-redis's own API:
// XAddArgs.ProducerID with IdempotentID or IdempotentAuto, XCfgSet, and
// XInfoStream's and XInfoStreamFull's IDMP fields.
func TestGoRedisIdmp(t *testing.T) {
	_, addr := startServer(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	add := func(a *redis.XAddArgs) string {
		t.Helper()
		id, err := rdb.XAdd(ctx, a).Result()
		if err != nil {
			t.Fatalf("XADD %v: %v", a, err)
		}
		return id
	}
	r1 := add(&redis.XAddArgs{Stream: "s", ProducerID: "producer1", IdempotentID: "msg1", Values: map[string]any{"field": "value"}})
	if r2 := add(&redis.XAddArgs{Stream: "s", ProducerID: "producer1", IdempotentID: "msg1", Values: map[string]any{"field": "other"}}); r2 != r1 {
		t.Errorf("IDMP duplicate: %s, want %s", r2, r1)
	}
	a1 := add(&redis.XAddArgs{Stream: "s", ProducerID: "producer2", IdempotentAuto: true, Values: []string{"a", "1", "b", "2"}})
	if a2 := add(&redis.XAddArgs{Stream: "s", ProducerID: "producer2", IdempotentAuto: true, Values: []string{"b", "2", "a", "1"}}); a2 != a1 {
		t.Errorf("IDMPAUTO duplicate: %s, want %s", a2, a1)
	}
	// With the mode and a trim, as go-redis orders them.
	add(&redis.XAddArgs{Stream: "s", ProducerID: "producer1", IdempotentID: "msg2", Mode: "KEEPREF", MaxLen: 100, Approx: true, Values: []string{"f", "v"}})
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", ProducerID: "p", IdempotentID: "i", Values: []string{"f", "v"}}).Err(); err == nil || err.Error() != string(ErrIdmpExplicitID) {
		t.Errorf("IDMP with an explicit ID: %v", err)
	}
	info, err := rdb.XInfoStream(ctx, "s").Result()
	if err != nil {
		t.Fatal(err)
	}
	if info.IDMPDuration != 100 || info.IDMPMaxSize != 100 || info.PIDsTracked != 2 || info.IIDsTracked != 3 || info.IIDsAdded != 3 || info.IIDsDuplicates != 2 {
		t.Errorf("XInfoStream: %+v", info)
	}
	if res, err := rdb.XCfgSet(ctx, &redis.XCfgSetArgs{Stream: "s", Duration: 300, MaxSize: 1000}).Result(); err != nil || res != "OK" {
		t.Fatalf("XCfgSet: %q %v", res, err)
	}
	if err := rdb.XCfgSet(ctx, &redis.XCfgSetArgs{Stream: "s"}).Err(); err == nil || err.Error() != string(ErrXCfgSetNoOption) {
		t.Errorf("XCfgSet without options: %v", err)
	}
	if err := rdb.XCfgSet(ctx, &redis.XCfgSetArgs{Stream: "nokey", Duration: 5}).Err(); err == nil || err.Error() != string(ErrNoSuchKey) {
		t.Errorf("XCfgSet of a missing key: %v", err)
	}
	full, err := rdb.XInfoStreamFull(ctx, "s", 0).Result()
	if err != nil {
		t.Fatal(err)
	}
	if full.IDMPDuration != 300 || full.IDMPMaxSize != 1000 || full.PIDsTracked != 0 || full.IIDsTracked != 0 || full.IIDsAdded != 3 || full.IIDsDuplicates != 2 {
		t.Errorf("XInfoStreamFull: %+v", full)
	}
	// COMMAND INFO: Redis 8.6's arity, flags and ACL categories.
	infos, err := rdb.Command(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	ci := infos["xcfgset"]
	if ci == nil || ci.Arity != -2 || strings.Join(ci.Flags, ",") != "write,fast" || strings.Join(ci.ACLFlags, ",") != "@write,@stream,@fast" || ci.FirstKeyPos != 1 {
		t.Errorf("COMMAND INFO xcfgset: %+v", ci)
	}
}
