package compat_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDumpRestoreBothWays moves streams between redis-server and runnel
// with DUMP and RESTORE, in both directions, and compares what the two
// servers then say about the key: XRANGE, XREVRANGE, XLEN, XINFO STREAM
// (plain and FULL), XINFO GROUPS, XINFO CONSUMERS and XPENDING (summary
// and extended). The fields Redis 7.4 added to consumers (active-time,
// inactive), which the 7.0.15 oracle lacks, are left out of the
// comparison, and so are idle times measured from now (XINFO CONSUMERS,
// XPENDING); timestamps (seen-time, delivery times) must be equal.
func TestDumpRestoreBothWays(t *testing.T) {
	redis := startRedis(t)
	rn, err := startRunnel(t)
	if err != nil {
		t.Fatalf("cannot run runnel: %v", err)
	}
	sides := map[string]*server{"redis": redis, "runnel": rn}
	for _, sc := range dumpScenarios() {
		for _, dir := range [][2]string{{"redis", "runnel"}, {"runnel", "redis"}} {
			t.Run(sc.name+"/"+dir[0]+"-to-"+dir[1], func(t *testing.T) {
				src, dst := dialT(t, sides[dir[0]].addr), dialT(t, sides[dir[1]].addr)
				for _, c := range []*client{src, dst} {
					mustDo(t, c, "FLUSHALL")
					mustDo(t, c, "CONFIG", "SET", "stream-node-max-entries", "100")
				}
				for _, cmd := range sc.setup {
					if v := mustDo(t, src, cmd...); v.Kind == kError {
						t.Fatalf("setup %v: %s", cmd, v.Str)
					}
				}
				payload := mustDo(t, src, "DUMP", "k")
				if payload.Kind != kBulk {
					t.Fatalf("DUMP: %s", pretty(payload))
				}
				if v := mustDo(t, dst, "RESTORE", "k", "0", payload.Str); v.Kind != kSimple || v.Str != "OK" {
					t.Fatalf("RESTORE of %s's payload on %s: %s", dir[0], dir[1], pretty(v))
				}
				for _, q := range dumpViews(sc.groups) {
					a, b := view(t, src, q), view(t, dst, q)
					if !bytes.Equal(a.bytes(), b.bytes()) {
						t.Fatalf("%s after RESTORE differs:\n--- %s (source):\n%s\n--- %s (restored):\n%s",
							strings.Join(q, " "), dir[0], pretty(a), dir[1], pretty(b))
					}
				}
				// The restored key can be dumped again and restored back.
				again := mustDo(t, dst, "DUMP", "k")
				if v := mustDo(t, src, "RESTORE", "k2", "0", again.Str); v.Kind != kSimple {
					t.Fatalf("RESTORE back on %s: %s", dir[0], pretty(v))
				}
				a, b := view(t, src, []string{"XINFO", "STREAM", "k", "FULL"}), view(t, src, []string{"XINFO", "STREAM", "k2", "FULL"})
				if !bytes.Equal(a.bytes(), b.bytes()) {
					t.Fatalf("round trip back to %s differs:\n%s\n%s", dir[0], pretty(a), pretty(b))
				}
			})
		}
	}
}

type dumpScenario struct {
	name   string
	groups []string
	setup  [][]string
}

func words(s string) []string { return strings.Fields(s) }

func dumpScenarios() []dumpScenario {
	lines := func(ls ...string) [][]string {
		var out [][]string
		for _, l := range ls {
			out = append(out, words(l))
		}
		return out
	}
	var widths [][]string
	// Values and names in every listpack encoding: 7-bit, 13-, 16-, 24-,
	// 32- and 64-bit integers, non-canonical numbers kept as strings, and
	// strings of 6-bit, 12-bit and 32-bit lengths.
	nums := []string{"0", "1", "127", "128", "-1", "4095", "4096", "-4096", "-4097", "32767", "32768", "-32768", "-32769",
		"8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648", "-2147483648", "-2147483649",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "007", "+5", " 5", "1e3", "0x10"}
	for i, n := range nums {
		widths = append(widths, []string{"XADD", "k", fmt.Sprintf("%d-1", i+1), "v", n, n, "x"})
	}
	for i, l := range []int{0, 1, 63, 64, 4095, 4096, 70000} {
		widths = append(widths, []string{"XADD", "k", fmt.Sprintf("100-%d", i), "s", strings.Repeat("ab", l/2) + strings.Repeat("c", l%2)})
	}
	// Incompressible bytes, so that Redis stores the listpack as it is.
	r := rand.New(rand.NewPCG(1, 2))
	var noise []byte
	for range 300 {
		noise = append(noise, byte(r.IntN(256)))
	}
	widths = append(widths, []string{"XADD", "k", "200-0", "bin", string(noise)})

	many := lines("CONFIG SET stream-node-max-entries 4")
	for i := 1; i <= 23; i++ {
		f := []string{"XADD", "k", fmt.Sprintf("%d-%d", 1000+i*i, i%3), "f", strconv.Itoa(i)}
		if i%5 == 0 {
			f = append(f, "other", "field")
		}
		many = append(many, f)
	}
	many = append(many, lines("XDEL k 1004-1 1025-1 1049-1 1081-0", "XTRIM k MAXLEN 19", "XGROUP CREATE k g 0", "XREADGROUP GROUP g c COUNT 5 STREAMS k >")...)

	return []dumpScenario{
		{name: "one-entry", setup: lines("XADD k 1-1 f v")},
		{name: "empty-with-groups", groups: []string{"g", "h"}, setup: lines(
			"XGROUP CREATE k g $ MKSTREAM", "XGROUP CREATE k h 0", "XGROUP CREATECONSUMER k g c1", "XGROUP CREATECONSUMER k g c2")},
		{name: "emptied-by-xdel", groups: []string{"g"}, setup: lines(
			"XADD k 5-5 f v", "XGROUP CREATE k g 0", "XREADGROUP GROUP g c STREAMS k >", "XDEL k 5-5")},
		{name: "tombstones", groups: []string{"g"}, setup: lines(
			"XADD k 1-1 f a", "XADD k 2-1 f b", "XADD k 3-1 f c", "XADD k 4-1 f d", "XADD k 5-1 f e",
			"XDEL k 1-1 3-1", "XGROUP CREATE k g 0", "XREADGROUP GROUP g c COUNT 1 STREAMS k >")},
		{name: "exact-trim-inside-node", setup: lines(
			"XADD k 1-1 f a", "XADD k 2-1 f b", "XADD k 3-1 f c", "XADD k 4-1 f d", "XTRIM k MAXLEN 2")},
		{name: "nodes", groups: []string{"g"}, setup: many},
		{name: "widths", setup: widths},
		{name: "id-deltas", setup: lines(
			"XADD k 5-10 a 1", "XADD k 5-11 a 2", "XADD k 6-0 a 3", "XADD k 18446744073709551614-3 a 4",
			"XADD k 18446744073709551615-18446744073709551615 a 5")},
		{name: "fields-differ", setup: lines(
			"XADD k 1-1 a 1 b 2", "XADD k 2-1 a 1", "XADD k 3-1 b 2 a 1", "XADD k 4-1 a 1 b 2",
			"XADD k 5-1 1 2 3 4 5 6 7 8 9 10 11 12", "XADD k 6-1 a 1 b 2")},
		{name: "metadata", groups: []string{"g"}, setup: lines(
			"XADD k 1-1 f a", "XADD k 2-1 f b", "XDEL k 2-1", "XSETID k 50-5 ENTRIESADDED 77 MAXDELETEDID 40-4",
			"XGROUP CREATE k g 1-1 ENTRIESREAD 10")},
		{name: "pel", groups: []string{"g", "123", "h"}, setup: lines(
			"XADD k 1-1 f a", "XADD k 2-1 f b", "XADD k 3-1 f c", "XADD k 4-1 f d", "XADD k 5-1 f e",
			"XGROUP CREATE k g 0", "XGROUP CREATE k 123 0", "XGROUP CREATE k h $",
			"XREADGROUP GROUP g alice COUNT 2 STREAMS k >", "XREADGROUP GROUP g bob COUNT 2 STREAMS k >",
			"XREADGROUP GROUP g -7 COUNT 1 STREAMS k >", "XGROUP CREATECONSUMER k g 100000", "XGROUP CREATECONSUMER k g idle",
			"XCLAIM k g bob 0 1-1 RETRYCOUNT 7", "XCLAIM k g alice 0 3-1 IDLE 5000", "XACK k g 2-1",
			"XREADGROUP GROUP 123 x NOACK STREAMS k >", "XREADGROUP GROUP 123 y STREAMS k 0",
			"XGROUP SETID k 123 3-1", "XDEL k 4-1")},
	}
}

func dumpViews(groups []string) [][]string {
	vs := [][]string{
		words("TYPE k"), words("XLEN k"), words("XRANGE k - +"), words("XREVRANGE k + -"),
		words("XINFO STREAM k"), words("XINFO STREAM k FULL"), words("XINFO GROUPS k"),
	}
	for _, g := range groups {
		vs = append(vs, []string{"XPENDING", "k", g}, []string{"XPENDING", "k", g, "-", "+", "1000"},
			[]string{"XINFO", "CONSUMERS", "k", g})
	}
	return vs
}

// view runs a query and makes its reply comparable across the two
// servers: no 7.4-only consumer fields, and durations measured from now
// (never the absolute timestamps) replaced.
func view(t *testing.T, c *client, q []string) Value {
	v := without74Fields(mustDo(t, c, q...))
	n := newNormState(0)
	switch {
	case q[0] == "XPENDING" && len(q) > 3:
		v = walk(v, func(a Value) Value {
			if a.Kind == kArray && len(a.Elems) == 4 && a.Elems[2].Kind == kInt {
				a.Elems = append([]Value(nil), a.Elems...)
				a.Elems[2] = Value{Kind: kInt, Str: "<idle>"}
			}
			return a
		})
	case q[0] == "XINFO" && q[1] == "CONSUMERS":
		v = n.times(v)
	}
	return v
}

func dialT(t *testing.T, addr string) *client {
	t.Helper()
	c, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c
}

func mustDo(t *testing.T, c *client, args ...string) Value {
	t.Helper()
	v, err := c.do(5*time.Second, args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}
