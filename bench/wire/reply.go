package wire

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Kind is the RESP type of a reply value. RESP3 types are folded into the
// RESP2 ones a load tool needs: maps, sets and pushes are arrays (a map of n
// pairs has 2n elements), booleans are integers, doubles and big numbers
// keep their text as Simple, verbatim strings are Bulk, bulk errors Error.
type Kind uint8

// Reply value kinds.
const (
	KindNull Kind = iota
	KindSimple
	KindError
	KindInt
	KindBulk
	KindArray
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindSimple:
		return "simple"
	case KindError:
		return "error"
	case KindInt:
		return "integer"
	case KindBulk:
		return "bulk"
	case KindArray:
		return "array"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// maxDepth bounds nesting so a hostile reply cannot exhaust the stack.
const maxDepth = 64

// maxBulk is the largest bulk string accepted (Redis's proto-max-bulk-len).
const maxBulk = 512 << 20

// ErrProtocol is returned (wrapped) for a malformed reply.
var ErrProtocol = errors.New("wire: protocol error")

// Error is a server error reply, e.g. "ERR unknown command".
type Error struct{ Msg string }

// Error returns the server's message.
func (e *Error) Error() string { return e.Msg }

type node struct {
	kind Kind
	n    int32 // array length
	next int32 // index of the node after this one's subtree
	off  int32 // text in arena
	len  int32
	ival int64
}

// Reply holds one parsed reply. Its storage is reused by the next ReadReply
// into it; Values and byte slices taken from it are valid until then. The
// zero value is ready to use.
type Reply struct {
	nodes []node
	arena []byte
}

// Value is one element of a Reply: the root or a nested element.
type Value struct {
	r *Reply
	i int32
}

// Value returns the root of the last reply read.
func (r *Reply) Value() Value {
	if len(r.nodes) == 0 {
		return Value{}
	}
	return Value{r: r, i: 0}
}

func (v Value) node() *node {
	if v.r == nil || int(v.i) >= len(v.r.nodes) {
		return nil
	}
	return &v.r.nodes[v.i]
}

// Valid reports whether v refers to a value (the zero Value does not).
func (v Value) Valid() bool { return v.node() != nil }

// Kind returns v's type; an invalid Value is KindNull.
func (v Value) Kind() Kind {
	if n := v.node(); n != nil {
		return n.kind
	}
	return KindNull
}

// IsNull reports whether v is a null (RESP2 $-1 or *-1, RESP3 _).
func (v Value) IsNull() bool { return v.Kind() == KindNull }

// Bytes returns the text of a simple, error or bulk value (nil otherwise),
// owned by the Reply and valid until the next ReadReply into it.
func (v Value) Bytes() []byte {
	n := v.node()
	if n == nil || n.kind == KindArray || n.kind == KindNull || n.kind == KindInt {
		return nil
	}
	return v.r.arena[n.off : n.off+n.len : n.off+n.len]
}

// Str returns Bytes as a new string, or the decimal form of an integer.
func (v Value) Str() string {
	if v.Kind() == KindInt {
		return strconv.FormatInt(v.Int(), 10)
	}
	return string(v.Bytes())
}

// Int returns an integer value, or parses a bulk or simple value as a
// decimal integer; it returns 0 when neither applies.
func (v Value) Int() int64 {
	n := v.node()
	if n == nil {
		return 0
	}
	if n.kind == KindInt {
		return n.ival
	}
	i, _ := strconv.ParseInt(string(v.Bytes()), 10, 64)
	return i
}

// Len returns the number of elements of an array, or 0.
func (v Value) Len() int {
	n := v.node()
	if n == nil || n.kind != KindArray {
		return 0
	}
	return int(n.n)
}

// First returns the first element of a non-empty array (an invalid Value
// otherwise). Iterate with Next, Len times.
func (v Value) First() Value {
	if v.Len() == 0 {
		return Value{}
	}
	return Value{r: v.r, i: v.i + 1}
}

// Next returns the sibling that follows v inside its array. Calling it on
// the last element yields whatever follows the array in the reply, so
// iterate by count, not until invalid.
func (v Value) Next() Value {
	n := v.node()
	if n == nil {
		return Value{}
	}
	return Value{r: v.r, i: n.next}
}

// Elem returns element k of an array in O(k), or an invalid Value when k is
// out of range.
func (v Value) Elem(k int) Value {
	if k < 0 || k >= v.Len() {
		return Value{}
	}
	e := v.First()
	for ; k > 0; k-- {
		e = e.Next()
	}
	return e
}

// Err returns an *Error when v is an error reply, else nil.
func (v Value) Err() error {
	if v.Kind() == KindError {
		return &Error{Msg: string(v.Bytes())}
	}
	return nil
}

// String renders v compactly for messages and tests, e.g. [a 1 (nil)].
func (v Value) String() string {
	switch v.Kind() {
	case KindNull:
		return "(nil)"
	case KindInt:
		return strconv.FormatInt(v.Int(), 10)
	case KindError:
		return "(error) " + string(v.Bytes())
	case KindArray:
		s := "["
		e := v.First()
		for k := 0; k < v.Len(); k++ {
			if k > 0 {
				s += " "
			}
			s += e.String()
			e = e.Next()
		}
		return s + "]"
	}
	return string(v.Bytes())
}

// ReadReply reads one whole reply into r, replacing what r held.
func (c *Conn) ReadReply(r *Reply) error {
	r.nodes = r.nodes[:0]
	r.arena = r.arena[:0]
	return c.readValue(r, 0)
}

func (c *Conn) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.line = append(c.line[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.br.ReadSlice('\n')
			c.line = append(c.line, line...)
		}
		line = c.line
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("%w: bad line %q", ErrProtocol, line)
	}
	return line[:len(line)-2], nil
}

func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	if b[0] == '-' {
		neg, b = true, b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int64(ch-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func (r *Reply) addText(kind Kind, text []byte) {
	off := len(r.arena)
	r.arena = append(r.arena, text...)
	r.nodes = append(r.nodes, node{kind: kind, next: int32(len(r.nodes) + 1), off: int32(off), len: int32(len(text))})
}

func (c *Conn) readValue(r *Reply, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrProtocol, maxDepth)
	}
	line, err := c.readLine()
	if err != nil {
		return err
	}
	body := line[1:]
	switch line[0] {
	case '+', ',', '(':
		r.addText(KindSimple, body)
	case '-':
		r.addText(KindError, body)
	case ':':
		n, ok := parseInt(body)
		if !ok {
			return fmt.Errorf("%w: bad integer %q", ErrProtocol, line)
		}
		r.nodes = append(r.nodes, node{kind: KindInt, next: int32(len(r.nodes) + 1), ival: n})
	case '#':
		if len(body) != 1 || (body[0] != 't' && body[0] != 'f') {
			return fmt.Errorf("%w: bad boolean %q", ErrProtocol, line)
		}
		var n int64
		if body[0] == 't' {
			n = 1
		}
		r.nodes = append(r.nodes, node{kind: KindInt, next: int32(len(r.nodes) + 1), ival: n})
	case '_':
		r.nodes = append(r.nodes, node{kind: KindNull, next: int32(len(r.nodes) + 1)})
	case '$', '=', '!':
		n, ok := parseInt(body)
		if !ok || n < -1 || n > maxBulk {
			return fmt.Errorf("%w: bad bulk length %q", ErrProtocol, line)
		}
		if n == -1 {
			r.nodes = append(r.nodes, node{kind: KindNull, next: int32(len(r.nodes) + 1)})
			return nil
		}
		kind := KindBulk
		if line[0] == '!' {
			kind = KindError
		}
		off := len(r.arena)
		r.arena = append(r.arena, make([]byte, n+2)...)
		if _, err := io.ReadFull(c.br, r.arena[off:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if r.arena[off+int(n)] != '\r' || r.arena[off+int(n)+1] != '\n' {
			return fmt.Errorf("%w: bulk not terminated by CRLF", ErrProtocol)
		}
		r.arena = r.arena[:off+int(n)]
		text := r.arena[off:]
		if line[0] == '=' && len(text) >= 4 && text[3] == ':' {
			off += 4 // verbatim string: drop the "txt:" format prefix
		}
		r.nodes = append(r.nodes, node{kind: kind, next: int32(len(r.nodes) + 1), off: int32(off), len: int32(len(r.arena) - off)})
	case '*', '%', '~', '>':
		n, ok := parseInt(body)
		if !ok || n < -1 || n > 1<<30 {
			return fmt.Errorf("%w: bad array length %q", ErrProtocol, line)
		}
		if n == -1 {
			r.nodes = append(r.nodes, node{kind: KindNull, next: int32(len(r.nodes) + 1)})
			return nil
		}
		if line[0] == '%' {
			n *= 2
		}
		idx := len(r.nodes)
		r.nodes = append(r.nodes, node{kind: KindArray, n: int32(n)})
		for k := int64(0); k < n; k++ {
			if err := c.readValue(r, depth+1); err != nil {
				return err
			}
		}
		r.nodes[idx].next = int32(len(r.nodes))
	default:
		return fmt.Errorf("%w: unknown type byte %q", ErrProtocol, line[0])
	}
	return nil
}
