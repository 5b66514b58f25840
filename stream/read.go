package stream

// Range calls fn for each live entry with start <= ID <= end, in ID order,
// until fn returns false or count entries were visited (count <= 0: no
// limit). It returns the number of entries passed to fn. It costs
// O(log N + M): one descent to the node holding start, then a walk.
//
// fields alternates names and values. It and the bytes it holds are only
// valid as the Stream type describes; fn must not mutate s or call its
// other read methods.
func (s *Stream) Range(start, end ID, count int, fn func(id ID, fields [][]byte) bool) int {
	if end.Less(start) {
		return 0
	}
	it := s.tree.Iterator()
	ok := it.SeekLE(start.Bytes())
	if !ok {
		ok = it.First()
	}
	visited := 0
	for firstNode := true; ok; ok, firstNode = it.Next(), false {
		n := it.Value()
		if end.Less(n.master) {
			break
		}
		var nf int
		nf, s.names = n.masterFields(s.names[:0])
		off := n.start()
		if firstNode {
			off = n.seek(start, false, nf)
		}
		for off < len(n.buf) {
			e := n.decode(off, nf)
			off = e.next
			if e.id.Less(start) || e.deleted() {
				continue
			}
			if end.Less(e.id) {
				return visited
			}
			s.fields = n.fields(&e, s.names, s.fields[:0])
			visited++
			if !fn(e.id, s.fields) || visited == count {
				return visited
			}
		}
	}
	return visited
}

// RevRange is Range in reverse: live entries with end >= ID >= start, from
// the greatest ID down. Note the argument order (end first), as XREVRANGE
// takes them.
func (s *Stream) RevRange(end, start ID, count int, fn func(id ID, fields [][]byte) bool) int {
	if end.Less(start) {
		return 0
	}
	it := s.tree.Iterator()
	visited := 0
	firstNode := true
	for ok := it.SeekLE(end.Bytes()); ok; ok, firstNode = it.Prev(), false {
		n := it.Value()
		var nf int
		nf, s.names = n.masterFields(s.names[:0])
		off := len(n.buf)
		if firstNode {
			off = n.seek(end, true, nf)
		}
		for off > n.start() {
			e := n.decodeBefore(off, nf)
			off = e.off
			if end.Less(e.id) || e.deleted() {
				continue
			}
			if e.id.Less(start) {
				return visited
			}
			s.fields = n.fields(&e, s.names, s.fields[:0])
			visited++
			if !fn(e.id, s.fields) || visited == count {
				return visited
			}
		}
		if !start.Less(n.master) {
			break // earlier nodes hold only IDs below start
		}
	}
	return visited
}

// Get returns the fields of the live entry with this ID, alternating names
// and values, or false if there is none. The result is only valid as the
// Stream type describes.
func (s *Stream) Get(id ID) ([][]byte, bool) {
	n, e, ok := s.lookup(id)
	if !ok || e.deleted() {
		return nil, false
	}
	_, s.names = n.masterFields(s.names[:0])
	s.fields = n.fields(&e, s.names, s.fields[:0])
	return s.fields, true
}

// Has reports whether a live entry with this ID exists.
func (s *Stream) Has(id ID) bool {
	_, e, ok := s.lookup(id)
	return ok && !e.deleted()
}

// lookup finds the entry with this ID, deleted or not.
func (s *Stream) lookup(id ID) (*node, entry, bool) {
	it := s.tree.Iterator()
	if !it.SeekLE(id.Bytes()) {
		return nil, entry{}, false
	}
	n := it.Value()
	nf := n.masterCount()
	off := n.seek(id, false, nf)
	if off == len(n.buf) {
		return nil, entry{}, false
	}
	if e := n.decode(off, nf); e.id == id {
		return n, e, true
	}
	return nil, entry{}, false
}

// First returns the first live entry, or false when the stream is empty.
// The fields are only valid as the Stream type describes.
func (s *Stream) First() (ID, [][]byte, bool) {
	var id ID
	var fields [][]byte
	found := s.Range(Min, Max, 1, func(i ID, f [][]byte) bool {
		id, fields = i, f
		return false
	}) == 1
	return id, fields, found
}

// Last returns the last live entry, or false when the stream is empty.
// The fields are only valid as the Stream type describes.
func (s *Stream) Last() (ID, [][]byte, bool) {
	var id ID
	var fields [][]byte
	found := s.RevRange(Max, Min, 1, func(i ID, f [][]byte) bool {
		id, fields = i, f
		return false
	}) == 1
	return id, fields, found
}

// LastLiveID returns the ID of the last live entry, or false when the
// stream is empty. It is Last without the fields, which it does not
// decode: what a read asks to learn whether anything follows an ID.
func (s *Stream) LastLiveID() (ID, bool) {
	if s.length == 0 {
		return ID{}, false
	}
	it := s.tree.Iterator()
	for ok := it.Last(); ok; ok = it.Prev() {
		n := it.Value()
		if n.live == 0 {
			continue
		}
		nf := n.masterCount()
		for off := len(n.buf); off > n.start(); {
			e := n.decodeBefore(off, nf)
			if !e.deleted() {
				return e.id, true
			}
			off = e.off
		}
	}
	return ID{}, false
}

// firstLive returns the ID of the first live entry, or 0-0.
func (s *Stream) firstLive() ID {
	it := s.tree.Iterator()
	for ok := it.First(); ok; ok = it.Next() {
		n := it.Value()
		if n.live == 0 {
			continue
		}
		nf := n.masterCount()
		for off := n.start(); off < len(n.buf); {
			e := n.decode(off, nf)
			if !e.deleted() {
				return e.id
			}
			off = e.next
		}
	}
	return ID{}
}
