package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildOut  []byte
	buildDir  string
)

// buildRunnel compiles the server binary once per test run into a
// temporary directory that TestMain removes.
func buildRunnel(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "runnel-bin-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "runnel")
		buildOut, buildErr = exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// startRunnel runs the binary with args and returns its port once it
// prints its "listening on" line.
func startRunnel(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--port", "0", "--dir", t.TempDir()}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		m := regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+)$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("unexpected first line %q", line)
		}
		return m[1]
	case <-time.After(10 * time.Second):
		t.Fatal("runnel did not start")
	}
	return ""
}

func redisCLI(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("redis-cli")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-cli is required in CI")
		}
		t.Skip("redis-cli not installed")
	}
	return p
}

// TestRedisCLISession runs redis-cli against the real binary, as a person
// would, and compares its output line for line.
func TestRedisCLISession(t *testing.T) {
	cli := redisCLI(t)
	bin := buildRunnel(t)
	port := startRunnel(t, bin)
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, append([]string{"-p", port}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	session := "PING\nECHO hello\nDBSIZE\nEXISTS nokey\nTTL nokey\nTYPE nokey\nSELECT 3\nSELECT 99\n" +
		"CLIENT SETNAME cli\nCLIENT GETNAME\nCONFIG GET maxclients\nCONFIG SET nosuch 1\nKEYS *\nSCAN 0\n" +
		"RENAME a b\nEXPIRE a x\nFLUSHALL\nNOSUCH arg\n"
	want := "PONG\n\"hello\"\n(integer) 0\n(integer) 0\n(integer) -2\nnone\nOK\n(error) ERR DB index is out of range\n" +
		"OK\n\"cli\"\n1) \"maxclients\"\n2) \"10000\"\n(error) ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\n(empty array)\n1) \"0\"\n2) (empty array)\n" +
		"(error) ERR no such key\n(error) ERR value is not an integer or out of range\nOK\n(error) ERR unknown command 'NOSUCH', with args beginning with: 'arg' \n"
	if got := run(session, "--no-raw"); got != want {
		t.Errorf("redis-cli session:\n got %q\nwant %q", got, want)
	}
	// RESP3 through redis-cli -3: HELLO's map and a null.
	got := run("HELLO 3\nCLIENT GETNAME\n", "-3", "--no-raw")
	if !strings.Contains(got, "1# \"server\" => \"redis\"") || !strings.Contains(got, "2# \"version\" => \"7.4.1\"") ||
		!strings.HasSuffix(got, "(nil)\n") {
		t.Errorf("redis-cli -3:\n%s", got)
	}
	info := run("", "INFO", "server")
	if !strings.Contains(info, "redis_version:7.4.1") || !strings.Contains(info, "tcp_port:"+port) {
		t.Errorf("INFO server via redis-cli:\n%s", info)
	}
	if n := run("", "COMMAND", "COUNT"); !regexp.MustCompile(`^\d+\n$`).MatchString(n) {
		t.Errorf("COMMAND COUNT: %q", n)
	}
	if docs := run("", "--no-raw", "COMMAND", "DOCS", "ttl"); !strings.Contains(docs, "\"summary\"") {
		t.Errorf("COMMAND DOCS ttl:\n%s", docs)
	}
}

// TestConfigFileAndFlags checks that --config applies a redis.conf-style
// file, that flags override it, and that a bad directive stops start-up.
func TestConfigFileAndFlags(t *testing.T) {
	cli := redisCLI(t)
	bin := buildRunnel(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "runnel.conf")
	os.WriteFile(conf, []byte("# test\nrequirepass fromfile\nmaxclients 77\nappendfsync no\n"), 0o600)
	port := startRunnel(t, bin, "--config", conf, "--appendfsync", "everysec")
	out, _ := exec.Command(cli, "-p", port, "--no-auth-warning", "-a", "fromfile", "CONFIG", "GET", "maxclients").CombinedOutput()
	if string(out) != "maxclients\n77\n" {
		t.Errorf("CONFIG GET maxclients: %q", out)
	}
	out, _ = exec.Command(cli, "-p", port, "--no-auth-warning", "-a", "fromfile", "CONFIG", "GET", "appendfsync").CombinedOutput()
	if string(out) != "appendfsync\neverysec\n" {
		t.Errorf("flag did not override the file: %q", out)
	}
	out, _ = exec.Command(cli, "-p", port, "PING").CombinedOutput()
	if !strings.Contains(string(out), "NOAUTH") {
		t.Errorf("PING without auth: %q", out)
	}

	os.WriteFile(conf, []byte("maxclients 10\nnosuchoption yes\n"), 0o600)
	cmd := exec.Command(bin, "--port", "0", "--config", conf)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "line 2: 'nosuchoption yes': Bad directive") {
		t.Errorf("bad config file: %v %q", err, out)
	}
	out, err = exec.Command(bin, "--nosuchflag").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "nosuchflag") {
		t.Errorf("unknown flag: %v %q", err, out)
	}
}

// TestShutdown checks that SHUTDOWN stops the process cleanly and that
// SHUTDOWN ABORT and bad options are refused.
func TestShutdown(t *testing.T) {
	cli := redisCLI(t)
	bin := buildRunnel(t)
	cmd := exec.Command(bin, "--port", "0", "--dir", t.TempDir())
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`:(\d+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("start line %q", line)
	}
	port := m[1]
	out, _ := exec.Command(cli, "-p", port, "SHUTDOWN", "ABORT").CombinedOutput()
	if string(out) != "ERR No shutdown in progress.\n\n" { // redis-cli adds a blank line, as with redis-server
		t.Errorf("SHUTDOWN ABORT: %q", out)
	}
	out, _ = exec.Command(cli, "-p", port, "SHUTDOWN", "SAVE", "NOSAVE").CombinedOutput()
	if string(out) != "ERR syntax error\n\n" {
		t.Errorf("SHUTDOWN SAVE NOSAVE: %q", out)
	}
	exec.Command(cli, "-p", port, "SHUTDOWN", "NOSAVE").Run()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runnel exited with %v after SHUTDOWN", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("runnel still running after SHUTDOWN")
	}
}

// TestHelpAndBadFlags: --help prints the flags on standard output and
// exits 0; a bad flag or flag value exits 2 with a message on standard
// error that names the flag, in the words of a command line, not of CONFIG
// SET.
func TestHelpAndBadFlags(t *testing.T) {
	bin := buildRunnel(t)
	for _, arg := range []string{"--help", "-h"} {
		cmd := exec.Command(bin, arg)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("%s: %v (stderr %q)", arg, err, stderr.String())
		}
		for _, want := range []string{"Usage: runnel", "\n  --appendfsync string\n", "\n  --enable-debug-command string\n", "\n  --backup-dir string\n", "\n  --port int\n", "\n  --version\n", `(default "always")`, "(default 6379)"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%s: stdout lacks %q:\n%s", arg, want, stdout.String())
			}
		}
		if stderr.Len() != 0 {
			t.Errorf("%s: stderr %q", arg, stderr.String())
		}
		if regexp.MustCompile(`(?m)^\s*-[a-z]`).MatchString(stdout.String()) {
			t.Errorf("%s: a flag listed with one dash:\n%s", arg, stdout.String())
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--port", "abc"}, `invalid value "abc" for flag --port: not an integer`},
		{[]string{"--port", "99999999999999999999"}, `invalid value "99999999999999999999" for flag --port: value out of range`},
		{[]string{"--port"}, "flag needs an argument: --port"},
		{[]string{"--gc-slack", "-5"}, `invalid value "-5" for flag --gc-slack: must be 0`},
		{[]string{"--write-buffer", "0"}, `invalid value "0" for flag --write-buffer: must be a positive number of MB`},
		{[]string{"--version=maybe"}, `invalid value "maybe" for flag --version: must be true or false`},
		{[]string{"--appendfsync", "sometimes"}, `invalid value "sometimes" for flag --appendfsync: argument(s) must be one of the following: everysec, always, no`},
		{[]string{"--enable-debug-command", "maybe"}, `invalid value "maybe" for flag --enable-debug-command`},
		{[]string{"--nosuchflag"}, "flag provided but not defined: --nosuchflag"},
		{[]string{"-bogus"}, "flag provided but not defined: --bogus"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		cmd := exec.Command(bin, append([]string{"--dir", ""}, tc.args...)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%q: exit %v, want status 2", tc.args, err)
		}
		if !strings.Contains(stderr.String(), tc.want) || strings.Contains(stderr.String(), "CONFIG SET") {
			t.Errorf("%q: stderr %q, want %q and no CONFIG SET wording", tc.args, stderr.String(), tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: stdout %q", tc.args, stdout.String())
		}
	}
}

// TestDebugFlag: DEBUG is refused by default and allowed by
// --enable-debug-command yes, and local allows it from loopback, where
// the test connects.
func TestDebugFlag(t *testing.T) {
	cli := redisCLI(t)
	bin := buildRunnel(t)
	for _, tc := range []struct{ flag, want string }{
		{"", "ERR DEBUG command not allowed."},
		{"yes", "OK"},
		{"local", "OK"},
	} {
		var args []string
		if tc.flag != "" {
			args = []string{"--enable-debug-command", tc.flag}
		}
		port := startRunnel(t, bin, args...)
		out, _ := exec.Command(cli, "-p", port, "DEBUG", "SLEEP", "0").CombinedOutput()
		if !strings.HasPrefix(string(out), tc.want) {
			t.Errorf("--enable-debug-command %q: DEBUG SLEEP 0 = %q, want %q", tc.flag, out, tc.want)
		}
		want := tc.flag
		if want == "" {
			want = "no"
		}
		out, _ = exec.Command(cli, "-p", port, "CONFIG", "GET", "enable-debug-command").CombinedOutput()
		if string(out) != "enable-debug-command\n"+want+"\n" {
			t.Errorf("CONFIG GET enable-debug-command = %q, want %q", out, want)
		}
	}
}
