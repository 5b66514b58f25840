package persist

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/runnel-db/runnel/stream"
)

// callLog is a Loader that writes each call down as text, checks that Node
// hands it bytes of their own, and fails the call numbered failAt (from 1;
// 0 for never) with errFail.
type callLog struct {
	calls  []string
	nodes  [][]byte // every node's data, kept as Load handed it
	failAt int
	// hold, when set, is waited on by the first call.
	hold chan struct{}
}

var errFail = errors.New("loader failed")

func (c *callLog) call(format string, args ...any) error {
	if c.hold != nil && len(c.calls) == 0 {
		<-c.hold
	}
	c.calls = append(c.calls, fmt.Sprintf(format, args...))
	if len(c.calls) == c.failAt {
		return errFail
	}
	return nil
}

func (c *callLog) Key(db int, name []byte, uid uint64, expire int64) error {
	return c.call("key %d %q %d %d", db, name, uid, expire)
}
func (c *callLog) Meta(uid uint64, m StreamMeta) error { return c.call("meta %d %+v", uid, m) }
func (c *callLog) Entry(uid uint64, id stream.ID, fields [][]byte) error {
	return c.call("entry %d %v %q", uid, id, fields)
}
func (c *callLog) Node(uid uint64, span stream.Span, data []byte, deleted []stream.ID) (int, error) {
	if len(data) != cap(data) {
		return 0, fmt.Errorf("node %v: data of length %d has capacity %d", span, len(data), cap(data))
	}
	c.nodes = append(c.nodes, data)
	return len(deleted), c.call("node %d %v %x %v", uid, span, data, deleted)
}
func (c *callLog) Group(uid uint64, group []byte, lastID stream.ID, entriesRead int64) error {
	return c.call("group %d %q %v %d", uid, group, lastID, entriesRead)
}
func (c *callLog) Consumer(uid uint64, group, consumer []byte, seen, active int64) error {
	return c.call("consumer %d %q %q %d %d", uid, group, consumer, seen, active)
}
func (c *callLog) Pending(uid uint64, group []byte, id stream.ID, owner []byte, dt int64, dc uint64) error {
	return c.call("pending %d %q %v %q %d %d", uid, group, id, owner, dt, dc)
}
func (c *callLog) Idmp(uid uint64, pid, iid []byte, id stream.ID, ms int64) error {
	return c.call("idmp %d %q %q %v %d", uid, pid, iid, id, ms)
}

// script is a reader for pipeline: n records of every kind in turn, whose
// arguments live in a buffer the reader overwrites after each call, as the
// store's iterator does. want receives the calls the Loader must see.
func script(n int, want *[]string) func(p *pipe) error {
	return func(p *pipe) error {
		var buf []byte
		// scratch returns s in buf, which the next call overwrites.
		scratch := func(s string) []byte {
			clear(buf)
			buf = append(buf[:0], s...)
			return buf
		}
		add := func(err error, format string, args ...any) error {
			*want = append(*want, fmt.Sprintf(format, args...))
			return err
		}
		for i := range n {
			uid := uint64(i + 1)
			name := strings.Repeat("k", i%7) // empty names too
			id := stream.ID{Ms: uint64(i), Seq: uint64(i % 3)}
			m := StreamMeta{LastID: id, FirstID: stream.ID{Ms: 1}, EntriesAdded: uint64(i)}
			// Nodes of every size up to well past a batch's bound.
			data := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 1+(i*37)%(pipeBatchBytes/2+1000))
			marks := []stream.ID{{Ms: uint64(i)}, {Ms: uint64(i), Seq: 1}}[:i%3]
			span := stream.Span{First: stream.ID{Ms: uint64(i)}, Last: id}
			f0, f1 := fmt.Sprint("field", i), strings.Repeat("v", i%300)
			steps := []func() error{
				func() error {
					return add(p.key(i%16, scratch(name), uid, int64(-i)), "key %d %q %d %d", i%16, name, uid, -i)
				},
				func() error { return add(p.meta(uid, m), "meta %d %+v", uid, m) },
				func() error {
					f := [][]byte{[]byte(f0), []byte(f1)}
					ok, err := p.entry(uid, id, scratch(string(appendFields(nil, f))))
					if !ok && err == nil {
						err = errors.New("entry refused")
					}
					return add(err, "entry %d %v %q", uid, id, f)
				},
				func() error {
					err := p.node(uid, span, scratch(string(data)), marks)
					return add(err, "node %d %v %x %v", uid, span, data, marks)
				},
				func() error {
					return add(p.group(uid, scratch(f0), id, int64(i)), "group %d %q %v %d", uid, f0, id, i)
				},
				func() error {
					return add(p.consumer(uid, []byte(f0), scratch(name), int64(i), -1), "consumer %d %q %q %d %d", uid, f0, name, i, -1)
				},
				func() error {
					return add(p.pending(uid, []byte(f0), id, scratch(name), 7, uint64(i)), "pending %d %q %v %q %d %d", uid, f0, id, name, 7, i)
				},
			}
			for _, step := range steps {
				if err := step(); err != nil {
					*want = (*want)[:len(*want)-1] // refused: not passed on
					return err
				}
			}
		}
		return nil
	}
}

// noReader asserts that the pipeline's reader goroutine is gone. It
// returns before the goroutine has quite exited (its deferred close is what
// lets pipeline return), so it waits a moment for the stacks to clear.
func noReader(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		if !bytes.Contains(buf, []byte("persist.pipeline.func")) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reader goroutine outlived its pipeline:\n%s", buf)
		}
		time.Sleep(time.Millisecond)
	}
}

// copyRules are the ways the node copy can be placed, the default rule
// among them: the result must not depend on the place.
var copyRules = map[string]func(int) bool{
	"reader copies": func(int) bool { return true },
	"loader copies": func(int) bool { return false },
	"alternating":   func() func(int) bool { var n int; return func(int) bool { n++; return n%2 == 0 } }(),
	"by queue":      nil,
}

// TestPipelineOrder runs records of every kind, many batches' worth,
// through the pipeline under each copy rule: the Loader must see the same
// calls in the same order with the same bytes, and every node's data must
// be its own (still intact once the batches have been reused many times).
func TestPipelineOrder(t *testing.T) {
	for name, rule := range copyRules {
		t.Run(name, func(t *testing.T) {
			var want []string
			l := &callLog{}
			entries, err := pipeline(l, rule, script(300, &want))
			if err != nil {
				t.Fatal(err)
			}
			noReader(t)
			if len(l.calls) != len(want) {
				t.Fatalf("%d calls, want %d", len(l.calls), len(want))
			}
			for i := range want {
				if l.calls[i] != want[i] {
					t.Fatalf("call %d: %.200s\nwant %.200s", i, l.calls[i], want[i])
				}
			}
			marks := 0
			for i, data := range l.nodes {
				if !strings.Contains(want[7*i+3], fmt.Sprintf(" %x ", data)) {
					t.Fatalf("node %d's data changed after the call", i)
				}
				marks += i % 3
			}
			if entries != marks {
				t.Fatalf("pipeline counted %d entries, the nodes reported %d", entries, marks)
			}
		})
	}
}

// TestPipelineLoaderError fails the Loader at calls early and late in the
// run, under each copy rule: the pipeline returns the Loader's error, makes
// no call after it, and stops the reader, which would otherwise read on.
func TestPipelineLoaderError(t *testing.T) {
	for name, rule := range copyRules {
		for _, at := range []int{1, 2, 100, 1000} {
			t.Run(fmt.Sprint(name, "/", at), func(t *testing.T) {
				var want []string
				var stopped atomic.Bool
				read := script(1<<30, &want) // reads until stopped
				l := &callLog{failAt: at}
				_, err := pipeline(l, rule, func(p *pipe) error {
					err := read(p)
					stopped.Store(errors.Is(err, errLoadStopped))
					return err
				})
				if !errors.Is(err, errFail) {
					t.Fatalf("pipeline returned %v, want the Loader's error", err)
				}
				if !stopped.Load() {
					t.Fatal("the reader was not told to stop")
				}
				noReader(t)
				if len(l.calls) != at {
					t.Fatalf("%d calls, want %d (none after the failure)", len(l.calls), at)
				}
				for i := range l.calls {
					if l.calls[i] != want[i] {
						t.Fatalf("call %d: %.200s\nwant %.200s", i, l.calls[i], want[i])
					}
				}
			})
		}
	}
}

// TestPipelineReaderError stops the reader with an error after a number of
// records: the Loader gets every one of them, in order, and the pipeline
// returns the reader's error after them; a Loader failing first wins.
func TestPipelineReaderError(t *testing.T) {
	errRead := errors.New("read failed")
	for _, n := range []int{0, 1, 700, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var want []string
			l := &callLog{}
			_, err := pipeline(l, nil, func(p *pipe) error {
				for i := range n {
					id := stream.ID{Ms: uint64(i)}
					if err := p.node(1, stream.Span{First: id, Last: id}, []byte(fmt.Sprint(i)), nil); err != nil {
						return err
					}
					want = append(want, fmt.Sprintf("node 1 %v %x []", stream.Span{First: id, Last: id}, fmt.Sprint(i)))
				}
				return errRead
			})
			if !errors.Is(err, errRead) {
				t.Fatalf("pipeline returned %v, want the reader's error", err)
			}
			noReader(t)
			if strings.Join(l.calls, "\n") != strings.Join(want, "\n") {
				t.Fatalf("the Loader saw %d calls, want the %d before the error", len(l.calls), len(want))
			}
			if n > 0 {
				l := &callLog{failAt: n}
				_, err := pipeline(l, nil, func(p *pipe) error {
					for i := range n {
						if err := p.key(0, []byte(fmt.Sprint(i)), uint64(i+1), 0); err != nil {
							return err
						}
					}
					return errRead
				})
				if !errors.Is(err, errFail) {
					t.Fatalf("Loader failing on the last record: pipeline returned %v", err)
				}
				noReader(t)
			}
		})
	}
}

// TestPipelineBounded holds the Loader on its first call while the reader
// reads on: the reader must stop within the pipeline's bound, about
// pipeBatches batches of pipeBatchBytes, whatever the copy rule (copied
// node bytes count against the bound as the arena's do).
func TestPipelineBounded(t *testing.T) {
	for name, rule := range copyRules {
		t.Run(name, func(t *testing.T) {
			const nodeSize = 1000
			var read atomic.Int64 // node bytes the reader passed on
			l := &callLog{hold: make(chan struct{}), failAt: 1}
			done := make(chan error, 1)
			go func() {
				_, err := pipeline(l, rule, func(p *pipe) error {
					data := make([]byte, nodeSize)
					for i := 0; ; i++ {
						id := stream.ID{Ms: uint64(i)}
						if err := p.node(1, stream.Span{First: id, Last: id}, data, nil); err != nil {
							return err
						}
						read.Add(nodeSize)
					}
				})
				done <- err
			}()
			// Wait for the reader to block: no progress for a while.
			last := int64(-1)
			for n := read.Load(); n != last; n = read.Load() {
				last = n
				time.Sleep(50 * time.Millisecond)
			}
			bound := int64(pipeBatches * (pipeBatchBytes + nodeSize))
			if last > bound || last < pipeBatchBytes {
				t.Errorf("the reader ran %d bytes ahead of the Loader; bound %d", last, bound)
			}
			close(l.hold)
			if err := <-done; !errors.Is(err, errFail) {
				t.Fatalf("pipeline returned %v", err)
			}
			noReader(t)
		})
	}
}

// fillNodes commits streams 1 and 2 with n node records of size bytes each.
func fillNodes(t *testing.T, s *Pebble, n, size int) {
	t.Helper()
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "a", UID: 1})
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "b", UID: 2})
	for uid := uint64(1); uid <= 2; uid++ {
		for i := range n {
			span := stream.Span{First: id(uint64(10*i+1), 0), Last: id(uint64(10*i+5), 0)}
			b.AddNode(uid, span, bytes.Repeat([]byte{byte(i)}, size))
			if b.Len() >= 64 {
				commitT(t, s, b)
				b.Reset()
			}
		}
	}
	commitT(t, s, b)
}

// TestLoadStopsOnError fails a load of a store holding several times the
// pipeline's bound in node bytes, by the Loader midway and by a record
// that cannot be decoded: Load returns the error (the Loader's, or
// ErrCorrupt naming the record) after passing every record before it, and
// no goroutine of it is left.
func TestLoadStopsOnError(t *testing.T) {
	const nodes, size = 400, 4000
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	fillNodes(t, s, nodes, size)
	l := &callLog{}
	if _, err := s.Load(l); err != nil {
		t.Fatal(err)
	}
	all := l.calls
	if len(all) != 2+2*nodes {
		t.Fatalf("%d calls for 2 keys and %d nodes", len(all), 2*nodes)
	}
	for _, at := range []int{3, nodes, len(all)} {
		l := &callLog{failAt: at}
		if _, err := s.Load(l); !errors.Is(err, errFail) {
			t.Fatalf("Loader failing at call %d: Load returned %v", at, err)
		}
		noReader(t)
		if strings.Join(l.calls, "\n") != strings.Join(all[:at], "\n") {
			t.Fatalf("Loader failing at call %d saw %d calls", at, len(l.calls))
		}
	}
	// A record of an unknown kind in the middle of stream 2, after its
	// 200th node.
	bad := append(appendEntryKey(nil, 2, id(10*nodes/2+3, 0)), 0x07)
	if err := s.db.Set(bad, nil, pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	l = &callLog{}
	_, err := s.Load(l)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "unknown entry record kind 0x7") {
		t.Fatalf("Load over a bad record: %v", err)
	}
	noReader(t)
	before := 2 + nodes + nodes/2
	if strings.Join(l.calls, "\n") != strings.Join(all[:before], "\n") {
		t.Fatalf("Load over a bad record passed %d calls, want the %d before it", len(l.calls), before)
	}
	// A loose entry whose fields do not decode, after stream 1's nodes and
	// a good loose entry.
	good := appendFields(nil, fields("f", "v"))
	if err := s.db.Set(appendEntryKey(nil, 1, id(10*nodes+1, 0)), good, pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Set(appendEntryKey(nil, 1, id(10*nodes+2, 0)), good[:len(good)-1], pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	l = &callLog{}
	_, err = s.Load(l)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "bad entry fields") {
		t.Fatalf("Load over bad entry fields: %v", err)
	}
	noReader(t)
	want := append(slices.Clone(all[:2+nodes]), fmt.Sprintf("entry 1 %v %q", id(10*nodes+1, 0), fields("f", "v")))
	if strings.Join(l.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Load over bad entry fields passed %d calls, want the %d before it", len(l.calls), len(want))
	}
}

// panicker is a Loader whose Key panics.
type panicker struct{ callLog }

func (p *panicker) Key(int, []byte, uint64, int64) error { panic("loader bug") }

// TestPipelineLoaderPanic: a Loader that panics takes the load down with
// it, but not before the reader is stopped, so that a caller recovering
// the panic is not left with a goroutine reading the store.
func TestPipelineLoaderPanic(t *testing.T) {
	var want []string
	func() {
		defer func() {
			if r := recover(); r != "loader bug" {
				t.Fatalf("recovered %v", r)
			}
		}()
		pipeline(&panicker{}, nil, script(1<<30, &want))
	}()
	noReader(t)
}
