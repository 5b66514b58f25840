package stream

import (
	"bytes"
	"encoding/binary"
	"math/bits"
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
	// first is the offset of the first entry, just after the master fields.
	first uint32
	// skip is the offset of an entry at or before the first live one:
	// every entry before it is deleted, so scans start there. Trimming
	// within a node moves it, so repeated exact trims do not rescan the
	// tombstones they left.
	skip uint32
	// lpBase is the size Redis's listpack for these entries would have,
	// less its live and deleted counters (see lpsize.go).
	lpBase int
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
// first entry, which the caller then appends. capHint is the capacity to
// reserve, if more than the master and that first entry need.
func newNode(id ID, fields [][]byte, capHint int) *node {
	size := uvarintLen(uint64(len(fields) / 2))
	for i := 0; i < len(fields); i += 2 {
		size += uvarintLen(uint64(len(fields[i]))) + len(fields[i])
	}
	size += entrySize(id, id, fields, true)
	b := make([]byte, 0, max(size, capHint))
	b = binary.AppendUvarint(b, uint64(len(fields)/2))
	for i := 0; i < len(fields); i += 2 {
		b = binary.AppendUvarint(b, uint64(len(fields[i])))
		b = append(b, fields[i]...)
	}
	return &node{buf: b, master: id, first: uint32(len(b)), skip: uint32(len(b)), lpBase: lpMasterSize(fields)}
}

// entrySize is the number of bytes appendEntry writes for this entry in a
// node with this master ID.
func entrySize(id, master ID, fields [][]byte, same bool) int {
	msd := id.Ms - master.Ms
	seq := id.Seq
	if msd == 0 {
		seq -= master.Seq
	}
	size := 1 + uvarintLen(msd) + uvarintLen(seq)
	if !same {
		size += uvarintLen(uint64(len(fields) / 2))
	}
	for i, f := range fields {
		if same && i%2 == 0 {
			continue
		}
		size += uvarintLen(uint64(len(f))) + len(f)
	}
	return size + backlenSize(size)
}

// sameFields reports whether fields has exactly the master's field names in
// the same order.
func (n *node) sameFields(fields [][]byte) bool {
	r := reader{n.buf, 0}
	if int(r.uvarint()) != len(fields)/2 {
		return false
	}
	for i := 0; i < len(fields); i += 2 {
		if !bytes.Equal(r.bytes(), fields[i]) {
			return false
		}
	}
	return true
}

// appendEntry writes one entry at the end of buf and updates the counters.
func (n *node) appendEntry(id ID, fields [][]byte, same bool) {
	b := slices.Grow(n.buf, entrySize(id, n.master, fields, same))
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
	r := reader{n.buf, 0}
	nf := int(r.uvarint())
	for i := 0; i < nf; i++ {
		dst = append(dst, r.bytes())
	}
	return nf, dst
}

// decode reads the entry starting at off. masterNF is the master's field
// count, which entries flagged flagSame use.
func (n *node) decode(off, masterNF int) entry {
	r := reader{n.buf, off + 1}
	e := entry{off: off, flags: n.buf[off]}
	msd := r.uvarint()
	seq := r.uvarint()
	if msd == 0 {
		e.id = ID{n.master.Ms, n.master.Seq + seq}
	} else {
		e.id = ID{n.master.Ms + msd, seq}
	}
	strs := masterNF
	if e.flags&flagSame != 0 {
		e.nf = masterNF
	} else {
		e.nf = int(r.uvarint())
		strs = 2 * e.nf
	}
	e.payload = r.p
	for i := 0; i < strs; i++ {
		r.p += int(r.uvarint())
	}
	e.next = r.p + backlenSize(r.p-off)
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
	r := reader{n.buf, e.payload}
	same := e.flags&flagSame != 0
	for i := 0; i < e.nf; i++ {
		if same {
			dst = append(dst, names[i])
		} else {
			dst = append(dst, r.bytes())
		}
		dst = append(dst, r.bytes())
	}
	return dst
}

// start is where scans of live entries begin (see skip).
func (n *node) start() int { return int(n.skip) }

// seek returns the offset of the first entry whose ID is >= id (or > id
// when after is set), len(buf) if there is none; entries before skip, all
// deleted, do not count. It walks from whichever
// end of the node the ID's place between the first and last IDs suggests
// is nearer, so a lookup reads about a quarter of a node on average rather
// than half.
func (n *node) seek(id ID, after bool, nf int) int {
	if id.Less(n.master) || (!after && id == n.master) {
		return n.start()
	}
	last := n.decodeBefore(len(n.buf), nf)
	if last.id.Less(id) || (after && last.id == id) {
		return len(n.buf)
	}
	past := func(e *entry) bool { // e is at or after the wanted position
		if after {
			return id.Less(e.id)
		}
		return !e.id.Less(id)
	}
	if nearerEnd(n.master, last.id, id) {
		off := last.off
		for off > n.start() {
			e := n.decodeBefore(off, nf)
			if !past(&e) {
				return off
			}
			off = e.off
		}
		return n.start()
	}
	for off := n.start(); off < len(n.buf); {
		e := n.decode(off, nf)
		if past(&e) {
			return off
		}
		off = e.next
	}
	return len(n.buf)
}

// nearerEnd guesses whether id, between first and last, lies in the second
// half of the node, interpolating on milliseconds (or on sequences when the
// node spans one millisecond).
func nearerEnd(first, last, id ID) bool {
	if last.Ms != first.Ms {
		return id.Ms-first.Ms > (last.Ms-first.Ms)/2
	}
	return id.Seq-first.Seq > (last.Seq-first.Seq)/2
}

// lastEntry decodes the node's last entry, deleted or not.
func (n *node) lastEntry() entry {
	return n.decodeBefore(len(n.buf), n.masterCount())
}

func uvarintLen(v uint64) int {
	return (bits.Len64(v|1) + 6) / 7
}

// reader decodes varints from a node's buffer. Its method is small enough
// to be inlined: the common one-byte case costs a compare and an add.
type reader struct {
	b []byte
	p int
}

func (r *reader) uvarint() uint64 {
	c := r.b[r.p]
	if c < 0x80 {
		r.p++
		return uint64(c)
	}
	return r.slow()
}

func (r *reader) slow() uint64 {
	v, k := binary.Uvarint(r.b[r.p:])
	if k <= 0 {
		panic("stream: corrupt varint")
	}
	r.p += k
	return v
}

// bytes returns the next length-prefixed string, as a full slice (capacity
// equal to length) of the buffer.
func (r *reader) bytes() []byte {
	l := int(r.uvarint())
	start := r.p
	r.p += l
	return r.b[start:r.p:r.p]
}

// masterCount returns the number of master fields of the node.
func (n *node) masterCount() int {
	r := reader{n.buf, 0}
	return int(r.uvarint())
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
