package persist

import (
	"errors"

	"github.com/runnel-db/runnel/stream"
)

// Load runs on two goroutines. A reader steps the store's iterators,
// decodes and checks each record and copies what it needs into a batch
// (names, fields and some node bytes into the batch's arena, the other
// node bytes into allocations of their own: see readerCopies); the
// goroutine that called Load takes the batches in order and makes the
// Loader's calls from them. A Loader usually rebuilds memory under a lock,
// and the reader's work (iteration, block decompression) and the rebuild's
// (checking and indexing nodes) overlap on a machine with a second core.
//
// Only pipeBatches batches exist; the reader waits for a free one, so the
// bytes in flight are bounded (about pipeBatches x pipeBatchBytes, plus one
// record that alone exceeds the bound).

const (
	// pipeBatches is how many batches circulate between the goroutines.
	pipeBatches = 4
	// pipeBatchBytes and pipeBatchRecords end a batch: a smaller batch
	// starts the Loader's work sooner and holds less in flight, a larger
	// one costs fewer hand-overs between the goroutines.
	pipeBatchBytes   = 128 << 10
	pipeBatchRecords = 512
)

// errLoadStopped is what the reader returns when the Loader failed and
// Load stopped reading; Load returns the Loader's error instead.
var errLoadStopped = errors.New("persist: load stopped")

type recKind uint8

const (
	recKey recKind = iota
	recMeta
	recEntry
	recNode
	recGroup
	recConsumer
	recPending
)

// span32 is a byte range [off, end) of a batch's arena.
type span32 struct{ off, end int }

// record is one Loader call, as the reader copied it. Which fields mean
// what depends on kind:
//
//	recKey:      x db, y expire, a name
//	recMeta:     lo index into metas
//	recEntry:    ids[0] id, fields[lo:hi]
//	recNode:     ids span (first, last), data, marks[lo:hi]
//	recGroup:    a group, ids[0] last ID, x entries read
//	recConsumer: a group, b consumer, x seen, y active
//	recPending:  a group, b owner, ids[0] id, x delivery time, y count
type record struct {
	kind   recKind
	uid    uint64
	ids    [2]stream.ID
	a, b   span32
	x, y   int64
	lo, hi int
	data   []byte
}

// loadBatch is a run of records in store order. The arena, metas, fields
// and marks are reused once the batch comes back empty; node bytes are not
// (they are handed to the Loader).
type loadBatch struct {
	recs   []record
	arena  []byte
	metas  []StreamMeta
	fields []span32
	marks  []stream.ID
	// bytes counts the arena and node bytes, against pipeBatchBytes.
	bytes int
	// err, on the last batch, is what stopped the reader (nil at the end
	// of the store); it comes after the batch's records.
	err error
}

// maxKeptArena is the largest arena a batch keeps when it is reused: one
// huge record does not pin its memory for the rest of the load.
const maxKeptArena = 4 << 20

// newLoadBatch returns an empty batch with room for a full one of the
// usual records, so that filling it allocates nothing (the collector is
// usually off while a server loads).
func newLoadBatch() *loadBatch {
	return &loadBatch{
		recs:  make([]record, 0, pipeBatchRecords),
		arena: make([]byte, 0, pipeBatchBytes+pipeBatchBytes/4),
	}
}

func (b *loadBatch) reset() {
	clear(b.recs) // drop the node bytes handed over
	b.recs = b.recs[:0]
	if cap(b.arena) > maxKeptArena {
		b.arena = nil
	}
	b.arena = b.arena[:0]
	b.metas, b.fields, b.marks = b.metas[:0], b.fields[:0], b.marks[:0]
	b.bytes, b.err = 0, nil
}

func (b *loadBatch) put(p []byte) span32 {
	off := len(b.arena)
	b.arena = append(b.arena, p...)
	b.bytes += len(p)
	return span32{off, len(b.arena)}
}

func (b *loadBatch) at(s span32) []byte { return b.arena[s.off:s.end:s.end] }

// pipe is the reader's end: it fills the current batch and hands it over
// when full.
type pipe struct {
	cur  *loadBatch
	full chan *loadBatch
	free <-chan *loadBatch
	stop <-chan struct{}
	// copyHere reports, given the number of batches queued for the
	// Loader, whether the reader makes the Loader's copy of a node's bytes
	// itself (see readerCopies).
	copyHere func(queued int) bool
}

// readerCopies is where a node's bytes are copied into the allocation the
// Loader keeps. That copy is most of a load's work (its first touches of
// fresh pages cost several times the copy itself), and it can run on
// either side: on the reader, straight from the iterator, or on the
// Loader's goroutine, from the batch's arena, which the reader then fills
// with a copy into memory it reuses, several times cheaper. The reader
// takes it on while batches wait for the Loader (the Loader is behind) and
// leaves it to the Loader while none do (the Loader waits for the reader),
// which shares the work out about evenly between two cores whichever side
// is slower for the data at hand.
func readerCopies(queued int) bool { return queued > 0 }

// room returns the batch to add the next record to, handing the current
// one over first when it is full.
func (p *pipe) room() (*loadBatch, error) {
	if b := p.cur; len(b.recs) < pipeBatchRecords && b.bytes < pipeBatchBytes {
		return b, nil
	}
	select {
	case p.full <- p.cur:
	case <-p.stop:
		return nil, errLoadStopped
	}
	select {
	case p.cur = <-p.free:
		return p.cur, nil
	case <-p.stop:
		p.cur = nil
		return nil, errLoadStopped
	}
}

// The reader's side of each Loader call: copy the arguments into the
// batch.

func (p *pipe) key(db int, name []byte, uid uint64, expire int64) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	b.recs = append(b.recs, record{kind: recKey, uid: uid, x: int64(db), y: expire, a: b.put(name)})
	return nil
}

func (p *pipe) meta(uid uint64, m StreamMeta) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	b.metas = append(b.metas, m)
	b.recs = append(b.recs, record{kind: recMeta, uid: uid, lo: len(b.metas) - 1})
	return nil
}

func (p *pipe) entry(uid uint64, id stream.ID, fields [][]byte) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	lo := len(b.fields)
	for _, f := range fields {
		b.fields = append(b.fields, b.put(f))
	}
	b.recs = append(b.recs, record{kind: recEntry, uid: uid, ids: [2]stream.ID{id}, lo: lo, hi: len(b.fields)})
	return nil
}

// node copies data, once, into bytes the Loader will own.
func (p *pipe) node(uid uint64, span stream.Span, data []byte, deleted []stream.ID) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	r := record{kind: recNode, uid: uid, ids: [2]stream.ID{span.First, span.Last}}
	if p.copyHere(len(p.full)) {
		r.data = make([]byte, len(data)) // make and copy: not zeroed first
		copy(r.data, data)
		b.bytes += len(data)
	} else {
		r.a = b.put(data)
	}
	r.lo = len(b.marks)
	b.marks = append(b.marks, deleted...)
	r.hi = len(b.marks)
	b.recs = append(b.recs, r)
	return nil
}

func (p *pipe) group(uid uint64, group []byte, lastID stream.ID, entriesRead int64) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	b.recs = append(b.recs, record{kind: recGroup, uid: uid, a: b.put(group), ids: [2]stream.ID{lastID}, x: entriesRead})
	return nil
}

func (p *pipe) consumer(uid uint64, group, consumer []byte, seen, active int64) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	b.recs = append(b.recs, record{kind: recConsumer, uid: uid, a: b.put(group), b: b.put(consumer), x: seen, y: active})
	return nil
}

func (p *pipe) pending(uid uint64, group []byte, id stream.ID, owner []byte, dt int64, dc uint64) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	b.recs = append(b.recs, record{kind: recPending, uid: uid, a: b.put(group), b: b.put(owner), ids: [2]stream.ID{id}, x: dt, y: int64(dc)})
	return nil
}

// replayer is Load's end: it makes the Loader's calls from each batch.
type replayer struct {
	v Loader
	// entries counts the live entries the nodes brought.
	entries int
	fields  [][]byte
}

// replay passes b's records to the Loader in order and returns the first
// error, the Loader's or, after all of b's records, the reader's.
func (r *replayer) replay(b *loadBatch) error {
	for i := range b.recs {
		rec := &b.recs[i]
		var err error
		switch rec.kind {
		case recKey:
			err = r.v.Key(int(rec.x), b.at(rec.a), rec.uid, rec.y)
		case recMeta:
			err = r.v.Meta(rec.uid, b.metas[rec.lo])
		case recEntry:
			r.fields = r.fields[:0]
			for _, f := range b.fields[rec.lo:rec.hi] {
				r.fields = append(r.fields, b.at(f))
			}
			err = r.v.Entry(rec.uid, rec.ids[0], r.fields)
			clear(r.fields)
		case recNode:
			data := rec.data
			if data == nil {
				data = make([]byte, rec.a.end-rec.a.off) // make and copy: not zeroed first
				copy(data, b.at(rec.a))
			}
			rec.data = nil // the Loader's now
			var live int
			live, err = r.v.Node(rec.uid, stream.Span{First: rec.ids[0], Last: rec.ids[1]}, data, b.marks[rec.lo:rec.hi:rec.hi])
			r.entries += live
		case recGroup:
			err = r.v.Group(rec.uid, b.at(rec.a), rec.ids[0], rec.x)
		case recConsumer:
			err = r.v.Consumer(rec.uid, b.at(rec.a), b.at(rec.b), rec.x, rec.y)
		case recPending:
			err = r.v.Pending(rec.uid, b.at(rec.a), rec.ids[0], b.at(rec.b), rec.x, uint64(rec.y))
		}
		if err != nil {
			return err
		}
	}
	return b.err
}

// pipeline runs read on a goroutine of its own, feeding the Loader in v
// from the calling goroutine, and returns the first error in store order:
// the Loader's, or read's. When the Loader fails, the reader is stopped;
// pipeline returns only once the reader has returned. It returns the live
// entries the Loader's Node calls reported. copyHere is the pipe's (nil
// for readerCopies).
func pipeline(v Loader, copyHere func(queued int) bool, read func(*pipe) error) (int, error) {
	if copyHere == nil {
		copyHere = readerCopies
	}
	full := make(chan *loadBatch, pipeBatches)
	free := make(chan *loadBatch, pipeBatches)
	stop := make(chan struct{})
	for range pipeBatches - 1 {
		free <- newLoadBatch()
	}
	p := &pipe{cur: newLoadBatch(), full: full, free: free, stop: stop, copyHere: copyHere}
	go func() {
		defer close(full)
		err := read(p)
		if errors.Is(err, errLoadStopped) {
			return
		}
		p.cur.err = err
		select {
		case full <- p.cur:
		case <-stop:
		}
	}()
	r := replayer{v: v}
	drained := false
	defer func() {
		// On the Loader's error (or its panic), stop the reader and wait
		// for it to return.
		if !drained {
			close(stop)
			for range full {
			}
		}
	}()
	for b := range full {
		if err := r.replay(b); err != nil {
			return r.entries, err
		}
		b.reset()
		free <- b // never blocks: free holds every batch not in use
	}
	drained = true
	return r.entries, nil
}
