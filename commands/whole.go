package commands

import (
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// addWhole puts o, a stream built whole by COPY or RESTORE, at key of db,
// which must be free. o gets a fresh UID and its access record, and every
// record of its data goes into the running command's batch, so the key
// and all it holds commit together or not at all: the closed nodes whole
// (as XADD writes them when they close), the last node's live entries
// loose, the metadata, and each group with its consumers and PEL. Clients
// blocked on the key and WATCHers are signalled; the caller fires the
// command's own keyspace event.
func (s *Server) addWhole(db *DB, key string, o *Object) {
	s.nextUID++
	o.UID = s.nextUID
	o.start(nowMs(), s.config.lfu.Load())
	db.add(key, o)
	b := s.batch
	b.Add(persist.Op{Kind: persist.KeyPut, DB: db.index, Key: key, UID: o.UID, Expire: o.Expire})
	st := o.Stream
	b.AddStreamMeta(o.UID, persist.StreamMeta{
		LastID: st.LastID(), MaxDeletedID: st.MaxDeletedID(), FirstID: st.FirstID(), EntriesAdded: st.EntriesAdded(),
		Idmp: idmpMeta(st),
	})
	if x := st.PeekIdmp(); x != nil {
		x.Each(func(pid, iid string, r stream.IdmpRecord) { b.AddIdmp(o.UID, pid, iid, r.ID, r.AddedMs) })
	}
	last := st.Nodes()
	i := 0
	st.EachNode(func(n *stream.NodeInfo) bool {
		i++
		if i < last {
			b.AddNode(o.UID, n.Span, n.Data)
			return true
		}
		for _, e := range n.Entries {
			if !e.Deleted {
				b.AddEntry(o.UID, e.ID, e.Fields)
			}
		}
		return true
	})
	if o.Groups != nil {
		for g := range o.Groups.All() {
			b.AddGroup(o.UID, g.Name(), g.LastID, g.EntriesRead)
			for c := range g.Consumers() {
				b.AddConsumer(o.UID, g.Name(), c.Name(), c.SeenTime(), c.ActiveTime())
			}
			cur := g.Seek(stream.Min)
			for p, ok := cur.Next(); ok; p, ok = cur.Next() {
				owner, t := pendingRecord(p)
				b.AddPending(o.UID, g.Name(), p.ID(), owner, t, p.DeliveryCount(), true)
			}
		}
	}
	s.notifyDB(evNew, "new", db.index, []byte(key))
	s.signalKey(db, key)
	s.touchKey(db, key)
}
