package commands

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// TestRefPoliciesSurviveRestart runs XDELEX, XACKDEL and the trims'
// reference policies under small nodes (so deletions empty and drop
// nodes), restarting after each step under both fsync policies: XRANGE,
// XPENDING and XINFO STREAM FULL must read the same before and after.
func TestRefPoliciesSurviveRestart(t *testing.T) {
	for _, policy := range []persist.FsyncPolicy{persist.Always, persist.No} {
		t.Run(fmt.Sprint(policy), func(t *testing.T) {
			dir := t.TempDir()
			open := func() *fake {
				return openStored(t, dir, persist.Options{Fsync: policy}, []string{"CONFIG", "SET", "stream-node-max-entries", "3"})
			}
			snapshot := func(f *fake) string {
				var b strings.Builder
				b.WriteString(f.do("XRANGE", "s", "-", "+"))
				b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", "s", "FULL"), "$1:?"))
				for _, g := range []string{"g1", "g2"} {
					b.WriteString(f.do("XPENDING", "s", g))
					b.WriteString(pendingIdle.ReplaceAllString(f.do("XPENDING", "s", g, "-", "+", "100"), "$1:?"))
				}
				b.WriteString(f.do("XRANGE", "t", "-", "+"))
				b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", "t", "FULL"), "$1:?"))
				return b.String()
			}
			f := open()
			setup := []string{"XGROUP CREATE s g1 0 MKSTREAM", "XGROUP CREATE s g2 0"}
			for i := 1; i <= 20; i++ {
				setup = append(setup, fmt.Sprintf("XADD s %d-0 f %d", i, i))
			}
			setup = append(setup,
				"XREADGROUP GROUP g1 a COUNT 12 STREAMS s >",
				"XREADGROUP GROUP g2 b COUNT 6 STREAMS s >")
			for _, c := range setup {
				f.doBytes(wordArgs(c))
			}
			f = restartSame(t, f, open, snapshot, "setup")
			steps := []struct{ cmd, want string }{
				{"XDELEX s KEEPREF IDS 2 1-0 2-0", codes(1, 1)},
				{"XDELEX s DELREF IDS 3 3-0 2-0 7-0", codes(1, -1, 1)},
				{"XDELEX s ACKED IDS 2 4-0 19-0", codes(2, 2)},
				{"XACKDEL s g1 ACKED IDS 2 4-0 5-0", codes(2, 2)},
				{"XACKDEL s g2 ACKED IDS 2 4-0 5-0", codes(1, 1)},
				{"XACKDEL s g1 DELREF IDS 2 6-0 8-0", codes(1, 1)},
				{"XACKDEL s g2 KEEPREF IDS 2 9-0 1-0", codes(-1, 1)},
				{"XTRIM s MINID 12 DELREF", ""},
				{"XACK s g1 12-0", ":1\r\n"},
				{"XREADGROUP GROUP g2 b STREAMS s >", ""},
				{"XACK s g2 12-0 13-0 15-0 16-0", ":4\r\n"},
				{"XREADGROUP GROUP g1 a STREAMS s >", ""},
				{"XACK s g1 13-0 14-0 16-0", ":3\r\n"},
				{"XTRIM s MAXLEN 0 ACKED", ""},
				{"XADD s MAXLEN 1 ACKED 21-0 f 21", bulk("21-0")},
				{"XACKDEL s g1 ACKED IDS 3 15-0 17-0 20-0", ""},
				// Nodes [1 2 3] [4 5 6] [7 8 9]: 2-0 stays pending, 6-0
				// is a tombstone, so the ACKED trim leaves the second
				// node with tombstones only, behind a node it keeps.
				{"XGROUP CREATE t h 0 MKSTREAM", "+OK\r\n"},
				{"XADD t 1-0 f 1", ""}, {"XADD t 2-0 f 2", ""}, {"XADD t 3-0 f 3", ""},
				{"XADD t 4-0 f 4", ""}, {"XADD t 5-0 f 5", ""}, {"XADD t 6-0 f 6", ""},
				{"XADD t 7-0 f 7", ""}, {"XADD t 8-0 f 8", ""}, {"XADD t 9-0 f 9", ""},
				{"XREADGROUP GROUP h c STREAMS t >", ""},
				{"XACK t h 1-0 3-0 4-0 5-0 6-0 7-0 8-0 9-0", ":8\r\n"},
				{"XDEL t 6-0", ":1\r\n"},
				{"XTRIM t MINID 6 ACKED", ":4\r\n"},
				{"XTRIM t MAXLEN 0 ACKED", ":3\r\n"},
			}
			for _, st := range steps {
				if got := f.doBytes(wordArgs(st.cmd)); st.want != "" && got != st.want {
					t.Fatalf("%s: %q, want %q", st.cmd, got, st.want)
				}
				f = restartSame(t, f, open, snapshot, st.cmd)
			}
			if got := f.do("XLEN", "s"); got == ":0\r\n" || got == ":20\r\n" {
				t.Errorf("the steps left XLEN %q: they did not exercise partial deletions", got)
			}
		})
	}
}

// TestRefPoliciesRandomRestart mixes random XDELEX, XACKDEL and policy
// trims with the commands that fill the groups' PELs, under small nodes,
// restarting now and then: every restart must give back the same streams,
// groups and PELs. The seed is logged; REF_SEED replays one.
func TestRefPoliciesRandomRestart(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("REF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (REF_SEED=%d replays it)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 82))
	dir := t.TempDir()
	policy := persist.No
	if r.IntN(2) == 0 {
		policy = persist.Always
	}
	open := func() *fake {
		return openStored(t, dir, persist.Options{Fsync: policy}, []string{"CONFIG", "SET", "stream-node-max-entries", fmt.Sprint(1 + r.IntN(5))})
	}
	groups := []string{"g1", "g2"}
	snapshot := func(f *fake) string {
		var b strings.Builder
		b.WriteString(f.do("XRANGE", "s", "-", "+"))
		b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", "s", "FULL"), "$1:?"))
		for _, g := range groups {
			b.WriteString(f.do("XPENDING", "s", g))
			b.WriteString(pendingIdle.ReplaceAllString(f.do("XPENDING", "s", g, "-", "+", "1000"), "$1:?"))
		}
		return b.String()
	}
	f := open()
	f.do("XGROUP", "CREATE", "s", "g1", "0", "MKSTREAM")
	f.do("XGROUP", "CREATE", "s", "g2", "0")
	ms := 1
	pol := func() string { return []string{"KEEPREF", "DELREF", "ACKED"}[r.IntN(3)] }
	ids := func() []string {
		n := 1 + r.IntN(3)
		out := []string{"IDS", fmt.Sprint(n)}
		for range n {
			out = append(out, fmt.Sprintf("%d-0", 1+r.IntN(ms)))
		}
		return out
	}
	for i := range 240 {
		var cmd []string
		switch op := r.IntN(100); {
		case op < 35:
			ms++
			cmd = []string{"XADD", "s", fmt.Sprintf("%d-0", ms), "f", fmt.Sprint(ms)}
			if r.IntN(6) == 0 {
				cmd = []string{"XADD", "s", "MAXLEN", fmt.Sprint(r.IntN(12)), pol(), fmt.Sprintf("%d-0", ms), "f", "x"}
			}
		case op < 50:
			cmd = []string{"XREADGROUP", "GROUP", groups[r.IntN(2)], fmt.Sprint("c", r.IntN(2)), "COUNT", fmt.Sprint(1 + r.IntN(4)), "STREAMS", "s", ">"}
		case op < 60:
			cmd = []string{"XACK", "s", groups[r.IntN(2)], fmt.Sprintf("%d-0", 1+r.IntN(ms)), fmt.Sprintf("%d-0", 1+r.IntN(ms))}
		case op < 65:
			cmd = []string{"XDEL", "s", fmt.Sprintf("%d-0", 1+r.IntN(ms))}
		case op < 78:
			cmd = append([]string{"XDELEX", "s", pol()}, ids()...)
		case op < 90:
			cmd = append([]string{"XACKDEL", "s", groups[r.IntN(2)], pol()}, ids()...)
		case op < 95:
			cmd = []string{"XTRIM", "s", "MINID", fmt.Sprintf("%d-0", 1+r.IntN(ms)), pol()}
		default:
			approx := []string{"=", "~"}[r.IntN(2)]
			cmd = []string{"XTRIM", "s", "MAXLEN", approx, fmt.Sprint(r.IntN(10)), pol()}
		}
		if got := f.do(cmd...); strings.HasPrefix(got, "-") {
			t.Fatalf("#%d %v: %q", i, cmd, got)
		}
		if i%20 == 19 {
			f = restartSame(t, f, open, snapshot, fmt.Sprintf("after #%d %v", i, cmd))
			if err := f.object("s").Groups.Check(); err != nil {
				t.Fatalf("after #%d: groups: %v", i, err)
			}
		}
	}
}
