package resp

// state is where the scanner stands in Redis's request grammar.
type state uint8

const (
	stIdle    state = iota // at a command boundary
	stCount                // in a '*' header line
	stArgs                 // before the next '$' header line of a multibulk
	stBulkHdr              // in a '$' header line
	stPayload              // in a bulk payload
	stTrailer              // in the two bytes after a payload
	stInline               // in an inline request line
	stStuck                // a NUL hid the line terminator from Redis's strchr
)

// lineKind names the three kinds of line whose length Redis bounds.
type lineKind uint8

const (
	kindCount lineKind = iota
	kindBulk
	kindInline
)

// Redis's protocol error texts (networking.c), without the "ERR " code.
const (
	msgInvalidMultibulk = "Protocol error: invalid multibulk length"
	msgInvalidBulk      = "Protocol error: invalid bulk length"
	msgUnauthMultibulk  = "Protocol error: unauthenticated multibulk length"
	msgUnauthBulk       = "Protocol error: unauthenticated bulk length"
	msgTooBigCount      = "Protocol error: too big mbulk count string"
	msgTooBigBulk       = "Protocol error: too big bulk count string"
	msgTooBigInline     = "Protocol error: too big inline request"
	msgUnbalanced       = "Protocol error: unbalanced quotes in request"
)

func tooBig(k lineKind) string {
	switch k {
	case kindCount:
		return msgTooBigCount
	case kindBulk:
		return msgTooBigBulk
	default:
		return msgTooBigInline
	}
}

// expectedDollar is Redis's "expected '$', got '%c'" reply. Redis replaces
// '\r' and '\n' in error texts with spaces; any other byte is sent as is.
func expectedDollar(c byte) string {
	if c == '\r' || c == '\n' {
		c = ' '
	}
	return "Protocol error: expected '$', got '" + string([]byte{c}) + "'"
}

// shortHeader bounds the header lines the scanner leaves unconsumed when a
// buffer ends inside them, so that they are scanned again, whole, with the
// next bytes. A longer header can never be valid (string2ll takes at most 20
// bytes), so the scanner follows it as a stream instead.
const shortHeader = 32

// event says why scan stopped.
type event uint8

const (
	// evNone: the buffer is exhausted. buf[consumed:] is the start of a
	// header line, to be presented again with more bytes.
	evNone event = iota
	// evDrop: an empty command (a '*' count <= 0, a blank inline line) was
	// consumed at buf[fwd:consumed]; scanning may continue at consumed.
	evDrop
	// evInline: an inline command ended at consumed; its multibulk form is
	// in scanner.out.
	evInline
	// evError: a protocol error; scanner.msg holds Redis's reply text.
	evError
	// evClose: a POST or Host: command; Redis closes without a reply.
	evClose
	// evBarrier: a command that may change what the guard checks against
	// (see isBarrier) ends at fwd == consumed. Nothing behind it may be
	// judged before it has run.
	evBarrier
)

// result is what one scan call found.
type result struct {
	fwd      int   // buf[:fwd] may be handed to redcon (CRLF fix-ups applied)
	consumed int   // bytes of buf the scanner has taken; >= fwd
	done     int   // complete commands within buf[:fwd]
	ev       event // why the scan stopped
	// restart is set with evError and evClose when the offending command
	// began inside buf, at fwd: buf[fwd:] can be scanned again from a
	// command boundary, and scanning it again gives the same verdict unless
	// the limits or the authentication state changed meanwhile.
	restart bool
}

// scanner follows a client's byte stream through Redis's request grammar.
// It never buffers bulk payloads; it copies only inline lines (at most
// MaxInline bytes), since those must be rewritten.
type scanner struct {
	st state

	// The command in progress.
	cmdStart int  // where it began in the current buffer, if cmdInBuf
	cmdInBuf bool // it began in the current buffer
	args     int64
	argNo    int64
	name     [maxNameLen]byte // first bytes of argument 0 (the command name)
	nameN    int              // bytes of name captured
	nameLen  int64            // declared length of argument 0

	// The held region: a header or inline line not yet known to be
	// forwardable.
	holdStart int
	holdInBuf bool

	// Header and inline lines.
	hdrLen int // bytes seen before the terminator
	first  byte
	cr     bool // '\r' seen; the next byte ends the header
	num    number
	line   []byte // inline line bytes
	argv   [][]byte

	left  int64 // payload bytes still to come
	trail int   // trailer bytes still to come
	// lastNL is where the last trailer '\n' of the command in progress lies
	// in the current buffer, if lastNLInBuf.
	lastNL      int
	lastNLInBuf bool

	kind     lineKind // of the stuck line
	stuckLen int

	out     []byte // multibulk form of the last inline command (evInline)
	barrier bool   // that command is a barrier (see isBarrier)
	msg     string // reply text of the last evError
}

func (s *scanner) startHeader(i int) {
	s.holdStart, s.holdInBuf = i, true
	s.hdrLen, s.cr, s.first = 0, false, 0
	s.num.reset()
}

func (s *scanner) holdPos() int {
	if s.holdInBuf {
		return s.holdStart
	}
	return 0
}

// verdict ends the command in progress with an error or a close.
func (s *scanner) verdict(ev event, msg string, done int) result {
	r := result{ev: ev, done: done, restart: s.cmdInBuf}
	if s.cmdInBuf {
		r.fwd, r.consumed = s.cmdStart, s.cmdStart
	}
	s.msg = msg
	s.st = stIdle
	s.line = s.line[:0]
	return r
}

// scan advances over buf. It rewrites in place only the bytes Redis ignores
// (see the package documentation). lim must be normalized; auth reports
// that the pre-AUTH limits apply.
func (s *scanner) scan(buf []byte, lim *Limits, auth bool) result {
	s.cmdInBuf, s.holdInBuf, s.lastNLInBuf = false, false, false
	done, i, n := 0, 0, len(buf)
	for i < n {
		switch s.st {
		case stIdle:
			s.cmdStart, s.cmdInBuf = i, true
			s.startHeader(i)
			s.args, s.argNo, s.nameN, s.nameLen = 0, 0, 0, 0
			if buf[i] == '*' {
				if next, ok := quickCommand(buf, i, lim, auth); ok {
					done++
					i = next
					continue
				}
				if v, ok, next, whole := quickHeader(buf, i, lim.MaxInline); whole {
					if r, stop := s.endHeader(kindCount, '*', v, ok, lim, auth, done, next); stop {
						return r
					}
					i = next
					continue
				}
				s.st = stCount
				s.hdrLen = 1
				i++
			} else {
				s.st = stInline
				s.line = s.line[:0]
			}

		case stArgs:
			s.startHeader(i)
			if buf[i] == '$' {
				if v, ok, next, whole := quickHeader(buf, i, lim.MaxInline); whole {
					if r, stop := s.endHeader(kindBulk, '$', v, ok, lim, auth, done, next); stop {
						return r
					}
					i = next
					continue
				}
			}
			s.st = stBulkHdr

		case stCount, stBulkHdr:
			kind := kindBulk
			if s.st == stCount {
				kind = kindCount
			}
			for i < n && !s.cr {
				c := buf[i]
				i++
				switch {
				case c == '\r':
					s.cr = true
				case c == 0:
					s.kind, s.stuckLen, s.st = kind, s.hdrLen+1, stStuck
					if s.stuckLen > lim.MaxInline {
						return s.verdict(evError, tooBig(kind), done)
					}
				default:
					s.hdrLen++
					if s.hdrLen > lim.MaxInline {
						return s.verdict(evError, tooBig(kind), done)
					}
					if kind == kindBulk && s.hdrLen == 1 {
						s.first = c
					} else {
						s.num.add(c)
					}
				}
				if s.st == stStuck {
					break
				}
			}
			if s.st == stStuck || i == n {
				continue
			}
			// buf[i] follows the '\r': Redis skips it without looking.
			buf[i] = '\n'
			i++
			first := s.first
			if kind == kindCount {
				first = '*'
			} else if s.hdrLen == 0 {
				first = '\r'
			}
			v, ok := s.num.value()
			if r, stop := s.endHeader(kind, first, v, ok, lim, auth, done, i); stop {
				return r
			}

		case stPayload:
			k := n - i
			if int64(k) > s.left {
				k = int(s.left)
			}
			if s.argNo == 0 && s.nameN < len(s.name) {
				s.nameN += copy(s.name[s.nameN:], buf[i:i+k])
			}
			s.left -= int64(k)
			i += k
			if s.left > 0 {
				continue
			}
			if n-i < 2 {
				s.st, s.trail = stTrailer, 2
				continue
			}
			// Redis skips the two bytes after a payload without looking.
			buf[i], buf[i+1] = '\r', '\n'
			s.lastNL, s.lastNLInBuf = i+1, true
			i += 2
			if r, stop := s.endArg(&done, i); stop {
				return r
			}

		case stTrailer:
			buf[i] = "\r\n"[2-s.trail]
			if s.trail == 1 {
				s.lastNL, s.lastNLInBuf = i, true
			}
			i++
			s.trail--
			if s.trail > 0 {
				continue
			}
			if r, stop := s.endArg(&done, i); stop {
				return r
			}

		case stInline:
			j := i
			for j < n && buf[j] != '\n' && buf[j] != 0 {
				j++
			}
			if s.hdrLen+(j-i) > lim.MaxInline {
				return s.verdict(evError, msgTooBigInline, done)
			}
			s.line = append(s.line, buf[i:j]...)
			s.hdrLen += j - i
			i = j
			if i == n {
				continue
			}
			if buf[i] == 0 {
				s.kind, s.stuckLen, s.st = kindInline, s.hdrLen+1, stStuck
				i++
				if s.stuckLen > lim.MaxInline {
					return s.verdict(evError, msgTooBigInline, done)
				}
				continue
			}
			i++ // the '\n'
			if r, stop := s.endInline(done, i); stop {
				return r
			}

		case stStuck:
			// Redis never finds the terminator past a NUL; it only counts.
			s.stuckLen += n - i
			i = n
			if s.stuckLen > lim.MaxInline {
				return s.verdict(evError, tooBig(s.kind), done)
			}
		}
	}
	return s.atEnd(n, done)
}

// atEnd builds the result for a scan that ran out of bytes.
//
// A multibulk command still missing arguments is handed over only up to a
// point inside a bulk payload (at the latest just before its trailing
// '\n'), never at an argument boundary, inside a '$' header or just after
// the '*' header. redcon's reader walks the whole argument count of an
// incomplete command unless the buffer ends inside a payload, so a
// "*2147483647" with nothing behind it would cost it billions of steps on
// every read. What lies after that point is kept (and scanned again) or,
// for a doomed header, dropped.
func (s *scanner) atEnd(n, done int) result {
	switch s.st {
	case stIdle, stPayload, stTrailer:
		return result{fwd: n, consumed: n, done: done}
	case stInline:
		return result{fwd: s.holdPos(), consumed: n, done: done}
	case stCount:
		if s.holdInBuf && s.hdrLen+1 <= shortHeader {
			// Present the header again, whole, with the next bytes.
			s.st = stIdle
			return result{fwd: s.holdStart, consumed: s.holdStart, done: done}
		}
		return result{fwd: s.holdPos(), consumed: n, done: done}
	case stStuck:
		if s.kind != kindBulk {
			return result{fwd: s.holdPos(), consumed: n, done: done}
		}
	}
	// Inside a multibulk, between or in '$' headers.
	safe, ok := 0, false // the last point redcon may see
	switch {
	case s.argNo > 0 && s.lastNLInBuf:
		safe, ok = s.lastNL, true
	case s.argNo == 0 && s.cmdInBuf:
		safe, ok = s.cmdStart, true
	}
	short := s.st == stArgs || (s.st == stBulkHdr && s.hdrLen+1 <= shortHeader)
	if short && ok {
		// Rewind to the safe point and scan from there again.
		if s.argNo > 0 {
			s.st, s.trail = stTrailer, 1
			s.argNo--
			s.args++
		} else {
			s.st = stIdle
		}
		return result{fwd: safe, consumed: safe, done: done}
	}
	if short {
		// Not reached: a scan never ends between arguments, so the safe
		// point lies in this buffer. Keep going without the rewind.
		if s.st == stBulkHdr && s.holdInBuf {
			s.st = stArgs
			return result{fwd: s.holdStart, consumed: s.holdStart, done: done}
		}
		return result{fwd: n, consumed: n, done: done}
	}
	// A doomed header, or a NUL in one: this command will never run.
	return result{fwd: safe, consumed: n, done: done}
}

// endArg counts a finished argument; i is just past its trailer. stop
// reports that scan must return r.
func (s *scanner) endArg(done *int, i int) (r result, stop bool) {
	s.argNo++
	s.args--
	if s.args > 0 {
		s.st = stArgs
		return result{}, false
	}
	name := s.name[:s.nameN]
	if isSecurityName(name) {
		return s.verdict(evClose, "", *done), true
	}
	*done++
	s.st, s.cmdInBuf = stIdle, false
	if s.nameLen <= maxNameLen && isBarrier(name) {
		return result{fwd: i, consumed: i, done: *done, ev: evBarrier}, true
	}
	return result{}, false
}

// quickCommand takes a whole, ordinary multibulk command at buf[i] in one
// step: every line short and free of NULs, every length valid, every byte
// present, and a name that needs no special handling. It applies the same
// fix-ups as the byte-wise path and returns the position after the command;
// ok is false when the byte-wise path must decide (it then starts over at
// buf[i]).
func quickCommand(buf []byte, i int, lim *Limits, auth bool) (int, bool) {
	count, ok, j, whole := quickHeader(buf, i, lim.MaxInline)
	if !whole || !ok || count <= 0 || count > int64(lim.MaxMultibulk) || (auth && count > unauthMaxMultibulk) {
		return 0, false
	}
	n := len(buf)
	var name []byte
	for a := int64(0); a < count; a++ {
		if j >= n || buf[j] != '$' {
			return 0, false
		}
		l, ok, k, whole := quickHeader(buf, j, lim.MaxInline)
		if !whole || !ok || l < 0 || l > lim.MaxBulkLen || (auth && l > unauthMaxBulkLen) || int64(n-k) < l+2 {
			return 0, false
		}
		end := k + int(l)
		if a == 0 {
			name = buf[k:end]
		}
		buf[end], buf[end+1] = '\r', '\n'
		j = end + 2
	}
	if isSecurityName(name[:min(len(name), maxNameLen)]) || isBarrier(name) {
		return 0, false
	}
	return j, true
}

// quickHeader reads a whole '*' or '$' header line at buf[i] in one step,
// when all of it is in buf and it is short and free of NULs (as every
// client sends it). It sets the byte after '\r' to '\n' and returns the
// parsed value and the position after the line; whole is false when the
// byte-wise path must decide.
func quickHeader(buf []byte, i, maxInline int) (v int64, ok bool, next int, whole bool) {
	// One digit, as most lengths a client sends ("$1", "$4"): the loop
	// below would find the same '\r' at i+2 and read the same value.
	if i+3 < len(buf) && buf[i+2] == '\r' && maxInline > 1 {
		if d := buf[i+1]; d >= '0' && d <= '9' {
			buf[i+3] = '\n'
			return int64(d - '0'), true, i + 4, true
		}
	}
	return quickHeaderLoop(buf, i, maxInline)
}

// quickHeaderLoop is quickHeader's general case: it looks for the '\r'
// byte by byte within the bounds.
func quickHeaderLoop(buf []byte, i, maxInline int) (v int64, ok bool, next int, whole bool) {
	end := min(len(buf)-1, i+2+maxNumLen, i+1+maxInline) // leave room for the byte after '\r'
	for j := i + 1; j < end; j++ {
		switch buf[j] {
		case '\r':
			buf[j+1] = '\n'
			v, ok = string2ll(buf[i+1 : j])
			return v, ok, j + 2, true
		case 0:
			return 0, false, 0, false
		}
	}
	return 0, false, 0, false
}

// endHeader judges a complete header line whose first byte is first and
// whose content string2ll read as v, ok; i is just past the line. stop
// reports that scan must return r.
func (s *scanner) endHeader(kind lineKind, first byte, v int64, ok bool, lim *Limits, auth bool, done, i int) (r result, stop bool) {
	if kind == kindCount {
		switch {
		case !ok || v > int64(lim.MaxMultibulk):
			return s.verdict(evError, msgInvalidMultibulk, done), true
		case v > unauthMaxMultibulk && auth:
			return s.verdict(evError, msgUnauthMultibulk, done), true
		case v <= 0:
			s.st = stIdle
			return result{fwd: s.holdPos(), consumed: i, done: done, ev: evDrop}, true
		}
		s.args, s.st, s.holdInBuf = v, stArgs, false
		return result{}, false
	}
	if first != '$' {
		return s.verdict(evError, expectedDollar(first), done), true
	}
	switch {
	case !ok || v < 0 || v > lim.MaxBulkLen:
		return s.verdict(evError, msgInvalidBulk, done), true
	case v > unauthMaxBulkLen && auth:
		return s.verdict(evError, msgUnauthBulk, done), true
	}
	if s.argNo == 0 {
		s.nameLen = v
	}
	s.left, s.st, s.holdInBuf = v, stPayload, false
	return result{}, false
}

// endInline splits a complete inline line; i is just past its '\n'.
func (s *scanner) endInline(done, i int) (r result, stop bool) {
	line := s.line
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	argv, ok := splitArgs(s.argv[:0], line)
	s.argv = argv[:0]
	switch {
	case !ok:
		return s.verdict(evError, msgUnbalanced, done), true
	case len(argv) == 0:
		s.st = stIdle
		return result{fwd: s.holdPos(), consumed: i, done: done, ev: evDrop}, true
	case isSecurityName(argv[0]):
		return s.verdict(evClose, "", done), true
	}
	s.out = appendCommand(s.out[:0], argv)
	s.st = stIdle
	s.barrier = isBarrier(argv[0])
	return result{fwd: s.holdPos(), consumed: i, done: done, ev: evInline}, true
}
