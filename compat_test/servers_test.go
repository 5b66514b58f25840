package compat_test

import (
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

// Environment variables read by the suite:
//
//	RUNNEL_ADDR=host:port  use a runnel that is already running
//	COMPAT_SELF=1          compare redis-server with a second redis-server
//	COMPAT_FILES=a,b*      run only the case files whose base names match
//	COMPAT_NORMALIZE=rax   extra normalisations for every case
//	COMPAT_VERBOSE=1|2     log every command and the replies (2: one line each)
//	REDIS_SERVER=path      the redis-server binary (default: from PATH)
//	CI=true                a missing redis-server fails instead of skipping

func TestMain(m *testing.M) {
	code := m.Run()
	build.cleanup()
	os.Exit(code)
}

// outputLog collects a process's stdout and stderr, keeping the tail, and
// reports the first line matching a pattern.
type outputLog struct {
	mu      sync.Mutex
	buf     []byte
	partial []byte
	re      *regexp.Regexp
	found   chan string
	sent    bool
}

const outputTail = 64 << 10

func newOutputLog(re *regexp.Regexp) *outputLog {
	return &outputLog{re: re, found: make(chan string, 1)}
}

func (o *outputLog) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, p...)
	if len(o.buf) > outputTail {
		o.buf = append([]byte(nil), o.buf[len(o.buf)-outputTail:]...)
	}
	if o.re != nil && !o.sent {
		o.partial = append(o.partial, p...)
		for {
			i := bytes.IndexByte(o.partial, '\n')
			if i < 0 {
				break
			}
			line := o.partial[:i]
			o.partial = o.partial[i+1:]
			if m := o.re.FindSubmatch(line); m != nil {
				o.found <- string(m[1])
				o.sent = true
				o.partial = nil
				break
			}
		}
	}
	return len(p), nil
}

func (o *outputLog) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// process is a server the suite started.
type process struct {
	cmd    *exec.Cmd
	out    *outputLog
	exited chan struct{}
	err    error // Wait's result, set before exited is closed
}

func startProcess(name string, args []string, out *outputLog) (*process, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

func (p *process) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop ends the process by its pid: SIGTERM, then SIGKILL after 5s.
func (p *process) stop() {
	if !p.alive() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// server is one server under test: an address and, when the suite
// started it, its process.
type server struct {
	name string
	addr string
	proc *process
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// redisServerPath finds redis-server, skipping the test when it is missing
// (failing in CI, where it must be installed).
func redisServerPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is not installed, and CI=true: the differential suite cannot run (%v)", err)
		}
		t.Skipf("redis-server is not installed: skipping the differential suite (%v)", err)
	}
	return p
}

// startRedis starts a redis-server on a free loopback port with its own
// temporary directory; t.Cleanup stops it. A config file, when given, is
// read first, as redis-server reads a file named before its options.
func startRedis(t *testing.T, config ...string) *server {
	t.Helper()
	bin := redisServerPath(t)
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		out := newOutputLog(nil)
		args := append(append([]string{}, config...), "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no")
		p, err := startProcess(bin, args, out)
		if err != nil {
			t.Fatalf("starting redis-server: %v", err)
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err := waitPing(addr, p, 10*time.Second); err != nil {
			p.stop()
			lastErr = fmt.Errorf("%v; output:\n%s", err, out)
			continue
		}
		t.Cleanup(p.stop)
		return &server{name: "redis-server " + redisVersion(addr), addr: addr, proc: p}
	}
	t.Fatalf("redis-server did not start: %v", lastErr)
	return nil
}

func redisVersion(addr string) string {
	c, err := dial(addr)
	if err != nil {
		return "?"
	}
	defer c.close()
	v, err := c.do(3*time.Second, "INFO", "server")
	if err != nil {
		return "?"
	}
	if f := infoField(v, "redis_version", 2); f.Kind == kBulk {
		return strings.TrimSpace(f.Str)
	}
	return "?"
}

// waitPing waits until addr answers PING with PONG, or p exits.
func waitPing(addr string, p *process, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if p != nil && !p.alive() {
			return fmt.Errorf("server exited: %v", p.err)
		}
		c, err := dial(addr)
		if err == nil {
			v, err2 := c.do(2*time.Second, "PING")
			c.close()
			if err2 == nil && v.Kind == kSimple && v.Str == "PONG" {
				return nil
			}
			err = fmt.Errorf("PING gave %q, %v", v.bytes(), err2)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no PONG from %s within %v: %v", addr, limit, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runnelBuild builds the runnel binary once per test process.
type runnelBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

var build runnelBuild

// moduleRoot finds the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// runnelBinary returns the path of a runnel built from ./cmd/runnel of
// this module (with -race when the tests run with -race).
func runnelBinary() (string, error) {
	build.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			build.err = err
			return
		}
		if _, err := os.Stat(filepath.Join(root, "cmd", "runnel")); err != nil {
			build.err = fmt.Errorf("there is no ./cmd/runnel in %s yet", root)
			return
		}
		build.dir, err = os.MkdirTemp("", "runnel-compat-")
		if err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(build.dir, "runnel")
		args := []string{"build", "-o", build.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "./cmd/runnel")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build ./cmd/runnel: %v\n%s", err, out)
		}
	})
	return build.path, build.err
}

func (b *runnelBuild) cleanup() {
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

var listeningRE = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

// startRunnel starts the built runnel on a free port and learns its
// address from its output; t.Cleanup stops it and fails the test if the
// race detector reported anything. A config file, when given, is passed
// with --config.
func startRunnel(t *testing.T, config ...string) (*server, error) {
	t.Helper()
	bin, err := runnelBinary()
	if err != nil {
		return nil, err
	}
	out := newOutputLog(listeningRE)
	args := []string{"--port", "0", "--bind", "127.0.0.1", "--appendfsync", "no", "--dir", t.TempDir()}
	for _, c := range config {
		args = append(args, "--config", c)
	}
	p, err := startProcess(bin, args, out)
	if err != nil {
		return nil, err
	}
	var addr string
	select {
	case addr = <-out.found:
	case <-p.exited:
		return nil, fmt.Errorf("runnel exited before listening (%v); output:\n%s", p.err, out)
	case <-time.After(15 * time.Second):
		p.stop()
		return nil, fmt.Errorf("runnel printed no 'listening on 127.0.0.1:N' line within 15s; output:\n%s", out)
	}
	t.Cleanup(func() {
		p.stop()
		if strings.Contains(out.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector reported a data race in runnel; output:\n%s", tail(out.String(), 8000))
		}
	})
	if err := waitPing(addr, p, 5*time.Second); err != nil {
		return nil, fmt.Errorf("runnel at %s: %v; output:\n%s", addr, err, tail(out.String(), 4000))
	}
	return &server{name: "runnel", addr: addr, proc: p}, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
