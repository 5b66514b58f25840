package resp

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// chunkConn is a net.Conn whose reads return the given chunks one by one
// (each possibly split further by a small read buffer) and whose writes are
// recorded.
type chunkConn struct {
	chunks [][]byte
	wrote  bytes.Buffer
	closed bool
}

func (c *chunkConn) Read(p []byte) (int, error) {
	for len(c.chunks) > 0 && len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	return n, nil
}

func (c *chunkConn) Write(p []byte) (int, error)        { return c.wrote.Write(p) }
func (c *chunkConn) Close() error                       { c.closed = true; return nil }
func (c *chunkConn) LocalAddr() net.Addr                { return &net.TCPAddr{} }
func (c *chunkConn) RemoteAddr() net.Addr               { return &net.TCPAddr{} }
func (c *chunkConn) SetDeadline(t time.Time) error      { return nil }
func (c *chunkConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *chunkConn) SetWriteDeadline(t time.Time) error { return nil }

// testPassword is the password of the connections the tests authenticate.
const testPassword = "pw"

// isAuthOK reports a successful "AUTH pw", which the harnesses and the
// reference model execute as the server would.
func isAuthOK(args [][]byte) bool {
	return len(args) == 2 && strings.EqualFold(string(args[0]), "auth") && string(args[1]) == testPassword
}

func isQuit(args [][]byte) bool { return strings.EqualFold(string(args[0]), "quit") }

// sizedReader limits each Read to the next of sizes (cycling), to drive the
// guard with small and uneven read buffers.
type sizedReader struct {
	r     io.Reader
	sizes []int
	i     int
}

func (s *sizedReader) Read(p []byte) (int, error) {
	k := s.sizes[s.i%len(s.sizes)]
	s.i++
	if k < len(p) {
		p = p[:k]
	}
	return s.r.Read(p)
}

// outcome is what a client stream leads to: the commands redcon parses, in
// order, and how the stream ends.
type outcome struct {
	Cmds []string // each command's arguments, joined by "|"
	// End is "eof" (the client's stream ran out with the connection open,
	// Redis would keep waiting), "close" (silent close: POST/Host:), "quit"
	// (the server closed after QUIT), or the protocol error reply the guard
	// wrote.
	End string
}

// String shows an outcome with long arguments shortened.
func (o outcome) String() string {
	short := make([]string, len(o.Cmds))
	for i, c := range o.Cmds {
		short[i] = clip(c)
	}
	return strings.Join(short, " ; ") + " => " + clip(o.End)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:60] + "..." + strconv.Itoa(len(s)) + " bytes"
	}
	return s
}

func joinArgs(args [][]byte) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = string(a)
	}
	return strings.Join(parts, "|")
}

// runGuard feeds chunks through a Guard and redcon's reader, as redcon's
// server loop does, and reports the outcome. Each command gets a "+OK"
// reply written through the guard after its batch, so that the wire shows
// which replies a verdict let through. readSize bounds every Read the
// reader's buffer issues (0: redcon's own sizes).
func runGuard(t testing.TB, chunks [][]byte, lim Limits, readSizes []int) (outcome, []byte) {
	t.Helper()
	own := make([][]byte, len(chunks))
	for i, c := range chunks {
		own[i] = append([]byte(nil), c...) // the guard rewrites bytes in place
	}
	cc := &chunkConn{chunks: own}
	g := NewGuard(cc, func() Limits { return lim })
	var src io.Reader = g
	if len(readSizes) > 0 {
		src = &sizedReader{r: g, sizes: readSizes}
	}
	rd := redcon.NewReader(src)
	var o outcome
	for {
		cmds, err := rd.ReadCommands()
		if err != nil {
			switch {
			case errors.Is(err, io.EOF) && g.ProtocolError() != "":
				o.End = g.ProtocolError()
			case errors.Is(err, io.EOF) && g.final != nil:
				o.End = "close"
			case errors.Is(err, io.EOF):
				o.End = "eof"
			default:
				t.Fatalf("redcon refused what the guard let through: %v (outcome so far %v)", err, o)
			}
			return o, cc.wrote.Bytes()
		}
		quit := false
		for _, c := range cmds {
			// Like redcon's loop, run the whole batch even after a QUIT.
			o.Cmds = append(o.Cmds, joinArgs(c.Args))
			if isAuthOK(c.Args) {
				g.SetAuthenticated(true)
			}
			quit = quit || isQuit(c.Args)
			_, _ = g.Write([]byte("+OK\r\n"))
		}
		if quit {
			o.End = endQuit
			return o, cc.wrote.Bytes()
		}
	}
}
