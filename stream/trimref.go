package stream

// TrimHooks let a trim honour Redis 8.2's reference policies (the
// KEEPREF|DELREF|ACKED option of XADD and XTRIM) without this package
// knowing about consumer groups: the command layer says which entries must
// stay and learns which ones went.
//
// The zero value makes TrimMaxLenWith and TrimMinIDWith trim exactly as
// TrimMaxLen and TrimMinID do.
type TrimHooks struct {
	// Keep, when set, reports whether a live entry must stay (ACKED: some
	// group still references it). The trim steps over a kept entry and goes
	// on with the entries after it, as Redis's trim loop does (it skips a
	// referenced entry the way it skips a tombstone), and a node holding a
	// kept entry is never removed whole.
	Keep func(ID) bool
	// Above, when HasAbove, is an ID above which every entry is kept
	// without asking Keep (ACKED: the smallest last-delivered ID of the
	// groups), so the trim stops at the first entry above it instead of
	// walking the rest of the stream.
	Above    ID
	HasAbove bool
	// Removed, when set, is called with the ID of each live entry the trim
	// removes, in ID order, those of whole nodes included (DELREF cleans
	// the groups' PELs of them).
	Removed func(ID)
	// Dropped, when set, is called with the span of each node the trim
	// removes, after the Removed calls for its entries: one removed whole,
	// or, when Keep or Above is set, one the trim left with tombstones
	// only.
	Dropped func(Span)
}

// keeps reports whether h keeps the live entry id.
func (h *TrimHooks) keeps(id ID) bool {
	if h.HasAbove && h.Above.Less(id) {
		return true
	}
	return h.Keep != nil && h.Keep(id)
}

// keepsAny reports whether h keeps a live entry of n.
func (s *Stream) keepsAny(n *node, h *TrimHooks) bool {
	if h.Keep == nil && !h.HasAbove {
		return false
	}
	found := false
	s.eachLive(n, func(id ID) bool {
		found = h.keeps(id)
		return !found
	})
	return found
}

// eachLive calls fn with the ID of each live entry of n in order, until fn
// returns false.
func (s *Stream) eachLive(n *node, fn func(ID) bool) {
	nf := n.masterCount()
	for off := n.start(); off < len(n.buf); {
		e := n.decode(off, nf)
		if !e.deleted() && !fn(e.id) {
			return
		}
		off = e.next
	}
}

// TrimMaxLenWith is TrimMaxLen under h: entries h keeps are stepped over
// and do not count as removed, so more than maxLen entries may stay when
// too many are kept. limit and approx work as for TrimMaxLen; with approx
// only whole nodes holding no kept entry go.
//
// Like TrimMaxLen it updates the length and the first ID, not the max
// deleted ID (Redis's trim never sets it, whatever the policy). With Keep
// set the entries removed need not be a prefix of the stream.
func (s *Stream) TrimMaxLenWith(maxLen uint64, approx bool, limit int64, h TrimHooks) (removed int64) {
	return s.trimWith(trimArgs{byLen: true, maxLen: maxLen, approx: approx, limit: limit}, &h)
}

// TrimMinIDWith is TrimMinID under h, as TrimMaxLenWith is TrimMaxLen.
func (s *Stream) TrimMinIDWith(minID ID, approx bool, limit int64, h TrimHooks) (removed int64) {
	return s.trimWith(trimArgs{minID: minID, approx: approx, limit: limit}, &h)
}

// trimWith is trim with hooks. It walks the nodes in order instead of
// always taking the first one, since a node with kept entries stays.
func (s *Stream) trimWith(a trimArgs, h *TrimHooks) int64 {
	var deleted int64
	it := s.tree.Iterator()
	for ok := it.First(); ok; {
		if a.byLen && s.length <= a.maxLen {
			break
		}
		n := it.Value()
		entries := int64(n.live)
		if a.limit > 0 && deleted+entries > a.limit {
			break
		}
		if a.coversNode(s, n) && !s.keepsAny(n, h) {
			span := Span{First: n.master, Last: n.lastEntry().id}
			if h.Removed != nil {
				s.eachLive(n, func(id ID) bool { h.Removed(id); return true })
			}
			key := n.master.Bytes()
			s.removeNode(n)
			s.length -= uint64(entries)
			deleted += entries
			if h.Dropped != nil {
				h.Dropped(span)
			}
			ok = it.Seek(key) // the node after the removed one
			continue
		}
		if a.approx {
			break
		}
		flagged, done := s.trimWithinWith(n, a, h)
		deleted += flagged
		if n.live == 0 && (h.Keep != nil || h.HasAbove) {
			// Only tombstones left. A plain trim keeps such a node at the
			// front of the stream (a Redis quirk, see TrimMinID); behind
			// a node with kept entries it would be a dead node in the
			// middle, so a trim that keeps entries drops it, as XDEL
			// drops a node it empties.
			span := Span{First: n.master, Last: n.lastEntry().id}
			key := n.master.Bytes()
			s.removeNode(n)
			if h.Dropped != nil {
				h.Dropped(span)
			}
			if done {
				break
			}
			ok = it.Seek(key)
			continue
		}
		if done {
			break
		}
		ok = it.Next() // n stays: the tree is unchanged
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if deleted > 0 {
		s.firstID = s.firstLive()
	}
	return deleted
}

// trimWithinWith is trimWithin under h. It reports done when the trim
// threshold (or h.Above) was reached inside n; false means n's end came
// first, because kept entries did not count, and the trim goes on with the
// next node.
func (s *Stream) trimWithinWith(n *node, a trimArgs, h *TrimHooks) (flagged int64, done bool) {
	nf := n.masterCount()
	off := n.start()
	// skip may only pass entries that are deleted: it stops moving at the
	// first kept one.
	moveSkip := true
	for off < len(n.buf) {
		e := n.decode(off, nf)
		if a.byLen {
			if s.length <= a.maxLen {
				done = true
				break
			}
		} else if !e.id.Less(a.minID) {
			done = true
			break
		}
		if !e.deleted() {
			if h.HasAbove && h.Above.Less(e.id) {
				done = true
				break
			}
			if h.Keep != nil && h.Keep(e.id) {
				moveSkip = false
				off = e.next
				continue
			}
			n.buf[e.off] |= flagDeleted
			n.live--
			n.dead++
			s.length--
			flagged++
			if h.Removed != nil {
				h.Removed(e.id)
			}
		}
		off = e.next
		if moveSkip {
			n.skip = uint32(off)
		}
	}
	return flagged, done
}
