package resp

import (
	"bytes"
	"regexp"
	"strconv"
)

// refParse is the reference model the guard is checked against: Redis's
// processInputBuffer over a whole query buffer, written as plainly as
// networking.c reads, with none of the guard's streaming. The "too big"
// checks take the byte-at-a-time reading of Redis's rule: a line whose
// terminator is not among its first MaxInline+1 bytes is refused. Inline
// lines are split by the same splitArgs the guard uses (checked against
// redis-server separately).
func refParse(in []byte, lim Limits) outcome {
	lim = lim.normalized()
	auth := lim.AuthRequired
	var o outcome
	pos := 0
	for pos < len(in) {
		var args [][]byte
		var next int
		var end string
		if in[pos] == '*' {
			args, next, end = refMultibulk(in, pos, lim, auth)
		} else {
			args, next, end = refInline(in, pos, lim)
		}
		if end != "" {
			o.End = end
			return o
		}
		if next < 0 {
			break // incomplete: Redis waits
		}
		pos = next
		if len(args) == 0 {
			continue
		}
		if isSecurityRef(args[0]) {
			o.End = "close"
			return o
		}
		o.Cmds = append(o.Cmds, joinArgs(args))
		if isAuthOK(args) {
			auth = false
		}
		if isQuit(args) {
			o.End = endQuit // Redis runs nothing after QUIT
			return o
		}
	}
	o.End = "eof"
	return o
}

// strchr finds c in b the way C's strchr does on Redis's NUL-terminated
// query buffer: the search ends at the first NUL.
func strchr(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
		if x == 0 {
			return -1
		}
	}
	return -1
}

var decimal = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

func refNumber(b []byte) (int64, bool) {
	if !decimal.Match(b) {
		return 0, false
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	return v, err == nil
}

// refLine finds the '\r' ending a header line at pos. It returns the
// position of the '\r', or -1 when the line is incomplete, or an error.
func refLine(in []byte, pos int, lim Limits, tooBig string) (int, string) {
	k := strchr(in[pos:], '\r')
	if k < 0 {
		if len(in)-pos > lim.MaxInline {
			return 0, tooBig
		}
		return -1, ""
	}
	if k > lim.MaxInline {
		return 0, tooBig
	}
	if pos+k+1 >= len(in) {
		return -1, "" // the byte after '\r' has not arrived
	}
	return pos + k, ""
}

func refMultibulk(in []byte, pos int, lim Limits, auth bool) ([][]byte, int, string) {
	cr, end := refLine(in, pos, lim, "ERR "+msgTooBigCount)
	if end != "" || cr < 0 {
		return nil, -1, end
	}
	count, ok := refNumber(in[pos+1 : cr])
	switch {
	case !ok || count > int64(lim.MaxMultibulk):
		return nil, 0, "ERR " + msgInvalidMultibulk
	case count > 10 && auth:
		return nil, 0, "ERR " + msgUnauthMultibulk
	}
	pos = cr + 2
	if count <= 0 {
		return nil, pos, ""
	}
	var args [][]byte
	for ; count > 0; count-- {
		cr, end := refLine(in, pos, lim, "ERR "+msgTooBigBulk)
		if end != "" || cr < 0 {
			return nil, -1, end
		}
		if in[pos] != '$' {
			return nil, 0, "ERR " + expectedDollar(in[pos])
		}
		n, ok := refNumber(in[pos+1 : cr])
		switch {
		case !ok || n < 0 || n > lim.MaxBulkLen:
			return nil, 0, "ERR " + msgInvalidBulk
		case n > 16384 && auth:
			return nil, 0, "ERR " + msgUnauthBulk
		}
		pos = cr + 2
		if int64(len(in)-pos) < n+2 {
			return nil, -1, ""
		}
		args = append(args, in[pos:pos+int(n)])
		pos += int(n) + 2
	}
	return args, pos, ""
}

func refInline(in []byte, pos int, lim Limits) ([][]byte, int, string) {
	k := strchr(in[pos:], '\n')
	if k < 0 {
		if len(in)-pos > lim.MaxInline {
			return nil, 0, "ERR " + msgTooBigInline
		}
		return nil, -1, ""
	}
	if k > lim.MaxInline {
		return nil, 0, "ERR " + msgTooBigInline
	}
	line := in[pos : pos+k]
	line = bytes.TrimSuffix(line, []byte("\r"))
	args, ok := splitArgs(nil, line)
	if !ok {
		return nil, 0, "ERR " + msgUnbalanced
	}
	return args, pos + k + 1, ""
}

func isSecurityRef(name []byte) bool {
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return bytes.EqualFold(name, []byte("post")) || bytes.EqualFold(name, []byte("host:"))
}
