package persist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"
)

const (
	defaultCacheSize = 64 << 20
	// defaultMemTableSize is Pebble's write buffer. 8 MiB rather than 64: the
	// buffer is resident memory on top of the streams, up to twice over (the
	// mem benchmark, 1,000,000 100-byte entries, measured 235 resident bytes
	// per entry at 64 MiB, 166-171 at 16, 150-151 at 8; Redis 118.6). Since
	// the stream metadata sorts after the entries (format 3), compactions are
	// cheap enough that 8 MiB costs a few percent of XADD CPU (3 alternating
	// runs of 2,000,000: 6.14/6.62/7.66 s against 5.98/6.36/6.82 at 16).
	defaultMemTableSize = 8 << 20
	// tableBlockSize is the target uncompressed size of a table block.
	tableBlockSize = 32 << 10
	// l0CompactionThreshold is twice the number of level-0 sublevels (each
	// flush adds one, see tuneCompaction) at which Pebble starts a
	// compaction into the level below: 8 rather than the default's 2.
	l0CompactionThreshold = 16
	// l0StopWritesThreshold is the number of level-0 sublevels at which
	// Pebble stops writes until compactions catch up: six times the depth
	// that starts a compaction, as in Pebble's defaults (12 against 2),
	// which would stop writes below the new threshold.
	l0StopWritesThreshold = 3 * l0CompactionThreshold
	defaultSyncInterval   = time.Second
	maxPooledScratch      = 1 << 20
)

// Pebble is the durable Store: every batch becomes one atomic Pebble batch,
// made durable under the fsync policy. All methods are safe for concurrent
// use. Open it with Open; Close it exactly once.
type Pebble struct {
	db     *pebble.DB
	lock   *pebble.Lock
	policy atomic.Uint32 // an FsyncPolicy; CONFIG SET appendfsync changes it
	broken atomic.Bool   // set when Pebble panicked (guard)
	log    Logger
	hook   func(uint64)
	// largeBatch is the batch size from which Pebble applies a batch as a
	// memtable of its own (a little under its threshold, half a memtable).
	largeBatch uint64

	// applyMu orders Apply against Close and against the read that
	// translating a FlushDB needs: ordinary batches hold it shared, batches
	// with a FlushDB and Close hold it exclusively. It is never held while
	// waiting for a sync.
	applyMu sync.RWMutex
	closed  bool // guarded by applyMu

	inflight sync.WaitGroup // Always tickets not yet waited on
	wal      *wal
	failed   atomic.Pointer[error] // first write or sync error, sticky
	failedCh chan struct{}         // closed when failed is set
	applied  atomic.Uint64         // batches applied without a sync (EverySec, No)
	stop     chan struct{}         // closed by Close to end the sync loop
	loopDone chan struct{}         // closed when the sync loop has ended
	tpool    sync.Pool             // *translator
}

// Open opens the store in dir, creating dir and an empty store if dir does
// not exist or is empty. It refuses, with an error matching ErrLocked,
// ErrCorrupt, ErrFormatTooNew, ErrFormatTooOld or ErrNotStore, a directory
// it cannot use; it never replaces existing data with an empty store.
//
// Damage inside table data blocks is found when they are read, that is by
// Load, which reads every block and returns ErrCorrupt; Open itself checks
// the manifest, replays the write-ahead log and reads every table's footer
// and properties.
func Open(dir string, opts Options) (*Pebble, error) {
	if opts.Fsync > No {
		return nil, fmt.Errorf("persist: invalid fsync policy %d", opts.Fsync)
	}
	fs := opts.fs
	if fs == nil && opts.CrashFS != nil {
		fs = opts.CrashFS.fs
	}
	if fs == nil {
		fs = vfs.Default
	}
	logger := opts.Logger
	if logger == nil {
		logger = newStdLogger()
	}
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("persist: create %s: %w", dir, err)
	}
	lock, err := pebble.LockDirectory(dir, fs)
	if err != nil {
		if isLockHeld(err) {
			return nil, fmt.Errorf("%w: %s: %v", ErrLocked, dir, err)
		}
		return nil, fmt.Errorf("persist: lock %s: %w", dir, err)
	}
	s, err := open(dir, fs, lock, logger, opts)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	return s, nil
}

func open(dir string, fs vfs.FS, lock *pebble.Lock, logger Logger, opts Options) (*Pebble, error) {
	names, err := fs.List(dir)
	if err != nil {
		return nil, fmt.Errorf("persist: list %s: %w", dir, err)
	}
	existing := false
	for _, n := range names {
		if n != "LOCK" {
			existing = true
		}
	}
	cacheSize := opts.CacheSize
	if cacheSize <= 0 {
		cacheSize = defaultCacheSize
	}
	var self atomic.Pointer[Pebble] // the store, once made, for the event listener
	cache := pebble.NewCache(cacheSize)
	defer cache.Unref()
	po := &pebble.Options{
		FS:                 fs,
		Lock:               lock,
		Cache:              cache,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             logger,
		MemTableSize:       opts.MemTableSize,
		// Pebble's default treats detected corruption as fatal (exit);
		// reporting it lets the failing read return ErrCorrupt instead, so
		// start-up refuses with a clear message.
		EventListener: &pebble.EventListener{
			DataCorruption: func(info pebble.DataCorruptionInfo) { logger.Errorf("data corruption: %s", info) },
			// A flush or compaction that fails (a full disk, an I/O
			// error) fails the store: Pebble retries it, and writes would
			// otherwise go on until the memtables are full and then wait
			// for a flush that never succeeds, every one of them for
			// ever. Refused writes are errors a client sees.
			BackgroundError: func(err error) {
				if st := self.Load(); st != nil {
					retry := st.failed.Load() != nil
					_ = st.fail(fmt.Errorf("background write: %w", err))
					if retry {
						st.slowRetry()
					}
				} else {
					logger.Errorf("background error at start-up: %v", err)
				}
			},
		},
		// An existing directory must already hold a store: creating a fresh
		// one beside unknown files could hide data.
		ErrorIfNotExists: existing,
		// runnel writes its own log (wal.go). Pebble still replays a log
		// of its own that an older runnel left, and flushes it.
		DisableWAL: true,
	}
	if po.MemTableSize == 0 {
		po.MemTableSize = defaultMemTableSize
	}
	// Tables are read whole, in order, at start-up and hardly otherwise:
	// blocks larger than Pebble's 4 KiB default (which node records of
	// about 4 KiB each would fill one by one) cut the per-block work of
	// that scan (allocation, cache insertion, index entries).
	po.Levels[0].BlockSize = tableBlockSize
	tuneCompaction(po)
	if opts.tune != nil {
		opts.tune(po)
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, classifyOpenErr(dir, err)
	}
	fix, err := checkFormat(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w (in %s)", err, dir)
	}
	s := &Pebble{db: db, lock: lock, log: logger, hook: opts.afterBackgroundSync, failedCh: make(chan struct{}), stop: make(chan struct{}),
		largeBatch: (po.MemTableSize - min(po.MemTableSize/2, 64<<10)) / 2}
	self.Store(s)
	s.policy.Store(uint32(opts.Fsync))
	last, err := readLogSeq(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w (in %s)", err, dir)
	}
	replay := func(repr []byte) error {
		b := db.NewBatch()
		defer b.Close()
		repr = slices.Clone(repr)
		// The logged bytes carry the sequence number Pebble gave the batch
		// (the log copies them after Apply); Pebble numbers a replayed
		// batch afresh, and refuses a large one whose header already has a
		// number.
		if len(repr) >= 8 {
			clear(repr[:8])
		}
		if err := b.SetRepr(repr); err != nil {
			return fmt.Errorf("%w: log batch: %v", ErrCorrupt, err)
		}
		return db.Apply(b, pebble.NoSync)
	}
	w, replayed, err := openWAL(fs, dir, walConfig{lanes: opts.logLanes, segSize: opts.logSegmentSize}, last, replay, s.flush, s.Policy)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	if replayed > 0 {
		logger.Infof("replayed %d batches from the log", replayed)
	}
	s.wal = w
	if err := s.fixFormat(fix); err != nil {
		w.close()
		_ = db.Close()
		return nil, fmt.Errorf("%w (in %s)", err, dir)
	}
	// No syncs in the background too: Pebble keeps unsynced log records in
	// its own buffer rather than handing each to the OS as Redis's
	// appendfsync no does, so without a sync a process kill could lose
	// writes of any age. A sync a second bounds that loss as EverySec's.
	// The loop runs under every policy, as CONFIG SET appendfsync can move
	// to one that needs it; under Always it finds nothing unsynced.
	iv := opts.syncInterval
	if iv <= 0 {
		iv = defaultSyncInterval
	}
	s.loopDone = make(chan struct{})
	go s.syncLoop(iv)
	return s, nil
}

// tuneCompaction sets the options that cut the CPU of Pebble's background
// work (flushes, compactions, compression) per write; doc.go ("Pebble's
// background work") gives the measurements.
//
// Compression is Pebble's fastest profile, MinLZ (Snappy on arm64, where
// MinLZ has no assembly), instead of Snappy, on every level (the later
// levels inherit level 0's). MinLZ encodes and decodes node records faster
// than Snappy on every payload measured, and on data it cannot shrink it
// gives up at once, where Snappy spends about 60 times as long for a 13%
// reduction and then decodes it again at every compaction. Tables already
// written with Snappy stay readable: every block names its algorithm.
//
// Level 0 is compacted once it holds 8 sublevels instead of 2. Each
// flushed table overlaps the one flushed before it (a node record's range
// deletion reaches back over its loose entries, flushed earlier, and every
// table holds the metadata of the streams written), so each flush adds a
// sublevel, and a compaction into the level below rewrites the table there
// that holds the stream's newest entries, or with many streams every table
// their tails interleave with. Fewer, larger compactions rewrite them less
// often. A deeper level 0 costs only Load, which reads every table once.
// Compaction concurrency stays Pebble's default, one: a second one would
// take the second core from the connections.
func tuneCompaction(po *pebble.Options) {
	po.Levels[0].Compression = func() *sstable.CompressionProfile { return sstable.FastestCompression }
	po.L0CompactionThreshold = l0CompactionThreshold
	po.L0StopWritesThreshold = l0StopWritesThreshold
}

// isLockHeld tells a lock held by someone else from a failure to create the
// lock file: fcntl reports a held lock as EAGAIN or EACCES, Pebble reports
// one held in this process by a message.
func isLockHeld(err error) bool {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return false
	}
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) ||
		strings.Contains(err.Error(), "lock held by current process")
}

func classifyOpenErr(dir string, err error) error {
	switch {
	case errors.Is(err, pebble.ErrDBDoesNotExist):
		return fmt.Errorf("%w: %s", ErrNotStore, dir)
	case pebble.IsCorruptionError(err),
		// A table shorter or longer than the manifest says.
		strings.Contains(err.Error(), "size mismatch"):
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, dir, err)
	case strings.Contains(err.Error(), "unknown format version"):
		return fmt.Errorf("%w: %s: %v", ErrFormatTooNew, dir, err)
	}
	return fmt.Errorf("persist: open %s: %w", dir, err)
}

// formatFix is what Open must write before anything else: nothing, the
// format record of a new store, or an upgrade of an older one.
type formatFix uint8

const (
	formatOK formatFix = iota
	formatNew
	formatUpgrade
)

// checkFormat reads the format record and every table's footer and
// properties. It writes nothing: a store this runnel refuses (a newer
// one, say) is left exactly as it was, its log included.
func checkFormat(db *pebble.DB) (formatFix, error) {
	fix := formatOK
	v, closer, err := db.Get(formatKey())
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		empty, err := isEmpty(db)
		if err != nil {
			return 0, err
		}
		if !empty {
			return 0, fmt.Errorf("%w: records but no format record", ErrNotStore)
		}
		// A new store, or one whose creation was cut short before its
		// format record was synced: nothing to lose either way. (Its
		// log may still hold the record; writing it again is harmless.)
		fix = formatNew
	case err != nil:
		return 0, wrapReadErr("read format record", err)
	default:
		ver, ok := parseFormatValue(v)
		_ = closer.Close()
		switch {
		case !ok:
			return 0, fmt.Errorf("%w: format record is not runnel's", ErrNotStore)
		case ver > formatVersion:
			return 0, fmt.Errorf("%w: store has version %d, this runnel reads %d", ErrFormatTooNew, ver, formatVersion)
		case ver < oldestReadable:
			return 0, fmt.Errorf("%w: store has version %d, this runnel reads %d to %d", ErrFormatTooOld, ver, oldestReadable, formatVersion)
		case ver < formatVersion:
			fix = formatUpgrade
		}
	}
	if _, err := db.SSTables(pebble.WithProperties()); err != nil {
		return 0, fmt.Errorf("%w: reading table properties: %v", ErrCorrupt, err)
	}
	return fix, nil
}

// fixFormat writes what checkFormat found missing, as one batch through
// the log, synced and flushed into a table before Open returns. An
// upgrade moves the metadata of versions 1 and 2 and records the new
// version in the same batch, before anything new is written, so that an
// older runnel refuses the store from then on (version 3 had Pebble's
// log, which an older runnel would read instead of runnel's).
func (s *Pebble) fixFormat(fix formatFix) error {
	if fix == formatOK {
		return nil
	}
	pb := s.db.NewBatch()
	defer pb.Close()
	if fix == formatUpgrade {
		uids, err := namedUIDs(s.db)
		if err == nil {
			err = upgradeMeta(s.db, pb, uids)
		}
		if err == nil {
			err = upgradePending(s.db, pb, uids)
		}
		if err != nil {
			return fmt.Errorf("persist: upgrade store to format %d: %w", formatVersion, err)
		}
	}
	if err := pb.Set(formatKey(), formatValue(formatVersion), nil); err != nil {
		return err
	}
	if _, err := s.logApply(pb); err != nil {
		return fmt.Errorf("persist: write format record: %w", err)
	}
	if err := s.wal.sync(); err != nil {
		return fmt.Errorf("persist: write format record: %w", err)
	}
	// An older runnel reads Pebble's tables and Pebble's own log, never
	// runnel's: until the new version is in a table, a crash would leave
	// it a store with no format record (which it would take for a new one
	// and serve empty) or with version 3 (served without everything
	// written since). Flushed, it refuses the store (ErrFormatTooNew).
	if err := s.flush(); err != nil {
		return fmt.Errorf("persist: write format record: flush: %w", err)
	}
	return nil
}

func isEmpty(db *pebble.DB) (bool, error) {
	it, err := db.NewIter(nil)
	if err != nil {
		return false, wrapReadErr("iterate", err)
	}
	valid := it.First()
	if err := it.Close(); err != nil {
		return false, wrapReadErr("iterate", err)
	}
	return !valid, nil
}

// wrapReadErr marks checksum failures as ErrCorrupt.
func wrapReadErr(what string, err error) error {
	if pebble.IsCorruptionError(err) {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, what, err)
	}
	return fmt.Errorf("persist: %s: %w", what, err)
}

// Ticket is the durability handle of one applied batch. A zero Ticket is
// already durable. Wait must be called exactly once for every Ticket Apply
// returns (Close waits for outstanding ones); Tickets are not safe for
// concurrent use.
type Ticket struct {
	s   *Pebble
	seq uint64
}

// Wait returns once the batch is durable under the store's fsync policy
// (under Always: in the synced log, together with every batch applied
// before it). An error means the sync failed: the batch may be lost and the
// store refuses further writes.
func (t Ticket) Wait() error {
	if t.s == nil {
		return nil
	}
	err := t.s.wal.wait(t.seq)
	t.s.inflight.Done()
	if err != nil {
		return t.s.fail(fmt.Errorf("sync: %w", err))
	}
	return nil
}

// TryWait is Wait without waiting: it reports whether the batch is
// durable, or the store failed (with the error Wait would return). Once
// it reported true the Ticket is spent, as after Wait.
func (t Ticket) TryWait() (bool, error) {
	if t.s == nil {
		return true, nil
	}
	done, err := t.s.wal.poll(t.seq)
	if !done {
		return false, nil
	}
	t.s.inflight.Done()
	if err != nil {
		return true, t.s.fail(fmt.Errorf("sync: %w", err))
	}
	return true, nil
}

// OnSync sets fn to be called each time a sync of the log made batches
// durable, and when the log fails, from the goroutine that synced, so a
// caller can land its waiters without a goroutine of its own waiting on
// each Ticket (one hand-off less per sync). fn runs with no lock of the
// store held; it may call TryWait, not Apply or Wait. Set it before the
// first Apply.
func (s *Pebble) OnSync(fn func()) { s.wal.hook.Store(&fn) }

// Apply implements Store. Batches are applied in the order of their Apply
// calls; two calls that run concurrently are applied in some order, so a
// caller orders batches touching the same records by calling Apply under
// the lock under which it made their effects, and Wait after releasing it.
// Apply itself never waits for a sync. b may be reused once Apply returns.
func (s *Pebble) Apply(b *Batch) (Ticket, error) {
	excl := needsExclusive(b)
	if excl {
		s.applyMu.Lock()
		defer s.applyMu.Unlock()
	} else {
		s.applyMu.RLock()
		defer s.applyMu.RUnlock()
	}
	if s.closed {
		return Ticket{}, ErrClosed
	}
	if p := s.failed.Load(); p != nil {
		return Ticket{}, *p
	}
	if b.Len() == 0 {
		return Ticket{}, nil
	}
	pb := s.db.NewBatch()
	t := s.translator()
	t.pb = pb
	err := t.translate(b)
	t.pb = nil
	if cap(t.v) > maxPooledScratch {
		t.v = nil // one huge entry must not pin its size in the pool
	}
	s.tpool.Put(t)
	if err != nil {
		_ = pb.Close()
		return Ticket{}, err
	}
	always := s.Policy() == Always
	if always {
		s.inflight.Add(1)
	}
	seq, err := s.logApply(pb)
	_ = pb.Close()
	if err != nil {
		if always {
			s.inflight.Done()
		}
		return Ticket{}, s.fail(fmt.Errorf("apply: %w", err))
	}
	if always {
		return Ticket{s: s, seq: seq}, nil
	}
	s.applied.Add(1)
	return Ticket{}, nil
}

// logApply gives pb the log's next sequence number (in its log-sequence
// record), applies it to Pebble's memtable and appends it to the log, in
// the log's order.
func (s *Pebble) logApply(pb *pebble.Batch) (uint64, error) {
	var large bool
	seq, err := s.wal.apply(func(seq uint64) ([]byte, error) {
		if err := pb.Set(logSeqKey(), logSeqValue(seq), nil); err != nil {
			return nil, err
		}
		// The batch's bytes are taken before Apply: Pebble applies a batch
		// of at least half a memtable as a memtable of its own and empties
		// the Batch (its Repr is then empty), so a record taken after it
		// would log nothing of a large write. The slice stays valid: Pebble
		// only reads the array, and the log copies it before this returns.
		repr := pb.Repr()
		if err := s.guard(func() error { return s.db.Apply(pb, pebble.NoSync) }); err != nil {
			return nil, err
		}
		large = uint64(len(repr)) >= s.largeBatch
		return repr, nil
	})
	if err == nil && large {
		// Pebble keeps such a batch as a memtable of its own, in memory
		// until a flush, which it may not start for a long time: flush
		// now, so that the write's size in memory goes back soon.
		_ = s.guard(func() error { _, err := s.db.AsyncFlush(); return err })
	}
	return seq, err
}

// Commit implements Store: Apply, then Wait.
func (s *Pebble) Commit(b *Batch) error {
	t, err := s.Apply(b)
	if err != nil {
		return err
	}
	return t.Wait()
}

func (s *Pebble) translator() *translator {
	if t, ok := s.tpool.Get().(*translator); ok {
		return t
	}
	return &translator{read: s.readKeys}
}

// readKeys calls fn for every key record of db in the store.
func (s *Pebble) readKeys(db uint32, fn func(name []byte, uid uint64) error) error {
	lo := appendKeyPrefix(nil, db)
	var hi []byte
	if db == maxDB {
		hi = []byte{spaceKey + 1}
	} else {
		hi = appendKeyPrefix(nil, db+1)
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return wrapReadErr("read keys", err)
	}
	for valid := it.First(); valid; valid = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			_ = it.Close()
			return wrapReadErr("read keys", err)
		}
		uid, _, ok := parseKeyValue(v)
		if !ok {
			_ = it.Close()
			return corruptf(it.Key(), "bad key record value")
		}
		_, name, _ := parseKeyRecord(it.Key())
		if err := fn(name, uid); err != nil {
			_ = it.Close()
			return err
		}
	}
	return wrapIterClose("read keys", it)
}

func wrapIterClose(what string, it *pebble.Iterator) error {
	if err := it.Close(); err != nil {
		return wrapReadErr(what, err)
	}
	return nil
}

// guard runs a Pebble write and turns a panic into an error. Pebble panics
// when it cannot write its log (a full disk, say); the server must refuse
// further writes with an error, not die, and a panic must never unwind
// through the committer's lock. After one the store is broken: every
// later write fails and Close only releases the lock.
func (s *Pebble) guard(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.broken.Store(true)
			err = s.fail(fmt.Errorf("pebble panicked: %v", r))
		}
	}()
	return fn()
}

// syncLoop is EverySec's (and No's) ticker: it syncs the log when batches were applied
// since the last sync.
func (s *Pebble) syncLoop(every time.Duration) {
	defer close(s.loopDone)
	tick := time.NewTicker(every)
	defer tick.Stop()
	var synced uint64
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		n := s.applied.Load()
		if n == synced {
			continue
		}
		// Syncing the log through its last batch covers every batch
		// counted in n.
		if err := s.wal.sync(); err != nil {
			_ = s.fail(fmt.Errorf("background sync: %w", err))
			return
		}
		synced = n
		if s.hook != nil {
			s.hook(n)
		}
	}
}

// Sync makes every batch whose Apply has returned durable, whatever the
// policy, by syncing the log through it (WAITAOF under appendfsync
// everysec and no). It does not hold Apply back while the log syncs. It
// returns ErrClosed once Close began; a failed sync fails the store. Safe
// for concurrent use.
func (s *Pebble) Sync() error {
	s.applyMu.RLock()
	if s.closed {
		s.applyMu.RUnlock()
		return ErrClosed
	}
	if p := s.failed.Load(); p != nil {
		s.applyMu.RUnlock()
		return *p
	}
	s.inflight.Add(1) // Close waits for it before it closes Pebble
	s.applyMu.RUnlock()
	defer s.inflight.Done()
	if err := s.wal.sync(); err != nil {
		return s.fail(fmt.Errorf("sync: %w", err))
	}
	return nil
}

// Policy returns the store's fsync policy.
func (s *Pebble) Policy() FsyncPolicy { return FsyncPolicy(s.policy.Load()) }

// SetPolicy changes the fsync policy for the batches applied from now on,
// as CONFIG SET appendfsync does in Redis. Moving to Always covers the
// batches applied before too: SetPolicy syncs the log through them before
// it returns, so a reply that shows one of them and leaves after the
// change (its Ticket long waited for) shows nothing a crash could lose.
// Apply is excluded meanwhile, so every batch is either applied before
// that sync or under the new policy. A failed sync fails the store.
func (s *Pebble) SetPolicy(p FsyncPolicy) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	old := FsyncPolicy(s.policy.Swap(uint32(p)))
	if p != Always || old == Always || s.closed || s.failed.Load() != nil {
		return
	}
	if err := s.wal.sync(); err != nil {
		_ = s.fail(fmt.Errorf("sync: %w", err))
	}
}

// Checkpoint writes a consistent copy of the store into dir, which must not
// exist, as SAVE and BGSAVE do: every batch applied before the call is in
// it, and Open accepts dir as a store. Tables are hard-linked when dir is on
// the same file system, so the copy is cheap at first and grows as the live
// store compacts.
func (s *Pebble) Checkpoint(dir string) error {
	s.applyMu.RLock()
	defer s.applyMu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	// The log is runnel's, not part of a checkpoint: the tables must hold
	// every batch applied so far.
	if err := s.flush(); err != nil {
		return fmt.Errorf("persist: checkpoint to %s: flush: %w", dir, err)
	}
	if err := s.db.Checkpoint(dir); err != nil {
		return fmt.Errorf("persist: checkpoint to %s: %w", dir, err)
	}
	return nil
}

// DiskUsage returns the bytes the store's files take on disk (log,
// tables, manifest), 0 once closed.
func (s *Pebble) DiskUsage() uint64 {
	s.applyMu.RLock()
	defer s.applyMu.RUnlock()
	if s.closed {
		return 0
	}
	return s.db.Metrics().DiskSpaceUsage() + s.wal.size()
}

// Close implements Store: it refuses new batches, waits for outstanding
// Tickets, syncs the log, flushes the write buffers into tables (so the
// next Open has no log to replay), closes the log and Pebble and releases
// the lock. A second Close returns ErrClosed.
//
// When the flush fails (a full disk, a removed directory), Close does not
// wait for Pebble's retries: it returns once the store has failed, with an
// error that says so. Nothing acknowledged is lost then: the log, synced
// and closed before Pebble is, holds every batch the tables lack, and the
// next Open replays it. A store that had failed before Close is closed
// without a flush, and Close returns nil unless closing itself fails.
func (s *Pebble) Close() error {
	s.applyMu.Lock()
	if s.closed {
		s.applyMu.Unlock()
		return ErrClosed
	}
	s.closed = true
	s.applyMu.Unlock()
	s.inflight.Wait()
	if s.loopDone != nil {
		close(s.stop)
		<-s.loopDone
	}
	var errs []error
	healthy := s.failed.Load() == nil
	// The log first, whatever became of the store: it holds what the
	// tables lack. A log that failed earlier returns its error at once.
	if err := s.wal.sync(); err != nil && healthy {
		errs = append(errs, fmt.Errorf("sync: %w", err))
	} else if err == nil && healthy && !s.broken.Load() {
		if err := s.flush(); err != nil {
			if _, serr := s.wal.fs.Stat(s.wal.dir); serr != nil {
				// Removed under the store: the log went with it.
				errs = append(errs, fmt.Errorf("flush failed (%w), and the data directory is gone (%v)", err, serr))
			} else {
				errs = append(errs, fmt.Errorf("flush failed (%w); the log keeps every acknowledged write and the next start replays it", err))
			}
		}
	}
	// After the flush ended or failed: its background goroutine may be
	// waiting for one of its own, which ends the same way.
	s.wal.close()
	if s.broken.Load() {
		// Pebble panicked: its state is unknown and closing it could hang.
		// Everything acknowledged is in the synced log; release the lock only.
		if err := s.lock.Close(); err != nil {
			return fmt.Errorf("persist: close: unlock: %w", err)
		}
		return nil
	}
	// Pebble's Close waits only for the flush attempt in progress: a
	// closed DB schedules no retry.
	if err := s.db.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close: %w", err))
	}
	if err := s.lock.Close(); err != nil {
		errs = append(errs, fmt.Errorf("unlock: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("persist: close: %w", err)
	}
	return nil
}

// namedUIDs returns the uids of the streams the key records name.
func namedUIDs(db *pebble.DB) ([]uint64, error) {
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{spaceKey}, UpperBound: []byte{spaceKey + 1}})
	if err != nil {
		return nil, err
	}
	var uids []uint64
	for valid := it.First(); valid; valid = it.Next() {
		val, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return nil, err
		}
		if uid, _, ok := parseKeyValue(val); ok {
			uids = append(uids, uid)
		}
	}
	return uids, it.Close()
}

// upgradePending adds to b, for stores before version 5, the rewrite of
// every pending record that version 5 would read as released by XNACK
// (owner "" and a delivery time before the epoch, which only a RESTORE
// of a crafted payload could write then) to delivery time 0: such an
// entry stays owned by consumer "", as the older runnel served it. Only
// the streams' group records are read.
func upgradePending(db *pebble.DB, b *pebble.Batch, uids []uint64) error {
	for _, uid := range uids {
		lo := append(appendDataPrefix(nil, uid), tagGroup)
		hi := append(appendDataPrefix(nil, uid), tagGroup+1)
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
		if err != nil {
			return err
		}
		for valid := it.First(); valid; valid = it.Next() {
			rest := it.Key()[len(lo):]
			n, w := binary.Uvarint(rest)
			if w <= 0 || n >= uint64(len(rest)-w) || rest[w+int(n)] != grpPending {
				continue // not a pending record (Load judges the rest)
			}
			val, err := it.ValueAndErr()
			if err != nil {
				it.Close()
				return err
			}
			dt, dc, owner, ok := parsePendingValue(val)
			if !ok || dt >= 0 || len(owner) != 0 {
				continue
			}
			if err := b.Set(slices.Clone(it.Key()), appendPendingValue(nil, 0, dc, ""), nil); err != nil {
				it.Close()
				return err
			}
		}
		if err := it.Close(); err != nil {
			return err
		}
	}
	return nil
}

// upgradeMeta adds to b the moves of every named stream's metadata
// record from its place in format versions 1 and 2 (before the entries)
// to tagMeta. Streams are found from the key records; data no key record
// names is skipped by Load anyway.
func upgradeMeta(db *pebble.DB, b *pebble.Batch, uids []uint64) error {
	var k []byte
	for _, uid := range uids {
		k = appendLegacyMetaKey(k[:0], uid)
		v, closer, err := db.Get(k)
		if errors.Is(err, pebble.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		err = b.Set(appendMetaKey(nil, uid), v, nil)
		closer.Close()
		if err != nil {
			return err
		}
		if err := b.Delete(k, nil); err != nil {
			return err
		}
	}
	return nil
}
