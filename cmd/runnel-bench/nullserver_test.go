package main

import (
	"bufio"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestNullFrame(t *testing.T) {
	xadd := "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n"
	cases := []struct {
		name, in string
		used     int
		reply    string
		err      bool
	}{
		{"empty", "", 0, "", false},
		{"one", xadd, len(xadd), string(nullReply), false},
		{"two and a part", xadd + xadd + xadd[:9], 2 * len(xadd), string(nullReply) + string(nullReply), false},
		{"header only", "*5\r", 0, "", false},
		{"payload cut", "*1\r\n$4\r\nPIN", 0, "", false},
		{"ping", "*1\r\n$4\r\nping\r\n", 14, string(nullPong), false},
		{"config", "*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nsave\r\n", 35, string(nullEmpty), false},
		{"inline", "PING\r\n", 0, "", true},
		{"bad bulk", "*1\r\n:4\r\n", 0, "", true},
	}
	for _, c := range cases {
		used, reply, err := nullFrame([]byte(c.in), nil)
		if used != c.used || string(reply) != c.reply || (err != nil) != c.err {
			t.Errorf("%s: nullFrame = %d, %q, %v; want %d, %q, error %v", c.name, used, reply, err, c.used, c.reply, c.err)
		}
	}
}

// TestNullServerLoops checks both connection models answer pipelined
// commands that arrive split at every byte, and a second client at once.
func TestNullServerLoops(t *testing.T) {
	loops := map[string]func(net.Listener) error{"goroutines": serveGoroutines}
	if runtime.GOOS == "linux" {
		loops["epoll"] = serveEpoll
	}
	for name, serve := range loops {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go serve(ln)
			cmds := "*1\r\n$4\r\nPING\r\n" + strings.Repeat("*3\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n", 3)
			want := string(nullPong) + strings.Repeat(string(nullReply), 3)
			for range 2 {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(10 * time.Second))
				for i := range len(cmds) {
					if _, err := c.Write([]byte{cmds[i]}); err != nil {
						t.Fatal(err)
					}
				}
				got := make([]byte, len(want))
				if _, err := io.ReadFull(bufio.NewReader(c), got); err != nil {
					t.Fatal(err)
				}
				if string(got) != want {
					t.Fatalf("replies %q, want %q", got, want)
				}
				c.Close()
			}
		})
	}
}
