package stream

import (
	"unsafe"

	"github.com/runnel-db/runnel/radix"
)

// Config holds the node size limits (Redis's stream-node-max-entries and
// stream-node-max-bytes). Zero means no limit for either; negative values
// count as zero. Bytes are measured as the size of the listpack Redis would
// use for the node, so that nodes split exactly where Redis splits them.
type Config struct {
	NodeMaxEntries int
	NodeMaxBytes   int
}

// DefaultConfig is Redis's default: 100 entries, 4096 bytes per node.
var DefaultConfig = Config{NodeMaxEntries: 100, NodeMaxBytes: 4096}

// ApproxTrimLimit is the LIMIT Redis applies to `~` trimming when the
// command gives none: 100 nodes' worth of entries (0, unlimited, when nodes
// have no entry limit).
func (c Config) ApproxTrimLimit() int64 {
	if c.NodeMaxEntries <= 0 {
		return 0
	}
	return 100 * int64(c.NodeMaxEntries)
}

// Stream is one stream's entries and metadata, kept as Redis keeps them: a
// radix tree from each node's master ID to a packed node of entries.
//
// A Stream is not safe for concurrent use; the command layer serialises all
// access, reads included (reads reuse internal buffers).
//
// Bytes returned by reads (field names and values) are sub-slices of the
// stream's own storage: they are valid until the next mutation of the
// stream and must not be modified. The [][]byte that holds them is reused
// by the next read call. Copy what must outlive either.
type Stream struct {
	tree radix.Tree[*node]
	tail *node // last node of tree, where appends go; nil when empty
	cfg  Config

	length       uint64 // live entries
	entriesAdded uint64
	lastID       ID
	maxDeleted   ID
	firstID      ID // first live entry, 0-0 when empty

	bufBytes int // sum of cap(buf) over nodes
	// cfgChanged records a SetConfig after the first append: nodes built
	// under older limits may exceed the current ones, so Check stops
	// checking limits.
	cfgChanged bool

	// idmp is the idempotent-production state, nil until the first XADD
	// with IDMP or IDMPAUTO or XCFGSET needs it.
	idmp *Idmp

	fields [][]byte // scratch handed to readers
	names  [][]byte // scratch: master field names of the node being read
}

// New returns an empty stream using cfg's node limits.
func New(cfg Config) *Stream {
	s := &Stream{}
	s.SetConfig(cfg)
	return s
}

// Idmp returns the stream's idempotent-production state, creating it with
// the default settings on first use.
func (s *Stream) Idmp() *Idmp {
	if s.idmp == nil {
		s.idmp = NewIdmp()
	}
	return s.idmp
}

// PeekIdmp returns the stream's idempotent-production state, or nil when
// nothing used it yet (readers: nil means the defaults and no iids).
func (s *Stream) PeekIdmp() *Idmp { return s.idmp }

// SetConfig changes the node limits. Like Redis, the limits are consulted
// at each append, when deciding whether the last node can take the entry;
// existing nodes are left as they are.
func (s *Stream) SetConfig(cfg Config) {
	cfg.NodeMaxEntries = max(cfg.NodeMaxEntries, 0)
	cfg.NodeMaxBytes = max(cfg.NodeMaxBytes, 0)
	if cfg != s.cfg && s.tree.Len() > 0 {
		s.cfgChanged = true
	}
	s.cfg = cfg
}

// Config returns the node limits in use.
func (s *Stream) Config() Config { return s.cfg }

// Len returns the number of live (not deleted) entries.
func (s *Stream) Len() uint64 { return s.length }

// LastID returns the stream's last ID: the greatest ID ever added, or the
// one set by SetLastID. It does not go down when entries are deleted.
func (s *Stream) LastID() ID { return s.lastID }

// MaxDeletedID returns the greatest ID deleted by Delete (XDEL), or the one
// set by SetMaxDeletedID. Trimming does not change it.
func (s *Stream) MaxDeletedID() ID { return s.maxDeleted }

// EntriesAdded returns the number of entries ever added to the stream.
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// FirstID returns the ID of the first live entry, 0-0 when the stream is
// empty (Redis's recorded-first-entry-id).
func (s *Stream) FirstID() ID { return s.firstID }

// SetLastID sets the last ID (XSETID, loading). The caller checks it is not
// below the last entry; Append requires IDs above it.
func (s *Stream) SetLastID(id ID) { s.lastID = id }

// SetMaxDeletedID sets the max deleted entry ID (XSETID, loading).
func (s *Stream) SetMaxDeletedID(id ID) { s.maxDeleted = id }

// SetEntriesAdded sets the entries-added counter (XSETID, loading). The
// caller checks it is not below Len.
func (s *Stream) SetEntriesAdded(n uint64) { s.entriesAdded = n }

// NextID returns the ID `*` generates at time nowMs (Unix milliseconds):
// nowMs-0 when nowMs is past the last ID's time, else the ID right after
// the last ID (whose sequence overflow carries into the milliseconds, as in
// Redis). It returns false when the last ID is Max and nothing can follow.
func (s *Stream) NextID(nowMs uint64) (ID, bool) {
	if nowMs > s.lastID.Ms {
		return ID{nowMs, 0}, true
	}
	return s.lastID.Next()
}

// NextSeq returns the ID `ms-*` generates: ms-0 when ms is past the last
// ID's time, the last ID's sequence plus one when ms equals it. It returns
// false when ms is below the last ID's time or the sequence is exhausted.
func (s *Stream) NextSeq(ms uint64) (ID, bool) {
	switch {
	case ms > s.lastID.Ms:
		return ID{ms, 0}, true
	case ms == s.lastID.Ms && s.lastID.Seq != ^uint64(0):
		return ID{ms, s.lastID.Seq + 1}, true
	}
	return ID{}, false
}

// Append adds an entry. fields alternates names and values and holds at
// least one pair; their total length must not exceed MaxEntryBytes. id must
// be greater than LastID: Append panics otherwise, so the command layer
// checks first. The bytes are copied; the caller may reuse its buffers.
// Append updates the length, last ID, entries added and first ID. It serves
// for loading too: append the live entries in ID order (after any Adopt),
// then restore the metadata with the setters.
//
// When the entry does not fit the last node, Append closes that node and
// starts a new one; it then reports the closed node: its span and its
// packed bytes (data, nil when no node closed), in the form Adopt takes
// back. data aliases the stream's storage: it is valid until the next
// mutation of the stream (Delete and exact trims flag entries in place), so
// a caller that keeps it must copy it. The span's Last is never Max, since
// an entry followed it. A closed node takes no more entries unless every
// node after it is deleted; it is then reported again when it next closes.
func (s *Stream) Append(id ID, fields [][]byte) (sealed Span, data []byte) {
	if len(fields) < 2 || len(fields)%2 != 0 {
		panic("stream: Append needs field-value pairs")
	}
	if !s.lastID.Less(id) {
		panic("stream: Append of an ID not greater than the last ID")
	}
	total := 0
	for _, f := range fields {
		total += len(f)
	}
	n := s.tail
	hint := 0
	if n != nil && s.full(n, total) {
		s.seal(n)
		sealed, data = Span{First: n.master, Last: n.lastEntry().id}, n.buf
		// Consecutive nodes tend to fill to the same size: reserve that
		// much (up to a bound, in case the last node held huge entries), so
		// a node is usually allocated once and never copied.
		hint = min(len(n.buf), maxReserve)
		n = nil
	}
	same := true
	if n == nil {
		n = newNode(id, fields, hint)
		s.tree.Set(id.Bytes(), n)
		s.tail = n
	} else {
		same = n.sameFields(fields)
		s.bufBytes -= cap(n.buf)
	}
	n.appendEntry(id, fields, same)
	s.bufBytes += cap(n.buf)

	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
	return sealed, data
}

// Span is the ID range of a node: the IDs of its first and last entries,
// deleted ones included.
type Span struct {
	First, Last ID
}

// maxReserve bounds the capacity a new node reserves up front.
const maxReserve = 64 << 10

// full reports whether the tail node n must not take an entry whose fields
// total entryBytes, by Redis's rule: a node is full when its listpack size
// plus the new entry's raw field bytes reaches the byte limit, or when it
// holds (live plus deleted) as many entries as the entry limit.
func (s *Stream) full(n *node, entryBytes int) bool {
	maxBytes := s.cfg.NodeMaxBytes
	if maxBytes == 0 || maxBytes > maxNodeBytes {
		maxBytes = maxNodeBytes
	}
	if n.lpBytes()+entryBytes >= maxBytes {
		return true
	}
	return s.cfg.NodeMaxEntries > 0 && int(n.live)+int(n.dead) >= s.cfg.NodeMaxEntries
}

// seal releases the spare capacity of a node that stops being the tail, so
// a full node costs its size rather than its last growth step. If the node
// becomes the tail again (the nodes after it were deleted), appending grows
// it again.
func (s *Stream) seal(n *node) {
	if spare := cap(n.buf) - len(n.buf); spare > 64 && spare > len(n.buf)/16 {
		s.bufBytes -= cap(n.buf)
		n.buf = append([]byte(nil), n.buf...)
		s.bufBytes += cap(n.buf)
	}
}

// removeNode takes n out of the tree.
func (s *Stream) removeNode(n *node) {
	s.tree.Delete(n.master.Bytes())
	s.bufBytes -= cap(n.buf)
	if n == s.tail {
		s.tail = nil
		if _, last, ok := s.tree.Max(); ok {
			s.tail = last
		}
	}
}

// Nodes returns the number of nodes (XINFO STREAM's radix-tree-keys).
func (s *Stream) Nodes() int { return s.tree.Len() }

// RadixNodes returns the number of nodes Redis's rax would use to index the
// same nodes (XINFO STREAM's radix-tree-nodes). It walks the index, which
// holds one key per node, so it costs O(Nodes).
func (s *Stream) RadixNodes() int { return s.tree.TrieNodes() }

// MemoryUsage estimates the bytes the stream occupies: its packed nodes
// (capacity, plus 1/16 for the allocator's rounding to size classes), their
// headers and the index over them, and its idempotent-production state.
func (s *Stream) MemoryUsage() int {
	n := int(unsafe.Sizeof(*s)) + s.bufBytes + s.bufBytes/16 +
		s.tree.Len()*int(unsafe.Sizeof(node{})) + s.tree.MemoryUsage()
	if s.idmp != nil {
		n += s.idmp.MemoryUsage()
	}
	return n
}
