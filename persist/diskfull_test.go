package persist

import (
	"errors"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
)

// TestTablesDiskFullFailsTheStore: once Pebble cannot write tables (a full
// disk), commits must fail with ErrFailed and Close must return, rather
// than writes filling the memtables and then waiting for ever for a flush
// that never succeeds.
func TestTablesDiskFullFailsTheStore(t *testing.T) {
	full := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if strings.HasSuffix(op.Path, ".sst") && op.Kind.ReadOrWrite() == errorfs.OpIsWrite {
			return syscall.ENOSPC
		}
		return nil
	})}
	s := openT(t, crashDir, Options{fs: errorfs.Wrap(vfs.NewMem(), full), MemTableSize: 256 << 10, Logger: quietLogger{}})
	createWriters(t, s, 1)
	full.On()
	failed := make(chan error, 1)
	go func() {
		rng := rand.New(rand.NewPCG(3, 3))
		for i := uint64(1); ; i++ {
			b := &Batch{}
			writerBatch(b, 0, i, rng)
			if err := s.Commit(b); err != nil {
				failed <- err
				return
			}
		}
	}()
	select {
	case err := <-failed:
		if !errors.Is(err, ErrFailed) {
			t.Fatalf("commit failed with %v, want ErrFailed", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("commits still hang 20 s after the disk filled")
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close hangs after the store failed")
	}
}

// TestCloseReturnsWhenItsOwnFlushHitsAFullDisk: a disk that fills only
// when Close flushes the write buffers into tables (the first table
// write of the store's life fails there) must still let Close return,
// with an error, instead of Pebble retrying the flush for ever while the
// process spins and a SIGTERM never completes.
func TestCloseReturnsWhenItsOwnFlushHitsAFullDisk(t *testing.T) {
	full := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if strings.HasSuffix(op.Path, ".sst") && op.Kind.ReadOrWrite() == errorfs.OpIsWrite {
			return syscall.ENOSPC
		}
		return nil
	})}
	s := openT(t, crashDir, Options{fs: errorfs.Wrap(vfs.NewMem(), full), Logger: quietLogger{}})
	createWriters(t, s, 1)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := uint64(1); i <= 100; i++ {
		b := &Batch{}
		writerBatch(b, 0, i, rng)
		if err := s.Commit(b); err != nil {
			t.Fatalf("commit %d before the disk filled: %v", i, err)
		}
	}
	full.On()
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err == nil {
			t.Fatal("Close reported success although its flush could not write a table")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close hangs when its own flush hits a full disk")
	}
}
