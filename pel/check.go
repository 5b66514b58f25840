package pel

import (
	"fmt"

	"github.com/runnel-db/runnel/stream"
)

// Check verifies the group's invariants: the group PEL is exactly the
// disjoint union of the consumers' PELs; every record is filed under its own
// ID, has an owner that is a live consumer of the group and holds it; the
// consumer index is keyed by each consumer's name; and every index is a
// well-formed tree. It is O(N) and meant for tests and debugging. Pending IDs
// above LastID and delivery counts of 0 are legal (XGROUP SETID, RETRYCOUNT
// 0) and not reported.
func (g *Group) Check() error {
	if err := g.pel.check(); err != nil {
		return fmt.Errorf("group %q PEL: %w", g.name, err)
	}
	if err := g.consumers.check(); err != nil {
		return fmt.Errorf("group %q consumers: %w", g.name, err)
	}
	total := 0
	ccur := g.consumers.SeekFirst()
	for {
		key, c, ok := ccur.Next()
		if !ok {
			break
		}
		if string(key) != c.name {
			return fmt.Errorf("group %q: consumer %q filed under %q", g.name, c.name, key)
		}
		if c.group != g {
			return fmt.Errorf("group %q: consumer %q does not point back to the group", g.name, c.name)
		}
		if err := c.pel.check(); err != nil {
			return fmt.Errorf("group %q consumer %q PEL: %w", g.name, c.name, err)
		}
		total += c.pel.Len()
		pcur := c.pel.Seek(stream.Min)
		for {
			id, p, ok := pcur.Next()
			if !ok {
				break
			}
			switch gp, _ := g.pel.Get(id); {
			case p == nil:
				return fmt.Errorf("group %q consumer %q: nil record at %v", g.name, c.name, id)
			case p.id != id:
				return fmt.Errorf("group %q consumer %q: record %v filed under %v", g.name, c.name, p.id, id)
			case p.owner != c:
				return fmt.Errorf("group %q consumer %q holds %v, owned by someone else", g.name, c.name, id)
			case gp != p:
				return fmt.Errorf("group %q consumer %q holds %v, which the group PEL lacks", g.name, c.name, id)
			}
		}
	}
	if err := g.checkNacked(); err != nil {
		return err
	}
	if g.unowned != nil {
		total += g.unowned.pel.Len()
	}
	if total != g.pel.Len() {
		return fmt.Errorf("group %q: consumers hold %d records, group PEL %d", g.name, total, g.pel.Len())
	}
	if err := g.checkTimeIndex(); err != nil {
		return err
	}
	pcur := g.pel.Seek(stream.Min)
	for {
		id, p, ok := pcur.Next()
		if !ok {
			break
		}
		switch {
		case p == nil:
			return fmt.Errorf("group %q: nil record at %v", g.name, id)
		case p.id != id:
			return fmt.Errorf("group %q: record %v filed under %v", g.name, p.id, id)
		case p.owner == nil:
			return fmt.Errorf("group %q: record %v has no owner", g.name, id)
		case p.owner == g.unowned:
			if p.nackSeq == 0 || p.owner.Pending(id) != p {
				return fmt.Errorf("group %q: unowned record %v not in the NACK queue", g.name, id)
			}
		case p.nackSeq != 0:
			return fmt.Errorf("group %q: record %v of %q has a NACK place", g.name, id, p.owner.name)
		case g.Consumer(p.owner.name) != p.owner:
			return fmt.Errorf("group %q: record %v owned by %q, not a consumer of the group", g.name, id, p.owner.name)
		case p.owner.Pending(id) != p:
			return fmt.Errorf("group %q: record %v missing from its owner %q", g.name, id, p.owner.name)
		}
	}
	return nil
}

// Check verifies every group (see Group.Check) and that each is filed under
// its own name and points back to s.
func (s *Groups) Check() error {
	if err := s.byName.check(); err != nil {
		return fmt.Errorf("groups: %w", err)
	}
	cur := s.byName.SeekFirst()
	for {
		key, g, ok := cur.Next()
		if !ok {
			return nil
		}
		if string(key) != g.name || g.groups != s {
			return fmt.Errorf("groups: group %q filed under %q or not pointing back", g.name, key)
		}
		if err := g.Check(); err != nil {
			return err
		}
	}
}

// checkTimeIndex verifies the delivery-time index, when the group has one:
// it holds exactly the PEL's records, each under its current time and ID.
func (g *Group) checkTimeIndex() error {
	if g.byTime == nil {
		return nil
	}
	if err := g.byTime.check(); err != nil {
		return fmt.Errorf("group %q time index: %w", g.name, err)
	}
	if g.byTime.Len() != g.pel.Len()-g.nackq.Len() {
		return fmt.Errorf("group %q: time index holds %d records, PEL %d of which %d released", g.name, g.byTime.Len(), g.pel.Len(), g.nackq.Len())
	}
	cur := g.byTime.SeekFirst()
	for {
		k, p, ok := cur.Next()
		if !ok {
			return nil
		}
		if k != keyOf(p) {
			return fmt.Errorf("group %q: record %v filed in the time index under %d, delivered at %d", g.name, p.id, k.t, p.deliveryTime)
		}
		if gp, _ := g.pel.Get(p.id); gp != p {
			return fmt.Errorf("group %q: time index holds %v, which the PEL lacks", g.name, p.id)
		}
		if p.nackSeq != 0 {
			return fmt.Errorf("group %q: time index holds the released record %v", g.name, p.id)
		}
	}
}

// checkNacked verifies the NACK queue: it holds exactly the records of the
// unowned pseudo-consumer, each under its own place, none past nackNext,
// each delivered at time 0, and the pseudo-consumer is none of the group's
// consumers.
func (g *Group) checkNacked() error {
	if err := g.nackq.check(); err != nil {
		return fmt.Errorf("group %q NACK queue: %w", g.name, err)
	}
	n := 0
	if g.unowned != nil {
		n = g.unowned.pel.Len()
		if g.unowned.group != g || g.unowned.name != "" || g.Consumer("") == g.unowned {
			return fmt.Errorf("group %q: the unowned pseudo-consumer is misfiled", g.name)
		}
	}
	if g.nackq.Len() != n {
		return fmt.Errorf("group %q: NACK queue holds %d records, unowned %d", g.name, g.nackq.Len(), n)
	}
	cur := g.nackq.SeekFirst()
	for {
		k, p, ok := cur.Next()
		if !ok {
			return nil
		}
		switch {
		case uint64(k) != p.nackSeq || p.nackSeq > g.nackNext:
			return fmt.Errorf("group %q: record %v queued at %d, its place %d (next %d)", g.name, p.id, k, p.nackSeq, g.nackNext)
		case p.owner != g.unowned || g.unowned.Pending(p.id) != p:
			return fmt.Errorf("group %q: queued record %v is not unowned", g.name, p.id)
		case p.deliveryTime != 0:
			return fmt.Errorf("group %q: released record %v delivered at %d", g.name, p.id, p.deliveryTime)
		}
	}
}
