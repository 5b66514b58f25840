package compat_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Kinds of Value. The RESP kinds use their wire prefix byte; the others are
// made by the harness and never appear on the wire.
const (
	kSimple   = '+'
	kError    = '-'
	kInt      = ':'
	kBulk     = '$'
	kArray    = '*'
	kNull     = '_'
	kDouble   = ','
	kBool     = '#'
	kBlobErr  = '!'
	kVerbatim = '='
	kBigNum   = '('
	kMap      = '%'
	kSet      = '~'
	kPush     = '>'
	kAttr     = '|'

	// kNilBulk and kNilArray are the two RESP2 nulls ($-1 and *-1). The case
	// notation also uses them for "the null of the case's protocol".
	kNilBulk  = 'N'
	kNilArray = 'M'
	// kClosed is the pseudo reply of a connection the server closed.
	kClosed = 'X'
	// kNoReply is the pseudo reply of a read that found nothing in time.
	kNoReply = 'T'
)

// maxBulk bounds the length the reader accepts for one string or aggregate,
// so a garbled stream cannot make the harness allocate without limit.
const maxBulk = 64 << 20

// Value is one RESP reply as a tree. Scalars keep their text in Str exactly
// as on the wire (integers and doubles as digits; verbatim strings with their
// "txt:" prefix). Maps and attributes keep keys and values alternating in
// Elems. Normalisation may replace Str with a placeholder such as "<idle>".
type Value struct {
	Kind  byte
	Str   string
	Elems []Value
	Attr  *Value
}

func bulk(s string) Value { return Value{Kind: kBulk, Str: s} }
func isAggregate(k byte) bool {
	switch k {
	case kArray, kMap, kSet, kPush, kAttr:
		return true
	}
	return false
}

// isString reports whether v carries text a client would read as a string.
func (v Value) isString() bool {
	switch v.Kind {
	case kSimple, kBulk, kVerbatim:
		return true
	}
	return false
}

// text returns the string content of v, without a verbatim prefix.
func (v Value) text() string {
	if v.Kind == kVerbatim && len(v.Str) >= 4 && v.Str[3] == ':' {
		return v.Str[4:]
	}
	return v.Str
}

// encode writes v back in RESP. Placeholders are written as they are, so
// the result is for comparison and display, not always valid RESP.
func (v Value) encode(b *bytes.Buffer) {
	if v.Attr != nil {
		v.Attr.encode(b)
	}
	switch v.Kind {
	case kSimple, kError, kInt, kDouble, kBool, kBigNum:
		b.WriteByte(v.Kind)
		b.WriteString(v.Str)
		b.WriteString("\r\n")
	case kBulk, kBlobErr, kVerbatim:
		fmt.Fprintf(b, "%c%d\r\n%s\r\n", v.Kind, len(v.Str), v.Str)
	case kNull:
		b.WriteString("_\r\n")
	case kNilBulk:
		b.WriteString("$-1\r\n")
	case kNilArray:
		b.WriteString("*-1\r\n")
	case kArray, kSet, kPush:
		fmt.Fprintf(b, "%c%d\r\n", v.Kind, len(v.Elems))
		for _, e := range v.Elems {
			e.encode(b)
		}
	case kMap, kAttr:
		fmt.Fprintf(b, "%c%d\r\n", v.Kind, len(v.Elems)/2)
		for _, e := range v.Elems {
			e.encode(b)
		}
	case kClosed:
		b.WriteString("<connection closed>")
	case kNoReply:
		b.WriteString("<no reply>")
	default:
		fmt.Fprintf(b, "<kind %q>", v.Kind)
	}
}

// bytes returns the encoding of v.
func (v Value) bytes() []byte {
	var b bytes.Buffer
	v.encode(&b)
	return b.Bytes()
}

// errProtocol reports bytes that are not RESP.
var errProtocol = errors.New("resp: malformed reply")

// readValue reads one complete reply from r. Every byte read is also
// appended to raw when raw is not nil. An attribute is read together with
// the reply it precedes.
func readValue(r *bufio.Reader, raw *bytes.Buffer) (Value, error) {
	line, err := readLine(r, raw)
	if err != nil {
		return Value{}, err
	}
	if len(line) == 0 {
		return Value{}, fmt.Errorf("%w: empty line", errProtocol)
	}
	kind, rest := line[0], string(line[1:])
	switch kind {
	case kSimple, kError, kInt, kDouble, kBool, kBigNum:
		if kind == kInt {
			if _, err := strconv.ParseInt(rest, 10, 64); err != nil {
				return Value{}, fmt.Errorf("%w: integer %q", errProtocol, rest)
			}
		}
		return Value{Kind: kind, Str: rest}, nil
	case kNull:
		if rest != "" {
			return Value{}, fmt.Errorf("%w: null %q", errProtocol, line)
		}
		return Value{Kind: kNull}, nil
	case kBulk, kBlobErr, kVerbatim:
		n, err := length(rest)
		if err != nil {
			return Value{}, err
		}
		if n < 0 {
			if kind != kBulk || n != -1 {
				return Value{}, fmt.Errorf("%w: length %d", errProtocol, n)
			}
			return Value{Kind: kNilBulk}, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return Value{}, noEOF(err)
		}
		if raw != nil {
			raw.Write(buf)
		}
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return Value{}, fmt.Errorf("%w: string not ended by CRLF", errProtocol)
		}
		return Value{Kind: kind, Str: string(buf[:n])}, nil
	case kArray, kSet, kPush, kMap, kAttr:
		n, err := length(rest)
		if err != nil {
			return Value{}, err
		}
		if n < 0 {
			if kind != kArray || n != -1 {
				return Value{}, fmt.Errorf("%w: length %d", errProtocol, n)
			}
			return Value{Kind: kNilArray}, nil
		}
		count := n
		if kind == kMap || kind == kAttr {
			count = 2 * n
		}
		v := Value{Kind: kind, Elems: make([]Value, 0, min(count, 1024))}
		for range count {
			e, err := readValue(r, raw)
			if err != nil {
				return Value{}, noEOF(err)
			}
			v.Elems = append(v.Elems, e)
		}
		if kind == kAttr {
			next, err := readValue(r, raw)
			if err != nil {
				return Value{}, noEOF(err)
			}
			next.Attr = &v
			return next, nil
		}
		return v, nil
	}
	return Value{}, fmt.Errorf("%w: unknown type byte %q", errProtocol, kind)
}

func length(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n > maxBulk || n < -1 {
		return 0, fmt.Errorf("%w: length %q", errProtocol, s)
	}
	return n, nil
}

// noEOF turns an end of input inside a reply into io.ErrUnexpectedEOF, so
// only a clean end between replies reads as io.EOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func readLine(r *bufio.Reader, raw *bytes.Buffer) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if raw != nil {
		raw.Write(line)
	}
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: line too long", errProtocol)
		}
		if len(line) > 0 {
			return nil, noEOF(err)
		}
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("%w: line %q not ended by CRLF", errProtocol, line)
	}
	return line[:len(line)-2], nil
}

// encodeCommand writes args as a RESP array of bulk strings.
func encodeCommand(args []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.Bytes()
}

// client is one raw RESP connection. It is not safe for concurrent use.
type client struct {
	conn    net.Conn
	r       *bufio.Reader
	pending int   // commands sent whose reply has not been read
	broken  error // set when a read failed half way; the stream is lost
	closed  bool  // the server closed the connection
	// multi is non-nil while the client is in MULTI: the commands queued so
	// far, so EXEC's reply can be normalised element by element.
	multi [][]string
}

func dial(addr string) (*client, error) {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return nil, err
	}
	return &client{conn: c, r: bufio.NewReaderSize(c, 1<<16)}, nil
}

func (c *client) close() { c.conn.Close() }

// send writes b without reading anything; the reply counts as pending.
func (c *client) send(b []byte) error {
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := c.conn.Write(b)
	if err == nil {
		c.pending++
	}
	return err
}

// read reads one reply within timeout. A clean close by the server gives a
// kClosed value; any other failure leaves the client broken.
func (c *client) read(timeout time.Duration) (Value, []byte, error) {
	if c.broken != nil {
		return Value{}, nil, c.broken
	}
	if c.closed {
		return Value{Kind: kClosed}, nil, nil
	}
	c.conn.SetReadDeadline(time.Now().Add(timeout))
	var raw bytes.Buffer
	v, err := readValue(c.r, &raw)
	if c.pending > 0 {
		c.pending--
	}
	if err != nil {
		if errors.Is(err, io.EOF) || isReset(err) {
			c.closed = true
			return Value{Kind: kClosed}, raw.Bytes(), nil
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && raw.Len() == 0 {
			err = fmt.Errorf("no reply within %v", timeout)
		}
		c.broken = err
		return Value{}, raw.Bytes(), err
	}
	return v, raw.Bytes(), nil
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// readable reports whether reply bytes (or a close) arrive within wait.
func (c *client) readable(wait time.Duration) bool {
	if c.r.Buffered() > 0 {
		return true
	}
	c.conn.SetReadDeadline(time.Now().Add(wait))
	_, err := c.r.Peek(1)
	if err == nil {
		return true
	}
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// do sends args and reads the reply.
func (c *client) do(timeout time.Duration, args ...string) (Value, error) {
	if err := c.send(encodeCommand(args)); err != nil {
		return Value{}, err
	}
	v, _, err := c.read(timeout)
	return v, err
}
