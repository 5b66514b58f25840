package commands

import (
	"os"
	"testing"
)

// TestBackupUnmarkedWhenDirIsConfigured: the binary builds its Server with
// the default Dir and only then applies --dir (SetConfig) and the store
// (SetStore). A server started that way on a backup must still drop the
// backup's marker, or the store the backup came from deletes the
// directory, with every write the second server acknowledged, as one of
// its old backups on its next save once the second server has stopped.
func TestBackupUnmarkedWhenDirIsConfigured(t *testing.T) {
	dirA, saves := t.TempDir(), t.TempDir()
	a := newFake(t, Options{Dir: dirA, SaveDir: saves, Store: openPebble(t, dirA)})
	a.do("XADD", "s", "1-0", "f", "v")
	if got := a.do("SAVE"); got != "+OK\r\n" {
		t.Fatalf("SAVE = %q", got)
	}
	bk := infoValue(t, a.s, "runnel_last_save_dir")

	// Started as cmd/runnel starts it: default Dir, then --dir, then the store.
	b := New(Options{Dir: "./data", Logf: func(string, ...any) {}})
	if err := b.SetConfig("dir", bk); err != nil {
		t.Fatal(err)
	}
	p := openPebble(t, bk)
	b.SetStore(p)
	if _, err := b.Load(p); err != nil {
		t.Fatal(err)
	}
	if owner := backupOwner(bk); owner != "" {
		t.Errorf("a server started on the backup (dir set by config) left its mark %q", owner)
	}
	fb := &fake{t: t, s: b, c: b.testClient()}
	if got := fb.do("XADD", "onb", "1-1", "k", "acknowledged"); got != bulk("1-1") {
		t.Fatalf("XADD on B = %q", got)
	}
	b.Close()

	a.do("XADD", "s", "2-0", "f", "v")
	if got := a.do("SAVE"); got != "+OK\r\n" {
		t.Fatalf("SAVE = %q", got)
	}
	if _, err := os.Stat(bk); err != nil {
		t.Fatalf("A's SAVE removed the store B ran on, with B's acknowledged write: %v", err)
	}
}
