package wire

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeConn replays canned server bytes and records what the client wrote.
type fakeConn struct {
	net.Conn
	in  *bytes.Reader
	out bytes.Buffer
}

func (f *fakeConn) Read(p []byte) (int, error)  { return f.in.Read(p) }
func (f *fakeConn) Write(p []byte) (int, error) { return f.out.Write(p) }
func (f *fakeConn) Close() error                { return nil }
func (f *fakeConn) SetDeadline(time.Time) error { return nil }
func newFake(server string) (*Conn, *fakeConn) {
	f := &fakeConn{in: bytes.NewReader([]byte(server))}
	return NewConn(f), f
}

func TestWriteCommands(t *testing.T) {
	c, f := newFake("")
	c.Array(5)
	c.BulkString("XADD")
	c.Bulk([]byte("s"))
	c.BulkID(1700000000000, 42)
	c.BulkInt(-7)
	c.Bulk(nil)
	c.Command("PING")
	if c.Buffered() == 0 {
		t.Fatal("nothing buffered")
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$16\r\n1700000000000-42\r\n$2\r\n-7\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n"
	if got := f.out.String(); got != want {
		t.Fatalf("wrote %q\nwant  %q", got, want)
	}
	if c.Buffered() != 0 {
		t.Fatal("Flush must empty the buffer")
	}
}

func TestReadReplies(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind Kind
		str  string
	}{
		{"+OK\r\n", KindSimple, "OK"},
		{"-ERR unknown command 'x'\r\n", KindError, "(error) ERR unknown command 'x'"},
		{":-12\r\n", KindInt, "-12"},
		{"$5\r\nhello\r\n", KindBulk, "hello"},
		{"$0\r\n\r\n", KindBulk, ""},
		{"$-1\r\n", KindNull, "(nil)"},
		{"*-1\r\n", KindNull, "(nil)"},
		{"*0\r\n", KindArray, "[]"},
		{"*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n:5\r\n", KindArray, "[[1-1 [f v]] 5]"},
		// RESP3 forms fold into RESP2 kinds.
		{"_\r\n", KindNull, "(nil)"},
		{"#t\r\n", KindInt, "1"},
		{",3.14\r\n", KindSimple, "3.14"},
		{"%1\r\n$1\r\nk\r\n:1\r\n", KindArray, "[k 1]"},
		{"~2\r\n:1\r\n:2\r\n", KindArray, "[1 2]"},
		{"=8\r\ntxt:abcd\r\n", KindBulk, "abcd"},
		{"!3\r\nERR\r\n", KindError, "(error) ERR"},
	} {
		c, _ := newFake(tc.in)
		var r Reply
		if err := c.ReadReply(&r); err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		v := r.Value()
		if v.Kind() != tc.kind || v.String() != tc.str {
			t.Errorf("%q: got %v %q, want %v %q", tc.in, v.Kind(), v.String(), tc.kind, tc.str)
		}
	}
}

func TestNavigation(t *testing.T) {
	// An XREADGROUP-shaped reply: [[key [[id [f v]] [id [f v]]]]]
	in := "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv2\r\n"
	c, _ := newFake(in + ":7\r\n")
	var r Reply
	if err := c.ReadReply(&r); err != nil {
		t.Fatal(err)
	}
	entries := r.Value().First().Elem(1)
	if entries.Len() != 2 {
		t.Fatalf("entries %v", entries)
	}
	e := entries.First()
	var ids, vals []string
	for k := 0; k < entries.Len(); k++ {
		ids = append(ids, e.First().Str())
		vals = append(vals, e.Elem(1).Elem(1).Str())
		e = e.Next()
	}
	if strings.Join(ids, ",") != "1-0,2-0" || strings.Join(vals, ",") != "v1,v2" {
		t.Fatalf("ids %v vals %v", ids, vals)
	}
	if entries.Elem(2).Valid() || entries.Elem(-1).Valid() || r.Value().Elem(0).Elem(0).First().Valid() {
		t.Fatal("out-of-range navigation must give an invalid Value")
	}
	// The next reply reuses the storage.
	if err := c.ReadReply(&r); err != nil || r.Value().Int() != 7 {
		t.Fatalf("second reply %v %v", r.Value(), err)
	}
	var zero Value
	if zero.Valid() || zero.Kind() != KindNull || zero.Bytes() != nil || zero.Len() != 0 || zero.Next().Valid() {
		t.Fatal("zero Value must be inert")
	}
}

func TestLongLine(t *testing.T) {
	msg := strings.Repeat("x", 200_000)
	c, _ := newFake("-ERR " + msg + "\r\n+OK\r\n")
	var r Reply
	if err := c.ReadReply(&r); err != nil {
		t.Fatal(err)
	}
	if got := r.Value().Err(); got == nil || got.Error() != "ERR "+msg {
		t.Fatalf("long error not read whole (len %d)", len(r.Value().Bytes()))
	}
	if err := c.ReadReply(&r); err != nil || r.Value().Str() != "OK" {
		t.Fatalf("reply after a long line: %v %v", r.Value(), err)
	}
}

func TestMalformed(t *testing.T) {
	for _, in := range []string{
		"?x\r\n", ":12a\r\n", "$abc\r\n", "$3\r\nabcde\r\n", "*x\r\n", "+OK\n", "$-2\r\n", "#x\r\n",
		strings.Repeat("*1\r\n", maxDepth+2) + ":1\r\n",
	} {
		c, _ := newFake(in)
		var r Reply
		if err := c.ReadReply(&r); !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: err %v, want ErrProtocol", in, err)
		}
	}
	for _, in := range []string{"", "+OK", "$5\r\nab", "*2\r\n:1\r\n"} {
		c, _ := newFake(in)
		var r Reply
		if err := c.ReadReply(&r); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: err %v, want ErrUnexpectedEOF", in, err)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:6379": true, "127.1.2.3:1": true, "[::1]:6379": true, "localhost:1": true,
		"10.0.0.1:6379": false, "192.168.1.1:1": false, "example.com:80": false, "8.8.8.8:53": false, "nohost": false,
	} {
		if err := CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v", addr, err)
		}
	}
	if _, err := Dial("10.1.2.3:6379", time.Second); !errors.Is(err, ErrNotLoopback) {
		t.Fatalf("Dial to a non-loopback address: %v", err)
	}
}

func TestDoAgainstListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		buf := make([]byte, 1024)
		n, _ := s.Read(buf)
		if string(buf[:n]) == "*1\r\n$4\r\nPING\r\n" {
			s.Write([]byte("+PONG\r\n-ERR no\r\n"))
		}
		io.Copy(io.Discard, s)
	}()
	c, err := Dial(ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var r Reply
	v, err := c.Do(&r, "PING")
	if err != nil || v.Str() != "PONG" {
		t.Fatalf("PING: %v %v", v, err)
	}
	if err := c.ReadReply(&r); err != nil || r.Value().Err() == nil {
		t.Fatalf("error reply: %v %v", r.Value(), err)
	}
}

// TestSteadyStateAllocs pins the package's purpose: a pipelined write/read
// loop allocates nothing once buffers have grown.
func TestSteadyStateAllocs(t *testing.T) {
	reply := "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv1\r\n"
	f := &fakeConn{in: bytes.NewReader(nil)}
	c := NewConn(f)
	var r Reply
	payload := []byte("0123456789")
	data := []byte(strings.Repeat(reply, 2000))
	allocs := testing.AllocsPerRun(1000, func() {
		if f.in.Len() == 0 {
			f.in.Reset(data)
		}
		f.out.Reset()
		c.Array(5)
		c.BulkString("XADD")
		c.BulkString("s")
		c.BulkID(12, 3)
		c.BulkString("f")
		c.Bulk(payload)
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := c.ReadReply(&r); err != nil {
			t.Fatal(err)
		}
		_ = r.Value().First().Elem(1).First().First().Bytes()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per command, want 0", allocs)
	}
}

func BenchmarkReadXReadGroupReply(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("*1\r\n*2\r\n$1\r\ns\r\n*100\r\n")
	for i := 0; i < 100; i++ {
		sb.WriteString("*2\r\n$15\r\n1700000000000-1\r\n*2\r\n$1\r\nf\r\n$100\r\n" + strings.Repeat("x", 100) + "\r\n")
	}
	one := []byte(sb.String())
	f := &fakeConn{in: bytes.NewReader(one)}
	c := NewConn(f)
	var r Reply
	b.SetBytes(int64(len(one)))
	b.ReportAllocs()
	for b.Loop() {
		f.in.Reset(one)
		c.br.Reset(f)
		if err := c.ReadReply(&r); err != nil {
			b.Fatal(err)
		}
	}
}
