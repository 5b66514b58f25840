package commands

import (
	"sync"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// discardStore applies batches by reading their ops and keeping nothing,
// under a fixed fsync policy, so a benchmark sees the committer's cost and
// not the store's.
type discardStore struct {
	policy persist.FsyncPolicy
	ops    int
}

func (s *discardStore) Policy() persist.FsyncPolicy { return s.policy }
func (s *discardStore) Apply(b *persist.Batch) (persist.Ticket, error) {
	s.ops += b.Len()
	return persist.Ticket{}, nil
}
func (s *discardStore) Commit(b *persist.Batch) error { _, err := s.Apply(b); return err }
func (s *discardStore) Close() error                  { return nil }

// BenchmarkCommitXAdd is the commit path of one XADD of a 100-byte field:
// its entry and stream metadata ops added under the keyspace lock, sealed,
// and the reply's wait. Under no the background goroutine applies merged
// batches; under always each wait leads the apply of its own batch.
func BenchmarkCommitXAdd(b *testing.B) {
	for _, p := range []persist.FsyncPolicy{persist.No, persist.Always} {
		b.Run(p.String(), func(b *testing.B) {
			st := &discardStore{policy: p}
			var ks sync.Mutex
			c := newCommitter(st, &ks, nil, commitTiming{})
			fields := [][]byte{[]byte("f"), make([]byte, 100)}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				ks.Lock()
				id := stream.ID{Ms: uint64(i)}
				c.open.AddEntry(1, id, fields)
				c.open.Add(persist.Op{Kind: persist.StreamMetaPut, UID: 1, Meta: persist.StreamMeta{LastID: id, EntriesAdded: uint64(i)}})
				seq := c.enqueue()
				ks.Unlock()
				if err := c.wait(seq); err != nil {
					b.Fatal(err)
				}
			}
			c.close()
		})
	}
}
