package durability

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The restart test: after a sequence of commands, a restart — graceful, or
// by SIGKILL — gives the same answers to XRANGE, XINFO STREAM FULL, XINFO
// GROUPS and XPENDING (and DBSIZE, TYPE, PTTL) in every database.
//
// Two things are allowed to differ, and are normalised: idle and time
// fields (the clock moves), and XINFO's radix-tree-keys and
// radix-tree-nodes, which describe how entries are packed in memory. A
// restart loads the live entries afresh, so a stream whose nodes had
// entries deleted from them is packed more tightly afterwards (Redis's
// own AOF rewrite does the same); the entries, IDs and every counter are
// unchanged.

// restartScript is the command sequence: every write path of the store
// layout (entries, metadata, trims as range deletions, key moves that keep
// the stream's uid, databases, expiries, transactions, binary data).
func restartScript(groups bool) [][]string {
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	for i := 1; i <= 12; i++ {
		add("XADD", "s", fmt.Sprintf("1-%d", i), "f", strconv.Itoa(i), "g", strings.Repeat("v", i))
	}
	add("XADD", "s", "*", "auto", "id")
	add("XDEL", "s", "1-2", "1-7")
	add("XTRIM", "s", "MAXLEN", "8")
	add("XADD", "bin", "5-5", "k\x00\r\n", "v\xff\x00\r\nend", "", "")
	for i := 0; i < 450; i++ {
		add("XADD", "big", "MAXLEN", "~", "200", "*", "n", strconv.Itoa(i))
	}
	add("XTRIM", "big", "MINID", "~", "0-1")
	// Deletions inside nodes: a reload packs the survivors more tightly.
	for i := 3000; i < 3250; i++ {
		add("XADD", "holes", fmt.Sprintf("1-%d", i), "h", "v")
	}
	for i := 3000; i < 3250; i += 2 {
		add("XDEL", "holes", fmt.Sprintf("1-%d", i))
	}
	add("XADD", "setid", "3-3", "a", "b")
	add("XSETID", "setid", "100-0", "ENTRIESADDED", "42", "MAXDELETEDID", "50-0")
	add("XADD", "emptied", "1-1", "a", "b")
	add("XDEL", "emptied", "1-1")
	add("XADD", "gone", "1-1", "a", "b")
	add("DEL", "gone")
	add("XADD", "renamed", "7-1", "r", "1")
	add("RENAME", "renamed", "renamed2")
	add("XADD", "renamed2", "7-2", "r", "2")
	add("XADD", "ttl", "1-1", "t", "t")
	add("PEXPIRE", "ttl", "3600000")
	add("SELECT", "3")
	add("XADD", "db3", "9-9", "x", "y")
	add("XADD", "mover", "1-1", "m", "v")
	add("MOVE", "mover", "5")
	add("SELECT", "4")
	add("XADD", "db4", "4-4", "z", "z")
	add("SWAPDB", "3", "4")
	add("SELECT", "6")
	add("XADD", "flushed", "1-1", "a", "b")
	add("FLUSHDB")
	add("XADD", "after-flush", "2-2", "c", "d")
	add("SELECT", "0")
	add("MULTI")
	add("XADD", "tx", "1-1", "a", "1")
	add("XADD", "tx", "1-2", "a", "2")
	add("XDEL", "tx", "1-1")
	add("EXEC")
	if groups {
		add("XGROUP", "CREATE", "s", "g1", "0")
		add("XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "3")
		add("XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM")
		add("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s", ">")
		add("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s", ">")
		add("XACK", "s", "g1", "1-3")
		add("XCLAIM", "s", "g1", "carol", "0", "1-4")
		add("XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "s", "0")
		add("XGROUP", "CREATECONSUMER", "s", "g2", "dave")
		add("XGROUP", "CREATE", "big", "g", "0")
		add("XREADGROUP", "GROUP", "g", "c", "COUNT", "50", "STREAMS", "big", ">")
		add("XDEL", "s", "1-5")
		add("XGROUP", "SETID", "big", "g", "$")
		// Entries released by XNACK (Redis 8.8): unowned, in the NACK
		// queue, with their counts.
		for i := 1; i <= 5; i++ {
			add("XADD", "nk", fmt.Sprintf("1-%d", i), "n", strconv.Itoa(i))
		}
		add("XGROUP", "CREATE", "nk", "g", "0")
		add("XREADGROUP", "GROUP", "g", "c", "COUNT", "4", "STREAMS", "nk", ">")
		add("XNACK", "nk", "g", "FAIL", "IDS", "2", "1-3", "1-1")
		add("XNACK", "nk", "g", "FATAL", "IDS", "1", "1-2")
		add("XNACK", "nk", "g", "SILENT", "FORCE", "IDS", "1", "1-5")
		add("XACK", "nk", "g", "1-1")
	}
	return cmds
}

// normalise replaces what may change across a restart in a reply: idle
// and time fields, and the radix-tree layout fields.
func normalise(v value) value {
	if v.kind != '*' {
		return v
	}
	out := value{kind: '*', null: v.null, arr: make([]value, len(v.arr))}
	copy(out.arr, v.arr)
	for i := range out.arr {
		out.arr[i] = normalise(out.arr[i])
		if i+1 < len(out.arr) && out.arr[i].kind == '$' {
			switch out.arr[i].str {
			case "seen-time", "active-time", "idle", "inactive", "radix-tree-keys", "radix-tree-nodes":
				out.arr[i+1] = value{kind: ':', str: "<normalised>"}
			}
		}
	}
	return out
}

// normaliseXPending blanks the idle times of XPENDING's extended form
// (the third element of each record).
func normaliseXPending(v value) value {
	if v.kind != '*' {
		return v
	}
	out := value{kind: '*', arr: make([]value, len(v.arr))}
	for i, rec := range v.arr {
		r := rec
		if len(rec.arr) == 4 {
			r = value{kind: '*', arr: append([]value(nil), rec.arr...)}
			r.arr[2] = value{kind: ':', str: "<idle>"}
		}
		out.arr[i] = r
	}
	return out
}

// snapshot returns the answers that must survive a restart, one line per
// probe, keyed by probe.
func snapshot(t testing.TB, addr string, groups bool) map[string]string {
	t.Helper()
	c := dialT(t, addr)
	snap := map[string]string{}
	for db := 0; db < 16; db++ {
		c.doT(t, "SELECT", strconv.Itoa(db))
		snap[fmt.Sprintf("db%d DBSIZE", db)] = c.doT(t, "DBSIZE").String()
		keysV := c.doT(t, "KEYS", "*")
		var keys []string
		for _, k := range keysV.arr {
			keys = append(keys, k.str)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := fmt.Sprintf("db%d %q ", db, k)
			snap[p+"TYPE"] = c.doT(t, "TYPE", k).String()
			snap[p+"XRANGE"] = c.doT(t, "XRANGE", k, "-", "+").String()
			snap[p+"XLEN"] = c.doT(t, "XLEN", k).String()
			snap[p+"XINFO STREAM FULL"] = normalise(c.doT(t, "XINFO", "STREAM", k, "FULL", "COUNT", "0")).String()
			pttl := c.doT(t, "PTTL", k)
			// A TTL counts down: keep whether there is one and its hour.
			snap[p+"PTTL"] = strconv.FormatBool(pttl.num > 0) + "/" + strconv.FormatInt(max(pttl.num, 0)/3600000, 10)
			if !groups {
				continue
			}
			gs := c.doT(t, "XINFO", "GROUPS", k)
			snap[p+"XINFO GROUPS"] = normalise(gs).String()
			for _, g := range gs.arr {
				name, _ := field(g, "name")
				snap[p+"XPENDING "+name.str] = c.doT(t, "XPENDING", k, name.str).String()
				snap[p+"XPENDING - + "+name.str] = normaliseXPending(c.doT(t, "XPENDING", k, name.str, "-", "+", "1000000")).String()
				snap[p+"XINFO CONSUMERS "+name.str] = normalise(c.doT(t, "XINFO", "CONSUMERS", k, name.str)).String()
			}
		}
	}
	return snap
}

func compareSnapshots(t *testing.T, how string, before, after map[string]string) {
	t.Helper()
	var probes []string
	for k := range before {
		probes = append(probes, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			probes = append(probes, k)
		}
	}
	sort.Strings(probes)
	for _, p := range probes {
		if before[p] != after[p] {
			t.Errorf("after %s, %s:\n got %s\nwant %s", how, p, after[p], before[p])
		}
	}
}

// TestRestart runs the script, then compares every probe before and after
// a graceful restart and after a SIGKILL restart (appendfsync always).
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	p := startRunnel(t, dir)
	groups := hasGroups(t, p.addr)
	if !groups {
		t.Log("the server has no consumer groups yet: XINFO GROUPS and XPENDING are not compared")
	}
	c := dialT(t, p.addr)
	script := restartScript(groups)
	for _, cmd := range script { // one pipeline: one commit for the lot
		c.queue(cmd...)
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range script {
		v, err := c.read()
		if err != nil {
			t.Fatal(err)
		}
		if v.isErr() {
			t.Fatalf("%q: %v", cmd, v)
		}
	}
	before := snapshot(t, p.addr, groups)
	if len(before) < 20 {
		t.Fatalf("only %d probes: the script wrote too little", len(before))
	}
	if code := p.term(30 * time.Second); code != 0 {
		t.Fatalf("SIGTERM: exit status %d; output:\n%s", code, tail(p.out.String(), 3000))
	}
	p = startRunnel(t, dir)
	compareSnapshots(t, "a graceful restart", before, snapshot(t, p.addr, groups))
	p.kill()
	p = startRunnel(t, dir)
	compareSnapshots(t, "a SIGKILL restart", before, snapshot(t, p.addr, groups))
	t.Logf("%d probes equal across a graceful and a SIGKILL restart", len(before))
}
