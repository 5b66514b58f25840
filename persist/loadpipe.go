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
// At most pipeBatches batches exist; the reader waits for a free one, so the
// bytes in flight are bounded (about pipeBatches x pipeBatchBytes, 2 MB,
// plus one record that alone exceeds the bound).

const (
	// pipeBatches is how many batches circulate between the goroutines.
	// The queue between them is kept about half full (readerCopies), so
	// that a stall on either side (a burst of page faults, a time slice
	// lost to another process) seldom leaves the other waiting: each
	// wait parks a goroutine, and waking it costs more than the hand-over.
	// BenchmarkServerLoad, median of 20 loads: 4 batches kept nearly
	// empty 94 ms, 16 kept half full 75 ms (before the pipeline: 135 ms).
	pipeBatches = 16
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
	recIdmp
)

// span32 is a byte range [off, end) of a batch's arena. An arena holds
// less than a batch's bound plus one record, and no record reaches 4 GB (an
// entry or a node holds at most 1 GiB, a name 512 MB).
type span32 struct{ off, end uint32 }

// record is one Loader call, as the reader copied it; it holds no pointer
// and is kept small, as a batch writes hundreds. Which fields mean what
// depends on kind:
//
//	recKey:      x db, y expire, a name
//	recMeta:     lo index into metas
//	recEntry:    ids[0] id, fields[lo:hi]
//	recNode:     ids span (first, last), marks[lo:hi], x index into nodes
//	             of the Loader's copy of the bytes, or -1 with a the bytes
//	             staged for the Loader's goroutine to copy
//	recGroup:    a group, ids[0] last ID, x entries read
//	recConsumer: a group, b consumer, x seen, y active
//	recPending:  a group, b owner, ids[0] id, x delivery time, y count
//	recIdmp:     a producer ID, b idempotent ID, ids[0] entry ID, x recorded ms
type record struct {
	ids    [2]stream.ID
	uid    uint64
	x, y   int64
	a, b   span32
	lo, hi uint32
	kind   recKind
}

// loadBatch is a run of records in store order. The arena, metas, fields
// and marks are reused once the batch comes back empty; the node bytes in
// nodes are not (they are handed to the Loader).
type loadBatch struct {
	recs   []record
	arena  []byte
	metas  []StreamMeta
	fields []span32
	marks  []stream.ID
	nodes  [][]byte
	// bytes counts the arena and node bytes, against pipeBatchBytes.
	bytes int
	// err, on the last batch, is what stopped the reader (nil at the end
	// of the store); it comes after the batch's records.
	err error
}

// maxKeptArena is the largest arena a batch keeps when it is reused: one
// huge record does not pin its memory for the rest of the load.
const maxKeptArena = 4 << 20

// newLoadBatch returns an empty batch whose arena has room for a full
// batch of the usual records, so that filling it does not grow it (the
// collector is usually off while a server loads, and a batch is reused
// for the whole load). Its other slices grow as needed, once.
func newLoadBatch() *loadBatch {
	return &loadBatch{arena: make([]byte, 0, pipeBatchBytes+pipeBatchBytes/8)}
}

func (b *loadBatch) reset() {
	clear(b.nodes) // drop the node bytes handed over
	b.recs, b.nodes = b.recs[:0], b.nodes[:0]
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
	return span32{uint32(off), uint32(len(b.arena))}
}

func (b *loadBatch) at(s span32) []byte { return b.arena[s.off:s.end:s.end] }

// pipe is the reader's end: it fills the current batch and hands it over
// when full.
type pipe struct {
	cur  *loadBatch
	full chan *loadBatch
	free <-chan *loadBatch
	stop <-chan struct{}
	// made counts the batches made so far, cur's included.
	made int
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
// takes it on while the queue for the Loader is at least half full (the
// Loader is behind) and leaves it to the Loader below that (the Loader
// catches up), which shares the work out between two cores whichever side
// is slower for the data at hand, and keeps the queue near half full.
func readerCopies(queued int) bool { return queued >= pipeBatches/2-1 }

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
	default:
	}
	if p.made < pipeBatches {
		// Batches are made as the queue grows: a small store needs
		// only a few.
		p.made++
		p.cur = newLoadBatch()
		return p.cur, nil
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
	b.recs = append(b.recs, record{kind: recMeta, uid: uid, lo: uint32(len(b.metas) - 1)})
	return nil
}

// entry passes a loose entry whose fields are still encoded as the
// record's value v (see appendFields). It reports false, passing nothing,
// when v does not decode.
func (p *pipe) entry(uid uint64, id stream.ID, v []byte) (bool, error) {
	b, err := p.room()
	if err != nil {
		return false, err
	}
	base, lo := len(b.arena), len(b.fields)
	b.arena = append(b.arena, v...)
	var ok bool
	if b.fields, ok = parseFields(b.fields, b.arena[base:], base); !ok {
		b.arena, b.fields = b.arena[:base], b.fields[:lo]
		return false, nil
	}
	b.bytes += len(v)
	b.recs = append(b.recs, record{kind: recEntry, uid: uid, ids: [2]stream.ID{id}, lo: uint32(lo), hi: uint32(len(b.fields))})
	return true, nil
}

// node copies data, once, into bytes the Loader will own.
func (p *pipe) node(uid uint64, span stream.Span, data []byte, deleted []stream.ID) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	r := record{kind: recNode, uid: uid, ids: [2]stream.ID{span.First, span.Last}, x: -1}
	if p.copyHere(len(p.full)) {
		own := make([]byte, len(data)) // make and copy: not zeroed first
		copy(own, data)
		r.x = int64(len(b.nodes))
		b.nodes = append(b.nodes, own)
		b.bytes += len(data)
	} else {
		r.a = b.put(data)
	}
	r.lo = uint32(len(b.marks))
	b.marks = append(b.marks, deleted...)
	r.hi = uint32(len(b.marks))
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

func (p *pipe) idmp(uid uint64, pid, iid []byte, id stream.ID, ms int64) error {
	b, err := p.room()
	if err != nil {
		return err
	}
	b.recs = append(b.recs, record{kind: recIdmp, uid: uid, a: b.put(pid), b: b.put(iid), ids: [2]stream.ID{id}, x: ms})
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
			var data []byte
			if rec.x >= 0 {
				data = b.nodes[rec.x]
				b.nodes[rec.x] = nil // the Loader's now
			} else {
				data = make([]byte, rec.a.end-rec.a.off) // make and copy: not zeroed first
				copy(data, b.at(rec.a))
			}
			var live int
			live, err = r.v.Node(rec.uid, stream.Span{First: rec.ids[0], Last: rec.ids[1]}, data, b.marks[rec.lo:rec.hi:rec.hi])
			r.entries += live
		case recGroup:
			err = r.v.Group(rec.uid, b.at(rec.a), rec.ids[0], rec.x)
		case recConsumer:
			err = r.v.Consumer(rec.uid, b.at(rec.a), b.at(rec.b), rec.x, rec.y)
		case recPending:
			err = r.v.Pending(rec.uid, b.at(rec.a), rec.ids[0], b.at(rec.b), rec.x, uint64(rec.y))
		case recIdmp:
			err = r.v.Idmp(rec.uid, b.at(rec.a), b.at(rec.b), rec.ids[0], rec.x)
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
	p := &pipe{cur: newLoadBatch(), made: 1, full: full, free: free, stop: stop, copyHere: copyHere}
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
		free <- b // never blocks: free has room for every batch
	}
	drained = true
	return r.entries, nil
}
