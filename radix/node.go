package radix

// KeyLen is the length of every key.
const KeyLen = 16

// maxPrefix is the longest compressed path an inner node can carry: a node
// must branch on some byte of the key, so at most KeyLen-1 bytes precede it.
const maxPrefix = KeyLen - 1

// Node kinds, used to index Tree.counts.
const (
	kindLeaf = iota
	kind4
	kind16
	kind48
	kind256
	numKinds
)

// node is a leaf or one of the four inner node kinds. Positions returned by
// the ordering methods are opaque to callers: an index into sorted arrays
// for node4/node16, the key byte itself for node48/node256. A position of -1
// means "none". Leaves implement the inner-node methods trivially; callers
// check for a leaf first.
type node[V any] interface {
	kind() int
	hdr() *header
	// child returns the slot holding the child for byte b, or nil.
	child(b byte) *node[V]
	full() bool
	// add inserts a child for byte b, which must be absent; the node must
	// not be full.
	add(b byte, c node[V])
	// remove deletes the child for byte b, which must be present.
	remove(b byte)
	size() int
	first() int
	last() int
	next(pos int) int
	prev(pos int) int
	// ceil is the position of the first child with byte >= b; floor the
	// position of the last child with byte <= b.
	ceil(b byte) int
	floor(b byte) int
	at(pos int) node[V]
	byteAt(pos int) byte
}

// header is the part common to inner nodes: the compressed path (bytes every
// key below shares after the parent's branching byte) and the child count.
type header struct {
	prefix    [maxPrefix]byte
	prefixLen uint8
	n         uint16
}

func (h *header) setPrefix(p []byte) {
	h.prefixLen = uint8(copy(h.prefix[:], p))
}

// leaf holds one key and its value. Leaves never move once created, so a
// pointer to a leaf's value stays valid until the key is deleted.
type leaf[V any] struct {
	key [KeyLen]byte
	val V
}

func (l *leaf[V]) kind() int           { return kindLeaf }
func (l *leaf[V]) hdr() *header        { return nil }
func (l *leaf[V]) child(byte) *node[V] { return nil }
func (l *leaf[V]) full() bool          { return true }
func (l *leaf[V]) add(byte, node[V])   {}
func (l *leaf[V]) remove(byte)         {}
func (l *leaf[V]) size() int           { return 0 }
func (l *leaf[V]) first() int          { return -1 }
func (l *leaf[V]) last() int           { return -1 }
func (l *leaf[V]) next(int) int        { return -1 }
func (l *leaf[V]) prev(int) int        { return -1 }
func (l *leaf[V]) ceil(byte) int       { return -1 }
func (l *leaf[V]) floor(byte) int      { return -1 }
func (l *leaf[V]) at(int) node[V]      { return nil }
func (l *leaf[V]) byteAt(int) byte     { return 0 }
