package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOSFDs: the real descriptor count follows the files opened, and the
// limit reads.
func TestOSFDs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("descriptor counting is checked on Linux")
	}
	var sys osFDs
	soft, hard, err := sys.limit()
	if err != nil || soft == 0 || soft > hard {
		t.Fatalf("limit() = %d, %d, %v", soft, hard, err)
	}
	before := sys.open()
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if after := sys.open(); before < 3 || after != before+1 {
		t.Fatalf("open() = %d before opening a file and %d after, want n >= 3 and n+1", before, after)
	}
}

// TestBurstOverTheDescriptorLimit runs the binary under ulimit -n 64 (as a
// tester did: 190 of 300 clients got no reply at all, and after the burst
// the server never accepted again). Now maxclients is lowered at start-up
// with a warning, every client of a burst of 150 gets either PONG or the
// max-clients error, and a client after the burst is served.
func TestBurstOverTheDescriptorLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs a shell's ulimit -n")
	}
	bin := buildRunnel(t)
	cmd := exec.Command("/bin/sh", "-c", `ulimit -n 64 && exec "$0" --port 0 --dir "$1"`, bin, t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("start line %q; log:\n%s", line, stderr.String())
	}
	addr := m[1]
	// The warning is logged before the start line is printed, but stderr
	// reaches the buffer through its own pipe and copier: wait for it.
	const warning = "but the limit (ulimit -n) is 64, hard limit 64: maxclients reduced to"
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(stderr.String(), warning) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), warning) {
		t.Errorf("no warning that maxclients was lowered; log:\n%s", stderr.String())
	}

	const burst = 150
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range burst {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// One deadline for the whole burst: a client never accepted waits for
	// it, and they must not wait one after the other.
	end := time.Now().Add(10 * time.Second)
	replies := map[string]int{}
	for _, c := range conns {
		c.SetDeadline(end)
		c.Write([]byte("*1\r\n$4\r\nPING\r\n")) // a refused client may be closed already
		got, err := bufio.NewReader(c).ReadString('\n')
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			got = "no reply within 10 s"
		case err != nil && err != io.EOF:
			got = "read error"
		}
		replies[got]++
	}
	pong, refused := replies["+PONG\r\n"], replies["-ERR max number of clients reached\r\n"]
	if pong == 0 || refused == 0 || pong+refused != burst {
		t.Fatalf("replies to a burst of %d: %v; want PONG or the max-clients error for each", burst, replies)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil

	// After the burst a new client is served (the connections just closed
	// may take a moment to leave the client table).
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := ping(addr)
		if got == "+PONG\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PING after the burst: %q, %v; log:\n%s", got, err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ping(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine exec starts.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
