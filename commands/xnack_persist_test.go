package commands

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/rdb"
)

// TestXNackSurvivesRestart releases entries in every mode (and with FORCE
// and RETRYCOUNT), restarting after each step under both fsync policies:
// XPENDING, XINFO STREAM FULL and XINFO CONSUMERS must read the same
// before and after (of a COPY too), and the NACK queue must come back in
// its order, which a CLAIM read after the last restart shows.
func TestXNackSurvivesRestart(t *testing.T) {
	for _, policy := range []persist.FsyncPolicy{persist.Always, persist.No} {
		t.Run(fmt.Sprint(policy), func(t *testing.T) {
			dir := t.TempDir()
			open := func() *fake { return openStored(t, dir, persist.Options{Fsync: policy}) }
			snapshot := func(f *fake) string {
				var b strings.Builder
				b.WriteString(f.do("XINFO", "STREAM", "s", "FULL"))
				for _, k := range []string{"s", "copy"} {
					for _, g := range []string{"g1", "g2"} {
						b.WriteString(f.do("XPENDING", k, g))
						b.WriteString(pendingIdle.ReplaceAllString(f.do("XPENDING", k, g, "-", "+", "100"), "$1:?"))
						b.WriteString(clockFields.ReplaceAllString(f.do("XINFO", "CONSUMERS", k, g), "$1:?"))
					}
				}
				b.WriteString(f.do("XINFO", "STREAM", "copy", "FULL"))
				return b.String()
			}
			f := open()
			setup := []string{"XGROUP CREATE s g1 0 MKSTREAM", "XGROUP CREATE s g2 0"}
			for i := 1; i <= 8; i++ {
				setup = append(setup, fmt.Sprintf("XADD s %d-0 f %d", i, i))
			}
			setup = append(setup,
				"XREADGROUP GROUP g1 a COUNT 6 STREAMS s >",
				"XREADGROUP GROUP g2 b COUNT 2 STREAMS s >")
			for _, c := range setup {
				f.doBytes(wordArgs(c))
			}
			f = restartSame(t, f, open, snapshot, "setup")
			steps := []struct{ cmd, want string }{
				{"XNACK s g1 FAIL IDS 1 5-0", ":1\r\n"},
				{"XNACK s g1 SILENT IDS 2 2-0 9-0", ":1\r\n"},
				{"XNACK s g1 FATAL IDS 1 3-0", ":1\r\n"},
				{"XNACK s g1 FAIL IDS 1 4-0 RETRYCOUNT 9", ":1\r\n"},
				{"XNACK s g2 FAIL FORCE IDS 2 7-0 1-0", ":2\r\n"},
				{"XNACK s g1 FAIL IDS 1 5-0", ":1\r\n"}, // to the back of the queue
				{"XACK s g1 2-0", ":1\r\n"},
				{"XCLAIM s g1 c 0 3-0 JUSTID", "*1\r\n" + bulk("3-0")},
				{"COPY s copy", ":1\r\n"}, // the copy keeps the releases
			}
			for _, st := range steps {
				if got := f.doBytes(wordArgs(st.cmd)); got != st.want {
					t.Fatalf("%s: %q, want %q", st.cmd, got, st.want)
				}
				f = restartSame(t, f, open, snapshot, st.cmd)
			}
			// The queue kept its order: 4-0 then 5-0 (released again
			// last); 7-0 then 1-0 in g2. Later releases go behind them.
			f.do("XNACK", "s", "g1", "FAIL", "IDS", "1", "1-0")
			want := claimRead("s", claimEntry("4-0 f 4", "-1", "9"), claimEntry("5-0 f 5", "-1", "1"), claimEntry("1-0 f 1", "-1", "1"))
			if got := f.do("XREADGROUP", "GROUP", "g1", "d", "COUNT", "3", "CLAIM", "3600000", "STREAMS", "s", ">"); got != want {
				t.Fatalf("CLAIM read after the restarts:\n got %q\nwant %q", got, want)
			}
			want = claimRead("s", claimEntry("7-0 f 7", "-1", "0"), claimEntry("1-0 f 1", "-1", "1"))
			if got := f.do("XREADGROUP", "GROUP", "g2", "d", "COUNT", "2", "CLAIM", "3600000", "STREAMS", "s", ">"); got != want {
				t.Fatalf("g2 CLAIM read after the restarts:\n got %q\nwant %q", got, want)
			}
			want = claimRead("copy", claimEntry("4-0 f 4", "-1", "9"), claimEntry("5-0 f 5", "-1", "1"), claimEntry("7-0 f 7", "0", "0"))
			if got := f.do("XREADGROUP", "GROUP", "g1", "d", "COUNT", "3", "CLAIM", "3600000", "STREAMS", "copy", ">"); got != want {
				t.Fatalf("CLAIM read of the copy after the restarts:\n got %q\nwant %q", got, want)
			}
			f = restartSame(t, f, open, snapshot, "the claims")
			checkGroups(t, f.s)
		})
	}
}

// TestRestoredNegativeDeliveryTimeSurvivesRestart restores a payload whose
// consumer "" owns entries delivered before the epoch (no command makes
// such times, XCLAIM clamps them, but a payload may carry them). The store
// records a released entry as owned by "" with a negative time, so these
// must not be stored as they are: a restart would read them as released,
// or refuse the directory as corrupt when two share a time.
func TestRestoredNegativeDeliveryTimeSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *fake { return openStored(t, dir, persist.Options{}) }
	snapshot := func(f *fake) string {
		return pendingIdle.ReplaceAllString(f.do("XPENDING", "dst", "g", "-", "+", "10"), "$1:?") +
			f.do("XPENDING", "dst", "g") + f.do("XINFO", "GROUPS", "dst")
	}
	f := open()
	for _, c := range []string{"XADD src 1-0 f v", "XADD src 2-0 f v", "XGROUP CREATE src g 0"} {
		f.doBytes(wordArgs(c))
	}
	f.do("XREADGROUP", "GROUP", "g", "", "STREAMS", "src", ">")
	f.do("XCLAIM", "src", "g", "", "0", "1-0", "2-0", "TIME", "123456789", "JUSTID")
	o := f.object("src")
	enc := rdb.Encode(o.Stream, o.Groups)
	var from, to [8]byte
	binary.LittleEndian.PutUint64(from[:], 123456789)
	binary.LittleEndian.PutUint64(to[:], ^uint64(4)) // -5
	body := bytes.ReplaceAll(enc[:len(enc)-10], from[:], to[:])
	if got := f.do("RESTORE", "dst", "0", string(signPayload(body, 10))); got != "+OK\r\n" {
		t.Fatalf("RESTORE: %q", got)
	}
	if got := f.do("XINFO", "STREAM", "dst", "FULL"); strings.Contains(got, "nacked-count") {
		t.Fatalf("restored entries are released: %q", got)
	}
	f = restartSame(t, f, open, snapshot, "the RESTORE")
	if got := f.do("XINFO", "STREAM", "dst", "FULL"); strings.Contains(got, "nacked-count") {
		t.Fatalf("restored entries released after the restart: %q", got)
	}
	checkGroups(t, f.s)
}
