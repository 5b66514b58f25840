package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/bench/hdr"
	"github.com/runnel-db/runnel/bench/wire"
)

// base is the process's time origin: timestamps embedded in payloads are
// monotonic nanoseconds since base, so producer and consumer (goroutines of
// this one process) share a clock.
var base = time.Now()

func monoNow() int64 { return int64(time.Since(base)) }

// latencyScenario: one producer offers --rate XADDs per second for --warmup
// plus --duration, each payload starting with its send time; one consumer
// blocked in XREADGROUP (mode group, acking what it gets) or XREAD (mode
// xread) records, for every entry sent after the warm-up, the time from the
// XADD leaving the producer to the entry arriving. Modes run one after the
// other on their own keys. The producer's pacing has the granularity of the
// Go timer (about a millisecond here), so entries leave in small bursts
// that keep the average rate exact.
func latencyScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	rate := fs.Int("rate", 5000, "offered XADDs per second")
	duration := fs.Duration("duration", 10*time.Second, "measured time per mode")
	warmup := fs.Duration("warmup", time.Second, "unmeasured time before it")
	payload := fs.Int("payload", 100, "bytes of the field value (at least 16)")
	count := fs.Int("count", 100, "COUNT of the blocked read")
	modes := fs.String("modes", "group,xread", "comma-separated: group (XREADGROUP + XACK) and/or xread (XREAD)")
	key := fs.String("key", "bench:latency", "key prefix")
	grace := fs.Duration("grace", 10*time.Second, "how long to wait for the last entries after the producer stops")
	return true, func(e *env) error {
		if *rate < 1 || *duration <= 0 {
			return errors.New("--rate must be >= 1 and --duration > 0")
		}
		for _, mode := range strings.Split(*modes, ",") {
			mode = strings.TrimSpace(mode)
			if mode != "group" && mode != "xread" {
				return fmt.Errorf("unknown mode %q", mode)
			}
			if err := latencyMode(e, mode, *key+":"+mode, *rate, *warmup, *duration, *payload, *count, *grace); err != nil {
				return fmt.Errorf("%s: %w", mode, err)
			}
		}
		return nil
	}
}

func latencyMode(e *env, mode, key string, rate int, warmup, duration time.Duration, payload, count int, grace time.Duration) error {
	admin, err := e.dial()
	if err != nil {
		return err
	}
	defer admin.Close()
	var r wire.Reply
	if _, err := do(admin, &r, "DEL", key); err != nil {
		return err
	}
	if mode == "group" {
		if _, err := do(admin, &r, "XGROUP", "CREATE", key, "g", "$", "MKSTREAM"); err != nil {
			return err
		}
	}
	prod, err := e.dial()
	if err != nil {
		return err
	}
	defer prod.Close()
	cons, err := e.dial()
	if err != nil {
		return err
	}
	defer cons.Close()

	total := int64(rate) * int64((warmup+duration)/time.Millisecond) / 1000
	var measureFromA atomic.Int64 // entries sent before this are not measured
	measureFromA.Store(monoNow() + int64(warmup))
	e.prog.Phase(mode, total)

	// Consumer.
	recv := hdr.New()
	var received atomic.Int64
	consErr := make(chan error, 1)
	consDone := make(chan struct{})
	keyb := []byte(key)
	countS := strconv.Itoa(count)
	go func() {
		defer close(consDone)
		var r wire.Reply
		lastID := []byte("0-0")
		writeRead := func() {
			if mode == "group" {
				cons.Array(11)
				cons.BulkString("XREADGROUP")
				cons.BulkString("GROUP")
				cons.BulkString("g")
				cons.BulkString("c")
			} else {
				cons.Array(8)
				cons.BulkString("XREAD")
			}
			cons.BulkString("COUNT")
			cons.BulkString(countS)
			cons.BulkString("BLOCK")
			cons.BulkString("1000")
			cons.BulkString("STREAMS")
			cons.Bulk(keyb)
			if mode == "group" {
				cons.BulkString(">")
			} else {
				cons.Bulk(lastID)
			}
		}
		writeRead()
		if err := cons.Flush(); err != nil {
			consErr <- err
			return
		}
		for {
			cons.SetDeadline(time.Now().Add(time.Minute))
			if err := cons.ReadReply(&r); err != nil {
				consErr <- err
				return
			}
			now := monoNow()
			v := r.Value()
			if err := v.Err(); err != nil {
				consErr <- err
				return
			}
			k := 0
			var entries wire.Value
			if !v.IsNull() {
				entries = v.First().Elem(1)
				k = entries.Len()
			}
			from := measureFromA.Load()
			en := entries.First()
			for x := 0; x < k; x++ {
				ts, ok := getHex16(en.Elem(1).Elem(1).Bytes())
				if !ok {
					consErr <- fmt.Errorf("entry without a timestamp: %v", en)
					return
				}
				if int64(ts) >= from {
					recv.Record(now - int64(ts))
				}
				if x == k-1 {
					lastID = append(lastID[:0], en.First().Bytes()...)
				}
				en = en.Next()
			}
			if k > 0 && mode == "group" {
				cons.Array(3 + k)
				cons.BulkString("XACK")
				cons.Bulk(keyb)
				cons.BulkString("g")
				en := entries.First()
				for x := 0; x < k; x++ {
					cons.Bulk(en.First().Bytes())
					en = en.Next()
				}
			}
			writeRead()
			if err := cons.Flush(); err != nil {
				consErr <- err
				return
			}
			if k > 0 && mode == "group" {
				if err := cons.ReadReply(&r); err != nil {
					consErr <- err
					return
				}
				if err := r.Value().Err(); err != nil {
					consErr <- fmt.Errorf("XACK: %w", err)
					return
				}
			}
			received.Add(int64(k))
			e.prog.Add(int64(k))
		}
	}()

	// Producer: a writer that paces, and a reader for the XADD replies that
	// measures their latency too.
	ack := hdr.New()
	sendTimes := make(chan int64, 1<<16)
	var prodWG sync.WaitGroup
	var ackErr error
	var ackErrors errorCounter
	prodWG.Add(1)
	go func() {
		defer prodWG.Done()
		var r wire.Reply
		for t := range sendTimes {
			prod.SetDeadline(time.Now().Add(time.Minute))
			if err := prod.ReadReply(&r); err != nil {
				ackErr = err
				for range sendTimes {
				}
				return
			}
			if err := r.Value().Err(); err != nil {
				ackErrors.add(err)
			}
			if t >= measureFromA.Load() {
				ack.Record(monoNow() - t)
			}
		}
	}()
	value := makePayload(payload, 16)
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	measureFromA.Store(monoNow() + int64(warmup))
	var sent int64
	var writeErr error
	for sent < total && e.ctx.Err() == nil && writeErr == nil {
		due := start.Add(time.Duration(sent) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		// Everything due by now leaves in one write.
		now := time.Now()
		for sent < total && !start.Add(time.Duration(sent)*interval).After(now) {
			ts := monoNow()
			putHex16(value, uint64(ts))
			prod.Array(5)
			prod.BulkString("XADD")
			prod.Bulk(keyb)
			prod.BulkString("*")
			prod.BulkString("f")
			prod.Bulk(value)
			sendTimes <- ts
			sent++
		}
		prod.SetDeadline(time.Now().Add(time.Minute))
		writeErr = prod.Flush()
	}
	sendElapsed := time.Since(start)
	close(sendTimes)
	prodWG.Wait()
	// Wait for the last entries, then close the consumer's connection to
	// end its blocked read.
	var cerr error
	graceEnd := time.Now().Add(grace)
	for received.Load() < sent && cerr == nil {
		if time.Now().After(graceEnd) {
			cerr = fmt.Errorf("%d of %d entries received %v after the producer stopped", received.Load(), sent, grace)
			break
		}
		select {
		case cerr = <-consErr:
			if cerr == nil {
				cerr = errors.New("consumer stopped early")
			}
		case <-time.After(time.Millisecond):
		}
	}
	cons.Close()
	<-consDone // the consumer no longer touches recv

	m := e.res.Metrics
	putLatency(m, mode+"_", recv)
	putLatency(m, mode+"_xadd_", ack)
	m[mode+"_received"] = float64(received.Load())
	m[mode+"_achieved_rate"] = float64(sent) / sendElapsed.Seconds()
	for _, err := range []error{writeErr, ackErr, ackErrors.err(), cerr} {
		if err != nil {
			return err
		}
	}
	if e.ctx.Err() != nil {
		return errors.New("timed out")
	}
	if recv.Count() == 0 {
		return errors.New("no entry received after the warm-up")
	}
	admin.SetDeadline(time.Now().Add(time.Minute))
	if _, err := admin.Do(&r, "DEL", key); err != nil {
		return fmt.Errorf("cleanup: %w", err)
	}
	return nil
}
