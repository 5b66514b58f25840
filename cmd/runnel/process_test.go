package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestGCPercentFor(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		live, slack uint64
		want        int
	}{
		{0, 24 * mb, maxGCPercent},         // nothing live yet
		{4 * mb, 24 * mb, maxGCPercent},    // small heap: Go's default
		{24 * mb, 24 * mb, 100},            // slack equals the live heap
		{48 * mb, 24 * mb, 50},             // half
		{120 * mb, 24 * mb, 20},            // the 1M x 100-byte dataset
		{1000 * mb, 24 * mb, minGCPercent}, // never collect back to back
		{1 << 40, 24 * mb, minGCPercent},
	}
	for _, tc := range tests {
		if got := gcPercentFor(tc.live, tc.slack); got != tc.want {
			t.Errorf("gcPercentFor(%d MB, %d MB) = %d, want %d", tc.live/mb, tc.slack/mb, got, tc.want)
		}
	}
}

// TestProcessFlags starts the binary with the process flags (which must
// not reach CONFIG SET) and checks that a clean shutdown leaves both
// profiles behind.
func TestProcessFlags(t *testing.T) {
	bin := buildRunnel(t)
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	cmd := exec.Command(bin, "--port", "0", "--dir", dir, "--gc-slack", "8", "--write-buffer", "4",
		"--cpuprofile", cpu, "--memprofile", mem)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.Contains(line, "listening on") {
		cmd.Wait()
		t.Fatalf("start line %q, stderr %q", line, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("runnel exited with %v: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("runnel still running after SIGTERM")
	}
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// pprof profiles are gzip-compressed protocol buffers.
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s is not a pprof profile (%d bytes)", filepath.Base(p), len(b))
		}
	}
}
