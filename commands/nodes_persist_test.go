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
		p, err := persist.Open(dir, persist.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := newFake(t, Options{Store: p})
		f.do("CONFIG", "SET", "stream-node-max-entries", fmt.Sprint(1+r.IntN(8)))
		if _, err := f.s.Load(p); err != nil {
			t.Fatal(err)
		}
		return f
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
		case op < 82:
			cmds = append(cmds, []string{"XSETID", k, fmt.Sprintf("%d-0", ms+uint64(r.IntN(2)))})
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
			before := snapshot(f)
			if err := f.s.Close(); err != nil {
				t.Fatal(err)
			}
			f = open()
			restarts++
			if after := snapshot(f); after != before {
				t.Fatalf("step %d: after restart:\n%q\nwant\n%q", step, after, before)
			}
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
