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
