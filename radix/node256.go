package radix

// node256 has a slot for every key byte; present keeps the key order.
type node256[V any] struct {
	h        header
	present  bitmap
	children [256]node[V]
}

func (n *node256[V]) kind() int    { return kind256 }
func (n *node256[V]) hdr() *header { return &n.h }
func (n *node256[V]) full() bool   { return false }
func (n *node256[V]) size() int    { return int(n.h.n) }

func (n *node256[V]) child(b byte) *node[V] {
	if n.children[b] != nil {
		return &n.children[b]
	}
	return nil
}

func (n *node256[V]) add(b byte, c node[V]) {
	n.children[b] = c
	n.present.set(b)
	n.h.n++
}

func (n *node256[V]) remove(b byte) {
	n.children[b] = nil
	n.present.clear(b)
	n.h.n--
}

func (n *node256[V]) first() int          { return n.present.nextFrom(0) }
func (n *node256[V]) last() int           { return n.present.prevFrom(255) }
func (n *node256[V]) next(pos int) int    { return n.present.nextFrom(pos + 1) }
func (n *node256[V]) prev(pos int) int    { return n.present.prevFrom(pos - 1) }
func (n *node256[V]) ceil(b byte) int     { return n.present.nextFrom(int(b)) }
func (n *node256[V]) floor(b byte) int    { return n.present.prevFrom(int(b)) }
func (n *node256[V]) at(pos int) node[V]  { return n.children[pos] }
func (n *node256[V]) byteAt(pos int) byte { return byte(pos) }
