package commands

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// radixCounts matches XINFO STREAM's node counts, which a restart may
// change: loading keeps the closed nodes but packs the entries written
// since into nodes of its own.
var radixCounts = regexp.MustCompile(`(radix-tree-(keys|nodes)\r\n):\d+`)

// firstReplyID matches the first entry ID of an XRANGE-style reply.
var firstReplyID = regexp.MustCompile(`\$\d+\r\n(\d+-\d+)\r\n`)

// openStored opens the store in dir and a server on it, runs the setup
// commands (node limits, which apply to the streams loaded) and loads the
// store; it fails the test on any error.
func openStored(t *testing.T, dir string, opts persist.Options, setup ...[]string) *fake {
	t.Helper()
	p, err := persist.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, Options{Store: p})
	for _, c := range setup {
		f.do(c...)
	}
	if _, err := f.s.Load(p); err != nil {
		t.Fatalf("load: %v", err)
	}
	return f
}

// restartSame closes f's server, starts the next one with open and fails
// the test, naming when, if snapshot tells the two apart. It returns the
// new server.
func restartSame(t *testing.T, f *fake, open func() *fake, snapshot func(*fake) string, when string) *fake {
	t.Helper()
	before := snapshot(f)
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	f = open()
	if after := snapshot(f); after != before {
		t.Fatalf("%s: after restart:\n%q\nwant\n%q", when, after, before)
	}
	return f
}

// TestNodesSurviveRestart writes random XADDs (some trimming, exact or
// not), XDELs, XTRIMs, XSETIDs, DELs and MULTI blocks under small and
// changing node limits, so that nodes close, are persisted whole, get
// entries deleted or trimmed inside them, become the last node again and
// are dropped, and restarts from the store now and then: every stream must
// come back with the same entries and metadata.
func TestNodesSurviveRestart(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 5))
	dir := t.TempDir()
	open := func() *fake {
		return openStored(t, dir, persist.Options{}, []string{"CONFIG", "SET", "stream-node-max-entries", fmt.Sprint(1 + r.IntN(8))})
	}
	keys := []string{"a", "b", "c"}
	snapshot := func(f *fake) string {
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(f.do("XRANGE", k, "-", "+"))
			b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", k), "$1:?"))
		}
		return b.String()
	}
	f := open()
	ms := uint64(1)
	steps, restarts := 2500, 0
	if testing.Short() {
		steps = 800
	}
	xadd := func(k string, trim ...string) []string {
		ms += uint64(r.IntN(3))
		args := append([]string{"XADD", k}, trim...)
		return append(args, fmt.Sprintf("%d-*", ms), "f", fmt.Sprint(r.IntN(1000)), "g", strings.Repeat("x", r.IntN(40)))
	}
	randID := func() string { return fmt.Sprintf("%d-%d", 1+r.Uint64N(ms+1), r.IntN(3)) }
	for step := 0; step < steps; step++ {
		k := keys[r.IntN(len(keys))]
		var cmds [][]string
		switch op := r.IntN(100); {
		case op < 45:
			cmds = append(cmds, xadd(k))
		case op < 52:
			cmds = append(cmds, xadd(k, "MAXLEN", fmt.Sprint(r.IntN(30))))
		case op < 55:
			cmds = append(cmds, xadd(k, "MAXLEN", "~", fmt.Sprint(r.IntN(30))))
		case op < 75:
			cmds = append(cmds, []string{"XDEL", k, randID(), randID()})
		case op < 80:
			cmds = append(cmds, []string{"XTRIM", k, "MINID", randID()})
		case op < 81:
			cmds = append(cmds, []string{"XSETID", k, fmt.Sprintf("%d-0", ms+uint64(r.IntN(2)))})
		case op < 82:
			// Lower the last ID to the last live entry, below the entries
			// deleted after it, whose IDs the next XADDs may then reuse.
			if m := firstReplyID.FindStringSubmatch(f.do("XREVRANGE", k, "+", "-", "COUNT", "1")); m != nil {
				cmds = append(cmds, []string{"XSETID", k, fmt.Sprintf("%d-0", ms+1), "MAXDELETEDID", "0-1"}, []string{"XSETID", k, m[1]})
			}
		case op < 83:
			cmds = append(cmds, []string{"DEL", k})
		case op < 86:
			cmds = append(cmds, []string{"CONFIG", "SET", "stream-node-max-entries", fmt.Sprint(1 + r.IntN(8))})
		case op < 95:
			cmds = append(cmds, []string{"MULTI"})
			for i := r.IntN(20); i >= 0; i-- {
				if r.IntN(5) == 0 {
					cmds = append(cmds, []string{"XDEL", k, randID()})
				} else {
					cmds = append(cmds, xadd(k))
				}
			}
			cmds = append(cmds, []string{"EXEC"})
		default:
			f = restartSame(t, f, open, snapshot, fmt.Sprintf("step %d", step))
			restarts++
			continue
		}
		for _, c := range cmds {
			f.do(c...)
		}
		checkStreams(t, f.s)
	}
	f.s.dur.mu.Lock()
	loaded := f.s.dur.loaded
	f.s.dur.mu.Unlock()
	t.Logf("%d restarts; last load: %v", restarts, loaded)
	if restarts == 0 {
		t.Fatal("no restart happened")
	}
}

// TestDeletedNodesLeaveNoRecords deletes every entry of a stream one by one
// (a job queue's XDEL after processing): the node records go with their
// last entries, so a restart finds no node records and no entries.
func TestDeletedNodesLeaveNoRecords(t *testing.T) {
	dir := t.TempDir()
	p, err := persist.Open(dir, persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, Options{Store: p})
	f.do("CONFIG", "SET", "stream-node-max-entries", "5")
	for i := 1; i <= 40; i++ {
		f.do("XADD", "q", fmt.Sprintf("%d-0", i), "job", fmt.Sprint(i))
	}
	for i := 1; i <= 39; i++ {
		if got := f.do("XDEL", "q", fmt.Sprintf("%d-0", i)); got != ":1\r\n" {
			t.Fatalf("XDEL %d: %q", i, got)
		}
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = persist.Open(dir, persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := newFake(t, Options{Store: p})
	st, err := g.s.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != 0 || st.Entries != 1 {
		t.Fatalf("after deleting all but the last entry: %v", st)
	}
	if got := g.do("XRANGE", "q", "-", "+"); !strings.Contains(got, "40-0") || strings.Count(got, "job") != 1 {
		t.Fatalf("XRANGE after restart: %q", got)
	}
}

// TestXSetIDBelowDeletedEntriesSurvivesRestart: XSETID may lower the last
// ID below entries XDEL removed (after lowering the max deleted ID), and
// XADD may then reuse their IDs. The node that held the deleted entries
// must not keep them, or the store would hold two nodes spanning the same
// IDs and closing the new one would drop the old one's record with its
// live entries. Each sequence runs with and without MULTI (one merged
// batch), and the stream must come back the same after a restart.
func TestXSetIDBelowDeletedEntriesSurvivesRestart(t *testing.T) {
	add := func(from, to int) [][]string {
		var cmds [][]string
		for i := from; i <= to; i++ {
			cmds = append(cmds, []string{"XADD", "k", fmt.Sprintf("%d-0", i), "f", fmt.Sprint(i)})
		}
		return cmds
	}
	seq := func(parts ...[][]string) [][]string {
		var cmds [][]string
		for _, p := range parts {
			cmds = append(cmds, p...)
		}
		return cmds
	}
	lower := func(deleted, to string) [][]string {
		return [][]string{{"XDEL", "k", deleted}, {"XSETID", "k", deleted, "MAXDELETEDID", "0-1"}, {"XSETID", "k", to}}
	}
	cases := []struct {
		name  string
		limit string
		cmds  [][]string
	}{
		// The node of 1-0..3-0 is full; 3-0 is re-added into a new node.
		{"full-node", "3", seq(add(1, 3), lower("3-0", "2-5"), add(3, 7))},
		// The cut node is the open last node and takes the new entries.
		{"open-node", "5", seq(add(1, 3), lower("3-0", "2-5"), add(3, 12))},
		// Several deleted entries above the new last ID, across a closed node.
		{"two-deleted", "4", seq(add(1, 6), [][]string{{"XDEL", "k", "5-0", "6-0"}}, lower("4-0", "3-0")[1:], add(4, 14))},
		// Every entry of the last node deleted: it goes, the one before stays.
		{"whole-node", "2", seq(add(1, 4), [][]string{{"XDEL", "k", "3-0", "4-0"}, {"XSETID", "k", "4-0", "MAXDELETEDID", "0-1"}, {"XSETID", "k", "2-0"}}, add(3, 9))},
	}
	for _, tc := range cases {
		for _, multi := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/multi=%v", tc.name, multi), func(t *testing.T) {
				dir := t.TempDir()
				open := func() *fake {
					return openStored(t, dir, persist.Options{}, []string{"CONFIG", "SET", "stream-node-max-entries", tc.limit})
				}
				f := open()
				if multi {
					f.do("MULTI")
				}
				for _, c := range tc.cmds {
					f.do(c...)
				}
				if multi {
					f.do("EXEC")
				}
				checkStreams(t, f.s)
				f = restartSame(t, f, open, func(f *fake) string {
					return f.do("XRANGE", "k", "-", "+") + f.do("XLEN", "k")
				}, "first")
				// And once more after the nodes written since close again.
				for i := 100; i < 110; i++ {
					f.do("XADD", "k", fmt.Sprintf("%d-0", i), "f", "x")
				}
				f = restartSame(t, f, open, func(f *fake) string { return f.do("XRANGE", "k", "-", "+") }, "second")
				f.s.Close()
			})
		}
	}
}
