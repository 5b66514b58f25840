package radix

// node16 holds up to 16 children in arrays sorted by key byte.
type node16[V any] struct {
	h        header
	keys     [16]byte
	children [16]node[V]
}

func (n *node16[V]) kind() int    { return kind16 }
func (n *node16[V]) hdr() *header { return &n.h }
func (n *node16[V]) full() bool   { return n.h.n == 16 }
func (n *node16[V]) size() int    { return int(n.h.n) }

func (n *node16[V]) child(b byte) *node[V] {
	// Keys are sorted: stop at the first byte not below b.
	for i := 0; i < int(n.h.n); i++ {
		if k := n.keys[i]; k >= b {
			if k == b {
				return &n.children[i]
			}
			return nil
		}
	}
	return nil
}

func (n *node16[V]) add(b byte, c node[V]) {
	cnt := int(n.h.n)
	i := 0
	for i < cnt && n.keys[i] < b {
		i++
	}
	copy(n.keys[i+1:cnt+1], n.keys[i:cnt])
	copy(n.children[i+1:cnt+1], n.children[i:cnt])
	n.keys[i] = b
	n.children[i] = c
	n.h.n++
}

func (n *node16[V]) remove(b byte) {
	cnt := int(n.h.n)
	for i := 0; i < cnt; i++ {
		if n.keys[i] == b {
			copy(n.keys[i:], n.keys[i+1:cnt])
			copy(n.children[i:], n.children[i+1:cnt])
			n.children[cnt-1] = nil
			n.h.n--
			return
		}
	}
}

func (n *node16[V]) first() int {
	if n.h.n == 0 {
		return -1
	}
	return 0
}

func (n *node16[V]) last() int { return int(n.h.n) - 1 }

func (n *node16[V]) next(pos int) int {
	if pos+1 < int(n.h.n) {
		return pos + 1
	}
	return -1
}

func (n *node16[V]) prev(pos int) int { return pos - 1 }

func (n *node16[V]) ceil(b byte) int {
	for i := 0; i < int(n.h.n); i++ {
		if n.keys[i] >= b {
			return i
		}
	}
	return -1
}

func (n *node16[V]) floor(b byte) int {
	for i := int(n.h.n) - 1; i >= 0; i-- {
		if n.keys[i] <= b {
			return i
		}
	}
	return -1
}

func (n *node16[V]) at(pos int) node[V]  { return n.children[pos] }
func (n *node16[V]) byteAt(pos int) byte { return n.keys[pos] }
