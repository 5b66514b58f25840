package rdb

import (
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/runnel-db/runnel/stream"
)

// A listpack, as Redis lays one out: a 6-byte header (total bytes as a
// uint32, element count as a uint16, 65535 when it does not fit), the
// elements, and a 0xFF terminator. Each element is an encoding byte and
// its data, then a back-length, the element's size written so it can be
// read from its last byte backwards.

const (
	lpHeaderSize = 6
	lpEOF        = 0xff
	// lpCountUnknown is the header count of a listpack of 65535 elements
	// or more, which must be counted.
	lpCountUnknown = 65535
)

// errListpack is wrapped in the errors about a listpack's bytes.
var errListpack = errors.New("bad listpack")

// lpWriter builds one listpack.
type lpWriter struct {
	b []byte
	n int
}

func newLPWriter() *lpWriter { return &lpWriter{b: make([]byte, lpHeaderSize, 256)} }

// int appends v with the smallest of listpack's integer encodings.
func (w *lpWriter) int(v int64) {
	start := len(w.b)
	switch {
	case v >= 0 && v <= 127:
		w.b = append(w.b, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint16(v) & 0x1fff
		w.b = append(w.b, 0xc0|byte(u>>8), byte(u))
	case v >= -32768 && v <= 32767:
		w.b = append(w.b, 0xf1)
		w.b = binary.LittleEndian.AppendUint16(w.b, uint16(v))
	case v >= -8388608 && v <= 8388607:
		u := uint32(v)
		w.b = append(w.b, 0xf2, byte(u), byte(u>>8), byte(u>>16))
	case v >= -2147483648 && v <= 2147483647:
		w.b = append(w.b, 0xf3)
		w.b = binary.LittleEndian.AppendUint32(w.b, uint32(v))
	default:
		w.b = append(w.b, 0xf4)
		w.b = binary.LittleEndian.AppendUint64(w.b, uint64(v))
	}
	w.backlen(start)
}

// str appends s, as an integer when s is one in canonical form (as
// Redis's lpAppend stores it), else as a string.
func (w *lpWriter) str(s []byte) {
	if v, ok := stream.ParseCanonicalInt(s); ok {
		w.int(v)
		return
	}
	start := len(w.b)
	switch l := len(s); {
	case l < 64:
		w.b = append(w.b, 0x80|byte(l))
	case l < 4096:
		w.b = append(w.b, 0xe0|byte(l>>8), byte(l))
	default:
		w.b = append(w.b, 0xf0)
		w.b = binary.LittleEndian.AppendUint32(w.b, uint32(l))
	}
	w.b = append(w.b, s...)
	w.backlen(start)
}

// backlen appends the back-length of the element that starts at start.
func (w *lpWriter) backlen(start int) {
	w.b = appendBacklen(w.b, len(w.b)-start)
	w.n++
}

// appendBacklen appends an element size l as listpack's back-length: 7
// bits a byte, most significant first, every byte but the first with its
// high bit set, in the number of bytes Redis's lpEncodeBacklen uses.
func appendBacklen(b []byte, size int) []byte {
	l := uint64(size)
	switch {
	case l <= 127:
		return append(b, byte(l))
	case l < 16383:
		return append(b, byte(l>>7), byte(l&127)|128)
	case l < 2097151:
		return append(b, byte(l>>14), byte(l>>7&127)|128, byte(l&127)|128)
	case l < 268435455:
		return append(b, byte(l>>21), byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
	}
	return append(b, byte(l>>28), byte(l>>21&127)|128, byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
}

// finish terminates the listpack, fills its header and returns its bytes.
func (w *lpWriter) finish() []byte {
	w.b = append(w.b, lpEOF)
	binary.LittleEndian.PutUint32(w.b, uint32(len(w.b)))
	binary.LittleEndian.PutUint16(w.b[4:], uint16(min(w.n, lpCountUnknown)))
	return w.b
}

// lpReader reads a listpack's elements in order, checking each.
type lpReader struct {
	b     []byte
	p     int
	n     int // elements read
	count int // header count
	buf   []byte
}

// openLP checks a listpack's header and terminator.
func openLP(b []byte) (*lpReader, error) {
	if len(b) < lpHeaderSize+1 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != lpEOF {
		return nil, errListpack
	}
	return &lpReader{b: b, p: lpHeaderSize, count: int(binary.LittleEndian.Uint16(b[4:]))}, nil
}

// done reports whether every element was read.
func (r *lpReader) done() bool { return r.p == len(r.b)-1 }

// close checks that the listpack has been read to its end and that the
// header counted its elements.
func (r *lpReader) close() error {
	if !r.done() || (r.count != lpCountUnknown && r.count != r.n) || (r.count == lpCountUnknown && r.n < lpCountUnknown) {
		return errListpack
	}
	return nil
}

// next reads one element: a string, or an integer (isInt).
func (r *lpReader) next() (s []byte, v int64, isInt bool, err error) {
	b, p := r.b, r.p
	end := len(b) - 1
	if p >= end {
		return nil, 0, false, errListpack
	}
	need := func(k int) bool { return p+k <= end }
	c := b[p]
	var size int // encoding and data
	switch {
	case c&0x80 == 0:
		v, isInt, size = int64(c), true, 1
	case c&0xc0 == 0x80:
		l := int(c & 0x3f)
		if !need(1 + l) {
			return nil, 0, false, errListpack
		}
		s, size = b[p+1:p+1+l], 1+l
	case c&0xe0 == 0xc0:
		if !need(2) {
			return nil, 0, false, errListpack
		}
		u := uint16(c&0x1f)<<8 | uint16(b[p+1])
		v, isInt, size = int64(int16(u<<3)>>3), true, 2
	case c&0xf0 == 0xe0:
		if !need(2) {
			return nil, 0, false, errListpack
		}
		l := int(c&0x0f)<<8 | int(b[p+1])
		if !need(2 + l) {
			return nil, 0, false, errListpack
		}
		s, size = b[p+2:p+2+l], 2+l
	case c == 0xf0:
		if !need(5) {
			return nil, 0, false, errListpack
		}
		l := uint64(binary.LittleEndian.Uint32(b[p+1:]))
		if l > uint64(end-p-5) {
			return nil, 0, false, errListpack
		}
		s, size = b[p+5:p+5+int(l)], 5+int(l)
	case c == 0xf1:
		if !need(3) {
			return nil, 0, false, errListpack
		}
		v, isInt, size = int64(int16(binary.LittleEndian.Uint16(b[p+1:]))), true, 3
	case c == 0xf2:
		if !need(4) {
			return nil, 0, false, errListpack
		}
		u := uint32(b[p+1]) | uint32(b[p+2])<<8 | uint32(b[p+3])<<16
		v, isInt, size = int64(int32(u<<8)>>8), true, 4
	case c == 0xf3:
		if !need(5) {
			return nil, 0, false, errListpack
		}
		v, isInt, size = int64(int32(binary.LittleEndian.Uint32(b[p+1:]))), true, 5
	case c == 0xf4:
		if !need(9) {
			return nil, 0, false, errListpack
		}
		v, isInt, size = int64(binary.LittleEndian.Uint64(b[p+1:])), true, 9
	default:
		return nil, 0, false, errListpack
	}
	// The back-length must say size, in as many bytes as Redis writes.
	var room [5]byte
	bl := appendBacklen(room[:0], size)
	if !need(size+len(bl)) || string(b[p+size:p+size+len(bl)]) != string(bl) {
		return nil, 0, false, errListpack
	}
	r.p = p + size + len(bl)
	r.n++
	return s, v, isInt, nil
}

// int reads an element that must hold an integer: one stored as an
// integer, or a string in canonical form.
func (r *lpReader) int() (int64, error) {
	s, v, isInt, err := r.next()
	if err != nil || isInt {
		return v, err
	}
	if v, ok := stream.ParseCanonicalInt(s); ok {
		return v, nil
	}
	return 0, errListpack
}

// str reads an element as a string: an integer is given in decimal. The
// bytes are a copy the caller owns.
func (r *lpReader) str() ([]byte, error) {
	s, v, isInt, err := r.next()
	if err != nil {
		return nil, err
	}
	if isInt {
		return strconv.AppendInt(nil, v, 10), nil
	}
	return append([]byte(nil), s...), nil
}
