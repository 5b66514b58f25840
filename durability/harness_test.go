package durability

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// longMode is DURABILITY_LONG=1: more kill points and crash rounds.
var longMode = os.Getenv("DURABILITY_LONG") != ""

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// runnelBinary builds ./cmd/runnel once per test run.
func runnelBinary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "runnel-durability-")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "runnel")
		args := []string{"build", "-o", build.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "../cmd/runnel")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build ./cmd/runnel: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// output collects a process's stdout and stderr.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// proc is a server process a test started. It is always ended by its own
// pid (kill, term), and killed in t.Cleanup if still running.
type proc struct {
	t      testing.TB
	name   string
	cmd    *exec.Cmd
	out    *output
	addr   string
	exited chan struct{}
	state  *os.ProcessState
}

func startProc(t testing.TB, name, bin string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out := &output{}
	cmd.Stdout, cmd.Stderr = out, out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{t: t, name: name, cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		p.state = cmd.ProcessState
		close(p.exited)
	}()
	t.Cleanup(func() {
		if p.alive() {
			p.kill()
		}
		if raceEnabled && strings.Contains(p.out.String(), "WARNING: DATA RACE") {
			t.Errorf("%s reported a data race:\n%s", name, tail(p.out.String(), 8000))
		}
	})
	return p
}

func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// term sends SIGTERM and returns the exit status, failing the test if the
// process does not exit within d.
func (p *proc) term(d time.Duration) int {
	p.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait(d)
}

// wait returns the exit status once the process exits, failing the test
// (and killing it) after d.
func (p *proc) wait(d time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.state.ExitCode()
	case <-time.After(d):
		p.kill()
		p.t.Fatalf("%s did not exit within %v; output:\n%s", p.name, d, tail(p.out.String(), 4000))
		return -1
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

var listeningRE = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

// startRunnel starts runnel on dir with a free port and waits until it
// answers PING.
func startRunnel(t testing.TB, dir string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"--port", "0", "--bind", "127.0.0.1", "--dir", dir}, extra...)
	p := startProc(t, "runnel", runnelBinary(t), args...)
	deadline := time.Now().Add(60 * time.Second)
	for p.addr == "" {
		if m := listeningRE.FindStringSubmatch(p.out.String()); m != nil {
			p.addr = m[1]
			break
		}
		if !p.alive() {
			t.Fatalf("runnel exited (%v) before listening; output:\n%s", p.state, tail(p.out.String(), 4000))
		}
		if time.Now().After(deadline) {
			t.Fatalf("runnel printed no listening line; output:\n%s", tail(p.out.String(), 4000))
		}
		time.Sleep(5 * time.Millisecond)
	}
	waitPing(t, p)
	return p
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startRedis starts redis-server on dir (skipping the test when there is
// none), with extra configuration arguments.
func startRedis(t testing.TB, dir string, extra ...string) *proc {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not found")
		}
		t.Skip("redis-server not found")
	}
	port := freePort(t)
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--daemonize", "no", "--logfile", ""}, extra...)
	p := startProc(t, "redis-server", bin, args...)
	p.addr = "127.0.0.1:" + strconv.Itoa(port)
	waitPing(t, p)
	return p
}

func waitPing(t testing.TB, p *proc) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := dialAddr(p.addr)
		if err == nil {
			v, err := c.do("PING")
			c.close()
			if err == nil && v.str == "PONG" {
				return
			}
		}
		if !p.alive() {
			t.Fatalf("%s exited (%v); output:\n%s", p.name, p.state, tail(p.out.String(), 4000))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s at %s does not answer PING; output:\n%s", p.name, p.addr, tail(p.out.String(), 4000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// value is a parsed RESP2 reply.
type value struct {
	kind byte // '+', '-', ':', '$', '*'
	str  string
	num  int64
	arr  []value
	null bool
}

func (v value) String() string {
	switch v.kind {
	case '*':
		if v.null {
			return "(nil array)"
		}
		parts := make([]string, len(v.arr))
		for i, e := range v.arr {
			parts[i] = e.String()
		}
		return "[" + strings.Join(parts, " ") + "]"
	case ':':
		return strconv.FormatInt(v.num, 10)
	case '$':
		if v.null {
			return "(nil)"
		}
		return strconv.Quote(v.str)
	case '-':
		return "(error " + v.str + ")"
	}
	return v.str
}

func (v value) isErr() bool { return v.kind == '-' }

// conn is a minimal RESP2 client: it sends commands and parses replies.
type conn struct {
	nc net.Conn
	rd *bufio.Reader
	wb []byte
}

func dialAddr(addr string) (*conn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, rd: bufio.NewReaderSize(nc, 64<<10)}, nil
}

func dialT(t testing.TB, addr string) *conn {
	t.Helper()
	c, err := dialAddr(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c
}

func (c *conn) close() { c.nc.Close() }

// queue appends a command to the write buffer; flush sends the buffer.
func (c *conn) queue(args ...string) {
	c.wb = append(c.wb, '*')
	c.wb = strconv.AppendInt(c.wb, int64(len(args)), 10)
	c.wb = append(c.wb, '\r', '\n')
	for _, a := range args {
		c.wb = append(c.wb, '$')
		c.wb = strconv.AppendInt(c.wb, int64(len(a)), 10)
		c.wb = append(c.wb, '\r', '\n')
		c.wb = append(c.wb, a...)
		c.wb = append(c.wb, '\r', '\n')
	}
}

func (c *conn) flush() error {
	_, err := c.nc.Write(c.wb)
	c.wb = c.wb[:0]
	return err
}

// do sends one command and reads its reply.
func (c *conn) do(args ...string) (value, error) {
	c.queue(args...)
	if err := c.flush(); err != nil {
		return value{}, err
	}
	return c.read()
}

// doT is do that fails the test on a connection error (not on an error
// reply).
func (c *conn) doT(t testing.TB, args ...string) value {
	t.Helper()
	c.nc.SetDeadline(time.Now().Add(60 * time.Second))
	v, err := c.do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

var errProtocol = errors.New("protocol error")

// read parses one whole reply; an error means the connection failed before
// the reply was complete, and nothing of it may be counted.
func (c *conn) read() (value, error) {
	line, err := c.rd.ReadString('\n')
	if err != nil {
		return value{}, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return value{}, fmt.Errorf("%w: line %q", errProtocol, line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+', '-':
		return value{kind: kind, str: body}, nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return value{}, fmt.Errorf("%w: integer %q", errProtocol, body)
		}
		return value{kind: kind, num: n}, nil
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return value{}, fmt.Errorf("%w: bulk length %q", errProtocol, body)
		}
		if n < 0 {
			return value{kind: kind, null: true}, nil
		}
		buf := make([]byte, n+2)
		if _, err := readFull(c.rd, buf); err != nil {
			return value{}, err
		}
		return value{kind: kind, str: string(buf[:n])}, nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return value{}, fmt.Errorf("%w: array length %q", errProtocol, body)
		}
		if n < 0 {
			return value{kind: kind, null: true}, nil
		}
		v := value{kind: kind, arr: make([]value, 0, n)}
		for i := 0; i < n; i++ {
			e, err := c.read()
			if err != nil {
				return value{}, err
			}
			v.arr = append(v.arr, e)
		}
		return v, nil
	}
	return value{}, fmt.Errorf("%w: type %q", errProtocol, kind)
}

func readFull(rd *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := rd.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// field returns the value after name in a flat name/value array (XINFO).
func field(v value, name string) (value, bool) {
	for i := 0; i+1 < len(v.arr); i += 2 {
		if v.arr[i].str == name {
			return v.arr[i+1], true
		}
	}
	return value{}, false
}

// entries turns an XRANGE reply into (id, fields) pairs.
func entries(v value) ([]entry, error) {
	if v.kind != '*' {
		return nil, fmt.Errorf("not an array: %v", v)
	}
	out := make([]entry, 0, len(v.arr))
	for _, e := range v.arr {
		if len(e.arr) != 2 || e.arr[0].kind != '$' {
			return nil, fmt.Errorf("not an entry: %v", e)
		}
		var f []string
		for _, x := range e.arr[1].arr {
			f = append(f, x.str)
		}
		out = append(out, entry{id: e.arr[0].str, fields: strings.Join(f, "\x00")})
	}
	return out, nil
}

// entry is a stream entry with its fields joined by NUL.
type entry struct {
	id     string
	fields string
}
