package persist

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// FsyncPolicy says when committed batches reach stable storage. The names
// and the trade-offs follow Redis's appendfsync.
type FsyncPolicy uint8

// The fsync policies. The zero value is Always.
const (
	// Always makes Commit (and Ticket.Wait) return only after the batch is in
	// the synced write-ahead log: nothing acknowledged is lost, even on power
	// loss. Concurrent commits share one sync.
	Always FsyncPolicy = iota
	// EverySec returns as soon as the batch is applied and written to the
	// operating system; a background ticker syncs the log once per second. A
	// power loss or kernel crash loses up to about the last second of
	// acknowledged batches; a kill -9 of the process loses at most what had
	// not yet been handed to the operating system (the log writer's buffer).
	EverySec
	// No never asks for a sync. Pebble still syncs the log when it switches
	// to a new one and syncs tables it writes; a power loss can lose
	// everything since the last of those.
	No
)

// String returns the policy's appendfsync name: "always", "everysec" or "no".
func (p FsyncPolicy) String() string {
	switch p {
	case Always:
		return "always"
	case EverySec:
		return "everysec"
	case No:
		return "no"
	}
	return fmt.Sprintf("FsyncPolicy(%d)", uint8(p))
}

// ParseFsync parses an appendfsync name ("always", "everysec", "no"; case
// sensitive, as the server's flag is). It returns an error for anything else.
func ParseFsync(s string) (FsyncPolicy, error) {
	switch s {
	case "always":
		return Always, nil
	case "everysec":
		return EverySec, nil
	case "no":
		return No, nil
	}
	return 0, fmt.Errorf("persist: unknown fsync policy %q (want always, everysec or no)", s)
}

// Logger receives the storage engine's messages. Fatalf is called when the
// engine cannot continue (for example a write to the log failed) and must
// not return: a store that lost a write cannot go on acknowledging others.
type Logger interface {
	Infof(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Options configure Open. The zero value is the production default: fsync
// Always, engine errors logged to standard error.
type Options struct {
	// Fsync is the fsync policy; the zero value is Always.
	Fsync FsyncPolicy
	// Logger receives engine messages; nil drops informational messages,
	// prints errors to standard error and exits the process on fatal ones.
	Logger Logger
	// CacheSize is the block cache size in bytes; 0 means 64 MiB. The
	// cache holds table blocks as they are read, and Load reads them all:
	// after it the cache is full, resident memory for blocks nothing reads
	// again.
	CacheSize int64
	// MemTableSize is the size of each in-memory write buffer in bytes; 0
	// means 8 MiB. The buffers are resident memory on top of the streams,
	// up to twice this size once writes have filled one: Pebble keeps a
	// flushed buffer, every page touched, to reuse as the next one. Smaller
	// buffers mean more flushes and compactions (more CPU per write),
	// larger ones a longer log to replay after a crash.
	MemTableSize uint64
	// CrashFS, when set, holds the store instead of the operating system's
	// file system (crash tests above this package).
	CrashFS *CrashFS

	// fs replaces the operating system's file system (tests run on Pebble's
	// crash-simulating in-memory one).
	fs vfs.FS
	// syncInterval replaces EverySec's one second (tests).
	syncInterval time.Duration
	// afterBackgroundSync, when set, is called after each EverySec sync
	// with the number of batches that sync covered (tests).
	afterBackgroundSync func(covered uint64)
	// logLanes is the number of log files synced concurrently under
	// Always; 0 means one (doc.go, "The write-ahead log", says why).
	logLanes int
	// logSegmentSize replaces the log's segment size (tests: crashes
	// while segments change and are reused).
	logSegmentSize int
	// tune, when set, changes Pebble's options after Open has set them
	// (tests and benchmarks comparing option sets).
	tune func(*pebble.Options)
}

// The errors Open and Load return for a directory they refuse to use. They
// are matched with errors.Is; the returned error adds the details.
var (
	// ErrLocked is returned by Open when another store (in this or another
	// process) holds the directory.
	ErrLocked = errors.New("persist: data directory is locked by another runnel")
	// ErrCorrupt is returned when a file in the store fails its checksums or
	// holds a record that cannot be decoded.
	ErrCorrupt = errors.New("persist: data directory is corrupt")
	// ErrFormatTooNew is returned by Open when the store was written by a
	// newer runnel whose format this one does not know.
	ErrFormatTooNew = errors.New("persist: data directory was written by a newer runnel (format version too new)")
	// ErrFormatTooOld is returned by Open when the store's format predates
	// every format this runnel can read.
	ErrFormatTooOld = errors.New("persist: data directory format version too old")
	// ErrNotStore is returned by Open when the directory holds files but no
	// runnel store: refusing is the alternative to silently serving an empty
	// store next to someone's data.
	ErrNotStore = errors.New("persist: data directory is not empty and holds no runnel store")
	// ErrClosed is returned by Apply and Commit after Close.
	ErrClosed = errors.New("persist: store is closed")
	// ErrFailed wraps the first sync or write error; once it happened every
	// later Apply returns it, because acknowledging writes after a failed
	// sync could lose them silently.
	ErrFailed = errors.New("persist: store failed")
	// ErrInvalidOp is returned by Apply for an op it cannot encode (unknown
	// kind, database index out of range). Nothing of the batch is applied.
	ErrInvalidOp = errors.New("persist: invalid op")
)

// stdLogger is the default Logger.
type stdLogger struct{ l *log.Logger }

func newStdLogger() stdLogger { return stdLogger{log.New(os.Stderr, "persist: ", log.LstdFlags)} }

func (stdLogger) Infof(string, ...any)           {}
func (s stdLogger) Errorf(f string, args ...any) { s.l.Printf(f, args...) }
func (s stdLogger) Fatalf(f string, args ...any) { s.l.Fatalf(f, args...) }
