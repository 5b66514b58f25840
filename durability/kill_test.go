package durability

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The kill test: clients write, the server is killed with SIGKILL at a
// random moment, restarted on the same directory, and everything a client
// was told succeeded must be there. Each round's checks cover all rounds so
// far.
//
// Writers XADD to a few shared streams (some pipelining several commands),
// each entry tagged with a unique "t" field so duplicates and strangers are
// found. When the server has consumer groups, some clients are consumers:
// XREADGROUP ... > then XACK what they got; after a restart an acknowledged
// XACK's entries are not pending, a delivery whose XACK was never sent is
// still pending with its consumer, and no entry is delivered by > twice.

const (
	killClients   = 50
	killConsumers = 10 // of killClients, when groups are available
	killStreams   = 5
)

// attempt is one XADD a writer sent.
type attempt struct {
	key, fields string
	id          string // the reply's ID; "" if no reply came
}

// delivery is one entry XREADGROUP delivered to a consumer.
type delivery struct {
	key, consumer, id string
	ackSent, acked    bool
}

// history is everything the clients did and were told, over all rounds.
type history struct {
	mu         sync.Mutex
	attempts   map[string]*attempt  // by tag
	deliveries map[string]*delivery // by key + " " + id
	// replies counts acknowledged operations, for the log.
	xadds, xreads, xacks int
}

func newHistory() *history {
	return &history{attempts: map[string]*attempt{}, deliveries: map[string]*delivery{}}
}

// workload runs the clients of one round against addr until the server
// goes away (or stop closes). It returns when every client has stopped.
func (h *history) workload(addr string, round int, groups bool, seed uint64, killed *atomic.Bool, stop <-chan struct{}) []string {
	var wg sync.WaitGroup
	var problems []string
	var pmu sync.Mutex
	problem := func(format string, args ...any) {
		pmu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		pmu.Unlock()
	}
	for i := 0; i < killClients; i++ {
		c, err := dialAddr(addr)
		if err != nil {
			if !killed.Load() { // else killed before every client was connected
				problem("client %d: %v", i, err)
			}
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer c.close()
			r := rand.New(rand.NewPCG(seed, uint64(i)))
			key := "s" + strconv.Itoa(i%killStreams)
			if groups && i < killConsumers {
				h.consume(c, key, "c"+strconv.Itoa(i), stop, problem)
				return
			}
			depth := 1 + i%4
			for seq := 0; ; {
				select {
				case <-stop:
					return
				default:
				}
				batch := make([]string, depth)
				for j := range batch {
					tag := fmt.Sprintf("%d:%d:%d", round, i, seq)
					seq++
					pad := strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(64))
					args := []string{"XADD", key, "*", "t", tag, "c", strconv.Itoa(i), "pad", pad}
					h.mu.Lock()
					h.attempts[tag] = &attempt{key: key, fields: strings.Join(args[3:], "\x00")}
					h.mu.Unlock()
					c.queue(args...)
					batch[j] = tag
				}
				if c.flush() != nil {
					return
				}
				for _, tag := range batch {
					v, err := c.read()
					if err != nil {
						return // the server died: this and later replies never came
					}
					if v.kind != '$' {
						problem("XADD %s: reply %v", tag, v)
						return
					}
					h.mu.Lock()
					h.attempts[tag].id = v.str
					h.xadds++
					h.mu.Unlock()
				}
			}
		}(i)
	}
	wg.Wait()
	return problems
}

// consume is a consumer's loop: read new entries, then acknowledge them.
func (h *history) consume(c *conn, key, name string, stop <-chan struct{}, problem func(string, ...any)) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		v, err := c.do("XREADGROUP", "GROUP", "g", name, "COUNT", "10", "BLOCK", "100", "STREAMS", key, ">")
		if err != nil {
			return
		}
		if v.isErr() {
			problem("XREADGROUP %s: %v", key, v)
			return
		}
		if v.null || len(v.arr) == 0 {
			continue
		}
		es, err := entries(v.arr[0].arr[1])
		if err != nil {
			problem("XREADGROUP %s: %v", key, err)
			return
		}
		ids := make([]string, 0, len(es))
		h.mu.Lock()
		for _, e := range es {
			k := key + " " + e.id
			if d := h.deliveries[k]; d != nil {
				problem("%s delivered by > twice: to %s and then %s", k, d.consumer, name)
			}
			h.deliveries[k] = &delivery{key: key, consumer: name, id: e.id}
			ids = append(ids, e.id)
		}
		h.xreads++
		for _, id := range ids {
			h.deliveries[key+" "+id].ackSent = true
		}
		h.mu.Unlock()
		ack, err := c.do(append([]string{"XACK", key, "g"}, ids...)...)
		if err != nil {
			return
		}
		if ack.kind != ':' || ack.num != int64(len(ids)) {
			problem("XACK %s %v = %v", key, ids, ack)
			return
		}
		h.mu.Lock()
		for _, id := range ids {
			h.deliveries[key+" "+id].acked = true
		}
		h.xacks++
		h.mu.Unlock()
	}
}

// check compares the server's state with the history and returns every
// violation it finds.
func (h *history) check(t testing.TB, addr string, groups, all bool) []string {
	t.Helper()
	c := dialT(t, addr)
	var problems []string
	bad := func(format string, args ...any) {
		if len(problems) < 50 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	present := map[string]bool{} // tags found
	for k := 0; k < killStreams; k++ {
		key := "s" + strconv.Itoa(k)
		es, err := entries(c.doT(t, "XRANGE", key, "-", "+"))
		if err != nil {
			bad("XRANGE %s: %v", key, err)
			continue
		}
		ids := map[string]bool{}
		for _, e := range es {
			if ids[e.id] {
				bad("%s: ID %s twice", key, e.id)
			}
			ids[e.id] = true
			tag, _, _ := strings.Cut(strings.TrimPrefix(e.fields, "t\x00"), "\x00")
			a := h.attempts[tag]
			switch {
			case a == nil:
				bad("%s %s: an entry no client wrote: %q", key, e.id, e.fields)
			case present[tag]:
				bad("%s %s: entry %s appears twice", key, e.id, tag)
			case a.key != key || a.fields != e.fields:
				bad("%s %s: fields %q, written to %s as %q", key, e.id, e.fields, a.key, a.fields)
			case a.id != "" && a.id != e.id:
				bad("%s: entry %s acknowledged as %s is at %s", key, tag, a.id, e.id)
			}
			present[tag] = true
		}
		if n := c.doT(t, "XLEN", key); n.num != int64(len(es)) {
			bad("%s: XLEN %v, XRANGE has %d", key, n, len(es))
		}
		problems = append(problems, checkInfo(t, c, key, es, groups, all)...)
		if groups {
			problems = append(problems, h.checkPending(t, c, key)...)
		}
	}
	for tag, a := range h.attempts {
		if a.id != "" && !present[tag] {
			bad("acknowledged XADD %s %s (%s) is lost", a.key, a.id, tag)
		}
	}
	return problems
}

// checkInfo checks XINFO STREAM FULL against the entries: no deletions
// happen, so every count must agree exactly. With all, FULL lists every
// entry (COUNT 0), else only the first, which is cheaper.
func checkInfo(t testing.TB, c *conn, key string, es []entry, groups, all bool) []string {
	var bad []string
	count := "1"
	if all {
		count = "0"
	}
	info := c.doT(t, "XINFO", "STREAM", key, "FULL", "COUNT", count)
	if info.isErr() {
		if len(es) == 0 && strings.Contains(info.str, "no such key") {
			return nil
		}
		return []string{fmt.Sprintf("XINFO STREAM %s FULL: %v", key, info)}
	}
	length, _ := field(info, "length")
	added, _ := field(info, "entries-added")
	last, _ := field(info, "last-generated-id")
	full, _ := field(info, "entries")
	if length.num != int64(len(es)) || added.num != int64(len(es)) || (all && len(full.arr) != len(es)) {
		bad = append(bad, fmt.Sprintf("%s: XINFO length %d, entries-added %d, %d entries listed; XRANGE has %d",
			key, length.num, added.num, len(full.arr), len(es)))
	}
	if len(es) > 0 && (len(full.arr) == 0 || full.arr[0].arr[0].str != es[0].id) {
		bad = append(bad, fmt.Sprintf("%s: XINFO STREAM FULL's first entry %v, XRANGE's %s", key, full, es[0].id))
	}
	if len(es) > 0 && compareIDs(last.str, es[len(es)-1].id) < 0 {
		bad = append(bad, fmt.Sprintf("%s: last-generated-id %s below the last entry %s", key, last.str, es[len(es)-1].id))
	}
	if !groups {
		return bad
	}
	gs, _ := field(info, "groups")
	for _, g := range gs.arr {
		name, _ := field(g, "name")
		pelCount, _ := field(g, "pel-count")
		pel, _ := field(g, "pending")
		cons, _ := field(g, "consumers")
		sum := int64(0)
		for _, cn := range cons.arr {
			n, _ := field(cn, "pel-count")
			sum += n.num
		}
		// COUNT limits the pending entries listed, too.
		if (all && pelCount.num != int64(len(pel.arr))) || sum != pelCount.num {
			bad = append(bad, fmt.Sprintf("%s group %s: pel-count %d, %d pending listed, consumers hold %d",
				key, name.str, pelCount.num, len(pel.arr), sum))
		}
	}
	return bad
}

// checkPending checks the group's PEL against the deliveries and acks.
func (h *history) checkPending(t testing.TB, c *conn, key string) []string {
	var bad []string
	pending := map[string]string{} // id -> consumer
	v := c.doT(t, "XPENDING", key, "g", "-", "+", "100000000")
	if v.isErr() {
		return []string{fmt.Sprintf("XPENDING %s g: %v", key, v)}
	}
	for _, p := range v.arr {
		pending[p.arr[0].str] = p.arr[1].str
	}
	sum := c.doT(t, "XPENDING", key, "g")
	if len(sum.arr) == 0 || sum.arr[0].num != int64(len(pending)) {
		bad = append(bad, fmt.Sprintf("%s: XPENDING summary %v, %d listed", key, sum, len(pending)))
	}
	groups := c.doT(t, "XINFO", "GROUPS", key)
	var lastDelivered string
	for _, g := range groups.arr {
		if n, _ := field(g, "name"); n.str == "g" {
			ld, _ := field(g, "last-delivered-id")
			lastDelivered = ld.str
		}
	}
	for _, d := range h.deliveries {
		if d.key != key {
			continue
		}
		owner, isPending := pending[d.id]
		switch {
		case d.acked && isPending:
			bad = append(bad, fmt.Sprintf("%s %s: acknowledged XACK, still pending (%s)", key, d.id, owner))
		case !d.ackSent && !isPending:
			bad = append(bad, fmt.Sprintf("%s %s: delivered to %s and never acknowledged, not pending", key, d.id, d.consumer))
		case isPending && owner != d.consumer:
			bad = append(bad, fmt.Sprintf("%s %s: pending with %s, delivered to %s", key, d.id, owner, d.consumer))
		}
		if compareIDs(lastDelivered, d.id) < 0 {
			bad = append(bad, fmt.Sprintf("%s: group last-delivered-id %s below delivered %s", key, lastDelivered, d.id))
		}
	}
	return bad
}

func compareIDs(a, b string) int {
	parse := func(s string) (uint64, uint64) {
		ms, seq, _ := strings.Cut(s, "-")
		m, _ := strconv.ParseUint(ms, 10, 64)
		q, _ := strconv.ParseUint(seq, 10, 64)
		return m, q
	}
	am, aq := parse(a)
	bm, bq := parse(b)
	switch {
	case am != bm:
		return map[bool]int{true: -1, false: 1}[am < bm]
	case aq != bq:
		return map[bool]int{true: -1, false: 1}[aq < bq]
	}
	return 0
}

// hasGroups reports whether the server has consumer groups.
func hasGroups(t testing.TB, addr string) bool {
	c := dialT(t, addr)
	v := c.doT(t, "XACK", "no-such-key", "g", "0-1")
	return !v.isErr()
}

// setupGroups creates group g on every stream (the streams too).
func setupGroups(t testing.TB, addr string) {
	c := dialT(t, addr)
	for k := 0; k < killStreams; k++ {
		if v := c.doT(t, "XGROUP", "CREATE", "s"+strconv.Itoa(k), "g", "0", "MKSTREAM"); v.isErr() {
			t.Fatalf("XGROUP CREATE: %v", v)
		}
	}
}

func testSeed(t testing.TB) uint64 {
	if s, err := strconv.ParseUint(os.Getenv("DURABILITY_SEED"), 10, 64); err == nil {
		return s
	}
	s := uint64(time.Now().UnixNano())
	t.Logf("seed %d (rerun with DURABILITY_SEED=%d)", s, s)
	return s
}

// killRounds runs rounds of write-kill-restart-check with start, which
// starts the server on dir. It returns the problems of the first round that
// had any (nil if none), after logging what was done.
func killRounds(t *testing.T, start func(t testing.TB, dir string) *proc, rounds int, window time.Duration, wantGroups bool) []string {
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 9))
	dir := t.TempDir()
	h := newHistory()
	p := start(t, dir)
	groups := wantGroups && hasGroups(t, p.addr)
	if wantGroups && !groups {
		t.Logf("the server has no consumer groups yet: XREADGROUP/XACK are left out")
	}
	if groups {
		setupGroups(t, p.addr)
	}
	startT := time.Now()
	var startDur, checkDur time.Duration
	for round := 1; round <= rounds; round++ {
		var killed atomic.Bool
		stop := make(chan struct{})
		done := make(chan []string, 1)
		seed := rng.Uint64()
		go func() { done <- h.workload(p.addr, round, groups, seed, &killed, stop) }()
		time.Sleep(window/4 + time.Duration(rng.Int64N(int64(window))))
		killed.Store(true)
		p.kill()
		close(stop)
		if probs := <-done; len(probs) > 0 {
			return probs
		}
		t0 := time.Now()
		p = start(t, dir)
		t1 := time.Now()
		probs := h.check(t, p.addr, groups, round == rounds || round%5 == 0)
		startDur, checkDur = startDur+t1.Sub(t0), checkDur+time.Since(t1)
		if len(probs) > 0 {
			return append([]string{fmt.Sprintf("after kill %d:", round)}, probs...)
		}
	}
	h.mu.Lock()
	t.Logf("%d kill points in %v (restarts %v, checks %v): %d XADDs attempted, %d acknowledged; %d XREADGROUP and %d XACK replies; all checks passed",
		rounds, time.Since(startT).Round(time.Millisecond), startDur.Round(time.Millisecond), checkDur.Round(time.Millisecond),
		len(h.attempts), h.xadds, h.xreads, h.xacks)
	h.mu.Unlock()
	return nil
}

// TestKill9 is the crash test on runnel with appendfsync always. A last
// graceful restart must lose nothing either.
func TestKill9(t *testing.T) {
	rounds := 20
	if longMode {
		rounds = 200
	}
	var last *proc
	var lastDir string
	start := func(t testing.TB, dir string) *proc {
		last, lastDir = startRunnel(t, dir, "--appendfsync", "always"), dir
		return last
	}
	if probs := killRounds(t, start, rounds, 400*time.Millisecond, true); probs != nil {
		t.Fatalf("runnel lost or changed acknowledged writes:\n%s\nserver output:\n%s",
			strings.Join(probs, "\n"), tail(last.out.String(), 3000))
	}
	if code := last.term(30 * time.Second); code != 0 {
		t.Fatalf("SIGTERM: exit status %d; output:\n%s", code, tail(last.out.String(), 3000))
	}
	if !strings.Contains(last.out.String(), "loaded ") {
		t.Errorf("runnel logged no load line:\n%s", tail(last.out.String(), 2000))
	}
	p := startRunnel(t, lastDir)
	c := dialT(t, p.addr)
	total := int64(0)
	for k := 0; k < killStreams; k++ {
		total += c.doT(t, "XLEN", "s"+strconv.Itoa(k)).num
	}
	if total == 0 {
		t.Fatal("nothing was written: the test checked nothing")
	}
}

// TestKill9HarnessOnRedis runs the same harness on redis-server: with
// appendfsync always it must pass (the checks are not too strict, and the
// consumer-group checks run even before runnel has groups); with no
// persistence at all it must find the losses.
func TestKill9HarnessOnRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	t.Run("appendfsync-always", func(t *testing.T) {
		start := func(t testing.TB, dir string) *proc {
			return startRedis(t, dir, "--appendonly", "yes", "--appendfsync", "always")
		}
		if probs := killRounds(t, start, 3, 300*time.Millisecond, true); probs != nil {
			t.Fatalf("the harness fails redis-server with appendfsync always:\n%s", strings.Join(probs, "\n"))
		}
	})
	t.Run("no-persistence", func(t *testing.T) {
		start := func(t testing.TB, dir string) *proc {
			return startRedis(t, dir, "--appendonly", "no")
		}
		probs := killRounds(t, start, 1, 300*time.Millisecond, false)
		if probs == nil {
			t.Fatal("the harness found nothing wrong with a server that keeps nothing across a kill")
		}
		sort.Strings(probs)
		t.Logf("as it should, the harness reports a server without persistence (%d problems, e.g. %q)", len(probs), probs[0])
	})
}
