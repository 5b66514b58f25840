package radix

import "bytes"

// frame is one step of an iterator's path: an inner node and the position of
// the child the path goes through.
type frame[V any] struct {
	n   node[V]
	pos int
}

// Iterator walks a tree's keys in order, in either direction. Obtain one
// with Tree.Iterator, position it with Seek, SeekLE, First or Last, then
// step with Next or Prev; Key and Value read the current entry while Valid
// reports true. An Iterator is a plain value holding its path in a fixed
// array: positioning and stepping never allocate.
//
// Any change to the tree (Set of a new key, Delete) invalidates the
// iterator: position it again before further use. Replacing the value of an
// existing key through Set or Ref does not.
type Iterator[V any] struct {
	t     *Tree[V]
	leaf  *leaf[V]
	depth int
	stack [KeyLen]frame[V]
}

// Iterator returns an unpositioned iterator over t.
func (t *Tree[V]) Iterator() Iterator[V] { return Iterator[V]{t: t} }

// Valid reports whether the iterator is at an entry.
func (it *Iterator[V]) Valid() bool { return it.leaf != nil }

// Key returns the current key. The iterator must be valid.
func (it *Iterator[V]) Key() [KeyLen]byte { return it.leaf.key }

// Value returns the current value. The iterator must be valid.
func (it *Iterator[V]) Value() V { return it.leaf.val }

// ValuePtr returns a pointer to the current value, valid until its key is
// deleted. The iterator must be valid.
func (it *Iterator[V]) ValuePtr() *V { return &it.leaf.val }

// First positions the iterator at the smallest key; false if the tree is
// empty.
func (it *Iterator[V]) First() bool {
	it.reset()
	if it.t.root == nil {
		return false
	}
	it.descendFirst(it.t.root)
	return true
}

// Last positions the iterator at the largest key; false if the tree is
// empty.
func (it *Iterator[V]) Last() bool {
	it.reset()
	if it.t.root == nil {
		return false
	}
	it.descendLast(it.t.root)
	return true
}

// Next moves to the next larger key. It returns false, leaving the iterator
// invalid, when there is none or the iterator was not valid.
func (it *Iterator[V]) Next() bool {
	if it.leaf == nil {
		return false
	}
	return it.advance()
}

// Prev moves to the next smaller key. It returns false, leaving the iterator
// invalid, when there is none or the iterator was not valid.
func (it *Iterator[V]) Prev() bool {
	if it.leaf == nil {
		return false
	}
	return it.retreat()
}

// Seek positions the iterator at the first key >= key; false if there is
// none.
func (it *Iterator[V]) Seek(key [KeyLen]byte) bool {
	it.reset()
	n := it.t.root
	if n == nil {
		return false
	}
	depth := 0
	for {
		if l, ok := n.(*leaf[V]); ok {
			it.leaf = l
			if compareKeys(&l.key, &key) >= 0 {
				return true
			}
			return it.advance()
		}
		h := n.hdr()
		p := int(h.prefixLen)
		if c := bytes.Compare(h.prefix[:p], key[depth:depth+p]); c != 0 {
			if c > 0 { // every key below n is larger
				it.descendFirst(n)
				return true
			}
			return it.advance() // every key below n is smaller
		}
		depth += p
		b := key[depth]
		pos := n.ceil(b)
		if pos < 0 {
			return it.advance()
		}
		it.push(n, pos)
		if n.byteAt(pos) > b {
			it.descendFirst(n.at(pos))
			return true
		}
		n = n.at(pos)
		depth++
	}
}

// SeekLE positions the iterator at the last key <= key; false if there is
// none.
func (it *Iterator[V]) SeekLE(key [KeyLen]byte) bool {
	it.reset()
	n := it.t.root
	if n == nil {
		return false
	}
	depth := 0
	for {
		if l, ok := n.(*leaf[V]); ok {
			it.leaf = l
			if compareKeys(&l.key, &key) <= 0 {
				return true
			}
			return it.retreat()
		}
		h := n.hdr()
		p := int(h.prefixLen)
		if c := bytes.Compare(h.prefix[:p], key[depth:depth+p]); c != 0 {
			if c < 0 { // every key below n is smaller
				it.descendLast(n)
				return true
			}
			return it.retreat() // every key below n is larger
		}
		depth += p
		b := key[depth]
		pos := n.floor(b)
		if pos < 0 {
			return it.retreat()
		}
		it.push(n, pos)
		if n.byteAt(pos) < b {
			it.descendLast(n.at(pos))
			return true
		}
		n = n.at(pos)
		depth++
	}
}

func (it *Iterator[V]) reset() {
	it.leaf = nil
	it.depth = 0
}

func (it *Iterator[V]) push(n node[V], pos int) {
	it.stack[it.depth] = frame[V]{n, pos}
	it.depth++
}

// advance moves past the subtree the top frame points at (the whole tree if
// the stack is empty) to the smallest key after it.
func (it *Iterator[V]) advance() bool {
	for it.depth > 0 {
		f := &it.stack[it.depth-1]
		if pos := f.n.next(f.pos); pos >= 0 {
			f.pos = pos
			it.descendFirst(f.n.at(pos))
			return true
		}
		it.depth--
	}
	it.leaf = nil
	return false
}

// retreat is advance in the other direction.
func (it *Iterator[V]) retreat() bool {
	for it.depth > 0 {
		f := &it.stack[it.depth-1]
		if pos := f.n.prev(f.pos); pos >= 0 {
			f.pos = pos
			it.descendLast(f.n.at(pos))
			return true
		}
		it.depth--
	}
	it.leaf = nil
	return false
}

func (it *Iterator[V]) descendFirst(n node[V]) {
	for {
		if l, ok := n.(*leaf[V]); ok {
			it.leaf = l
			return
		}
		pos := n.first()
		it.push(n, pos)
		n = n.at(pos)
	}
}

func (it *Iterator[V]) descendLast(n node[V]) {
	for {
		if l, ok := n.(*leaf[V]); ok {
			it.leaf = l
			return
		}
		pos := n.last()
		it.push(n, pos)
		n = n.at(pos)
	}
}

func compareKeys(a, b *[KeyLen]byte) int { return bytes.Compare(a[:], b[:]) }
