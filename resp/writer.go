package resp

import (
	"math"
	"strconv"
)

// Writer builds replies in RESP2 or RESP3 into a byte buffer. Commands write
// the shape they mean (a map, a set, a null array) and the Writer chooses the
// encoding of the connection's protocol, so no handler branches on the
// protocol version. The zero Writer speaks RESP2. A Writer is not safe for
// concurrent use.
type Writer struct {
	// B holds the encoded replies. The owner takes it (and may Reset) once the
	// replies may leave the server.
	B []byte
	// Proto is 2 or 3, as negotiated by HELLO.
	Proto int
}

// Reset empties the buffer, keeping its memory.
func (w *Writer) Reset() { w.B = w.B[:0] }

// Release empties the buffer like Reset, but lets go of a buffer larger
// than a connection keeps (counting it in ReleasedBuffers), so that one
// large reply does not hold its size for as long as the client stays
// connected.
func (w *Writer) Release() {
	if n := cap(w.B); n > maxKeptOutput {
		released.Add(uint64(n))
		w.B = nil
		return
	}
	w.B = w.B[:0]
}

// Len returns the number of buffered bytes.
func (w *Writer) Len() int { return len(w.B) }

// Truncate drops everything written after offset n, so a handler can take
// back a partial reply when it fails half way.
func (w *Writer) Truncate(n int) { w.B = w.B[:n] }

// RESP3 reports whether the connection speaks RESP3.
func (w *Writer) RESP3() bool { return w.Proto == 3 }

func (w *Writer) header(c byte, n int) {
	w.B = append(w.B, c)
	w.B = strconv.AppendInt(w.B, int64(n), 10)
	w.B = append(w.B, '\r', '\n')
}

// Array starts an array of n elements.
func (w *Writer) Array(n int) { w.header('*', n) }

// Map starts a map of n key/value pairs: '%' in RESP3, a flat array of 2n
// elements in RESP2.
func (w *Writer) Map(n int) {
	if w.Proto == 3 {
		w.header('%', n)
	} else {
		w.header('*', 2*n)
	}
}

// Set starts a set of n elements: '~' in RESP3, an array in RESP2.
func (w *Writer) Set(n int) {
	if w.Proto == 3 {
		w.header('~', n)
	} else {
		w.header('*', n)
	}
}

// Push starts an out-of-band push of n elements: '>' in RESP3, an array in
// RESP2.
func (w *Writer) Push(n int) {
	if w.Proto == 3 {
		w.header('>', n)
	} else {
		w.header('*', n)
	}
}

// Bulk writes a bulk string.
func (w *Writer) Bulk(b []byte) {
	w.header('$', len(b))
	w.B = append(w.B, b...)
	w.B = append(w.B, '\r', '\n')
}

// BulkString writes a bulk string from a Go string.
func (w *Writer) BulkString(s string) {
	w.header('$', len(s))
	w.B = append(w.B, s...)
	w.B = append(w.B, '\r', '\n')
}

// BulkAppend writes a bulk string produced by fn, which appends the
// payload to dst and returns it; it lets callers format IDs and numbers
// without an intermediate allocation.
func (w *Writer) BulkAppend(fn func(dst []byte) []byte) {
	// Reserve room for a short header, format the payload after it, then
	// move the payload if the real header has another length.
	start := len(w.B)
	const room = 4 // "$NN\r\n" minus one: payloads of 10-99 bytes fit exactly
	w.B = append(w.B, "$00\r\n"...)
	w.B = fn(w.B)
	n := len(w.B) - start - room - 1
	var hdr [24]byte
	h := append(hdr[:0], '$')
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	if d := len(h) - (room + 1); d != 0 {
		// Move the payload in place, without allocating, to fit the real
		// header.
		from := start + room + 1
		if d > 0 {
			w.B = append(w.B, make([]byte, d)...)
		}
		copy(w.B[from+d:], w.B[from:from+n])
		w.B = w.B[:from+d+n]
	}
	copy(w.B[start:], h)
	w.B = append(w.B, '\r', '\n')
}

// Simple writes a simple string ("+OK").
func (w *Writer) Simple(s string) {
	w.B = append(w.B, '+')
	w.B = append(w.B, s...)
	w.B = append(w.B, '\r', '\n')
}

// OK writes +OK.
func (w *Writer) OK() { w.B = append(w.B, "+OK\r\n"...) }

// Error writes an error reply. msg carries its own code ("ERR ...",
// "WRONGTYPE ..."); line breaks are replaced by spaces as Redis does.
func (w *Writer) Error(msg string) {
	w.B = append(w.B, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		w.B = append(w.B, c)
	}
	w.B = append(w.B, '\r', '\n')
}

// Int writes an integer.
func (w *Writer) Int(n int64) {
	w.B = append(w.B, ':')
	w.B = strconv.AppendInt(w.B, n, 10)
	w.B = append(w.B, '\r', '\n')
}

// Uint writes an unsigned integer, as a RESP integer when it fits in int64.
func (w *Writer) Uint(n uint64) {
	w.B = append(w.B, ':')
	w.B = strconv.AppendUint(w.B, n, 10)
	w.B = append(w.B, '\r', '\n')
}

// Null writes a null bulk string: "$-1" in RESP2, "_" in RESP3.
func (w *Writer) Null() {
	if w.Proto == 3 {
		w.B = append(w.B, "_\r\n"...)
	} else {
		w.B = append(w.B, "$-1\r\n"...)
	}
}

// NullArray writes a null array: "*-1" in RESP2, "_" in RESP3.
func (w *Writer) NullArray() {
	if w.Proto == 3 {
		w.B = append(w.B, "_\r\n"...)
	} else {
		w.B = append(w.B, "*-1\r\n"...)
	}
}

// Bool writes a boolean: "#t"/"#f" in RESP3, 1/0 in RESP2.
func (w *Writer) Bool(b bool) {
	switch {
	case w.Proto == 3 && b:
		w.B = append(w.B, "#t\r\n"...)
	case w.Proto == 3:
		w.B = append(w.B, "#f\r\n"...)
	case b:
		w.B = append(w.B, ":1\r\n"...)
	default:
		w.B = append(w.B, ":0\r\n"...)
	}
}

// Double writes a floating-point number: ',' in RESP3, a bulk string in
// RESP2, formatted as Redis formats doubles (%.17g, inf, -inf, nan).
func (w *Writer) Double(f float64) {
	var buf [32]byte
	var s []byte
	switch {
	case math.IsInf(f, 1):
		s = append(buf[:0], "inf"...)
	case math.IsInf(f, -1):
		s = append(buf[:0], "-inf"...)
	case math.IsNaN(f):
		s = append(buf[:0], "nan"...)
	default:
		s = strconv.AppendFloat(buf[:0], f, 'g', 17, 64)
	}
	if w.Proto == 3 {
		w.B = append(w.B, ',')
		w.B = append(w.B, s...)
		w.B = append(w.B, '\r', '\n')
		return
	}
	w.Bulk(s)
}

// Verbatim writes a verbatim string ("=" with a 3-letter format such as
// "txt") in RESP3 and a plain bulk string in RESP2, as Redis does for INFO
// and CLIENT INFO.
func (w *Writer) Verbatim(format string, s string) {
	if w.Proto != 3 {
		w.BulkString(s)
		return
	}
	w.header('=', len(s)+4)
	w.B = append(w.B, format...)
	w.B = append(w.B, ':')
	w.B = append(w.B, s...)
	w.B = append(w.B, '\r', '\n')
}

// Raw appends pre-encoded RESP bytes.
func (w *Writer) Raw(b []byte) { w.B = append(w.B, b...) }
