package pel

import (
	"fmt"
	"reflect"
)

// check verifies the tree's structure: keys strictly increasing along the
// leaf chain, separators bounding their subtrees, all leaves at one depth,
// node fill as the fill policy promises, and the entry count.
func (t *btree[K, V]) check() error {
	if t.rootLeaf == nil && t.rootInner == nil {
		if t.length != 0 {
			return fmt.Errorf("btree: empty tree with length %d", t.length)
		}
		return nil
	}
	var leaves []*leaf[K, V]
	var walk func(x *inner[K, V], h int, lo, hi *K) error
	inRange := func(k K, lo, hi *K) bool {
		return (lo == nil || (*lo).Compare(k) <= 0) && (hi == nil || k.Compare(*hi) < 0)
	}
	walk = func(x *inner[K, V], h int, lo, hi *K) error {
		if x.n < 2 || (x != t.rootInner && x.n < innerMin) || x.n > innerCap {
			return fmt.Errorf("btree: inner node with %d children", x.n)
		}
		for i := 0; i < x.n-1; i++ {
			if !inRange(x.keys[i], lo, hi) || (i > 0 && x.keys[i-1].Compare(x.keys[i]) >= 0) {
				return fmt.Errorf("btree: separator %d out of order", i)
			}
		}
		for i := 0; i < x.n; i++ {
			clo, chi := lo, hi
			if i > 0 {
				clo = &x.keys[i-1]
			}
			if i < x.n-1 {
				chi = &x.keys[i]
			}
			if h == 1 {
				l := x.leaves[i]
				if l == nil || x.inners[i] != nil {
					return fmt.Errorf("btree: bad leaf child %d at height 1", i)
				}
				for j := l.lo; j < l.end(); j++ {
					if !inRange(l.keys[j], clo, chi) {
						return fmt.Errorf("btree: leaf key outside its separators")
					}
				}
				leaves = append(leaves, l)
				continue
			}
			if x.inners[i] == nil || x.leaves[i] != nil {
				return fmt.Errorf("btree: bad inner child %d at height %d", i, h)
			}
			if err := walk(x.inners[i], h-1, clo, chi); err != nil {
				return err
			}
		}
		return nil
	}
	if t.height == 0 {
		if t.rootInner != nil || t.rootLeaf == nil {
			return fmt.Errorf("btree: height 0 without a root leaf")
		}
		leaves = append(leaves, t.rootLeaf)
	} else {
		if t.rootLeaf != nil || t.rootInner == nil {
			return fmt.Errorf("btree: height %d without a root inner node", t.height)
		}
		if err := walk(t.rootInner, t.height, nil, nil); err != nil {
			return err
		}
	}
	if t.first != leaves[0] || t.last != leaves[len(leaves)-1] {
		return fmt.Errorf("btree: first/last leaf pointers are stale")
	}
	n := 0
	for i, l := range leaves {
		if (i > 0 && l.prev != leaves[i-1]) || (i == 0 && l.prev != nil) ||
			(i < len(leaves)-1 && l.next != leaves[i+1]) || (i == len(leaves)-1 && l.next != nil) {
			return fmt.Errorf("btree: leaf chain broken at leaf %d", i)
		}
		switch {
		case len(leaves) == 1:
		case i == len(leaves)-1 && l.n < 1, i < len(leaves)-1 && l.n < leafMin:
			return fmt.Errorf("btree: leaf %d of %d holds %d entries", i, len(leaves), l.n)
		}
		if l.lo < 0 || l.n < 0 || l.end() > leafCap {
			return fmt.Errorf("btree: leaf %d holds [%d, %d)", i, l.lo, l.end())
		}
		var zk K
		for j := range l.keys {
			if (j < l.lo || j >= l.end()) && (l.keys[j].Compare(zk) != 0 || !isZero(l.vals[j])) {
				return fmt.Errorf("btree: leaf %d has a stale slot %d outside [%d, %d)", i, j, l.lo, l.end())
			}
		}
		for j := l.lo + 1; j < l.end(); j++ {
			if l.keys[j-1].Compare(l.keys[j]) >= 0 {
				return fmt.Errorf("btree: leaf keys out of order")
			}
		}
		if p := leaves[max(i-1, 0)]; i > 0 && l.n > 0 && p.n > 0 && p.keys[p.end()-1].Compare(l.keys[l.lo]) >= 0 {
			return fmt.Errorf("btree: keys out of order across leaves %d and %d", i-1, i)
		}
		n += l.n
	}
	if n != t.length {
		return fmt.Errorf("btree: %d entries but length %d", n, t.length)
	}
	return nil
}

// isZero reports whether v is its type's zero value (check's test that
// vacated slots hold nothing the garbage collector would keep).
func isZero[V any](v V) bool { return reflect.ValueOf(&v).Elem().IsZero() }
