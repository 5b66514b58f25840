package commands

import (
	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/stream"
)

// Redis 7's entries-read and lag bookkeeping.
//
// A group's EntriesRead is its logical read counter: how many entries of the
// stream, counting from the first ever added, the group has read up to
// LastID. The stream keeps entries-added (every entry ever appended),
// length, first ID, last ID and max-deleted-entry-id; from those Redis
// computes the counter exactly where it can and reports it as unknown (nil)
// elsewhere. lag is entries-added minus entries-read.
//
// Nothing here changes on XADD, XDEL, XTRIM or XSETID: those commands move
// the stream's metadata, and every function below reads the metadata anew,
// so a deletion between a group's LastID and the end of the stream makes
// its lag unknown from then on, an XSETID ENTRIESADDED changes every lag at
// once, and trimming entries the group had not read yet leaves its counter
// alone, so its lag still counts them (as Redis's does). XGROUP CREATE and
// SETID set EntriesRead as given (unknown without ENTRIESREAD), and
// XREADGROUP advances it with each delivered entry (advanceGroup); XCLAIM's
// LASTID moves LastID without touching it, as in Redis.

// rangeHasTombstones reports whether the stream may hold deleted entries
// at or after start (Redis's streamRangeHasTombstones with an open end):
// only the largest deleted ID is known, so a non-empty stream has a
// tombstone there when that ID is at or after both start and the stream's
// first entry.
func rangeHasTombstones(s *stream.Stream, start stream.ID) bool {
	maxDel := s.MaxDeletedID()
	if s.Len() == 0 || maxDel.IsZero() {
		return false
	}
	if maxDel.Less(s.FirstID()) {
		// Every deletion happened before the first entry: the entries from
		// there on are contiguous.
		return false
	}
	return !maxDel.Less(start)
}

// estimateEntriesRead returns the logical read counter of id (Redis's
// streamEstimateDistanceFromFirstEverEntry), or pel.UnknownEntriesRead when
// the stream's metadata cannot tell it: it is known for a stream that never
// had an entry (0), for an ID not above the last ID of an empty stream and
// for the last ID (entries-added), and, when no deletion lies after the
// first entry, for IDs before the first entry (the entries before it were
// all removed) and for the first entry itself.
func estimateEntriesRead(s *stream.Stream, id stream.ID) int64 {
	added := int64(s.EntriesAdded())
	if added == 0 {
		return 0
	}
	last := s.LastID()
	if s.Len() == 0 && !last.Less(id) {
		return added
	}
	switch id.Compare(last) {
	case 0:
		return added
	case 1:
		// An ID in the future.
		return pel.UnknownEntriesRead
	}
	first := s.FirstID()
	if maxDel := s.MaxDeletedID(); maxDel.IsZero() || maxDel.Less(first) {
		length := int64(s.Len())
		switch id.Compare(first) {
		case -1:
			return added - length
		case 0:
			return added - length + 1
		}
	}
	return pel.UnknownEntriesRead
}

// groupLag returns the number of entries of s the group has yet to read,
// and false when it is unknown (XINFO's lag is then nil): the group's own
// counter is used while no deletion lies after its LastID, the estimate of
// its LastID otherwise.
func groupLag(s *stream.Stream, g *pel.Group) (int64, bool) {
	added := int64(s.EntriesAdded())
	if added == 0 {
		return 0, true
	}
	if g.EntriesRead != pel.UnknownEntriesRead && !rangeHasTombstones(s, g.LastID) {
		return added - g.EntriesRead, true
	}
	if read := estimateEntriesRead(s, g.LastID); read != pel.UnknownEntriesRead {
		return added - read, true
	}
	return 0, false
}

// advanceGroup moves g's cursor to id, an entry of s just delivered by a
// '>' read: the counter goes up by one while it is known and no deletion
// lies at or after id, and is estimated again otherwise (which may leave
// it unknown).
func advanceGroup(s *stream.Stream, g *pel.Group, id stream.ID) {
	if !g.LastID.Less(id) {
		return
	}
	if g.EntriesRead != pel.UnknownEntriesRead && !rangeHasTombstones(s, id) {
		g.EntriesRead++
	} else if s.EntriesAdded() > 0 {
		g.EntriesRead = estimateEntriesRead(s, id)
	}
	g.LastID = id
}
