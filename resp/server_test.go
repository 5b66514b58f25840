package resp

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// miniHandler answers the few commands the protocol tests send the way
// Redis 7.0 answers them, so that the guard-side server's raw replies can
// be compared with redis-server's.
func miniHandler(requirepass string) func(redcon.Conn, redcon.Command) {
	return func(c redcon.Conn, cmd redcon.Command) {
		g := c.NetConn().(*Guard)
		name := strings.ToLower(string(cmd.Args[0]))
		arity := map[string]int{"ping": -1, "echo": 2, "auth": -2, "multi": 1, "quit": -1}
		a, known := arity[name]
		switch {
		case !known:
			c.WriteError(unknownCommand(cmd.Args))
			return
		case (a > 0 && len(cmd.Args) != a) || (a < 0 && len(cmd.Args) < -a):
			c.WriteError("ERR wrong number of arguments for '" + name + "' command")
			return
		case name != "auth" && name != "quit" && !g.Authenticated():
			c.WriteError("NOAUTH Authentication required.")
			return
		}
		switch name {
		case "ping":
			if len(cmd.Args) > 1 {
				c.WriteBulk(cmd.Args[1])
			} else {
				c.WriteString("PONG")
			}
		case "echo":
			c.WriteBulk(cmd.Args[1])
		case "multi":
			c.WriteString("OK")
		case "quit":
			c.WriteString("OK")
			_ = c.Close()
		case "auth":
			if string(cmd.Args[len(cmd.Args)-1]) == requirepass {
				g.SetAuthenticated(true)
				c.WriteString("OK")
			} else {
				c.WriteError("WRONGPASS invalid username-password pair or user is disabled.")
			}
		}
	}
}

// unknownCommand words Redis 7.0's reply to an unknown command.
func unknownCommand(args [][]byte) string {
	cstr := func(b []byte, n int) string {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
		if len(b) > n {
			b = b[:n]
		}
		return string(b)
	}
	var list strings.Builder
	for _, a := range args[1:] {
		if list.Len() >= 128 {
			break
		}
		list.WriteString("'" + cstr(a, 128-list.Len()) + "' ")
	}
	s := "ERR unknown command '" + cstr(args[0], 128) + "', with args beginning with: " + list.String()
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// serveFunc serves handler on a guarded listener until the listener closes:
// through redcon's server or through this package's Server.
type serveFunc func(ln net.Listener, handler func(redcon.Conn, redcon.Command)) error

// servers are the two connection loops the guard is tested under.
var servers = []struct {
	name  string
	serve serveFunc
}{
	{"redcon", func(ln net.Listener, h func(redcon.Conn, redcon.Command)) error {
		return redcon.Serve(ln, h, nil, nil)
	}},
	{"server", func(ln net.Listener, h func(redcon.Conn, redcon.Command)) error {
		return NewServer(h, nil, nil).Serve(ln)
	}},
}

// startGuardServerWith serves miniHandler through the given connection loop
// on a guarded loopback listener and returns its address.
func startGuardServerWith(t testing.TB, requirepass string, serve serveFunc) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.AuthRequired = requirepass != ""
	gl := NewListener(ln, func() Limits { return lim })
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = serve(gl, miniHandler(requirepass))
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String()
}

// startRedis starts a redis-server of our own on a free loopback port and
// returns its address. It skips the test when redis-server is missing,
// unless CI=true, where the differential tests must run.
func startRedis(t testing.TB, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is required in CI: %v", err)
		}
		t.Skip("redis-server not installed")
	}
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", t.TempDir(), "--daemonize", "no",
			"--logfile", ""}, args...)
		cmd := exec.Command(bin, all...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		addr := "127.0.0.1:" + strconv.Itoa(port)
		if waitListening(addr, exited) {
			t.Cleanup(func() {
				_ = cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(5 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
				}
			})
			return addr
		}
		_ = cmd.Process.Kill()
		<-exited
		if attempt == 3 {
			t.Fatalf("redis-server did not start")
		}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitListening(addr string, exited <-chan struct{}) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// exchange sends in over a fresh connection and reads until the server
// closes, or stays quiet for idle. It reports the bytes received and how
// the connection ended: "open", "eof" or "reset".
func exchange(t testing.TB, addr string, in []byte, idle time.Duration) ([]byte, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = c.Write(in) // the server may close before reading it all
	}()
	defer wg.Wait()
	var got []byte
	buf := make([]byte, 64<<10)
	for {
		_ = c.SetReadDeadline(time.Now().Add(idle))
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		var ne net.Error
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF):
			return got, "eof"
		case errors.As(err, &ne) && ne.Timeout():
			return got, "open"
		case errors.Is(err, syscall.ECONNRESET):
			return got, "reset"
		default:
			t.Fatalf("read: %v", err)
		}
	}
}
