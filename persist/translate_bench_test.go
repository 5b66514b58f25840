package persist

import (
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/runnel-db/runnel/stream"
)

// groupBatch returns a merged batch shaped like the consumer-group
// workload's under appendfsync no: producers' XADDs (an entry and the
// stream's metadata each), and consumers' XREADGROUP '>' reads (a fresh
// pending record per entry, the group's cursor, the consumer's clocks)
// followed by the XACK of what they read, until about ops ops.
func groupBatch(ops int) *Batch {
	b := &Batch{}
	f := fields("payload", string(make([]byte, 100)))
	consumers := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"}
	var prev []stream.ID
	added := uint64(0)
	for round := 0; b.Len() < ops; round++ {
		read := make([]stream.ID, 0, 16)
		for range 16 {
			added++
			id := stream.ID{Ms: 1700000000000 + added/4, Seq: added % 4}
			b.AddEntry(1, id, f)
			b.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: StreamMeta{LastID: id, FirstID: stream.ID{Ms: 1}, EntriesAdded: added}})
			read = append(read, id)
		}
		// A consumer reads what was just added, and the previous round's
		// reader acknowledges its read: acks trail deliveries by a round
		// trip, as they do under load.
		c := consumers[round%len(consumers)]
		for _, id := range read {
			b.Add(Op{Kind: PendingPut, UID: 1, Group: "g", ID: id, Consumer: c, DeliveryTime: int64(added), DeliveryCount: 1, Fresh: true})
		}
		b.Add(Op{Kind: GroupPut, UID: 1, Group: "g", GroupLastID: read[len(read)-1], EntriesRead: int64(added)})
		b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g", Consumer: c, SeenTime: int64(added), ActiveTime: int64(added)})
		for _, id := range prev {
			b.Add(Op{Kind: PendingDel, UID: 1, Group: "g", ID: id})
		}
		prev = read
	}
	return b
}

// BenchmarkTranslateGroupBatch translates a merged batch of the
// consumer-group workload (about 4,096 ops, the size at which the server
// applies a deferred queue early) into a Pebble batch: the analysis that
// skips superseded and cancelled records, and the encoding of the rest.
// ns/op is per op of the batch.
func BenchmarkTranslateGroupBatch(b *testing.B) {
	s := openT(b, "", Options{Fsync: No, fs: vfs.NewMem()})
	defer s.Close()
	batch := groupBatch(4096)
	t := &translator{read: s.readKeys}
	b.ReportAllocs()
	for b.Loop() {
		t.pb = s.db.NewBatch()
		if err := t.translate(batch); err != nil {
			b.Fatal(err)
		}
		t.pb.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(batch.Len()), "ns/batch-op")
}

// BenchmarkBatchGroupOps adds the ops of one message of the consumer-group
// workload (its entry and the stream's metadata, its delivery, a share of
// the group and consumer records, its acknowledgement) to a reused batch,
// through Add and through the in-place adders. ns/op is per message.
func BenchmarkBatchGroupOps(b *testing.B) {
	f := fields("payload", string(make([]byte, 100)))
	m := StreamMeta{LastID: stream.ID{Ms: 1}, EntriesAdded: 1}
	for _, inPlace := range []bool{false, true} {
		name := "Add"
		if inPlace {
			name = "adders"
		}
		b.Run(name, func(b *testing.B) {
			bt := &Batch{}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%1024 == 0 {
					bt.Reset()
				}
				id := stream.ID{Ms: uint64(i)}
				bt.AddEntry(1, id, f)
				if inPlace {
					bt.AddStreamMeta(1, m)
					bt.AddPending(1, "g", id, "c", 1, 1, true)
					if i%12 == 0 {
						bt.AddGroup(1, "g", id, int64(i))
						bt.AddConsumer(1, "g", "c", 1, 1)
					}
					bt.AddPendingDel(1, "g", id)
					continue
				}
				bt.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: m})
				bt.Add(Op{Kind: PendingPut, UID: 1, Group: "g", ID: id, Consumer: "c", DeliveryTime: 1, DeliveryCount: 1, Fresh: true})
				if i%12 == 0 {
					bt.Add(Op{Kind: GroupPut, UID: 1, Group: "g", GroupLastID: id, EntriesRead: int64(i)})
					bt.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g", Consumer: "c", SeenTime: 1, ActiveTime: 1})
				}
				bt.Add(Op{Kind: PendingDel, UID: 1, Group: "g", ID: id})
			}
		})
	}
}
