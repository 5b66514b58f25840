package rdb

import (
	"encoding/binary"
	"errors"

	"github.com/runnel-db/runnel/stream"
)

// The RDB primitives a stream's value uses: lengths, strings (raw,
// integer-encoded or LZF-compressed) and millisecond times.

// errShort is wrapped in the errors about truncated or malformed input.
var errShort = errors.New("bad encoding or short read")

// appendLen appends n in RDB's length encoding: 6 bits, 14 bits, or a
// 32- or 64-bit big-endian number after a marker byte.
func appendLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, 0x40|byte(n>>8), byte(n))
	case n <= 0xffffffff:
		b = append(b, 0x80)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	}
	b = append(b, 0x81)
	return binary.BigEndian.AppendUint64(b, n)
}

// appendString appends s as an RDB string as Redis's rdbSaveRawString
// does (with rdbcompression on, its default): a short canonical integer in
// the 8-, 16- or 32-bit integer encoding, a string over 20 bytes
// LZF-compressed when that saves more than 4 bytes (a stream's nodes of
// similar entries shrink many times over, and so do DUMP and MIGRATE
// payloads), anything else as its length and bytes.
func appendString(b, s []byte) []byte {
	if len(s) > 20 {
		if c := lzfCompress(s); c != nil {
			b = append(b, 0xc0|encLZF)
			b = appendLen(b, uint64(len(c)))
			b = appendLen(b, uint64(len(s)))
			return append(b, c...)
		}
	}
	if len(s) <= 11 {
		if v, ok := stream.ParseCanonicalInt(s); ok {
			switch {
			case v >= -1<<7 && v < 1<<7:
				return append(b, 0xc0|encInt8, byte(v))
			case v >= -1<<15 && v < 1<<15:
				return binary.LittleEndian.AppendUint16(append(b, 0xc0|encInt16), uint16(v))
			case v >= -1<<31 && v < 1<<31:
				return binary.LittleEndian.AppendUint32(append(b, 0xc0|encInt32), uint32(v))
			}
		}
	}
	return append(appendLen(b, uint64(len(s))), s...)
}

// appendMs appends a millisecond time: 8 bytes, little-endian.
func appendMs(b []byte, ms int64) []byte {
	return binary.LittleEndian.AppendUint64(b, uint64(ms))
}

// reader reads RDB primitives from a payload, checking every length
// against what is left.
type reader struct {
	b []byte
	p int
}

func (r *reader) left() int { return len(r.b) - r.p }

func (r *reader) byte() (byte, error) {
	if r.p >= len(r.b) {
		return 0, errShort
	}
	c := r.b[r.p]
	r.p++
	return c, nil
}

func (r *reader) raw(n int) ([]byte, error) {
	if n < 0 || n > r.left() {
		return nil, errShort
	}
	s := r.b[r.p : r.p+n]
	r.p += n
	return s, nil
}

// lenOrEnc reads a length, or the special encoding a string may have in
// its place (enc true, n the encoding number).
func (r *reader) lenOrEnc() (n uint64, enc bool, err error) {
	c, err := r.byte()
	if err != nil {
		return 0, false, err
	}
	switch c >> 6 {
	case 0:
		return uint64(c & 0x3f), false, nil
	case 1:
		d, err := r.byte()
		return uint64(c&0x3f)<<8 | uint64(d), false, err
	case 3:
		return uint64(c & 0x3f), true, nil
	}
	switch c {
	case 0x80:
		b, err := r.raw(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(b)), false, nil
	case 0x81:
		b, err := r.raw(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(b), false, nil
	}
	return 0, false, errShort
}

// len reads a length.
func (r *reader) len() (uint64, error) {
	n, enc, err := r.lenOrEnc()
	if err == nil && enc {
		err = errShort
	}
	return n, err
}

// count reads a length that counts items each taking at least min bytes
// of what is left, so that a forged count cannot make the caller loop or
// allocate beyond the payload's size.
func (r *reader) count(min int) (int, error) {
	n, err := r.len()
	if err != nil {
		return 0, err
	}
	if n > uint64(r.left()/min) {
		return 0, errShort
	}
	return int(n), nil
}

// The string encodings (rdb.h's RDB_ENC_*).
const (
	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// maxExpand bounds how much larger than its compressed form an LZF string
// may claim to be: LZF cannot expand more than that, and a forged length
// must not make Decode allocate.
const maxExpand = 300

// str reads a string in any of its forms. The bytes may alias the payload.
func (r *reader) str() ([]byte, error) {
	n, enc, err := r.lenOrEnc()
	if err != nil {
		return nil, err
	}
	if !enc {
		if n > uint64(r.left()) {
			return nil, errShort
		}
		return r.raw(int(n))
	}
	switch n {
	case encInt8:
		b, err := r.raw(1)
		if err != nil {
			return nil, err
		}
		return itoa(int64(int8(b[0]))), nil
	case encInt16:
		b, err := r.raw(2)
		if err != nil {
			return nil, err
		}
		return itoa(int64(int16(binary.LittleEndian.Uint16(b)))), nil
	case encInt32:
		b, err := r.raw(4)
		if err != nil {
			return nil, err
		}
		return itoa(int64(int32(binary.LittleEndian.Uint32(b)))), nil
	case encLZF:
		clen, err := r.len()
		if err != nil {
			return nil, err
		}
		ulen, err := r.len()
		if err != nil {
			return nil, err
		}
		if clen > uint64(r.left()) || ulen > clen*maxExpand {
			return nil, errShort
		}
		c, _ := r.raw(int(clen))
		return lzfDecompress(c, int(ulen))
	}
	return nil, errShort
}

func itoa(v int64) []byte {
	var b [20]byte
	i := len(b)
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if v < 0 {
		i--
		b[i] = '-'
	}
	return append([]byte(nil), b[i:]...)
}

// ms reads a millisecond time.
func (r *reader) ms() (int64, error) {
	b, err := r.raw(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(b)), nil
}
