package pel

import (
	"math"

	"github.com/runnel-db/runnel/stream"
)

// The delivery-time index serves XREADGROUP's CLAIM option (Redis 8.4),
// which claims a group's pending entries most idle first. It is built
// lazily: a group gets it on its first ClaimIdle or ClaimableAt call and
// maintains it from then on, in link, unlinkGroupLevel, unlinkID and
// setDelivery (group.go). A group that never claims that way keeps a nil
// index, and its deliveries and acknowledgements pay one nil check each:
// an always-on index cost them 30-60%. The index lives in memory only; a
// restarted server rebuilds it on the group's next CLAIM read.

// timeKey orders pending records by delivery time, then by ID, so that
// records delivered in the same millisecond are claimed in ID order.
type timeKey struct {
	t  int64
	id stream.ID
}

// Compare orders keys by time, then ID.
func (a timeKey) Compare(b timeKey) int {
	switch {
	case a.t < b.t:
		return -1
	case a.t > b.t:
		return 1
	}
	return a.id.Compare(b.id)
}

// keyOf returns p's key in the delivery-time index.
func keyOf(p *Pending) timeKey { return timeKey{p.deliveryTime, p.id} }

// timeIndex returns g's delivery-time index, building it from the PEL on
// first use (O(N log N) once; maintained incrementally afterwards).
func (g *Group) timeIndex() *btree[timeKey, *Pending] {
	if g.byTime != nil {
		return g.byTime
	}
	t := &btree[timeKey, *Pending]{}
	cur := g.pel.Seek(stream.Min)
	for {
		_, p, ok := cur.Next()
		if !ok {
			break
		}
		if p.nackSeq == 0 { // released records are in the NACK queue
			t.Set(keyOf(p), p)
		}
	}
	g.byTime = t
	return t
}

// timeLink, timeUnlink and timeMove maintain the delivery-time index for
// group.go's link, unlink and setDelivery, which call them only when the
// index exists. They stay out of line (go:noinline) so that the groups
// without an index pay for a nil check only, not for a larger frame in
// the delivery and acknowledgement paths.
//
//go:noinline
func (g *Group) timeLink(p *Pending) { g.byTime.Set(keyOf(p), p) }

//go:noinline
func (g *Group) timeUnlink(p *Pending) { g.byTime.Delete(keyOf(p)) }

// timeMove refiles p, whose delivery time becomes t.
//
//go:noinline
func (g *Group) timeMove(p *Pending, t int64) {
	g.byTime.Delete(keyOf(p))
	p.deliveryTime = t
	g.byTime.Set(keyOf(p), p)
}

// HasTimeIndex reports whether the group built its delivery-time index
// (for tests and INFO-style introspection).
func (g *Group) HasTimeIndex() bool { return g.byTime != nil }

// IdleClaim is one record ClaimIdle claimed, with the idle time (ms) and
// the delivery count it had just before the claim, which XREADGROUP CLAIM
// reports. The idle time of a record XNACK released is -1, as XPENDING
// shows it (it was delivered to nobody since).
type IdleClaim struct {
	P     *Pending
	Idle  int64
	Count uint64
}

// IdleClaimResult is the outcome of Group.ClaimIdle.
type IdleClaimResult struct {
	// Claimed are the records now owned by the claimer, most idle first
	// (delivery time ascending, ties in ID order).
	Claimed []IdleClaim
	// Deleted are the IDs whose entries were gone from the stream and
	// which the call removed from the PEL, in the order met.
	Deleted []stream.ID
}

// ClaimIdle claims for c at now the group's pending records (of any
// consumer) idle at least minIdle milliseconds, most idle first, at most
// count of them (count <= 0: all), as XREADGROUP ... CLAIM min-idle-time
// does before it reads new entries. The records XNACK released come
// before all others, in NACK-queue order, whatever minIdle. Each claim is
// XCLAIM's default one: the record moves to c, its delivery time becomes
// now and its count grows by one, and c's ActiveTime becomes now. A record whose entry is gone from
// the stream (exists reports false) is removed from the PEL and reported in
// Deleted instead, as XCLAIM and XAUTOCLAIM do; it does not count against
// count. minIdle <= 0 selects every record. c must be a live consumer of g;
// otherwise the result is empty with ErrNotMember or ErrGroupDestroyed.
// What changed is c (when Claimed is not empty), the records in Claimed and
// the IDs in Deleted. The first call builds the group's delivery-time
// index.
func (g *Group) ClaimIdle(c *Consumer, minIdle int64, count int, now int64, exists func(stream.ID) bool) (IdleClaimResult, error) {
	var r IdleClaimResult
	if err := g.member(c); err != nil {
		return r, err
	}
	idx := g.timeIndex()
	threshold := int64(math.MaxInt64)
	if minIdle > 0 {
		threshold = now - minIdle // now >= 0, so this cannot overflow
	}
	// Collect first, claim afterwards: a claim moves the record to time
	// now, where the walk (with minIdle 0) would meet it again.
	var picked []*Pending
	ncur := g.nackq.SeekFirst()
	for count <= 0 || len(picked) < count {
		_, p, ok := ncur.Next()
		if !ok {
			break
		}
		if !exists(p.id) {
			r.Deleted = append(r.Deleted, p.id)
			continue
		}
		picked = append(picked, p)
	}
	cur := idx.SeekFirst()
	for count <= 0 || len(picked) < count {
		k, p, ok := cur.Next()
		if !ok || k.t > threshold {
			break
		}
		if !exists(p.id) {
			r.Deleted = append(r.Deleted, p.id)
			continue
		}
		picked = append(picked, p)
	}
	for _, id := range r.Deleted {
		g.unlinkID(id)
	}
	if len(picked) == 0 {
		return r, nil
	}
	r.Claimed = make([]IdleClaim, len(picked))
	for i, p := range picked {
		idle := p.Idle(now)
		if p.nackSeq != 0 {
			idle = -1
		}
		r.Claimed[i] = IdleClaim{P: p, Idle: idle, Count: p.deliveryCount}
		// No MinIdle in the options: the walk already selected p.
		_ = g.claim(p, c, now, ClaimOptions{})
	}
	return r, nil
}

// ClaimableAt returns the earliest Unix millisecond time at which some
// pending record of g is idle at least minIdle milliseconds (at or before
// now when one already is), and false when the PEL is empty. A blocked
// XREADGROUP ... CLAIM sets its wake-up timer from it. A released record
// is claimable at once: the answer is then 1 (the epoch's first
// millisecond, never 0, which callers read as "nothing"). It builds the
// delivery-time index on first use.
func (g *Group) ClaimableAt(minIdle int64) (int64, bool) {
	if g.pel.Len() == 0 {
		return 0, false
	}
	if g.nackq.Len() > 0 {
		return 1, true
	}
	k, _, ok := g.timeIndex().Min()
	if !ok {
		return 0, false
	}
	minIdle = max(minIdle, 0)
	if k.t > math.MaxInt64-minIdle {
		return math.MaxInt64, true
	}
	return k.t + minIdle, true
}
