package resp

import (
	"bytes"
	"io"
	"testing"

	"github.com/tidwall/redcon"
)

// streamConn replays a byte stream in reads of at most 16 KB, like a socket
// under a pipelining client.
type streamConn struct {
	chunkConn
	r bytes.Reader
}

func (c *streamConn) Read(p []byte) (int, error) {
	if len(p) > 16<<10 {
		p = p[:16<<10]
	}
	return c.r.Read(p)
}

func benchStream(b *testing.B, stream []byte, guarded bool) {
	c := &streamConn{}
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.r.Reset(stream)
		var src io.Reader = c
		if guarded {
			src = NewGuard(c, nil)
		}
		rd := redcon.NewReader(src)
		for {
			if _, err := rd.ReadCommands(); err != nil {
				break
			}
		}
	}
}

// benchServerLoop runs Server's connection loop, behind a guard, over the
// stream with a handler that does nothing.
func benchServerLoop(b *testing.B, stream []byte) {
	c := &streamConn{}
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.r.Reset(stream)
		_ = newConn(NewGuard(c, nil)).loop(func(redcon.Conn, redcon.Command) {})
	}
}

// BenchmarkReader compares redcon's reader alone, redcon's reader behind a
// guard and Server's connection loop behind a guard, on the same streams.
func BenchmarkReader(b *testing.B) {
	xadd := bytes.Repeat([]byte("*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n"), 20000)
	big := append([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4194304\r\n"), bytes.Repeat([]byte{'x'}, 4<<20)...)
	big = append(big, "\r\n"...)
	inline := bytes.Repeat([]byte("XADD s * f v\r\n"), 20000)
	for _, s := range []struct {
		name   string
		stream []byte
	}{{"xadd-pipeline", xadd}, {"4MB-bulk", big}, {"inline-pipeline", inline}} {
		b.Run(s.name+"/redcon", func(b *testing.B) { benchStream(b, s.stream, false) })
		b.Run(s.name+"/guard+redcon", func(b *testing.B) { benchStream(b, s.stream, true) })
		b.Run(s.name+"/guard+server", func(b *testing.B) { benchServerLoop(b, s.stream) })
	}
}

// BenchmarkGuardRead measures the guard alone: reading a pipelined stream
// through it into a 16 KB buffer, against reading the same stream directly.
func BenchmarkGuardRead(b *testing.B) {
	xadd := bytes.Repeat([]byte("*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n"), 20000)
	for _, guarded := range []bool{false, true} {
		name := "direct"
		if guarded {
			name = "guard"
		}
		b.Run(name, func(b *testing.B) {
			c := &streamConn{}
			buf := make([]byte, 16<<10)
			b.SetBytes(int64(len(xadd)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.r.Reset(xadd)
				var src io.Reader = c
				if guarded {
					src = NewGuard(c, nil)
				}
				for {
					if _, err := src.Read(buf); err != nil {
						break
					}
				}
			}
		})
	}
}
