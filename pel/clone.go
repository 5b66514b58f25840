package pel

import "github.com/runnel-db/runnel/stream"

// Clone returns a deep copy of the groups, as COPY gives the new key: each
// group's cursor, its consumers with their clocks, and its PEL with owners,
// delivery times and counts. Nothing is shared with s.
func (s *Groups) Clone() *Groups {
	c := &Groups{}
	for g := range s.All() {
		ng, err := c.Create(g.name, g.LastID, g.EntriesRead)
		if err != nil {
			panic("pel: Clone: " + err.Error()) // names are unique in s
		}
		for con := range g.Consumers() {
			if _, err := ng.LoadConsumer(con.name, con.seenTime, con.activeTime); err != nil {
				panic("pel: Clone: " + err.Error())
			}
		}
		cur := g.Seek(stream.Min)
		for p, ok := cur.Next(); ok; p, ok = cur.Next() {
			var err error
			if p.nackSeq != 0 {
				_, err = ng.LoadNacked(p.id, p.nackSeq, p.deliveryCount)
			} else {
				_, err = ng.LoadPending(p.id, ng.Consumer(p.owner.name), p.deliveryTime, p.deliveryCount)
			}
			if err != nil {
				panic("pel: Clone: " + err.Error())
			}
		}
		ng.nackNext = g.nackNext
	}
	return c
}
