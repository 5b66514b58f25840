package radix

// node4 holds up to 4 children in arrays sorted by key byte.
type node4[V any] struct {
	h        header
	keys     [4]byte
	children [4]node[V]
}

func (n *node4[V]) kind() int    { return kind4 }
func (n *node4[V]) hdr() *header { return &n.h }
func (n *node4[V]) full() bool   { return n.h.n == 4 }
func (n *node4[V]) size() int    { return int(n.h.n) }

func (n *node4[V]) child(b byte) *node[V] {
	for i := 0; i < int(n.h.n); i++ {
		if n.keys[i] == b {
			return &n.children[i]
		}
	}
	return nil
}

func (n *node4[V]) add(b byte, c node[V]) {
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

func (n *node4[V]) remove(b byte) {
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

func (n *node4[V]) first() int {
	if n.h.n == 0 {
		return -1
	}
	return 0
}

func (n *node4[V]) last() int { return int(n.h.n) - 1 }

func (n *node4[V]) next(pos int) int {
	if pos+1 < int(n.h.n) {
		return pos + 1
	}
	return -1
}

func (n *node4[V]) prev(pos int) int { return pos - 1 }

func (n *node4[V]) ceil(b byte) int {
	for i := 0; i < int(n.h.n); i++ {
		if n.keys[i] >= b {
			return i
		}
	}
	return -1
}

func (n *node4[V]) floor(b byte) int {
	for i := int(n.h.n) - 1; i >= 0; i-- {
		if n.keys[i] <= b {
			return i
		}
	}
	return -1
}

func (n *node4[V]) at(pos int) node[V]  { return n.children[pos] }
func (n *node4[V]) byteAt(pos int) byte { return n.keys[pos] }
