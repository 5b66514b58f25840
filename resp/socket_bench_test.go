package resp

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/tidwall/redcon"
)

// BenchmarkSocketReplies measures a connection's reply path over loopback:
// one client pipelines depth commands and reads the replies (of size
// bytes each) before it sends the next pipeline; ns/op is per command.
// The server's handler writes the reply and nothing else, so what is left
// is the guard, the loop, the flush and the socket.
func BenchmarkSocketReplies(b *testing.B) {
	for _, tc := range []struct{ depth, size int }{{1, 5}, {16, 5}, {16, 1000}, {1, 100 << 10}} {
		b.Run("P"+strconv.Itoa(tc.depth)+"/"+strconv.Itoa(tc.size)+"B", func(b *testing.B) {
			reply := redcon.AppendBulk(nil, bytes.Repeat([]byte{'x'}, tc.size))
			srv := NewServer(func(c redcon.Conn, cmd redcon.Command) { c.WriteRaw(reply) }, nil, nil)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			go srv.Serve(NewListener(ln, nil))
			defer srv.Close()
			nc, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer nc.Close()
			pipe := bytes.Repeat(encode("get", "k"), tc.depth)
			r := bufio.NewReaderSize(nc, 256<<10)
			want := int64(len(reply) * tc.depth)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += tc.depth {
				if _, err := nc.Write(pipe); err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyN(io.Discard, r, want); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
