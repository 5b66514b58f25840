package persist

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// TestWALSpareSize: a spare takes at most a quarter of what the volume
// would have free without any spare, in whole blocks, and none is
// prepared when that leaves less than the least worth preparing.
func TestWALSpareSize(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name                     string
		want, avail, held, least int64
		size                     int64
	}{
		{"roomy volume: the whole spare", 36 * mib, 1000 * mib, 0, 4 * mib, 36 * mib},
		{"30 MB free: a quarter of it", 36 * mib, 30 * mib, 0, 4 * mib, 30 * mib / 4 &^ (walBlock - 1)},
		{"3 MB free: none", 36 * mib, 3 * mib, 0, 4 * mib, 0},
		{"spares held count against the quarter", 36 * mib, 60 * mib, 10 * mib, 4 * mib, 7*mib + mib/2},
		{"spares held take the whole quarter: none", 36 * mib, 30 * mib, 10 * mib, 4 * mib, 0},
		{"full volume: none", 36 * mib, 0, 0, 0, 0},
		{"rounded down to a block", 36 * mib, 4*walBlock + 3, 0, 0, walBlock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := spareSize(tc.want, tc.avail, tc.held, tc.least); got != tc.size {
				t.Fatalf("spareSize(%d, %d, %d, %d) = %d, want %d", tc.want, tc.avail, tc.held, tc.least, got, tc.size)
			}
			if tc.size > 0 && !spareFits(tc.size, tc.avail, tc.held) {
				t.Fatalf("a spare of %d does not fit by spareFits", tc.size)
			}
		})
	}
	for _, tc := range []struct {
		size, avail, held int64
		fits              bool
	}{
		{1 * mib, 4 * mib, 0, true},        // 1 of the 4 free without spares
		{1 * mib, 3 * mib, 0, false},       // 1 of 3
		{1 * mib, 7 * mib, 1 * mib, true},  // 2 of 8
		{1 * mib, 6 * mib, 1 * mib, false}, // 2 of 7
	} {
		if got := spareFits(tc.size, tc.avail, tc.held); got != tc.fits {
			t.Errorf("spareFits(%d, %d, %d) = %v, want %v", tc.size, tc.avail, tc.held, got, tc.fits)
		}
	}
}

// commitUntilFull commits writer 0's batches, each with an entry of about
// 10 KB, until one fails, and returns how many succeeded and the error.
func commitUntilFull(t *testing.T, s *Pebble, limit uint64) (uint64, error) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	b := &Batch{}
	val := make([]byte, 10000)
	for i := uint64(1); i <= limit; i++ {
		b.Reset()
		writerBatch(b, 0, i, rng)
		for j := range val {
			val[j] = byte(rng.IntN(256))
		}
		b.AddEntry(9, id(i, 0), [][]byte{[]byte("v"), val})
		if err := s.Commit(b); err != nil {
			return i - 1, err
		}
	}
	return limit, nil
}

// TestWALSpareNeverFillsTheDisk: on a volume far smaller than a spare
// segment, the log must not take the space its own writes need for a
// spare: writes go on until the volume is really full, and the write
// that first finds it full is one the store needed (its file is still
// there), never a spare's zeros thrown away afterwards.
func TestWALSpareNeverFillsTheDisk(t *testing.T) {
	const capacity = 3 << 20
	lfs := newLimitFS(vfs.NewMem(), capacity)
	s := openT(t, crashDir, Options{fs: lfs, Logger: quietLogger{}})
	defer s.Close()
	createWriters(t, s, 1)
	n, err := commitUntilFull(t, s, 1000)
	if err == nil {
		t.Fatalf("%d commits of 10 KB fit on a %d-byte volume", n, capacity)
	}
	if !errors.Is(err, ErrFailed) || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("commit %d failed with %v, want the store failed on a full disk", n+1, err)
	}
	refused := lfs.refusals()
	if len(refused) == 0 {
		t.Fatal("the store failed but the volume refused no write")
	}
	if _, err := lfs.Stat(refused[0]); err != nil {
		t.Fatalf("the first write refused was to %s, which is gone (a spare given up): %v", refused[0], err)
	}
	// Each commit logs about 10 KB of entry; two thirds of the volume is
	// the least it must have taken.
	if min := uint64(capacity * 2 / 3 / 10000); n < min {
		t.Fatalf("only %d commits of 10 KB before the %d-byte volume was full, want at least %d", n, capacity, min)
	}
}

// TestWALSpareFindsTheVolumeFull: a spare whose zeros find the volume
// full (it said it had room, then something else took it) is no failure:
// its file is removed, no spare is kept, the log goes on writing, and the
// log asks for a spare again only after it wrote another quarter segment.
func TestWALSpareFindsTheVolumeFull(t *testing.T) {
	mem := vfs.NewMem()
	if err := mem.MkdirAll("/db", 0o755); err != nil {
		t.Fatal(err)
	}
	lfs := newLimitFS(mem, 1<<30)
	w, _ := openLogOn(t, lfs, walConfig{lanes: 1, segSize: 4096})
	defer w.close()
	// 2 KiB left, while the volume says 1 GiB: the spare (4 KiB) does not
	// fit. No record is written before prepare, so the background
	// goroutine is idle.
	lfs.setCapacity(lfs.used() + 2048)
	lfs.setReport(1 << 30)
	w.mu.Lock()
	w.preparing = true
	w.mu.Unlock()
	if !w.prepare() {
		t.Fatal("prepare ended the background work")
	}
	names, err := lfs.List("/db")
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, n := range names {
		if _, ok := parseWALName(n); ok {
			segs = append(segs, n)
		}
	}
	w.mu.Lock()
	free, werr, prepareAt, written, growTo := len(w.free), w.err, w.prepareAt, w.written, w.growTo
	w.mu.Unlock()
	switch {
	case len(lfs.refusals()) == 0:
		t.Fatal("the spare fitted: the test's volume is too large")
	case werr != nil:
		t.Fatalf("a spare that found the volume full failed the log: %v", werr)
	case free != 0:
		t.Fatalf("%d spares kept after the volume was full", free)
	case len(segs) != 1:
		t.Fatalf("segment files %v, want only the lane's (the partial spare removed)", segs)
	case prepareAt < written+4096/4:
		t.Fatalf("next spare at %d bytes written, now %d: want another quarter segment first", prepareAt, written)
	case growTo != 4096/8:
		t.Fatalf("lanes start a new file at %d bytes without a spare, want %d", growTo, 4096/8)
	}
	// The log still takes what fits: a record inside its first segment's
	// zeros (under a quarter of it, so no spare is asked for).
	seq, err := w.apply(func(uint64) ([]byte, error) { return make([]byte, 500), nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.wait(seq); err != nil {
		t.Fatalf("the log's write after the spare failed: %v", err)
	}
}

// TestWALSegmentsWithoutSpares: on a volume that never has room for a
// spare, lanes move to new appended files at the smallest spare's size,
// the old ones are flushed and removed or kept as the space allows, and
// a power loss then loses nothing acknowledged: recovery reads segments
// of whatever size they grew to.
func TestWALSegmentsWithoutSpares(t *testing.T) {
	mem := vfs.NewCrashableMem()
	lfs := newLimitFS(mem, 1<<40)
	lfs.setReport(100 << 10) // says 100 KiB free: a spare of 32 KiB fits once, then none
	opts := Options{fs: lfs, Logger: quietLogger{}, logSegmentSize: 256 << 10, MemTableSize: 1 << 20}
	s := openT(t, crashDir, opts)
	createWriters(t, s, 1)
	const n = 3000
	commitN(t, s, 1, n)
	s.wal.mu.Lock()
	gen, growTo, sizes := s.wal.gen, s.wal.growTo, []int{}
	for _, f := range s.wal.free {
		sizes = append(sizes, f.cap)
	}
	s.wal.mu.Unlock()
	if growTo != (256<<10)/8 {
		t.Fatalf("growTo %d, want the smallest spare's size %d", growTo, (256<<10)/8)
	}
	if gen < 5 {
		t.Fatalf("the log used %d segments, want it to have moved to new ones", gen)
	}
	for _, c := range sizes {
		if c == (256<<10)+(256<<10)/8 {
			t.Fatalf("a spare of the full size was prepared on a volume without room: %v", sizes)
		}
	}
	crashed := newLimitFS(mem.CrashClone(vfs.CrashCloneCfg{}), 1<<40)
	_ = s.Close()
	crashed.setReport(100 << 10)
	opts.fs = crashed
	r := openT(t, crashDir, opts)
	defer r.Close()
	if got := survivors(t, r, 1)[0]; got != n {
		t.Fatalf("%d of %d acknowledged batches survived", got, n)
	}
	// The old segments kept for reuse at the start fit the space too.
	r.wal.mu.Lock()
	held := r.wal.heldLocked()
	r.wal.mu.Unlock()
	if walSpareShare*held > 100<<10+held {
		t.Fatalf("Open kept %d bytes of old segments for reuse on a volume with 100 KiB free", held)
	}
}

// openLogOn is openLog on a file system and configuration of the test's.
func openLogOn(t *testing.T, fs vfs.FS, cfg walConfig) (*wal, int) {
	t.Helper()
	w, replayed, err := openWAL(fs, "/db", cfg, 0,
		func([]byte) error { return nil },
		func() error { return nil },
		func() FsyncPolicy { return Always })
	if err != nil {
		t.Fatal(fmt.Errorf("openWAL: %w", err))
	}
	return w, replayed
}
