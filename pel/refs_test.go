package pel

import (
	"testing"

	"github.com/runnel-db/runnel/stream"
)

func TestReferencedNoGroups(t *testing.T) {
	var nilSet *Groups
	if nilSet.Referenced(id(1)) || nilSet.AnyPending(id(1)) {
		t.Error("a nil Groups references an entry")
	}
	if _, ok := nilSet.MinLastID(); ok {
		t.Error("MinLastID of a nil Groups reports a minimum")
	}
	if n := nilSet.AckAll(id(1), nil); n != 0 {
		t.Errorf("AckAll on a nil Groups = %d, want 0", n)
	}
	empty := &Groups{}
	if empty.Referenced(id(1)) {
		t.Error("an empty Groups references an entry")
	}
}

// TestReferenced follows Redis's "XGROUP DESTROY correctly manage
// min_cgroup_last_id cache" test: groups at 1 and 3, entry 1 is
// deletable, 2 is referenced until the group at 1 goes.
func TestReferenced(t *testing.T) {
	gs := &Groups{}
	if _, err := gs.Create("group1", id(1), 0); err != nil {
		t.Fatal(err)
	}
	g2, err := gs.Create("group2", id(3), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := gs.Check(); err != nil {
			t.Error(err)
		}
	})
	if min, ok := gs.MinLastID(); !ok || min != id(1) {
		t.Fatalf("MinLastID = %v %v, want 1-0 true", min, ok)
	}
	cases := []struct {
		ms   uint64
		want bool
	}{{0, false}, {1, false}, {2, true}, {3, true}, {5, true}}
	for _, c := range cases {
		if got := gs.Referenced(id(c.ms)); got != c.want {
			t.Errorf("Referenced(%d-0) = %v, want %v", c.ms, got, c.want)
		}
	}
	gs.Destroy("group1")
	if gs.Referenced(id(2)) {
		t.Error("2-0 still referenced after the group at 1-0 was destroyed")
	}
	// Pending in group2 keeps an entry below its last ID referenced.
	c := consumer(t, g2, "c", 0)
	deliver(t, g2, c, 0, 2)
	if !gs.Referenced(id(2)) || !gs.AnyPending(id(2)) {
		t.Error("an entry pending in group2 is not referenced")
	}
	if !g2.Ack(id(2)) || gs.Referenced(id(2)) {
		t.Error("an acknowledged entry below every last ID is still referenced")
	}
}

func TestAckAll(t *testing.T) {
	gs := &Groups{}
	var gr []*Group
	for _, name := range []string{"b", "a", "c"} {
		g, err := gs.Create(name, stream.ID{Ms: 10}, 0)
		if err != nil {
			t.Fatal(err)
		}
		gr = append(gr, g)
	}
	t.Cleanup(func() {
		if err := gs.Check(); err != nil {
			t.Error(err)
		}
	})
	// Groups b and c hold 5-0, a holds 6-0.
	for i, ms := range []uint64{5, 6, 5} {
		c := consumer(t, gr[i], "c", 0)
		deliver(t, gr[i], c, 0, ms)
	}
	var names []string
	n := gs.AckAll(id(5), func(g *Group) { names = append(names, g.Name()) })
	if n != 2 || len(names) != 2 || names[0] != "b" || names[1] != "c" {
		t.Fatalf("AckAll(5-0) = %d %v, want 2 [b c]", n, names)
	}
	if gs.AnyPending(id(5)) {
		t.Error("5-0 still pending after AckAll")
	}
	if !gs.AnyPending(id(6)) || gr[1].Len() != 1 {
		t.Error("AckAll(5-0) touched 6-0")
	}
	if n := gs.AckAll(id(5), nil); n != 0 {
		t.Errorf("second AckAll(5-0) = %d, want 0", n)
	}
}
