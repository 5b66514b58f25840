package commands

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/runnel-db/runnel/persist"
)

// loadBenchEntries is the size of the store BenchmarkServerLoad loads.
const loadBenchEntries = 1_000_000

// loadBenchStore is one data directory written through XADD, shared by
// the runs of BenchmarkServerLoad (writing it takes longer than loading).
var loadBenchStore struct {
	once sync.Once
	dir  string
	err  error
}

// removeLoadBenchDir removes the shared store, if a benchmark wrote it.
func removeLoadBenchDir() {
	if loadBenchStore.dir != "" {
		os.RemoveAll(loadBenchStore.dir)
	}
}

func loadBenchDir(b *testing.B) string {
	loadBenchStore.once.Do(func() {
		dir, err := os.MkdirTemp("", "commands-load-bench-")
		if err != nil {
			loadBenchStore.err = err
			return
		}
		loadBenchStore.dir = dir
		p, err := persist.Open(dir, persist.Options{Fsync: persist.No})
		if err != nil {
			loadBenchStore.err = err
			return
		}
		s := New(Options{Store: p, Logf: func(string, ...any) {}})
		c := s.testClient()
		cmd := [][]byte{[]byte("XADD"), []byte("bench"), []byte("*"), []byte("f"), []byte(strings.Repeat("v", 100))}
		for i := 0; i < loadBenchEntries; i++ {
			c.w.Reset()
			s.execute(c, cmd)
			if r := string(c.w.B); r[0] != '$' {
				loadBenchStore.err = fmt.Errorf("XADD: %q", r)
				return
			}
		}
		loadBenchStore.err = s.Close()
	})
	if loadBenchStore.err != nil {
		b.Fatal(loadBenchStore.err)
	}
	return loadBenchStore.dir
}

// BenchmarkServerLoad is a start-up's load of a data directory of a
// million XADDs of one 100-byte field (closed nodes, as a real directory
// holds them), with the collector off as the server runs it. Per op: one
// whole load; the store's Open is not timed.
func BenchmarkServerLoad(b *testing.B) {
	dir := loadBenchDir(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p, err := persist.Open(dir, persist.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s := New(Options{Store: p, Logf: func(string, ...any) {}})
		prev := debug.SetGCPercent(-1)
		b.StartTimer()
		st, err := s.Load(p)
		b.StopTimer()
		debug.SetGCPercent(prev)
		if err != nil {
			b.Fatal(err)
		}
		if st.Entries != loadBenchEntries {
			b.Fatalf("loaded %d entries, want %d", st.Entries, loadBenchEntries)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
	}
	b.ReportMetric(float64(loadBenchEntries)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// TestMain removes BenchmarkServerLoad's store after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	removeLoadBenchDir()
	os.Exit(code)
}
