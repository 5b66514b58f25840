package stream

import (
	"errors"
	"fmt"
)

// Check verifies the stream's invariants and returns the first violation
// found: nodes keyed by their master ID and in order, entries strictly
// increasing and each node's first entry at its master ID, live and deleted
// counts and the length agreeing with the flags, field-name sharing used
// exactly when names repeat the master's, the Redis listpack size of each
// node and the node limits (while the configuration is the one the nodes
// were built with), the last node being the append target, the first ID
// being the first live entry, and the last ID not below any entry. It walks
// every entry; tests call it after each step.
func (s *Stream) Check() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stream: corrupt node: %v", r)
		}
	}()
	var (
		length   uint64
		bufBytes int
		nodes    int
		prev     ID // last entry seen, deleted or not
		seenAny  bool
		first    ID
		lastNode *node
	)
	if s.idmp != nil {
		if err := s.idmp.Check(); err != nil {
			return err
		}
	}
	it := s.tree.Iterator()
	for ok := it.First(); ok; ok = it.Next() {
		n := it.Value()
		nodes++
		lastNode = n
		bufBytes += cap(n.buf)
		k := it.Key()
		if DecodeID(k[:]) != n.master {
			return fmt.Errorf("node %v filed under key %v", n.master, DecodeID(k[:]))
		}
		if err := s.checkNode(n, nodes == 1, &prev, &seenAny, &first); err != nil {
			return fmt.Errorf("node %v: %w", n.master, err)
		}
		length += uint64(n.live)
	}
	switch {
	case length != s.length:
		return fmt.Errorf("length %d, live entries %d", s.length, length)
	case nodes != s.tree.Len():
		return fmt.Errorf("tree holds %d keys, iterated %d", s.tree.Len(), nodes)
	case lastNode != s.tail:
		return errors.New("tail is not the last node")
	case bufBytes != s.bufBytes:
		return fmt.Errorf("buffer bytes %d, counted %d", s.bufBytes, bufBytes)
	case seenAny && s.lastID.Less(prev):
		return fmt.Errorf("last ID %v below entry %v", s.lastID, prev)
	case first != s.firstID:
		return fmt.Errorf("first ID %v, first live entry %v", s.firstID, first)
	case s.entriesAdded < s.length:
		return fmt.Errorf("entries added %d below length %d", s.entriesAdded, s.length)
	}
	return nil
}

func (s *Stream) checkNode(n *node, isFirst bool, prev *ID, seenAny *bool, first *ID) error {
	nf, names := n.masterFields(nil)
	if nf == 0 {
		return errors.New("master has no fields")
	}
	master := make([][]byte, 0, 2*nf)
	for _, name := range names {
		master = append(master, name, nil)
	}
	lp := lpMasterSize(master)
	var live, dead uint32
	lastRaw, lastLP := 0, 0
	skipSeen := n.skip == n.first
	for off := int(n.first); off < len(n.buf); {
		e := n.decode(off, nf)
		if e.next > len(n.buf) {
			return fmt.Errorf("entry at %d overruns the node", off)
		}
		if off == int(n.skip) {
			skipSeen = true
		}
		if !skipSeen && !e.deleted() {
			return fmt.Errorf("live entry %v before the scan start", e.id)
		}
		if off == int(n.first) && e.id != n.master {
			return fmt.Errorf("first entry %v is not the master ID", e.id)
		}
		if *seenAny && !prev.Less(e.id) {
			return fmt.Errorf("entry %v after %v", e.id, *prev)
		}
		*prev, *seenAny = e.id, true
		if back := n.decodeBefore(e.next, nf); back.off != off {
			return fmt.Errorf("entry %v: back-length leads to %d, not %d", e.id, back.off, off)
		}
		if e.flags&^(flagDeleted|flagSame) != 0 {
			return fmt.Errorf("entry %v has flags %#x", e.id, e.flags)
		}
		fields := n.fields(&e, names, nil)
		same := e.flags&flagSame != 0
		if !same && n.sameFields(fields) {
			return fmt.Errorf("entry %v repeats the master's names without sharing them", e.id)
		}
		if e.deleted() {
			dead++
		} else {
			live++
			if first.IsZero() {
				*first = e.id
			}
		}
		lastLP = lpEntrySize(e.id, n.master, fields, same)
		lastRaw = 0
		for _, f := range fields {
			lastRaw += len(f)
		}
		lp += lastLP
		off = e.next
	}
	if !skipSeen && int(n.skip) != len(n.buf) {
		return fmt.Errorf("scan start %d is not an entry boundary", n.skip)
	}
	switch {
	case live != n.live || dead != n.dead:
		return fmt.Errorf("counts %d live %d deleted, flags say %d and %d", n.live, n.dead, live, dead)
	case live+dead == 0:
		return errors.New("node has no entries")
	case live == 0 && !isFirst:
		return errors.New("node with no live entries is not the first")
	case lp != n.lpBase:
		return fmt.Errorf("listpack size %d, recomputed %d", n.lpBase, lp)
	}
	if s.cfgChanged {
		return nil
	}
	if max := s.cfg.NodeMaxEntries; max > 0 && int(live+dead) > max {
		return fmt.Errorf("%d entries, limit %d", live+dead, max)
	}
	// Before its last entry went in, the node was below the byte limit by
	// more than that entry's raw size (counters take at least 2 bytes each).
	if maxBytes := s.cfg.NodeMaxBytes; maxBytes > 0 && live+dead > 1 {
		if before := lp - lastLP + 4; before+lastRaw >= maxBytes {
			return fmt.Errorf("entry appended to a node of %d bytes (limit %d)", before, maxBytes)
		}
	}
	return nil
}
