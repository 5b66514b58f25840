package wire

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// ErrNotLoopback is returned by Dial and CheckLoopback for an address that is
// not on the loopback interface.
var ErrNotLoopback = errors.New("wire: only loopback addresses are allowed")

// CheckLoopback returns nil when addr ("host:port") names a loopback host:
// "localhost" or an IP in 127.0.0.0/8 or ::1.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("wire: bad address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	return nil
}

// Conn is one RESP connection. It is not safe for concurrent use, with one
// exception: the write side (Array, Bulk*, Command, Flush) and the read side
// (ReadReply) share no state, so one goroutine may write while another reads.
type Conn struct {
	nc   net.Conn
	wbuf []byte
	br   *bufio.Reader
	line []byte // scratch for lines longer than the read buffer
}

// Dial connects to a loopback address, giving up after timeout.
func Dial(addr string, timeout time.Duration) (*Conn, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	return NewConn(nc), nil
}

// NewConn wraps an established connection (tests use net.Pipe). The Conn
// owns nc from now on.
func NewConn(nc net.Conn) *Conn {
	return &Conn{nc: nc, wbuf: make([]byte, 0, 64<<10), br: bufio.NewReaderSize(nc, 64<<10)}
}

// Close closes the connection; a blocked ReadReply in another goroutine
// returns an error.
func (c *Conn) Close() error { return c.nc.Close() }

// SetDeadline bounds every read and write until t (the zero time removes
// the bound).
func (c *Conn) SetDeadline(t time.Time) error { return c.nc.SetDeadline(t) }

// Array appends the header of a command of n arguments; n Bulk* calls must
// follow.
func (c *Conn) Array(n int) {
	c.wbuf = append(c.wbuf, '*')
	c.wbuf = strconv.AppendInt(c.wbuf, int64(n), 10)
	c.wbuf = append(c.wbuf, '\r', '\n')
}

// Bulk appends one argument. b is copied; the caller may reuse it at once.
func (c *Conn) Bulk(b []byte) {
	c.wbuf = append(c.wbuf, '$')
	c.wbuf = strconv.AppendInt(c.wbuf, int64(len(b)), 10)
	c.wbuf = append(c.wbuf, '\r', '\n')
	c.wbuf = append(c.wbuf, b...)
	c.wbuf = append(c.wbuf, '\r', '\n')
}

// BulkString appends one argument given as a string.
func (c *Conn) BulkString(s string) {
	c.wbuf = append(c.wbuf, '$')
	c.wbuf = strconv.AppendInt(c.wbuf, int64(len(s)), 10)
	c.wbuf = append(c.wbuf, '\r', '\n')
	c.wbuf = append(c.wbuf, s...)
	c.wbuf = append(c.wbuf, '\r', '\n')
}

// BulkInt appends one argument: the decimal form of i.
func (c *Conn) BulkInt(i int64) {
	var tmp [20]byte
	c.Bulk(strconv.AppendInt(tmp[:0], i, 10))
}

// BulkID appends one argument: the stream ID "ms-seq".
func (c *Conn) BulkID(ms, seq uint64) {
	var tmp [41]byte
	b := strconv.AppendUint(tmp[:0], ms, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, seq, 10)
	c.Bulk(b)
}

// Command appends a whole command given as strings (convenient off the hot
// path; the variadic slice may allocate).
func (c *Conn) Command(args ...string) {
	c.Array(len(args))
	for _, a := range args {
		c.BulkString(a)
	}
}

// Buffered returns how many bytes are waiting for Flush.
func (c *Conn) Buffered() int { return len(c.wbuf) }

// Flush writes the buffered commands.
func (c *Conn) Flush() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	return err
}

// Do sends one command and reads its reply into r. An error reply is
// returned as an *Error as well as left in r.
func (c *Conn) Do(r *Reply, args ...string) (Value, error) {
	c.Command(args...)
	if err := c.Flush(); err != nil {
		return Value{}, err
	}
	if err := c.ReadReply(r); err != nil {
		return Value{}, err
	}
	v := r.Value()
	return v, v.Err()
}
