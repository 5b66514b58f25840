package persist

import (
	"slices"
	"testing"
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
	tests := []struct {
		name string
		ops  []Op
		drop []int // indices marked, ascending
	}{
		{"one write", []Op{entry, meta(1)}, nil},
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
				any := tr.superseded(&Batch{Ops: tc.ops})
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
