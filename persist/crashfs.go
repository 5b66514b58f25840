package persist

import (
	"math/rand/v2"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// CrashFS is an in-memory file system that can simulate a power loss. It
// lets the layers above persist (which must not import Pebble) test that
// what they acknowledged survives a crash: open a store on it with
// Options.CrashFS, run, call Crash, and open a second store on the returned
// file system. It is safe for concurrent use, including Crash while a store
// writes to it.
type CrashFS struct{ fs *vfs.MemFS }

// NewCrashFS returns an empty crash-simulating file system.
func NewCrashFS() *CrashFS { return &CrashFS{fs: vfs.NewCrashableMem()} }

// Crash returns a new file system holding what a power loss at this moment
// could leave: everything that was synced, and of what was not synced a
// random part (each unsynced block or directory entry kept with probability
// unsyncedPercent/100, drawn from rng; 0 keeps none, and rng may then be
// nil). The receiver is left as it was, so the store writing to it may go on
// (and should be closed).
func (c *CrashFS) Crash(rng *rand.Rand, unsyncedPercent int) *CrashFS {
	return &CrashFS{fs: c.fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: unsyncedPercent, RNG: rng})}
}
