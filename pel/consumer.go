package pel

import "github.com/runnel-db/runnel/stream"

// NeverActive is a consumer's ActiveTime before anything was ever added to
// its PEL (Redis reports it as -1 in XINFO).
const NeverActive = -1

// Consumer is a named reader within a group, with its own PEL: the entries
// delivered or claimed to it and not yet acknowledged, in ID order.
type Consumer struct {
	name       string
	group      *Group // nil once the consumer was deleted
	seenTime   int64
	activeTime int64
	pel        pelIndex
}

// Name returns the consumer's name. The string is immutable.
func (c *Consumer) Name() string { return c.name }

// Group returns the group the consumer belongs to, or nil once it was
// deleted.
func (c *Consumer) Group() *Group { return c.group }

// SeenTime returns the Unix millisecond time of the consumer's last attempt
// to read or claim (XINFO's seen-time; idle counts from it).
func (c *Consumer) SeenTime() int64 { return c.seenTime }

// SetSeenTime records an attempt to read or claim at ms. Redis 7.4 does so
// on every XREADGROUP (history, empty and blocking reads included), XCLAIM
// and XAUTOCLAIM, whether or not anything came back.
func (c *Consumer) SetSeenTime(ms int64) { c.seenTime = ms }

// ActiveTime returns the Unix millisecond time an entry was last added to the
// consumer's PEL by Deliver or Claim (XINFO's active-time; inactive counts
// from it), or NeverActive.
func (c *Consumer) ActiveTime() int64 { return c.activeTime }

// Len returns the number of entries pending for the consumer.
func (c *Consumer) Len() int { return c.pel.Len() }

// Pending returns the consumer's pending record for id, or nil.
func (c *Consumer) Pending(id stream.ID) *Pending {
	p, _ := c.pel.Get(id)
	return p
}

// Seek returns a cursor over the consumer's PEL from the first ID >= start,
// in ID order, as XREADGROUP's history reads walk it.
func (c *Consumer) Seek(start stream.ID) *Cursor {
	return &Cursor{c: c.pel.Seek(start)}
}

// Range appends to dst the consumer's pending records selected by q and
// returns the extended slice.
func (c *Consumer) Range(dst []*Pending, q Query) []*Pending {
	return q.appendFrom(dst, c.pel)
}
