package libtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests in this file run client libraries of other languages (ioredis
// in node/, redis-py in python/) against the real runnel binary and against
// a real redis-server. Each script checks concrete replies itself and
// prints one JSON line per step; the test requires every step to pass on
// redis-server (so the script's expectations are Redis's), and runnel's
// steps to pass and to match redis-server's step by step.
//
// Locally a missing node, node_modules, redis-py or redis-server skips the
// test with the command that installs it; with CI=true it fails instead.

// knownDifferences lists the steps, as "<client>/<mode>/<step>", where
// runnel is known to answer differently from redis-server, each with the
// command and both replies. Such a step is reported but does not fail the
// test; a listed step that no longer differs fails it, so the list stays
// true. None is known today.
var knownDifferences = map[string]string{}

// TestIORedis runs node/stream_queue.js through ioredis with RESP2, RESP3
// in ioredis's default "legacy" reply mapping, and RESP3 with maps as
// objects.
func TestIORedis(t *testing.T) {
	node := need(t, "node", "the node binary", "apt-get install nodejs npm")
	if _, err := os.Stat(filepath.Join("node", "node_modules", "ioredis", "package.json")); err != nil {
		missing(t, "ioredis is not installed (run `npm ci` in libtest/node)")
	}
	rn, rs := startBoth(t)
	for _, mode := range []struct{ name, proto, mapping string }{
		{"resp2", "2", ""},
		{"resp3", "3", "legacy"},
		{"resp3-maps", "3", "resp3"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			args := []string{"stream_queue.js", "", mode.proto}
			if mode.mapping != "" {
				args = append(args, mode.mapping)
			}
			compareRuns(t, "ioredis/"+mode.name, rs, rn, func(port int) *exec.Cmd {
				args[1] = strconv.Itoa(port)
				cmd := exec.Command(node, args...)
				cmd.Dir = "node"
				return cmd
			})
		})
	}
}

// TestRedisPy runs python/stream_queue.py through redis-py (RESP2: the
// version Debian packages, 4.3, has no RESP3).
func TestRedisPy(t *testing.T) {
	py := pythonWithRedis(t)
	rn, rs := startBoth(t)
	compareRuns(t, "redis-py/resp2", rs, rn, func(port int) *exec.Cmd {
		cmd := exec.Command(py, "stream_queue.py", strconv.Itoa(port))
		cmd.Dir = "python"
		return cmd
	})
}

// step is one line a client script prints.
type step struct {
	Step      string          `json:"step"`
	Got       json.RawMessage `json:"got"`
	Want      json.RawMessage `json:"want"`
	OK        bool            `json:"ok"`
	Versioned bool            `json:"versioned"`
}

// compareRuns runs the script script(port) against redis-server (port rs)
// and runnel (port rn) and compares their steps.
func compareRuns(t *testing.T, name string, rs, rn int, script func(port int) *exec.Cmd) {
	t.Helper()
	want := runScript(t, "redis-server", script(rs))
	got := runScript(t, "runnel", script(rn))
	if len(want) == 0 {
		t.Fatal("the script printed no steps")
	}
	for _, s := range want {
		if !s.OK {
			t.Errorf("%s: redis-server does not give the script's expected reply (the script is wrong):\n got  %s\n want %s", s.Step, s.Got, s.Want)
		}
	}
	byName := map[string]step{}
	for _, s := range got {
		byName[s.Step] = s
	}
	for _, w := range want {
		key := name + "/" + w.Step
		g, ok := byName[w.Step]
		var diff string
		switch {
		case !ok:
			diff = "step missing from runnel's run"
		case !g.OK:
			diff = fmt.Sprintf("runnel: %s\n want:   %s", g.Got, g.Want)
		case !w.Versioned && !bytes.Equal(compact(g.Got), compact(w.Got)):
			diff = fmt.Sprintf("runnel:       %s\n redis-server: %s", g.Got, w.Got)
		}
		known, isKnown := knownDifferences[key]
		switch {
		case diff != "" && isKnown:
			t.Logf("known difference %s (%s):\n %s", key, known, diff)
		case diff != "":
			t.Errorf("%s differs:\n %s", key, diff)
		case isKnown:
			t.Errorf("%s is listed in knownDifferences but now matches redis-server: remove it", key)
		}
	}
	if len(got) != len(want) {
		t.Errorf("runnel's run printed %d steps, redis-server's %d", len(got), len(want))
	}
}

func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// runScript runs cmd and parses its JSON lines; a script that fails (exit
// status other than 0: an exception, not a failed check) fails the test.
func runScript(t *testing.T, server string, cmd *exec.Cmd) []step {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s against %s: %v\n%s\n%s", strings.Join(cmd.Args, " "), server, err, stderr.String(), stdout.String())
	}
	var steps []step
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s step
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("%s against %s printed %q: %v", cmd.Args[0], server, sc.Text(), err)
		}
		steps = append(steps, s)
	}
	return steps
}

// inCI is true in CI (.ci/run sets CI=true), where a missing tool is a
// failure rather than a reason to skip.
var inCI = os.Getenv("CI") == "true"

// missing skips the test, or fails it in CI.
func missing(t *testing.T, why string) {
	t.Helper()
	if inCI {
		t.Fatalf("%s (CI=true: the test must run; scripts/test installs it)", why)
	}
	t.Skipf("skipped: %s; ./scripts/test installs it", why)
}

// need returns the path of the executable name, or skips (fails in CI).
func need(t *testing.T, name, what, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, fmt.Sprintf("%s is missing (%s)", what, install))
	}
	return p
}

// pythonWithRedis finds a python3 that can import redis-py: Debian's
// package serves the system interpreter, which need not be the first
// python3 on PATH.
func pythonWithRedis(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, c := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		tried = append(tried, p)
		if exec.Command(p, "-c", "import redis").Run() == nil {
			return p
		}
	}
	missing(t, fmt.Sprintf("no python3 imports redis (tried %v; apt-get install python3-redis)", tried))
	return ""
}

// startBoth starts the runnel binary and a redis-server, each on its own
// free port with its own empty directory, and returns their ports.
func startBoth(t *testing.T) (runnelPort, redisPort int) {
	t.Helper()
	redisBin := need(t, "redis-server", "redis-server", "apt-get install redis-server")
	bin := runnelBinary(t)

	rn := startProc(t, "runnel", bin, "--port", "0", "--dir", t.TempDir())
	// The binary prints "runnel <version> listening on <host:port>".
	line, err := rn.waitLine("listening on ", 30*time.Second)
	if err != nil {
		t.Fatalf("runnel did not start: %v\n%s", err, rn.out.String())
	}
	_, portText, err := net.SplitHostPort(line[strings.LastIndex(line, " ")+1:])
	if err != nil {
		t.Fatalf("runnel's listening line %q: %v", line, err)
	}
	runnelPort, _ = strconv.Atoi(portText)

	redisPort = freePort(t)
	rs := startProc(t, "redis-server", redisBin, "--port", strconv.Itoa(redisPort), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir(), "--daemonize", "no")
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(redisPort)))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start: %v\n%s", err, rs.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return runnelPort, redisPort
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

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

// runnelBinary builds ../cmd/runnel once per test run, with the race
// detector when the tests have it.
func runnelBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "runnel-libtest-")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "runnel")
		args := []string{"build", "-o", build.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "../cmd/runnel")...).CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build ../cmd/runnel: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// proc is a server process a test started; t.Cleanup stops it by its pid
// (SIGTERM, then SIGKILL after 5s) and fails the test if it reported a
// data race.
type proc struct {
	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan struct{}
}

func startProc(t *testing.T, name, bin string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-p.exited
			t.Errorf("%s did not exit on SIGTERM within 5s", name)
		}
		if strings.Contains(out.String(), "WARNING: DATA RACE") {
			t.Errorf("%s reported a data race:\n%s", name, out.String())
		}
	})
	return p
}

// waitLine waits for a line of output containing s and returns it.
func (p *proc) waitLine(s string, d time.Duration) (string, error) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(p.out.String(), "\n") {
			if strings.Contains(line, s) {
				return line, nil
			}
		}
		select {
		case <-p.exited:
			return "", fmt.Errorf("exited: %v", p.cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("no %q line after %v", s, d)
}

// lockedBuffer is a bytes.Buffer safe for a process's writes and the
// test's reads at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
