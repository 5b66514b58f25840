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

// xaddScenario: --clients connections each send --pipeline XADDs with an
// auto ID and one field of --payload bytes, round-robin over --streams
// keys, for --requests commands or --duration. It reports ops/s and the
// per-command latency, and checks that the streams hold exactly as many
// entries as XADDs succeeded.
func xaddScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	clients := fs.Int("clients", 50, "concurrent connections")
	pipeline := fs.Int("pipeline", 16, "commands per batch on each connection")
	payload := fs.Int("payload", 100, "bytes of the field value")
	streams := fs.Int("streams", 1, "number of stream keys, written round-robin")
	requests := fs.Int64("requests", 1_000_000, "XADDs to send (0 for no count bound)")
	duration := fs.Duration("duration", 0, "stop after this long (0 for no time bound)")
	key := fs.String("key", "bench:xadd", "key prefix")
	keep := fs.Bool("keep", false, "leave the streams in place afterwards")
	return true, func(e *env) error {
		if *streams < 1 || *payload < 0 {
			return errors.New("--streams must be >= 1 and --payload >= 0")
		}
		keys := make([][]byte, *streams)
		names := make([]string, *streams)
		for k := range keys {
			names[k] = *key + ":" + strconv.Itoa(k)
			keys[k] = []byte(names[k])
		}
		admin, err := e.dial()
		if err != nil {
			return err
		}
		defer admin.Close()
		var r wire.Reply
		if _, err := do(admin, &r, append([]string{"DEL"}, names...)...); err != nil {
			return err
		}
		value := makePayload(*payload, 0)
		next := make([]int, *clients)
		res, runErr := runOps(e, "xadd", opSpec{
			clients: *clients, pipeline: *pipeline, maxOps: *requests, duration: *duration,
			gen: func(ci int, _ *rand.Rand, c *wire.Conn) {
				k := (ci + next[ci]) % len(keys)
				next[ci]++
				c.Array(5)
				c.BulkString("XADD")
				c.Bulk(keys[k])
				c.BulkString("*")
				c.BulkString("f")
				c.Bulk(value)
			},
		})
		m := e.res.Metrics
		m["ops_per_sec"] = res.rate()
		m["requests"] = float64(res.ops)
		m["errors"] = float64(res.errs.n)
		putLatency(m, "", res.hist)
		if runErr != nil {
			return runErr
		}
		if err := res.errs.err(); err != nil {
			return err
		}
		var total int64
		for _, n := range names {
			v, err := do(admin, &r, "XLEN", n)
			if err != nil {
				return err
			}
			total += v.Int()
		}
		if total != res.ops {
			return fmt.Errorf("streams hold %d entries after %d successful XADDs", total, res.ops)
		}
		if !*keep {
			admin.SetDeadline(time.Now().Add(5 * time.Minute))
			if _, err := admin.Do(&r, append([]string{"DEL"}, names...)...); err != nil {
				return fmt.Errorf("cleanup: %w", err)
			}
		}
		return nil
	}
}
