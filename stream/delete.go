package stream

// Delete marks the live entry with this ID deleted (XDEL) and reports
// whether there was one. The entry's bytes stay in its node as a tombstone
// until the node goes; a node left with no live entries is removed. Delete
// updates the length, the max deleted ID and the first ID.
func (s *Stream) Delete(id ID) bool {
	deleted, _, _ := s.Remove(id)
	return deleted
}

// Remove is Delete that also reports the node the deletion left with no
// live entries, which the stream dropped: gone is true and dropped is that
// node's span (its first and last entries, deleted ones included), so that
// a caller persisting nodes can drop the node's record with it.
func (s *Stream) Remove(id ID) (deleted bool, dropped Span, gone bool) {
	n, e, ok := s.lookup(id)
	if !ok || e.deleted() {
		return false, Span{}, false
	}
	n.buf[e.off] |= flagDeleted
	n.live--
	n.dead++
	if e.off == n.start() {
		n.skip = uint32(e.next)
	}
	s.length--
	if s.maxDeleted.Less(id) {
		s.maxDeleted = id
	}
	if n.live == 0 {
		dropped, gone = Span{First: n.master, Last: n.lastEntry().id}, true
		s.removeNode(n)
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if id == s.firstID {
		s.firstID = s.firstLive()
	}
	return true, dropped, gone
}

// TrimMaxLen removes the oldest entries until at most maxLen are left
// (MAXLEN) and returns how many it removed.
//
// It follows Redis's streamTrim. Whole nodes go from the front while the
// stream without the node still holds maxLen entries. Then, when approx
// (`~`) is false, entries at the front of the next node are flagged deleted
// until maxLen remain; with approx, trimming stops at the node boundary, so
// more than maxLen entries may stay. limit (0: none) caps the entries
// removed: trimming stops before a node whose live entries would take the
// total removed past limit. Redis only accepts LIMIT with `~`; that check
// is the command layer's, as is the default limit for `~`
// (Config.ApproxTrimLimit).
//
// Trimming updates the length and the first ID, not the max deleted ID.
func (s *Stream) TrimMaxLen(maxLen uint64, approx bool, limit int64) (removed int64) {
	return s.trim(trimArgs{byLen: true, maxLen: maxLen, approx: approx, limit: limit})
}

// TrimMinID removes the entries with IDs below minID (MINID) and returns
// how many it removed. A node goes whole only when its last entry (deleted
// or not) is below minID; otherwise, unless approx, its entries below minID
// are flagged deleted. limit works as for TrimMaxLen. As in Redis, a node
// whose remaining entries are all tombstones at or above minID is kept
// (with no live entries) until a later trim or append passes it.
func (s *Stream) TrimMinID(minID ID, approx bool, limit int64) (removed int64) {
	return s.trim(trimArgs{minID: minID, approx: approx, limit: limit})
}

type trimArgs struct {
	byLen  bool
	maxLen uint64
	minID  ID
	approx bool
	limit  int64
}

// coversNode reports whether the trim may take node n whole: the stream
// keeps at least maxLen entries without it, or its last entry is below
// minID.
func (a trimArgs) coversNode(s *Stream, n *node) bool {
	if a.byLen {
		return s.length-uint64(n.live) >= a.maxLen
	}
	return n.lastEntry().id.Less(a.minID)
}

func (s *Stream) trim(a trimArgs) int64 {
	var deleted int64
	for {
		if a.byLen && s.length <= a.maxLen {
			break
		}
		_, n, ok := s.tree.Min()
		if !ok {
			break
		}
		entries := int64(n.live)
		if a.limit > 0 && deleted+entries > a.limit {
			break
		}
		if a.coversNode(s, n) {
			s.removeNode(n)
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if a.approx {
			break
		}
		deleted += s.trimWithin(n, a)
		break // the rest of the stream is past the threshold
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if deleted > 0 {
		s.firstID = s.firstLive()
	}
	return deleted
}

// trimWithin flags deleted the entries at the front of n that the trim
// threshold covers, and returns how many live ones it flagged.
func (s *Stream) trimWithin(n *node, a trimArgs) int64 {
	var flagged int64
	nf := n.masterCount()
	// Entries before skip are deleted already and would only be stepped
	// over, so start there.
	off := n.start()
	for off < len(n.buf) {
		e := n.decode(off, nf)
		if a.byLen {
			if s.length <= a.maxLen {
				break
			}
		} else if !e.id.Less(a.minID) {
			break
		}
		if !e.deleted() {
			n.buf[e.off] |= flagDeleted
			n.live--
			n.dead++
			s.length--
			flagged++
		}
		off = e.next
	}
	n.skip = uint32(off)
	return flagged
}

// CutAfter drops from the end of the stream the entries with IDs above id,
// which must all be deleted ones: XSETID may set the last ID below entries
// XDEL removed, and appends may then reuse their IDs, so no node may keep
// an ID above the last ID (a store keys nodes by the IDs they span). A
// node left without entries goes. CutAfter reports whether it cut anything
// and, when a last node remains, that node's span and bytes, as Append
// reports a sealed node (data aliases the node and is valid until the
// stream next changes). It panics if an entry above id is live.
func (s *Stream) CutAfter(id ID) (cut bool, span Span, data []byte) {
	for s.tail != nil {
		n := s.tail
		if !id.Less(n.lastEntry().id) {
			break
		}
		cut = true
		nf := n.masterCount()
		off := int(n.first)
		for off < len(n.buf) {
			e := n.decode(off, nf)
			if id.Less(e.id) {
				break
			}
			off = e.next
		}
		live := n.live
		if off == int(n.first) {
			if live > 0 {
				panic("stream: CutAfter of live entries")
			}
			s.removeNode(n)
			continue
		}
		n.buf = n.buf[:off]
		n.live, n.dead = 0, 0 // walk counts them afresh
		if _, err := n.walk(Span{First: n.master, Last: n.lastEntry().id}, nil, Min); err != nil || n.live != live {
			panic("stream: CutAfter of live entries")
		}
	}
	if cut && s.tail != nil {
		span, data = Span{First: s.tail.master, Last: s.tail.lastEntry().id}, s.tail.buf
	}
	return cut, span, data
}
