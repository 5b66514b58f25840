package radix

// node48 holds up to 48 children in unordered slots; index maps a key byte
// to its slot plus one (0 means no child) and present keeps the key order.
type node48[V any] struct {
	h        header
	present  bitmap
	index    [256]uint8
	children [48]node[V]
}

func (n *node48[V]) kind() int    { return kind48 }
func (n *node48[V]) hdr() *header { return &n.h }
func (n *node48[V]) full() bool   { return n.h.n == 48 }
func (n *node48[V]) size() int    { return int(n.h.n) }

func (n *node48[V]) child(b byte) *node[V] {
	if i := n.index[b]; i != 0 {
		return &n.children[i-1]
	}
	return nil
}

func (n *node48[V]) add(b byte, c node[V]) {
	slot := 0
	for n.children[slot] != nil {
		slot++
	}
	n.children[slot] = c
	n.index[b] = uint8(slot + 1)
	n.present.set(b)
	n.h.n++
}

func (n *node48[V]) remove(b byte) {
	slot := n.index[b] - 1
	n.children[slot] = nil
	n.index[b] = 0
	n.present.clear(b)
	n.h.n--
}

func (n *node48[V]) first() int          { return n.present.nextFrom(0) }
func (n *node48[V]) last() int           { return n.present.prevFrom(255) }
func (n *node48[V]) next(pos int) int    { return n.present.nextFrom(pos + 1) }
func (n *node48[V]) prev(pos int) int    { return n.present.prevFrom(pos - 1) }
func (n *node48[V]) ceil(b byte) int     { return n.present.nextFrom(int(b)) }
func (n *node48[V]) floor(b byte) int    { return n.present.prevFrom(int(b)) }
func (n *node48[V]) at(pos int) node[V]  { return n.children[n.index[pos]-1] }
func (n *node48[V]) byteAt(pos int) byte { return byte(pos) }
