package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// memScenario measures memory per entry: it reads the server's resident set
// (VmRSS of /proc/PID/status, the PID from INFO server's process_id or
// --pid) and INFO memory used_memory, loads --entries entries of one
// --payload-byte field with auto IDs into --streams keys, waits --settle,
// and reads both again. Run it on a freshly started server: the baseline
// is whatever the process holds before the load.
func memScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	entries := fs.Int("entries", 1_000_000, "entries to add")
	payload := fs.Int("payload", 100, "bytes of each entry's field value")
	streams := fs.Int("streams", 1, "keys the entries are spread over")
	settle := fs.Duration("settle", 2*time.Second, "wait after loading before reading memory")
	key := fs.String("key", "bench:mem", "key prefix")
	return true, func(e *env) error {
		if *entries < 1 || *streams < 1 {
			return errors.New("--entries and --streams must be >= 1")
		}
		c, err := e.dial()
		if err != nil {
			return err
		}
		defer c.Close()
		pid := e.pid
		if pid == 0 {
			if p, err := strconv.Atoi(e.res.Server["process_id"]); err == nil {
				pid = p
			}
		}
		if pid <= 0 {
			return errors.New("no process id: INFO server has no process_id; pass --pid")
		}
		var r wire.Reply
		names := make([]string, *streams)
		keys := make([][]byte, *streams)
		for k := range names {
			names[k] = *key + ":" + strconv.Itoa(k)
			keys[k] = []byte(names[k])
		}
		if _, err := do(c, &r, append([]string{"DEL"}, names...)...); err != nil {
			return err
		}
		m := e.res.Metrics
		rss0, err := readRSS(pid)
		if err != nil {
			return err
		}
		used0, usedErr := usedMemory(c)
		value := makePayload(*payload, 0)
		e.prog.Phase("load", int64(*entries))
		err = pipelined(e.ctx, c, *entries, 256, 4096, e.prog, func(i int) {
			c.Array(5)
			c.BulkString("XADD")
			c.Bulk(keys[i%len(keys)])
			c.BulkString("*")
			c.BulkString("f")
			c.Bulk(value)
		}, func(i int, v wire.Value) error { return replyErr("XADD", v) })
		if err != nil {
			return err
		}
		select {
		case <-time.After(*settle):
		case <-e.ctx.Done():
			return e.ctx.Err()
		}
		rss1, err := readRSS(pid)
		if err != nil {
			return err
		}
		var total int64
		for _, n := range names {
			v, err := do(c, &r, "XLEN", n)
			if err != nil {
				return err
			}
			total += v.Int()
		}
		if total != int64(*entries) {
			return fmt.Errorf("streams hold %d entries after adding %d", total, *entries)
		}
		n := float64(*entries)
		m["rss_before_bytes"] = float64(rss0)
		m["rss_after_bytes"] = float64(rss1)
		m["rss_bytes_per_entry"] = (float64(rss1) - float64(rss0)) / n
		if usedErr == nil {
			if used1, err := usedMemory(c); err == nil {
				m["used_before_bytes"] = float64(used0)
				m["used_after_bytes"] = float64(used1)
				m["used_bytes_per_entry"] = (float64(used1) - float64(used0)) / n
			}
		}
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		if _, err := c.Do(&r, append([]string{"DEL"}, names...)...); err != nil {
			return fmt.Errorf("cleanup: %w", err)
		}
		return nil
	}
}

// readRSS returns VmRSS of a process in bytes.
func readRSS(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("resident memory of pid %d: %w", pid, err)
	}
	defer f.Close()
	return parseVmRSS(f)
}

func parseVmRSS(f interface{ Read([]byte) (int, error) }) (int64, error) {
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("bad VmRSS line %q", sc.Text())
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("no VmRSS line in /proc status")
}

// usedMemory returns INFO memory's used_memory.
func usedMemory(c *wire.Conn) (int64, error) {
	c.SetDeadline(time.Now().Add(time.Minute))
	defer c.SetDeadline(time.Time{})
	info, err := serverInfo(c, "memory")
	if err != nil {
		return 0, err
	}
	v, ok := info["used_memory"]
	if !ok {
		return 0, errors.New("INFO memory has no used_memory")
	}
	return strconv.ParseInt(v, 10, 64)
}
