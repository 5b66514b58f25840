package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLogfileAndPidfile runs the binary on a config file that names a log
// file and a pid file and asks it to daemonize, as Redis's stock file
// does: the log lines go to the file, the pid file holds the process id
// while it runs and is gone after a clean exit, and daemonize is reported,
// not obeyed (the process stays the one started).
func TestLogfileAndPidfile(t *testing.T) {
	bin := buildRunnel(t)
	dir := t.TempDir()
	logf, pidf := filepath.Join(dir, "runnel.log"), filepath.Join(dir, "runnel.pid")
	conf := filepath.Join(dir, "runnel.conf")
	if err := os.WriteFile(conf, []byte("logfile "+logf+"\npidfile "+pidf+"\ndaemonize yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", conf, "--port", "0", "--dir", filepath.Join(dir, "data"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.Contains(line, "listening on") {
		t.Fatalf("first line %q", line)
	}
	b, err := os.ReadFile(pidf)
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pid file %q (%v), want %d", b, err, cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running after SIGTERM")
	}
	if _, err := os.Stat(pidf); !os.IsNotExist(err) {
		t.Errorf("pid file left after a clean exit (%v)", err)
	}
	log, _ := os.ReadFile(logf)
	for _, want := range []string{"daemonize yes ignored", "loaded ", "shut down cleanly"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log file lacks %q:\n%s", want, log)
		}
	}
}

// TestLogfileThatCannotOpen: a log file runnel cannot open stops the
// start with status 1, as in Redis.
func TestLogfileThatCannotOpen(t *testing.T) {
	bin := buildRunnel(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "runnel.conf")
	if err := os.WriteFile(conf, []byte("logfile "+filepath.Join(dir, "no", "such", "dir.log")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--config", conf, "--port", "0", "--dir", filepath.Join(dir, "data")).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "can't open the log file") {
		t.Fatalf("exit %v, output %q", err, out)
	}
}

// TestSecondInterruptExitsAtOnce: as in Redis, a second SIGINT while the
// shutdown waits (here for a DEBUG SLEEP to finish) exits at once, with
// status 1; a single one waits for the command.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	bin := buildRunnel(t)
	cmd := exec.Command(bin, "--port", "0", "--dir", t.TempDir(), "--enable-debug-command", "yes")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	addr := strings.TrimSpace(line[strings.LastIndex(line, " ")+1:])
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("DEBUG SLEEP 30\r\n"))
	time.Sleep(300 * time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		t.Fatalf("exited (%v) on the first SIGINT while a command ran", err)
	case <-time.After(500 * time.Millisecond):
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("second SIGINT: exit %v, want status 1", err)
		}
		if !strings.Contains(stderr.String(), "You insist... exiting now.") {
			t.Errorf("log lacks Redis's line:\n%s", stderr.String())
		}
		t.Logf("exited %v after the second SIGINT", time.Since(start))
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5 s after a second SIGINT")
	}
}
