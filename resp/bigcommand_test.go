package resp

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// startCountServer serves a handler that answers each command with its
// number of arguments and the sum of their lengths.
func startCountServer(t testing.TB) string {
	srv := NewServer(func(c redcon.Conn, cmd redcon.Command) {
		n := 0
		for _, a := range cmd.Args {
			n += len(a)
		}
		c.WriteString(fmt.Sprintf("%d/%d", len(cmd.Args), n))
	}, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(NewListener(ln, nil))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// bigCommand is a command of n arguments of varied lengths, and the
// reply startCountServer gives it.
func bigCommand(n int) ([]byte, string) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", n)
	total := 0
	for i := 0; i < n; i++ {
		a := strconv.Itoa(i) + "-1"
		if i%1000 == 7 {
			a = "" // the shortest argument, the bound parse waits on
		}
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		total += len(a)
	}
	return []byte(b.String()), fmt.Sprintf("+%d/%d\r\n", n, total)
}

// TestBigCommandInSmallPieces: a command of many arguments that arrives
// a little at a time, cut anywhere (inside a header, a payload or a CRLF),
// and a small command right behind it are each parsed whole. parse waits
// for a lower bound of the bytes still to come (minArg per argument)
// rather than parsing from the command's start at every read: the bound
// must never ask for more than the command has.
func TestBigCommandInSmallPieces(t *testing.T) {
	addr := startCountServer(t)
	for _, tc := range []struct{ n, piece int }{{1, 1}, {3, 1}, {50, 3}, {2000, 7}, {20000, 1000}} {
		cmd, want := bigCommand(tc.n)
		small, wantSmall := bigCommand(1)
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(nc)
		stream := append(append([]byte{}, cmd...), small...)
		for i := 0; i < len(stream); i += tc.piece {
			if _, err := nc.Write(stream[i:min(i+tc.piece, len(stream))]); err != nil {
				t.Fatal(err)
			}
			if tc.piece < 10 && i%97 == 0 {
				time.Sleep(time.Millisecond) // let the server read the pieces apart
			}
		}
		nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		for _, w := range []string{want, wantSmall} {
			got, err := r.ReadString('\n')
			if err != nil || got != w {
				t.Fatalf("%d arguments in pieces of %d: got %q (%v), want %q", tc.n, tc.piece, got, err, w)
			}
		}
		nc.Close()
	}
}

// BenchmarkBigCommand sends a command of 100,000 arguments in the pieces
// the socket makes of it: before parse waited for a lower bound of what
// was still to come, it parsed the command from its start at every read.
func BenchmarkBigCommand(b *testing.B) {
	addr := startCountServer(b)
	cmd, want := bigCommand(100000)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	r := bufio.NewReader(nc)
	b.SetBytes(int64(len(cmd)))
	for b.Loop() {
		if _, err := nc.Write(cmd); err != nil {
			b.Fatal(err)
		}
		if got, err := r.ReadString('\n'); err != nil || got != want {
			b.Fatalf("got %q (%v)", got, err)
		}
	}
}
