package pel

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// groupsState renders every group, consumer and pending record.
func groupsState(s *Groups) []string {
	var out []string
	for g := range s.All() {
		out = append(out, fmt.Sprintf("group %s last=%v read=%d", g.Name(), g.LastID, g.EntriesRead))
		for c := range g.Consumers() {
			out = append(out, fmt.Sprintf(" consumer %s seen=%d active=%d pel=%v", c.Name(), c.SeenTime(), c.ActiveTime(),
				states(c.Range(nil, Query{Start: stream.Min, End: stream.Max}))))
		}
		out = append(out, fmt.Sprintf(" pel=%v", allPending(g)))
	}
	return out
}

func TestGroupsClone(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, gs *Groups)
	}{
		{"none", func(*testing.T, *Groups) {}},
		{"empty-group", func(t *testing.T, gs *Groups) { gs.Create("g", id(5), 3) }},
		{"consumers-and-pel", func(t *testing.T, gs *Groups) {
			g, _ := gs.Create("g", id(9), UnknownEntriesRead)
			a := consumer(t, g, "a", 100)
			b := consumer(t, g, "b", 200)
			consumer(t, g, "idle", 300)
			deliver(t, g, a, 110, 1, 2, 3)
			deliver(t, g, b, 210, 4)
			g.Redeliver(g.Pending(id(2)), 500)
			h, _ := gs.Create("h", id(1), 1)
			deliver(t, h, consumer(t, h, "z", 7), 8, 1)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gs := &Groups{}
			c.setup(t, gs)
			cl := gs.Clone()
			if err := cl.Check(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(groupsState(gs), groupsState(cl)) {
				t.Fatalf("clone differs:\n%v\n%v", groupsState(gs), groupsState(cl))
			}
			before := groupsState(gs)
			for g := range cl.All() {
				g.Ack(id(1))
				g.LastID = id(99)
			}
			cl.Create("new", id(0), 0)
			if !reflect.DeepEqual(before, groupsState(gs)) {
				t.Fatal("changing the clone changed the original")
			}
		})
	}
}
