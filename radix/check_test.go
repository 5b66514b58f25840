package radix

import (
	"bytes"
	"fmt"
)

// check verifies the structural invariants of t: every leaf lies on the
// path its key spells, children are in order, node kinds hold a count of
// children their kind allows, and the size and kind counters are right.
func (t *Tree[V]) check() error {
	var counts [numKinds]int
	leaves := 0
	var prev *[KeyLen]byte
	var walk func(n node[V], path []byte) error
	walk = func(n node[V], path []byte) error {
		counts[n.kind()]++
		if l, ok := n.(*leaf[V]); ok {
			leaves++
			if !bytes.HasPrefix(l.key[:], path) {
				return fmt.Errorf("leaf %x not under path %x", l.key, path)
			}
			if prev != nil && bytes.Compare(prev[:], l.key[:]) >= 0 {
				return fmt.Errorf("leaf %x after %x", l.key, *prev)
			}
			prev = &l.key
			return nil
		}
		h := n.hdr()
		path = append(path, h.prefix[:h.prefixLen]...)
		if len(path) >= KeyLen {
			return fmt.Errorf("inner node at depth %d", len(path))
		}
		cnt := 0
		lastB := -1
		for pos := n.first(); pos >= 0; pos = n.next(pos) {
			b := int(n.byteAt(pos))
			if b <= lastB {
				return fmt.Errorf("children out of order at path %x", path)
			}
			lastB = b
			if c := n.child(byte(b)); c == nil || *c != n.at(pos) {
				return fmt.Errorf("child lookup mismatch at path %x byte %d", path, b)
			}
			cnt++
			if err := walk(n.at(pos), append(path[:len(path):len(path)], byte(b))); err != nil {
				return err
			}
		}
		if cnt != n.size() {
			return fmt.Errorf("node at %x: size %d, %d children", path, n.size(), cnt)
		}
		lim := kindLimits[n.kind()]
		lo, hi := lim[0], lim[1]
		if cnt < lo || cnt > hi {
			return fmt.Errorf("node kind %d at %x holds %d children", n.kind(), path, cnt)
		}
		return nil
	}
	if t.root != nil {
		if err := walk(t.root, nil); err != nil {
			return err
		}
	}
	if leaves != t.size {
		return fmt.Errorf("size %d, %d leaves", t.size, leaves)
	}
	if counts != t.counts {
		return fmt.Errorf("kind counts %v, want %v", t.counts, counts)
	}
	return nil
}

// kindLimits is the range of child counts each inner kind may hold: a node
// shrinks once it falls to its threshold, so it holds one more than that.
var kindLimits = map[int][2]int{
	kind4:   {2, 4},
	kind16:  {shrink16 + 1, 16},
	kind48:  {shrink48 + 1, 48},
	kind256: {shrink256 + 1, 256},
}
