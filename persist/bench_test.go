package persist

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/runnel-db/runnel/stream"
)

// countingFS counts syncs of write-ahead log files, to report fsyncs per
// commit.
type countingFS struct {
	vfs.FS
	walSyncs atomic.Int64
}

type countingFile struct {
	vfs.File
	n *atomic.Int64
}

func (c *countingFS) wrap(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil || !strings.HasSuffix(name, ".log") {
		return f, err
	}
	return countingFile{f, &c.walSyncs}, nil
}

func (c *countingFS) Create(name string, cat vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := c.FS.Create(name, cat)
	return c.wrap(name, f, err)
}

func (c *countingFS) ReuseForWrite(old, name string, cat vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := c.FS.ReuseForWrite(old, name, cat)
	return c.wrap(name, f, err)
}

func (c *countingFS) OpenReadWrite(name string, cat vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := c.FS.OpenReadWrite(name, cat, opts...)
	return c.wrap(name, f, err)
}

func (f countingFile) Sync() error     { f.n.Add(1); return f.File.Sync() }
func (f countingFile) SyncData() error { f.n.Add(1); return f.File.SyncData() }
func (f countingFile) SyncTo(length int64) (bool, error) {
	f.n.Add(1)
	return f.File.SyncTo(length)
}

// BenchmarkCommit commits XADD-sized batches (one entry of four fields and
// the stream's metadata) from 1, 8 and 50 goroutines, each on its own
// stream, under each fsync policy, on the real file system. ops/s is
// commits per second over all goroutines; fsyncs/op is log syncs per
// commit (below 1 means commits shared syncs).
func BenchmarkCommit(b *testing.B) {
	for _, p := range []FsyncPolicy{Always, EverySec, No} {
		for _, clients := range []int{1, 8, 50} {
			b.Run(fmt.Sprintf("%v/clients=%d", p, clients), func(b *testing.B) {
				benchCommit(b, p, clients)
			})
		}
	}
}

func benchCommit(b *testing.B, p FsyncPolicy, clients int) {
	fs := &countingFS{FS: vfs.Default}
	s := openT(b, b.TempDir(), Options{Fsync: p, fs: fs})
	defer s.Close()
	setup := &Batch{}
	for c := 0; c < clients; c++ {
		setup.Add(Op{Kind: KeyPut, DB: 0, Key: fmt.Sprintf("sensor:%d", c), UID: uint64(c + 1)})
	}
	commitT(b, s, setup)
	f := fields("sensor-id", "1234", "temperature", "19.8")
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	syncs0 := fs.walSyncs.Load()
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(uid uint64) {
			defer wg.Done()
			bt := &Batch{}
			for seq := uint64(1); next.Add(1) <= int64(b.N); seq++ {
				bt.Reset()
				bt.AddEntry(uid, stream.ID{Ms: 1700000000000, Seq: seq}, f)
				bt.Add(Op{Kind: StreamMetaPut, UID: uid, Meta: StreamMeta{LastID: stream.ID{Ms: 1700000000000, Seq: seq}, EntriesAdded: seq}})
				if err := s.Commit(bt); err != nil {
					failed.Store(err)
					return
				}
			}
		}(uint64(c + 1))
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "ops/s")
	b.ReportMetric(float64(fs.walSyncs.Load()-syncs0)/float64(b.N), "fsyncs/op")
}

// loadBenchDir is one store of a million entries shared by the Load
// benchmarks (writing it takes longer than loading it).
var loadBench struct {
	once sync.Once
	dir  string
	err  error
}

const loadBenchEntries = 1_000_000

func loadBenchStore(b *testing.B) string {
	loadBench.once.Do(func() {
		dir, err := makeTempDir()
		if err != nil {
			loadBench.err = err
			return
		}
		loadBench.dir = dir
		s, err := Open(dir, Options{Fsync: No})
		if err != nil {
			loadBench.err = err
			return
		}
		const streams = 10
		bt := &Batch{}
		for u := uint64(1); u <= streams; u++ {
			bt.Add(Op{Kind: KeyPut, DB: 0, Key: fmt.Sprintf("sensor:%d", u), UID: u})
			bt.Add(Op{Kind: StreamMetaPut, UID: u, Meta: StreamMeta{EntriesAdded: loadBenchEntries / streams}})
			bt.Add(Op{Kind: GroupPut, UID: u, Group: "workers"})
		}
		f := fields("sensor-id", "1234", "temperature", "19.8")
		for i := 0; i < loadBenchEntries; i++ {
			u := uint64(i%streams + 1)
			bt.AddEntry(u, stream.ID{Ms: 1700000000000 + uint64(i), Seq: 0}, f)
			if i%10 == 0 {
				bt.Add(Op{Kind: PendingPut, UID: u, Group: "workers", ID: stream.ID{Ms: 1700000000000 + uint64(i)}, Consumer: "w1", DeliveryCount: 1})
			}
			if bt.Len() >= 10000 {
				if loadBench.err = s.Commit(bt); loadBench.err != nil {
					return
				}
				bt.Reset()
			}
		}
		if loadBench.err = s.Commit(bt); loadBench.err == nil {
			loadBench.err = s.Close()
		}
	})
	if loadBench.err != nil {
		b.Fatal(loadBench.err)
	}
	return loadBench.dir
}

// touchLoader reads every byte Load passes, as a rebuild that copies them
// would, without building anything.
type touchLoader struct{ n, bytes int }

func (l *touchLoader) Key(_ int, name []byte, _ uint64, _ int64) error {
	l.bytes += len(name)
	return nil
}
func (l *touchLoader) Meta(uint64, StreamMeta) error { return nil }
func (l *touchLoader) Entry(_ uint64, _ stream.ID, f [][]byte) error {
	l.n++
	for _, x := range f {
		l.bytes += len(x)
	}
	return nil
}
func (l *touchLoader) Node(_ uint64, _ stream.Span, data []byte, _ []stream.ID) (int, error) {
	l.bytes += len(data)
	return 0, nil
}
func (l *touchLoader) Group(uint64, []byte, stream.ID, int64) error                   { return nil }
func (l *touchLoader) Consumer(uint64, []byte, []byte, int64, int64) error            { return nil }
func (l *touchLoader) Pending(uint64, []byte, stream.ID, []byte, int64, uint64) error { return nil }
func (l *touchLoader) Idmp(uint64, []byte, []byte, stream.ID, int64) error            { return nil }

// BenchmarkLoad loads a store of a million entries (ten streams, a group
// each, a PEL of 100,000 records) written and closed beforehand. "open+load"
// includes Open, as a start-up does.
func BenchmarkLoad(b *testing.B) {
	dir := loadBenchStore(b)
	run := func(b *testing.B, reopen bool) {
		var s *Pebble
		if !reopen {
			s = openT(b, dir, Options{})
			defer s.Close()
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if reopen {
				s = openT(b, dir, Options{})
			}
			var l touchLoader
			st, err := s.Load(&l)
			if err != nil {
				b.Fatal(err)
			}
			if st.Entries != loadBenchEntries || l.n != loadBenchEntries {
				b.Fatalf("loaded %d entries", st.Entries)
			}
			if reopen {
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
		}
		b.ReportMetric(float64(loadBenchEntries)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	}
	b.Run("load", func(b *testing.B) { run(b, false) })
	b.Run("open+load", func(b *testing.B) { run(b, true) })
}

func makeTempDir() (string, error) { return os.MkdirTemp("", "persist-bench-") }

// TestMain removes the shared benchmark store.
func TestMain(m *testing.M) {
	code := m.Run()
	if loadBench.dir != "" {
		os.RemoveAll(loadBench.dir)
	}
	os.Exit(code)
}
