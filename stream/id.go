package stream

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

// ID is a stream entry ID: a millisecond time and a sequence number. It is a
// value type; compare with Compare or Less, never by formatting.
type ID struct {
	Ms  uint64
	Seq uint64
}

// Min and Max are the smallest and largest IDs ("-" and "+" in commands).
var (
	Min = ID{}
	Max = ID{^uint64(0), ^uint64(0)}
)

// IDLen is the length of an encoded ID.
const IDLen = 16

// Compare returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a ID) Compare(b ID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a sorts before b.
func (a ID) Less(b ID) bool {
	return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq)
}

// IsZero reports whether a is 0-0, which Redis treats as "no ID".
func (a ID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// Next returns the ID right after a, and false when a is Max (nothing follows).
func (a ID) Next() (ID, bool) {
	if a.Seq != ^uint64(0) {
		return ID{a.Ms, a.Seq + 1}, true
	}
	if a.Ms != ^uint64(0) {
		return ID{a.Ms + 1, 0}, true
	}
	return a, false
}

// Prev returns the ID right before a, and false when a is 0-0.
func (a ID) Prev() (ID, bool) {
	if a.Seq != 0 {
		return ID{a.Ms, a.Seq - 1}, true
	}
	if a.Ms != 0 {
		return ID{a.Ms - 1, ^uint64(0)}, true
	}
	return a, false
}

// String formats the ID as Redis does: "ms-seq".
func (a ID) String() string { return string(a.Append(nil)) }

// Append appends the "ms-seq" form of a to dst, without allocating when dst
// has room; the reply writers use it on the hot path.
func (a ID) Append(dst []byte) []byte {
	dst = strconv.AppendUint(dst, a.Ms, 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, a.Seq, 10)
}

// Encode writes the 16-byte big-endian form of a into b, whose length must be
// at least IDLen. Byte order of encodings is numeric order of IDs, so the
// same bytes serve as radix-tree keys and inside Pebble keys.
func (a ID) Encode(b []byte) {
	binary.BigEndian.PutUint64(b[0:8], a.Ms)
	binary.BigEndian.PutUint64(b[8:16], a.Seq)
}

// Bytes returns the 16-byte encoding of a.
func (a ID) Bytes() [IDLen]byte {
	var b [IDLen]byte
	a.Encode(b[:])
	return b
}

// DecodeID reads an ID from its 16-byte encoding. b must hold at least IDLen
// bytes.
func DecodeID(b []byte) ID {
	return ID{binary.BigEndian.Uint64(b[0:8]), binary.BigEndian.Uint64(b[8:16])}
}

// maxIDText is the longest ID text Redis accepts: its parser copies the
// argument into a 128-byte buffer and refuses anything that does not fit.
const maxIDText = 127

// ParseID parses "ms" or "ms-seq" the way Redis's streamParseID does. When
// the sequence is missing it is missingSeq (0 for a range start, Max.Seq for
// a range end). The special forms "-", "+", "$", ">", "*" and "(" are the
// command layer's to recognise; here they are simply invalid. MINID
// thresholds use ParseID with missingSeq 0, after refusing "-" and "+".
func ParseID(b []byte, missingSeq uint64) (id ID, ok bool) {
	id, _, ok = parseID(b, missingSeq, false)
	return id, ok
}

// ParseStrictID parses an ID whose sequence part may be "*" ("ms-*", as XADD
// takes). seqAuto reports whether the sequence was "*"; the returned ID then
// has sequence 0 and Stream.NextSeq picks the real one. A missing sequence
// is 0, as in Redis.
func ParseStrictID(b []byte) (id ID, seqAuto bool, ok bool) {
	return parseID(b, 0, true)
}

// parseID splits at the first '-' as Redis does and parses both halves with
// the semantics of Redis's string2ull. Redis reads the argument as a C
// string, so anything from a NUL byte on is ignored (after the length check,
// which counts every byte).
func parseID(b []byte, missingSeq uint64, allowAutoSeq bool) (id ID, seqAuto bool, ok bool) {
	if len(b) > maxIDText {
		return ID{}, false, false
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	dash := bytes.IndexByte(b, '-')
	if dash < 0 {
		ms, ok := ParseUint(b)
		return ID{ms, missingSeq}, false, ok
	}
	ms, ok := ParseUint(b[:dash])
	if !ok {
		return ID{}, false, false
	}
	rest := b[dash+1:]
	if allowAutoSeq && len(rest) == 1 && rest[0] == '*' {
		return ID{ms, 0}, true, true
	}
	seq, ok := ParseUint(rest)
	if !ok {
		return ID{}, false, false
	}
	return ID{ms, seq}, false, true
}

// ParseUint converts b to an unsigned 64-bit number exactly as Redis's
// string2ull does: a canonical decimal first, then strtoull's looser rules
// (leading white space, a sign, leading zeros), refusing overflow, empty
// input and trailing bytes. A canonical negative number is refused, but a
// non-canonical one ("-05") wraps around as strtoull makes it. b is taken
// whole; it is ParseID that stops at a NUL byte, as Redis's C-string
// handling of IDs does.
func ParseUint(b []byte) (uint64, bool) {
	if v, ok := ParseCanonicalInt(b); ok {
		if v < 0 {
			return 0, false
		}
		return uint64(v), true
	}
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i >= len(b) {
		return 0, false
	}
	var v uint64
	start := i
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if i == start {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// ParseCanonicalInt is Redis's string2ll: an optional '-', then digits with
// no leading zero (except "0" itself), fitting in an int64.
func ParseCanonicalInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	i := 0
	if b[0] == '-' {
		neg = true
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}
