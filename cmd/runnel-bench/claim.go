package main

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// claimScenario builds a group with --pending entries pending (XADD of
// explicit IDs 1-0 .. N-0, then XREADGROUP by --owners consumers), then
// measures three phases of --duration each: XPENDING key g <random> + 100,
// XCLAIM of 100 consecutive pending IDs from a random start to another
// consumer (min-idle 0), and XAUTOCLAIM from a random start COUNT 100.
// Every reply is checked to hold its 100 entries; the PEL stays at N
// entries throughout (claims move entries, they do not ack them).
func claimScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	pending := fs.Int("pending", 1_000_000, "entries pending in the group")
	payload := fs.Int("payload", 16, "bytes of each entry's field value")
	owners := fs.Int("owners", 4, "consumers the entries are first delivered to")
	clients := fs.Int("clients", 8, "concurrent connections per phase")
	pipeline := fs.Int("pipeline", 1, "commands per batch per connection")
	duration := fs.Duration("duration", 5*time.Second, "length of each phase")
	ops := fs.Int64("ops", 0, "also stop each phase after this many commands (0: time only)")
	count := fs.Int("count", 100, "entries per XPENDING, XCLAIM and XAUTOCLAIM")
	key := fs.String("key", "bench:claim", "stream key")
	return true, func(e *env) error {
		n, cnt := *pending, *count
		if n < cnt || cnt < 1 || *owners < 1 {
			return errors.New("need --pending >= --count >= 1 and --owners >= 1")
		}
		c, err := e.dial()
		if err != nil {
			return err
		}
		defer c.Close()
		var r wire.Reply
		if _, err := do(c, &r, "DEL", *key); err != nil {
			return err
		}
		if _, err := do(c, &r, "XGROUP", "CREATE", *key, "g", "$", "MKSTREAM"); err != nil {
			return err
		}
		m := e.res.Metrics
		keyb := []byte(*key)
		value := makePayload(*payload, 0)
		buildStart := time.Now()
		e.prog.Phase("load", int64(n))
		err = pipelined(e.ctx, c, n, 256, 4096, e.prog, func(i int) {
			c.Array(5)
			c.BulkString("XADD")
			c.Bulk(keyb)
			c.BulkID(uint64(i+1), 0)
			c.BulkString("f")
			c.Bulk(value)
		}, func(i int, v wire.Value) error { return replyErr("XADD", v) })
		if err != nil {
			return err
		}
		const chunk = 1000
		reads := (n + chunk - 1) / chunk
		delivered := 0
		e.prog.Phase("deliver", int64(reads))
		err = pipelined(e.ctx, c, reads, 4, 16, e.prog, func(i int) {
			c.Command("XREADGROUP", "GROUP", "g", "owner"+strconv.Itoa(i%*owners), "COUNT", strconv.Itoa(chunk), "STREAMS", *key, ">")
		}, func(i int, v wire.Value) error {
			if err := replyErr("XREADGROUP", v); err != nil {
				return err
			}
			if !v.IsNull() {
				delivered += v.First().Elem(1).Len()
			}
			return nil
		})
		if err != nil {
			return err
		}
		m["build_seconds"] = time.Since(buildStart).Seconds()
		v, err := do(c, &r, "XPENDING", *key, "g")
		if err != nil {
			return err
		}
		if delivered != n || v.First().Int() != int64(n) {
			return fmt.Errorf("built %d deliveries, XPENDING counts %d, want %d", delivered, v.First().Int(), n)
		}
		countS := strconv.Itoa(cnt)
		wantLen := func(what string, want int) func(int, wire.Value) error {
			return func(_ int, v wire.Value) error {
				if got := v.Len(); got != want {
					return fmt.Errorf("%s: %d elements, want %d", what, got, want)
				}
				return nil
			}
		}
		randStart := func(rng *rand.Rand) uint64 { return uint64(rng.IntN(n-cnt+1)) + 1 }
		phases := []struct {
			name  string
			gen   func(int, *rand.Rand, *wire.Conn)
			check func(int, wire.Value) error
		}{
			{"xpending", func(_ int, rng *rand.Rand, c *wire.Conn) {
				c.Array(6)
				c.BulkString("XPENDING")
				c.Bulk(keyb)
				c.BulkString("g")
				c.BulkID(randStart(rng), 0)
				c.BulkString("+")
				c.BulkString(countS)
			}, wantLen("XPENDING", cnt)},
			{"xclaim", func(ci int, rng *rand.Rand, c *wire.Conn) {
				s := randStart(rng)
				c.Array(5 + cnt)
				c.BulkString("XCLAIM")
				c.Bulk(keyb)
				c.BulkString("g")
				c.BulkString(claimer(ci, rng))
				c.BulkString("0")
				for k := 0; k < cnt; k++ {
					c.BulkID(s+uint64(k), 0)
				}
			}, wantLen("XCLAIM", cnt)},
			{"xautoclaim", func(ci int, rng *rand.Rand, c *wire.Conn) {
				c.Array(8)
				c.BulkString("XAUTOCLAIM")
				c.Bulk(keyb)
				c.BulkString("g")
				c.BulkString(claimer(ci, rng))
				c.BulkString("0")
				c.BulkID(randStart(rng), 0)
				c.BulkString("COUNT")
				c.BulkString(countS)
			}, func(_ int, v wire.Value) error {
				if v.Len() < 2 || v.Elem(1).Len() != cnt {
					return fmt.Errorf("XAUTOCLAIM: reply %.200s, want %d entries", v.String(), cnt)
				}
				return nil
			}},
		}
		for _, ph := range phases {
			res, err := runOps(e, ph.name, opSpec{clients: *clients, pipeline: *pipeline, maxOps: *ops, duration: *duration, gen: ph.gen, check: ph.check})
			m[ph.name+"_ops_per_sec"] = res.rate()
			putLatency(m, ph.name+"_", res.hist)
			if err != nil {
				return err
			}
			if err := res.errs.err(); err != nil {
				return fmt.Errorf("%s: %w", ph.name, err)
			}
		}
		v, err = do(c, &r, "XPENDING", *key, "g")
		if err != nil {
			return err
		}
		if v.First().Int() != int64(n) {
			return fmt.Errorf("after the claims XPENDING counts %d, want %d", v.First().Int(), n)
		}
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		if _, err := c.Do(&r, "DEL", *key); err != nil {
			return fmt.Errorf("cleanup: %w", err)
		}
		return nil
	}
}

var claimers = [...]string{"claimer0", "claimer1", "claimer2", "claimer3"}

// claimer picks the consumer a claim moves entries to, so that ownership
// actually changes from one claim to the next.
func claimer(_ int, rng *rand.Rand) string { return claimers[rng.IntN(len(claimers))] }
