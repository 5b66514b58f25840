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
		return openStored(t, dir, persist.Options{Fsync: policy}, []string{"CONFIG", "SET", "stream-node-max-entries", fmt.Sprint(1 + r.IntN(8))})
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
		case op < 68:
			return []string{"XREADGROUP", "GROUP", g, cons, "STREAMS", k, "0"}
		case op < 69:
			return []string{"XREADGROUP", "GROUP", g, cons, "COUNT", fmt.Sprint(1 + r.IntN(4)), "CLAIM", "0", "STREAMS", k, ">"}
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
			f = restartSame(t, f, open, snapshot, fmt.Sprintf("step %d", step))
			restarts++
			continue
		}
		for _, c := range cmds {
			f.do(c...)
		}
	}
	restartSame(t, f, open, snapshot, "final")
	t.Logf("%d restarts, policy %v", restarts, policy)
}

// qa6Restart closes f's server and opens the store in dir again, loading
// it into a new server; it fails the test if Load fails.
func qa6Restart(t *testing.T, f *fake, dir string) *fake {
	t.Helper()
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	return openStored(t, dir, persist.Options{})
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

// qa6Snap is what a restart must not change of keys in every database
// (groups named g and h; consumers' clocks masked).
func qa6Snap(f *fake, keys ...string) string {
	var b strings.Builder
	for db := 0; db < 3; db++ {
		f.do("SELECT", fmt.Sprint(db))
		for _, k := range keys {
			b.WriteString(f.do("XRANGE", k, "-", "+"))
			b.WriteString(f.do("XLEN", k))
			b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", k), "$1:?"))
			b.WriteString(clockFields.ReplaceAllString(f.do("XINFO", "GROUPS", k), "$1:?"))
			for _, g := range []string{"g", "h"} {
				b.WriteString(f.do("XPENDING", k, g))
				b.WriteString(pendingIdle.ReplaceAllString(f.do("XPENDING", k, g, "-", "+", "1000"), "$1:?"))
				b.WriteString(clockFields.ReplaceAllString(f.do("XINFO", "CONSUMERS", k, g), "$1:?"))
			}
		}
	}
	f.do("SELECT", "0")
	return b.String()
}

// TestQA6EdgeSequencesSurviveRestart runs edge-case command sequences, each
// checked after a restart and once more after a second restart.
func TestQA6EdgeSequencesSurviveRestart(t *testing.T) {
	const max = "18446744073709551615-18446744073709551615"
	adds := func(k string, from, to int, extra ...string) [][]string {
		var c [][]string
		for i := from; i <= to; i++ {
			c = append(c, append(append([]string{"XADD", k}, extra...), fmt.Sprintf("%d-0", i), "f", fmt.Sprint(i)))
		}
		return c
	}
	cat := func(parts ...[][]string) [][]string {
		var c [][]string
		for _, p := range parts {
			c = append(c, p...)
		}
		return c
	}
	multi := func(parts ...[][]string) [][]string {
		return cat([][]string{{"MULTI"}}, cat(parts...), [][]string{{"EXEC"}})
	}
	cmd := func(a ...string) [][]string { return [][]string{a} }
	cases := []struct {
		name string
		cmds [][]string
	}{
		{"max-id", cat(adds("k", 1, 4), cmd("XADD", "k", max, "f", "v"))},
		{"max-id-deleted", cat(adds("k", 1, 4), cmd("XADD", "k", max, "f", "v"), cmd("XDEL", "k", max))},
		{"max-id-only-deleted", cat(cmd("XADD", "k", max, "f", "v"), cmd("XDEL", "k", max))},
		{"max-id-trimmed", cat(adds("k", 1, 4), cmd("XADD", "k", max, "f", "v"), cmd("XTRIM", "k", "MAXLEN", "0"))},
		{"max-id-trimmed-to-it", cat(adds("k", 1, 4), cmd("XADD", "k", max, "f", "v"), cmd("XTRIM", "k", "MAXLEN", "1"))},
		{"max-id-minid", cat(adds("k", 1, 2), cmd("XADD", "k", max, "f", "v"), cmd("XTRIM", "k", "MINID", max))},
		{"max-id-xadd-maxlen", cat(adds("k", 1, 2), cmd("XADD", "k", "MAXLEN", "1", max, "f", "v"))},
		{"max-id-first-deleted", cat(adds("k", 1, 2), cmd("XADD", "k", max, "f", "v"), cmd("XDEL", "k", "1-0", "2-0"))},
		// The node before the largest ID ends just below it and is emptied.
		{"max-id-previous-node-dropped", cat(adds("k", 1, 2), cmd("XADD", "k", "18446744073709551615-18446744073709551614", "f", "v"),
			cmd("XADD", "k", max, "f", "v"), cmd("XDEL", "k", "1-0", "2-0", "18446744073709551615-18446744073709551614"))},
		{"max-id-multi", multi(adds("k", 1, 7), cmd("XADD", "k", max, "f", "v"), cmd("XDEL", "k", "5-0", "6-0", "7-0", max))},
		{"first-last-of-nodes", cat(adds("k", 1, 10), cmd("XDEL", "k", "1-0", "3-0", "4-0", "6-0", "7-0", "9-0"))},
		{"maxlen-every-call", cat(adds("k", 1, 20, "MAXLEN", "4"), cmd("XDEL", "k", "18-0"))},
		{"maxlen-approx", cat(adds("k", 1, 20, "MAXLEN", "~", "4"), cmd("XDEL", "k", "18-0"))},
		{"trim-through-marks", cat(adds("k", 1, 12), cmd("XDEL", "k", "4-0", "5-0", "8-0"), cmd("XTRIM", "k", "MINID", "5-0"))},
		{"trim-limit", cat(adds("k", 1, 30), cmd("XDEL", "k", "4-0", "5-0", "8-0"), cmd("XTRIM", "k", "MAXLEN", "~", "2", "LIMIT", "6"))},
		{"trim-then-delete-rest-of-head", cat(adds("k", 1, 12), cmd("XTRIM", "k", "MAXLEN", "10"), cmd("XDEL", "k", "3-0"))},
		{"trim-all-then-add", cat(adds("k", 1, 12), cmd("XTRIM", "k", "MAXLEN", "0"), adds("k", 13, 14))},
		{"empty-with-groups", cat(cmd("XGROUP", "CREATE", "k", "g", "$", "MKSTREAM"), cmd("XGROUP", "CREATECONSUMER", "k", "g", "c"))},
		{"emptied-with-groups", cat(adds("k", 1, 5), cmd("XGROUP", "CREATE", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">"), cmd("XDEL", "k", "1-0", "2-0", "3-0", "4-0", "5-0"))},
		{"entries-read", cat(adds("k", 1, 5), cmd("XGROUP", "CREATE", "k", "g", "2-0", "ENTRIESREAD", "2"), cmd("XSETID", "k", "9-0", "ENTRIESADDED", "9", "MAXDELETEDID", "8-0"))},
		{"deliver-ack-one-batch", cat(adds("k", 1, 5), cmd("XGROUP", "CREATE", "k", "g", "0"), multi(
			cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">"), cmd("XACK", "k", "g", "1-0", "2-0"),
			cmd("XCLAIM", "k", "g", "d", "0", "3-0"), cmd("XAUTOCLAIM", "k", "g", "e", "0", "0", "COUNT", "1"), cmd("XACK", "k", "g", "4-0")))},
		{"setid-back-redeliver", cat(adds("k", 1, 5), cmd("XGROUP", "CREATE", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">"),
			multi(cmd("XGROUP", "SETID", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "d", "COUNT", "2", "STREAMS", "k", ">"), cmd("XACK", "k", "g", "1-0")))},
		{"setid-back-redeliver-ack-all", cat(adds("k", 1, 5), cmd("XGROUP", "CREATE", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">"),
			multi(cmd("XGROUP", "SETID", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "d", "STREAMS", "k", ">"), cmd("XACK", "k", "g", "1-0", "2-0", "3-0", "4-0", "5-0")))},
		{"destroy-recreate-one-batch", cat(adds("k", 1, 5), cmd("XGROUP", "CREATE", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">"),
			multi(cmd("XGROUP", "DESTROY", "k", "g"), cmd("XGROUP", "CREATE", "k", "g", "0"), cmd("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "k", ">"), cmd("XACK", "k", "g", "1-0")))},
		{"del-recreate-one-batch", cat(adds("k", 1, 9), multi(cmd("DEL", "k"), adds("k", 1, 3), cmd("XDEL", "k", "2-0")))},
		{"del-recreate", cat(adds("k", 1, 9), cmd("DEL", "k"), adds("k", 1, 3), cmd("XDEL", "k", "2-0"))},
		{"rename-over", cat(adds("k", 1, 9), adds("j", 1, 4), multi(cmd("RENAME", "k", "j"), adds("j", 10, 12)))},
		{"move-swapdb-flushdb", cat(adds("k", 1, 9), adds("j", 1, 4), cmd("MOVE", "k", "1"), cmd("SWAPDB", "0", "1"), multi(adds("j", 5, 6), cmd("SELECT", "1"), cmd("FLUSHDB"), adds("k", 20, 22), cmd("SELECT", "0")))},
		{"flushall-recreate", cat(adds("k", 1, 9), multi(cmd("FLUSHALL"), adds("k", 1, 5)))},
		{"limit-change-node-last-again", cat(adds("k", 1, 9), cmd("XDEL", "k", "7-0", "8-0", "9-0"), cmd("XDEL", "k", "4-0", "5-0", "6-0"),
			cmd("CONFIG", "SET", "stream-node-max-entries", "10"), adds("k", 10, 20), cmd("XDEL", "k", "2-0"))},
		{"limit-change-node-last-again-multi", multi(adds("k", 1, 9), cmd("XDEL", "k", "7-0", "8-0", "9-0"), cmd("XDEL", "k", "4-0", "5-0", "6-0"),
			cmd("CONFIG", "SET", "stream-node-max-entries", "10"), adds("k", 10, 20), cmd("XDEL", "k", "2-0", "12-0"))},
		{"xsetid-cut-multi", multi(adds("k", 1, 9), cmd("XDEL", "k", "9-0", "8-0"), cmd("XSETID", "k", "9-0", "MAXDELETEDID", "0-1"), cmd("XSETID", "k", "7-0"), adds("k", 8, 14))},
		{"bytes-limit", cat(cmd("CONFIG", "SET", "stream-node-max-bytes", "60"), adds("k", 1, 20), cmd("XDEL", "k", "5-0"), cmd("CONFIG", "SET", "stream-node-max-bytes", "4096"), adds("k", 21, 30))},
	}
	// The fake never waits for a reply's batch, so the committer merges the
	// batches queued meanwhile: run straight after New, a sequence mostly
	// ends up in one merged batch (merged=true); after a Load of the empty
	// store it is applied in smaller pieces.
	for _, tc := range cases {
		for _, merged := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/merged=%v", tc.name, merged), func(t *testing.T) {
				dir := t.TempDir()
				p, err := persist.Open(dir, persist.Options{})
				if err != nil {
					t.Fatal(err)
				}
				f := newFake(t, Options{Store: p})
				if !merged {
					if _, err := f.s.Load(p); err != nil {
						t.Fatal(err)
					}
				}
				f.do("CONFIG", "SET", "stream-node-max-entries", "3")
				for _, c := range tc.cmds {
					if r := f.do(c...); strings.HasPrefix(r, "-") {
						t.Logf("%v: %q", c, r)
					}
				}
				want := qa6Snap(f, "k", "j")
				g := qa6Restart(t, f, dir)
				if got := qa6Snap(g, "k", "j"); got != want {
					t.Fatalf("after restart:\n%q\nwant\n%q", got, want)
				}
				g.do("CONFIG", "SET", "stream-node-max-entries", "2")
				for i := 0; i < 5; i++ {
					g.do("XADD", "k", "*", "f", "after")
				}
				g.do("XDEL", "k", "3-0")
				want = qa6Snap(g, "k", "j")
				h := qa6Restart(t, g, dir)
				if got := qa6Snap(h, "k", "j"); got != want {
					t.Fatalf("after second restart:\n%q\nwant\n%q", got, want)
				}
			})
		}
	}
}
