package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// pipelined sends n commands on one connection, keeping up to
// window/batch batches of batch commands in flight: one goroutine writes
// (gen appends command i to c), the caller's goroutine reads and passes
// reply i to check. It is how the scenarios load a stream fast without
// reordering (a single stream's explicit IDs must arrive in order).
func pipelined(ctx context.Context, c *wire.Conn, n, batch, window int, prog *progress,
	gen func(i int), check func(i int, v wire.Value) error) error {
	if batch < 1 {
		batch = 1
	}
	slots := max(1, window/batch)
	credits := make(chan struct{}, slots)
	for k := 0; k < slots; k++ {
		credits <- struct{}{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	werr := make(chan error, 1)
	go func() {
		for i := 0; i < n; i += batch {
			select {
			case <-credits:
			case <-ctx.Done():
				werr <- nil
				return
			}
			end := min(n, i+batch)
			for j := i; j < end; j++ {
				gen(j)
			}
			c.SetDeadline(time.Now().Add(2 * time.Minute))
			if err := c.Flush(); err != nil {
				werr <- err
				cancel()
				return
			}
		}
		werr <- nil
	}()
	var r wire.Reply
	var err error
	for i := 0; i < n; i++ {
		if err = c.ReadReply(&r); err != nil {
			break
		}
		if err = check(i, r.Value()); err != nil {
			break
		}
		if (i+1)%batch == 0 || i == n-1 {
			prog.Add(int64(min(batch, i%batch+1)))
			credits <- struct{}{}
		}
	}
	cancel()
	if err != nil {
		c.Close() // unblock the writer; the connection is unusable now
		<-werr
		return err
	}
	c.SetDeadline(time.Time{})
	return <-werr
}

// putHex16 fills p (len >= 16) with the 16 hex digits of x followed
// by its constant padding.
func putHex16(p []byte, x uint64) {
	const digits = "0123456789abcdef"
	for k := 15; k >= 0; k-- {
		p[k] = digits[x&15]
		x >>= 4
	}
}

// getHex16 decodes the 16 hex digits at the start of p.
func getHex16(p []byte) (uint64, bool) {
	if len(p) < 16 {
		return 0, false
	}
	var x uint64
	for _, ch := range p[:16] {
		var d byte
		switch {
		case ch >= '0' && ch <= '9':
			d = ch - '0'
		case ch >= 'a' && ch <= 'f':
			d = ch - 'a' + 10
		default:
			return 0, false
		}
		x = x<<4 | uint64(d)
	}
	return x, true
}

// makePayload returns size bytes of filler ('x'), at least min long.
func makePayload(size, minLen int) []byte {
	p := make([]byte, max(size, minLen))
	for k := range p {
		p[k] = 'x'
	}
	return p
}

// parseID parses a stream ID "ms-seq" without allocating.
func parseID(b []byte) (ms, seq uint64, ok bool) {
	part := 0
	digits := 0
	for _, ch := range b {
		switch {
		case ch == '-' && part == 0 && digits > 0:
			part, digits = 1, 0
		case ch >= '0' && ch <= '9' && digits < 20:
			d := uint64(ch - '0')
			if part == 0 {
				ms = ms*10 + d
			} else {
				seq = seq*10 + d
			}
			digits++
		default:
			return 0, 0, false
		}
	}
	return ms, seq, part == 1 && digits > 0
}

// replyErr turns an error reply into a Go error.
func replyErr(what string, v wire.Value) error {
	if err := v.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// errorCounter counts error replies and keeps the first.
type errorCounter struct {
	n     int64
	first error
}

func (ec *errorCounter) add(err error) {
	if ec.n == 0 {
		ec.first = err
	}
	ec.n++
}

func (ec *errorCounter) merge(o *errorCounter) {
	if o.n > 0 && ec.n == 0 {
		ec.first = o.first
	}
	ec.n += o.n
}

func (ec *errorCounter) err() error {
	if ec.n == 0 {
		return nil
	}
	return fmt.Errorf("%d error replies, first: %w", ec.n, ec.first)
}

var errClosed = errors.New("closed")
