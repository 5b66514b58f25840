package radix

import "unsafe"

// Tree is an ordered map from 16-byte keys to values of type V. The zero
// value is an empty tree ready to use. A Tree is not safe for concurrent
// use; callers lock.
type Tree[V any] struct {
	root node[V]
	size int
	// counts is the number of live nodes of each kind (leaves included), for
	// MemoryUsage and Stats.
	counts [numKinds]int
}

// Len returns the number of keys in the tree.
func (t *Tree[V]) Len() int { return t.size }

// Get returns the value stored under key, and whether there was one.
func (t *Tree[V]) Get(key [KeyLen]byte) (V, bool) {
	if l := t.find(&key); l != nil {
		return l.val, true
	}
	var zero V
	return zero, false
}

// Ref returns a pointer to the value stored under key, or nil. The pointer
// stays valid until key is deleted (values never move), so callers may
// update a value in place without a second lookup.
func (t *Tree[V]) Ref(key [KeyLen]byte) *V {
	if l := t.find(&key); l != nil {
		return &l.val
	}
	return nil
}

// find descends optimistically: inner prefixes are skipped, not compared,
// since the leaf holds the whole key and is compared at the end.
func (t *Tree[V]) find(key *[KeyLen]byte) *leaf[V] {
	n := t.root
	depth := 0
	for n != nil {
		if l, ok := n.(*leaf[V]); ok {
			if l.key == *key {
				return l
			}
			return nil
		}
		depth += int(n.hdr().prefixLen)
		c := n.child(key[depth])
		if c == nil {
			return nil
		}
		n = *c
		depth++
	}
	return nil
}

// Set stores v under key. It returns the value it replaced and true, or the
// zero value and false when key was new.
func (t *Tree[V]) Set(key [KeyLen]byte, v V) (old V, replaced bool) {
	ref := &t.root
	depth := 0
	for {
		n := *ref
		if n == nil {
			*ref = t.newLeaf(&key, v)
			t.size++
			return old, false
		}
		if l, ok := n.(*leaf[V]); ok {
			if l.key == key {
				old, l.val = l.val, v
				return old, true
			}
			// Two keys now share this slot: branch where they differ.
			i := depth
			for l.key[i] == key[i] {
				i++
			}
			nn := t.newNode4()
			nn.h.setPrefix(key[depth:i])
			nn.add(l.key[i], l)
			nn.add(key[i], t.newLeaf(&key, v))
			*ref = nn
			t.size++
			return old, false
		}
		h := n.hdr()
		p := int(h.prefixLen)
		m := 0
		for m < p && h.prefix[m] == key[depth+m] {
			m++
		}
		if m < p {
			// The key leaves the compressed path at m: split the path with
			// a node4 holding the old node and the new leaf.
			nn := t.newNode4()
			nn.h.setPrefix(key[depth : depth+m])
			nn.add(h.prefix[m], n)
			copy(h.prefix[:], h.prefix[m+1:p])
			h.prefixLen = uint8(p - m - 1)
			nn.add(key[depth+m], t.newLeaf(&key, v))
			*ref = nn
			t.size++
			return old, false
		}
		depth += p
		b := key[depth]
		c := n.child(b)
		if c == nil {
			if n.full() {
				n = t.grow(n)
				*ref = n
			}
			n.add(b, t.newLeaf(&key, v))
			t.size++
			return old, false
		}
		ref = c
		depth++
	}
}

// Delete removes key and returns its value, or the zero value and false
// when it was absent.
func (t *Tree[V]) Delete(key [KeyLen]byte) (V, bool) {
	var zero V
	var parent *node[V] // slot holding the node that holds ref
	var branch byte     // byte under which ref hangs in *parent
	ref := &t.root
	depth := 0
	for {
		n := *ref
		if n == nil {
			return zero, false
		}
		if l, ok := n.(*leaf[V]); ok {
			if l.key != key {
				return zero, false
			}
			if parent == nil {
				t.root = nil
			} else {
				p := *parent
				p.remove(branch)
				*parent = t.shrink(p)
			}
			t.counts[kindLeaf]--
			t.size--
			return l.val, true
		}
		depth += int(n.hdr().prefixLen)
		b := key[depth]
		c := n.child(b)
		if c == nil {
			return zero, false
		}
		parent, branch = ref, b
		ref = c
		depth++
	}
}

// Min returns the smallest key and its value, or false when the tree is
// empty.
func (t *Tree[V]) Min() (key [KeyLen]byte, v V, ok bool) {
	n := t.root
	if n == nil {
		return key, v, false
	}
	for {
		if l, ok := n.(*leaf[V]); ok {
			return l.key, l.val, true
		}
		n = n.at(n.first())
	}
}

// Max returns the largest key and its value, or false when the tree is
// empty.
func (t *Tree[V]) Max() (key [KeyLen]byte, v V, ok bool) {
	n := t.root
	if n == nil {
		return key, v, false
	}
	for {
		if l, ok := n.(*leaf[V]); ok {
			return l.key, l.val, true
		}
		n = n.at(n.last())
	}
}

// Clear removes every key.
func (t *Tree[V]) Clear() { *t = Tree[V]{} }

func (t *Tree[V]) newLeaf(key *[KeyLen]byte, v V) *leaf[V] {
	t.counts[kindLeaf]++
	return &leaf[V]{key: *key, val: v}
}

func (t *Tree[V]) newNode4() *node4[V] {
	t.counts[kind4]++
	return &node4[V]{}
}

// grow returns a copy of the full node n in the next larger kind.
func (t *Tree[V]) grow(n node[V]) node[V] {
	t.counts[n.kind()]--
	switch n := n.(type) {
	case *node4[V]:
		t.counts[kind16]++
		nn := &node16[V]{h: n.h}
		copy(nn.keys[:], n.keys[:])
		copy(nn.children[:], n.children[:])
		return nn
	case *node16[V]:
		t.counts[kind48]++
		nn := &node48[V]{h: n.h}
		for i := 0; i < int(n.h.n); i++ {
			b := n.keys[i]
			nn.children[i] = n.children[i]
			nn.index[b] = uint8(i + 1)
			nn.present.set(b)
		}
		return nn
	case *node48[V]:
		t.counts[kind256]++
		nn := &node256[V]{h: n.h, present: n.present}
		for b := n.present.nextFrom(0); b >= 0; b = n.present.nextFrom(b + 1) {
			nn.children[b] = n.children[n.index[b]-1]
		}
		return nn
	}
	panic("radix: grow of a node that cannot grow")
}

// Shrink thresholds: a node moves to the next smaller kind once it holds
// this many children, leaving room to add a few back without growing again.
const (
	shrink16  = 3
	shrink48  = 12
	shrink256 = 37
)

// shrink returns the node that should replace n after a removal: n itself,
// a smaller kind holding the same children, or, for a node4 left with one
// child, that child with n's path folded into it.
func (t *Tree[V]) shrink(n node[V]) node[V] {
	switch n := n.(type) {
	case *node4[V]:
		if n.h.n != 1 {
			return n
		}
		t.counts[kind4]--
		c := n.children[0]
		if ch := c.hdr(); ch != nil {
			// Fold: parent path + branching byte + child path.
			var p [maxPrefix]byte
			k := copy(p[:], n.h.prefix[:n.h.prefixLen])
			p[k] = n.keys[0]
			k++
			k += copy(p[k:], ch.prefix[:ch.prefixLen])
			ch.prefix = p
			ch.prefixLen = uint8(k)
		}
		return c
	case *node16[V]:
		if n.h.n > shrink16 {
			return n
		}
		t.counts[kind16]--
		t.counts[kind4]++
		nn := &node4[V]{h: n.h}
		copy(nn.keys[:], n.keys[:n.h.n])
		copy(nn.children[:], n.children[:n.h.n])
		return nn
	case *node48[V]:
		if n.h.n > shrink48 {
			return n
		}
		t.counts[kind48]--
		t.counts[kind16]++
		nn := &node16[V]{h: n.h}
		i := 0
		for b := n.present.nextFrom(0); b >= 0; b = n.present.nextFrom(b + 1) {
			nn.keys[i] = byte(b)
			nn.children[i] = n.children[n.index[b]-1]
			i++
		}
		return nn
	case *node256[V]:
		if n.h.n > shrink256 {
			return n
		}
		t.counts[kind256]--
		t.counts[kind48]++
		nn := &node48[V]{h: n.h, present: n.present}
		i := 0
		for b := n.present.nextFrom(0); b >= 0; b = n.present.nextFrom(b + 1) {
			nn.children[i] = n.children[b]
			nn.index[b] = uint8(i + 1)
			i++
		}
		return nn
	}
	return n
}

// Stats counts the nodes of a tree by kind.
type Stats struct {
	Leaves, Node4, Node16, Node48, Node256 int
}

// Stats returns the number of nodes of each kind.
func (t *Tree[V]) Stats() Stats {
	return Stats{t.counts[kindLeaf], t.counts[kind4], t.counts[kind16], t.counts[kind48], t.counts[kind256]}
}

// MemoryUsage estimates the bytes the tree's own nodes occupy, leaves
// included; memory that values point to is the caller's to count.
func (t *Tree[V]) MemoryUsage() int {
	return t.counts[kindLeaf]*int(unsafe.Sizeof(leaf[V]{})) +
		t.counts[kind4]*int(unsafe.Sizeof(node4[V]{})) +
		t.counts[kind16]*int(unsafe.Sizeof(node16[V]{})) +
		t.counts[kind48]*int(unsafe.Sizeof(node48[V]{})) +
		t.counts[kind256]*int(unsafe.Sizeof(node256[V]{})) +
		int(unsafe.Sizeof(*t))
}

// TrieNodes returns the number of nodes a byte-wise compressed trie holding
// the same keys would have, counted as Redis's rax counts them: one node per
// branching point, one per compressed run of single-child bytes, one per key
// end, and the head node of an empty trie. It walks the whole tree.
func (t *Tree[V]) TrieNodes() int {
	if t.root == nil {
		return 1
	}
	return trieNodes(t.root, 0)
}

func trieNodes[V any](n node[V], depth int) int {
	if _, ok := n.(*leaf[V]); ok {
		if depth < KeyLen {
			return 2 // the rest of the key compressed, then the key node
		}
		return 1
	}
	h := n.hdr()
	total := 1
	if h.prefixLen > 0 {
		total++
	}
	d := depth + int(h.prefixLen) + 1
	for pos := n.first(); pos >= 0; pos = n.next(pos) {
		total += trieNodes(n.at(pos), d)
	}
	return total
}
