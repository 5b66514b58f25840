package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// groupScenario: --producers connections XADD --messages entries in total
// (--producer-pipeline per batch) while --consumers members of one group
// XREADGROUP COUNT --count BLOCK --block and XACK what they got (the XACK
// and the next XREADGROUP go out together). Each payload starts with the
// message's index in hex, so the run checks that every message was
// delivered exactly once, with the ID its XADD returned, and acknowledged.
func groupScenario(fs *flag.FlagSet) (bool, func(*env) error) {
	producers := fs.Int("producers", 4, "producer connections")
	consumers := fs.Int("consumers", 4, "consumer connections (one group)")
	messages := fs.Int("messages", 1_000_000, "messages to produce in total")
	count := fs.Int("count", 100, "XREADGROUP COUNT")
	block := fs.Duration("block", time.Second, "XREADGROUP BLOCK")
	payload := fs.Int("payload", 100, "bytes of the field value (at least 16)")
	ppipe := fs.Int("producer-pipeline", 16, "XADDs per batch on each producer")
	key := fs.String("key", "bench:group", "stream key")
	group := fs.String("group", "g", "group name")
	idle := fs.Duration("idle", 10*time.Second, "give up when the producers are done and nothing is acked for this long")
	return true, func(e *env) error {
		if *producers < 1 || *consumers < 1 || *messages < 1 || *count < 1 {
			return errors.New("--producers, --consumers, --messages and --count must be >= 1")
		}
		total := *messages
		admin, err := e.dial()
		if err != nil {
			return err
		}
		defer admin.Close()
		var r wire.Reply
		if _, err := do(admin, &r, "DEL", *key); err != nil {
			return err
		}
		if _, err := do(admin, &r, "XGROUP", "CREATE", *key, *group, "$", "MKSTREAM"); err != nil {
			return err
		}
		// Per message: the ID the XADD returned and the first ID it was
		// delivered with; seen counts deliveries.
		sentMs, sentSeq := make([]uint64, total), make([]uint64, total)
		gotMs, gotSeq := make([]uint64, total), make([]uint64, total)
		seen := make([]atomic.Uint32, total)
		var acked, delivered, bad atomic.Int64
		var endNanos atomic.Int64
		var producersLeft atomic.Int64
		var stalled atomic.Bool
		producersLeft.Store(int64(*producers))
		done := make(chan struct{})
		var doneOnce sync.Once

		pconns := make([]*wire.Conn, *producers)
		cconns := make([]*wire.Conn, *consumers)
		for i := range pconns {
			if pconns[i], err = e.dial(); err != nil {
				return err
			}
			defer pconns[i].Close()
		}
		for i := range cconns {
			if cconns[i], err = e.dial(); err != nil {
				return err
			}
			defer cconns[i].Close()
		}
		e.prog.Phase("deliver+ack", int64(total))
		start := time.Now()
		var wg sync.WaitGroup
		perr := make([]error, *producers)
		var produceEnd atomic.Int64
		for pi := range pconns {
			lo := total * pi / *producers
			hi := total * (pi + 1) / *producers
			wg.Add(1)
			go func(pi, lo, hi int) {
				defer wg.Done()
				defer producersLeft.Add(-1)
				c := pconns[pi]
				value := makePayload(*payload, 16)
				keyb := []byte(*key)
				var r wire.Reply
				for i := lo; i < hi && e.ctx.Err() == nil; {
					end := min(hi, i+*ppipe)
					for j := i; j < end; j++ {
						putHex16(value, uint64(j))
						c.Array(5)
						c.BulkString("XADD")
						c.Bulk(keyb)
						c.BulkString("*")
						c.BulkString("f")
						c.Bulk(value)
					}
					c.SetDeadline(time.Now().Add(time.Minute))
					if err := c.Flush(); err != nil {
						perr[pi] = err
						return
					}
					for j := i; j < end; j++ {
						if err := c.ReadReply(&r); err != nil {
							perr[pi] = err
							return
						}
						v := r.Value()
						ms, seq, ok := parseID(v.Bytes())
						if !ok {
							perr[pi] = fmt.Errorf("XADD reply %v", v)
							return
						}
						sentMs[j], sentSeq[j] = ms, seq
					}
					i = end
				}
				produceEnd.Store(int64(time.Since(start)))
			}(pi, lo, hi)
		}
		cerr := make([]error, *consumers)
		blockMs := strconv.FormatInt(block.Milliseconds(), 10)
		countS := strconv.Itoa(*count)
		for ci := range cconns {
			wg.Add(1)
			go func(ci int) {
				defer wg.Done()
				c := cconns[ci]
				name := "c" + strconv.Itoa(ci)
				keyb, groupb := []byte(*key), []byte(*group)
				var r wire.Reply
				stopped := func() bool {
					select {
					case <-done:
						return true
					default:
						return e.ctx.Err() != nil
					}
				}
				writeRead := func() {
					// XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS key >
					c.Array(11)
					c.BulkString("XREADGROUP")
					c.BulkString("GROUP")
					c.Bulk(groupb)
					c.BulkString(name)
					c.BulkString("COUNT")
					c.BulkString(countS)
					c.BulkString("BLOCK")
					c.BulkString(blockMs)
					c.BulkString("STREAMS")
					c.Bulk(keyb)
					c.BulkString(">")
				}
				writeRead()
				fail := func(err error) {
					if !stopped() {
						cerr[ci] = err
					}
				}
				if err := c.Flush(); err != nil {
					fail(err)
					return
				}
				for !stopped() {
					c.SetDeadline(time.Now().Add(*block + time.Minute))
					if err := c.ReadReply(&r); err != nil {
						fail(err)
						return
					}
					v := r.Value()
					if err := v.Err(); err != nil {
						fail(fmt.Errorf("XREADGROUP: %w", err))
						return
					}
					k := 0
					var entries wire.Value
					if !v.IsNull() {
						entries = v.First().Elem(1)
						k = entries.Len()
					}
					if k > 0 {
						c.Array(3 + k)
						c.BulkString("XACK")
						c.Bulk(keyb)
						c.Bulk(groupb)
						en := entries.First()
						for x := 0; x < k; x++ {
							id := en.First()
							c.Bulk(id.Bytes())
							ms, seq, okID := parseID(id.Bytes())
							idx, okIdx := getHex16(en.Elem(1).Elem(1).Bytes())
							if !okID || !okIdx || idx >= uint64(total) {
								bad.Add(1)
							} else if seen[idx].Add(1) == 1 {
								gotMs[idx], gotSeq[idx] = ms, seq
							}
							en = en.Next()
						}
						delivered.Add(int64(k))
					}
					writeRead()
					if err := c.Flush(); err != nil {
						fail(err)
						return
					}
					if k > 0 {
						if err := c.ReadReply(&r); err != nil {
							fail(err)
							return
						}
						if err := r.Value().Err(); err != nil {
							fail(fmt.Errorf("XACK: %w", err))
							return
						}
						n := r.Value().Int()
						e.prog.Add(n)
						if acked.Add(n) >= int64(total) {
							endNanos.CompareAndSwap(0, int64(time.Since(start)))
							doneOnce.Do(func() { close(done) })
						}
					}
				}
			}(ci)
		}
		// Consumers blocked when the last message is acked would wait out
		// their BLOCK: closing their connections ends them now. The same
		// happens when the producers are done and nothing more is acked for
		// --idle (a lost message must not hang the run until --timeout).
		go func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			last, lastChange := int64(-1), time.Now()
			for {
				select {
				case <-done:
				case <-e.ctx.Done():
				case <-tick.C:
					if a := acked.Load(); a != last {
						last, lastChange = a, time.Now()
					}
					if producersLeft.Load() > 0 || time.Since(lastChange) < *idle {
						continue
					}
					stalled.Store(true)
					doneOnce.Do(func() { close(done) })
				}
				break
			}
			for _, c := range cconns {
				c.Close()
			}
		}()
		wg.Wait()
		doneOnce.Do(func() { close(done) })
		elapsed := time.Duration(endNanos.Load())
		m := e.res.Metrics
		if elapsed > 0 {
			m["msgs_per_sec"] = float64(total) / elapsed.Seconds()
		}
		if pe := time.Duration(produceEnd.Load()); pe > 0 {
			m["produce_per_sec"] = float64(total) / pe.Seconds()
		}
		dups, missing, mismatched := checkDeliveries(sentMs, sentSeq, gotMs, gotSeq, seen)
		m["messages"] = float64(total)
		m["delivered"] = float64(delivered.Load())
		m["acked"] = float64(acked.Load())
		m["duplicates"] = float64(dups)
		m["missing"] = float64(missing)
		m["mismatched_ids"] = float64(mismatched)
		m["unparseable"] = float64(bad.Load())
		for _, err := range append(perr, cerr...) {
			if err != nil {
				return err
			}
		}
		if e.ctx.Err() != nil {
			return fmt.Errorf("timed out with %d of %d messages acked", acked.Load(), total)
		}
		if stalled.Load() {
			return fmt.Errorf("stalled: %d of %d messages acked, %d missing, %d duplicates, nothing acked for %v after the producers finished",
				acked.Load(), total, missing, dups, *idle)
		}
		v, err := do(admin, &r, "XPENDING", *key, *group)
		if err != nil {
			return err
		}
		pending := v.First().Int()
		m["pending_after"] = float64(pending)
		v, err = do(admin, &r, "XLEN", *key)
		if err != nil {
			return err
		}
		if dups+missing+mismatched+bad.Load() > 0 || pending != 0 || acked.Load() != int64(total) || v.Int() != int64(total) {
			return fmt.Errorf("delivery check failed: %d duplicates, %d missing, %d with a wrong ID, %d unparseable, %d acked of %d, %d still pending, XLEN %d",
				dups, missing, mismatched, bad.Load(), acked.Load(), total, pending, v.Int())
		}
		admin.SetDeadline(time.Now().Add(5 * time.Minute))
		if _, err := admin.Do(&r, "DEL", *key); err != nil {
			return fmt.Errorf("cleanup: %w", err)
		}
		return nil
	}
}

// checkDeliveries compares what each message's XADD returned (sent*) with
// the ID it was first delivered with (got*), given how many times each was
// delivered: duplicates counts deliveries beyond the first, missing the
// messages never delivered, mismatched those delivered with another ID.
func checkDeliveries(sentMs, sentSeq, gotMs, gotSeq []uint64, seen []atomic.Uint32) (duplicates, missing, mismatched int64) {
	for i := range seen {
		s := seen[i].Load()
		switch {
		case s == 0:
			missing++
			continue
		case s > 1:
			duplicates += int64(s - 1)
		}
		if gotMs[i] != sentMs[i] || gotSeq[i] != sentSeq[i] {
			mismatched++
		}
	}
	return duplicates, missing, mismatched
}
