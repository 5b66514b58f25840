package stream

import (
	"fmt"
	"testing"
)

// TestCutAfter: CutAfter drops the deleted entries above an ID from the
// last node (and a last node left empty), keeps every live entry and the
// stream's counters, and reports the remaining last node's span.
func TestCutAfter(t *testing.T) {
	cases := []struct {
		name     string
		limit    int
		n        int   // entries 1-0 .. n-0
		del      []int // then deleted
		cut      ID    // CutAfter argument
		wantCut  bool
		wantLast ID     // last entry of the reported node
		wantLen  uint64 // stream length after
	}{
		{"nothing-above", 3, 3, nil, ID{3, 0}, false, ID{}, 3},
		{"one-deleted-in-full-node", 3, 3, []int{3}, ID{2, 5}, true, ID{2, 0}, 2},
		{"open-node", 5, 3, []int{3}, ID{2, 0}, true, ID{2, 0}, 2},
		{"deleted-across-nodes", 4, 6, []int{4, 5, 6}, ID{3, 5}, true, ID{3, 0}, 3},
		{"whole-last-node", 2, 4, []int{3, 4}, ID{2, 0}, false, ID{}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Config{NodeMaxEntries: tc.limit, NodeMaxBytes: 4096})
			for i := 1; i <= tc.n; i++ {
				s.Append(ID{uint64(i), 0}, [][]byte{[]byte("f"), []byte(fmt.Sprint(i))})
			}
			for _, d := range tc.del {
				s.Delete(ID{uint64(d), 0})
			}
			cut, span, data := s.CutAfter(tc.cut)
			if cut != tc.wantCut {
				t.Fatalf("cut = %v, want %v", cut, tc.wantCut)
			}
			if cut && (span.Last != tc.wantLast || len(data) == 0) {
				t.Fatalf("span %v (%d bytes), want last %v", span, len(data), tc.wantLast)
			}
			if s.Len() != tc.wantLen {
				t.Fatalf("Len = %d, want %d", s.Len(), tc.wantLen)
			}
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
