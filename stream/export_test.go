package stream

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
)

// dumpNodes renders every node as EachNode shows it, for comparisons.
func dumpNodes(s *Stream) []string {
	var out []string
	s.EachNode(func(n *NodeInfo) bool {
		line := fmt.Sprintf("%v %q live=%d dead=%d:", n.Master, n.Names, n.Live, n.Dead)
		for _, e := range n.Entries {
			line += fmt.Sprintf(" %v%s%q", e.ID, map[bool]string{true: "x", false: ""}[e.Deleted], e.Fields)
		}
		out = append(out, line)
		return true
	})
	return out
}

func meta(s *Stream) string {
	return fmt.Sprintf("len=%d last=%v first=%v maxdel=%v added=%d nodes=%d",
		s.Len(), s.LastID(), s.FirstID(), s.MaxDeletedID(), s.EntriesAdded(), s.Nodes())
}

// build makes a stream of n entries with node limit 3, deleting the IDs in del.
func build(t *testing.T, n int, del ...uint64) *Stream {
	s := checked(t, Config{NodeMaxEntries: 3})
	for i := 1; i <= n; i++ {
		f := [][]byte{[]byte("f"), []byte(strconv.Itoa(i))}
		if i%4 == 0 {
			f = append(f, []byte("g"), []byte("x"))
		}
		s.Append(ID{uint64(i), 0}, f)
	}
	for _, d := range del {
		s.Delete(ID{d, 0})
	}
	return s
}

func TestCloneAndRebuild(t *testing.T) {
	cases := []struct {
		name string
		n    int
		del  []uint64
	}{
		{"empty", 0, nil},
		{"one", 1, nil},
		{"nodes", 10, nil},
		{"tombstones", 10, []uint64{2, 5, 10}},
		{"whole-node-deleted", 9, []uint64{4, 5, 6}},
		{"all-deleted", 3, []uint64{1, 2, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := build(t, c.n, c.del...)
			cl := s.Clone()
			mustCheck(t, cl)
			if !reflect.DeepEqual(dumpNodes(s), dumpNodes(cl)) || meta(s) != meta(cl) {
				t.Fatalf("clone differs:\n%v %v\n%v %v", meta(s), dumpNodes(s), meta(cl), dumpNodes(cl))
			}
			// The copy is independent: changing it leaves s alone.
			before := dumpNodes(s)
			cl.Append(ID{100, 0}, [][]byte{[]byte("f"), []byte("new")})
			if _, _, ok := cl.First(); ok {
				id, _, _ := cl.First()
				cl.Delete(id)
			}
			mustCheck(t, cl)
			if !reflect.DeepEqual(before, dumpNodes(s)) {
				t.Fatal("changing the clone changed the original")
			}

			// Rebuilding node by node gives the same nodes.
			r := checked(t, Config{NodeMaxEntries: 3})
			s.EachNode(func(n *NodeInfo) bool {
				es := make([]NodeEntry, len(n.Entries))
				for i, e := range n.Entries {
					es[i] = NodeEntry{ID: e.ID, Deleted: e.Deleted, Fields: append([][]byte(nil), e.Fields...)}
				}
				if _, err := r.AppendNode(es); err != nil {
					t.Fatal(err)
				}
				return true
			})
			r.SetLastID(s.LastID())
			r.SetMaxDeletedID(s.MaxDeletedID())
			r.SetEntriesAdded(s.EntriesAdded())
			if !reflect.DeepEqual(dumpNodes(s), dumpNodes(r)) || meta(s) != meta(r) {
				t.Fatalf("rebuild differs:\n%v %v\n%v %v", meta(s), dumpNodes(s), meta(r), dumpNodes(r))
			}
		})
	}
}

func TestAppendNodeRefuses(t *testing.T) {
	f := [][]byte{[]byte("f"), []byte("v")}
	cases := []struct {
		name    string
		entries []NodeEntry
	}{
		{"none", nil},
		{"zero-id", []NodeEntry{{ID: ID{0, 0}, Fields: f}}},
		{"not-ascending", []NodeEntry{{ID: ID{5, 0}, Fields: f}, {ID: ID{5, 0}, Fields: f}}},
		{"below-last", []NodeEntry{{ID: ID{1, 0}, Fields: f}}},
		{"no-fields", []NodeEntry{{ID: ID{7, 0}}}},
		{"odd-fields", []NodeEntry{{ID: ID{7, 0}, Fields: f[:1]}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := checked(t, DefaultConfig)
			s.Append(ID{2, 0}, f)
			before := meta(s)
			if _, err := s.AppendNode(c.entries); err == nil {
				t.Fatal("accepted")
			}
			if meta(s) != before {
				t.Fatalf("stream changed: %v -> %v", before, meta(s))
			}
		})
	}
}

func TestAppendNodeKeepsOversizedNode(t *testing.T) {
	s := checked(t, Config{NodeMaxEntries: 2})
	var es []NodeEntry
	for i := 1; i <= 5; i++ {
		es = append(es, NodeEntry{ID: ID{uint64(i), 0}, Fields: [][]byte{[]byte("f"), []byte("v")}, Deleted: i == 1})
	}
	live, err := s.AppendNode(es)
	if err != nil || live != 4 || s.Nodes() != 1 || s.FirstID() != (ID{2, 0}) {
		t.Fatalf("live %d err %v nodes %d first %v", live, err, s.Nodes(), s.FirstID())
	}
}
