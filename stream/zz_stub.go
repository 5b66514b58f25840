package stream

// TEMPORARY: simple reference store, replaced by the packed store at merge
// (branch h/stream). It has the packed store's exact method set and
// semantics so the command layer can be tested end to end now: entries are
// kept in sorted slices grouped into nodes that fill up as Redis's listpack
// nodes do (stream-node-max-entries, an estimate of stream-node-max-bytes),
// so that approximate trimming drops whole nodes as Redis's does. Its byte
// accounting, Nodes/RadixNodes and MemoryUsage are estimates, not Redis's
// numbers.

import (
	"fmt"
	"sort"
)

// Config holds the node limits of a stream (stream-node-max-entries and
// stream-node-max-bytes); 0 means no limit.
type Config struct{ NodeMaxEntries, NodeMaxBytes int }

// Stream is one stream's entries and metadata. It is not safe for
// concurrent use; the command layer serializes access.
type Stream struct {
	cfg          Config
	nodes        []*node
	length       uint64
	lastID       ID
	maxDeletedID ID
	firstID      ID
	entriesAdded uint64
}

type entry struct {
	id      ID
	fields  [][]byte
	deleted bool
}

// node is a run of entries appended together, as a listpack node is.
type node struct {
	entries []entry
	live    int
	bytes   int
}

// maxNodeBytes caps a node's size whatever stream-node-max-bytes says, as
// Redis caps listpacks at 1 GB.
const maxNodeBytes = 1 << 30

// New returns an empty stream with the given node limits.
func New(cfg Config) *Stream { return &Stream{cfg: cfg} }

// SetConfig changes the node limits used by later appends.
func (s *Stream) SetConfig(cfg Config) { s.cfg = cfg }

// Len returns the number of live entries.
func (s *Stream) Len() uint64 { return s.length }

// LastID returns the last generated ID (0-0 for a new stream), which may
// belong to a deleted entry.
func (s *Stream) LastID() ID { return s.lastID }

// MaxDeletedID returns the largest ID ever deleted by XDEL (0-0 if none).
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded returns the number of entries ever appended.
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// FirstID returns Redis's recorded first_id: the first live entry's ID as
// of the last append, delete or trim that changed it; 0-0 when empty.
func (s *Stream) FirstID() ID { return s.firstID }

// SetLastID sets the last generated ID (XSETID); the caller checks it is
// not below the last entry.
func (s *Stream) SetLastID(id ID) { s.lastID = id }

// SetMaxDeletedID sets the max deleted entry ID.
func (s *Stream) SetMaxDeletedID(id ID) { s.maxDeletedID = id }

// SetEntriesAdded sets the entries-added counter.
func (s *Stream) SetEntriesAdded(n uint64) { s.entriesAdded = n }

// NextID returns the ID "*" generates at time nowMs: nowMs-0 when nowMs is
// past the last ID's time, else the last ID plus one. It returns false when
// the last ID is the largest possible.
func (s *Stream) NextID(nowMs uint64) (ID, bool) {
	if nowMs > s.lastID.Ms {
		return ID{nowMs, 0}, true
	}
	return s.lastID.Next()
}

// NextSeq returns the ID "ms-*" generates: the next sequence of the last
// ID when ms is its time, else ms-0. It returns false when that sequence is
// used up. The result may still not be greater than LastID (ms in the past);
// the caller checks.
func (s *Stream) NextSeq(ms uint64) (ID, bool) {
	if s.lastID.Ms == ms {
		if s.lastID.Seq == ^uint64(0) {
			return ID{}, false
		}
		return ID{ms, s.lastID.Seq + 1}, true
	}
	return ID{ms, 0}, true
}

// Append adds an entry; id must be greater than LastID. fields alternate
// name, value and are copied.
func (s *Stream) Append(id ID, fields [][]byte) {
	if !s.lastID.Less(id) {
		panic(fmt.Sprintf("stream: Append %v not above last ID %v", id, s.lastID))
	}
	size := 0
	for _, f := range fields {
		size += len(f)
	}
	cp := make([][]byte, len(fields))
	buf := make([]byte, 0, size)
	for i, f := range fields {
		buf = append(buf, f...)
		cp[i] = buf[len(buf)-len(f) : len(buf) : len(buf)]
	}
	var tail *node
	if n := len(s.nodes); n > 0 {
		tail = s.nodes[n-1]
		maxBytes := s.cfg.NodeMaxBytes
		if maxBytes <= 0 || maxBytes > maxNodeBytes {
			maxBytes = maxNodeBytes
		}
		if tail.bytes+size >= maxBytes ||
			(s.cfg.NodeMaxEntries > 0 && len(tail.entries) >= s.cfg.NodeMaxEntries) {
			tail = nil
		}
	}
	if tail == nil {
		tail = &node{bytes: 16 + size}
		s.nodes = append(s.nodes, tail)
	}
	tail.entries = append(tail.entries, entry{id: id, fields: cp})
	tail.live++
	tail.bytes += size + 4 + 2*len(fields)
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
}

// find returns the node index and entry index of the first entry (live or
// not) whose ID is >= id; ni == len(nodes) when none.
func (s *Stream) find(id ID) (ni, ei int) {
	ni = sort.Search(len(s.nodes), func(i int) bool {
		e := s.nodes[i].entries
		return !e[len(e)-1].id.Less(id)
	})
	if ni == len(s.nodes) {
		return ni, 0
	}
	e := s.nodes[ni].entries
	ei = sort.Search(len(e), func(i int) bool { return !e[i].id.Less(id) })
	return ni, ei
}

// Delete marks the entry id deleted, reporting whether a live entry was
// there. A node whose last live entry goes is dropped. FirstID follows.
// MaxDeletedID is the caller's to update.
func (s *Stream) Delete(id ID) bool {
	ni, ei := s.find(id)
	if ni == len(s.nodes) {
		return false
	}
	n := s.nodes[ni]
	e := &n.entries[ei]
	if e.id != id || e.deleted {
		return false
	}
	e.deleted = true
	n.live--
	if n.live == 0 {
		s.nodes = append(s.nodes[:ni], s.nodes[ni+1:]...)
	}
	s.length--
	if s.length == 0 {
		s.firstID = ID{}
	} else if id == s.firstID {
		s.firstID, _, _ = s.First()
	}
	return true
}

// Get returns the fields of the live entry id. The slices stay valid until
// the stream changes.
func (s *Stream) Get(id ID) ([][]byte, bool) {
	ni, ei := s.find(id)
	if ni == len(s.nodes) {
		return nil, false
	}
	e := s.nodes[ni].entries[ei]
	if e.id != id || e.deleted {
		return nil, false
	}
	return e.fields, true
}

// Range calls fn for the live entries with start <= ID <= end in ascending
// order, at most count of them (count <= 0: all), until fn returns false.
// fields are valid only during fn.
func (s *Stream) Range(start, end ID, count int, fn func(ID, [][]byte) bool) {
	if end.Less(start) {
		return
	}
	n := 0
	ni, ei := s.find(start)
	for ; ni < len(s.nodes); ni, ei = ni+1, 0 {
		for _, e := range s.nodes[ni].entries[ei:] {
			if end.Less(e.id) {
				return
			}
			if e.deleted {
				continue
			}
			if !fn(e.id, e.fields) {
				return
			}
			n++
			if count > 0 && n >= count {
				return
			}
		}
	}
}

// RevRange calls fn for the live entries with start <= ID <= end in
// descending order, at most count of them (count <= 0: all), until fn
// returns false. fields are valid only during fn.
func (s *Stream) RevRange(end, start ID, count int, fn func(ID, [][]byte) bool) {
	if end.Less(start) {
		return
	}
	n := 0
	ni, ei := s.find(end)
	// Step back to the last entry <= end.
	if ni == len(s.nodes) || s.nodes[ni].entries[ei].id != end {
		if ei == 0 {
			ni--
			if ni < 0 {
				return
			}
			ei = len(s.nodes[ni].entries)
		}
		ei--
	}
	for ; ni >= 0; ni-- {
		if ei < 0 {
			ei = len(s.nodes[ni].entries) - 1
		}
		for ; ei >= 0; ei-- {
			e := s.nodes[ni].entries[ei]
			if e.id.Less(start) {
				return
			}
			if e.deleted {
				continue
			}
			if !fn(e.id, e.fields) {
				return
			}
			n++
			if count > 0 && n >= count {
				return
			}
		}
	}
}

// TrimMaxLen removes the oldest entries until at most maxLen remain and
// returns how many it removed, with Redis's streamTrim semantics: approx
// removes whole nodes only; limit > 0 caps the entries removed (0: no cap).
func (s *Stream) TrimMaxLen(maxLen uint64, approx bool, limit int64) int64 {
	return s.trim(true, maxLen, ID{}, approx, limit)
}

// TrimMinID removes the entries with IDs below minID and returns how many
// it removed, with the semantics of TrimMaxLen.
func (s *Stream) TrimMinID(minID ID, approx bool, limit int64) int64 {
	return s.trim(false, 0, minID, approx, limit)
}

func (s *Stream) trim(byLen bool, maxLen uint64, minID ID, approx bool, limit int64) int64 {
	var deleted int64
	for len(s.nodes) > 0 {
		if byLen && s.length <= maxLen {
			break
		}
		n := s.nodes[0]
		entries := int64(n.live)
		if limit > 0 && deleted+entries > limit {
			break
		}
		var remove bool
		if byLen {
			remove = s.length-uint64(entries) >= maxLen
		} else {
			remove = n.entries[len(n.entries)-1].id.Less(minID)
		}
		if remove {
			s.nodes = s.nodes[1:]
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if approx {
			break
		}
		for i := range n.entries {
			e := &n.entries[i]
			if byLen && s.length <= maxLen {
				break
			}
			if !byLen && !e.id.Less(minID) {
				break
			}
			if !e.deleted {
				e.deleted = true
				n.live--
				s.length--
				deleted++
			}
		}
		break
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if deleted > 0 {
		s.firstID, _, _ = s.First()
	}
	return deleted
}

// Nodes returns the number of nodes (XINFO's radix-tree-keys).
func (s *Stream) Nodes() int { return len(s.nodes) }

// RadixNodes estimates the radix tree's node count (XINFO's
// radix-tree-nodes): exact for zero and one key only.
func (s *Stream) RadixNodes() int { return 1 + len(s.nodes) }

// First returns the first live entry. fields stay valid until the stream
// changes.
func (s *Stream) First() (ID, [][]byte, bool) {
	for _, n := range s.nodes {
		for _, e := range n.entries {
			if !e.deleted {
				return e.id, e.fields, true
			}
		}
	}
	return ID{}, nil, false
}

// Last returns the last live entry. fields stay valid until the stream
// changes.
func (s *Stream) Last() (ID, [][]byte, bool) {
	for ni := len(s.nodes) - 1; ni >= 0; ni-- {
		e := s.nodes[ni].entries
		for i := len(e) - 1; i >= 0; i-- {
			if !e[i].deleted {
				return e[i].id, e[i].fields, true
			}
		}
	}
	return ID{}, nil, false
}

// MemoryUsage estimates the stream's memory in bytes.
func (s *Stream) MemoryUsage() int {
	n := 64
	for _, nd := range s.nodes {
		n += nd.bytes + 48
	}
	return n
}

// HasTombstonesIn is Redis's streamRangeHasTombstones: whether the max
// deleted ID lies in [start, end] of a non-empty stream that had deletions.
func (s *Stream) HasTombstonesIn(start, end ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() {
		return false
	}
	return !s.maxDeletedID.Less(start) && !end.Less(s.maxDeletedID)
}

// Check verifies the stream's invariants: IDs strictly ascending and not
// above LastID, no empty-by-delete nodes, live counts and length agreeing,
// FirstID equal to the first live entry.
func (s *Stream) Check() error {
	var prev ID
	var live uint64
	have := false
	for i, n := range s.nodes {
		if len(n.entries) == 0 {
			return fmt.Errorf("stream: node %d is empty", i)
		}
		l := 0
		for _, e := range n.entries {
			if have && !prev.Less(e.id) {
				return fmt.Errorf("stream: ID %v after %v", e.id, prev)
			}
			prev, have = e.id, true
			if !e.deleted {
				l++
			}
		}
		if l != n.live {
			return fmt.Errorf("stream: node %d counts %d live, has %d", i, n.live, l)
		}
		live += uint64(l)
	}
	if live != s.length {
		return fmt.Errorf("stream: length %d, live entries %d", s.length, live)
	}
	if have && s.lastID.Less(prev) {
		return fmt.Errorf("stream: last ID %v below entry %v", s.lastID, prev)
	}
	first, _, ok := s.First()
	if !ok {
		first = ID{}
	}
	if first != s.firstID {
		return fmt.Errorf("stream: first ID %v, first entry %v", s.firstID, first)
	}
	return nil
}
