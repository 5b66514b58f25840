package pel

import (
	"iter"

	"github.com/runnel-db/runnel/stream"
)

// UnknownEntriesRead is the EntriesRead of a group whose logical read
// counter is not known (Redis's SCG_INVALID_ENTRIES_READ); its lag is then
// computed another way or reported as nil.
const UnknownEntriesRead = -1

// Group is a consumer group of one stream: its delivery cursor, its
// consumers and its PEL. Create groups with Groups.Create.
type Group struct {
	name string
	// LastID is the last ID delivered to the group (XINFO's
	// last-delivered-id). The command layer assigns it directly: XGROUP
	// CREATE/SETID set it, a '>' read moves it forward, XCLAIM's LASTID may
	// raise it. Nothing in this package depends on it.
	LastID stream.ID
	// EntriesRead is the group's logical read counter (XINFO's
	// entries-read), or UnknownEntriesRead. Like LastID, the command layer
	// maintains it with Redis's rules, which need the stream's metadata.
	EntriesRead int64

	groups    *Groups // nil once destroyed
	pel       pelIndex
	consumers btree[name, *Consumer]
	// byTime indexes the PEL by delivery time then ID, for XREADGROUP's
	// CLAIM option; nil until the group's first CLAIM read (claimidle.go).
	byTime *btree[timeKey, *Pending]
	// unowned holds the records XNACK released (nil until the first), and
	// nackq orders them by nackSeq, the last of which is nackNext (nack.go).
	unowned  *Consumer
	nackq    btree[seqKey, *Pending]
	nackNext uint64
}

// Name returns the group's name. The string is immutable.
func (g *Group) Name() string { return g.name }

// Destroyed reports whether the group was removed from its stream.
func (g *Group) Destroyed() bool { return g.groups == nil }

// Len returns the number of entries pending in the group.
func (g *Group) Len() int { return g.pel.Len() }

// NumConsumers returns the number of consumers.
func (g *Group) NumConsumers() int { return g.consumers.Len() }

// Consumer returns the consumer called consumerName, or nil.
func (g *Group) Consumer(consumerName string) *Consumer {
	c, _ := g.consumers.Get(name(consumerName))
	return c
}

// ConsumerBytes is Consumer for a name given as bytes, which it reads only
// during the call (see Groups.GetBytes).
func (g *Group) ConsumerBytes(consumerName []byte) *Consumer {
	return g.Consumer(transientString(consumerName))
}

// CreateConsumer returns the consumer called consumerName, creating it when
// it does not exist, with SeenTime now and ActiveTime NeverActive, as XGROUP
// CREATECONSUMER and the implicit creation of XREADGROUP, XCLAIM and
// XAUTOCLAIM do. created reports whether it was new (the caller then records
// the consumer and fires xgroup-createconsumer). It returns nil on a
// destroyed group.
func (g *Group) CreateConsumer(consumerName string, now int64) (c *Consumer, created bool) {
	if g.groups == nil {
		return nil, false
	}
	if c := g.Consumer(consumerName); c != nil {
		return c, false
	}
	c = &Consumer{name: consumerName, group: g, seenTime: now, activeTime: NeverActive, pel: newPELIndex()}
	g.consumers.Set(name(consumerName), c)
	return c, true
}

// DeleteConsumer removes the consumer called consumerName with its pending
// entries, which leave the group PEL too, as XGROUP DELCONSUMER does. It
// calls dropped, when not nil, for each removed record, in ID order (dropped
// must not change the group), and returns how many there were and whether
// the consumer existed. The deleted
// Consumer is detached: operations given it fail with ErrNotMember.
func (g *Group) DeleteConsumer(consumerName string, dropped func(*Pending)) (n int, found bool) {
	c := g.Consumer(consumerName)
	if c == nil || g.groups == nil {
		return 0, false
	}
	cur := c.pel.Seek(stream.Min)
	for {
		_, p, ok := cur.Next()
		if !ok {
			break
		}
		g.unlinkGroupLevel(p)
		p.owner = nil
		n++
		if dropped != nil {
			dropped(p)
		}
	}
	g.consumers.Delete(name(consumerName))
	c.pel = newPELIndex()
	c.group = nil
	return n, true
}

// Consumers iterates over the consumers in name order (byte order, as Redis
// lists them). Consumers may be created or deleted during the iteration; it
// continues after the last name it yielded.
func (g *Group) Consumers() iter.Seq[*Consumer] {
	return func(yield func(*Consumer) bool) {
		cur := g.consumers.SeekFirst()
		for {
			_, c, ok := cur.Next()
			if !ok || !yield(c) {
				return
			}
		}
	}
}

// Pending returns the group's pending record for id, or nil.
func (g *Group) Pending(id stream.ID) *Pending {
	p, _ := g.pel.Get(id)
	return p
}

// member reports why c cannot be used with g, if it cannot.
func (g *Group) member(c *Consumer) error {
	switch {
	case g.groups == nil:
		return ErrGroupDestroyed
	case c == nil || c.group != g || c == g.unowned:
		return ErrNotMember
	}
	return nil
}

// Deliver records that the entry id was delivered to c at now by an
// XREADGROUP '>' read without NOACK. If id is already pending (possible
// after XGROUP SETID moved LastID backwards) the record is reassigned to c
// (leaving the NACK queue if it was released) and its delivery time and
// count restart at now and 1, exactly as Redis does; otherwise a new
// record is created with time now and count 1, and fresh is set. c's
// ActiveTime becomes now. The returned record is what changed, with c.
func (g *Group) Deliver(c *Consumer, id stream.ID, now int64) (p *Pending, fresh bool, err error) {
	if err := g.member(c); err != nil {
		return nil, false, err
	}
	if p, ok := g.pel.Get(id); ok {
		g.setOwner(p, c)
		g.setDelivery(p, now, 1)
		c.activeTime = now
		return p, false, nil
	}
	p = &Pending{id: id, owner: c, deliveryTime: now, deliveryCount: 1}
	g.link(p)
	c.activeTime = now
	return p, true, nil
}

// Redeliver records that a history read (XREADGROUP with an explicit ID)
// returned p's entry again at now: the delivery time becomes now and the
// count grows by one. Redis does this only for entries still in the stream;
// for deleted ones it replies with a nil body and leaves the record alone, so
// the caller must not call Redeliver for them. The owner's ActiveTime does
// not change (history reads never count as activity).
func (g *Group) Redeliver(p *Pending, now int64) error {
	if g.groups == nil {
		return ErrGroupDestroyed
	}
	if p == nil || p.owner == nil || p.owner.group != g || p.nackSeq != 0 {
		return ErrNotPending
	}
	g.setDelivery(p, now, addCount(p.deliveryCount))
	return nil
}

// Ack removes id from the PEL (from the group's and from its owner's) and
// reports whether it was pending, as XACK counts. The command layer also
// uses it when XCLAIM or XAUTOCLAIM find a pending entry that was deleted
// from the stream.
func (g *Group) Ack(id stream.ID) bool {
	if g.groups == nil {
		return false
	}
	_, ok := g.unlinkID(id)
	return ok
}

// ClaimOptions are XCLAIM's and XAUTOCLAIM's knobs. The zero value claims
// the way XAUTOCLAIM without JUSTID does: no idle filter, delivery time now,
// count incremented.
type ClaimOptions struct {
	// MinIdle, when positive, refuses (ErrTooRecent) entries idle less than
	// MinIdle milliseconds. It does not apply to records created by Force.
	MinIdle int64
	// SetTime sets the delivery time to Time (XCLAIM's IDLE or TIME, the
	// caller turning IDLE into now-IDLE) instead of now. As in Redis, a
	// Time that is negative or later than now becomes now.
	SetTime bool
	Time    int64
	// SetRetryCount sets the delivery count to RetryCount (XCLAIM's
	// RETRYCOUNT; the caller treats a negative RETRYCOUNT as not given,
	// as Redis does).
	SetRetryCount bool
	RetryCount    uint64
	// JustID leaves the delivery count alone when SetRetryCount is false.
	JustID bool
	// Force creates the record when id is not pending (XCLAIM's FORCE). As
	// in Redis the new record starts with count 1 and is then claimed like
	// any other, so without JustID or SetRetryCount its count is 2. The
	// caller must have checked that the entry exists in the stream.
	Force bool
}

// Claim gives the pending entry id to c at now, as XCLAIM does for one ID
// after the caller checked that the entry still exists in the stream: the
// record moves to c's PEL (if another consumer held it), its delivery time
// and count are set as o says, and c's ActiveTime becomes now. It returns
// the changed record, or ErrNotPending (not pending and no Force),
// ErrTooRecent (below MinIdle), ErrNotMember or ErrGroupDestroyed, in which
// case nothing changed.
func (g *Group) Claim(id stream.ID, c *Consumer, now int64, o ClaimOptions) (*Pending, error) {
	if err := g.member(c); err != nil {
		return nil, err
	}
	p, pending := g.pel.Get(id)
	if pending {
		if err := g.claim(p, c, now, o); err != nil {
			return nil, err
		}
		return p, nil
	}
	if !o.Force {
		return nil, ErrNotPending
	}
	// Redis creates the record with count 1 and then claims it like any
	// other, skipping the idle check.
	p = &Pending{id: id, owner: c, deliveryTime: claimTime(now, o), deliveryCount: claimCount(1, o)}
	g.link(p)
	c.activeTime = now
	return p, nil
}

// ClaimPending is Claim for a record the caller already holds, typically
// from a Cursor during XAUTOCLAIM's scan, which saves the lookup. It returns
// ErrNotPending if p is not pending in g; Force is meaningless here.
func (g *Group) ClaimPending(p *Pending, c *Consumer, now int64, o ClaimOptions) error {
	if err := g.member(c); err != nil {
		return err
	}
	if p == nil || p.owner == nil || p.owner.group != g {
		return ErrNotPending
	}
	return g.claim(p, c, now, o)
}

func (g *Group) claim(p *Pending, c *Consumer, now int64, o ClaimOptions) error {
	// A released record is claimable whatever the idle time asked.
	if o.MinIdle > 0 && p.nackSeq == 0 && now-p.deliveryTime < o.MinIdle {
		return ErrTooRecent
	}
	g.setOwner(p, c)
	g.setDelivery(p, claimTime(now, o), claimCount(p.deliveryCount, o))
	c.activeTime = now
	return nil
}

// claimTime is the delivery time a claim sets: o.Time when given and
// sensible, now otherwise.
func claimTime(now int64, o ClaimOptions) int64 {
	if o.SetTime && o.Time >= 0 && o.Time <= now {
		return o.Time
	}
	return now
}

// claimCount is the delivery count a claim sets on a record whose count was
// count.
func claimCount(count uint64, o ClaimOptions) uint64 {
	switch {
	case o.SetRetryCount:
		return o.RetryCount
	case o.JustID:
		return count
	}
	return addCount(count)
}

// Seek returns a cursor over the group PEL from the first ID >= start, in ID
// order. XAUTOCLAIM's scan is built on it: the caller spends one attempt per
// record, acks records whose entry was deleted, claims the idle ones, and
// takes the record after the last one it handled as the next start (0-0 when
// the cursor is exhausted).
func (g *Group) Seek(start stream.ID) *Cursor {
	return &Cursor{c: g.pel.Seek(start)}
}

// Range appends to dst the group's pending records selected by q (XPENDING's
// extended form without a consumer) and returns the extended slice.
func (g *Group) Range(dst []*Pending, q Query) []*Pending {
	return q.appendFrom(dst, g.pel)
}

// Summary is what XPENDING's summary form reports.
type Summary struct {
	// Count is the number of pending entries; Min and Max are the smallest
	// and greatest pending IDs when Count > 0.
	Count    int
	Min, Max stream.ID
	// Consumers lists the consumers with at least one pending entry, in
	// name order, with their counts.
	Consumers []ConsumerCount
}

// ConsumerCount is one consumer's line in a Summary.
type ConsumerCount struct {
	Name  string
	Count int
}

// Summary returns the PEL summary. It costs O(consumers).
func (g *Group) Summary() Summary {
	s := Summary{Count: g.pel.Len()}
	if s.Count == 0 {
		return s
	}
	s.Min, _, _ = g.pel.Min()
	s.Max, _, _ = g.pel.Max()
	for c := range g.Consumers() {
		if n := c.pel.Len(); n > 0 {
			s.Consumers = append(s.Consumers, ConsumerCount{Name: c.name, Count: n})
		}
	}
	return s
}

// LoadConsumer adds a consumer with the given clocks, for recovery and
// RESTORE. It returns ErrConsumerExists if the name is taken.
func (g *Group) LoadConsumer(consumerName string, seenTime, activeTime int64) (*Consumer, error) {
	if g.groups == nil {
		return nil, ErrGroupDestroyed
	}
	if g.Consumer(consumerName) != nil {
		return nil, ErrConsumerExists
	}
	c, _ := g.CreateConsumer(consumerName, seenTime)
	c.activeTime = activeTime
	return c, nil
}

// LoadPending adds a pending record as it was saved, for recovery and
// RESTORE; owner's clocks are left alone. It returns ErrAlreadyPending if id
// has a record, or ErrNotMember.
func (g *Group) LoadPending(id stream.ID, owner *Consumer, deliveryTime int64, deliveryCount uint64) (*Pending, error) {
	if err := g.member(owner); err != nil {
		return nil, err
	}
	if _, ok := g.pel.Get(id); ok {
		return nil, ErrAlreadyPending
	}
	p := &Pending{id: id, owner: owner, deliveryTime: deliveryTime, deliveryCount: deliveryCount}
	g.link(p)
	return p, nil
}

// The methods below are the only code that changes PEL indexes or a
// record's owner and delivery fields. An index ordered by delivery time, or
// a per-stream index of which groups hold an ID, is maintained here.

// link adds the new record p (owner set) to the group PEL and its owner's,
// and to the NACK queue (when released) or the delivery-time index.
func (g *Group) link(p *Pending) {
	g.pel.Set(p.id, p)
	p.owner.pel.Set(p.id, p)
	switch {
	case p.nackSeq != 0:
		g.nackq.Set(seqKey(p.nackSeq), p)
	case g.byTime != nil:
		g.timeLink(p)
	}
}

// unlink removes p from the group and from its owner.
func (g *Group) unlink(p *Pending) {
	g.unlinkGroupLevel(p)
	p.owner.pel.Delete(p.id)
	p.owner = nil
}

// unlinkID is unlink for the record of id, if it is pending, which it
// returns: removing it from the group PEL finds it, saving unlink's
// separate lookup (XACK's path). It must do what unlink does.
func (g *Group) unlinkID(id stream.ID) (*Pending, bool) {
	p, ok := g.pel.Delete(id)
	if !ok {
		return nil, false
	}
	switch {
	case p.nackSeq != 0:
		g.nackq.Delete(seqKey(p.nackSeq))
		p.nackSeq = 0
	case g.byTime != nil:
		g.timeUnlink(p)
	}
	p.owner.pel.Delete(id)
	p.owner = nil
	return p, true
}

// unlinkGroupLevel removes p from the group-wide indexes only; DeleteConsumer
// discards the owner's index as a whole.
func (g *Group) unlinkGroupLevel(p *Pending) {
	g.pel.Delete(p.id)
	switch {
	case p.nackSeq != 0:
		g.nackq.Delete(seqKey(p.nackSeq))
		p.nackSeq = 0
	case g.byTime != nil:
		g.timeUnlink(p)
	}
}

// setOwner moves p to c's PEL. A released record leaves the NACK queue
// for the delivery-time index, under its current time (0), which the
// setDelivery that follows moves.
func (g *Group) setOwner(p *Pending, c *Consumer) {
	if p.owner == c {
		return
	}
	p.owner.pel.Delete(p.id)
	c.pel.Set(p.id, p)
	p.owner = c
	if p.nackSeq != 0 {
		g.nackq.Delete(seqKey(p.nackSeq))
		p.nackSeq = 0
		if g.byTime != nil {
			g.timeLink(p)
		}
	}
}

// setDelivery changes p's delivery time and count.
func (g *Group) setDelivery(p *Pending, t int64, count uint64) {
	if g.byTime != nil && t != p.deliveryTime {
		g.timeMove(p, t)
	}
	p.deliveryTime = t
	p.deliveryCount = count
}
