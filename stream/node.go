package stream

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// A node packs a run of consecutive entries into one byte slice, as Redis
// packs them into a listpack. The radix tree maps the node's master ID (the
// ID of its first entry) to the node.
//
// Layout of buf:
//
//	master:  uvarint nfields, then nfields x (uvarint len, name bytes)
//	entry:   flags byte
//	         uvarint ms delta (id.Ms - master.Ms)
//	         uvarint seq: id.Seq - master.Seq when the ms delta is 0, else id.Seq
//	         if !flagSame: uvarint nfields, then nfields x (len, name, len, value)
//	         if flagSame:  one (uvarint len, value) per master field
//	         back-length: the entry's length so far, written so it can be
//	                      read from its last byte backwards
//
// Entries are only ever appended. Deleting one sets flagDeleted in place; the
// bytes stay until the whole node goes.
type node struct {
	buf    []byte
	master ID
	live   uint32 // entries not deleted
	dead   uint32 // entries flagged deleted
	// lpBase is the size Redis's listpack for these entries would have,
	// less its live and deleted counters (see lpsize.go).
	lpBase int
	// first is the offset of the first entry, just after the master fields.
	first int
}

// Entry flags, stored in an entry's first byte.
const (
	flagDeleted = 1 << 0
	flagSame    = 1 << 1 // field names are the master's
)

// lpBytes is the listpack size Redis would have for this node.
func (n *node) lpBytes() int {
	return n.lpBase + lpIntSize(int64(n.live)) + lpIntSize(int64(n.dead))
}

// newNode starts a node whose master ID and field names are those of its
// first entry, which the caller then appends.
func newNode(id ID, fields [][]byte, entryHint int) *node {
	size := binary.MaxVarintLen64
	for i := 0; i < len(fields); i += 2 {
		size += binary.MaxVarintLen32 + len(fields[i])
	}
	b := make([]byte, 0, size+entryHint)
	b = binary.AppendUvarint(b, uint64(len(fields)/2))
	for i := 0; i < len(fields); i += 2 {
		b = binary.AppendUvarint(b, uint64(len(fields[i])))
		b = append(b, fields[i]...)
	}
	return &node{buf: b, master: id, first: len(b), lpBase: lpMasterSize(fields)}
}

// entrySizeBound is an upper bound of the bytes appendEntry writes.
func entrySizeBound(fields [][]byte, same bool) int {
	size := 1 + 3*binary.MaxVarintLen64 + 5
	for i, f := range fields {
		if same && i%2 == 0 {
			continue
		}
		size += binary.MaxVarintLen32 + len(f)
	}
	return size
}

// sameFields reports whether fields has exactly the master's field names in
// the same order.
func (n *node) sameFields(fields [][]byte) bool {
	b := n.buf
	nf, p := uvarint(b, 0)
	if int(nf) != len(fields)/2 {
		return false
	}
	for i := 0; i < len(fields); i += 2 {
		l, q := uvarint(b, p)
		end := q + int(l)
		if !bytes.Equal(b[q:end], fields[i]) {
			return false
		}
		p = end
	}
	return true
}

// appendEntry writes one entry at the end of buf and updates the counters.
func (n *node) appendEntry(id ID, fields [][]byte, same bool) {
	b := slices.Grow(n.buf, entrySizeBound(fields, same))
	start := len(b)
	var flags byte
	if same {
		flags = flagSame
	}
	b = append(b, flags)
	msd := id.Ms - n.master.Ms
	b = binary.AppendUvarint(b, msd)
	if msd == 0 {
		b = binary.AppendUvarint(b, id.Seq-n.master.Seq)
	} else {
		b = binary.AppendUvarint(b, id.Seq)
	}
	if same {
		for i := 1; i < len(fields); i += 2 {
			b = binary.AppendUvarint(b, uint64(len(fields[i])))
			b = append(b, fields[i]...)
		}
	} else {
		b = binary.AppendUvarint(b, uint64(len(fields)/2))
		for _, f := range fields {
			b = binary.AppendUvarint(b, uint64(len(f)))
			b = append(b, f...)
		}
	}
	n.buf = appendBacklen(b, len(b)-start)
	n.live++
	n.lpBase += lpEntrySize(id, n.master, fields, same)
}

// entry is the decoded head of one entry.
type entry struct {
	id      ID
	flags   byte
	off     int // offset of the flags byte
	payload int // offset of the first length after the head
	nf      int // number of field-value pairs
	next    int // offset just past the entry (of the next entry, or len(buf))
}

func (e *entry) deleted() bool { return e.flags&flagDeleted != 0 }

// masterFields returns the number of master fields and appends their names,
// as sub-slices of buf, to dst.
func (n *node) masterFields(dst [][]byte) (int, [][]byte) {
	b := n.buf
	nf, p := uvarint(b, 0)
	for i := 0; i < int(nf); i++ {
		l, q := uvarint(b, p)
		p = q + int(l)
		dst = append(dst, b[q:p:p])
	}
	return int(nf), dst
}

// decode reads the entry starting at off. masterNF is the master's field
// count, which entries flagged flagSame use.
func (n *node) decode(off, masterNF int) entry {
	b := n.buf
	e := entry{off: off, flags: b[off]}
	msd, p := uvarint(b, off+1)
	seq, p := uvarint(b, p)
	if msd == 0 {
		e.id = ID{n.master.Ms, n.master.Seq + seq}
	} else {
		e.id = ID{n.master.Ms + msd, seq}
	}
	strs := masterNF
	if e.flags&flagSame != 0 {
		e.nf = masterNF
	} else {
		var nf uint64
		nf, p = uvarint(b, p)
		e.nf = int(nf)
		strs = 2 * e.nf
	}
	e.payload = p
	for i := 0; i < strs; i++ {
		l, q := uvarint(b, p)
		p = q + int(l)
	}
	e.next = p + backlenSize(p-off)
	return e
}

// decodeBefore decodes the entry that ends at end (exclusive).
func (n *node) decodeBefore(end, masterNF int) entry {
	l, k := readBacklen(n.buf, end)
	return n.decode(end-k-l, masterNF)
}

// fields appends the entry's field names and values, alternating, to dst.
// names holds the master's field names. The slices alias buf.
func (n *node) fields(e *entry, names, dst [][]byte) [][]byte {
	b := n.buf
	p := e.payload
	same := e.flags&flagSame != 0
	for i := 0; i < e.nf; i++ {
		if same {
			dst = append(dst, names[i])
		} else {
			l, q := uvarint(b, p)
			p = q + int(l)
			dst = append(dst, b[q:p:p])
		}
		l, q := uvarint(b, p)
		p = q + int(l)
		dst = append(dst, b[q:p:p])
	}
	return dst
}

// lastEntry decodes the node's last entry, deleted or not.
func (n *node) lastEntry() entry {
	nf, _ := uvarint(n.buf, 0)
	return n.decodeBefore(len(n.buf), int(nf))
}

// uvarint decodes an unsigned varint at b[p:], returning it and the offset
// after it. The common one-byte case is kept inline.
func uvarint(b []byte, p int) (uint64, int) {
	if c := b[p]; c < 0x80 {
		return uint64(c), p + 1
	}
	v, k := binary.Uvarint(b[p:])
	return v, p + k
}

// The back-length after each entry uses listpack's scheme: the value in
// 7-bit groups, most significant first; every byte but the first has its
// high bit set, so a reader starting from the last byte knows when to stop.

func backlenSize(l int) int {
	switch {
	case l < 1<<7:
		return 1
	case l < 1<<14:
		return 2
	case l < 1<<21:
		return 3
	case l < 1<<28:
		return 4
	}
	return 5
}

func appendBacklen(b []byte, l int) []byte {
	k := backlenSize(l)
	b = append(b, byte(l>>(7*(k-1))))
	for i := k - 2; i >= 0; i-- {
		b = append(b, byte(l>>(7*i))&127|128)
	}
	return b
}

// readBacklen reads the back-length ending at end, returning its value and
// its size in bytes.
func readBacklen(b []byte, end int) (l, size int) {
	shift := 0
	for i := end - 1; ; i-- {
		c := b[i]
		l |= int(c&127) << shift
		if c&128 == 0 {
			return l, end - i
		}
		shift += 7
	}
}
