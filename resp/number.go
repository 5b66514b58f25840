package resp

// maxNumLen is the longest text Redis's string2ll can accept: a sign and
// 19 digits. Header lines with more content are invalid whatever follows.
const maxNumLen = 20

// number collects the content of a '*' or '$' header line as it streams
// past, keeping only what string2ll can ever accept.
type number struct {
	buf [maxNumLen]byte
	n   int
	big bool // more than maxNumLen bytes: string2ll rejects it
}

func (x *number) reset() { *x = number{} }

func (x *number) add(c byte) {
	if x.n == len(x.buf) {
		x.big = true
		return
	}
	x.buf[x.n] = c
	x.n++
}

// value parses the collected bytes exactly as Redis's string2ll does: an
// optional '-', then either a single "0" or a digit 1-9 followed by digits,
// within the int64 range. Leading zeros, '+', spaces and "-0" are refused.
func (x *number) value() (int64, bool) {
	if x.big {
		return 0, false
	}
	return string2ll(x.buf[:x.n])
}

// string2ll is Redis's util.c string2ll: the strict decimal parse Redis
// applies to every length in the protocol.
func string2ll(s []byte) (int64, bool) {
	// The common case first: a positive number short enough that it cannot
	// overflow (18 digits), which is what clients send. The checks are the
	// general path's.
	if n := len(s); n > 0 && n <= 18 && s[0] >= '1' && s[0] <= '9' {
		v := int64(s[0] - '0')
		for _, c := range s[1:] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		return v, true
	}
	if len(s) == 0 || len(s) > maxNumLen {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
		if len(s) == 0 {
			return 0, false
		}
	}
	if s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (^uint64(0))/10 {
			return 0, false
		}
		v *= 10
		if v > ^uint64(0)-d {
			return 0, false
		}
		v += d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true // v == 1<<63 wraps to math.MinInt64, as intended
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}
