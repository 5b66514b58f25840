package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestXNackErrors checks the replies of bad commands on the wire, in the
// order of checks: arity, the mode, the options, the missing IDS block,
// then the key and group (NOGROUP), then the IDs. The texts are Redis
// 8.8's (see xnack.go).
func TestXNackErrors(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-0", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	arity := "-ERR wrong number of arguments for 'xnack' command\r\n"
	cases := []struct {
		cmd  string
		want string
	}{
		{"XNACK", arity},
		{"XNACK s g FAIL IDS 1", arity},
		{"XNACK s g MAYBE IDS 1 1-0", errReply(ErrXNackMode)},
		{"XNACK s g IDS 1 1-0 FAIL", errReply(ErrXNackMode)},
		{"XNACK nokey g MAYBE IDS 1 1-0", errReply(ErrXNackMode)},
		{"XNACK s g FAIL IDS 0 1-0", errReply(ErrXNackNumIDs)},
		{"XNACK s g FAIL IDS -1 1-0", errReply(ErrXNackNumIDs)},
		{"XNACK s g FAIL IDS abc 1-0", errReply(ErrXNackNumIDs)},
		{"XNACK s g FAIL IDS 3 1-0 2-0", errReply(ErrXNackNumMismatch)},
		{"XNACK s g FAIL IDS 1 1-0 2-0", errReply(errXNackOption([]byte("2-0")))},
		{"XNACK s g FAIL IDS 1 1-0 BOGUS", errReply(errXNackOption([]byte("BOGUS")))},
		{"XNACK s g FAIL IDS 1 1-0 RETRYCOUNT", errReply(errXNackOption([]byte("RETRYCOUNT")))},
		{"XNACK s g FAIL IDS 1 1-0 RETRYCOUNT x", errReply(ErrNotInteger)},
		{"XNACK s g FAIL IDS 1 1-0 RETRYCOUNT -1", errReply(ErrXNackRetryCount)},
		{"XNACK s g FAIL FORCE RETRYCOUNT 2", errReply(ErrXNackNoIDs)},
		{"XNACK s g FAIL FORCE FORCE FORCE", errReply(ErrXNackNoIDs)},
		{"XNACK nokey g FAIL IDS 1 bad", errReply(errNoKeyOrGroup([]byte("nokey"), []byte("g")))},
		{"XNACK s nogroup FAIL IDS 1 1-0", errReply(errNoKeyOrGroup([]byte("s"), []byte("nogroup")))},
		{"XNACK s g FAIL IDS 2 1-0 bad", errReply(ErrInvalidStreamID)},
		// Options in any order, any case; the IDs may come last.
		{"XNACK s g fail FORCE retrycount 1 ids 1 1-0", ":1\r\n"},
	}
	for _, c := range cases {
		if got := f.doBytes(wordArgs(c.cmd)); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.cmd, got, c.want)
		}
	}
	// The invalid ID changed nothing, the last case released 1-0.
	if got, want := f.do("XPENDING", "s", "g", "-", "+", "10"), "*1\r\n*4\r\n"+bulk("1-0")+bulk("")+":-1\r\n:1\r\n"; got != want {
		t.Errorf("XPENDING = %q, want %q", got, want)
	}
}

// pendingExt is an extended XPENDING reply of records "id owner idle
// count" ("*" for any integer).
func pendingExt(recs ...string) string {
	var sb strings.Builder
	sb.WriteString("*" + strconv.Itoa(len(recs)) + "\r\n")
	for _, r := range recs {
		p := strings.Split(r, " ")
		sb.WriteString("*4\r\n" + bulk(p[0]) + bulk(p[1]) + ":" + p[2] + "\r\n:" + p[3] + "\r\n")
	}
	return sb.String()
}

// TestXNackExec runs XNACK with the commands that read or take released
// entries, each case from a fresh stream s with entries 1-0 .. 4-0, group
// g, 1-0 .. 3-0 delivered to c1 and 4-0 not delivered.
func TestXNackExec(t *testing.T) {
	type step struct {
		cmd  string
		want string
	}
	const maxCount = "9223372036854775807"
	tests := []struct {
		name  string
		steps []step
	}{
		{
			// redis.io's XNACK page: FAIL answers the number released and
			// XPENDING then shows consumer "" and idle -1.
			name: "documented FAIL example",
			steps: []step{
				{"XNACK s g FAIL IDS 2 1-0 2-0", ":2\r\n"},
				{"XPENDING s g - + 10", pendingExt("1-0  -1 1", "2-0  -1 1", "3-0 c1 * 1")},
				// go-redis's XNack tests: the summary counts every entry
				// and lists the consumers' own.
				{"XPENDING s g", "*4\r\n:3\r\n" + bulk("1-0") + bulk("3-0") + "*1\r\n*2\r\n" + bulk("c1") + bulk("1") + ""},
				{"XPENDING s g - + 10 c1", pendingExt("3-0 c1 * 1")},
				{"XPENDING s g IDLE 1000000 - + 10", pendingExt("1-0  -1 1", "2-0  -1 1")},
			},
		},
		{
			name: "SILENT, FATAL, RETRYCOUNT",
			steps: []step{
				{"XNACK s g SILENT IDS 1 1-0", ":1\r\n"},
				{"XNACK s g FATAL IDS 1 2-0", ":1\r\n"},
				{"XNACK s g SILENT IDS 1 3-0 RETRYCOUNT 7", ":1\r\n"},
				{"XPENDING s g - + 10", pendingExt("1-0  -1 0", "2-0  -1 "+maxCount, "3-0  -1 7")},
				// Released again: still counted, SILENT stays at 0.
				{"XNACK s g SILENT IDS 2 1-0 1-0", ":2\r\n"},
				{"XPENDING s g - + 1", pendingExt("1-0  -1 0")},
			},
		},
		{
			name: "not pending, FORCE",
			steps: []step{
				{"XNACK s g FAIL IDS 2 4-0 9-0", ":0\r\n"},
				{"XNACK s g FAIL IDS 2 4-0 9-0 FORCE", ":1\r\n"},
				{"XNACK s g FATAL FORCE IDS 1 5-0", ":0\r\n"},
				{"XPENDING s g 4-0 + 10", pendingExt("4-0  -1 0")},
				{"XGROUP CREATE s g2 $", "+OK\r\n"},
				{"XNACK s g2 FATAL FORCE IDS 2 1-0 2-0 RETRYCOUNT 3", ":2\r\n"},
				{"XNACK s g2 FATAL FORCE IDS 1 3-0", ":1\r\n"},
				{"XPENDING s g2 - + 10", pendingExt("1-0  -1 3", "2-0  -1 3", "3-0  -1 "+maxCount)},
			},
		},
		{
			// A plain '>' read does not deliver released entries (redis.io:
			// they are for XREADGROUP CLAIM, XCLAIM and XAUTOCLAIM).
			name: "'>' reads new entries only",
			steps: []step{
				{"XNACK s g FAIL IDS 1 1-0", ":1\r\n"},
				{"XREADGROUP GROUP g c2 STREAMS s >", "*1\r\n*2\r\n" + bulk("s") + "*1\r\n*2\r\n" + bulk("4-0") + "*2\r\n" + bulk("f") + bulk("v4")},
				{"XREADGROUP GROUP g c1 STREAMS s 0", "*1\r\n*2\r\n" + bulk("s") + "*2\r\n*2\r\n" + bulk("2-0") + "*2\r\n" + bulk("f") + bulk("v2") + "*2\r\n" + bulk("3-0") + "*2\r\n" + bulk("f") + bulk("v3")},
			},
		},
		{
			// The PR's delivery order: the NACK queue first, in release
			// order, then idle entries, then new ones.
			name: "XREADGROUP CLAIM takes the NACK queue first",
			steps: []step{
				{"XNACK s g FAIL IDS 1 3-0", ":1\r\n"},
				{"XNACK s g SILENT IDS 1 1-0", ":1\r\n"},
				{"XREADGROUP GROUP g c2 COUNT 2 CLAIM 3600000 STREAMS s >", claimRead("s", claimEntry("3-0 f v3", "-1", "1"), claimEntry("1-0 f v1", "-1", "0"))},
				{"XPENDING s g - + 10", pendingExt("1-0 c2 * 1", "2-0 c1 * 1", "3-0 c2 * 2")},
				{"XREADGROUP GROUP g c3 CLAIM 3600000 STREAMS s >", claimRead("s", claimEntry("4-0 f v4", "0", "0"))},
			},
		},
		{
			name: "XCLAIM and XAUTOCLAIM take released entries whatever min-idle-time",
			steps: []step{
				{"XNACK s g FAIL IDS 2 1-0 2-0", ":2\r\n"},
				{"XCLAIM s g c2 3600000 2-0 3-0 JUSTID", "*1\r\n" + bulk("2-0")},
				{"XAUTOCLAIM s g c3 3600000 0 JUSTID", "*3\r\n" + bulk("0-0") + "*1\r\n" + bulk("1-0") + "*0\r\n"},
				{"XPENDING s g - + 10", pendingExt("1-0 c3 * 1", "2-0 c2 * 1", "3-0 c1 * 1")},
			},
		},
		{
			name: "XACK, XINFO",
			steps: []step{
				{"XNACK s g FAIL IDS 2 1-0 2-0", ":2\r\n"},
				{"XINFO CONSUMERS s g", "*1\r\n*8\r\n" + bulk("name") + bulk("c1") + bulk("pending") + ":1\r\n" + bulk("idle") + ":*\r\n" + bulk("inactive") + ":*\r\n"},
				{"XINFO GROUPS s", "*1\r\n*12\r\n" + bulk("name") + bulk("g") + bulk("consumers") + ":1\r\n" + bulk("pending") + ":3\r\n" + bulk("last-delivered-id") + bulk("3-0") + bulk("entries-read") + ":3\r\n" + bulk("lag") + ":1\r\n"},
				{"XACK s g 1-0", ":1\r\n"},
				{"XPENDING s g - + 10", pendingExt("2-0  -1 1", "3-0 c1 * 1")},
			},
		},
		{
			// XGROUP DELCONSUMER drops only what the consumer still owns.
			name: "DELCONSUMER",
			steps: []step{
				{"XNACK s g FAIL IDS 1 1-0", ":1\r\n"},
				{"XGROUP DELCONSUMER s g c1", ":2\r\n"},
				{"XPENDING s g - + 10", pendingExt("1-0  -1 1")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, Options{})
			for i := 1; i <= 4; i++ {
				f.do("XADD", "s", strconv.Itoa(i)+"-0", "f", "v"+strconv.Itoa(i))
			}
			f.do("XGROUP", "CREATE", "s", "g", "0")
			f.do("XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "s", ">")
			for _, st := range tt.steps {
				if got := f.doBytes(wordArgs(st.cmd)); !matchReply(st.want, got) {
					t.Fatalf("%s:\n got %q\nwant %q", st.cmd, got, st.want)
				}
			}
			checkGroups(t, f.s)
		})
	}
}

// XINFO STREAM FULL shows a released entry with consumer "" and delivery
// time 0, and the group's nacked-count (Redis 8.8; go-redis's "should XNack
// nacked-count reflected in XINFO STREAM FULL"); a group with none
// released has no such field.
func TestXNackXInfoStreamFull(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-0", "f", "v")
	f.do("XADD", "s", "2-0", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	before := f.do("XINFO", "STREAM", "s", "FULL")
	if strings.Contains(before, "nacked-count") {
		t.Fatalf("nacked-count with nothing released: %q", before)
	}
	f.do("XNACK", "s", "g", "FAIL", "IDS", "1", "2-0")
	got := f.do("XINFO", "STREAM", "s", "FULL")
	for _, want := range []string{
		bulk("pel-count") + ":2\r\n" + bulk("pending") + "*2\r\n*4\r\n" + bulk("1-0") + bulk("c") + ":",
		"*4\r\n" + bulk("2-0") + bulk("") + ":0\r\n:1\r\n" + bulk("consumers"),
		bulk("pel-count") + ":1\r\n" + bulk("pending") + "*1\r\n*3\r\n" + bulk("1-0"),
		bulk("nacked-count") + ":1\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("XINFO STREAM FULL lacks %q:\n%q", want, got)
		}
	}
	f.do("XACK", "s", "g", "2-0")
	if after := f.do("XINFO", "STREAM", "s", "FULL"); strings.Contains(after, "nacked-count") {
		t.Fatalf("nacked-count after the released entry was acknowledged: %q", after)
	}
}

// A blocked XREADGROUP ... CLAIM wakes as soon as an entry is released,
// however long its min-idle-time, and gets it.
func TestXNackWakesBlockedClaimRead(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "s", "1-0", "f", "v1")
	a.do("XGROUP", "CREATE", "s", "g", "0")
	a.do("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
	b.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "10000", "CLAIM", "3600000", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	start := time.Now()
	if got := a.do("XNACK", "s", "g", "FAIL", "IDS", "1", "1-0"); got != ":1\r\n" {
		t.Fatalf("XNACK = %q", got)
	}
	if got, want := b.read(5*time.Second), claimRead("s", claimEntry("1-0 f v1", "-1", "1")); got != want {
		t.Fatalf("woken reply %q, want %q", got, want)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("woken after %v", d)
	}
	waitBlocked(t, s, 0)
	if got, want := a.do("XPENDING", "s", "g", "-", "+", "10"), "*1\r\n"+xpendingLine("1-0", "c2", 2); !matchReply(want, got) {
		t.Fatalf("XPENDING after the woken claim = %q, want %q", got, want)
	}
	// A plain blocked '>' read is not woken by a release: it times out.
	b.send("XREADGROUP", "GROUP", "g", "c3", "BLOCK", "300", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	a.do("XNACK", "s", "g", "FAIL", "IDS", "1", "1-0")
	if got := b.read(5 * time.Second); got != "*-1\r\n" {
		t.Fatalf("plain '>' read got %q after a release, want a timeout", got)
	}
}
