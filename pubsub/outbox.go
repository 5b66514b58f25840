package pubsub

import (
	"sync"
	"time"
)

// Limits bound an outbox, as Redis's client-output-buffer-limit does for
// one client class: at Hard bytes the client is dropped at once; at Soft
// bytes for more than SoftFor without a break, too, the time counted as
// Redis counts it, in whole seconds of the clock (so a SoftFor of 0 drops
// at the next second). A zero field is no limit.
type Limits struct {
	Hard    int
	Soft    int
	SoftFor time.Duration
}

// DefaultLimits are Redis's defaults for pubsub clients: "32mb 8mb 60".
var DefaultLimits = Limits{Hard: 32 << 20, Soft: 8 << 20, SoftFor: 60 * time.Second}

// Deliver writes what an outbox holds. It calls next for each chunk, in
// order, and writes the chunk before calling next again; the seq next
// returns is the highest Message.Seq in the chunk. When next returns nil,
// the outbox is empty and its goroutine ends: Deliver must return at once,
// without calling next again. An error return (the connection is gone)
// closes the outbox.
type Deliver func(next func() (chunk []byte, seq uint64)) error

// Outbox is one subscriber's queue of encoded messages. Add never blocks:
// a goroutine, running only while the queue holds data, hands the data to
// Deliver. It is safe for concurrent use.
type Outbox struct {
	deliver  Deliver
	limits   Limits
	overflow func()
	// now reads the clock for the soft limit (a test's clock in tests).
	now func() time.Time

	mu sync.Mutex // guards the fields below
	// buf holds the messages not yet handed out; seq is the highest Seq
	// among them.
	buf []byte
	seq uint64
	// out is the size of the chunk Deliver is writing: it still counts
	// against the limits until Deliver asks for the next one.
	out     int
	running bool
	closed  bool
	// overSoft is when (Unix seconds) the queue last went over the soft
	// limit; zero while it is under.
	overSoft int64
}

// NewOutbox returns an empty outbox that writes through deliver. overflow,
// if not nil, is called (once, from the goroutine of the Add that went over
// the limits, with the caller's locks held, so it must not block) when the
// outbox exceeds limits; the outbox is then closed.
func NewOutbox(limits Limits, deliver Deliver, overflow func()) *Outbox {
	return &Outbox{deliver: deliver, limits: limits, overflow: overflow, now: time.Now}
}

// Add queues data (copied) with sequence number seq. It reports false when
// the outbox is closed or has just gone over its limits, in which case the
// data is dropped.
func (o *Outbox) Add(data []byte, seq uint64) bool {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return false
	}
	o.buf = append(o.buf, data...)
	o.seq = max(o.seq, seq)
	if o.overLocked() {
		o.closeLocked()
		o.mu.Unlock()
		if o.overflow != nil {
			o.overflow()
		}
		return false
	}
	if !o.running {
		o.running = true
		go o.run()
	}
	o.mu.Unlock()
	return true
}

// overLocked checks the limits against the bytes not yet written.
func (o *Outbox) overLocked() bool {
	n := len(o.buf) + o.out
	l := o.limits
	if l.Hard > 0 && n >= l.Hard {
		return true
	}
	if l.Soft <= 0 || n < l.Soft {
		o.overSoft = 0
		return false
	}
	now := o.now().Unix()
	if o.overSoft == 0 {
		o.overSoft = now
		return false
	}
	return now-o.overSoft > int64(l.SoftFor/time.Second)
}

// SetLimits replaces the limits later Adds are held to (a CONFIG SET).
func (o *Outbox) SetLimits(l Limits) {
	o.mu.Lock()
	o.limits = l
	o.mu.Unlock()
}

func (o *Outbox) closeLocked() {
	o.closed = true
	o.buf = nil
	o.out = 0
}

// Take removes and returns everything queued, for an owner that writes it
// itself (the client's own goroutine, between two commands); the caller
// owns the returned bytes. seq is the highest Seq among them.
func (o *Outbox) Take() (data []byte, seq uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	data, seq = o.buf, o.seq
	o.buf, o.seq = nil, 0
	return data, seq
}

// Len returns the number of bytes queued or being written.
func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.buf) + o.out
}

// Close drops what is queued; later Adds drop their data. A Deliver in
// progress gets nil from its next call to next.
func (o *Outbox) Close() {
	o.mu.Lock()
	o.closeLocked()
	o.mu.Unlock()
}

func (o *Outbox) run() {
	ended := false // next said the queue was empty: running is already off
	next := func() ([]byte, uint64) {
		data, seq := o.next()
		ended = data == nil
		return data, seq
	}
	if err := o.deliver(next); err != nil {
		o.mu.Lock()
		o.closeLocked()
		if !ended {
			o.running = false
		}
		o.mu.Unlock()
	}
}

// next hands Deliver the next chunk, or nil (ending the goroutine) when
// nothing is queued.
func (o *Outbox) next() ([]byte, uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out = 0
	if o.closed || len(o.buf) == 0 {
		o.running = false
		return nil, 0
	}
	data, seq := o.buf, o.seq
	o.buf, o.seq = nil, 0
	o.out = len(data)
	return data, seq
}
