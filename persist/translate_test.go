package persist

import (
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// TestSupersededMarks checks which metadata writes superseded marks as
// overwritten by a later op of the batch: every write of a stream's
// metadata, a group or a consumer but the last, whatever the streams,
// groups and consumers written in between, and nothing else.
func TestSupersededMarks(t *testing.T) {
	meta := func(uid uint64) Op { return Op{Kind: StreamMetaPut, UID: uid} }
	group := func(uid uint64, g string) Op { return Op{Kind: GroupPut, UID: uid, Group: g} }
	cons := func(uid uint64, g, c string) Op { return Op{Kind: ConsumerPut, UID: uid, Group: g, Consumer: c} }
	entry := Op{Kind: EntryPut, UID: 1}
	// More consumers than superseded's short list holds, each written
	// twice: the first writes are dropped, whether the short list or the
	// map remembers the second.
	var many []Op
	var manyDrop []int
	for round := range 2 {
		for c := range 3 * seenFewMax {
			if round == 0 {
				manyDrop = append(manyDrop, len(many))
			}
			many = append(many, cons(1, "g", string(rune('A'+c))))
		}
	}
	tests := []struct {
		name string
		ops  []Op
		drop []int // indices marked, ascending
	}{
		{"one write", []Op{entry, meta(1)}, nil},
		{"many consumers", many, manyDrop},
		{"one stream", []Op{entry, meta(1), entry, meta(1), entry, meta(1)}, []int{1, 3}},
		{"two streams interleaved", []Op{meta(1), meta(2), meta(1), meta(2), meta(3)}, []int{0, 1}},
		{"stream back after another", []Op{meta(1), meta(1), meta(2), meta(1)}, []int{0, 1}},
		{"group and consumer", []Op{group(1, "g"), cons(1, "g", "c"), group(1, "h"), cons(1, "g", "d"), group(1, "g"), cons(1, "g", "c")}, []int{0, 1}},
		{"same names, other kinds", []Op{group(1, "g"), cons(1, "g", ""), meta(1), group(2, "g")}, nil},
		{"uid 0 is a uid", []Op{meta(0), meta(0)}, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := &translator{}
			// Twice: the second run reuses the translator's memory.
			for range 2 {
				b := &Batch{Ops: tc.ops}
				any := tr.superseded(b, countKinds(b))
				var got []int
				if any {
					for i := range tc.ops {
						if tr.isSuperseded(i) {
							got = append(got, i)
						}
					}
				}
				if !slices.Equal(got, tc.drop) || any != (len(tc.drop) > 0) {
					t.Fatalf("superseded = %v, marked %v; want %v", any, got, tc.drop)
				}
			}
		})
	}
}

// TestPendingTableFind checks pendingTable against a map: records that
// differ in the uid, the group (names equal but in other memory count as
// equal) or the ID are told apart, and a record met again is found with
// its first index, across resets that reuse the table.
func TestPendingTableFind(t *testing.T) {
	var p pendingTable
	for round, n := range []int{1, 7, 300, 2000, 50} {
		type ref struct {
			uid   uint64
			group string
			id    stream.ID
		}
		var ops []Op
		for i := range n {
			// A name built at run time has its own memory.
			group := string([]byte{'g', byte('0' + i%3)})
			ops = append(ops, Op{Kind: PendingPut, UID: uint64(1 + i%2), Group: group, ID: id(uint64(i/5), uint64(i%4))})
		}
		p.reset(len(ops), len(ops))
		want := map[ref]int32{}
		for i := range ops {
			op := &ops[i]
			r := ref{op.UID, op.Group, op.ID}
			got, seen := p.find(op)
			w, ok := want[r]
			if !ok {
				w = int32(len(want))
				want[r] = w
			}
			if got != w || seen != ok {
				t.Fatalf("round %d, op %d %+v: find = %d, %v; want %d, %v", round, i, r, got, seen, w, ok)
			}
		}
		if len(p.fates) != len(want) {
			t.Fatalf("round %d: %d fates, want %d", round, len(p.fates), len(want))
		}
	}
}
