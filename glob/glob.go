package glob

// Match reports whether s matches the glob pattern p exactly as Redis's
// stringmatchlen does for KEYS, SCAN MATCH, CONFIG GET and PSUBSCRIBE. A star
// matches any run of bytes, including none; '?' any one byte; "[abc]" one
// byte of the set, "[^abc]" one byte not in it, "[a-z]" a range with its
// bounds in either order, a backslash inside a set quotes the next byte,
// and a set left open takes the pattern's end as its last member; a
// backslash elsewhere matches the next byte literally.
//
// Bytes compare as C's signed char, so ranges over bytes >= 0x80 order them
// below ASCII, as Redis on x86 does. nocase folds ASCII letters. Patterns
// nested deeper than Redis's limit of 1000 stars match nothing. "*" does
// not match the empty string; KEYS and SCAN treat "*" alone as matching
// everything, as Redis's callers do, while channel patterns do not.
func Match(p, s []byte, nocase bool) bool {
	skip := false
	return globImpl(p, s, nocase, &skip, 0)
}

func lowerByte(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// globImpl walks p and s together. skip is set when a star failed to match
// the rest of the pattern anywhere in the rest of the string: then no
// earlier star can match either, which keeps the search polynomial.
func globImpl(p, s []byte, nocase bool, skip *bool, nesting int) bool {
	if nesting > 1000 {
		return false
	}
	// at reads the pattern like a NUL-terminated C string.
	at := func(i int) byte {
		if i < len(p) {
			return p[i]
		}
		return 0
	}
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if globImpl(p[1:], s, nocase, skip, nesting+1) {
					return true
				}
				if *skip {
					return false
				}
				s = s[1:]
			}
			*skip = true
			return false
		case '?':
			s = s[1:]
		case '[':
			p = p[1:]
			not := at(0) == '^'
			if not {
				p = p[1:]
			}
			match := false
			c := int(int8(s[0]))
			for {
				if len(p) >= 2 && p[0] == '\\' {
					p = p[1:]
					if p[0] == s[0] {
						match = true
					}
				} else if len(p) > 0 && p[0] == ']' {
					break
				} else if len(p) == 0 {
					// An unterminated set: step back so the loop's end
					// consumes nothing past the pattern.
					p = nil
					break
				} else if len(p) >= 3 && p[1] == '-' {
					lo, hi := int(int8(p[0])), int(int8(p[2]))
					if lo > hi {
						lo, hi = hi, lo
					}
					cc := c
					if nocase {
						lo, hi, cc = lowerByte(lo), lowerByte(hi), lowerByte(cc)
					}
					p = p[2:]
					if cc >= lo && cc <= hi {
						match = true
					}
				} else if nocase {
					if lowerByte(int(p[0])) == lowerByte(int(s[0])) {
						match = true
					}
				} else if p[0] == s[0] {
					match = true
				}
				p = p[1:]
			}
			if not {
				match = !match
			}
			if !match {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if nocase {
				if lowerByte(int(p[0])) != lowerByte(int(s[0])) {
					return false
				}
			} else if p[0] != s[0] {
				return false
			}
			s = s[1:]
		}
		if len(p) > 0 {
			p = p[1:]
		}
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}
