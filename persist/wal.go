package persist

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// The write-ahead log is runnel's, not Pebble's (Pebble runs with its log
// disabled; doc.go, "The write-ahead log", says why and how it recovers).
// In short: every applied batch gets the next sequence number, is written
// to the memtable with that number in its log-sequence record, and is
// appended as one record to a log file ("lane") whose writer goroutine
// writes it and, under Always, syncs it before it takes more. Several
// lanes can sync concurrently (the server uses one, doc.go says why): a
// batch is durable once every batch numbered before it is synced too (the
// durable mark is a contiguous prefix), so recovery never needs more than
// the batches up to the first one missing. The record format and its
// reading are in walrecord.go.

const (
	walPrefix = "runnel-wal-"
	// walHeader is a record's header: CRC-32C of the rest of the record,
	// payload length, segment number, sequence number, and how many bytes
	// of the segment were synced when the record was appended (see
	// readWALSegment).
	walHeader = 32
	// walSegmentSize is the size of the segments prepared in the
	// background (less on a volume short of space, see prepare). A lane
	// moves to a new segment once it filled the blocks its file had, if a
	// spare is ready (else at twice this size, or at an eighth of it while
	// the volume is short of space); the old one is reused once Pebble
	// flushed what it holds.
	walSegmentSize = 32 << 20
	// walFirstSegment is how much of a new store's first segments is
	// written (with zeros) before use: little, so that creating a store
	// stays cheap, enough to last until the first spare is ready.
	walFirstSegment = 1 << 20
	// walKeepFree is how many flushed segments are kept for reuse.
	// Overwriting blocks already written costs a sync far less than
	// appending (no file-size update to journal).
	walKeepFree = 4
	maxSpareBuf = 1 << 20
	// walSpareShare is the share of a volume's space the log's spares
	// (prepared or kept for reuse) may take: at most 1/walSpareShare of
	// what would be free without them. A spare is space taken before the
	// log needs it; on a small volume it would otherwise take the space
	// the log's own next writes and Pebble's tables need.
	walSpareShare = 4
	// walBlock is the file system block spares are sized in.
	walBlock = 4096
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// walSegment is a log file and the highest sequence number written to it.
type walSegment struct {
	name   string
	gen    uint64
	size   int // bytes of records written
	synced int // bytes of records synced
	cap    int // bytes the file held when the lane took it
	last   uint64
}

// walConfig sizes the log; the zero value is the default.
type walConfig struct {
	lanes   int // log files synced concurrently under Always; 0: one
	segSize int // size of a prepared segment; 0: walSegmentSize
}

// wal is the log. Its mutex orders sequence numbers, memtable writes and
// record appends, so the records' order is the memtable's.
type wal struct {
	fs     vfs.FS
	dir    string
	cfg    walConfig
	policy func() FsyncPolicy
	// flush makes every batch applied so far durable in tables; it
	// fails only when the store has failed.
	flush func() error

	mu      sync.Mutex
	durCond sync.Cond // broadcast when durable moves or the log fails
	seq     uint64    // last sequence number handed out
	durable uint64    // every batch numbered up to here is synced
	started uint64    // counts lane writes, to find the lane busy longest
	lanes   []*lane
	gen     uint64       // last segment number used
	free    []walSegment // flushed segments kept for reuse (name and cap)
	retired []walSegment
	err     error
	closing bool
	// notify is set when the durable mark moved or the log failed and
	// the hook has not been called since.
	notify bool
	hook   atomic.Pointer[func()]
	// preparing is set while the background goroutine writes a spare
	// segment, for a lane that will soon need one.
	preparing bool
	written   uint64 // bytes the lanes have written, in all segments
	// prepareAt is where written must be before a lane asks for a spare
	// again, after the volume had too little space for one.
	prepareAt uint64
	// growTo is the size at which a lane whose segment has no spare to
	// move to starts a new file: twice the segment size, or the smallest
	// spare worth preparing while the volume is short of space, so that
	// the log's old segments are still flushed and removed (or kept, if
	// the volume has room) rather than the log growing on.
	growTo  int
	kick    chan struct{} // wakes the background goroutine
	writers sync.WaitGroup
	flushed chan struct{} // closed when the background goroutine has ended
}

// lane is one log file being written and synced by its own goroutine.
type lane struct {
	w       *wal
	cond    sync.Cond // on w.mu: records or a sync request arrived
	out     *segOut   // writes the segment's file
	seg     walSegment
	buf     []byte // records appended, not yet taken by the writer
	bufLow  uint64 // lowest sequence number in buf, 0 if empty
	bufHigh uint64
	low     uint64 // lowest sequence number written but not synced, 0 if none
	busy    bool   // the writer is writing, syncing or changing segments
	startNo uint64 // w.started when the current write began
	syncReq bool
	// bufAlways is set when buf holds a batch applied under Always: the
	// writer syncs it whatever the policy is by the time it takes it
	// (CONFIG SET appendfsync may have moved away from always since, and
	// that batch's Ticket waits for the sync).
	bufAlways bool
	spare     []byte
}

// openWAL replays the log of the store in dir into Pebble through apply
// (batches numbered after last, the number Pebble holds, in order up to
// the first one missing), makes them durable in tables with flush, and
// starts a fresh log whose numbers follow the last batch replayed. The
// old segments are renamed to new segment numbers for reuse or removed,
// and the directory is synced, before anything new is written: no record
// of the old log can be read as part of the new one.
func openWAL(fs vfs.FS, dir string, cfg walConfig, last uint64, apply func(repr []byte) error, flush func() error, policy func() FsyncPolicy) (*wal, int, error) {
	if cfg.lanes <= 0 {
		cfg.lanes = 1
	}
	if cfg.segSize <= 0 {
		cfg.segSize = walSegmentSize
	}
	names, err := fs.List(dir)
	if err != nil {
		return nil, 0, fmt.Errorf("persist: list %s: %w", dir, err)
	}
	var gens []uint64
	for _, n := range names {
		if gen, ok := parseWALName(n); ok {
			gens = append(gens, gen)
		}
	}
	slices.Sort(gens)
	var recs []walRecord
	for _, gen := range gens {
		err := readSegmentFile(fs, fs.PathJoin(dir, walName(gen)), gen, func(seq uint64, repr []byte) {
			if seq > last {
				recs = append(recs, walRecord{seq: seq, repr: slices.Clone(repr)})
			}
		})
		if err != nil {
			return nil, 0, err
		}
	}
	slices.SortFunc(recs, func(a, b walRecord) int { return cmp.Compare(a.seq, b.seq) })
	replayed := 0
	for _, r := range recs {
		if r.seq != last+1 {
			break // a batch never synced: nothing after it was acknowledged under Always
		}
		if err := apply(r.repr); err != nil {
			return nil, 0, fmt.Errorf("persist: replay log batch %d: %w", r.seq, err)
		}
		last = r.seq
		replayed++
	}
	if replayed > 0 {
		if err := flush(); err != nil {
			return nil, 0, fmt.Errorf("persist: flush replayed log: %w", err)
		}
	}
	w := &wal{fs: fs, dir: dir, cfg: cfg, policy: policy, flush: flush, seq: last, durable: last, kick: make(chan struct{}, 1), growTo: 2 * cfg.segSize}
	w.durCond.L = &w.mu
	if len(gens) > 0 {
		w.gen = gens[len(gens)-1]
	}
	// The old segments are kept for reuse as far as the volume has room
	// for spares (see prepare).
	avail, known := w.avail()
	var held int64
	for _, gen := range gens {
		old := fs.PathJoin(dir, walName(gen))
		fi, err := fs.Stat(old)
		if err != nil {
			return nil, 0, fmt.Errorf("persist: log segment: %w", err)
		}
		if size := fi.Size(); len(w.free) < walKeepFree && (!known || spareFits(size, avail+size, held)) {
			w.gen++
			name := fs.PathJoin(dir, walName(w.gen))
			if err := fs.Rename(old, name); err != nil {
				return nil, 0, fmt.Errorf("persist: rename log segment: %w", err)
			}
			w.free = append(w.free, walSegment{name: name, cap: int(size)})
			held += size
			continue
		}
		avail += fi.Size()
		if err := fs.Remove(old); err != nil {
			return nil, 0, fmt.Errorf("persist: remove log segment: %w", err)
		}
	}
	for range cfg.lanes {
		l := &lane{w: w}
		l.cond.L = &w.mu
		f, seg, err := w.newSegment(min(walFirstSegment, cfg.segSize))
		if err != nil {
			w.closeFiles()
			return nil, 0, err
		}
		l.out, l.seg = newSegOut(f), seg
		w.lanes = append(w.lanes, l)
	}
	if err := w.syncDir(); err != nil {
		w.closeFiles()
		return nil, 0, err
	}
	w.flushed = make(chan struct{})
	for _, l := range w.lanes {
		w.writers.Add(1)
		go l.run()
	}
	go w.background()
	return w, replayed, nil
}

// newSegment opens the next segment: a kept one (its records name an
// older segment number, so they end reading at once) or a new file, of
// prefill zeros if prefill is not 0. The caller syncs the directory
// before writing to it.
func (w *wal) newSegment(prefill int) (vfs.File, walSegment, error) {
	w.mu.Lock()
	var reuse string
	if n := len(w.free); n > 0 {
		reuse = w.free[n-1].name
		w.free = w.free[:n-1]
	}
	w.gen++
	gen := w.gen
	w.mu.Unlock()
	name := w.fs.PathJoin(w.dir, walName(gen))
	var f vfs.File
	var err error
	capacity := 0
	switch {
	case reuse != "":
		f, err = w.fs.ReuseForWrite(reuse, name, vfs.WriteCategoryUnspecified)
		if err == nil {
			var fi vfs.FileInfo
			if fi, err = f.Stat(); err == nil {
				capacity = int(fi.Size())
			}
		}
	case prefill > 0:
		if err = writeZeros(w.fs, name, prefill); err == nil {
			f, err = w.fs.ReuseForWrite(name, name, vfs.WriteCategoryUnspecified)
			capacity = prefill
			break
		}
		// No room for the zeros (a nearly full volume): append instead.
		_ = w.fs.Remove(name)
		f, err = w.fs.Create(name, vfs.WriteCategoryUnspecified)
	default:
		// None ready: appending works, its syncs are only slower.
		f, err = w.fs.Create(name, vfs.WriteCategoryUnspecified)
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, walSegment{}, fmt.Errorf("persist: open log segment: %w", err)
	}
	return f, walSegment{name: name, gen: gen, cap: capacity}, nil
}

func (w *wal) syncDir() error {
	d, err := w.fs.OpenDir(w.dir)
	if err != nil {
		return fmt.Errorf("persist: open %s: %w", w.dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("persist: sync %s: %w", w.dir, err)
	}
	return nil
}

// apply gives the next batch its number, lets write put the batch in the
// memtable under that number (in its log-sequence record) and return the
// batch's bytes, and appends them as the batch's record to a lane. It
// returns the batch's number.
func (w *wal) apply(write func(seq uint64) ([]byte, error)) (uint64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	seq := w.seq + 1
	repr, err := write(seq)
	if err != nil {
		return 0, err
	}
	w.seq = seq
	always := w.policy() == Always
	l := w.pickLocked(always)
	l.buf = appendWALRecord(l.buf, l.seg.gen, seq, uint64(l.seg.synced), repr)
	if l.bufLow == 0 {
		l.bufLow = seq
	}
	l.bufHigh = seq
	l.bufAlways = l.bufAlways || always
	l.cond.Signal()
	return seq, nil
}

// pickLocked chooses the lane for the next record; always says whether
// its batch was applied under Always. Under EverySec and No there is one:
// nothing waits for a sync. Under Always: an idle lane, which syncs the
// record at once; else one that already has records waiting, which its
// next sync carries together; else the lane whose sync began first,
// likely the first to end.
func (w *wal) pickLocked(always bool) *lane {
	if !always {
		return w.lanes[0]
	}
	var waiting, oldest *lane
	for _, l := range w.lanes {
		switch {
		case !l.busy && len(l.buf) == 0:
			return l
		case len(l.buf) > 0:
			if waiting == nil {
				waiting = l
			}
		case oldest == nil || l.startNo < oldest.startNo:
			oldest = l
		}
	}
	if waiting != nil {
		return waiting
	}
	return oldest
}

// wait returns once batch seq is durable, or the log failed.
func (w *wal) wait(seq uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.durable < seq && w.err == nil {
		w.durCond.Wait()
	}
	if w.durable >= seq {
		return nil
	}
	return w.err
}

// sync makes every batch applied so far durable, whatever the policy.
func (w *wal) sync() error {
	w.mu.Lock()
	target := w.seq
	for _, l := range w.lanes {
		if l.low != 0 || l.bufLow != 0 {
			l.syncReq = true
			l.cond.Signal()
		}
	}
	w.mu.Unlock()
	return w.wait(target)
}

// advanceLocked moves the durable mark to just before the lowest batch
// not yet synced in any lane.
func (w *wal) advanceLocked() {
	d := w.seq
	for _, l := range w.lanes {
		for _, s := range [2]uint64{l.low, l.bufLow} {
			if s != 0 && s-1 < d {
				d = s - 1
			}
		}
	}
	if d > w.durable {
		w.durable = d
		w.durCond.Broadcast()
		w.notify = true
	}
}

// callHookLocked calls the sync hook, without the lock, if the durable
// mark moved or the log failed since the last call.
func (w *wal) callHookLocked() {
	if !w.notify {
		return
	}
	w.notify = false
	if h := w.hook.Load(); h != nil {
		w.mu.Unlock()
		(*h)()
		w.mu.Lock()
	}
}

// poll reports whether batch seq is durable, or the log failed (with the
// error).
func (w *wal) poll(seq uint64) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.durable >= seq {
		return true, nil
	}
	return w.err != nil, w.err
}

func (w *wal) failLocked(err error) {
	if w.err == nil {
		w.err = err
		w.notify = true
	}
	w.durCond.Broadcast()
	for _, l := range w.lanes {
		l.cond.Signal()
	}
}

// run is a lane's writer: it writes what was appended, syncs it under
// Always or when asked, and moves the durable mark.
func (l *lane) run() {
	w := l.w
	defer w.writers.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(l.buf) == 0 && !(l.syncReq && l.low != 0) && !w.closing && w.err == nil {
			l.syncReq = false
			l.cond.Wait()
		}
		if w.err != nil || len(l.buf) == 0 && !(l.syncReq && l.low != 0) {
			return
		}
		buf, low, high := l.buf, l.bufLow, l.bufHigh
		l.buf, l.bufLow, l.bufHigh, l.spare = l.spare[:0], 0, 0, nil
		doSync := w.policy() == Always || l.syncReq || l.bufAlways
		l.syncReq, l.bufAlways = false, false
		if low != 0 && l.low == 0 {
			l.low = low
		}
		l.busy = true
		w.started++
		l.startNo = w.started
		out := l.out
		w.mu.Unlock()
		synced, err := out.write(buf, doSync)
		w.mu.Lock()
		l.busy = false
		if err != nil {
			w.failLocked(fmt.Errorf("log write: %w", err))
			w.callHookLocked()
			return
		}
		l.seg.size += len(buf)
		w.written += uint64(len(buf))
		if high != 0 {
			l.seg.last = high
		}
		if cap(buf) <= maxSpareBuf {
			l.spare = buf[:0]
		}
		if synced {
			l.seg.synced = l.seg.size
			l.low = 0
			w.advanceLocked()
			w.callHookLocked()
		}
		if l.seg.size >= l.seg.cap/4 && len(w.free) == 0 && !w.preparing && w.written >= w.prepareAt {
			w.preparing = true
			w.kickLocked()
		}
		if l.seg.size >= l.seg.cap && len(w.free) > 0 || l.seg.size >= max(l.seg.cap, w.growTo) {
			if err := l.rotateLocked(); err != nil {
				w.failLocked(err)
				w.callHookLocked()
				return
			}
			// The old segment's sync may have moved the durable mark.
			w.callHookLocked()
		}
	}
}

// rotateLocked moves the lane to a new segment, syncing the old one first
// if it holds unsynced records, and retires the old one.
func (l *lane) rotateLocked() error {
	w := l.w
	l.busy = true
	old, oldF, needSync := l.seg, l.out.f, l.low != 0
	w.mu.Unlock()
	f, seg, err := func() (vfs.File, walSegment, error) {
		if needSync {
			if err := oldF.SyncData(); err != nil {
				return nil, walSegment{}, fmt.Errorf("log sync: %w", err)
			}
		}
		if err := oldF.Close(); err != nil {
			return nil, walSegment{}, fmt.Errorf("log close: %w", err)
		}
		f, seg, err := w.newSegment(0)
		if err != nil {
			return nil, walSegment{}, err
		}
		if err := w.syncDir(); err != nil {
			_ = f.Close()
			return nil, walSegment{}, err
		}
		return f, seg, nil
	}()
	w.mu.Lock()
	l.busy = false
	if err != nil {
		l.out = nil // its file is closed
		return err
	}
	l.out, l.seg = newSegOut(f), seg
	// Records appended meanwhile name the old segment: renumber them.
	renumber(l.buf, seg.gen)
	if needSync {
		l.low = 0
		w.advanceLocked()
	}
	w.retired = append(w.retired, old)
	w.kickLocked()
	return nil
}

// renumber rewrites the segment number and synced count (and so the
// checksum) of every record in buf for a new segment.
func renumber(buf []byte, gen uint64) {
	for off := 0; off < len(buf); {
		h := buf[off:]
		n := int(binary.LittleEndian.Uint32(h[4:]))
		binary.LittleEndian.PutUint64(h[8:], gen)
		binary.LittleEndian.PutUint64(h[24:], 0)
		binary.LittleEndian.PutUint32(h[0:], crc32.Checksum(h[4:walHeader+n], castagnoli))
		off += walHeader + n
	}
}

func (w *wal) kickLocked() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// background reuses or removes retired segments once Pebble has flushed
// every batch they hold into tables, and prepares spare segments.
func (w *wal) background() {
	defer close(w.flushed)
	for range w.kick {
		if !w.recycle() || !w.prepare() {
			return
		}
	}
}

// recycle flushes Pebble if segments were retired and moves those whose
// batches the flush covered to the spares (or removes them). It reports
// false once the log is closing or failed.
func (w *wal) recycle() bool {
	w.mu.Lock()
	if w.closing || w.err != nil {
		w.mu.Unlock()
		return false
	}
	if len(w.retired) == 0 {
		w.mu.Unlock()
		return true
	}
	through := w.seq
	w.mu.Unlock()
	if err := w.flush(); err != nil {
		// The store has failed (the flush's failure did that) and
		// refuses writes. The log has not: it holds what the tables
		// lack, and its lanes go on writing and syncing what was
		// applied until Close. The retired segments stay, for the next
		// start to replay.
		return false
	}
	avail, known := w.avail()
	w.mu.Lock()
	keep := w.retired[:0]
	var drop []string
	held := w.heldLocked()
	for _, s := range w.retired {
		size := int64(max(s.size, s.cap))
		switch {
		case s.last > through:
			keep = append(keep, s)
		case len(w.free) < walKeepFree && (!known || spareFits(size, avail+size, held)):
			w.free = append(w.free, walSegment{name: s.name, cap: int(size)})
			held += size
		default:
			drop = append(drop, s.name)
			avail += size
		}
	}
	w.retired = keep
	w.mu.Unlock()
	for _, name := range drop {
		_ = w.fs.Remove(name) // a leftover is renamed or removed at the next start
	}
	return true
}

// prepare writes a spare segment of zeros when a lane asked for one (a
// store too new to have flushed segments to reuse): a segment's syncs
// are fastest when its records overwrite blocks already written, which
// needs no change of the file's size to be journaled. The zeros end
// reading at once (no record names segment 0).
//
// A spare never makes the log's own writes fail: it takes at most a
// share of the volume's free space (walSpareShare), none when that is
// less than the smallest spare worth it, and a spare that still finds
// the volume full is removed. Either way the lanes go on appending to
// their segments, ask again once they wrote another quarter segment, and
// meanwhile start new files at the smallest spare's size (growTo).
func (w *wal) prepare() bool {
	w.mu.Lock()
	if !w.preparing || len(w.free) > 0 {
		w.preparing = false
		w.mu.Unlock()
		return true
	}
	held := w.heldLocked()
	w.mu.Unlock()
	size := int64(w.cfg.segSize + w.cfg.segSize/8)
	if avail, known := w.avail(); known {
		size = spareSize(size, avail, held, w.leastSpare())
	}
	var name string
	var err error
	if size > 0 {
		w.mu.Lock()
		w.gen++
		name = w.fs.PathJoin(w.dir, walName(w.gen))
		w.mu.Unlock()
		if err = writeZeros(w.fs, name, int(size)); err != nil {
			_ = w.fs.Remove(name)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.preparing = false
	if size == 0 || err != nil {
		// Not fatal: lanes append instead, in smaller files.
		w.prepareAt = w.written + uint64(w.cfg.segSize/4)
		w.growTo = int(w.leastSpare())
		return !w.closing
	}
	w.free = append(w.free, walSegment{name: name, cap: int(size)})
	w.growTo = 2 * w.cfg.segSize
	return !w.closing
}

// leastSpare is the smallest spare worth preparing: each move to a new
// segment costs a forced flush of Pebble's write buffers.
func (w *wal) leastSpare() int64 { return int64(w.cfg.segSize / 8) }

// avail returns the bytes free on the log's volume, and false when the
// file system does not say.
func (w *wal) avail() (int64, bool) {
	u, err := w.fs.GetDiskUsage(w.dir)
	if err != nil {
		return 0, false
	}
	return int64(min(u.AvailBytes, 1<<62)), true
}

// heldLocked returns the bytes the spares kept for reuse take.
func (w *wal) heldLocked() int64 {
	var n int64
	for _, s := range w.free {
		n += int64(s.cap)
	}
	return n
}

// spareSize returns the size of a new spare of at most want bytes on a
// volume with avail bytes free, of which the spares already held take
// held: as large as spareFits allows, in whole blocks, and 0 when that is
// less than least.
func spareSize(want, avail, held, least int64) int64 {
	n := min(want, (avail+held)/walSpareShare-held)
	n &^= walBlock - 1
	if n < least || n <= 0 {
		return 0
	}
	return n
}

// spareFits reports whether the spares held (held bytes) and one more of
// size take at most 1/walSpareShare of what the volume would have free
// without any spare, avail being what it has free with the spares held
// there and the new one not.
func spareFits(size, avail, held int64) bool {
	return walSpareShare*(held+size) <= avail+held
}

func writeZeros(fs vfs.FS, name string, n int) error {
	f, err := fs.Create(name, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	z := make([]byte, 1<<20)
	for n > 0 && err == nil {
		_, err = f.Write(z[:min(n, len(z))])
		n -= len(z)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// close stops the writers (after they wrote what they hold) and the
// background goroutine, and closes the files. The store has stopped applying.
func (w *wal) close() {
	w.mu.Lock()
	w.closing = true
	for _, l := range w.lanes {
		l.cond.Signal()
	}
	w.mu.Unlock()
	w.writers.Wait() // no lane kicks after this
	close(w.kick)
	<-w.flushed
	w.closeFiles()
}

func (w *wal) closeFiles() {
	for _, l := range w.lanes {
		if l.out != nil {
			_ = l.out.f.Close()
			l.out = nil
		}
	}
}

// size returns the bytes the log's files hold.
func (w *wal) size() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var n uint64
	for _, l := range w.lanes {
		n += uint64(max(l.seg.size, l.seg.cap))
	}
	for _, s := range w.retired {
		n += uint64(max(s.size, s.cap))
	}
	for _, s := range w.free {
		n += uint64(s.cap)
	}
	return n
}
