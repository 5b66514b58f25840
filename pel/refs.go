package pel

import "github.com/runnel-db/runnel/stream"

// The reference queries behind Redis 8.2's deletion policies (XDELEX,
// XACKDEL, and the KEEPREF|DELREF|ACKED option of XADD and XTRIM).
//
// Redis calls a stream entry referenced by the consumer groups when at
// least one group still needs it: either the group has not been delivered
// it yet (its ID is above the group's last-delivered ID, so a '>' read
// would still return it) or it is in the group's PEL (delivered, not
// acknowledged). Redis keeps the smallest last-delivered ID of all groups
// cached and an index from entry IDs to the groups holding them pending;
// here both are computed from the groups themselves. Redis's tests pin the
// rule: an entry at or below every group's last-delivered ID and pending
// nowhere is not referenced, one above some group's last-delivered ID is,
// and a stream without groups references nothing (XGROUP DESTROY of the
// only group makes every entry deletable under ACKED).
//
// The methods accept a nil *Groups, a stream with no groups yet.

// MinLastID returns the smallest last-delivered ID (LastID) of the groups;
// ok is false when there are none.
func (s *Groups) MinLastID() (lowest stream.ID, ok bool) {
	if s == nil {
		return stream.ID{}, false
	}
	for g := range s.All() {
		if !ok || g.LastID.Less(lowest) {
			lowest, ok = g.LastID, true
		}
	}
	return lowest, ok
}

// AnyPending reports whether some group holds id in its PEL.
func (s *Groups) AnyPending(id stream.ID) bool {
	if s == nil {
		return false
	}
	for g := range s.All() {
		if g.Pending(id) != nil {
			return true
		}
	}
	return false
}

// Referenced reports whether some group still references id: id is above
// the group's LastID (not delivered to it yet) or pending in it. It is
// O(groups · log PEL). Callers testing many IDs at once use MinLastID and
// AnyPending instead, computing the minimum once.
func (s *Groups) Referenced(id stream.ID) bool {
	lowest, ok := s.MinLastID()
	if !ok {
		return false
	}
	return lowest.Less(id) || s.AnyPending(id)
}

// AckAll removes id from the PEL of every group holding it, as Redis's
// DELREF policy does to the references of an entry it deletes, and calls
// fn (if not nil) with each group it removed id from, in name order. It
// returns how many groups held id.
func (s *Groups) AckAll(id stream.ID, fn func(*Group)) int {
	if s == nil {
		return 0
	}
	n := 0
	for g := range s.All() {
		if g.Ack(id) {
			n++
			if fn != nil {
				fn(g)
			}
		}
	}
	return n
}
