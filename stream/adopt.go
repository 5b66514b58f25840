package stream

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrBadNode is returned by Adopt for bytes that are not a node Append
// reported, or that do not fit after the stream's last entry.
var ErrBadNode = errors.New("stream: bad node")

// Adopt appends a node that Append reported when it closed it (span and
// data, persisted and read back), as the stream's last node: this is how a
// stream is loaded without re-packing its entries. data is copied (see
// AdoptOwned for the variant that keeps the caller's bytes). The entries
// whose IDs are in deleted (ascending; IDs the node does not hold are
// ignored) or below floor are flagged deleted in the copy: they are the
// deletions made after the node closed and the prefix trimmed since. Adopt
// returns the number of live entries the node brought; a node left with
// none is not kept.
//
// Adopt checks the bytes fully before keeping anything: every entry must
// decode within the node, the IDs must ascend from span.First (the master)
// to span.Last and lie above the stream's last ID, and the framing must be
// what Append writes. On failure it returns an error wrapping ErrBadNode
// and leaves the stream as it was. It updates the length, last ID (to
// span.Last), entries added and first ID; restore the metadata with the
// setters once every node and entry is in. Nodes built under other limits
// than the stream's are accepted as they are (see SetConfig).
func (s *Stream) Adopt(span Span, data []byte, deleted []ID, floor ID) (live int, err error) {
	if err := s.adoptable(span); err != nil {
		return 0, err
	}
	buf := make([]byte, len(data)) // make and copy: not zeroed first
	copy(buf, data)
	return s.adopt(span, buf, deleted, floor)
}

// AdoptOwned is Adopt without the copy: the stream takes data over and
// keeps it as the node's bytes, flagging the deleted entries in place. The
// caller hands data over with the call: it must not read, write or reuse
// data (nor any slice sharing its array) afterwards, whatever the result;
// on failure the stream is left as it was but data's contents are
// unspecified. data should be an allocation of its own, sized to the node:
// the stream keeps all of it (its capacity counts in the stream's memory)
// for as long as the node lives, and frees it only with the node. Loading
// uses it when the bytes were already copied out of the store's buffers
// once, so that a node is copied exactly once.
func (s *Stream) AdoptOwned(span Span, data []byte, deleted []ID, floor ID) (live int, err error) {
	if err := s.adoptable(span); err != nil {
		return 0, err
	}
	return s.adopt(span, data, deleted, floor)
}

// adoptable checks that a node spanning span may follow the stream's last
// entry.
func (s *Stream) adoptable(span Span) error {
	if !s.lastID.Less(span.First) || span.Last.Less(span.First) {
		return fmt.Errorf("%w: span %v-%v after last ID %v", ErrBadNode, span.First, span.Last, s.lastID)
	}
	return nil
}

// adopt validates buf, which the stream now owns, and appends it as the
// last node.
func (s *Stream) adopt(span Span, buf []byte, deleted []ID, floor ID) (int, error) {
	n := &node{buf: buf, master: span.First}
	w, err := n.walk(span, deleted, floor)
	if err != nil {
		return 0, err
	}
	s.lastID = span.Last
	if n.live == 0 {
		return 0, nil
	}
	if w.overLimit(s.cfg, n) {
		s.cfgChanged = true
	}
	s.tree.Set(n.master.Bytes(), n)
	s.tail = n
	s.bufBytes += cap(n.buf)
	s.length += uint64(n.live)
	s.entriesAdded += uint64(n.live)
	if s.firstID.IsZero() {
		s.firstID = w.firstLive
	}
	return int(n.live), nil
}

// walked is what walk learns about an adopted node beyond its fields.
type walked struct {
	firstLive ID
	// lastLP and lastRaw are the listpack size and the raw field bytes of
	// the last entry, for the byte-limit rule.
	lastLP, lastRaw int
}

// overLimit reports whether n breaks cfg's node limits as Check applies
// them.
func (w *walked) overLimit(cfg Config, n *node) bool {
	count := int(n.live + n.dead)
	if cfg.NodeMaxEntries > 0 && count > cfg.NodeMaxEntries {
		return true
	}
	return cfg.NodeMaxBytes > 0 && count > 1 && n.lpBase-w.lastLP+4+w.lastRaw >= cfg.NodeMaxBytes
}

// walk validates n.buf as a node spanning span, flags the entries in
// deleted or below floor, and sets n's counters and offsets.
func (n *node) walk(span Span, deleted []ID, floor ID) (walked, error) {
	var w walked
	bad := func(format string, args ...any) (walked, error) {
		return walked{}, fmt.Errorf("%w: %v: %s", ErrBadNode, span.First, fmt.Sprintf(format, args...))
	}
	r := safeReader{b: n.buf}
	nf, ok := r.uvarint()
	if !ok || nf == 0 || nf > uint64(len(n.buf)) {
		return bad("bad master field count")
	}
	// The master's names, on the stack for the usual few fields.
	var small [8][]byte
	names := small[:0]
	if nf > uint64(len(small)) {
		names = make([][]byte, 0, nf)
	}
	// The listpack size of the master entry, as lpMasterSize gives it.
	n.lpBase = lpOverhead + lpIntSize(int64(nf)) + lpIntSize(0)
	namesRaw := 0
	for i := uint64(0); i < nf; i++ {
		name, ok := r.bytes()
		if !ok {
			return bad("bad master field %d", i)
		}
		names = append(names, name)
		n.lpBase += lpStrSize(name)
		namesRaw += len(name)
	}
	n.first = uint32(r.p)
	// The counters and sizes are kept in locals, stored once at the end.
	var (
		prev       ID
		fields     [][]byte
		count      int
		e          entry
		live, dead uint32
		lpBase     = n.lpBase
		skip       = len(n.buf)
	)
	for off := r.p; off < len(n.buf); {
		lp, raw, err := n.decodeChecked(&e, off, int(nf), namesRaw)
		if err != nil {
			return bad("entry at %d: %v", off, err)
		}
		flags := e.flags
		switch {
		case count == 0 && e.id != span.First:
			return bad("first entry %v is not the master", e.id)
		case count > 0 && !prev.Less(e.id):
			return bad("entry %v after %v", e.id, prev)
		case flags&^(flagDeleted|flagSame) != 0:
			return bad("entry %v has flags %#x", e.id, flags)
		}
		if flags&flagSame == 0 {
			fields = n.fields(&e, names, fields[:0])
			if n.sameFields(fields) {
				return bad("entry %v repeats the master's names without sharing them", e.id)
			}
		}
		for len(deleted) > 0 && deleted[0].Less(e.id) {
			deleted = deleted[1:]
		}
		if len(deleted) > 0 && deleted[0] == e.id {
			flags |= flagDeleted
			deleted = deleted[1:]
		}
		if e.id.Less(floor) {
			flags |= flagDeleted
		}
		if flags&flagDeleted != 0 {
			n.buf[off] = flags
			dead++
		} else {
			if live == 0 {
				w.firstLive = e.id
				skip = off
			}
			live++
		}
		w.lastLP, w.lastRaw = lp, raw
		lpBase += lp
		prev = e.id
		count++
		off = e.next
	}
	n.live, n.dead, n.lpBase, n.skip = live, dead, lpBase, uint32(skip)
	switch {
	case count == 0:
		return bad("no entries")
	case prev != span.Last:
		return bad("last entry %v, span ends at %v", prev, span.Last)
	}
	return w, nil
}

// decodeChecked is decode for bytes not yet trusted: it reports what is out
// of bounds or out of range instead of panicking. It also returns what
// lpEntrySize and the sum of the field lengths give for the entry (namesRaw
// is the length of the master's names), computed from the strings in place.
// Every varint and the back-length have an inline path for their one-byte
// form, the usual one, which keeps the walk of a node to a few nanoseconds
// an entry.
func (n *node) decodeChecked(e *entry, off, masterNF, namesRaw int) (lp, raw int, err error) {
	b := n.buf
	p := off + 1
	e.off, e.flags = off, b[off]
	var msd, seq uint64
	if p+1 < len(b) && b[p] < 0x80 && b[p+1] < 0x80 {
		// Both ID deltas in one byte each, as for entries of one
		// millisecond or of consecutive ones.
		msd, seq = uint64(b[p]), uint64(b[p+1])
		p += 2
	} else {
		r := safeReader{b: b, p: p}
		var ok1, ok2 bool
		msd, ok1 = r.uvarint()
		seq, ok2 = r.uvarint()
		if !ok1 || !ok2 {
			return 0, 0, errors.New("bad ID")
		}
		p = r.p
	}
	if msd == 0 {
		if seq > ^uint64(0)-n.master.Seq {
			return 0, 0, errors.New("sequence out of range")
		}
		e.id = ID{n.master.Ms, n.master.Seq + seq}
	} else {
		if msd > ^uint64(0)-n.master.Ms {
			return 0, 0, errors.New("time out of range")
		}
		e.id = ID{n.master.Ms + msd, seq}
	}
	lp = lpIntSize(0) + lpIntSize(int64(e.id.Ms-n.master.Ms)) + lpIntSize(int64(e.id.Seq-n.master.Seq))
	strs := masterNF
	if e.flags&flagSame != 0 {
		e.nf = masterNF
		raw = namesRaw
		lp += lpIntSize(int64(e.nf + 3))
	} else {
		r := safeReader{b: b, p: p}
		nf, ok := r.uvarint()
		if !ok || nf == 0 || nf > uint64(len(b)) {
			return 0, 0, errors.New("bad field count")
		}
		p = r.p
		e.nf = int(nf)
		strs = 2 * e.nf
		lp += lpIntSize(int64(e.nf)) + lpIntSize(int64(2*e.nf+4))
	}
	e.payload = p
	for i := 0; i < strs; i++ {
		var l uint64
		if p < len(b) && b[p] < 0x80 {
			l = uint64(b[p])
			p++
		} else {
			r := safeReader{b: b, p: p}
			var ok bool
			if l, ok = r.uvarint(); !ok {
				return 0, 0, fmt.Errorf("field %d out of bounds", i)
			}
			p = r.p
		}
		if l > uint64(len(b)-p) {
			return 0, 0, fmt.Errorf("field %d out of bounds", i)
		}
		if l > 20 && l < 126 {
			// Too long to be an integer; a one-byte encoding header
			// (two from 64) and a one-byte back-length.
			lp += int(l) + 2 + int(l>>6)
		} else {
			lp += lpStrSize(b[p : p+int(l)])
		}
		raw += int(l)
		p += int(l)
	}
	size := p - off
	if size < 1<<7 {
		if p >= len(b) || int(b[p]) != size {
			return 0, 0, errors.New("bad back-length")
		}
		e.next = p + 1
		return lp, raw, nil
	}
	k := backlenSize(size)
	if k > len(b)-p || !backlenIs(b[p:p+k], size) {
		return 0, 0, errors.New("bad back-length")
	}
	e.next = p + k
	return lp, raw, nil
}

// backlenIs reports whether b is the back-length appendBacklen writes for
// l (len(b) being backlenSize(l)).
func backlenIs(b []byte, l int) bool {
	if len(b) == 1 {
		return int(b[0]) == l
	}
	var want [5]byte
	return bytes.Equal(b, appendBacklen(want[:0], l))
}

// safeReader is reader for untrusted bytes.
type safeReader struct {
	b []byte
	p int
}

func (r *safeReader) uvarint() (uint64, bool) {
	if r.p < len(r.b) && r.b[r.p] < 0x80 {
		r.p++
		return uint64(r.b[r.p-1]), true
	}
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.p >= len(r.b) {
			return 0, false
		}
		c := r.b[r.p]
		r.p++
		if shift == 63 && c > 1 {
			return 0, false
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, true
		}
	}
	return 0, false
}

func (r *safeReader) bytes() ([]byte, bool) {
	l, ok := r.uvarint()
	if !ok || l > uint64(len(r.b)-r.p) {
		return nil, false
	}
	start := r.p
	r.p += int(l)
	return r.b[start:r.p:r.p], true
}
