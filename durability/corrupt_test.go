package durability

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The corrupted-directory test: runnel refuses a data directory it cannot
// read, with a clear message and a non-zero exit status, and never serves
// (never prints its listening line) — an empty store in place of damaged
// data would look like data loss to every client.

// writeSome starts runnel on dir, writes entries to a few streams and
// stops it: gracefully (tables on disk, no log) or with SIGKILL (the data
// only in the write-ahead log).
func writeSome(t *testing.T, dir string, graceful bool) {
	t.Helper()
	p := startRunnel(t, dir)
	c := dialT(t, p.addr)
	// One command at a time: every XADD is its own commit, so the log
	// holds many small records, as under a real load, and damage 40% into
	// it is followed by intact records that prove it is not a torn tail.
	// (Pebble accepts damage to the final record as a torn write, by
	// design; damage inside one large final record reads the same way.)
	for k := 0; k < 4; k++ {
		for i := 0; i < 300; i++ {
			if v := c.doT(t, "XADD", "k"+strconv.Itoa(k), "*", "field", strings.Repeat(strconv.Itoa(i), 20)); v.isErr() {
				t.Fatalf("XADD: %v", v)
			}
		}
	}
	if graceful {
		if code := p.term(30 * time.Second); code != 0 {
			t.Fatalf("SIGTERM: exit status %d", code)
		}
	} else {
		p.kill()
	}
}

// onlyFile returns the one file of dir matching pattern.
func onlyFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(m) == 0 {
		names, _ := os.ReadDir(dir)
		t.Fatalf("no %s in %s (%v)", pattern, dir, names)
	}
	// The largest one, for the logs and tables.
	best, size := m[0], int64(-1)
	for _, f := range m {
		if st, err := os.Stat(f); err == nil && st.Size() > size {
			best, size = f, st.Size()
		}
	}
	return best
}

func flipBytes(t *testing.T, path string, at float64, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off := int(float64(len(b)) * at)
	for i := off; i < off+n && i < len(b); i++ {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// flipLogBytes inverts n bytes at fraction at of the records of the log
// segment holding the most. A segment is written with zeros before use,
// so its records end at its last byte that is not zero.
func flipLogBytes(t *testing.T, dir string, at float64, n int) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "runnel-wal-*"))
	var best string
	var data []byte
	used := 0
	for _, f := range m {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		end := len(b)
		for end > 0 && b[end-1] == 0 {
			end--
		}
		if end > used {
			best, data, used = f, b, end
		}
	}
	if best == "" {
		names, _ := os.ReadDir(dir)
		t.Fatalf("no log segment with records in %s (%v)", dir, names)
	}
	off := int(float64(used) * at)
	for i := off; i < off+n && i < used; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(best, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func truncateHalf(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// mustRefuse starts runnel on dir and checks it exits non-zero without
// serving, saying want (and the store's reason) in its output.
func mustRefuse(t *testing.T, dir string, want ...string) {
	t.Helper()
	p := startProc(t, "runnel", runnelBinary(t), "--port", "0", "--bind", "127.0.0.1", "--dir", dir)
	code := p.wait(60 * time.Second)
	out := p.out.String()
	if code == 0 {
		t.Fatalf("runnel started on a bad directory (exit status 0); output:\n%s", tail(out, 3000))
	}
	if listeningRE.MatchString(out) {
		t.Fatalf("runnel served before refusing; output:\n%s", tail(out, 3000))
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, tail(out, 3000))
		}
	}
	t.Logf("exit status %d: %s", code, strings.TrimSpace(tail(out, 600)))
}

func TestCorruptDir(t *testing.T) {
	const refuse = "cannot "
	for _, tt := range []struct {
		name     string
		graceful bool
		damage   func(t *testing.T, dir string)
		want     []string
	}{
		{"table-truncated", true, func(t *testing.T, dir string) { truncateHalf(t, onlyFile(t, dir, "*.sst")) },
			[]string{refuse, "corrupt", "start from a backup"}},
		{"table-bytes-flipped", true, func(t *testing.T, dir string) { flipBytes(t, onlyFile(t, dir, "*.sst"), 0.3, 64) },
			[]string{refuse, "corrupt"}},
		// A second session gives the manifest more records; the damage is
		// then inside it. (Damage to its very last record reads as a write
		// the crash tore, and the store falls back to the state before it,
		// which Pebble accepts by design.)
		{"manifest-bytes-flipped", true, func(t *testing.T, dir string) {
			p := startRunnel(t, dir)
			if code := p.term(30 * time.Second); code != 0 {
				t.Fatalf("second session: exit status %d", code)
			}
			flipBytes(t, onlyFile(t, dir, "MANIFEST-*"), 0.5, 16)
		}, []string{refuse, "corrupt"}},
		{"log-bytes-flipped", false, func(t *testing.T, dir string) { flipLogBytes(t, dir, 0.4, 64) },
			[]string{refuse, "corrupt"}},
		{"foreign-directory", false, func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a store"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{refuse, "holds no runnel store"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.name != "foreign-directory" {
				writeSome(t, dir, tt.graceful)
			}
			tt.damage(t, dir)
			mustRefuse(t, dir, tt.want...)
		})
	}
	t.Run("locked", func(t *testing.T) {
		dir := t.TempDir()
		first := startRunnel(t, dir)
		mustRefuse(t, dir, refuse, "locked", "another runnel is using this directory")
		// The first one is unharmed.
		c := dialT(t, first.addr)
		if v := c.doT(t, "XADD", "s", "*", "f", "v"); v.isErr() {
			t.Fatalf("the running runnel after a second one was refused: %v", v)
		}
	})
	t.Run("bad-appendfsync", func(t *testing.T) {
		p := startProc(t, "runnel", runnelBinary(t), "--port", "0", "--dir", t.TempDir(), "--appendfsync", "sometimes")
		if code := p.wait(30 * time.Second); code == 0 || !strings.Contains(p.out.String(), "appendfsync") {
			t.Fatalf("--appendfsync sometimes: exit status %d, output:\n%s", code, p.out.String())
		}
	})
}
