package rdb

// lzfDecompress expands LZF data (Redis's lzf_d.c format) that must give
// exactly n bytes. Each control byte c is a literal run of c+1 bytes when
// c < 32, else a back-reference: length c>>5 (7 means a further length
// byte is added) plus 2, at distance ((c&31)<<8 | next byte) + 1.
func lzfDecompress(in []byte, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for i := 0; i < len(in); {
		c := int(in[i])
		i++
		if c < 32 {
			l := c + 1
			if i+l > len(in) || len(out)+l > n {
				return nil, errShort
			}
			out = append(out, in[i:i+l]...)
			i += l
			continue
		}
		l := c >> 5
		if l == 7 {
			if i >= len(in) {
				return nil, errShort
			}
			l += int(in[i])
			i++
		}
		l += 2
		if i >= len(in) {
			return nil, errShort
		}
		back := (c&31)<<8 | int(in[i])
		i++
		ref := len(out) - back - 1
		if ref < 0 || len(out)+l > n {
			return nil, errShort
		}
		for k := 0; k < l; k++ { // byte by byte: the copy may overlap
			out = append(out, out[ref+k])
		}
	}
	if len(out) != n {
		return nil, errShort
	}
	return out, nil
}

// LZF's limits: a literal run holds at most 32 bytes, a back-reference
// reaches back at most 8192 bytes and copies 3 to 264.
const (
	lzfMaxLit = 32
	lzfMaxOff = 1 << 13
	lzfMaxRef = 264
	lzfHash   = 1 << 14
)

// lzfCompress returns in compressed in the format lzfDecompress (and
// Redis's lzf_d.c) reads, or nil when that would not save at least 5
// bytes: Redis's rdbSaveLzfStringObject stores a string compressed only
// when its compressed form fits in len-4 bytes. The output need not be
// liblzf's byte for byte, only decodable by it.
func lzfCompress(in []byte) []byte {
	if len(in) <= 4 {
		return nil
	}
	limit := len(in) - 4
	out := make([]byte, 0, limit)
	var table [lzfHash]int32 // position+1 of the last 3-byte sequence with a hash
	lit := -1                // index in out of the open literal run's control byte
	emitLit := func(c byte) {
		if lit < 0 || out[lit] == lzfMaxLit-1 {
			lit = len(out)
			out = append(out, 0)
		} else {
			out[lit]++
		}
		out = append(out, c)
	}
	i := 0
	for i+2 < len(in) {
		h := (uint32(in[i])<<16 | uint32(in[i+1])<<8 | uint32(in[i+2])) * 2654435761 >> 18
		ref := int(table[h]) - 1
		table[h] = int32(i + 1)
		if ref >= 0 && i-ref <= lzfMaxOff && in[ref] == in[i] && in[ref+1] == in[i+1] && in[ref+2] == in[i+2] {
			n := 3
			for n < lzfMaxRef && i+n < len(in) && in[ref+n] == in[i+n] {
				n++
			}
			off := i - ref - 1
			l := n - 2
			if l < 7 {
				out = append(out, byte(l<<5|off>>8))
			} else {
				out = append(out, byte(7<<5|off>>8), byte(l-7))
			}
			out = append(out, byte(off))
			lit = -1
			i += n
		} else {
			emitLit(in[i])
			i++
		}
		if len(out) > limit {
			return nil
		}
	}
	for ; i < len(in); i++ {
		emitLit(in[i])
	}
	if len(out) > limit {
		return nil
	}
	return out
}
