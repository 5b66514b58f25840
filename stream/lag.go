package stream

// HasTombstonesIn reports whether a deleted entry may lie in [start, end],
// as Redis's streamRangeHasTombstones decides it for consumer-group lag:
// from the max deleted ID alone, not by looking. It is false when the
// stream is empty, nothing was ever deleted, or the last deletion is before
// the first entry; otherwise it is whether start <= MaxDeletedID <= end.
// Pass Min or Max for an open bound.
func (s *Stream) HasTombstonesIn(start, end ID) bool {
	if s.length == 0 || s.maxDeleted.IsZero() {
		return false
	}
	if s.maxDeleted.Less(s.firstID) {
		return false
	}
	return !s.maxDeleted.Less(start) && !end.Less(s.maxDeleted)
}

// DistanceFromFirstEver returns the logical read counter of id: how many
// entries were added up to and including it, counting from the first entry
// ever added. It is Redis's streamEstimateDistanceFromFirstEverEntry and,
// like it, knows the answer only in a few cases: a stream never added to
// (0), an empty stream and an id not past the last ID (EntriesAdded), the
// last ID itself (EntriesAdded), and, when no deletion lies at or after the
// first entry, an id before the first entry (EntriesAdded-Len) or equal to
// it (EntriesAdded-Len+1). Otherwise ok is false (an ID in the middle, in
// the future, or with tombstones ahead).
func (s *Stream) DistanceFromFirstEver(id ID) (n uint64, ok bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if s.length == 0 && id.Compare(s.lastID) < 1 {
		return s.entriesAdded, true
	}
	switch id.Compare(s.lastID) {
	case 0:
		return s.entriesAdded, true
	case 1:
		return 0, false
	}
	if s.maxDeleted.IsZero() || s.maxDeleted.Less(s.firstID) {
		switch id.Compare(s.firstID) {
		case -1:
			return s.entriesAdded - s.length, true
		case 0:
			return s.entriesAdded - s.length + 1, true
		}
	}
	return 0, false
}
