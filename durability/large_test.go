package durability

import (
	"strings"
	"testing"
)

// TestKill9LargeWrites: writes larger than half the store's write buffer
// (which the storage engine applies apart from its memtable) survive a
// kill -9 right after their reply under appendfsync always, and so do the
// writes of the run started on what survived. Both were once lost: the log
// recorded such a write as empty, and the next run's records after it were
// dropped at the next start.
func TestKill9LargeWrites(t *testing.T) {
	dir := t.TempDir()
	p := startRunnel(t, dir, "--appendfsync", "always", "--write-buffer", "2")
	c := dialT(t, p.addr)
	c.doT(t, "XADD", "small", "1-0", "a", "b")
	big := strings.Repeat("v", 3<<20) // over half of --write-buffer 2
	if v := c.doT(t, "XADD", "big", "1-0", "f", big); v.str != "1-0" {
		t.Fatalf("XADD big = %v", v)
	}
	c.doT(t, "COPY", "big", "big2")
	c.close()
	p.kill()

	p = startRunnel(t, dir, "--appendfsync", "always", "--write-buffer", "2")
	c = dialT(t, p.addr)
	for _, key := range []string{"small", "big", "big2"} {
		if n := c.doT(t, "XLEN", key).num; n != 1 {
			t.Errorf("after the first kill: XLEN %s = %d, want 1", key, n)
		}
	}
	r := c.doT(t, "XRANGE", "big", "-", "+")
	if es, err := entries(r); err != nil || len(es) != 1 || es[0].fields != "f\x00"+big {
		t.Errorf("after the first kill: the large entry is not whole (%v)", err)
	}
	c.doT(t, "XADD", "next", "1-0", "a", "b")
	c.close()
	p.kill()

	p = startRunnel(t, dir, "--appendfsync", "always", "--write-buffer", "2")
	c = dialT(t, p.addr)
	defer c.close()
	for _, key := range []string{"small", "big", "big2", "next"} {
		if n := c.doT(t, "XLEN", key).num; n != 1 {
			t.Errorf("after the second kill: XLEN %s = %d, want 1", key, n)
		}
	}
}
