package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// redisbenchScenario runs `redis-benchmark -n N -c C -P P --csv XADD key *
// f v` against --addr, turns its CSV line into metrics (its latencies are
// in milliseconds; the metrics in microseconds, as everywhere else), and
// checks that the stream got all N entries (redis-benchmark itself does
// not look at error replies).
func redisbenchScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	requests := fs.Int("requests", 1_000_000, "redis-benchmark -n")
	clients := fs.Int("clients", 50, "redis-benchmark -c")
	pipeline := fs.Int("pipeline", 16, "redis-benchmark -P")
	key := fs.String("key", "s", "stream key")
	binary := fs.String("redis-benchmark", "redis-benchmark", "redis-benchmark binary")
	return true, func(e *env) error {
		host, port, err := net.SplitHostPort(e.addr)
		if err != nil {
			return err
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
		if out, err := exec.CommandContext(e.ctx, *binary, "--version").Output(); err == nil {
			if f := strings.Fields(string(out)); len(f) >= 2 {
				if e.res.Server == nil {
					e.res.Server = map[string]string{}
				}
				e.res.Server["redis_benchmark_version"] = strings.TrimPrefix(f[1], "v=")
			}
		}
		e.res.Command += fmt.Sprintf(" # runs: redis-benchmark -h 127.0.0.1 -p $PORT -n %d -c %d -P %d --csv XADD %s '*' f v",
			*requests, *clients, *pipeline, shellQuote(*key))
		e.prog.Phase("redis-benchmark", 0)
		cmd := exec.CommandContext(e.ctx, *binary, "-h", host, "-p", port, "-n", strconv.Itoa(*requests),
			"-c", strconv.Itoa(*clients), "-P", strconv.Itoa(*pipeline), "--csv", "XADD", *key, "*", "f", "v")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("redis-benchmark: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
		if err := parseRedisBenchmarkCSV(out, e.res.Metrics); err != nil {
			return err
		}
		v, err := do(c, &r, "XLEN", *key)
		if err != nil {
			return err
		}
		if v.Int() != int64(*requests) {
			return fmt.Errorf("stream holds %d entries after redis-benchmark sent %d XADDs", v.Int(), *requests)
		}
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		if _, err := c.Do(&r, "DEL", *key); err != nil {
			return fmt.Errorf("cleanup: %w", err)
		}
		return nil
	}
}

// parseRedisBenchmarkCSV reads redis-benchmark's --csv output: a header
// ("test","rps","avg_latency_ms",...) and one line per test.
func parseRedisBenchmarkCSV(out []byte, m map[string]float64) error {
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		return fmt.Errorf("redis-benchmark CSV: %w", err)
	}
	if len(recs) < 2 {
		return fmt.Errorf("redis-benchmark printed no result: %q", out)
	}
	header, row := recs[0], recs[1]
	if len(row) != len(header) {
		return errors.New("redis-benchmark CSV: row and header differ in length")
	}
	names := map[string]string{
		"rps": "ops_per_sec", "avg_latency_ms": "mean_us", "p50_latency_ms": "p50_us",
		"p95_latency_ms": "p95_us", "p99_latency_ms": "p99_us", "max_latency_ms": "max_us",
	}
	found := false
	for k, h := range header {
		name, ok := names[h]
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(row[k], 64)
		if err != nil {
			return fmt.Errorf("redis-benchmark CSV: %s=%q", h, row[k])
		}
		if strings.HasSuffix(h, "_ms") {
			v *= 1000
		}
		m[name] = v
		found = found || name == "ops_per_sec"
	}
	if !found {
		return fmt.Errorf("redis-benchmark CSV has no rps column: %q", header)
	}
	return nil
}
