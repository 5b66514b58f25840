package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// recoverScenario measures start-up on a data directory of --entries
// entries. It starts the server from --server-cmd (a command line in which
// {port} and {dir} are replaced by a free loopback port and the data
// directory), loads the entries with pipelined XADD, sends --prepare (e.g.
// SAVE, for Redis's RDB), stops the server with SIGTERM, and starts it again
// on the same directory, timing from the exec to the first PONG (a LOADING
// error does not count) and to the first output line matching
// --loaded-regex. It then checks the stream came back whole.
func recoverScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	serverCmd := fs.String("server-cmd", "", "server command line with {port} and {dir} (required)")
	entries := fs.Int("entries", 1_000_000, "entries to load before the restart")
	payload := fs.Int("payload", 100, "bytes of each entry's field value")
	prepare := fs.String("prepare", "", "command to send after loading, before stopping (e.g. SAVE)")
	loadedRe := fs.String("loaded-regex", `DB loaded from (disk|append only file)`, "regexp of the server's log line that says loading is done ('' to not wait for one)")
	startTimeout := fs.Duration("start-timeout", 5*time.Minute, "bound on each start-up")
	stopTimeout := fs.Duration("stop-timeout", 2*time.Minute, "bound on each shutdown before SIGKILL")
	dirFlag := fs.String("dir", "", "data directory (default: a new temporary one, removed afterwards)")
	serverLog := fs.String("server-log", "", "append the server's output to this file")
	key := fs.String("key", "bench:recover", "stream key")
	return false, func(e *env) error {
		if *serverCmd == "" {
			return errors.New("--server-cmd is required")
		}
		if *entries < 1 {
			return errors.New("--entries must be >= 1")
		}
		var loaded *regexp.Regexp
		if *loadedRe != "" {
			var err error
			if loaded, err = regexp.Compile(*loadedRe); err != nil {
				return fmt.Errorf("--loaded-regex: %w", err)
			}
		}
		dir := *dirFlag
		if dir == "" {
			d, err := os.MkdirTemp("", "runnel-bench-recover-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(d)
			dir = d
		}
		var log io.Writer
		if *serverLog != "" {
			f, err := os.OpenFile(*serverLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			log = f
		}
		m := e.res.Metrics
		start := func(re *regexp.Regexp) (*serverProc, error) {
			port, err := freePort()
			if err != nil {
				return nil, err
			}
			argv, err := expandTemplate(*serverCmd, port, dir)
			if err != nil {
				return nil, fmt.Errorf("--server-cmd: %w", err)
			}
			e.addr = fmt.Sprintf("127.0.0.1:%d", port)
			return startServer(argv, e.addr, re, log)
		}

		// First life: load.
		e.prog.Phase("start", 0)
		p, err := start(nil)
		if err != nil {
			return err
		}
		defer p.kill()
		if _, err := p.waitPing(*startTimeout); err != nil {
			return err
		}
		if err := e.probeServer(); err != nil {
			return err
		}
		c, err := e.dial()
		if err != nil {
			return err
		}
		var r wire.Reply
		if _, err := do(c, &r, "DEL", *key); err != nil {
			return err
		}
		keyb := []byte(*key)
		value := makePayload(*payload, 0)
		e.prog.Phase("load", int64(*entries))
		t0 := time.Now()
		err = pipelined(e.ctx, c, *entries, 256, 4096, e.prog, func(i int) {
			c.Array(5)
			c.BulkString("XADD")
			c.Bulk(keyb)
			c.BulkString("*")
			c.BulkString("f")
			c.Bulk(value)
		}, func(i int, v wire.Value) error { return replyErr("XADD", v) })
		if err != nil {
			return err
		}
		m["load_entries_per_sec"] = float64(*entries) / time.Since(t0).Seconds()
		if *prepare != "" {
			e.prog.Phase("prepare", 0)
			words, err := splitCommand(*prepare)
			if err != nil {
				return fmt.Errorf("--prepare: %w", err)
			}
			t := time.Now()
			c.SetDeadline(time.Now().Add(*startTimeout))
			if _, err := c.Do(&r, words...); err != nil {
				return fmt.Errorf("--prepare %s: %w", *prepare, err)
			}
			m["prepare_ms"] = float64(time.Since(t).Microseconds()) / 1e3
		}
		wantLen, wantLast, err := streamTail(c, *key)
		if err != nil {
			return err
		}
		c.Close()
		e.prog.Phase("stop", 0)
		d, err := p.stop(*stopTimeout)
		if err != nil {
			return err
		}
		m["stop_ms"] = float64(d.Microseconds()) / 1e3
		m["disk_bytes"] = float64(dirSize(dir))

		// Second life: recover.
		e.prog.Phase("recover", 0)
		p2, err := start(loaded)
		if err != nil {
			return err
		}
		defer p2.kill()
		pong, err := p2.waitPing(*startTimeout)
		if err != nil {
			return err
		}
		m["ping_ms"] = float64(pong.Sub(p2.started).Microseconds()) / 1e3
		if loaded != nil {
			waitUntil := time.Now().Add(5 * time.Second)
			for p2.matched().IsZero() && time.Now().Before(waitUntil) {
				time.Sleep(time.Millisecond)
			}
			at := p2.matched()
			if at.IsZero() {
				return fmt.Errorf("the restarted server printed no line matching %q; its last output:\n%s", *loadedRe, p2.lastLines())
			}
			m["loaded_ms"] = float64(at.Sub(p2.started).Microseconds()) / 1e3
		}
		c, err = e.dial()
		if err != nil {
			return err
		}
		defer c.Close()
		gotLen, gotLast, err := streamTail(c, *key)
		if err != nil {
			return err
		}
		m["entries"] = float64(gotLen)
		if gotLen != wantLen || gotLast != wantLast || gotLen != int64(*entries) {
			return fmt.Errorf("after the restart the stream has %d entries ending at %s; before it %d ending at %s (loaded %d)",
				gotLen, gotLast, wantLen, wantLast, *entries)
		}
		if _, err := p2.stop(*stopTimeout); err != nil {
			return err
		}
		return nil
	}
}

// streamTail returns a stream's length and last ID.
func streamTail(c *wire.Conn, key string) (int64, string, error) {
	var r wire.Reply
	v, err := do(c, &r, "XLEN", key)
	if err != nil {
		return 0, "", err
	}
	n := v.Int()
	v, err = do(c, &r, "XREVRANGE", key, "+", "-", "COUNT", "1")
	if err != nil {
		return 0, "", err
	}
	if v.Len() != 1 {
		return n, "", nil
	}
	return n, strings.Clone(v.First().First().Str()), nil
}

// dirSize adds up the sizes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
