package persist

import (
	"fmt"
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// idmpLoader keeps what Load passes of the idempotent-production records.
type idmpLoader struct {
	touchLoader
	metas map[uint64]StreamMeta
	iids  []string
}

func (l *idmpLoader) Meta(uid uint64, m StreamMeta) error {
	l.metas[uid] = m
	return nil
}

func (l *idmpLoader) Idmp(uid uint64, pid, iid []byte, id stream.ID, ms int64) error {
	l.iids = append(l.iids, fmt.Sprintf("%d %q %q %v %d", uid, pid, iid, id, ms))
	return nil
}

// TestIdmpRecords writes the idempotent-ID ops and the metadata's IDMP
// tail, reopens the store and checks what Load passes: a put, a delete,
// a clear of one stream leaving another's records, pids that are prefixes
// of each other kept apart, and metadata without the tail read as before.
func TestIdmpRecords(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	var b Batch
	b.Add(Op{Kind: KeyPut, Key: "a", UID: 1})
	b.Add(Op{Kind: KeyPut, Key: "b", UID: 2})
	b.AddStreamMeta(1, StreamMeta{LastID: stream.ID{Ms: 9}, EntriesAdded: 3,
		Idmp: IdmpMeta{Duration: 60, MaxSize: 2, Added: 7, Duplicates: 5}})
	b.AddStreamMeta(2, StreamMeta{LastID: stream.ID{Ms: 4}, EntriesAdded: 1})
	b.AddIdmp(1, "p", "x", stream.ID{Ms: 1}, 100)
	b.AddIdmp(1, "pp", "x", stream.ID{Ms: 2}, 200)
	b.AddIdmp(1, "p", "px", stream.ID{Ms: 3}, 300)
	b.AddIdmp(2, "q", "y", stream.ID{Ms: 4}, 400)
	commitT(t, s, &b)
	b.Reset()
	b.AddIdmpDel(1, "p", "x")
	b.Add(Op{Kind: IdmpClear, UID: 2})
	b.AddIdmp(2, "q", "z", stream.ID{Ms: 5}, 500) // after the clear: kept
	commitT(t, s, &b)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, Options{})
	defer s.Close()
	l := &idmpLoader{metas: map[uint64]StreamMeta{}}
	if _, err := s.Load(l); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`1 "p" "px" 3-0 300`,
		`1 "pp" "x" 2-0 200`,
		`2 "q" "z" 5-0 500`,
	}
	if !slices.Equal(l.iids, want) {
		t.Errorf("iids %q, want %q", l.iids, want)
	}
	if m := l.metas[1].Idmp; m != (IdmpMeta{Duration: 60, MaxSize: 2, Added: 7, Duplicates: 5}) {
		t.Errorf("uid 1 IDMP metadata %+v", m)
	}
	if m := l.metas[2]; m.Idmp != (IdmpMeta{}) || m.EntriesAdded != 1 {
		t.Errorf("uid 2 metadata %+v", m)
	}
	// A stream without IDMP state writes the metadata record of before.
	if n := len(appendMetaValue(nil, StreamMeta{EntriesAdded: 1})); n != metaValLen {
		t.Errorf("plain metadata value of %d bytes, want %d", n, metaValLen)
	}
	if _, ok := parseMetaValue(make([]byte, metaValLen+1)); ok {
		t.Error("a metadata value of a stray length parsed")
	}
}
