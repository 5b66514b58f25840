package commands

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// openPebble opens a Pebble store in dir, closed by the server using it.
func openPebble(t testing.TB, dir string) *persist.Pebble {
	t.Helper()
	p, err := persist.Open(dir, persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// infoValue returns one field of persistenceInfo.
func infoValue(t testing.TB, s *Server, name string) string {
	t.Helper()
	s.mu.Lock()
	dirty := s.dirty
	s.mu.Unlock()
	for _, kv := range s.persistenceInfo(dirty) {
		if kv[0] == name {
			return kv[1]
		}
	}
	t.Fatalf("INFO persistence has no %s", name)
	return ""
}

func backups(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "backup-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSaveBackupStarts: SAVE writes a backup another server starts from,
// with what was acknowledged before SAVE; it resets the unsaved-changes
// count and moves LASTSAVE.
func TestSaveBackupStarts(t *testing.T) {
	dir, saves := t.TempDir(), t.TempDir()
	f := newFake(t, Options{Dir: dir, SaveDir: saves, Store: openPebble(t, dir)})
	for i := 1; i <= 5; i++ {
		f.do("XADD", "s", strconv.Itoa(i)+"-0", "f", strconv.Itoa(i))
	}
	if got := infoValue(t, f.s, "rdb_changes_since_last_save"); got != "5" {
		t.Fatalf("rdb_changes_since_last_save = %s before SAVE, want 5", got)
	}
	startLast := f.do("LASTSAVE")
	if want := ":" + strconv.FormatInt(f.s.startTime.Unix(), 10) + "\r\n"; startLast != want {
		t.Fatalf("LASTSAVE before any save = %q, want the start time %q", startLast, want)
	}
	want := f.do("XRANGE", "s", "-", "+")
	if got := f.do("SAVE"); got != "+OK\r\n" {
		t.Fatalf("SAVE = %q", got)
	}
	f.do("XADD", "s", "6-0", "after", "save")
	if got := infoValue(t, f.s, "rdb_changes_since_last_save"); got != "1" {
		t.Errorf("rdb_changes_since_last_save = %s after SAVE and one XADD, want 1", got)
	}
	if got := infoValue(t, f.s, "rdb_saves"); got != "1" {
		t.Errorf("rdb_saves = %s", got)
	}
	b := backups(t, saves)
	if len(b) != 1 || infoValue(t, f.s, "runnel_last_save_dir") != b[0] {
		t.Fatalf("backups %v, last save dir %q", b, infoValue(t, f.s, "runnel_last_save_dir"))
	}
	if ls, _ := strconv.ParseInt(strings.Trim(f.do("LASTSAVE"), ":\r\n"), 10, 64); ls < time.Now().Unix()-5 {
		t.Errorf("LASTSAVE = %d after SAVE", ls)
	}
	// Start a second server on the backup while the first still runs.
	p := openPebble(t, b[0])
	g := newFake(t, Options{Dir: b[0], Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatal(err)
	}
	if got := g.do("XRANGE", "s", "-", "+"); got != want {
		t.Fatalf("XRANGE on the backup = %q, want %q", got, want)
	}
}

// TestBGSave: BGSAVE replies at once, writes a backup by itself and
// refuses a second save while it runs.
func TestBGSave(t *testing.T) {
	dir := t.TempDir()
	f := newFake(t, Options{Dir: dir, Store: openPebble(t, dir)})
	f.do("XADD", "s", "1-0", "f", "v")
	if got := f.do("BGSAVE", "schedule", "x"); got != "-ERR syntax error\r\n" {
		t.Errorf("BGSAVE schedule x = %q", got)
	}
	if got := f.do("BGSAVE", "nope"); got != "-ERR syntax error\r\n" {
		t.Errorf("BGSAVE nope = %q", got)
	}
	// Pretend one is running: both saves refuse.
	f.s.dur.mu.Lock()
	f.s.dur.bgStart = time.Now()
	f.s.dur.mu.Unlock()
	for _, cmd := range []string{"SAVE", "BGSAVE"} {
		if got := f.do(cmd); got != "-"+string(errSaveInProgress)+"\r\n" {
			t.Errorf("%s during a BGSAVE = %q", cmd, got)
		}
	}
	if got := infoValue(t, f.s, "rdb_bgsave_in_progress"); got != "1" {
		t.Errorf("rdb_bgsave_in_progress = %s", got)
	}
	f.s.dur.mu.Lock()
	f.s.dur.bgStart = time.Time{}
	f.s.dur.mu.Unlock()

	if got := f.do("BGSAVE"); got != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE = %q", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for infoValue(t, f.s, "rdb_bgsave_in_progress") != "0" || infoValue(t, f.s, "rdb_last_bgsave_time_sec") == "-1" {
		if time.Now().After(deadline) {
			t.Fatal("BGSAVE did not finish")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := infoValue(t, f.s, "rdb_last_bgsave_status"); got != "ok" {
		t.Errorf("rdb_last_bgsave_status = %s", got)
	}
	if b := backups(t, dir); len(b) != 1 {
		t.Fatalf("backups after BGSAVE: %v", b)
	}
	if got := infoValue(t, f.s, "rdb_changes_since_last_save"); got != "0" {
		t.Errorf("rdb_changes_since_last_save = %s after BGSAVE", got)
	}
}

// TestSaveWithoutStore: in the in-memory mode there is nothing to back up,
// and INFO says persistence is off.
func TestSaveWithoutStore(t *testing.T) {
	f := newFake(t, Options{})
	for _, cmd := range []string{"SAVE", "BGSAVE"} {
		if got := f.do(cmd); got != "-"+string(errNoStoreToSave)+"\r\n" {
			t.Errorf("%s = %q", cmd, got)
		}
	}
	if got := infoValue(t, f.s, "aof_enabled"); got != "0" {
		t.Errorf("aof_enabled = %s", got)
	}
	if got := infoValue(t, f.s, "runnel_appendfsync"); got != "none" {
		t.Errorf("runnel_appendfsync = %s", got)
	}
}

// TestPersistenceInfo checks the section's shape against Redis 7.0's with
// the AOF on (the field names and order a client may parse), then runnel's
// own fields.
func TestPersistenceInfo(t *testing.T) {
	dir := t.TempDir()
	p, err := persist.Open(dir, persist.Options{Fsync: persist.EverySec})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, Options{Dir: dir, Store: p})
	f.do("XADD", "s", "1-0", "f", "v")
	var names []string
	vals := map[string]string{}
	for _, kv := range f.s.persistenceInfo(1) {
		names = append(names, kv[0])
		vals[kv[0]] = kv[1]
	}
	redis := []string{"loading", "async_loading", "current_cow_peak", "current_cow_size",
		"current_cow_size_age", "current_fork_perc", "current_save_keys_processed",
		"current_save_keys_total", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
		"rdb_last_save_time", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
		"rdb_current_bgsave_time_sec", "rdb_saves", "rdb_last_cow_size",
		"rdb_last_load_keys_expired", "rdb_last_load_keys_loaded", "aof_enabled",
		"aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
		"aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
		"aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size",
		"module_fork_in_progress", "module_fork_last_cow_size", "aof_current_size",
		"aof_base_size", "aof_pending_rewrite", "aof_buffer_length", "aof_pending_bio_fsync",
		"aof_delayed_fsync"}
	if len(names) < len(redis) || !reflect.DeepEqual(names[:len(redis)], redis) {
		t.Fatalf("field names %v\nwant Redis's %v first", names, redis)
	}
	for _, n := range names[len(redis):] {
		if !strings.HasPrefix(n, "runnel_") {
			t.Errorf("extra field %s is not prefixed runnel_", n)
		}
	}
	for name, want := range map[string]string{"loading": "0", "aof_enabled": "1", "runnel_appendfsync": "everysec",
		"rdb_changes_since_last_save": "1", "aof_last_write_status": "ok", "rdb_bgsave_in_progress": "0"} {
		if vals[name] != want {
			t.Errorf("%s = %q, want %q", name, vals[name], want)
		}
	}
	if n, _ := strconv.ParseUint(vals["runnel_disk_usage_bytes"], 10, 64); n == 0 || vals["aof_current_size"] != vals["runnel_disk_usage_bytes"] {
		t.Errorf("data size: runnel_disk_usage_bytes %q, aof_current_size %q", vals["runnel_disk_usage_bytes"], vals["aof_current_size"])
	}
}

// TestSaveNotInMulti: as in Redis, SAVE is refused inside a transaction
// (which it dooms), BGSAVE is queued.
func TestSaveNotInMulti(t *testing.T) {
	dir := t.TempDir()
	f := newFake(t, Options{Dir: dir, Store: openPebble(t, dir)})
	for _, st := range []struct{ cmd, want string }{
		{"MULTI", "+OK\r\n"},
		{"SAVE", errReply(ErrNotInMulti)},
		{"BGSAVE", "+QUEUED\r\n"},
	} {
		if got := f.do(st.cmd); got != st.want {
			t.Fatalf("%s = %q, want %q", st.cmd, got, st.want)
		}
	}
	if got := f.do("EXEC"); !strings.HasPrefix(got, "-EXECABORT") {
		t.Fatalf("EXEC = %q", got)
	}
	if b := backups(t, dir); len(b) != 0 {
		t.Fatalf("a doomed MULTI wrote %v", b)
	}
}

// TestShutdownCommand: SHUTDOWN ABORT has nothing to abort; SHUTDOWN SAVE
// writes a backup, closes the connection without a reply and stops the
// server, whose store is then closed.
func TestShutdownCommand(t *testing.T) {
	dir := t.TempDir()
	p := openPebble(t, dir)
	s := startServerWith(t, Options{Dir: dir, Store: p})
	s.SetShutdown(func() { go s.Close() })
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	c := dialStream(t, s)
	if got := c.do("XADD", "s", "1-0", "f", "v"); got != "$3\r\n1-0\r\n" {
		t.Fatalf("XADD = %q", got)
	}
	if got := c.do("SHUTDOWN", "ABORT"); got != "-ERR No shutdown in progress.\r\n" {
		t.Fatalf("SHUTDOWN ABORT = %q", got)
	}
	c.send("SHUTDOWN", "SAVE")
	if !closedWithoutReply(c, 10*time.Second) {
		t.Fatal("SHUTDOWN: the connection did not close without a reply")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after SHUTDOWN")
	}
	if b := backups(t, dir); len(b) != 1 {
		t.Fatalf("SHUTDOWN SAVE wrote backups %v", b)
	}
	if _, err := p.Apply(&persist.Batch{}); err != persist.ErrClosed {
		t.Fatalf("store after SHUTDOWN: Apply = %v, want ErrClosed", err)
	}
	// The data is all there for the next start.
	q := openPebble(t, dir)
	g := newFake(t, Options{Store: q})
	if _, err := g.s.Load(q); err != nil {
		t.Fatal(err)
	}
	if got := g.do("XLEN", "s"); got != ":1\r\n" {
		t.Fatalf("XLEN after restart = %q", got)
	}
}

// TestBackupRetention: each save keeps only the latest backup of its own
// store, and removes a stale temporary one of its own, but nothing else in
// the directory; the kept one is the last save's and a server starts from
// it.
func TestBackupRetention(t *testing.T) {
	dir, saves := t.TempDir(), t.TempDir()
	f := newFake(t, Options{Dir: dir, SaveDir: saves, Store: openPebble(t, dir)})
	other := filepath.Join(saves, "backup-mine")
	unmarked := filepath.Join(saves, "backup-2.tmp")
	for _, d := range []string{other, unmarked} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var stale string
	for i := 1; i <= 3; i++ {
		f.do("XADD", "s", strconv.Itoa(i)+"-0", "f", "v")
		if got := f.do("SAVE"); got != "+OK\r\n" {
			t.Fatalf("SAVE %d = %q", i, got)
		}
		if i == 1 {
			// A temporary backup of this store left by a crash.
			stale = filepath.Join(saves, "backup-1.tmp")
			if err := markBackup(mkdir(t, stale), storeIDOf(t, dir)); err != nil {
				t.Fatal(err)
			}
		}
	}
	b := backups(t, saves)
	last := infoValue(t, f.s, "runnel_last_save_dir")
	if len(b) != 3 || !slices.Contains(b, other) || !slices.Contains(b, unmarked) || !slices.Contains(b, last) {
		t.Fatalf("after three saves: %v (last %s), want the last backup, %s and %s", b, last, other, unmarked)
	}
	if got, want := backupOwner(last), storeIDOf(t, dir); got != want {
		t.Errorf("the backup is marked %q, the store's identity is %q", got, want)
	}
	p := openPebble(t, last)
	g := newFake(t, Options{Dir: last, Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatal(err)
	}
	if got := g.do("XLEN", "s"); got != ":3\r\n" {
		t.Errorf("XLEN on the kept backup = %q", got)
	}
}

// TestBackupRetentionShared: servers sharing a backup directory keep each
// its own latest backup; a backup made by hand, one of an older runnel (no
// mark) and a server started on a backup (a store of its own) are left
// alone; a store's identity survives a restart.
func TestBackupRetentionShared(t *testing.T) {
	dirA, dirB, saves := t.TempDir(), t.TempDir(), t.TempDir()
	a := newFake(t, Options{Dir: dirA, SaveDir: saves, Store: openPebble(t, dirA)})
	b := newFake(t, Options{Dir: dirB, SaveDir: saves, Store: openPebble(t, dirB)})
	hand := mkdir(t, filepath.Join(saves, "backup-999"))
	if err := os.WriteFile(filepath.Join(hand, "notes"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, f := range []*fake{a, b, a, b, a} {
		f.do("XADD", "s", strconv.Itoa(i+1)+"-0", "f", "v")
		if got := f.do("SAVE"); got != "+OK\r\n" {
			t.Fatalf("SAVE %d = %q", i, got)
		}
	}
	lastA := infoValue(t, a.s, "runnel_last_save_dir")
	lastB := infoValue(t, b.s, "runnel_last_save_dir")
	want := []string{hand, lastA, lastB}
	got := backups(t, saves)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("backups after saves of two servers: %v, want %v", got, want)
	}
	if data, err := os.ReadFile(filepath.Join(hand, "notes")); err != nil || string(data) != "mine" {
		t.Errorf("the hand-made backup changed: %q, %v", data, err)
	}
	idA, idB := storeIDOf(t, dirA), storeIDOf(t, dirB)
	if idA == idB {
		t.Fatalf("two stores share the identity %s", idA)
	}
	if backupOwner(lastA) != idA || backupOwner(lastB) != idB {
		t.Errorf("marks %q, %q; identities %q, %q", backupOwner(lastA), backupOwner(lastB), idA, idB)
	}
	// A server on A's last backup is another store: its saves into the
	// shared directory keep A's backup.
	p := openPebble(t, lastA)
	c := newFake(t, Options{Dir: lastA, SaveDir: saves, Store: p})
	if got := c.do("SAVE"); got != "+OK\r\n" {
		t.Fatalf("SAVE from a backup = %q", got)
	}
	lastC := infoValue(t, c.s, "runnel_last_save_dir")
	if got := backups(t, saves); len(got) != 4 || !slices.Contains(got, lastA) || !slices.Contains(got, lastC) {
		t.Errorf("after a save by a server started on a backup: %v", got)
	}
	if backupOwner(lastC) == idA {
		t.Error("a server started on a backup took the identity of its origin")
	}
	// The identity is read back, not made again, by a new server on A's
	// directory.
	r := New(Options{Dir: dirA, Logf: func(string, ...any) {}})
	defer r.Close()
	r.dur.saveMu.Lock()
	id, err := r.storeID()
	r.dur.saveMu.Unlock()
	if err != nil || id != idA {
		t.Errorf("identity after restart = %q, %v; want %q", id, err, idA)
	}
}

func mkdir(t testing.TB, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// storeIDOf returns the identity recorded in the data directory dir.
func storeIDOf(t testing.TB, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, storeIDFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestIsBackupName(t *testing.T) {
	for name, want := range map[string]bool{
		"backup-1796302768143": true, "backup-1796302768143-2": true, "backup-1796302768143.tmp": true,
		"backup-1796302768143-2.tmp": true, "backup-": false, "backup-x": false, "backup-1-": false,
		"backup-1-x": false, "mybackup-1": false, "backup-1.tmp.tmp": false, "MANIFEST-000001": false,
	} {
		if got := isBackupName(name); got != want {
			t.Errorf("isBackupName(%q) = %v", name, got)
		}
	}
}

// TestConcurrentSaves: SAVE from several clients, BGSAVE and SHUTDOWN SAVE
// at once (run with -race) all succeed or refuse with Redis's text, never
// corrupt a backup, and leave one backup that a server starts from.
func TestConcurrentSaves(t *testing.T) {
	dir := t.TempDir()
	s := startServerWith(t, Options{Dir: dir, Store: openPebble(t, dir)})
	s.SetShutdown(func() { go s.Close() })
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	w := dialStream(t, s)
	for i := 1; i <= 50; i++ {
		w.do("XADD", "s", strconv.Itoa(i)+"-0", "f", "v")
	}
	var wg sync.WaitGroup
	replies := make(chan string, 64)
	for i := 0; i < 4; i++ {
		c := dialStream(t, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				cmd := "SAVE"
				if j == 1 {
					cmd = "BGSAVE"
				}
				replies <- c.do(cmd)
			}
		}()
	}
	wg.Wait()
	close(replies)
	for r := range replies {
		switch r {
		case "+OK\r\n", "+Background saving started\r\n", errReply(errSaveInProgress):
		default:
			t.Errorf("save reply %q", r)
		}
	}
	sd := dialStream(t, s)
	sd.send("SHUTDOWN", "SAVE")
	if !closedWithoutReply(sd, 10*time.Second) {
		t.Fatal("SHUTDOWN SAVE did not close the connection")
	}
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after SHUTDOWN")
	}
	b := backups(t, dir)
	if len(b) != 1 {
		t.Fatalf("backups after concurrent saves: %v", b)
	}
	p := openPebble(t, b[0])
	g := newFake(t, Options{Dir: b[0], Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatal(err)
	}
	if got := g.do("XLEN", "s"); got != ":50\r\n" {
		t.Errorf("XLEN on the backup = %q", got)
	}
}

// TestConfigSetAppendfsyncReachesTheStore: CONFIG SET appendfsync changes
// the policy the store commits under, as in Redis, and INFO persistence
// reports it; an OK that left the old policy in force would lose writes
// the client was told are synced.
func TestConfigSetAppendfsyncReachesTheStore(t *testing.T) {
	dir := t.TempDir()
	p, err := persist.Open(dir, persist.Options{Fsync: persist.EverySec})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, Options{Dir: dir, Store: p})
	for _, tt := range []struct {
		value string
		want  persist.FsyncPolicy
	}{{"always", persist.Always}, {"no", persist.No}, {"EVERYSEC", persist.EverySec}, {"always", persist.Always}} {
		if got := f.do("CONFIG", "SET", "appendfsync", tt.value); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET appendfsync %s: %q", tt.value, got)
		}
		if p.Policy() != tt.want {
			t.Fatalf("after CONFIG SET appendfsync %s the store's policy is %v", tt.value, p.Policy())
		}
		if got := infoValue(t, f.s, "runnel_appendfsync"); got != tt.want.String() {
			t.Fatalf("INFO runnel_appendfsync %q after setting %s", got, tt.value)
		}
		if got := f.do("XADD", "s", "*", "f", "v"); strings.HasPrefix(got, "-") {
			t.Fatalf("XADD under %s: %q", tt.value, got)
		}
	}
}

// TestBackupServedOnIsKept: a server started on a backup drops the
// backup's mark, so the store the backup came from no longer counts the
// directory among its old backups: its next saves leave it, and the second
// server's acknowledged writes, alone (a tester's BGSAVE, start a server
// on the backup, BGSAVE again lost them).
func TestBackupServedOnIsKept(t *testing.T) {
	dirA, saves := t.TempDir(), t.TempDir()
	a := newFake(t, Options{Dir: dirA, SaveDir: saves, Store: openPebble(t, dirA)})
	a.do("XADD", "s", "1-0", "f", "v")
	if got := a.do("SAVE"); got != "+OK\r\n" {
		t.Fatalf("SAVE = %q", got)
	}
	bk := infoValue(t, a.s, "runnel_last_save_dir")
	if backupOwner(bk) != storeIDOf(t, dirA) {
		t.Fatalf("the backup is not marked as A's")
	}
	var logged []string
	p := openPebble(t, bk)
	b := newFake(t, Options{Dir: bk, Store: p, Logf: func(f string, args ...any) { logged = append(logged, fmt.Sprintf(f, args...)) }})
	if _, err := b.s.Load(p); err != nil {
		t.Fatal(err)
	}
	if owner := backupOwner(bk); owner != "" {
		t.Errorf("a server started on the backup left its mark %q", owner)
	}
	if !slices.ContainsFunc(logged, func(l string) bool { return strings.Contains(l, "started on a backup") }) {
		t.Errorf("nothing logged about starting on a backup: %q", logged)
	}
	b.do("XADD", "restored", "1-1", "k", "v")
	for i := 2; i <= 3; i++ {
		a.do("XADD", "s", strconv.Itoa(i)+"-0", "f", "v")
		if got := a.do("SAVE"); got != "+OK\r\n" {
			t.Fatalf("SAVE %d = %q", i, got)
		}
	}
	if _, err := os.Stat(bk); err != nil {
		t.Fatalf("A's saves removed the directory B runs on: %v", err)
	}
	if got := len(backups(t, saves)); got != 2 {
		t.Errorf("%d backups, want B's directory and A's latest", got)
	}
	b.do("XADD", "restored", "2-2", "k", "v")
	if got := b.do("XLEN", "restored"); got != ":2\r\n" {
		t.Errorf("XLEN on B = %q, want 2", got)
	}
}

// TestRemoveOldBackupsSkipsOwnStore: a marked backup directory that is the
// server's own data directory is never removed.
func TestRemoveOldBackupsSkipsOwnStore(t *testing.T) {
	parent := t.TempDir()
	id := "0123456789abcdef0123456789abcdef"
	own := mkdir(t, filepath.Join(parent, "backup-1"))
	old := mkdir(t, filepath.Join(parent, "backup-2"))
	keep := mkdir(t, filepath.Join(parent, "backup-3"))
	for _, d := range []string{own, old, keep} {
		if err := markBackup(d, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeOldBackups(parent, filepath.Base(keep), id, own); err != nil {
		t.Fatal(err)
	}
	got := backups(t, parent)
	if want := []string{own, keep}; !slices.Equal(got, want) {
		t.Errorf("after removing old backups: %v, want %v", got, want)
	}
}

// TestSavePoints: a save point ("seconds changes") starts a background
// save once that many seconds passed since the last save with at least
// that many changes, and not before; a save resets the count, so the
// point waits for new changes.
func TestSavePoints(t *testing.T) {
	dir, saves := t.TempDir(), t.TempDir()
	f := newFake(t, Options{Dir: dir, SaveDir: saves, Store: openPebble(t, dir)})
	if got := f.do("CONFIG", "SET", "save", "1 2"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET save = %q", got)
	}
	later := time.Now().Add(2 * time.Second)
	f.do("XADD", "s", "1-0", "f", "v")
	f.s.autoSave(later) // one change of the two the point needs
	f.s.dur.bg.Wait()
	if n := len(backups(t, saves)); n != 0 {
		t.Fatalf("%d backups after 1 change, want none", n)
	}
	f.do("XADD", "s", "2-0", "f", "v")
	f.s.autoSave(time.Now()) // two changes, but not a second since start
	f.s.dur.bg.Wait()
	if n := len(backups(t, saves)); n != 0 {
		t.Fatalf("%d backups before the point's seconds passed, want none", n)
	}
	f.s.autoSave(later)
	f.s.dur.bg.Wait()
	if n := len(backups(t, saves)); n != 1 {
		t.Fatalf("%d backups once the point was reached, want 1", n)
	}
	if got := infoValue(t, f.s, "rdb_changes_since_last_save"); got != "0" {
		t.Errorf("rdb_changes_since_last_save = %s after the save, want 0", got)
	}
	if got := infoValue(t, f.s, "rdb_last_bgsave_status"); got != "ok" {
		t.Errorf("rdb_last_bgsave_status = %s", got)
	}
	f.s.autoSave(later.Add(2 * time.Second)) // no change since
	f.s.dur.bg.Wait()
	if got := infoValue(t, f.s, "rdb_saves"); got != "1" {
		t.Errorf("rdb_saves = %s after a point with no new change, want 1", got)
	}
}

// TestShutdownSavesWithSavePoints: as Redis, a plain SHUTDOWN backs up
// while the save parameter has save points, SHUTDOWN NOSAVE does not, and
// so does a shutdown asked for by a signal (SaveOnSignal).
func TestShutdownSavesWithSavePoints(t *testing.T) {
	for _, tc := range []struct {
		name    string
		save    string
		args    []string
		backups int
	}{
		{"plain with points", "3600 1", []string{"SHUTDOWN"}, 1},
		{"nosave with points", "3600 1", []string{"SHUTDOWN", "NOSAVE"}, 0},
		{"plain without points", "", []string{"SHUTDOWN"}, 0},
		{"signal with points", "3600 1", nil, 1},
		{"signal without points", "", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := startServerWith(t, Options{Dir: dir, Store: openPebble(t, dir)})
			s.SetShutdown(func() { go s.Close() })
			served := make(chan error, 1)
			go func() { served <- s.Serve() }()
			c := dialStream(t, s)
			if got := c.do("CONFIG", "SET", "save", tc.save); got != "+OK\r\n" {
				t.Fatalf("CONFIG SET save = %q", got)
			}
			c.do("XADD", "s", "1-0", "f", "v")
			if tc.args != nil {
				c.send(tc.args...)
				if !closedWithoutReply(c, 10*time.Second) {
					t.Fatalf("%v: the connection did not close", tc.args)
				}
			} else {
				s.SaveOnSignal()
				go s.Close()
			}
			select {
			case <-served:
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return after the shutdown")
			}
			if b := backups(t, dir); len(b) != tc.backups {
				t.Errorf("backups %v, want %d", b, tc.backups)
			}
		})
	}
}
