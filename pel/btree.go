package pel

import "github.com/runnel-db/runnel/stream"

// An in-memory B+tree: keys and values live in leaves, which are linked both
// ways so a cursor steps in O(1); inner nodes hold separators only. It is the
// ordered index behind every PEL and behind the consumer and group name
// maps. Not safe for concurrent use.
//
// Fill policy. Nodes split in halves, except that a leaf which overflows by
// an append at the very end of the tree keeps all its entries and starts a
// new last leaf; pending IDs arrive in increasing order, so PEL leaves stay
// full instead of half full. Consequently every non-root node holds at least
// half its capacity, except the last leaf of the tree, which holds at least
// one entry.
//
// A leaf's entries occupy keys[lo:lo+n]: removing a leaf's first entry, as
// in-order acknowledgements do at the head of a PEL, moves lo instead of
// the other entries, and a removal nearer the front than the back shifts
// the front part. Slots outside [lo, lo+n) are zero. An insertion into a
// leaf with no room after its entries moves them back to the start first;
// splits and merges work on leaves moved to the start (lo 0).

// keyed is the constraint on B-tree keys: a total order given by Compare,
// which returns -1, 0 or +1 like stream.ID.Compare.
type keyed[K any] interface {
	Compare(K) int
}

const (
	leafCap  = 64 // entries per leaf
	leafMin  = leafCap / 2
	innerCap = 64 // children per inner node
	innerMin = innerCap / 2
)

type leaf[K keyed[K], V any] struct {
	lo, n      int
	keys       [leafCap]K
	vals       [leafCap]V
	prev, next *leaf[K, V]
}

// inner is an inner node with n children and n-1 separators: every key in
// child i sorts before keys[i], and every key in child i+1 is at least
// keys[i]. Its children are leaves when the node is at height 1 and inner
// nodes above that; only the matching array is used.
type inner[K keyed[K], V any] struct {
	n      int
	keys   [innerCap - 1]K
	leaves [innerCap]*leaf[K, V]
	inners [innerCap]*inner[K, V]
}

// btree is an ordered map from K to V. The zero value is an empty tree.
type btree[K keyed[K], V any] struct {
	height      int // 0: the root is rootLeaf; otherwise rootInner
	rootLeaf    *leaf[K, V]
	rootInner   *inner[K, V]
	length      int
	first, last *leaf[K, V]
	// version changes whenever a key is added or removed, so that cursors
	// notice that their leaf position may be stale.
	version uint64
}

// Len returns the number of entries.
func (t *btree[K, V]) Len() int { return t.length }

// end returns the position after l's last entry.
func (l *leaf[K, V]) end() int { return l.lo + l.n }

// toStart moves l's entries to the start of its arrays (lo 0).
func (l *leaf[K, V]) toStart() {
	if l.lo == 0 {
		return
	}
	copy(l.keys[:], l.keys[l.lo:l.end()])
	copy(l.vals[:], l.vals[l.lo:l.end()])
	clear(l.keys[l.n:l.end()])
	clear(l.vals[l.n:l.end()])
	l.lo = 0
}

// leafSearch returns the first position in l (in [lo, lo+n]) whose key is
// >= k, and whether that key equals k.
func leafSearch[K keyed[K], V any](l *leaf[K, V], k K) (int, bool) {
	if keys, ok := any(&l.keys).(*[leafCap]stream.ID); ok {
		i, found := searchIDs(keys[l.lo:l.end()], *any(&k).(*stream.ID))
		return l.lo + i, found
	}
	lo, hi := l.lo, l.end()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.keys[m].Compare(k) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < l.end() && l.keys[lo].Compare(k) == 0
}

// childIndex returns the child of x whose range holds k: the number of
// separators <= k.
func childIndex[K keyed[K], V any](x *inner[K, V], k K) int {
	if keys, ok := any(&x.keys).(*[innerCap - 1]stream.ID); ok {
		return upperIDs(keys[:x.n-1], *any(&k).(*stream.ID))
	}
	lo, hi := 0, x.n-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.keys[m].Compare(k) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// searchIDs and upperIDs are leafSearch's and childIndex's searches
// specialised for stream.ID keys, the PEL's: comparisons inline instead of
// going through the generic method call.
func searchIDs(keys []stream.ID, k stream.ID) (int, bool) {
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if keys[m].Less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(keys) && keys[lo] == k
}

func upperIDs(keys []stream.ID, k stream.ID) int {
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !k.Less(keys[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// edgeLeaf returns the first or the last leaf when k falls in its range,
// without descending the tree, and nil otherwise. PELs are mostly touched at
// their ends: deliveries append, in-order acks remove the oldest.
func (t *btree[K, V]) edgeLeaf(k K) *leaf[K, V] {
	if t.height == 0 {
		return t.rootLeaf
	}
	// The last leaf holds [its separator, +inf) and its first key is at
	// least that separator; symmetrically for the first leaf.
	if l := t.last; l.keys[l.lo].Compare(k) <= 0 {
		return l
	}
	if l := t.first; k.Compare(l.keys[l.end()-1]) <= 0 {
		return l
	}
	return nil
}

// findLeaf returns the leaf whose range holds k.
func (t *btree[K, V]) findLeaf(k K) *leaf[K, V] {
	if t.height == 0 {
		return t.rootLeaf
	}
	x := t.rootInner
	for h := t.height; h > 1; h-- {
		x = x.inners[childIndex(x, k)]
	}
	return x.leaves[childIndex(x, k)]
}

// Get returns the value stored under k.
func (t *btree[K, V]) Get(k K) (V, bool) {
	var zero V
	if t.length == 0 {
		return zero, false
	}
	l := t.edgeLeaf(k)
	if l == nil {
		l = t.findLeaf(k)
	}
	i, ok := leafSearch(l, k)
	if !ok {
		return zero, false
	}
	return l.vals[i], true
}

// Min returns the smallest entry.
func (t *btree[K, V]) Min() (K, V, bool) {
	if t.length == 0 {
		var k K
		var v V
		return k, v, false
	}
	l := t.first
	return l.keys[l.lo], l.vals[l.lo], true
}

// Max returns the greatest entry.
func (t *btree[K, V]) Max() (K, V, bool) {
	if t.length == 0 {
		var k K
		var v V
		return k, v, false
	}
	l := t.last
	return l.keys[l.end()-1], l.vals[l.end()-1], true
}

// Set stores v under k and returns the value it replaced, if any.
func (t *btree[K, V]) Set(k K, v V) (old V, replaced bool) {
	if t.rootLeaf == nil && t.rootInner == nil {
		l := &leaf[K, V]{}
		t.rootLeaf, t.first, t.last = l, l, l
	}
	if l := t.edgeLeaf(k); l != nil && t.height > 0 {
		// Fast path: no descent unless the leaf must split.
		i, found := leafSearch(l, k)
		if found {
			old, l.vals[i] = l.vals[i], v
			return old, true
		}
		if l.n < leafCap {
			leafInsertAt(l, i, k, v)
			t.length++
			t.version++
			return old, false
		}
	}
	var sep K
	if t.height == 0 {
		var right *leaf[K, V]
		old, replaced, sep, right = t.leafSet(t.rootLeaf, k, v)
		if right != nil {
			root := &inner[K, V]{n: 2}
			root.keys[0] = sep
			root.leaves[0], root.leaves[1] = t.rootLeaf, right
			t.rootLeaf, t.rootInner, t.height = nil, root, 1
		}
	} else {
		var right *inner[K, V]
		old, replaced, sep, right = t.innerSet(t.rootInner, t.height, k, v)
		if right != nil {
			root := &inner[K, V]{n: 2}
			root.keys[0] = sep
			root.inners[0], root.inners[1] = t.rootInner, right
			t.rootInner = root
			t.height++
		}
	}
	if !replaced {
		t.length++
		t.version++
	}
	return old, replaced
}

// leafSet inserts into l; when l splits it returns the new right sibling
// and the separator between them.
func (t *btree[K, V]) leafSet(l *leaf[K, V], k K, v V) (old V, replaced bool, sep K, right *leaf[K, V]) {
	i, found := leafSearch(l, k)
	if found {
		old = l.vals[i]
		l.vals[i] = v
		return old, true, sep, nil
	}
	if l.n < leafCap {
		leafInsertAt(l, i, k, v)
		return old, false, sep, nil
	}
	// A full leaf starts at lo 0: i is a position from the start.
	r := &leaf[K, V]{}
	if i == leafCap && l.next == nil {
		// Append at the end of the tree: keep l full.
		r.keys[0], r.vals[0], r.n = k, v, 1
	} else {
		const mid = leafCap / 2
		copy(r.keys[:], l.keys[mid:])
		copy(r.vals[:], l.vals[mid:])
		r.n = leafCap - mid
		clearLeafTail(l, mid)
		if i <= mid {
			leafInsertAt(l, i, k, v)
		} else {
			leafInsertAt(r, i-mid, k, v)
		}
	}
	r.prev, r.next = l, l.next
	if l.next != nil {
		l.next.prev = r
	} else {
		t.last = r
	}
	l.next = r
	return old, false, r.keys[0], r
}

// leafInsertAt inserts k, v at position i of l (in [lo, lo+n]), which
// has room for one more entry.
func leafInsertAt[K keyed[K], V any](l *leaf[K, V], i int, k K, v V) {
	if l.end() == leafCap {
		// No room after the entries: move them to the start.
		i -= l.lo
		l.toStart()
	}
	end := l.end()
	copy(l.keys[i+1:end+1], l.keys[i:end])
	copy(l.vals[i+1:end+1], l.vals[i:end])
	l.keys[i], l.vals[i] = k, v
	l.n++
}

// clearLeafTail drops the entries of l from position n on, zeroing them so
// that the values can be garbage collected. l starts at lo 0.
func clearLeafTail[K keyed[K], V any](l *leaf[K, V], n int) {
	clear(l.keys[n:l.n])
	clear(l.vals[n:l.n])
	l.n = n
}

// innerSet inserts below x, which is at height h >= 1.
func (t *btree[K, V]) innerSet(x *inner[K, V], h int, k K, v V) (old V, replaced bool, sep K, right *inner[K, V]) {
	ci := childIndex(x, k)
	var childSep K
	if h == 1 {
		var r *leaf[K, V]
		old, replaced, childSep, r = t.leafSet(x.leaves[ci], k, v)
		if r == nil {
			return old, replaced, sep, nil
		}
		sep, right = innerInsert(x, ci, childSep, r, nil)
	} else {
		var r *inner[K, V]
		old, replaced, childSep, r = t.innerSet(x.inners[ci], h-1, k, v)
		if r == nil {
			return old, replaced, sep, nil
		}
		sep, right = innerInsert(x, ci, childSep, nil, r)
	}
	return old, replaced, sep, right
}

// innerInsert adds the new right sibling of child ci (a leaf or an inner
// node) with separator s, splitting x in halves when it is full.
func innerInsert[K keyed[K], V any](x *inner[K, V], ci int, s K, rl *leaf[K, V], ri *inner[K, V]) (sep K, right *inner[K, V]) {
	if x.n < innerCap {
		innerInsertAt(x, ci, s, rl, ri)
		return sep, nil
	}
	const mid = innerCap / 2
	r := &inner[K, V]{n: innerCap - mid}
	sep = x.keys[mid-1]
	copy(r.keys[:], x.keys[mid:x.n-1])
	copy(r.leaves[:], x.leaves[mid:x.n])
	copy(r.inners[:], x.inners[mid:x.n])
	clear(x.keys[mid-1 : x.n-1])
	clear(x.leaves[mid:x.n])
	clear(x.inners[mid:x.n])
	x.n = mid
	if ci < mid {
		innerInsertAt(x, ci, s, rl, ri)
	} else {
		innerInsertAt(r, ci-mid, s, rl, ri)
	}
	return sep, r
}

// innerInsertAt inserts separator s at keys[ci] and the child at ci+1.
func innerInsertAt[K keyed[K], V any](x *inner[K, V], ci int, s K, rl *leaf[K, V], ri *inner[K, V]) {
	copy(x.keys[ci+1:x.n], x.keys[ci:x.n-1])
	x.keys[ci] = s
	copy(x.leaves[ci+2:x.n+1], x.leaves[ci+1:x.n])
	copy(x.inners[ci+2:x.n+1], x.inners[ci+1:x.n])
	x.leaves[ci+1], x.inners[ci+1] = rl, ri
	x.n++
}

// Delete removes k and returns its value.
func (t *btree[K, V]) Delete(k K) (V, bool) {
	var v V
	var ok bool
	if t.length == 0 {
		return v, false
	}
	switch edge := t.edgeLeaf(k); {
	case t.height == 0:
		v, ok = leafDelete(t.rootLeaf, k)
	case edge != nil && edge.n > leafMin:
		// Fast path: the leaf stays at least half full, so no parent is
		// involved.
		v, ok = leafDelete(edge, k)
	default:
		v, ok = t.innerDelete(t.rootInner, t.height, k)
		if t.rootInner.n == 1 {
			if t.height == 1 {
				t.rootLeaf, t.rootInner = t.rootInner.leaves[0], nil
			} else {
				t.rootInner = t.rootInner.inners[0]
			}
			t.height--
		}
	}
	if ok {
		t.length--
		t.version++
	}
	return v, ok
}

func leafDelete[K keyed[K], V any](l *leaf[K, V], k K) (V, bool) {
	i, found := leafSearch(l, k)
	if !found {
		var zero V
		return zero, false
	}
	v := l.vals[i]
	var zk K
	var zv V
	if end := l.end(); i-l.lo < end-1-i {
		// Nearer the front: shift the entries before i back by one.
		copy(l.keys[l.lo+1:i+1], l.keys[l.lo:i])
		copy(l.vals[l.lo+1:i+1], l.vals[l.lo:i])
		l.keys[l.lo], l.vals[l.lo] = zk, zv
		l.lo++
	} else {
		copy(l.keys[i:end-1], l.keys[i+1:end])
		copy(l.vals[i:end-1], l.vals[i+1:end])
		l.keys[end-1], l.vals[end-1] = zk, zv
	}
	l.n--
	if l.n == 0 {
		l.lo = 0
	}
	return v, true
}

// innerDelete removes k below x (height h >= 1) and restores the fill of
// the child it went through.
func (t *btree[K, V]) innerDelete(x *inner[K, V], h int, k K) (V, bool) {
	ci := childIndex(x, k)
	if h == 1 {
		v, ok := leafDelete(x.leaves[ci], k)
		if ok && x.leaves[ci].n < leafMin {
			t.fixLeaf(x, ci)
		}
		return v, ok
	}
	v, ok := t.innerDelete(x.inners[ci], h-1, k)
	if ok && x.inners[ci].n < innerMin {
		fixInner(x, ci)
	}
	return v, ok
}

// fixLeaf refills the underfull leaf child ci of x from a sibling, merging
// the two when their entries fit in one leaf. x has at least two children.
func (t *btree[K, V]) fixLeaf(x *inner[K, V], ci int) {
	li := ci - 1
	if ci == 0 {
		li = 0
	}
	l, r := x.leaves[li], x.leaves[li+1]
	l.toStart()
	r.toStart()
	if l.n+r.n <= leafCap {
		copy(l.keys[l.n:], r.keys[:r.n])
		copy(l.vals[l.n:], r.vals[:r.n])
		l.n += r.n
		l.next = r.next
		if r.next != nil {
			r.next.prev = l
		} else {
			t.last = l
		}
		innerRemoveAt(x, li)
		return
	}
	want := (l.n + r.n) / 2 // new size of l
	if l.n < want {
		m := want - l.n // move r's first m entries to the end of l
		copy(l.keys[l.n:], r.keys[:m])
		copy(l.vals[l.n:], r.vals[:m])
		l.n = want
		copy(r.keys[:], r.keys[m:r.n])
		copy(r.vals[:], r.vals[m:r.n])
		clearLeafTail(r, r.n-m)
	} else {
		m := l.n - want // move l's last m entries to the front of r
		copy(r.keys[m:], r.keys[:r.n])
		copy(r.vals[m:], r.vals[:r.n])
		copy(r.keys[:m], l.keys[want:l.n])
		copy(r.vals[:m], l.vals[want:l.n])
		r.n += m
		clearLeafTail(l, want)
	}
	x.keys[li] = r.keys[0]
}

// fixInner refills the underfull inner child ci of x, like fixLeaf. Moving
// children between inner siblings rotates separators through x.
func fixInner[K keyed[K], V any](x *inner[K, V], ci int) {
	li := ci - 1
	if ci == 0 {
		li = 0
	}
	l, r := x.inners[li], x.inners[li+1]
	if l.n+r.n <= innerCap {
		l.keys[l.n-1] = x.keys[li]
		copy(l.keys[l.n:], r.keys[:r.n-1])
		copy(l.leaves[l.n:], r.leaves[:r.n])
		copy(l.inners[l.n:], r.inners[:r.n])
		l.n += r.n
		innerRemoveAt(x, li)
		return
	}
	want := (l.n + r.n) / 2
	if l.n < want {
		m := want - l.n // r's first m children go to the end of l
		l.keys[l.n-1] = x.keys[li]
		copy(l.keys[l.n:], r.keys[:m-1])
		copy(l.leaves[l.n:], r.leaves[:m])
		copy(l.inners[l.n:], r.inners[:m])
		l.n = want
		x.keys[li] = r.keys[m-1]
		copy(r.keys[:], r.keys[m:r.n-1])
		copy(r.leaves[:], r.leaves[m:r.n])
		copy(r.inners[:], r.inners[m:r.n])
		clear(r.keys[r.n-1-m : r.n-1])
		clear(r.leaves[r.n-m : r.n])
		clear(r.inners[r.n-m : r.n])
		r.n -= m
	} else {
		m := l.n - want // l's last m children go to the front of r
		copy(r.keys[m:], r.keys[:r.n-1])
		copy(r.leaves[m:], r.leaves[:r.n])
		copy(r.inners[m:], r.inners[:r.n])
		r.keys[m-1] = x.keys[li]
		copy(r.keys[:m-1], l.keys[want:l.n-1])
		copy(r.leaves[:m], l.leaves[want:l.n])
		copy(r.inners[:m], l.inners[want:l.n])
		r.n += m
		x.keys[li] = l.keys[want-1]
		clear(l.keys[want-1 : l.n-1])
		clear(l.leaves[want:l.n])
		clear(l.inners[want:l.n])
		l.n = want
	}
}

// innerRemoveAt drops separator li and child li+1 of x (after a merge of
// children li and li+1 into li).
func innerRemoveAt[K keyed[K], V any](x *inner[K, V], li int) {
	copy(x.keys[li:], x.keys[li+1:x.n-1])
	copy(x.leaves[li+1:], x.leaves[li+2:x.n])
	copy(x.inners[li+1:], x.inners[li+2:x.n])
	var zk K
	x.keys[x.n-2] = zk
	x.leaves[x.n-1], x.inners[x.n-1] = nil, nil
	x.n--
}

// cursor walks a btree in key order, forward or backward. It survives
// changes to the tree: when keys were added or removed since its last step,
// it finds its place again by key, so it continues right after the last key
// it returned. The zero cursor is exhausted.
type cursor[K keyed[K], V any] struct {
	t       *btree[K, V]
	l       *leaf[K, V]
	i       int // position in l of the next entry
	version uint64
	from    K    // where to continue when the tree changed
	incl    bool // whether from itself is still to be returned
	edge    bool // nothing returned yet and no seek key: start at the edge
	rev     bool
	done    bool
}

// Seek returns a cursor at the first key >= k that steps forward.
func (t *btree[K, V]) Seek(k K) cursor[K, V] {
	c := cursor[K, V]{t: t, from: k, incl: true}
	c.position()
	return c
}

// SeekReverse returns a cursor at the last key <= k that steps backward.
func (t *btree[K, V]) SeekReverse(k K) cursor[K, V] {
	c := cursor[K, V]{t: t, from: k, incl: true, rev: true}
	c.position()
	return c
}

// SeekFirst returns a forward cursor at the smallest key.
func (t *btree[K, V]) SeekFirst() cursor[K, V] {
	c := cursor[K, V]{t: t, edge: true}
	c.position()
	return c
}

// SeekLast returns a backward cursor at the greatest key.
func (t *btree[K, V]) SeekLast() cursor[K, V] {
	c := cursor[K, V]{t: t, edge: true, rev: true}
	c.position()
	return c
}

// position places the cursor by from/incl in the current tree.
func (c *cursor[K, V]) position() {
	c.version = c.t.version
	c.l = nil
	if c.t.length == 0 {
		return
	}
	if c.edge {
		if c.rev {
			c.l, c.i = c.t.last, c.t.last.end()-1
		} else {
			c.l, c.i = c.t.first, c.t.first.lo
		}
		return
	}
	l := c.t.findLeaf(c.from)
	i, found := leafSearch(l, c.from)
	if c.rev {
		// i is the first key >= from; we want the last key <= from (< when
		// from was already returned).
		if !(found && c.incl) {
			i--
		}
		if i < l.lo {
			l = l.prev
			if l == nil {
				return
			}
			i = l.end() - 1
		}
	} else {
		if found && !c.incl {
			i++
		}
		if i >= l.end() {
			l = l.next
			if l == nil {
				return
			}
			i = l.lo
		}
	}
	c.l, c.i = l, i
}

// Next returns the entry under the cursor and advances it.
func (c *cursor[K, V]) Next() (K, V, bool) {
	var k K
	var v V
	if c.t == nil || c.done {
		return k, v, false
	}
	if c.version != c.t.version {
		c.position()
	}
	l := c.l
	if l == nil {
		c.done = true
		return k, v, false
	}
	k, v = l.keys[c.i], l.vals[c.i]
	c.from, c.incl, c.edge = k, false, false
	if c.rev {
		c.i--
		if c.i < l.lo {
			c.l = l.prev
			if c.l != nil {
				c.i = c.l.end() - 1
			}
		}
	} else {
		c.i++
		if c.i >= l.end() {
			c.l = l.next
			if c.l != nil {
				c.i = c.l.lo
			}
		}
	}
	return k, v, true
}
