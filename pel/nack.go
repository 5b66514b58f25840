package pel

import (
	"math"

	"github.com/runnel-db/runnel/stream"
)

// Redis 8.8's XNACK releases pending entries back to their group without
// acknowledging them: the entry stays in the group PEL but belongs to no
// consumer ("unowned"), its delivery time becomes 0 and its delivery count
// is adjusted by the mode. Released entries form the group's NACK queue, in
// the order they were released (a release of an entry already in the queue
// moves it to the back). XREADGROUP ... CLAIM claims that queue first, in
// its order, before any other pending entry; XCLAIM and XAUTOCLAIM take a
// released entry whatever min-idle-time they are given. (Redis keeps the
// queue as the head of its delivery-time list, "the NACK zone".)
//
// Representation: a released record's owner is the group's unowned
// pseudo-consumer, whose name is empty and which is not among the group's
// consumers (Consumers, Consumer, NumConsumers and Summary never show it;
// Owner().Name() is ""), and its nackSeq is its place in the queue (> 0;
// records owned by a consumer have 0). The queue is the btree nackq keyed by
// nackSeq. Released records are not in the delivery-time index; the NACK
// queue is its head. link, unlink*, setOwner and setDelivery (group.go)
// maintain all of it.

// NackMode is XNACK's SILENT, FAIL or FATAL: what releasing an entry does to
// its delivery count.
type NackMode uint8

const (
	// NackSilent takes one delivery back (the count never goes below 0):
	// the delivery "did not count".
	NackSilent NackMode = iota + 1
	// NackFail leaves the count as it is.
	NackFail
	// NackFatal sets the count to MaxDeliveryCount, marking the entry as
	// permanently failed.
	NackFatal
)

// MaxDeliveryCount is the largest delivery count: LLONG_MAX, which FATAL
// sets and which later deliveries never pass.
const MaxDeliveryCount = math.MaxInt64

// NackOptions are XNACK's mode and options.
type NackOptions struct {
	Mode NackMode
	// SetRetryCount sets the delivery count to RetryCount whatever the
	// mode (XNACK's RETRYCOUNT).
	SetRetryCount bool
	RetryCount    uint64
	// Force creates an unowned record for an id that is not pending
	// (XNACK's FORCE), with count 0, RetryCount when set, or
	// MaxDeliveryCount under NackFatal. The caller must have checked that
	// the entry exists in the stream.
	Force bool
}

// seqKey orders the NACK queue.
type seqKey uint64

// Compare orders keys numerically.
func (a seqKey) Compare(b seqKey) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Nacked reports whether p was released by XNACK and not claimed since:
// it belongs to no consumer (Owner is the group's unowned pseudo-consumer,
// named "") and its delivery time is 0.
func (p *Pending) Nacked() bool { return p.nackSeq != 0 }

// NackSeq returns p's place in its group's NACK queue (greater is later),
// or 0 when p is not released. Persistence records it so that a restart
// keeps the queue's order.
func (p *Pending) NackSeq() uint64 { return p.nackSeq }

// NackedLen returns how many entries of the group are released and not
// claimed since (XINFO STREAM FULL's nacked-count).
func (g *Group) NackedLen() int { return g.nackq.Len() }

// unownedConsumer returns the group's pseudo-consumer for released
// records, creating it on first use.
func (g *Group) unownedConsumer() *Consumer {
	if g.unowned == nil {
		g.unowned = &Consumer{group: g, activeTime: NeverActive, pel: newPELIndex()}
	}
	return g.unowned
}

// Nack releases id as XNACK does for one ID: the record leaves its owner (it
// stays in the group PEL, unowned), its delivery time becomes 0, its count
// is set as o says, and it goes to the back of the NACK queue (also when it
// was already released). An id not pending fails with ErrNotPending unless
// o.Force creates its record; fresh reports that. The record is what
// changed (its former owner's clocks do not change).
func (g *Group) Nack(id stream.ID, o NackOptions) (p *Pending, fresh bool, err error) {
	if g.groups == nil {
		return nil, false, ErrGroupDestroyed
	}
	u := g.unownedConsumer()
	p, pending := g.pel.Get(id)
	if !pending {
		if !o.Force {
			return nil, false, ErrNotPending
		}
		var count uint64
		switch {
		case o.SetRetryCount:
			count = o.RetryCount
		case o.Mode == NackFatal:
			count = MaxDeliveryCount
		}
		g.nackNext++
		p = &Pending{id: id, owner: u, deliveryCount: count, nackSeq: g.nackNext}
		g.link(p)
		return p, true, nil
	}
	count := p.deliveryCount
	switch {
	case o.SetRetryCount:
		count = o.RetryCount
	case o.Mode == NackSilent:
		if count > 0 {
			count--
		}
	case o.Mode == NackFatal:
		count = MaxDeliveryCount
	}
	// Out of every index that orders it, then back in at the queue's end.
	g.unlinkGroupLevel(p)
	p.owner.pel.Delete(p.id)
	g.nackNext++
	p.owner, p.deliveryTime, p.deliveryCount, p.nackSeq = u, 0, count, g.nackNext
	g.link(p)
	return p, false, nil
}

// LoadNacked adds a released record as it was saved (its place in the NACK
// queue and its count), for recovery. It returns ErrAlreadyPending if id
// has a record, ErrNackPlace if seq is 0 or another record's. Records may be loaded in any order; the queue orders them
// by seq, and later releases go after the largest seq loaded.
func (g *Group) LoadNacked(id stream.ID, seq, deliveryCount uint64) (*Pending, error) {
	if g.groups == nil {
		return nil, ErrGroupDestroyed
	}
	if _, ok := g.pel.Get(id); ok {
		return nil, ErrAlreadyPending
	}
	if _, taken := g.nackq.Get(seqKey(seq)); taken || seq == 0 {
		return nil, ErrNackPlace
	}
	p := &Pending{id: id, owner: g.unownedConsumer(), deliveryCount: deliveryCount, nackSeq: seq}
	g.link(p)
	g.nackNext = max(g.nackNext, seq)
	return p, nil
}

// Nacked iterates over the released records in NACK-queue order (the
// order XREADGROUP ... CLAIM takes them). The group must not change during
// the iteration.
func (g *Group) Nacked(yield func(*Pending) bool) {
	cur := g.nackq.SeekFirst()
	for {
		_, p, ok := cur.Next()
		if !ok || !yield(p) {
			return
		}
	}
}

// addCount is a delivery count grown by one, never past MaxDeliveryCount.
func addCount(count uint64) uint64 {
	if count >= MaxDeliveryCount {
		return MaxDeliveryCount
	}
	return count + 1
}
