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
	eachDumpMove(t, func(t *testing.T, sc dumpScenario, m dumpMove) {
		src, dst, dir := m.src, m.dst, m.dir
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

// dumpMove is one direction of a move between the two servers: the key
// "k" of a scenario set up on src, to go to dst; dir names them ("redis",
// "runnel").
type dumpMove struct {
	src, dst *client
	dstAddr  string
	dir      [2]string
}

// eachDumpMove runs fn as a subtest for every DUMP scenario in both
// directions, redis-server to runnel and back, with both servers emptied
// and the scenario set up on the source.
func eachDumpMove(t *testing.T, fn func(t *testing.T, sc dumpScenario, m dumpMove)) {
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
				fn(t, sc, dumpMove{src: src, dst: dst, dstAddr: sides[dir[1]].addr, dir: dir})
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

// TestRestoreCorruptAgainstRedis restores the same corrupted payloads
// (bytes changed, cut or added, then re-signed so the checksum holds) on
// redis-server, with sanitize-dump-payload yes so that it checks what it
// loads, and on runnel. runnel must never accept a payload Redis refuses,
// nor answer anything but OK or "ERR Bad data format", and where both
// accept, the entries must agree. runnel refuses more: Redis loads some
// corrupt values it does not notice (a stream length read as -1, IDs out
// of order, a listpack header with a wrong element count), and those are
// counted, not failed.
func TestRestoreCorruptAgainstRedis(t *testing.T) {
	redis := startRedis(t)
	rn, err := startRunnel(t)
	if err != nil {
		t.Fatalf("cannot run runnel: %v", err)
	}
	rc, nc := dialT(t, redis.addr), dialT(t, rn.addr)
	mustDo(t, rc, "CONFIG", "SET", "sanitize-dump-payload", "yes")
	for _, c := range []*client{rc, nc} {
		mustDo(t, c, "CONFIG", "SET", "stream-node-max-entries", "3")
		for i := 1; i <= 12; i++ {
			mustDo(t, c, "XADD", "s", strings.Repeat("7", i)+"-1", "f", strings.Repeat("v", i), "n", "-12345")
		}
		mustDo(t, c, "XDEL", "s", "777-1")
		mustDo(t, c, "XGROUP", "CREATE", "s", "g", "0")
		mustDo(t, c, "XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "s", ">")
		mustDo(t, c, "XGROUP", "CREATECONSUMER", "s", "g", "d")
	}
	good := mustDo(t, rc, "DUMP", "s").Str
	body := []byte(good[:len(good)-10])
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
	for i := 0; i < 1500; i++ {
		b := append([]byte(nil), body...)
		switch r.IntN(4) {
		case 0, 1:
			for k := 1 + r.IntN(3); k > 0; k-- {
				b[r.IntN(len(b))] = byte(r.IntN(256))
			}
		case 2:
			b = b[:r.IntN(len(b))]
		case 3:
			at := r.IntN(len(b))
			b = append(b[:at:at], append([]byte{byte(r.IntN(256))}, b[at:]...)...)
		}
		p := string(signed(b))
		rv := mustDo(t, rc, "RESTORE", "k", "0", p, "REPLACE")
		nv := mustDo(t, nc, "RESTORE", "k", "0", p, "REPLACE")
		rOK, nOK := rv.Kind == kSimple, nv.Kind == kSimple
		if !nOK && (nv.Kind != kError || nv.Str != "ERR Bad data format") {
			t.Fatalf("payload %q: runnel replied %s", p, pretty(nv))
		}
		switch {
		case nOK && !rOK:
			t.Fatalf("payload %q: runnel accepted what Redis refused (%s)", p, pretty(rv))
		case nOK && rOK:
			a, b := mustDo(t, rc, "XRANGE", "k", "-", "+"), mustDo(t, nc, "XRANGE", "k", "-", "+")
			if !bytes.Equal(a.bytes(), b.bytes()) {
				t.Fatalf("payload %q: entries differ:\n%s\n%s", p, pretty(a), pretty(b))
			}
			counts["both accept"]++
		case rOK:
			counts["only Redis accepts"]++
		default:
			counts["both refuse"]++
		}
	}
	t.Logf("%v", counts)
}

// signed ends a value body with the footer of RDB version 10.
func signed(body []byte) []byte {
	p := append(append([]byte(nil), body...), 10, 0)
	var crc uint64
	for _, c := range p {
		crc = crcTable[byte(crc)^c] ^ crc>>8
	}
	for i := 0; i < 8; i++ {
		p = append(p, byte(crc>>(8*i)))
	}
	return p
}

// crcTable is Redis's CRC-64 (Jones) table, for signing payloads here
// without reaching into runnel's packages: the suite talks to servers only.
var crcTable = func() (t [256]uint64) {
	for i := range t {
		c := uint64(i)
		for k := 0; k < 8; k++ {
			if c&1 != 0 {
				c = c>>1 ^ 0x95ac9329ac4bc9b5
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// TestDumpReleasedEntriesToRedis: a stream with entries XNACK released
// (Redis 8.8; the 7.0.15 oracle has no XNACK) dumps to a payload
// redis-server restores, the released entries owned by a consumer named ""
// (an RDB stream cannot say "owned by nobody"), with delivery time 0 and
// their counts, merged with a real consumer "" when there is one; the
// other consumers keep theirs.
func TestDumpReleasedEntriesToRedis(t *testing.T) {
	redis := startRedis(t)
	rn, err := startRunnel(t)
	if err != nil {
		t.Fatalf("cannot run runnel: %v", err)
	}
	src, dst := dialT(t, rn.addr), dialT(t, redis.addr)
	for _, sc := range []struct {
		name    string
		setup   []string
		pending string // XPENDING k g - + 10 on redis-server, idle times out
	}{
		{"no consumer called \"\"", []string{
			"XREADGROUP GROUP g a STREAMS k >",
			"XNACK k g FATAL IDS 2 3-0 1-0",
		}, "1-0  9223372036854775807|2-0 a 1|3-0  9223372036854775807"},
		{"beside a consumer called \"\"", []string{
			"XREADGROUP GROUP g a COUNT 2 STREAMS k >",
			"XNACK k g SILENT IDS 1 1-0",
			"XCLAIM k g \"\" 0 2-0",
		}, "1-0  0|2-0  2"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			for _, c := range []*client{src, dst} {
				mustDo(t, c, "FLUSHALL")
			}
			for _, l := range []string{"XADD k 1-0 f 1", "XADD k 2-0 f 2", "XADD k 3-0 f 3", "XGROUP CREATE k g 0"} {
				mustDo(t, src, words(l)...)
			}
			for _, l := range sc.setup {
				args := words(l)
				for i, a := range args {
					if a == `""` {
						args[i] = ""
					}
				}
				if v := mustDo(t, src, args...); v.Kind == kError {
					t.Fatalf("%s: %s", l, v.Str)
				}
			}
			payload := mustDo(t, src, "DUMP", "k")
			if v := mustDo(t, dst, "RESTORE", "k", "0", payload.Str); v.Kind != kSimple || v.Str != "OK" {
				t.Fatalf("RESTORE on redis-server: %s", pretty(v))
			}
			v := mustDo(t, dst, "XPENDING", "k", "g", "-", "+", "10")
			var got []string
			for _, e := range v.Elems {
				got = append(got, e.Elems[0].Str+" "+e.Elems[1].Str+" "+e.Elems[3].Str)
			}
			if strings.Join(got, "|") != sc.pending {
				t.Fatalf("XPENDING on redis-server: %s, want %s", strings.Join(got, "|"), sc.pending)
			}
			full := pretty(mustDo(t, dst, "XINFO", "STREAM", "k", "FULL"))
			if !strings.Contains(full, "1-0") {
				t.Fatalf("XINFO STREAM FULL: %s", full)
			}
		})
	}
}
