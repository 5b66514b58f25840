package pubsub

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"
)

// sink is a Deliver target that records chunks and can be held up.
type sink struct {
	mu     sync.Mutex
	got    bytes.Buffer
	seqs   []uint64
	gate   chan struct{} // when not nil, each chunk waits for a receive
	fail   error
	calls  int
	active int // Deliver calls running now
	maxAct int
}

func (s *sink) deliver(next func() ([]byte, uint64)) error {
	s.mu.Lock()
	s.calls++
	s.active++
	s.maxAct = max(s.maxAct, s.active)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.active--
		s.mu.Unlock()
	}()
	for {
		chunk, seq := next()
		if chunk == nil {
			return nil
		}
		if s.gate != nil {
			<-s.gate
		}
		s.mu.Lock()
		if s.fail != nil {
			s.mu.Unlock()
			return s.fail
		}
		s.got.Write(chunk)
		s.seqs = append(s.seqs, seq)
		s.mu.Unlock()
	}
}

func (s *sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got.String()
}

// waitFor polls the outbox's state until cond holds.
func waitFor(t *testing.T, o *Outbox, what string, cond func(o *Outbox) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		o.mu.Lock()
		ok := cond(o)
		o.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal(what)
}

// waitIdle waits until the outbox's goroutine has ended.
func waitIdle(t *testing.T, o *Outbox) {
	t.Helper()
	waitFor(t, o, "the outbox goroutine did not end", func(o *Outbox) bool { return !o.running })
}

// waitTaken waits until the outbox's goroutine has taken a chunk.
func waitTaken(t *testing.T, o *Outbox) {
	t.Helper()
	waitFor(t, o, "the outbox goroutine took nothing", func(o *Outbox) bool { return o.out > 0 })
}

func TestOutboxOrderAndSeq(t *testing.T) {
	s := &sink{gate: make(chan struct{})}
	o := NewOutbox(Limits{}, s.deliver, nil)
	o.Add([]byte("a"), 5)
	waitTaken(t, o)
	// The goroutine holds "a" at the gate; these pile up behind it and
	// leave as one chunk whose seq is their highest.
	o.Add([]byte("b"), 9)
	o.Add([]byte("c"), 7)
	s.gate <- struct{}{}
	s.gate <- struct{}{}
	waitIdle(t, o)
	if got := s.String(); got != "abc" {
		t.Fatalf("delivered %q, want abc", got)
	}
	s.mu.Lock()
	seqs := s.seqs
	s.mu.Unlock()
	if len(seqs) != 2 || seqs[0] != 5 || seqs[1] != 9 {
		t.Fatalf("chunk seqs %v, want [5 9]", seqs)
	}
	// Idle again: a new Add starts a new goroutine.
	s.gate = nil
	o.Add([]byte("d"), 1)
	waitIdle(t, o)
	if got := s.String(); got != "abcd" {
		t.Fatalf("delivered %q, want abcd", got)
	}
	if s.maxAct != 1 {
		t.Fatalf("%d Deliver calls ran at once", s.maxAct)
	}
}

func TestOutboxTake(t *testing.T) {
	s := &sink{gate: make(chan struct{})}
	o := NewOutbox(Limits{}, s.deliver, nil)
	o.Add([]byte("x"), 1) // taken by the goroutine, held at the gate
	waitTaken(t, o)
	o.Add([]byte("y"), 2)
	o.Add([]byte("z"), 3)
	data, seq := o.Take()
	if string(data) != "yz" || seq != 3 {
		t.Fatalf("Take = %q %d, want yz 3", data, seq)
	}
	if data, _ := o.Take(); data != nil {
		t.Fatalf("second Take = %q, want nothing", data)
	}
	s.gate <- struct{}{}
	waitIdle(t, o)
	if got := s.String(); got != "x" {
		t.Fatalf("goroutine delivered %q, want x", got)
	}
}

func TestOutboxHardLimit(t *testing.T) {
	s := &sink{gate: make(chan struct{})}
	overflows := 0
	o := NewOutbox(Limits{Hard: 10}, s.deliver, func() { overflows++ })
	if !o.Add([]byte("12345"), 1) { // handed to the goroutine: still counts
		t.Fatal("first Add refused")
	}
	if !o.Add([]byte("1234"), 2) {
		t.Fatal("Add up to a byte under the limit refused")
	}
	if o.Add([]byte("1"), 3) {
		t.Fatal("Add reaching the hard limit accepted (Redis drops at it)")
	}
	if overflows != 1 {
		t.Fatalf("overflow called %d times, want 1", overflows)
	}
	if o.Add([]byte("1"), 4) || overflows != 1 {
		t.Fatal("a closed outbox accepted data or overflowed again")
	}
	close(s.gate)
	waitIdle(t, o)
	if o.Len() != 0 {
		t.Fatalf("Len %d after close", o.Len())
	}
}

func TestOutboxSoftLimit(t *testing.T) {
	s := &sink{gate: make(chan struct{})}
	defer close(s.gate)
	now := time.Unix(1000, 0)
	overflows := 0
	o := NewOutbox(Limits{Soft: 4, SoftFor: time.Minute}, s.deliver, func() { overflows++ })
	o.now = func() time.Time { return now }
	o.Add([]byte("123456"), 1) // over soft: the clock starts
	now = now.Add(60 * time.Second)
	if !o.Add([]byte("7"), 2) {
		t.Fatal("dropped after 60 s over a soft limit of 60: Redis waits for more than 60")
	}
	now = now.Add(time.Second)
	if o.Add([]byte("8"), 3) || overflows != 1 {
		t.Fatalf("still accepted 61 s over the soft limit (overflows %d)", overflows)
	}
}

func TestOutboxSoftLimitResets(t *testing.T) {
	s := &sink{}
	now := time.Unix(1000, 0)
	o := NewOutbox(Limits{Soft: 4, SoftFor: time.Minute}, s.deliver, func() { t.Error("overflow") })
	o.now = func() time.Time { return now }
	o.Add([]byte("123456"), 1)
	waitIdle(t, o) // written: under the limit again
	now = now.Add(2 * time.Minute)
	if !o.Add([]byte("12"), 2) {
		t.Fatal("dropped although the queue had drained")
	}
	waitIdle(t, o)
}

func TestOutboxDeliverError(t *testing.T) {
	s := &sink{fail: errors.New("gone")}
	o := NewOutbox(Limits{}, s.deliver, nil)
	o.Add([]byte("a"), 1)
	waitIdle(t, o)
	if o.Add([]byte("b"), 2) {
		t.Fatal("Add accepted after Deliver failed")
	}
}

// TestOutboxCloseWhileBlocked checks that a subscriber closed while its
// socket is stuck loses no goroutine once the write returns.
func TestOutboxCloseWhileBlocked(t *testing.T) {
	s := &sink{gate: make(chan struct{})}
	o := NewOutbox(Limits{}, s.deliver, nil)
	o.Add([]byte("a"), 1)
	waitTaken(t, o)
	o.Add([]byte("b"), 1)
	o.Close()
	s.gate <- struct{}{} // the stuck write of "a" returns
	waitIdle(t, o)
	if got := s.String(); got != "a" {
		t.Fatalf("delivered %q after Close, want only the chunk in flight", got)
	}
}

func BenchmarkPublishOneSubscriber(b *testing.B) {
	h := NewHub()
	s := &sink{}
	o := NewOutbox(DefaultLimits, s.deliver, nil)
	sub := h.NewSubscriber(outboxReceiver{o})
	sub.Subscribe(Channel, []byte("ch"))
	ch, payload := []byte("ch"), []byte("hello")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.Publish(Channel, ch, payload, 0)
	}
}

type outboxReceiver struct{ o *Outbox }

func (r outboxReceiver) Receive(m *Message) { r.o.Add(m.Payload, m.Seq) }
