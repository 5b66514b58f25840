package resp

import (
	"net"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// TestReleasedBuffers: a client that asks for a large reply and leaves
// without reading it, and one that sends a large command, leave their
// buffers to the collector; ReleasedBuffers counts them so that the
// memory tuner knows the garbage is there.
func TestReleasedBuffers(t *testing.T) {
	const big = 8 << 20
	payload := make([]byte, big)
	srv := NewServer(func(c redcon.Conn, cmd redcon.Command) {
		if string(cmd.Args[0]) == "big" {
			c.WriteBulk(payload)
			return
		}
		c.WriteString("OK")
	}, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(NewListener(ln, nil))
	defer srv.Close()

	for _, tc := range []struct {
		name string
		send []byte
	}{
		{"unread reply", encode("big")},
		{"large command", encode("set", string(make([]byte, big)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ReleasedBuffers()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Write(tc.send); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // the command runs
			c.Close()
			deadline := time.Now().Add(5 * time.Second)
			for ReleasedBuffers()-before < big {
				if time.Now().After(deadline) {
					t.Fatalf("ReleasedBuffers grew by %d after a connection with an %d-byte buffer ended, want at least that", ReleasedBuffers()-before, big)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// TestWriterRelease: Release keeps a small buffer for reuse and lets go of
// a large one, counting it.
func TestWriterRelease(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		dropped bool
	}{
		{"small", 100, false},
		{"at the limit", maxKeptOutput, false},
		{"large", maxKeptOutput + 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w Writer
			w.B = append(make([]byte, 0, tc.size), "x"...)
			before := ReleasedBuffers()
			w.Release()
			grew := ReleasedBuffers() - before
			switch {
			case w.Len() != 0:
				t.Fatalf("Len after Release = %d", w.Len())
			case tc.dropped && (w.B != nil || grew < uint64(tc.size)):
				t.Fatalf("a %d-byte buffer: kept %d, counted %d", tc.size, cap(w.B), grew)
			case !tc.dropped && (cap(w.B) != tc.size || grew != 0):
				t.Fatalf("a %d-byte buffer: kept %d, counted %d", tc.size, cap(w.B), grew)
			}
		})
	}
}
