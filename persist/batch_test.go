package persist

import (
	"bytes"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// TestBatchReuse checks that a reset batch keeps no op and that entries
// added after a reset own their bytes: reusing the arena and the slab must
// not change ops added since.
func TestBatchReuse(t *testing.T) {
	var b Batch
	f := [][]byte{[]byte("f"), []byte("v1")}
	b.AddEntry(1, stream.ID{Ms: 1}, f)
	b.Add(Op{Kind: StreamMetaPut, UID: 1})
	if b.Len() != 2 {
		t.Fatalf("Len = %d, want 2", b.Len())
	}
	b.Reset()
	if b.Len() != 0 || len(b.Ops) != 0 {
		t.Fatalf("after Reset: Len %d, %d ops", b.Len(), len(b.Ops))
	}
	for i := 0; i < 1000; i++ { // enough to outgrow the first slab and arena
		f[1] = bytes.Repeat([]byte{byte('a' + i%26)}, i%50)
		b.AddEntry(1, stream.ID{Ms: uint64(i)}, f)
		for j := range f[1] {
			f[1][j] = '!' // the caller reuses its buffers
		}
	}
	for i, op := range b.Ops {
		want := bytes.Repeat([]byte{byte('a' + i%26)}, i%50)
		if op.Kind != EntryPut || op.ID.Ms != uint64(i) || string(op.Fields[0]) != "f" || !bytes.Equal(op.Fields[1], want) {
			t.Fatalf("op %d = %+v", i, op)
		}
	}
}

// TestBatchCountOnly checks that a counting batch reports the ops added
// without keeping any.
func TestBatchCountOnly(t *testing.T) {
	var b Batch
	b.CountOnly()
	b.AddEntry(1, stream.ID{Ms: 1}, [][]byte{[]byte("f"), []byte("v")})
	b.Add(Op{Kind: StreamMetaPut, UID: 1})
	b.Add(Op{Kind: KeyDel, Key: "k"})
	if b.Len() != 3 || len(b.Ops) != 0 {
		t.Fatalf("Len %d with %d ops kept, want 3 and 0", b.Len(), len(b.Ops))
	}
	b.Reset()
	if b.Len() != 0 {
		t.Fatalf("Len %d after Reset", b.Len())
	}
}
