package commands

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// The persistence commands. Every write is already durable before its
// reply (commit.go), so SAVE and BGSAVE do not make anything durable: they
// write a backup, a consistent checkpoint of the store in a directory of
// its own (backup-<unix ms> under Options.SaveDir; only this store's
// latest is kept, see backup_owner.go) that runnel can be started on with
// --dir. LASTSAVE (lastSaveTime) reports the last one;
// SHUTDOWN SAVE (server_cmds.go) writes one first (saveBeforeShutdown).

func init() {
	register(
		&Command{Name: "save", Arity: 1, Flags: NoKeyspace | Admin | NoScript | NoAsyncLoading | DenyMulti,
			ACL: []string{"@admin", "@slow", "@dangerous"}, Handler: saveCmd,
			Summary: "Synchronously saves the database(s) to disk.", Since: "1.0.0", Group: "server",
			Complexity: "O(N) where N is the total number of keys in all databases"},
		&Command{Name: "bgsave", Arity: -1, Flags: NoKeyspace | Admin | NoScript | NoAsyncLoading,
			ACL: []string{"@admin", "@slow", "@dangerous"}, Handler: bgsaveCmd,
			Summary: "Asynchronously saves the database(s) to disk.", Since: "1.0.0", Group: "server",
			Complexity: "O(1)", History: [][2]string{{"3.2.2", "Added the `SCHEDULE` option."}}},
		&Command{Name: "bgrewriteaof", Arity: 1, Flags: NoKeyspace | Admin | NoScript | NoAsyncLoading,
			ACL: []string{"@admin", "@slow", "@dangerous"}, Handler: bgrewriteaofCmd,
			Summary: "Asynchronously rewrites the append-only file to disk.", Since: "1.0.0", Group: "server",
			Complexity: "O(1)"},
	)
}

// BGREWRITEAOF: runnel's store is no append-only file that grows with
// every write — Pebble compacts its log and tables by itself — so there is
// nothing to rewrite. The command answers as Redis does when it starts a
// rewrite, does nothing else, and counts in INFO's aof_rewrites, so tools
// that call it after bulk loads work unchanged.
func bgrewriteaofCmd(c *Ctx) error {
	c.S.dur.mu.Lock()
	c.S.dur.rewrites++
	c.S.dur.mu.Unlock()
	c.W.Simple("Background append only file rewriting started")
	return nil
}

const (
	// errSaveInProgress is Redis's reply, verbatim.
	errSaveInProgress Error = "ERR Background save already in progress"
	// errNoStoreToSave is runnel's own: without a data directory (the
	// in-memory mode) there is nothing to back up.
	errNoStoreToSave Error = "ERR runnel runs without a data directory: there is nothing to save"
)

// checkpointer is the store capability SAVE needs (*persist.Pebble).
type checkpointer interface {
	Checkpoint(dir string) error
}

// diskUser and policyOwner are the store capabilities INFO persistence
// reports.
type diskUser interface{ DiskUsage() uint64 }
type policyOwner interface{ Policy() persist.FsyncPolicy }

// durability is a Server's persistence state besides the keyspace: the
// last save, a BGSAVE in progress and the last load. Its fields are guarded
// by mu, which is taken after the keyspace lock when both are held.
type durability struct {
	mu sync.Mutex
	// lastSave is the Unix time in seconds of the last successful save; 0
	// means none since start, which LASTSAVE reports as the start time (Redis
	// counts the data as saved at start-up).
	lastSave int64
	saves    int64
	// rewrites counts BGREWRITEAOF calls (aof_rewrites).
	rewrites int64
	lastDir  string
	// bgStart is set while a BGSAVE runs.
	bgStart    time.Time
	bgFailed   bool
	bgLastSecs int64 // duration of the last BGSAVE, once bgDone
	bgDone     bool
	bgTried    time.Time // when the last background save started
	// closing is set by Close: no BGSAVE starts after it, and bg counts the
	// one running (Close waits for it before closing the store).
	closing bool
	bg      sync.WaitGroup
	// saveMu is held by the backup being written (backup); it is taken
	// before the keyspace lock, never while holding it or mu.
	saveMu sync.Mutex
	// storeDir is the data directory of the store (set with it), where its
	// identity lives; storeID caches that identity (backup_owner.go). Both
	// are guarded by saveMu.
	storeDir, storeID string
	loaded            persist.Stats
}

// saveDir returns the directory backups go into.
func (s *Server) saveDir() string {
	if s.opts.SaveDir != "" {
		return s.opts.SaveDir
	}
	return s.opts.Dir
}

// backup writes a checkpoint of everything committed so far and returns
// its directory. Every write acknowledged before the call is in it: it
// waits for the batches queued so far to commit first. On success the
// changes counted until then no longer count as unsaved.
//
// Only the latest backup of this store is kept. The checkpoint is written
// under a temporary name (backup-<unix ms>.tmp), marked with the store's
// identity (backup_owner.go), renamed to backup-<unix ms> once complete,
// and only then are the older backup-* directories with the same mark
// removed — never another store's or one made by hand — so a
// directory named backup-<ms> is always a whole checkpoint and, whatever
// fails or crashes when, at least the previous one is left. Without this
// each SAVE would add a checkpoint to the data directory for ever: they
// share table files with the store at first, but each grows to the full
// size of the data as the live store compacts away from it.
//
// saveMu serializes backups (SAVE from two clients, SHUTDOWN SAVE during
// a BGSAVE), as Redis's single thread does.
func (s *Server) backup() (string, error) {
	cp, ok := s.store.(checkpointer)
	if !ok {
		return "", errNoStoreToSave
	}
	s.dur.saveMu.Lock()
	defer s.dur.saveMu.Unlock()
	s.mu.Lock()
	seq := s.commit.latest()
	dirty := s.dirty
	s.mu.Unlock()
	if err := s.commit.flush(seq); err != nil {
		return "", err
	}
	id, err := s.storeID()
	if err != nil {
		return "", err
	}
	parent := s.saveDir()
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	now := time.Now()
	base := filepath.Join(parent, backupPrefix+strconv.FormatInt(now.UnixMilli(), 10))
	dir := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
			break
		}
		dir = base + "-" + strconv.Itoa(i)
	}
	tmp := dir + backupTmp
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	if err := cp.Checkpoint(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := markBackup(tmp, id); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := syncDir(parent); err != nil {
		return "", err
	}
	if err := removeOldBackups(parent, filepath.Base(dir), id, s.dur.storeDir); err != nil {
		s.logf("SAVE: removing older backups: %v", err)
	}
	s.mu.Lock()
	s.dirty -= dirty
	s.mu.Unlock()
	s.dur.mu.Lock()
	s.dur.lastSave = now.Unix()
	s.dur.saves++
	s.dur.lastDir = dir
	s.dur.mu.Unlock()
	return dir, nil
}

// The names of backup directories: backup-<unix ms>[-n], and the same
// with backupTmp while being written.
const (
	backupPrefix = "backup-"
	backupTmp    = ".tmp"
)

// isBackupName reports whether name is one backup writes: backup-<digits>,
// optionally -<digits>, optionally .tmp.
func isBackupName(name string) bool {
	rest, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return false
	}
	rest = strings.TrimSuffix(rest, backupTmp)
	ms, n, hasN := strings.Cut(rest, "-")
	return allDigits(ms) && (!hasN || allDigits(n))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// removeOldBackups removes the backup directories in parent other than
// keep that store id made, stale temporary ones included. A directory
// without id's mark is never touched: another store's backup, a copy made
// by hand, or one this store did not finish marking. Nor is one a server
// runs on: the store in own (this server's data directory) or one another
// process has open (persist.InUse), such as a backup another runnel was
// started on before it could drop the mark (unmarkBackup).
func removeOldBackups(parent, keep, id, own string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	var first error
	for _, e := range entries {
		if !e.IsDir() || e.Name() == keep || !isBackupName(e.Name()) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		if backupOwner(path) != id || sameDir(path, own) || persist.InUse(path) {
			continue
		}
		if err := os.RemoveAll(path); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// SAVE
func saveCmd(c *Ctx) error {
	s := c.S
	s.dur.mu.Lock()
	running := !s.dur.bgStart.IsZero()
	s.dur.mu.Unlock()
	if running {
		return errSaveInProgress
	}
	dir, err := s.backup()
	if err != nil {
		if e, ok := err.(Error); ok {
			return e
		}
		s.logf("SAVE failed: %v", err)
		return Error("ERR " + err.Error())
	}
	s.logf("SAVE: backup written to %s", dir)
	c.W.OK()
	return nil
}

// BGSAVE [SCHEDULE]
func bgsaveCmd(c *Ctx) error {
	if len(c.Args) > 2 || (len(c.Args) == 2 && !EqualFold(c.Args[1], "schedule")) {
		return ErrSyntax
	}
	if err := c.S.startBackgroundSave("BGSAVE"); err != nil {
		return err
	}
	c.W.Simple("Background saving started")
	return nil
}

// startBackgroundSave starts writing a backup in the background (BGSAVE,
// or a save point: why names it in the log). It fails without a store, or
// while a background save runs or the server closes.
func (s *Server) startBackgroundSave(why string) error {
	if _, ok := s.store.(checkpointer); !ok {
		return errNoStoreToSave
	}
	s.dur.mu.Lock()
	if !s.dur.bgStart.IsZero() {
		s.dur.mu.Unlock()
		return errSaveInProgress
	}
	if s.dur.closing {
		s.dur.mu.Unlock()
		return errStoreClosed
	}
	start := time.Now()
	s.dur.bgStart = start
	s.dur.bgTried = start
	s.dur.bg.Add(1)
	s.dur.mu.Unlock()
	go func() {
		defer s.dur.bg.Done()
		dir, err := s.backup()
		s.dur.mu.Lock()
		s.dur.bgStart = time.Time{}
		s.dur.bgDone = true
		s.dur.bgFailed = err != nil
		s.dur.bgLastSecs = int64(time.Since(start).Seconds())
		s.dur.mu.Unlock()
		if err != nil {
			s.logf("%s failed: %v", why, err)
			return
		}
		s.logf("%s: backup written to %s", why, dir)
	}()
	return nil
}

// saveRetryDelay is how long after a failed background save a save point
// waits before it tries again (Redis's CONFIG_BGSAVE_RETRY_DELAY).
const saveRetryDelay = 5 * time.Second

// autoSave starts a background save when a save point of the save
// parameter ("seconds changes ..." pairs) is reached: at least that many
// seconds since the last successful save and at least that many changes
// since, as Redis's serverCron does. After a failed save it waits
// saveRetryDelay. The expiry loop calls it; without save points it costs
// one map read under the config lock.
func (s *Server) autoSave(now time.Time) {
	points := s.config.value("save")
	if points == "" {
		return
	}
	if _, ok := s.store.(checkpointer); !ok {
		return
	}
	s.mu.Lock()
	dirty := s.dirty
	s.mu.Unlock()
	s.dur.mu.Lock()
	running, failed, tried := !s.dur.bgStart.IsZero(), s.dur.bgFailed, s.dur.bgTried
	s.dur.mu.Unlock()
	if running || failed && now.Sub(tried) < saveRetryDelay {
		return
	}
	since := now.Unix() - s.lastSaveTime()
	f := strings.Fields(points)
	for i := 0; i+1 < len(f); i += 2 {
		secs, err1 := strconv.ParseInt(f[i], 10, 64)
		changes, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if dirty >= changes && since >= secs {
			why := fmt.Sprintf("%d changes in %d seconds", changes, secs)
			if err := s.startBackgroundSave("background save (" + why + ")"); err == nil {
				s.logf("%s. Saving...", why)
			}
			return
		}
	}
}

// waitBackground stops new BGSAVEs and waits for a running one (Close).
func (s *Server) waitBackground() {
	s.dur.mu.Lock()
	s.dur.closing = true
	s.dur.mu.Unlock()
	s.dur.bg.Wait()
}

// lastSaveTime returns LASTSAVE's value: the last successful save, or the
// start time when there was none.
func (s *Server) lastSaveTime() int64 {
	s.dur.mu.Lock()
	defer s.dur.mu.Unlock()
	if s.dur.lastSave == 0 {
		return s.startTime.Unix()
	}
	return s.dur.lastSave
}

// saveBeforeShutdown is SHUTDOWN SAVE's backup. A failure stops the
// shutdown (ErrShutdownFailed) unless force.
// SaveOnSignal writes a backup before a shutdown asked for by a signal
// (SIGTERM, SIGINT) when the save parameter has save points, as Redis
// saves its final snapshot then. A failure is logged and the shutdown goes
// on: every acknowledged write is in the store already.
func (s *Server) SaveOnSignal() {
	if s.config.value("save") == "" {
		return
	}
	if _, ok := s.store.(checkpointer); !ok {
		return
	}
	_ = s.saveBeforeShutdown(true)
}

func (s *Server) saveBeforeShutdown(force bool) error {
	dir, err := s.backup()
	if err != nil {
		s.logf("SHUTDOWN SAVE: backup failed: %v", err)
		if !force {
			return ErrShutdownFailed
		}
		return nil
	}
	s.logf("SHUTDOWN SAVE: backup written to %s", dir)
	return nil
}

// persistenceInfo returns INFO's persistence section as name, value pairs
// in Redis's order, with runnel's own fields (prefixed runnel_) after
// Redis's; dirty is the keyspace's change counter (Server.dirty, read by
// the caller under the keyspace lock). It takes no keyspace lock itself,
// so INFO may call it inside EXEC.
//
// Redis's RDB fields describe SAVE/BGSAVE backups; its AOF fields describe
// the write-ahead store, enabled unless runnel runs without a data
// directory: aof_current_size is the store's size on disk, and
// aof_last_write_status turns to err when a commit failed (writes are then
// refused). loading is 0: the server listens only after Load.
func (s *Server) persistenceInfo(dirty int64) [][2]string {
	s.dur.mu.Lock()
	d := &s.dur
	bgRunning, bgCur := "0", "-1"
	if !d.bgStart.IsZero() {
		bgRunning = "1"
		bgCur = strconv.FormatInt(int64(time.Since(d.bgStart).Seconds()), 10)
	}
	bgStatus := "ok"
	if d.bgFailed {
		bgStatus = "err"
	}
	bgLast := "-1"
	if d.bgDone {
		bgLast = strconv.FormatInt(d.bgLastSecs, 10)
	}
	saves, rewrites, lastDir, loaded := d.saves, d.rewrites, d.lastDir, d.loaded
	s.dur.mu.Unlock()
	lastSave := s.lastSaveTime()

	_, durable := s.store.(checkpointer)
	writeStatus := "ok"
	if s.readOnly.Load() {
		writeStatus = "err"
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	out := [][2]string{
		{"loading", "0"},
		{"async_loading", "0"},
		{"current_cow_peak", "0"},
		{"current_cow_size", "0"},
		{"current_cow_size_age", "0"},
		{"current_fork_perc", "0.00"},
		{"current_save_keys_processed", "0"},
		{"current_save_keys_total", "0"},
		{"rdb_changes_since_last_save", i(dirty)},
		{"rdb_bgsave_in_progress", bgRunning},
		{"rdb_last_save_time", i(lastSave)},
		{"rdb_last_bgsave_status", bgStatus},
		{"rdb_last_bgsave_time_sec", bgLast},
		{"rdb_current_bgsave_time_sec", bgCur},
		{"rdb_saves", i(saves)},
		{"rdb_last_cow_size", "0"},
		{"rdb_last_load_keys_expired", "0"},
		{"rdb_last_load_keys_loaded", i(int64(loaded.Keys))},
		{"aof_enabled", map[bool]string{true: "1", false: "0"}[durable]},
		{"aof_rewrite_in_progress", "0"},
		{"aof_rewrite_scheduled", "0"},
		{"aof_last_rewrite_time_sec", "-1"},
		{"aof_current_rewrite_time_sec", "-1"},
		{"aof_last_bgrewrite_status", "ok"},
		{"aof_rewrites", i(rewrites)},
		{"aof_rewrites_consecutive_failures", "0"},
		{"aof_last_write_status", writeStatus},
		{"aof_last_cow_size", "0"},
		{"module_fork_in_progress", "0"},
		{"module_fork_last_cow_size", "0"},
	}
	var size uint64
	if du, ok := s.store.(diskUser); ok {
		size = du.DiskUsage()
	}
	if durable {
		out = append(out,
			[2]string{"aof_current_size", strconv.FormatUint(size, 10)},
			[2]string{"aof_base_size", "0"},
			[2]string{"aof_pending_rewrite", "0"},
			[2]string{"aof_buffer_length", "0"},
			[2]string{"aof_pending_bio_fsync", "0"},
			[2]string{"aof_delayed_fsync", "0"},
		)
	}
	policy := "none"
	if p, ok := s.store.(policyOwner); ok {
		policy = p.Policy().String()
	}
	out = append(out,
		[2]string{"runnel_appendfsync", policy},
		[2]string{"runnel_disk_usage_bytes", strconv.FormatUint(size, 10)},
		[2]string{"runnel_last_load_entries", i(int64(loaded.Entries))},
		[2]string{"runnel_last_load_time_ms", i(loaded.Duration.Milliseconds())},
		[2]string{"runnel_last_save_dir", lastDir},
	)
	return out
}

// durable reports whether the server runs on a store that keeps its data
// (a data directory), not in memory: INFO's aof_enabled and CONFIG GET
// appendonly.
func (s *Server) durable() bool {
	_, ok := s.store.(checkpointer)
	return ok
}
