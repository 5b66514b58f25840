package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// rangeScenario loads a stream of --entries entries with explicit IDs 1-0 ..
// N-0 (pipelined XADD, one field of --payload bytes), then measures, for
// each of --counts, XRANGE key <random> + COUNT n and XREVRANGE key <random>
// - COUNT n for --duration each, checking every reply holds n entries
// starting at the requested ID.
func rangeScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	entries := fs.Int("entries", 10_000_000, "entries in the stream")
	payload := fs.Int("payload", 100, "bytes of each entry's field value")
	counts := fs.String("counts", "10,100", "comma-separated COUNTs to measure")
	clients := fs.Int("clients", 8, "concurrent connections per phase")
	pipeline := fs.Int("pipeline", 1, "commands per batch per connection")
	duration := fs.Duration("duration", 5*time.Second, "length of each phase")
	ops := fs.Int64("ops", 0, "also stop each phase after this many commands (0: time only)")
	key := fs.String("key", "bench:range", "stream key")
	reuse := fs.Bool("reuse", false, "skip loading when the stream already holds exactly --entries entries ending at N-0")
	keep := fs.Bool("keep", false, "leave the stream in place afterwards")
	return true, func(e *env) error {
		n := *entries
		var cs []int
		for _, f := range strings.Split(*counts, ",") {
			k, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || k < 1 || k > n {
				return fmt.Errorf("bad COUNT %q for %d entries", f, n)
			}
			cs = append(cs, k)
		}
		c, err := e.dial()
		if err != nil {
			return err
		}
		defer c.Close()
		var r wire.Reply
		m := e.res.Metrics
		keyb := []byte(*key)
		loaded := false
		if *reuse {
			v, err := do(c, &r, "XREVRANGE", *key, "+", "-", "COUNT", "1")
			lastOK := err == nil && v.Len() == 1 && v.First().First().Str() == strconv.Itoa(n)+"-0"
			if l, err := do(c, &r, "XLEN", *key); lastOK && err == nil && l.Int() == int64(n) {
				loaded = true
			}
		}
		if !loaded {
			if _, err := do(c, &r, "DEL", *key); err != nil {
				return err
			}
			value := makePayload(*payload, 0)
			e.prog.Phase("load", int64(n))
			t0 := time.Now()
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
			m["load_entries_per_sec"] = float64(n) / time.Since(t0).Seconds()
			v, err := do(c, &r, "XLEN", *key)
			if err != nil {
				return err
			}
			if v.Int() != int64(n) {
				return fmt.Errorf("XLEN %d after loading %d entries", v.Int(), n)
			}
		}
		for _, cnt := range cs {
			countS := strconv.Itoa(cnt)
			for _, rev := range []bool{false, true} {
				name, cmd, end := "xrange", "XRANGE", "+"
				if rev {
					name, cmd, end = "xrevrange", "XREVRANGE", "-"
				}
				name += countS
				// Per client: the start IDs of the commands in flight, a
				// ring of one batch (pipelined replies come back in order).
				p := max(1, *pipeline)
				starts := make([][]uint64, *clients)
				sent, checked := make([]int, *clients), make([]int, *clients)
				for ci := range starts {
					starts[ci] = make([]uint64, p)
				}
				res, err := runOps(e, name, opSpec{
					clients: *clients, pipeline: *pipeline, maxOps: *ops, duration: *duration,
					gen: func(ci int, rng *rand.Rand, c *wire.Conn) {
						s := uint64(rng.IntN(n-cnt+1)) + 1 // XRANGE from s holds cnt entries
						if rev {
							s += uint64(cnt - 1) // XREVRANGE from s holds cnt entries
						}
						starts[ci][sent[ci]%p] = s
						sent[ci]++
						c.Array(6)
						c.BulkString(cmd)
						c.Bulk(keyb)
						c.BulkID(s, 0)
						c.BulkString(end)
						c.BulkString("COUNT")
						c.BulkString(countS)
					},
					check: func(ci int, v wire.Value) error {
						s := starts[ci][checked[ci]%p]
						checked[ci]++
						if v.Len() != cnt {
							return fmt.Errorf("%s from %d-0: %d entries, want %d", cmd, s, v.Len(), cnt)
						}
						var want [24]byte
						w := strconv.AppendUint(want[:0], s, 10)
						w = append(w, '-', '0')
						if got := v.First().First().Bytes(); !bytes.Equal(got, w) {
							return fmt.Errorf("%s from %d-0: first entry %q", cmd, s, got)
						}
						return nil
					},
				})
				m[name+"_ops_per_sec"] = res.rate()
				putLatency(m, name+"_", res.hist)
				if err != nil {
					return err
				}
				if err := res.errs.err(); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
		if !*keep {
			c.SetDeadline(time.Now().Add(5 * time.Minute))
			if _, err := c.Do(&r, "DEL", *key); err != nil {
				return fmt.Errorf("cleanup: %w", err)
			}
		}
		return nil
	}
}
