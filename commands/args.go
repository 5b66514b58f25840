package commands

import (
	"math"
	"strconv"

	"github.com/runnel-db/runnel/stream"
)

// Args is a cursor over a command's arguments with a sticky error: after the
// first failure every method returns zero values and Err reports that
// failure, so a parser reads its grammar straight through and checks once.
type Args struct {
	a   [][]byte
	i   int
	err error
}

// NewArgs returns a cursor over a, starting at a[0].
func NewArgs(a [][]byte) *Args { return &Args{a: a} }

// Err returns the first error met, or nil.
func (p *Args) Err() error { return p.err }

// Fail records err unless an error is already recorded.
func (p *Args) Fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// More reports whether arguments remain and no error was met.
func (p *Args) More() bool { return p.err == nil && p.i < len(p.a) }

// Left returns how many arguments remain.
func (p *Args) Left() int { return len(p.a) - p.i }

// Peek returns the next argument without consuming it, or nil.
func (p *Args) Peek() []byte {
	if p.err != nil || p.i >= len(p.a) {
		return nil
	}
	return p.a[p.i]
}

// Next consumes and returns the next argument; a missing one is a syntax
// error.
func (p *Args) Next() []byte {
	if p.err != nil {
		return nil
	}
	if p.i >= len(p.a) {
		p.err = ErrSyntax
		return nil
	}
	b := p.a[p.i]
	p.i++
	return b
}

// Rest consumes and returns every remaining argument.
func (p *Args) Rest() [][]byte {
	if p.err != nil {
		return nil
	}
	r := p.a[p.i:]
	p.i = len(p.a)
	return r
}

// Keyword consumes the next argument if it equals kw, ignoring ASCII case.
func (p *Args) Keyword(kw string) bool {
	if p.err != nil || p.i >= len(p.a) || !EqualFold(p.a[p.i], kw) {
		return false
	}
	p.i++
	return true
}

// Int64 consumes an integer argument, failing with err (Redis's texts vary
// by command) when it is not a canonical 64-bit integer.
func (p *Args) Int64(err error) int64 {
	b := p.Next()
	if p.err != nil {
		return 0
	}
	v, ok := ParseInt(b)
	if !ok {
		p.err = err
	}
	return v
}

// ID consumes a stream ID, with the sequence defaulting to missingSeq.
func (p *Args) ID(missingSeq uint64) stream.ID {
	b := p.Next()
	if p.err != nil {
		return stream.ID{}
	}
	id, ok := stream.ParseID(b, missingSeq)
	if !ok {
		p.err = ErrInvalidStreamID
	}
	return id
}

// Done fails with a syntax error if arguments remain.
func (p *Args) Done() {
	if p.err == nil && p.i < len(p.a) {
		p.err = ErrSyntax
	}
}

// ParseInt parses b as Redis's string2ll does: an optional '-' and decimal
// digits without leading zeros or spaces, fitting in an int64.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	i := 0
	if neg {
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
		if v > (math.MaxUint64-d)/10 {
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
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// ParseFloat parses b as Redis's string2ld/strtold does for arguments such
// as INCRBYFLOAT: no spaces, no empty string, no NaN.
func ParseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpaceByte(b[0]) || isSpaceByte(b[len(b)-1]) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	if math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// EqualFold reports whether b equals s ignoring ASCII case; s is expected in
// any case. It does not allocate.
func EqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c, d := b[i], s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if d >= 'A' && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// lowerInto writes the ASCII-lower-case form of b into buf (growing it) and
// returns it, for allocation-free table lookups.
func lowerInto(buf []byte, b []byte) []byte {
	buf = buf[:0]
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
