package persist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// gateFS wraps a file system so that a test can hold the log's syncs
// (hold: the next segment SyncData sends on held, then waits for
// release) and make its writes, syncs or new segments fail.
type gateFS struct {
	vfs.FS
	hold                          atomic.Bool
	held, release                 chan struct{}
	failWrite, failSync, failOpen atomic.Bool
}

var errInjected = errors.New("injected I/O error")

func newGateFS(fs vfs.FS) *gateFS {
	return &gateFS{FS: fs, held: make(chan struct{}), release: make(chan struct{})}
}

func (g *gateFS) isSegment(name string) bool {
	_, ok := parseWALName(g.PathBase(name))
	return ok
}

func (g *gateFS) wrap(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil || !g.isSegment(name) {
		return f, err
	}
	return gateFile{f, g}, nil
}

func (g *gateFS) Create(name string, cat vfs.DiskWriteCategory) (vfs.File, error) {
	if g.isSegment(name) && g.failOpen.Load() {
		return nil, errInjected
	}
	f, err := g.FS.Create(name, cat)
	return g.wrap(name, f, err)
}

func (g *gateFS) ReuseForWrite(old, name string, cat vfs.DiskWriteCategory) (vfs.File, error) {
	if g.isSegment(name) && g.failOpen.Load() {
		return nil, errInjected
	}
	f, err := g.FS.ReuseForWrite(old, name, cat)
	return g.wrap(name, f, err)
}

type gateFile struct {
	vfs.File
	g *gateFS
}

func (f gateFile) Write(p []byte) (int, error) {
	if f.g.failWrite.Load() {
		n, _ := f.File.Write(p[:len(p)/2]) // half of it reaches the file
		return n, errInjected
	}
	return f.File.Write(p)
}

func (f gateFile) SyncData() error {
	if f.g.hold.Load() {
		f.g.held <- struct{}{}
		<-f.g.release
	}
	if f.g.failSync.Load() {
		return errInjected
	}
	return f.File.SyncData()
}

// waitT waits up to d for fn, failing the test if it has not returned.
func waitT(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// TestAlwaysBatchSyncedAfterPolicyChange: a batch applied under Always
// whose record still waits in the lane's buffer when CONFIG SET
// appendfsync moves to everysec must still be synced: its Ticket (a
// client's reply, through the committer) waits for that sync, and under
// EverySec the background sync runs only for batches applied under
// EverySec, so nothing else would ever sync it.
func TestAlwaysBatchSyncedAfterPolicyChange(t *testing.T) {
	for _, to := range []FsyncPolicy{EverySec, No} {
		t.Run(to.String(), func(t *testing.T) {
			mem := vfs.NewCrashableMem()
			g := newGateFS(mem)
			s := openT(t, crashDir, Options{fs: g})
			createWriters(t, s, 1)
			rng := rand.New(rand.NewPCG(1, 1))
			apply := func(i uint64) Ticket { return applyRange(t, s, rng, i, i) }
			g.hold.Store(true)
			t1 := apply(1)
			<-g.held       // the lane is syncing batch 1
			t2 := apply(2) // waits in the lane's buffer for that sync
			s.SetPolicy(to)
			g.hold.Store(false)
			g.release <- struct{}{}
			if err := t1.Wait(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- t2.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				_ = s.Sync() // unstick it, so the test can end
				<-done
				_ = s.Close()
				t.Fatalf("the Ticket of a batch applied under always still waited 5 s after SetPolicy(%v): its reply would hang", to)
			}
			// Its Wait returned: it must survive a power loss.
			crashed := mem.CrashClone(vfs.CrashCloneCfg{})
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			r := openT(t, crashDir, Options{fs: crashed})
			defer r.Close()
			if n := survivors(t, r, 1)[0]; n != 2 {
				t.Fatalf("%d batches survived the power loss, want 2 (both Waits returned)", n)
			}
		})
	}
}

// TestPolicyFlipsWhileCommitting commits from many goroutines over two
// lanes while another flips the fsync policy (CONFIG SET appendfsync) and
// a third calls Sync (WAITAOF): every Commit must return, Close too. The
// flipper ends on Always, which syncs what was applied before, so a power
// loss after everyone stopped must keep every batch committed, each whole.
func TestPolicyFlipsWhileCommitting(t *testing.T) {
	seed := testSeed(t)
	mem := vfs.NewCrashableMem()
	s := openT(t, crashDir, Options{fs: mem, logLanes: 2, logSegmentSize: 32 << 10, MemTableSize: 256 << 10, syncInterval: 3 * time.Millisecond})
	const writers = 8
	createWriters(t, s, writers)
	load := startCommits(t, s, seed, writers, 0, false)
	stop, wg, committed := &load.stop, &load.wg, load.committed
	wg.Add(2)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(seed, 99))
		for !stop.Load() {
			s.SetPolicy([]FsyncPolicy{Always, EverySec, No}[rng.IntN(3)])
			time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
		}
		s.SetPolicy(Always)
	}()
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if err := s.Sync(); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(500 * time.Microsecond)
		}
	}()
	time.Sleep(time.Second)
	stop.Store(true)
	waitT(t, 20*time.Second, "the writers", wg.Wait)
	crashed := mem.CrashClone(vfs.CrashCloneCfg{})
	waitT(t, 20*time.Second, "Close", func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	r := openT(t, crashDir, Options{fs: crashed})
	defer r.Close()
	n := survivors(t, r, writers)
	for w := range n {
		if want := committed[w].Load(); n[w] != want {
			t.Fatalf("writer %d: %d batches committed, %d survived", w, want, n[w])
		}
	}
	t.Logf("batches committed and surviving: %v", n)
}

// TestFormatVersionDurableWithoutLog: runnel before format 4 read
// Pebble's own log, not runnel's, so once Open returns, what Pebble holds
// without runnel's log (its tables and its own log) must say version 4,
// or after a crash before the first flush such a runnel would find no
// format record in a new store (and serve it empty, writing version 3) or
// version 3 in an upgraded one (and serve it without what was written
// since the upgrade), instead of refusing it.
func TestFormatVersionDurableWithoutLog(t *testing.T) {
	for _, upgrade := range []bool{false, true} {
		name := "new store"
		if upgrade {
			name = "upgraded from version 3"
		}
		t.Run(name, func(t *testing.T) {
			mem := vfs.NewCrashableMem()
			if upgrade {
				// A version-3 store: data in tables, no log-sequence
				// record, its last write in Pebble's own log.
				s := openT(t, crashDir, Options{fs: mem})
				createWriters(t, s, 1)
				commitN(t, s, 1, 10)
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				db, err := pebble.Open(crashDir, &pebble.Options{FS: mem, Logger: quietLogger{}})
				if err != nil {
					t.Fatal(err)
				}
				if err := db.Delete(logSeqKey(), nil); err != nil {
					t.Fatal(err)
				}
				if err := db.Set(formatKey(), formatValue(3), pebble.Sync); err != nil {
					t.Fatal(err)
				}
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				// Version 3 had no log of runnel's.
				names, err := mem.List(crashDir)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range names {
					if _, ok := parseWALName(n); ok {
						if err := mem.Remove(mem.PathJoin(crashDir, n)); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			s := openT(t, crashDir, Options{fs: mem})
			if upgrade {
				commitN(t, s, 11, 5)
			} else {
				createWriters(t, s, 1)
				commitN(t, s, 1, 15)
			}
			crashed := mem.CrashClone(vfs.CrashCloneCfg{})
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			// What a runnel of version 3 opens: Pebble with its own log.
			db, err := pebble.Open(crashDir, &pebble.Options{FS: crashed, Logger: quietLogger{}})
			if err != nil {
				t.Fatal(err)
			}
			v, c, err := db.Get(formatKey())
			if err != nil {
				_ = db.Close()
				t.Fatalf("after a crash, Pebble alone has no format record (%v): an older runnel would serve the store empty", err)
			}
			ver, ok := parseFormatValue(v)
			c.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if !ok || ver != formatVersion {
				t.Fatalf("after a crash, Pebble alone says format version %d (%v), want %d: an older runnel would serve the store without runnel's log", ver, ok, formatVersion)
			}
			r := openT(t, crashDir, Options{fs: crashed})
			defer r.Close()
			if n := survivors(t, r, 1)[0]; n != 15 {
				t.Fatalf("%d batches survived, want 15", n)
			}
		})
	}
}

// TestTornUnsyncedWriteIsNotCorruption: a power loss during a write not
// yet synced can keep a later block of it and lose an earlier one (a disk
// writes the blocks back in any order). Open must take that for the end
// of the log, as it is, not refuse the store as damaged: nothing in that
// write was acknowledged, and everything before it was.
func TestTornUnsyncedWriteIsNotCorruption(t *testing.T) {
	mem := vfs.NewCrashableMem()
	g := newGateFS(mem)
	s := openT(t, crashDir, Options{fs: g, logSegmentSize: 256 << 10})
	createWriters(t, s, 1)
	commitN(t, s, 1, 3)
	rng := rand.New(rand.NewPCG(5, 5))
	apply := func(from, to uint64) Ticket { return applyRange(t, s, rng, from, to) }
	g.hold.Store(true)
	t4 := apply(4, 4)
	<-g.held // the lane syncs batch 4's write
	// Two records that the lane writes together, the first several blocks long.
	t5 := apply(5, 200)
	t61 := apply(201, 201)
	g.release <- struct{}{}
	if err := t4.Wait(); err != nil {
		t.Fatal(err)
	}
	<-g.held // the lane syncs the write of the two
	s.wal.mu.Lock()
	seg := s.wal.lanes[0].seg
	s.wal.mu.Unlock()
	start := seg.size // where that write began
	full := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 100, RNG: rand.New(rand.NewPCG(1, 1))})
	none := mem.CrashClone(vfs.CrashCloneCfg{})
	g.hold.Store(false)
	g.release <- struct{}{}
	for _, tk := range []Ticket{t5, t61} {
		if err := tk.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The file as the power loss left it: the write whole but for one
	// block inside the first record, which holds what it held before.
	read := func(fs *vfs.MemFS) []byte {
		b, err := fs.UnsafeGetFileDataBuffer(seg.name)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(b)
	}
	data, old := read(full), read(none)
	first := start
	if binary.LittleEndian.Uint64(data[first+16:]) == 0 { // a sync marker opens the write
		first += walHeader + int(binary.LittleEndian.Uint32(data[first+4:]))
	}
	end := first + walHeader + int(binary.LittleEndian.Uint32(data[first+4:]))
	const block = 4096
	lost := (first + walHeader + block - 1) / block * block
	if lost+block > end || binary.LittleEndian.Uint64(data[end+8:]) != seg.gen {
		t.Fatalf("the write is not laid out as expected: first record %d..%d", first, end)
	}
	copy(data[lost:lost+block], old[lost:lost+block])
	f, err := full.Create(seg.name, vfs.WriteCategoryUnspecified)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(crashDir, Options{fs: full})
	if err != nil {
		t.Fatalf("a power loss during an unsynced write: %v", err)
	}
	defer r.Close()
	if n := survivors(t, r, 1)[0]; n != 4 {
		t.Fatalf("%d batches survived, want the 4 synced before the torn write", n)
	}
}

// TestLogFailureFailsTheStore makes the log's write, its sync or the
// creation of its next segment fail: the Commit that needed it and every
// later one must fail with ErrFailed (never acknowledged), Sync too,
// Close must return, and a power loss then keeps every batch
// acknowledged before.
func TestLogFailureFailsTheStore(t *testing.T) {
	cases := []struct {
		name string
		arm  func(g *gateFS)
	}{
		{"write", func(g *gateFS) { g.failWrite.Store(true) }},
		{"sync", func(g *gateFS) { g.failSync.Store(true) }},
		{"next segment", func(g *gateFS) { g.failOpen.Store(true) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := vfs.NewCrashableMem()
			g := newGateFS(mem)
			s := openT(t, crashDir, Options{fs: g, logSegmentSize: 16 << 10, Logger: quietLogger{}})
			createWriters(t, s, 1)
			rng := rand.New(rand.NewPCG(1, 1))
			b := &Batch{}
			acked := uint64(0)
			var err error
			for i := uint64(1); i < 5000; i++ {
				if i == 20 {
					tc.arm(g)
				}
				b.Reset()
				writerBatch(b, 0, i, rng)
				if err = s.Commit(b); err != nil {
					break
				}
				acked = i
			}
			if !errors.Is(err, ErrFailed) {
				t.Fatalf("after %d commits: %v, want ErrFailed", acked, err)
			}
			if acked < 19 {
				t.Fatalf("a commit before the failure failed")
			}
			b.Reset()
			writerBatch(b, 0, acked+1, rng)
			if err := s.Commit(b); !errors.Is(err, ErrFailed) {
				t.Fatalf("commit after the failure: %v, want ErrFailed", err)
			}
			if err := s.Sync(); !errors.Is(err, ErrFailed) {
				t.Fatalf("Sync after the failure: %v, want ErrFailed", err)
			}
			crashed := mem.CrashClone(vfs.CrashCloneCfg{})
			waitT(t, 10*time.Second, "Close of a failed store", func() { _ = s.Close() })
			r := openT(t, crashDir, Options{fs: crashed})
			defer r.Close()
			if n := survivors(t, r, 1)[0]; n < acked {
				t.Fatalf("%d batches acknowledged before the failure, %d survived", acked, n)
			}
		})
	}
}

// TestLargeBatchesSurviveCrash commits batches larger than half the
// memtable (Pebble queues each as a flushable batch of its own, flushed
// apart from the memtables) and larger than a log segment, between small
// ones, over two lanes; a power loss after the last Commit returned must
// keep all of them.
func TestLargeBatchesSurviveCrash(t *testing.T) {
	mem := vfs.NewCrashableMem()
	opts := Options{fs: mem, MemTableSize: 1 << 20, logLanes: 2, logSegmentSize: 64 << 10}
	s := openT(t, crashDir, opts)
	m := newModel()
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
	commitT(t, s, b)
	m.apply(b)
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte('a' + i%23)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &Batch{}
			for i := range 12 {
				b.Reset()
				if w == 0 && i%3 == 1 {
					b.AddEntry(1, id(uint64(i+1), uint64(w)), fields("big", string(big[:len(big)-i])))
				} else {
					for j := range 50 {
						b.AddEntry(1, id(uint64(i+1), uint64(w*100+j)), fields("small", "x"))
					}
				}
				if err := s.Commit(b); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				m.apply(b)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	crashed := mem.CrashClone(vfs.CrashCloneCfg{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	opts.fs = crashed
	r := openT(t, crashDir, opts)
	defer r.Close()
	got, _ := loadT(t, r)
	if d := diff(m.expected(), got); d != "" {
		t.Fatalf("after the power loss: %s", d)
	}
}

// cloneFS calls onOp after each rename, removal or creation of a log
// segment, so a test can simulate a power loss at each step of Open.
type cloneFS struct {
	vfs.FS
	onOp func()
}

func (c *cloneFS) isSegment(name string) bool {
	_, ok := parseWALName(c.PathBase(name))
	return ok
}

func (c *cloneFS) after(name string) {
	if c.isSegment(name) && c.onOp != nil {
		c.onOp()
	}
}

func (c *cloneFS) Rename(old, name string) error {
	err := c.FS.Rename(old, name)
	c.after(name)
	return err
}

func (c *cloneFS) Remove(name string) error {
	err := c.FS.Remove(name)
	c.after(name)
	return err
}

func (c *cloneFS) Create(name string, cat vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := c.FS.Create(name, cat)
	c.after(name)
	return f, err
}

func (c *cloneFS) ReuseForWrite(old, name string, cat vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := c.FS.ReuseForWrite(old, name, cat)
	c.after(name)
	return f, err
}

// TestCrashDuringRecovery leaves a store whose newest batches are only in
// its log, spread over many segments of two lanes, then simulates a power
// loss after every step Open takes on the log's files (each rename and
// removal of an old segment, each new segment) and after the first
// commits: every such crash must reopen with every batch.
func TestCrashDuringRecovery(t *testing.T) {
	seed := testSeed(t)
	mem := vfs.NewCrashableMem()
	opts := Options{fs: mem, logLanes: 2, logSegmentSize: 8 << 10, MemTableSize: 4 << 20}
	s := openT(t, crashDir, opts)
	const writers = 4
	createWriters(t, s, writers)
	const each = 150
	startCommits(t, s, seed, writers, each, false).wg.Wait()
	crashClose(t, s)
	var clones []*vfs.MemFS
	rng := rand.New(rand.NewPCG(seed, 7))
	cfs := &cloneFS{FS: mem}
	cfs.onOp = func() {
		pct := []int{0, 50, 100}[len(clones)%3]
		clones = append(clones, mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: rand.New(rand.NewPCG(seed, rng.Uint64()))}))
	}
	opts.fs = cfs
	logged := &infoLogger{}
	opts.Logger = logged
	s = openT(t, crashDir, opts)
	opts.Logger = nil
	if !logged.has("replayed") {
		t.Fatalf("nothing replayed from the log: the test no longer crashes during a replay")
	}
	b := &Batch{}
	writerBatch(b, 0, each+1, rand.New(rand.NewPCG(seed, 8)))
	commitT(t, s, b)
	cfs.onOp = nil
	_ = s.Close()
	t.Logf("%d crash points during and after the recovery", len(clones))
	if len(clones) < 4 {
		t.Fatalf("only %d crash points: the store had too few segments", len(clones))
	}
	for i, c := range clones {
		opts.fs = c
		r, err := Open(crashDir, opts)
		if err != nil {
			t.Fatalf("crash point %d: %v", i, err)
		}
		n := survivors(t, r, writers)
		_ = r.Close()
		for w := range n {
			if n[w] < each {
				t.Fatalf("crash point %d: writer %d has %d batches, want %d", i, w, n[w], each)
			}
		}
	}
}

// infoLogger records the store's messages.
type infoLogger struct {
	quietLogger
	mu    sync.Mutex
	lines []string
}

func (l *infoLogger) Infof(f string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(f, args...))
}

func (l *infoLogger) has(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// TestCheckpointWhileCommitting takes a checkpoint (SAVE, BGSAVE) while
// writers commit under Always over two lanes: it must open as a store
// holding every batch committed before the call, each batch whole.
func TestCheckpointWhileCommitting(t *testing.T) {
	seed := testSeed(t)
	mem := vfs.NewMem()
	opts := Options{fs: mem, logLanes: 2, logSegmentSize: 16 << 10, MemTableSize: 256 << 10}
	s := openT(t, crashDir, opts)
	const writers = 6
	createWriters(t, s, writers)
	load := startCommits(t, s, seed, writers, 0, false)
	committed := load.committed
	time.Sleep(100 * time.Millisecond)
	var before [writers]uint64
	for w := range before {
		before[w] = committed[w].Load()
	}
	if err := s.Checkpoint("/checkpoint"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	load.halt()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := openT(t, "/checkpoint", opts)
	defer c.Close()
	n := survivors(t, c, writers)
	for w := range n {
		if n[w] < before[w] {
			t.Fatalf("writer %d: %d batches committed before the checkpoint, %d in it", w, before[w], n[w])
		}
	}
	t.Logf("committed before the checkpoint %v, in it %v", before, n)
}

// TestCloseWhileCommitting closes the store while writers commit over two
// lanes and others call Sync: every call must return (done, or
// ErrClosed), Close too, and a reopen must hold every batch whose Commit
// succeeded.
func TestCloseWhileCommitting(t *testing.T) {
	seed := testSeed(t)
	mem := vfs.NewMem()
	opts := Options{fs: mem, logLanes: 2, logSegmentSize: 16 << 10, MemTableSize: 256 << 10}
	s := openT(t, crashDir, opts)
	const writers = 8
	createWriters(t, s, writers)
	load := startCommits(t, s, seed, writers, 0, true)
	wg, committed := &load.wg, load.committed
	time.Sleep(50 * time.Millisecond)
	waitT(t, 20*time.Second, "Close", func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	waitT(t, 20*time.Second, "the writers", wg.Wait)
	r := openT(t, crashDir, opts)
	defer r.Close()
	n := survivors(t, r, writers)
	for w := range n {
		if n[w] != committed[w].Load() {
			t.Fatalf("writer %d: %d batches committed, %d after the reopen", w, committed[w].Load(), n[w])
		}
	}
}

// commitLoad is writers committing writerBatch batches to one store, each
// from its own goroutine.
type commitLoad struct {
	stop      atomic.Bool
	wg        sync.WaitGroup
	committed []atomic.Uint64 // the last batch each writer committed
}

// startCommits starts writers goroutines, writer w committing its batches
// 1, 2, ... (random sizes from seed) until stop is set, limit batches if
// limit is not 0, or the store is closed: ErrClosed ends a writer
// quietly, any other error fails the test. With syncs every fourth writer
// also calls Sync before each commit.
func startCommits(t *testing.T, s *Pebble, seed uint64, writers int, limit uint64, syncs bool) *commitLoad {
	l := &commitLoad{committed: make([]atomic.Uint64, writers)}
	for w := range writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			b := &Batch{}
			for i := uint64(1); !l.stop.Load() && (limit == 0 || i <= limit); i++ {
				b.Reset()
				writerBatch(b, w, i, rng)
				if syncs && w%4 == 3 {
					if err := s.Sync(); err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
				}
				if err := s.Commit(b); err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					return
				}
				l.committed[w].Store(i)
			}
		}()
	}
	return l
}

// halt stops the writers and waits for them.
func (l *commitLoad) halt() {
	l.stop.Store(true)
	l.wg.Wait()
}

// applyRange applies writer 0's batches from..to as one batch, without
// waiting for its sync, and returns its Ticket.
func applyRange(t *testing.T, s *Pebble, rng *rand.Rand, from, to uint64) Ticket {
	t.Helper()
	b := &Batch{}
	for i := from; i <= to; i++ {
		writerBatch(b, 0, i, rng)
	}
	tk, err := s.Apply(b)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestLargeBatchLoggedBeforeItsFlush: a batch of at least half a memtable,
// which Pebble applies as a memtable of its own and empties, is in the log
// whole when its Commit returns, so a power loss before Pebble flushed it
// keeps it; the store started on what survived takes new writes that
// survive the next power loss too. (The log once took the batch's bytes
// after Apply, which for such a batch are empty: the acknowledged write was
// lost, and with it the writes of the next run.)
func TestLargeBatchLoggedBeforeItsFlush(t *testing.T) {
	for round := range 3 {
		mem := vfs.NewCrashableMem()
		opts := Options{fs: mem, MemTableSize: 1 << 20, logSegmentSize: 64 << 10}
		s := openT(t, crashDir, opts)
		m := newModel()
		b := &Batch{}
		b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
		b.AddEntry(1, id(1, 0), fields("small", "x"))
		commitT(t, s, b)
		m.apply(b)
		written := func() uint64 {
			s.wal.mu.Lock()
			defer s.wal.mu.Unlock()
			return s.wal.written
		}
		before := written()
		big := strings.Repeat("v", 3<<20)
		b = &Batch{}
		b.AddEntry(1, id(2, uint64(round)), fields("big", big))
		commitT(t, s, b)
		m.apply(b)
		if grew := written() - before; grew < uint64(len(big)) {
			t.Fatalf("the log grew by %d bytes for a committed batch of %d", grew, len(big))
		}
		// The power fails at once, most likely before Pebble flushed the
		// large batch.
		crashed := mem.CrashClone(vfs.CrashCloneCfg{})
		_ = s.Close()
		opts.fs = crashed
		r := openT(t, crashDir, opts)
		got, _ := loadT(t, r)
		if d := diff(m.expected(), got); d != "" {
			t.Fatalf("round %d, after the power loss: %s", round, d)
		}
		b = &Batch{}
		b.AddEntry(1, id(3, 0), fields("next", "y"))
		commitT(t, r, b)
		m.apply(b)
		crashed2 := crashed.CrashClone(vfs.CrashCloneCfg{})
		_ = r.Close()
		opts.fs = crashed2
		r2 := openT(t, crashDir, opts)
		got, _ = loadT(t, r2)
		r2.Close()
		if d := diff(m.expected(), got); d != "" {
			t.Fatalf("round %d, after the second power loss: %s", round, d)
		}
	}
}
