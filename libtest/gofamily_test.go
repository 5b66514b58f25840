package libtest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	redigo "github.com/gomodule/redigo/redis"
	"github.com/redis/rueidis"
)

// The tests in this file run two more Go clients, whose wire handling
// differs from go-redis's, through a stream-queue session against the
// runnel binary and a redis-server, and require the same results from
// both: rueidis (RESP3 with HELLO, automatic pipelining of concurrent
// commands, blocking commands on pooled connections, client-side caching
// through CLIENT TRACKING and its invalidation pushes) and redigo (RESP2,
// replies as plain values).

// rueidisSession runs the session on addr and returns what it saw, one
// line per step, in a form that compares across servers (explicit IDs only).
func rueidisSession(t *testing.T, addr string) []string {
	t.Helper()
	ctx := context.Background()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableRetry: true})
	if err != nil {
		t.Fatalf("%s: rueidis: %v", addr, err)
	}
	defer c.Close()
	rec := &recorder{show: func(v any) any { return v }}
	step := rec.step
	do := func(args ...string) rueidis.RedisResult {
		return c.Do(ctx, c.B().Arbitrary(args[0]).Args(args[1:]...).Build())
	}

	err = c.Do(ctx, c.B().XgroupCreate().Key("jobs").Group("workers").Id("0").Mkstream().Build()).Error()
	step("xgroup create", "", err)

	// 200 XADDs from 20 goroutines: rueidis pipelines them on one
	// connection, so the server sees them interleaved in batches. Their
	// IDs come from the clock, so only the count and the order compare.
	var wg sync.WaitGroup
	var failed sync.Map
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				cmd := c.B().Xadd().Key("jobs").Id("*").FieldValue().FieldValue("job", strconv.Itoa(g*10+i)).Build()
				if err := c.Do(ctx, cmd).Error(); err != nil {
					failed.Store(err.Error(), true)
				}
			}
		}(g)
	}
	wg.Wait()
	failed.Range(func(k, _ any) bool { step("concurrent xadd", nil, fmt.Errorf("%v", k)); return true })
	n, err := c.Do(ctx, c.B().Xlen().Key("jobs").Build()).AsInt64()
	step("xlen after concurrent xadd", n, err)
	ids, err := c.Do(ctx, c.B().Xrange().Key("jobs").Start("-").End("+").Build()).AsXRange()
	sorted := err == nil && len(ids) == 200 && sort.SliceIsSorted(ids, func(i, j int) bool { return lessID(ids[i].ID, ids[j].ID) })
	step("xrange has all 200, ascending", sorted, err)
	jobs := map[string]bool{}
	for _, e := range ids {
		jobs[e.FieldValues["job"]] = true
	}
	step("every job once", len(jobs), nil)

	// A clean stream for the rest: explicit IDs, one writer.
	for i := 1; i <= 10; i++ {
		cmd := c.B().Xadd().Key("q").Id("5-"+strconv.Itoa(i)).FieldValue().FieldValue("n", strconv.Itoa(i)).Build()
		if err := c.Do(ctx, cmd).Error(); err != nil {
			t.Fatalf("%s: XADD q: %v", addr, err)
		}
	}
	step("xgroup create q", "", c.Do(ctx, c.B().XgroupCreate().Key("q").Group("g").Id("0").Build()).Error())
	read, err := c.Do(ctx, c.B().Xreadgroup().Group("g", "alice").Count(4).Streams().Key("q").Id(">").Build()).AsXRead()
	step("xreadgroup alice count 4", read, err)
	acked, err := c.Do(ctx, c.B().Xack().Key("q").Group("g").Id("5-1", "5-2", "9-9").Build()).AsInt64()
	step("xack", acked, err)
	pend, err := do("XPENDING", "q", "g").ToAny()
	step("xpending summary", pend, err)
	ext, err := do("XPENDING", "q", "g", "-", "+", "10").ToAny()
	step("xpending extended (idle and count)", stripIdle(ext), err)
	claimed, err := do("XAUTOCLAIM", "q", "g", "bob", "0", "0-0", "COUNT", "1", "JUSTID").ToAny()
	step("xautoclaim justid", claimed, err)
	info, err := c.Do(ctx, c.B().XinfoGroups().Key("q").Build()).ToAny()
	step("xinfo groups", info, err)
	sinfo, err := c.Do(ctx, c.B().XinfoStream().Key("q").Build()).AsMap()
	if err == nil {
		keys := make([]string, 0, len(sinfo))
		for k := range sinfo {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		lm := sinfo["length"]
		l, _ := lm.AsInt64()
		step("xinfo stream fields and length", fmt.Sprint(keys, l), nil)
	} else {
		step("xinfo stream", nil, err)
	}
	step("wrong type", nil, do("XADD", "jobs", "*").Error())
	step("bad id", nil, do("XADD", "q", "abc", "f", "v").Error())

	// A blocked XREADGROUP on one of the pool's connections, woken by an
	// XADD sent on the pipelined one.
	got := make(chan string, 1)
	go func() {
		r, err := c.Do(ctx, c.B().Xreadgroup().Group("g", "carol").Block(5000).Streams().Key("q").Id(">").Build()).AsXRead()
		if err != nil {
			got <- "error " + err.Error()
			return
		}
		got <- fmt.Sprint(r)
	}()
	time.Sleep(100 * time.Millisecond)
	step("xadd wakes", nil, do("XADD", "q", "6-1", "n", "woke").Error())
	select {
	case s := <-got:
		step("blocked xreadgroup got", s, nil)
	case <-time.After(10 * time.Second):
		step("blocked xreadgroup got", "nothing within 10s", nil)
	}

	// Client-side caching: a cached TYPE of the stream stays cached until
	// a write to the stream invalidates it (RESP3 push).
	cached := func() (string, bool) {
		r := c.DoCache(ctx, c.B().Type().Key("q").Cache(), time.Minute)
		v, err := r.ToString()
		if err != nil {
			t.Fatalf("%s: cached TYPE: %v", addr, err)
		}
		return v, r.IsCacheHit()
	}
	v1, hit1 := cached()
	v2, hit2 := cached()
	step("cached type twice (value, hit)", fmt.Sprint(v1, hit1, v2, hit2), nil)
	step("del", nil, do("DEL", "q").Error())
	var v3 string
	var hit3 bool
	for i := 0; i < 100; i++ { // the invalidation push arrives asynchronously
		if v3, hit3 = cached(); !hit3 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	step("cached type after del (value, hit)", fmt.Sprint(v3, hit3), nil)
	return rec.out
}

// recorder collects a session's steps, one line each, with show turning
// a client's reply values into a form that prints alike across servers.
type recorder struct {
	out  []string
	show func(any) any
}

func (r *recorder) step(name string, v any, err error) {
	if err != nil {
		r.out = append(r.out, name+": error "+err.Error())
		return
	}
	r.out = append(r.out, fmt.Sprintf("%s: %v", name, r.show(v)))
}

// lessID orders stream IDs "ms-seq" numerically.
func lessID(a, b string) bool {
	am, as := splitID(a)
	bm, bs := splitID(b)
	return am < bm || am == bm && as < bs
}

func splitID(id string) (uint64, uint64) {
	for i := 0; i < len(id); i++ {
		if id[i] == '-' {
			ms, _ := strconv.ParseUint(id[:i], 10, 64)
			seq, _ := strconv.ParseUint(id[i+1:], 10, 64)
			return ms, seq
		}
	}
	return 0, 0
}

// stripIdle replaces the idle times of an extended XPENDING reply, which
// differ run to run, by a mark.
func stripIdle(v any) any {
	rows, ok := v.([]any)
	if !ok {
		return v
	}
	for _, r := range rows {
		if f, ok := r.([]any); ok && len(f) == 4 {
			f[2] = "idle"
		}
	}
	return rows
}

// TestRueidis runs the rueidis session on runnel and on redis-server.
func TestRueidis(t *testing.T) {
	rn, rs := startBoth(t)
	want := rueidisSession(t, "127.0.0.1:"+strconv.Itoa(rs))
	got := rueidisSession(t, "127.0.0.1:"+strconv.Itoa(rn))
	compareSessions(t, "rueidis", got, want)
}

// redigoSession runs a stream-queue session through redigo (RESP2).
func redigoSession(t *testing.T, addr string) []string {
	t.Helper()
	c, err := redigo.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("%s: redigo: %v", addr, err)
	}
	defer c.Close()
	rec := &recorder{show: printable}
	step := rec.step
	for i := 1; i <= 5; i++ {
		v, err := redigo.String(c.Do("XADD", "s", "3-"+strconv.Itoa(i), "f", "v"+strconv.Itoa(i)))
		step("xadd", v, err)
	}
	v, err := c.Do("XADD", "s", "MAXLEN", "=", "4", "4-1", "f", "v6")
	step("xadd maxlen", v, err)
	v, err = c.Do("XRANGE", "s", "-", "+", "COUNT", "2")
	step("xrange", v, err)
	v, err = c.Do("XREVRANGE", "s", "+", "-")
	step("xrevrange", v, err)
	v, err = c.Do("XGROUP", "CREATE", "s", "g", "0")
	step("xgroup create", v, err)
	v, err = c.Do("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">")
	step("xreadgroup", v, err)
	v, err = c.Do("XACK", "s", "g", "3-2")
	step("xack", v, err)
	v, err = c.Do("XCLAIM", "s", "g", "c2", "0", "3-3", "JUSTID")
	step("xclaim justid", v, err)
	v, err = c.Do("XPENDING", "s", "g")
	step("xpending", v, err)
	v, err = c.Do("XINFO", "CONSUMERS", "s", "g")
	if rows, ok := v.([]any); ok {
		// Only the names and pending counts: idle times move.
		var names []any
		for _, r := range rows {
			f, _ := redigo.Values(r, nil)
			m := map[string]any{}
			for i := 0; i+1 < len(f); i += 2 {
				m[string(f[i].([]byte))] = f[i+1]
			}
			names = append(names, []any{m["name"], m["pending"]})
		}
		v = names
	}
	step("xinfo consumers", v, err)
	v, err = c.Do("XTRIM", "s", "MINID", "3-4")
	step("xtrim minid", v, err)
	v, err = c.Do("XLEN", "s")
	step("xlen", v, err)
	v, err = c.Do("XREAD", "COUNT", "1", "STREAMS", "s", "nokey", "0", "0")
	step("xread two keys", v, err)
	v, err = c.Do("XADD", "s", "1-1", "f", "v")
	step("xadd smaller id", v, err)
	v, err = c.Do("XREADGROUP", "GROUP", "nogroup", "c", "STREAMS", "s", ">")
	step("xreadgroup no group", v, err)
	// A pipeline of mixed commands, read back in order.
	c.Send("XADD", "p", "1-1", "a", "1")
	c.Send("XLEN", "p")
	c.Send("XADD", "p", "1-1", "a", "1")
	c.Send("XRANGE", "p", "-", "+")
	if err := c.Flush(); err != nil {
		t.Fatalf("%s: redigo flush: %v", addr, err)
	}
	for i := 0; i < 4; i++ {
		v, err := c.Receive()
		step("pipeline "+strconv.Itoa(i), v, err)
	}
	return rec.out
}

// printable turns redigo's []byte replies into strings, recursively.
func printable(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = printable(x[i])
		}
		return out
	}
	return v
}

// TestRedigo runs the redigo session on runnel and on redis-server.
func TestRedigo(t *testing.T) {
	rn, rs := startBoth(t)
	want := redigoSession(t, "127.0.0.1:"+strconv.Itoa(rs))
	got := redigoSession(t, "127.0.0.1:"+strconv.Itoa(rn))
	compareSessions(t, "redigo", got, want)
}

// compareSessions fails on every step where runnel's result differs from
// redis-server's.
func compareSessions(t *testing.T, client string, got, want []string) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		t.Logf("%s: %d steps, all equal", client, len(got))
		return
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s step %d:\n runnel: %s\n  redis: %s", client, i, g, w)
		}
	}
}
