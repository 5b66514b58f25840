package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/bench/hdr"
	"github.com/runnel-db/runnel/bench/wire"
)

// opSpec describes a closed-loop request phase: clients connections, each
// sending batches of pipeline commands and waiting for their replies, until
// maxOps commands have been claimed or duration has passed.
type opSpec struct {
	clients  int
	pipeline int
	maxOps   int64         // 0 for no bound on the count
	duration time.Duration // 0 for no bound on the time (then maxOps > 0)
	// gen appends one command for client to c; rng is the client's own.
	gen func(client int, rng *rand.Rand, c *wire.Conn)
	// check validates one reply; nil accepts any reply that is not an error.
	check func(client int, v wire.Value) error
}

// opResult is what a phase measured.
type opResult struct {
	ops     int64 // replies received, errors included
	elapsed time.Duration
	hist    *hdr.Histogram // per-command latency: batch sent to its reply read
	errs    errorCounter
}

func (r opResult) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ops) / r.elapsed.Seconds()
}

// runOps runs one phase. Connections are set up before the clock starts.
func runOps(e *env, phase string, s opSpec) (opResult, error) {
	if s.maxOps <= 0 && s.duration <= 0 {
		return opResult{}, errors.New("a phase needs a request count or a duration")
	}
	s.clients = max(1, s.clients)
	s.pipeline = max(1, s.pipeline)
	conns := make([]*wire.Conn, s.clients)
	for i := range conns {
		c, err := e.dial()
		if err != nil {
			for _, d := range conns[:i] {
				d.Close()
			}
			return opResult{}, err
		}
		conns[i] = c
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	e.prog.Phase(phase, s.maxOps)
	var claimed atomic.Int64
	hists := make([]*hdr.Histogram, s.clients)
	errs := make([]errorCounter, s.clients)
	counts := make([]int64, s.clients)
	ioErrs := make([]error, s.clients)
	start := time.Now()
	var deadline time.Time
	if s.duration > 0 {
		deadline = start.Add(s.duration)
	}
	var wg sync.WaitGroup
	for ci := range conns {
		hists[ci] = hdr.New()
		wg.Add(1)
		go func(ci int) {
			defer wg.Done()
			c, h, ec := conns[ci], hists[ci], &errs[ci]
			rng := rand.New(rand.NewPCG(e.seed, uint64(ci)+1))
			var r wire.Reply
			for e.ctx.Err() == nil {
				n := int64(s.pipeline)
				if s.maxOps > 0 {
					got := claimed.Add(n)
					if got-n >= s.maxOps {
						return
					}
					n = min(n, s.maxOps-(got-n))
				}
				if !deadline.IsZero() && time.Now().After(deadline) {
					return
				}
				for k := int64(0); k < n; k++ {
					s.gen(ci, rng, c)
				}
				c.SetDeadline(time.Now().Add(time.Minute))
				t0 := time.Now()
				if err := c.Flush(); err != nil {
					ioErrs[ci] = err
					return
				}
				for k := int64(0); k < n; k++ {
					if err := c.ReadReply(&r); err != nil {
						ioErrs[ci] = err
						return
					}
					h.Record(int64(time.Since(t0)))
					v := r.Value()
					if err := v.Err(); err != nil {
						ec.add(err)
					} else if s.check != nil {
						if err := s.check(ci, v); err != nil {
							ec.add(err)
						}
					}
				}
				counts[ci] += n
				e.prog.Add(n)
			}
		}(ci)
	}
	wg.Wait()
	res := opResult{elapsed: time.Since(start), hist: hdr.New()}
	for ci := range conns {
		res.ops += counts[ci]
		res.hist.Merge(hists[ci])
		res.errs.merge(&errs[ci])
	}
	if e.ctx.Err() != nil {
		return res, fmt.Errorf("%s: timed out", phase)
	}
	for _, err := range ioErrs {
		if err != nil {
			return res, fmt.Errorf("%s: %w", phase, err)
		}
	}
	return res, nil
}

// putLatency records a histogram's percentiles (in microseconds) as
// metrics named prefix+"p50_us" and so on.
func putLatency(m map[string]float64, prefix string, h *hdr.Histogram) {
	if h.Count() == 0 {
		return
	}
	us := func(ns int64) float64 { return float64(ns) / 1e3 }
	m[prefix+"p50_us"] = us(h.Quantile(0.50))
	m[prefix+"p99_us"] = us(h.Quantile(0.99))
	m[prefix+"p999_us"] = us(h.Quantile(0.999))
	m[prefix+"max_us"] = us(h.Max())
	m[prefix+"mean_us"] = h.Mean() / 1e3
}
