package resp

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"syscall"
	"testing"

	"github.com/tidwall/redcon"
)

func TestString2ll(t *testing.T) {
	for _, c := range []struct {
		in string
		v  int64
		ok bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"-1", -1, true}, {"10", 10, true},
		{"9223372036854775807", 1<<63 - 1, true}, {"-9223372036854775808", -1 << 63, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false}, {"", 0, false}, {"-", 0, false},
		{"-0", 0, false}, {"00", 0, false}, {"01", 0, false}, {"+1", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"1a", 0, false}, {"0x1", 0, false},
	} {
		v, ok := string2ll([]byte(c.in))
		if v != c.v || ok != c.ok {
			t.Errorf("string2ll(%q) = %d, %v; want %d, %v", c.in, v, ok, c.v, c.ok)
		}
	}
}

// TestGuardHugeDeclaredLength checks that a bulk declared near
// proto-max-bulk-len costs the guard nothing up front, and that redcon's
// reader behind it grows with the bytes that arrive, not with the length.
func TestGuardHugeDeclaredLength(t *testing.T) {
	const chunk = 64 << 10
	const total = 4 << 20
	head := []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$400000000\r\n")
	payload := bytes.Repeat([]byte{'x'}, chunk)
	build := func() *chunkConn {
		cc := &chunkConn{chunks: [][]byte{head}}
		for n := 0; n < total; n += chunk {
			cc.chunks = append(cc.chunks, payload)
		}
		return cc
	}
	measure := func(f func()) uint64 {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}

	cc := build()
	g := NewGuard(cc, nil)
	buf := make([]byte, 32<<10)
	got := 0
	guardAlloc := measure(func() {
		for {
			n, err := g.Read(buf)
			got += n
			if err != nil {
				break
			}
		}
	})
	if got != len(head)+total {
		t.Fatalf("guard passed %d bytes, want %d", got, len(head)+total)
	}
	if guardAlloc > 64<<10 {
		t.Errorf("guard allocated %d bytes for %d bytes of a 400 MB bulk", guardAlloc, total)
	}

	cc = build()
	rd := redcon.NewReader(NewGuard(cc, nil))
	var err error
	redconAlloc := measure(func() { _, err = rd.ReadCommands() })
	if !errors.Is(err, io.EOF) {
		t.Fatalf("redcon: %v, want EOF (the bulk is incomplete)", err)
	}
	// redcon doubles its buffer as bytes arrive: the buffers it allocates
	// on the way to 4 MB sum to about 16 MB, nowhere near 400 MB.
	if redconAlloc > 6*total {
		t.Errorf("redcon allocated %d bytes for %d bytes received", redconAlloc, total)
	}
	t.Logf("guard allocated %d B, redcon's reader %d B, for %d B of a 400000000-byte bulk", guardAlloc, redconAlloc, total)
}

// TestGuardLimitsFollowCommands checks that limits changed by a command
// apply to the command after it in the same read, as CONFIG SET does in
// Redis.
func TestGuardLimitsFollowCommands(t *testing.T) {
	run := func(in []byte) outcome {
		lim := DefaultLimits()
		lim.MaxBulkLen = 1 << 20
		cc := &chunkConn{chunks: [][]byte{in}}
		g := NewGuard(cc, func() Limits { return lim })
		rd := redcon.NewReader(g)
		var o outcome
		for {
			cmds, err := rd.ReadCommands()
			if err != nil {
				o.End = "eof"
				if e := g.ProtocolError(); e != "" {
					o.End = e
				}
				return o
			}
			for _, c := range cmds {
				o.Cmds = append(o.Cmds, clip(joinArgs(c.Args)))
				if string(c.Args[0]) == "CONFIG" {
					n, _ := strconv.ParseInt(string(c.Args[1]), 10, 64)
					lim.MaxBulkLen = n
				}
			}
		}
	}
	// "CONFIG n" stands for CONFIG SET proto-max-bulk-len n.
	big := bytes.Repeat([]byte{'v'}, 1500000)
	in := append([]byte("*2\r\n$6\r\nCONFIG\r\n$7\r\n2000000\r\n*2\r\n$4\r\nECHO\r\n$1500000\r\n"), big...)
	in = append(in, "\r\n"...)
	if o := run(in); len(o.Cmds) != 2 || o.End != "eof" {
		t.Errorf("raised limit: %v", o)
	}
	in = []byte("*2\r\n$6\r\nCONFIG\r\n$3\r\n100\r\n*2\r\n$4\r\nECHO\r\n$200\r\n")
	if o := run(in); len(o.Cmds) != 1 || o.End != "ERR "+msgInvalidBulk {
		t.Errorf("lowered limit: %v", o)
	}
}

func TestGuardProtocolErrorHook(t *testing.T) {
	var seen []string
	cc := &chunkConn{chunks: [][]byte{[]byte("PING\r\n*1\r\n$-5\r\n")}}
	g := NewGuard(cc, nil, OnProtocolError(func(r string) { seen = append(seen, r) }))
	if g.Unwrap() != cc {
		t.Fatal("Unwrap does not return the wrapped conn")
	}
	rd := redcon.NewReader(g)
	if cmds, err := rd.ReadCommands(); err != nil || len(cmds) != 1 {
		t.Fatalf("first batch: %v, %v", cmds, err)
	}
	if len(seen) != 0 || g.ProtocolError() != "" {
		t.Fatal("error reported before the commands ahead of it ran")
	}
	if _, err := rd.ReadCommands(); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want EOF", err)
	}
	want := "ERR " + msgInvalidBulk
	if len(seen) != 1 || seen[0] != want || g.ProtocolError() != want {
		t.Fatalf("hook saw %q, ProtocolError %q", seen, g.ProtocolError())
	}
	if cc.wrote.String() != "-"+want+"\r\n" {
		t.Fatalf("wire %q", cc.wrote.String())
	}
	// Nothing may follow the error on the wire.
	if n, err := g.Write([]byte("+OK\r\n")); n != 5 || err != nil || cc.wrote.Len() != len(want)+3 {
		t.Fatalf("write after the verdict reached the wire: %d %v %q", n, err, cc.wrote.String())
	}
}

// errConn returns its data together with an error, as a socket read may.
type errConn struct {
	chunkConn
	err error
}

func (c *errConn) Read(p []byte) (int, error) {
	n, err := c.chunkConn.Read(p)
	if err == io.EOF {
		return n, c.err
	}
	if len(c.chunks) == 0 || (len(c.chunks) == 1 && len(c.chunks[0]) == 0) {
		return n, c.err
	}
	return n, err
}

func TestGuardSocketErrorAfterData(t *testing.T) {
	for _, in := range []string{"*1\r\n$4\r\nPING\r\n", "PING\r\n", "*1\r\n$4\r\nPI"} {
		c := &errConn{chunkConn: chunkConn{chunks: [][]byte{[]byte(in)}}, err: syscall.ECONNRESET}
		g := NewGuard(c, nil)
		var got []byte
		buf := make([]byte, 512)
		var err error
		for err == nil {
			var n int
			n, err = g.Read(buf)
			got = append(got, buf[:n]...)
		}
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%q: error %v, want ECONNRESET", in, err)
		}
		// A partial payload is handed over as it comes.
		want := map[string]string{"PING\r\n": "*1\r\n$4\r\nPING\r\n"}[in]
		if want == "" {
			want = in
		}
		if string(got) != want {
			t.Errorf("%q: passed %q, want %q", in, got, want)
		}
	}
}

// TestGuardInputHook: OnInput sees every byte read from the socket, as
// read: inline commands, blank lines and empty multibulks included, though
// the guard rewrites or drops them.
func TestGuardInputHook(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
	}{
		{"inline", []string{"PING\r\n"}},
		{"blank lines", []string{"\r\n\r\n", "*1\r\n$4\r\nPING\r\n"}},
		{"empty multibulk", []string{"*0\r\n*-1\r\nPING a\n"}},
		{"split payload", []string{"*2\r\n$4\r\nEC", "HO\r\n$3\r\nabc\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := &chunkConn{}
			want := 0
			for _, c := range tt.chunks {
				cc.chunks = append(cc.chunks, []byte(c))
				want += len(c)
			}
			got := 0
			rd := redcon.NewReader(NewGuard(cc, nil, OnInput(func(n int) { got += n })))
			for {
				if _, err := rd.ReadCommands(); err != nil {
					break
				}
			}
			if got != want {
				t.Errorf("OnInput counted %d bytes, the socket gave %d", got, want)
			}
		})
	}
}
