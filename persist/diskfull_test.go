package persist

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
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
// write of the store's life fails there), or a data directory removed
// under the running store, must still let Close return, with an error,
// instead of Pebble retrying the flush for ever while the process spins
// and a SIGTERM never completes. After a full disk nothing acknowledged
// may be lost: reopened with space again, the store replays its log.
func TestCloseReturnsWhenItsOwnFlushHitsAFullDisk(t *testing.T) {
	for _, tc := range []struct {
		name string
		// fail makes the disk fail the way the case says.
		fail func(mem *vfs.MemFS, full *errorfs.Toggle)
		// recovers says whether the store is still there to reopen.
		recovers bool
		says     string // what Close's error must say of the log
	}{
		{"full disk", func(_ *vfs.MemFS, full *errorfs.Toggle) { full.On() }, true, "the log keeps every acknowledged write"},
		{"removed directory", func(mem *vfs.MemFS, _ *errorfs.Toggle) {
			if err := mem.RemoveAll(crashDir); err != nil {
				t.Fatal(err)
			}
		}, false, "the data directory is gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
				if strings.HasSuffix(op.Path, ".sst") && op.Kind.ReadOrWrite() == errorfs.OpIsWrite {
					return syscall.ENOSPC
				}
				return nil
			})}
			mem := vfs.NewMem()
			opts := Options{fs: errorfs.Wrap(mem, full), Logger: quietLogger{}}
			s := openT(t, crashDir, opts)
			createWriters(t, s, 1)
			rng := rand.New(rand.NewPCG(4, 4))
			const n = 100
			for i := uint64(1); i <= n; i++ {
				b := &Batch{}
				writerBatch(b, 0, i, rng)
				if err := s.Commit(b); err != nil {
					t.Fatalf("commit %d before the disk failed: %v", i, err)
				}
			}
			tc.fail(mem, full)
			closed := make(chan error, 1)
			go func() { closed <- s.Close() }()
			select {
			case err := <-closed:
				if err == nil {
					t.Fatal("Close reported success although its flush could not write a table")
				}
				if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "flush failed") || !strings.Contains(err.Error(), tc.says) {
					t.Fatalf("Close returned %q, want the store's failure in a flush that failed, and %q", err, tc.says)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Close hangs when its own flush fails")
			}
			if !tc.recovers {
				return
			}
			// Opening on the still full disk must fail, not hang in the
			// replay's flush, and must leave the log as it was.
			opened := make(chan error, 1)
			go func() {
				s, err := Open(crashDir, opts)
				if err == nil {
					_ = s.Close()
				}
				opened <- err
			}()
			select {
			case err := <-opened:
				if !errors.Is(err, ErrFailed) {
					t.Fatalf("Open on a full disk returned %v, want the store's failure", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Open hangs when the flush of the replayed log fails")
			}
			full.Off()
			s = openT(t, crashDir, opts)
			defer s.Close()
			if got := survivors(t, s, 1); got[0] != n {
				t.Fatalf("%d batches survived the failed flush, want all %d", got[0], n)
			}
		})
	}
}

// TestCheckpointReturnsWhenItsFlushHitsAFullDisk: BGSAVE's checkpoint
// flushes first; on a full disk it must fail, not wait for Pebble's
// retries while holding the lock Close needs.
func TestCheckpointReturnsWhenItsFlushHitsAFullDisk(t *testing.T) {
	full := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if strings.HasSuffix(op.Path, ".sst") && op.Kind.ReadOrWrite() == errorfs.OpIsWrite {
			return syscall.ENOSPC
		}
		return nil
	})}
	s := openT(t, crashDir, Options{fs: errorfs.Wrap(vfs.NewMem(), full), Logger: quietLogger{}})
	createWriters(t, s, 1)
	full.On()
	done := make(chan error, 1)
	go func() { done <- s.Checkpoint("/backup") }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrFailed) {
			t.Fatalf("Checkpoint on a full disk returned %v, want the store's failure", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Checkpoint hangs when its flush hits a full disk")
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close hangs after the checkpoint's flush failed")
	}
}

// TestFailedFlushRetriesArePaced: Pebble retries a failed flush at once
// and for as long as it is open; once the store has failed, the retries
// must be paced (slowRetry) instead of spinning a core until shutdown.
// Unpaced, this volume saw thousands of table writes a second.
func TestFailedFlushRetriesArePaced(t *testing.T) {
	var attempts atomic.Int64
	full := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if strings.HasSuffix(op.Path, ".sst") && op.Kind == errorfs.OpCreate {
			attempts.Add(1)
			return syscall.ENOSPC
		}
		return nil
	})}
	s := openT(t, crashDir, Options{fs: errorfs.Wrap(vfs.NewMem(), full), Logger: quietLogger{}})
	createWriters(t, s, 1)
	full.On()
	if err := s.Checkpoint("/backup"); !errors.Is(err, ErrFailed) {
		t.Fatalf("Checkpoint on a full disk returned %v, want the store's failure", err)
	}
	from := attempts.Load()
	time.Sleep(time.Second)
	if n := attempts.Load() - from; n > 4*int64(time.Second/retryPause) {
		t.Fatalf("Pebble tried %d table writes in a second after the store failed, want them paced at %v", n, retryPause)
	}
	_ = s.Close() // reports the failure
}
