package persist

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/runnel-db/runnel/stream"
)

// fillStore writes n entries into a new store in dir. With flush it closes
// the store cleanly (data in tables, log empty); without, it closes Pebble
// without flushing, as a crash after the syncs would leave it (data only in
// the log).
func fillStore(t *testing.T, dir string, n int, flush bool) {
	t.Helper()
	s := openT(t, dir, Options{})
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
	commitT(t, s, b)
	for i := 1; i <= n; i++ {
		if i%100 == 1 {
			b.Reset()
		}
		b.AddEntry(1, id(uint64(i), 0), fields("field", fmt.Sprintf("value-%08d", i)))
		if i%100 == 0 || i == n {
			commitT(t, s, b)
		}
	}
	if flush {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	crashClose(t, s)
}

// crashClose closes s as a crash after the last sync would leave it: the
// log written and synced, nothing flushed into tables.
func crashClose(t *testing.T, s *Pebble) {
	t.Helper()
	s.wal.close()
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.lock.Close(); err != nil {
		t.Fatal(err)
	}
}

func findFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(m) == 0 {
		names, _ := os.ReadDir(dir)
		var ls []string
		for _, e := range names {
			ls = append(ls, e.Name())
		}
		t.Fatalf("no %s in store: %v", pattern, ls)
	}
	// The largest match: the file holding the data.
	best, bestSize := "", int64(-1)
	for _, p := range m {
		if fi, err := os.Stat(p); err == nil && fi.Size() > bestSize {
			best, bestSize = p, fi.Size()
		}
	}
	return best
}

// logSegment returns the log segment holding the most records and how
// many bytes of it they take: the spares prepared beside it are larger
// files of zeros.
func logSegment(t *testing.T, dir string) (string, int64) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, walPrefix+"*"))
	best, used := "", int64(0)
	for _, p := range m {
		gen, ok := parseWALName(filepath.Base(p))
		data, err := os.ReadFile(p)
		if !ok || err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		recs, err := parseWALSegment(data, gen)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(0)
		for _, r := range recs {
			n += int64(walHeader + len(r.repr))
		}
		if n > used {
			best, used = p, n
		}
	}
	if best == "" {
		t.Fatalf("no log segment with records in %s", dir)
	}
	return best, used
}

// damageLog flips a byte at frac of the records of the log segment
// holding the most.
func damageLog(t *testing.T, dir string, frac float64) {
	t.Helper()
	path, used := logSegment(t, dir)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[int(float64(used)*frac)] ^= 0x5a
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func truncateHalf(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

func flipByte(t *testing.T, path string, frac float64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[int(float64(len(data))*frac)] ^= 0x5a
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// openAndLoad opens dir and loads it, returning the first error: that is
// what start-up does before it serves a single client.
func openAndLoad(dir string) error {
	s, err := Open(dir, Options{Logger: quietLogger{}})
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = s.Load(newRecorder())
	return err
}

// quietLogger keeps expected engine complaints out of the test output;
// Fatalf panics so a test would see it instead of an exit.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)         {}
func (quietLogger) Errorf(string, ...any)        {}
func (quietLogger) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

func TestCorruptionRefused(t *testing.T) {
	cases := []struct {
		name    string
		flush   bool
		damage  func(t *testing.T, dir string)
		atOpen  bool // Open itself must fail, not only Load
		wantErr error
	}{
		{"table truncated", true, func(t *testing.T, dir string) { truncateHalf(t, findFile(t, dir, "*.sst")) }, true, ErrCorrupt},
		{"table byte flipped", true, func(t *testing.T, dir string) { flipByte(t, findFile(t, dir, "*.sst"), 0.3) }, false, ErrCorrupt},
		{"manifest truncated", true, func(t *testing.T, dir string) { truncateHalf(t, findFile(t, dir, "MANIFEST-*")) }, true, ErrCorrupt},
		{"manifest byte flipped", true, func(t *testing.T, dir string) { flipByte(t, findFile(t, dir, "MANIFEST-*"), 0.5) }, true, ErrCorrupt},
		{"log byte flipped", false, func(t *testing.T, dir string) { damageLog(t, dir, 0.25) }, true, ErrCorrupt},
		{"manifest deleted", true, func(t *testing.T, dir string) {
			for _, pat := range []string{"MANIFEST-*", "marker.manifest.*"} {
				m, _ := filepath.Glob(filepath.Join(dir, pat))
				for _, p := range m {
					if err := os.Remove(p); err != nil {
						t.Fatal(err)
					}
				}
			}
		}, true, ErrNotStore},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fillStore(t, dir, 20000, tc.flush)
			if tc.flush {
				// (Not for a log-only store: a clean open and close would
				// flush the log into a table.)
				if err := openAndLoad(dir); err != nil {
					t.Fatalf("undamaged store: %v", err)
				}
			}
			tc.damage(t, dir)
			var err error
			if tc.atOpen {
				var s *Pebble
				s, err = Open(dir, Options{Logger: quietLogger{}})
				if err == nil {
					s.Close()
				}
			} else {
				err = openAndLoad(dir)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// TestTruncatedLogIsACrashNotCorruption shows the one kind of damage Open
// accepts: a log cut short is what a crash leaves, and the store comes back
// with a prefix of its batches. (Under Always every acknowledged batch was
// synced, so a real crash never cuts into acknowledged ones.)
func TestTruncatedLogIsACrashNotCorruption(t *testing.T) {
	dir := t.TempDir()
	fillStore(t, dir, 20000, false)
	path, used := logSegment(t, dir)
	if err := os.Truncate(path, used/2); err != nil {
		t.Fatal(err)
	}
	s := openT(t, dir, Options{})
	defer s.Close()
	got, st := loadT(t, s)
	entries := got.Streams[1].Entries
	if st.Entries == 0 || st.Entries >= 20000 {
		t.Fatalf("%d entries after truncating the log, want a proper prefix", st.Entries)
	}
	for i := 1; i <= st.Entries; i++ {
		if _, ok := entries[id(uint64(i), 0)]; !ok {
			t.Fatalf("entry %d missing: not a prefix", i)
		}
	}
}

func TestFormatRecord(t *testing.T) {
	write := func(t *testing.T, dir string, v []byte) {
		t.Helper()
		db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}})
		if err != nil {
			t.Fatal(err)
		}
		if v == nil {
			err = db.Delete(formatKey(), pebble.Sync)
			if err == nil {
				err = db.Set([]byte{spaceKey, 0, 0, 0, 0, 'k'}, appendKeyValue(nil, 1, 0), pebble.Sync)
			}
		} else {
			err = db.Set(formatKey(), v, pebble.Sync)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		value []byte
		want  error
	}{
		{"newer version", formatValue(formatVersion + 1), ErrFormatTooNew},
		{"version zero", formatValue(0), ErrFormatTooOld},
		{"not runnel's", []byte("someone else's database"), ErrNotStore},
		{"records but no format record", nil, ErrNotStore},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fillStore(t, dir, 10, true)
			write(t, dir, tc.value)
			_, err := Open(dir, Options{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			t.Logf("refused: %v", err)
		})
	}
	t.Run("version 4 opened and marked 5", func(t *testing.T) {
		// Version 4 lacks only what XNACK writes: its data stays as it is
		// and the format record is raised, so an older runnel refuses
		// the store as newer rather than as corrupt.
		dir := t.TempDir()
		fillStore(t, dir, 10, true)
		write(t, dir, formatValue(4))
		s := openT(t, dir, Options{})
		defer s.Close()
		v, c, err := s.db.Get(formatKey())
		if err != nil {
			t.Fatal(err)
		}
		ver, ok := parseFormatValue(v)
		c.Close()
		if !ok || ver != 5 || formatVersion != 5 {
			t.Fatalf("format record after opening a version-4 store: %d (%v)", ver, ok)
		}
		if _, c, err := s.db.Get([]byte{spaceKey, 0, 0, 0, 0, 's'}); err != nil {
			t.Fatalf("key record of the version-4 store: %v", err)
		} else {
			c.Close()
		}
	})
	t.Run("version 4 pending records that 5 would take for released", func(t *testing.T) {
		// A version-4 RESTORE could write an entry owned by consumer ""
		// with a delivery time before the epoch: version 5's encoding of
		// an XNACK release. The upgrade gives it time 0 (still owned by
		// ""); a version-5 store keeps its released entries.
		for _, ver := range []uint32{4, formatVersion} {
			dir := t.TempDir()
			fillStore(t, dir, 10, true)
			s := openT(t, dir, Options{})
			b := &Batch{}
			b.AddGroup(1, "g", id(10, 0), 10)
			b.AddPending(1, "g", id(1, 0), "", -5, 3, true)
			b.AddPending(1, "g", id(2, 0), "", -7, 4, true)
			b.AddPending(1, "g", id(3, 0), "c", -9, 1, true)
			commitT(t, s, b)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			write(t, dir, formatValue(ver))
			s = openT(t, dir, Options{})
			for _, want := range []struct {
				id     stream.ID
				dt     int64
				dc     uint64
				owner  string
				upWant int64 // the time after an upgrade from 4
			}{{id(1, 0), -5, 3, "", 0}, {id(2, 0), -7, 4, "", 0}, {id(3, 0), -9, 1, "c", -9}} {
				v, c, err := s.db.Get(appendPendingKey(nil, 1, "g", want.id))
				if err != nil {
					t.Fatalf("version %d: pending %v: %v", ver, want.id, err)
				}
				dt, dc, owner, ok := parsePendingValue(v)
				wantDT := want.dt
				if ver == 4 {
					wantDT = want.upWant
				}
				if !ok || dt != wantDT || dc != want.dc || string(owner) != want.owner {
					t.Errorf("version %d: pending %v = (%d, %d, %q), want (%d, %d, %q)", ver, want.id, dt, dc, owner, wantDT, want.dc, want.owner)
				}
				c.Close()
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("current version written and accepted", func(t *testing.T) {
		dir := t.TempDir()
		fillStore(t, dir, 10, true)
		s := openT(t, dir, Options{})
		defer s.Close()
		v, c, err := s.db.Get(formatKey())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if ver, ok := parseFormatValue(v); !ok || ver != formatVersion {
			t.Fatalf("format record %q", v)
		}
	})
}

func TestOpenRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "appendonly.aof"), []byte("*1\r\n$4\r\nPING\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrNotStore) {
		t.Fatalf("got %v, want ErrNotStore", err)
	}
	// And it left the foreign file alone.
	if _, err := os.Stat(filepath.Join(dir, "appendonly.aof")); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s := openT(t, dir, Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := openAndLoad(dir); err != nil {
		t.Fatal(err)
	}
}

func TestLockInProcess(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: got %v, want ErrLocked", err)
	}
	t.Logf("second Open in the same process: %v", err)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Released by Close.
	s = openT(t, dir, Options{})
	s.Close()
}

const lockHelperEnv = "PERSIST_LOCK_HELPER_DIR"

// TestLockOtherProcess holds the store and runs this test binary again as a
// second process that tries to open it.
func TestLockOtherProcess(t *testing.T) {
	if dir := os.Getenv(lockHelperEnv); dir != "" {
		_, err := Open(dir, Options{})
		fmt.Printf("helper-open-error: %v\n", err)
		if errors.Is(err, ErrLocked) {
			os.Exit(0)
		}
		os.Exit(3)
	}
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOtherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second process did not get ErrLocked: %v\n%s", err, out)
	}
	line := string(out)
	if i := strings.Index(line, "helper-open-error:"); i >= 0 {
		line = strings.SplitN(line[i:], "\n", 2)[0]
	}
	t.Logf("second process: %s", line)
}

func TestClosedStore(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, Key: "k", UID: 1})
	if err := s.Commit(b); !errors.Is(err, ErrClosed) {
		t.Fatalf("Commit after Close: %v", err)
	}
	if _, err := s.Load(newRecorder()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Load after Close: %v", err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if s.DiskUsage() != 0 {
		t.Fatal("DiskUsage after Close")
	}
}
