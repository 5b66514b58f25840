package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progress shows, on stderr, what phase a run is in, how many entries of it
// are done and at what rate. On a terminal it redraws one line five times a
// second; otherwise it prints a line every five seconds. --quiet turns it
// off. Add is safe for concurrent use and costs one atomic add.
type progress struct {
	w     io.Writer
	name  string
	off   bool
	tty   bool
	done  atomic.Int64
	mu    sync.Mutex // guards phase, total, start, lastN, lastT
	phase string
	total int64
	start time.Time
	lastN int64
	lastT time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, name string, quiet bool) *progress {
	p := &progress{w: w, name: name, off: quiet, tty: isTerminal(w), stop: make(chan struct{})}
	if p.off {
		return p
	}
	interval := 5 * time.Second
	if p.tty {
		interval = 200 * time.Millisecond
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.draw(false)
			}
		}
	}()
	return p
}

// Phase starts a new phase of total entries (0 when unknown).
func (p *progress) Phase(phase string, total int64) {
	if p.off {
		return
	}
	p.draw(true)
	p.mu.Lock()
	p.phase, p.total, p.start, p.lastT, p.lastN = phase, total, time.Now(), time.Now(), 0
	p.done.Store(0)
	p.mu.Unlock()
}

// Add counts n more entries done in the current phase.
func (p *progress) Add(n int64) { p.done.Add(n) }

func (p *progress) draw(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phase == "" {
		return
	}
	now := time.Now()
	n := p.done.Load()
	rate := 0.0
	if final {
		if d := now.Sub(p.start).Seconds(); d > 0 {
			rate = float64(n) / d
		}
	} else if d := now.Sub(p.lastT).Seconds(); d > 0 {
		rate = float64(n-p.lastN) / d
	}
	p.lastN, p.lastT = n, now
	of := ""
	if p.total > 0 {
		of = fmt.Sprintf("/%d (%.0f%%)", p.total, 100*float64(n)/float64(p.total))
	}
	line := fmt.Sprintf("[%s] %s: %d%s, %.0f/s, %.1fs", p.name, p.phase, n, of, rate, now.Sub(p.start).Seconds())
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	default:
		fmt.Fprintln(p.w, line)
	}
	if final {
		p.phase = ""
	}
}

// Close ends the display, printing the last phase's totals.
func (p *progress) Close() {
	if p.off {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.draw(true)
}
