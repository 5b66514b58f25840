package commands

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// clockFields matches the replies' time-dependent integers, which a restart
// may change.
var clockFields = regexp.MustCompile(`((idle|inactive|seen-time|active-time)\r\n):-?\d+`)

// pendingIdle matches the idle time of an extended XPENDING entry.
var pendingIdle = regexp.MustCompile(`(\*4\r\n\$\d+\r\n\d+-\d+\r\n\$\d+\r\n[^\r]*\r\n):\d+`)

// TestQA6GroupsNodesSurviveRestart mixes stream writes with consumer group
// commands under small node limits and under appendfsync always and no
// (merged batches), restarting now and then: streams, groups, consumers and
// PELs must come back the same.
func TestQA6GroupsNodesSurviveRestart(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("QA6_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 6))
	dir := t.TempDir()
	policy := persist.No
	if r.IntN(2) == 0 {
		policy = persist.Always
	}
	open := func() *fake {
		p, err := persist.Open(dir, persist.Options{Fsync: policy})
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
	keys := []string{"a", "b"}
	groups := []string{"g1", "g2"}
	snapshot := func(f *fake) string {
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(f.do("XRANGE", k, "-", "+"))
			b.WriteString(f.do("XLEN", k))
			b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", k), "$1:?"))
			b.WriteString(clockFields.ReplaceAllString(f.do("XINFO", "GROUPS", k), "$1:?"))
			for _, g := range groups {
				b.WriteString(f.do("XPENDING", k, g))
				b.WriteString(pendingIdle.ReplaceAllString(f.do("XPENDING", k, g, "-", "+", "1000"), "$1:?"))
				b.WriteString(clockFields.ReplaceAllString(f.do("XINFO", "CONSUMERS", k, g), "$1:?"))
			}
		}
		return b.String()
	}
	f := open()
	ms := uint64(1)
	xadd := func(k string, trim ...string) []string {
		ms += uint64(r.IntN(3))
		args := append([]string{"XADD", k}, trim...)
		return append(args, fmt.Sprintf("%d-*", ms), "f", fmt.Sprint(r.IntN(1000)))
	}
	randID := func() string { return fmt.Sprintf("%d-%d", 1+r.Uint64N(ms+1), r.IntN(3)) }
	one := func(k string) []string {
		g := groups[r.IntN(len(groups))]
		cons := fmt.Sprint("c", r.IntN(3))
		switch op := r.IntN(100); {
		case op < 30:
			return xadd(k)
		case op < 34:
			return xadd(k, "MAXLEN", fmt.Sprint(r.IntN(20)))
		case op < 36:
			return xadd(k, "MAXLEN", "~", fmt.Sprint(r.IntN(20)))
		case op < 46:
			return []string{"XDEL", k, randID(), randID()}
		case op < 49:
			return []string{"XTRIM", k, "MINID", randID()}
		case op < 50:
			return []string{"XTRIM", k, "MAXLEN", "~", fmt.Sprint(r.IntN(20)), "LIMIT", fmt.Sprint(r.IntN(10))}
		case op < 53:
			return []string{"XGROUP", "CREATE", k, g, "0", "MKSTREAM"}
		case op < 55:
			return []string{"XGROUP", "SETID", k, g, randID()}
		case op < 56:
			return []string{"XGROUP", "SETID", k, g, "0"}
		case op < 67:
			return []string{"XREADGROUP", "GROUP", g, cons, "COUNT", fmt.Sprint(1 + r.IntN(4)), "STREAMS", k, ">"}
		case op < 69:
			return []string{"XREADGROUP", "GROUP", g, cons, "STREAMS", k, "0"}
		case op < 76:
			return []string{"XACK", k, g, randID(), randID()}
		case op < 79:
			return []string{"XCLAIM", k, g, cons, "0", randID(), randID()}
		case op < 80:
			return []string{"XCLAIM", k, g, cons, "0", randID(), "FORCE"}
		case op < 82:
			return []string{"XAUTOCLAIM", k, g, cons, "0", "0", "COUNT", fmt.Sprint(1 + r.IntN(5))}
		case op < 83:
			return []string{"XGROUP", "DELCONSUMER", k, g, cons}
		case op < 84:
			return []string{"XGROUP", "DESTROY", k, g}
		case op < 85:
			return []string{"XGROUP", "CREATECONSUMER", k, g, cons}
		case op < 86:
			return []string{"DEL", k}
		case op < 88:
			return []string{"CONFIG", "SET", "stream-node-max-entries", fmt.Sprint(1 + r.IntN(8))}
		case op < 89:
			return []string{"CONFIG", "SET", "stream-node-max-bytes", fmt.Sprint(20 + r.IntN(200))}
		case op < 90:
			if m := firstReplyID.FindStringSubmatch(f.do("XREVRANGE", k, "+", "-", "COUNT", "1")); m != nil {
				return []string{"XSETID", k, m[1]}
			}
			return xadd(k)
		case op < 91:
			return []string{"RENAME", k, keys[r.IntN(len(keys))]}
		default:
			return []string{"XSETID", k, fmt.Sprintf("%d-0", ms+uint64(r.IntN(2)))}
		}
	}
	steps, restarts := 1500, 0
	for step := 0; step < steps; step++ {
		k := keys[r.IntN(len(keys))]
		var cmds [][]string
		switch op := r.IntN(100); {
		case op < 80:
			cmds = append(cmds, one(k))
		case op < 85:
			// Lower the last ID below deleted entries.
			if m := firstReplyID.FindStringSubmatch(f.do("XREVRANGE", k, "+", "-", "COUNT", "1")); m != nil {
				cmds = append(cmds, []string{"XSETID", k, fmt.Sprintf("%d-0", ms+1), "MAXDELETEDID", "0-1"}, []string{"XSETID", k, m[1]})
			}
		case op < 96:
			cmds = append(cmds, []string{"MULTI"})
			for i := r.IntN(15); i >= 0; i-- {
				cmds = append(cmds, one(k))
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
	}
	before := snapshot(f)
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	f = open()
	if after := snapshot(f); after != before {
		t.Fatalf("final: after restart:\n%q\nwant\n%q", after, before)
	}
	t.Logf("%d restarts, policy %v", restarts, policy)
}

// qa6Restart closes f's server and opens the store in dir again, loading
// it into a new server; it fails the test if Load fails.
func qa6Restart(t *testing.T, f *fake, dir string) *fake {
	t.Helper()
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := persist.Open(dir, persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := newFake(t, Options{Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatalf("load after restart: %v", err)
	}
	return g
}

// TestQA6FreshNodeClosedTwiceOverOtherNode: in one merged batch a node N
// opens and closes, the node M after it opens and closes, every entry
// after N is deleted so N becomes the last node again, the node limit
// grows and N takes more entries and closes again. N's second record is
// fresh (its first entry is in the batch) and written without its range
// deletion, so the loose records of the entries N took after M's span must
// not be written: a restart must bring the stream back as it was.
func TestQA6FreshNodeClosedTwiceOverOtherNode(t *testing.T) {
	dir := t.TempDir()
	p, err := persist.Open(dir, persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, Options{Store: p})
	f.do("CONFIG", "SET", "stream-node-max-entries", "3")
	cmds := [][]string{{"MULTI"}}
	for i := 10; i <= 16; i++ {
		cmds = append(cmds, []string{"XADD", "k", fmt.Sprintf("%d-0", i), "f", fmt.Sprint(i)})
	}
	cmds = append(cmds, []string{"XDEL", "k", "16-0"}, []string{"XDEL", "k", "13-0", "14-0", "15-0"},
		[]string{"CONFIG", "SET", "stream-node-max-entries", "10"})
	for i := 17; i <= 24; i++ {
		cmds = append(cmds, []string{"XADD", "k", fmt.Sprintf("%d-0", i), "f", fmt.Sprint(i)})
	}
	cmds = append(cmds, []string{"EXEC"})
	for _, c := range cmds {
		f.do(c...)
	}
	want := f.do("XRANGE", "k", "-", "+") + f.do("XLEN", "k") + radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", "k"), "$1:?")
	g := qa6Restart(t, f, dir)
	got := g.do("XRANGE", "k", "-", "+") + g.do("XLEN", "k") + radixCounts.ReplaceAllString(g.do("XINFO", "STREAM", "k"), "$1:?")
	if got != want {
		t.Fatalf("after restart:\n%q\nwant\n%q", got, want)
	}
}
