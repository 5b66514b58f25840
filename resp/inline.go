package resp

import "strconv"

// isSpace is C's isspace in the "C" locale, which Redis's sdssplitargs uses
// to skip blanks between arguments and to check what follows a closing
// quote.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// splitArgs splits an inline request line the way Redis's sdssplitargs
// does, appending the arguments to dst (their bytes are copied into one
// fresh backing array). ok is false for unbalanced quotes. The line holds no
// NUL byte: Redis never finds a line terminator past one.
//
// The rules, as Redis applies them:
//   - blanks (isspace) separate arguments; inside an unquoted argument only
//     ' ', '\t', '\r' and '\n' end it (a '\v' or '\f' is kept);
//   - a quote may open anywhere, even mid-argument (a"b c" is "ab c");
//   - in double quotes, \xHH is a byte, \n \r \t \b \a are controls and any
//     other escaped byte stands for itself;
//   - in single quotes only \' is an escape;
//   - a closing quote must be followed by a blank or the end of the line;
//   - a quote still open at the end of the line is unbalanced.
func splitArgs(dst [][]byte, line []byte) ([][]byte, bool) {
	var store []byte
	type span struct{ from, to int }
	var spans []span
	i, n := 0, len(line)
	for {
		for i < n && isSpace(line[i]) {
			i++
		}
		if i >= n {
			break
		}
		from := len(store)
		inq, insq := false, false
	token:
		for {
			switch {
			case inq:
				switch {
				case i >= n:
					return dst, false
				case line[i] == '\\' && i+3 < n && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					store = append(store, unhex(line[i+2])<<4|unhex(line[i+3]))
					i += 4
				case line[i] == '\\' && i+1 < n:
					c := line[i+1]
					switch c {
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case 't':
						c = '\t'
					case 'b':
						c = '\b'
					case 'a':
						c = '\a'
					}
					store = append(store, c)
					i += 2
				case line[i] == '"':
					if i+1 < n && !isSpace(line[i+1]) {
						return dst, false
					}
					i++
					break token
				default:
					store = append(store, line[i])
					i++
				}
			case insq:
				switch {
				case i >= n:
					return dst, false
				case line[i] == '\\' && i+1 < n && line[i+1] == '\'':
					store = append(store, '\'')
					i += 2
				case line[i] == '\'':
					if i+1 < n && !isSpace(line[i+1]) {
						return dst, false
					}
					i++
					break token
				default:
					store = append(store, line[i])
					i++
				}
			default:
				if i >= n {
					break token
				}
				switch line[i] {
				case ' ', '\n', '\r', '\t':
					i++
					break token
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					store = append(store, line[i])
				}
				i++
			}
		}
		spans = append(spans, span{from, len(store)})
	}
	for _, s := range spans {
		dst = append(dst, store[s.from:s.to:s.to])
	}
	return dst, true
}

// appendCommand appends args as a RESP multibulk command.
func appendCommand(dst []byte, args [][]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// maxNameLen is the longest command name the scanner keeps.
const maxNameLen = 16

// isBarrier reports whether a command may change the limits or the
// authentication state the guard checks the next command against: CONFIG
// (SET proto-max-bulk-len, requirepass), AUTH, HELLO (AUTH), RESET, ACL,
// EXEC (which may run any of these) and QUIT (after which Redis runs
// nothing). The guard ends a batch after such a command, so that what
// follows is judged once it has run, as Redis judges it. Names are compared
// as Redis looks commands up: whole and case-insensitively.
func isBarrier(name []byte) bool {
	switch len(name) {
	case 3:
		return equalFold(name, "acl")
	case 4:
		return equalFold(name, "auth") || equalFold(name, "exec") || equalFold(name, "quit")
	case 5:
		return equalFold(name, "hello") || equalFold(name, "reset")
	case 6:
		return equalFold(name, "config")
	}
	return false
}

// isSecurityName reports whether a command name is one Redis treats as an
// HTTP request ("POST", "Host:"). Redis compares with strcasecmp, so the
// name ends at its first NUL byte.
func isSecurityName(name []byte) bool {
	for i, c := range name {
		if c == 0 {
			name = name[:i]
			break
		}
	}
	return equalFold(name, "post") || equalFold(name, "host:")
}

func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
