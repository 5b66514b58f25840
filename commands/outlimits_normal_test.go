package commands

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNormalOutputLimit: with client-output-buffer-limit's normal class
// set, a connection whose unsent replies pass the hard limit is closed, as
// Redis closes it (a tester's 10 MB XRANGE under "normal 1mb 512kb 0" was
// sent whole); CLIENT LIST's omem and INFO's
// client_recent_max_output_buffer show unsent replies; other clients go
// on, and the disconnection is counted.
func TestNormalOutputLimit(t *testing.T) {
	_, addr := startServer(t)
	admin := dialRaw(t, addr)
	big := strings.Repeat("x", 1<<20)
	for i := 1; i <= 4; i++ {
		if got := admin.do("XADD", "s", strconv.Itoa(i)+"-0", "f", big); !strings.HasPrefix(got, "$") {
			t.Fatalf("XADD = %q", got)
		}
	}
	// A reader that reads nothing: its replies pile up unsent.
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if tc, ok := slow.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096)
	}
	var pipe []byte
	for range 20 {
		pipe = append(pipe, encodeCmd("XRANGE", "s", "-", "+")...)
	}
	if _, err := slow.Write(pipe); err != nil {
		t.Fatal(err)
	}
	omem := func() int64 {
		list := admin.do("CLIENT", "LIST")
		var most int64
		for _, f := range strings.Fields(list) {
			if v, ok := strings.CutPrefix(f, "omem="); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				most = max(most, n)
			}
		}
		return most
	}
	waitFor(t, "unsent replies to show in CLIENT LIST omem", func() bool { return omem() > 1<<20 })
	info := admin.do("INFO", "clients")
	if !strings.Contains(info, "client_recent_max_output_buffer:") || strings.Contains(info, "client_recent_max_output_buffer:0\r\n") {
		t.Errorf("INFO clients with a slow reader: %q", info)
	}
	slow.Close()
	deadline := time.Now().Add(20 * time.Second)
	for omem() >= 1<<20 && time.Now().Before(deadline) { // the race detector makes 20 replies of 4 MB slow
		time.Sleep(10 * time.Millisecond)
	}
	if n := omem(); n >= 1<<20 {
		t.Fatalf("omem %d 20 s after the slow client closed", n)
	}

	if got := admin.do("CONFIG", "SET", "client-output-buffer-limit", "normal 2mb 1mb 0"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET = %q", got)
	}
	slow2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow2.Close()
	if _, err := slow2.Write(pipe); err != nil {
		t.Fatal(err)
	}
	// The server closes it: reading ends (after whatever was sent) with
	// EOF or a reset well before 20 replies of 4 MB arrive.
	slow2.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, rerr := bufio.NewReader(slow2).WriteTo(discard{})
	if rerr != nil && !strings.Contains(rerr.Error(), "reset") {
		t.Fatalf("reading from the closed client: %v after %d bytes", rerr, n)
	}
	if n >= 20<<22 {
		t.Errorf("the client got %d bytes: every reply, not closed", n)
	}
	if got := admin.do("PING"); got != "+PONG\r\n" {
		t.Errorf("PING from another client = %q", got)
	}
	if info := admin.do("INFO", "stats"); !strings.Contains(info, "client_output_buffer_limit_disconnections:1\r\n") {
		t.Errorf("INFO stats does not count the disconnection: %q", info)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
