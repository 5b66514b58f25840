package stream

import (
	"errors"
	"fmt"
)

// The whole-stream operations COPY, DUMP and RESTORE need: a deep copy, a
// walk over the nodes as they are packed (tombstones included, since
// Redis's serialized form keeps them), and the inverse, appending a node
// given entry by entry, so that a restored stream is packed into the same
// nodes as the one that was dumped.

// ErrBadEntries is returned by AppendNode for entries that cannot form a
// node after the stream's last entry.
var ErrBadEntries = errors.New("stream: bad node entries")

// NodeEntry is one entry of a node, deleted or not.
type NodeEntry struct {
	ID      ID
	Deleted bool
	// Fields alternates names and values.
	Fields [][]byte
}

// NodeInfo is one node as EachNode shows it.
type NodeInfo struct {
	// Master is the node's master ID (its first entry's) and Names the
	// master's field names, which entries flagged "same fields" share.
	Master ID
	Names  [][]byte
	// Live and Dead count the entries not deleted and deleted.
	Live, Dead int
	// Entries are all the node's entries in ID order, deleted ones too.
	Entries []NodeEntry
	// Span and Data are the node as Append reports a closed one, for a
	// store to persist whole.
	Span Span
	Data []byte
}

// Clone returns a deep copy of s: the same entries in the same nodes, and
// the same metadata and limits. Nothing is shared between the two.
func (s *Stream) Clone() *Stream {
	c := &Stream{
		cfg: s.cfg, length: s.length, entriesAdded: s.entriesAdded, lastID: s.lastID,
		maxDeleted: s.maxDeleted, firstID: s.firstID, cfgChanged: s.cfgChanged,
	}
	if s.idmp != nil {
		c.idmp = s.idmp.Clone()
	}
	it := s.tree.Iterator()
	for ok := it.First(); ok; ok = it.Next() {
		n := it.Value()
		m := *n
		m.buf = append(make([]byte, 0, len(n.buf)), n.buf...)
		c.tree.Set(it.Key(), &m)
		c.bufBytes += cap(m.buf)
		if n == s.tail {
			c.tail = &m
		}
	}
	return c
}

// EachNode calls fn for each node in ID order, until fn returns false.
// The NodeInfo and every slice it holds are valid only during the call
// (the bytes alias the stream's storage); fn must not mutate s.
func (s *Stream) EachNode(fn func(n *NodeInfo) bool) {
	var info NodeInfo
	it := s.tree.Iterator()
	for ok := it.First(); ok; ok = it.Next() {
		n := it.Value()
		var nf int
		nf, info.Names = n.masterFields(info.Names[:0])
		info.Master, info.Live, info.Dead = n.master, int(n.live), int(n.dead)
		info.Entries = info.Entries[:0]
		for off := int(n.first); off < len(n.buf); {
			e := n.decode(off, nf)
			off = e.next
			info.Entries = append(info.Entries, NodeEntry{ID: e.id, Deleted: e.deleted(), Fields: n.fields(&e, info.Names, nil)})
		}
		info.Span, info.Data = Span{First: n.master, Last: info.Entries[len(info.Entries)-1].ID}, n.buf
		if !fn(&info) {
			return
		}
	}
}

// AppendNode appends a node holding entries, in that order, after the
// stream's last entry, whatever the node limits say: the node is kept as
// given, as Redis keeps a loaded listpack. The master is the first
// entry's ID and field names. Entries must ascend, lie above LastID and
// each hold field-value pairs within MaxEntryBytes; otherwise an error
// wrapping ErrBadEntries is returned and the stream is left as it was. A
// node whose entries are all deleted is not kept, but moves LastID. Like
// Adopt, it updates the length, last ID, entries added and first ID;
// restore the metadata with the setters once every node is in.
func (s *Stream) AppendNode(entries []NodeEntry) (live int, err error) {
	if len(entries) == 0 {
		return 0, fmt.Errorf("%w: no entries", ErrBadEntries)
	}
	prev := s.lastID
	for i, e := range entries {
		if !prev.Less(e.ID) {
			return 0, fmt.Errorf("%w: entry %v does not follow %v", ErrBadEntries, e.ID, prev)
		}
		prev = e.ID
		if len(e.Fields) < 2 || len(e.Fields)%2 != 0 {
			return 0, fmt.Errorf("%w: entry %d has %d fields and values", ErrBadEntries, i, len(e.Fields))
		}
		size := 0
		for _, f := range e.Fields {
			size += len(f)
		}
		if size > MaxEntryBytes {
			return 0, fmt.Errorf("%w: entry %v is too large", ErrBadEntries, e.ID)
		}
	}
	first := entries[0]
	n := newNode(first.ID, first.Fields, 0)
	for _, e := range entries {
		off := len(n.buf)
		n.appendEntry(e.ID, e.Fields, n.sameFields(e.Fields))
		if e.Deleted {
			n.buf[off] |= flagDeleted
		}
	}
	span := Span{First: first.ID, Last: prev}
	if err := s.adoptable(span); err != nil {
		return 0, err
	}
	return s.adopt(span, n.buf, nil, Min)
}
