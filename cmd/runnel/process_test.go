package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// TestIdleRelease feeds idleRelease poll readings, one every
// gcPollInterval, and checks on which polls it asks for a release.
func TestIdleRelease(t *testing.T) {
	const mb = 1 << 20
	// A poll: bytes allocated since the previous one, and the reclaimable
	// bytes then.
	type poll struct{ alloc, reclaim uint64 }
	quiet := func(n int, reclaim uint64) []poll {
		p := make([]poll, n)
		for i := range p {
			p[i] = poll{1 << 10, reclaim}
		}
		return p
	}
	idlePolls := int(idleAfter / gcPollInterval)
	cat := func(ps ...[]poll) []poll { return slices.Concat(ps...) }
	tests := []struct {
		name  string
		polls []poll
		want  []int // indexes of the polls that release
	}{
		{"first poll never releases", []poll{{0, 100 * mb}}, nil},
		{"busy never releases", cat([]poll{{0, 0}}, slices.Repeat([]poll{{10 * mb, 100 * mb}}, 50)), nil},
		{"quiet after a burst releases once",
			cat([]poll{{0, 0}}, slices.Repeat([]poll{{10 * mb, 20 * mb}}, 5), quiet(3*idlePolls, 20*mb)),
			// Quiet from poll 6, so idleAfter later is poll 6+idlePolls.
			// The next quiet stretch starts with the poll after the
			// release (a real release leaves nothing to reclaim).
			[]int{6 + idlePolls, 6 + 2*idlePolls + 1}},
		{"too little to reclaim", cat([]poll{{0, 0}}, quiet(3*idlePolls, releaseMin-1)), nil},
		{"just enough to reclaim", cat([]poll{{0, 0}}, quiet(idlePolls+1, releaseMin)), []int{1 + idlePolls}},
		{"activity restarts the wait",
			cat([]poll{{0, 0}}, quiet(idlePolls-1, 8*mb), []poll{{quietAlloc + 1, 8 * mb}}, quiet(idlePolls+1, 8*mb)),
			[]int{1 + idlePolls + idlePolls}},
		{"quietAlloc per poll still counts as quiet",
			cat([]poll{{0, 0}}, slices.Repeat([]poll{{quietAlloc, 8 * mb}}, idlePolls+1)), []int{1 + idlePolls}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r idleRelease
			now := time.Unix(1000, 0)
			var allocs uint64
			var got []int
			for i, p := range tc.polls {
				allocs += p.alloc
				if r.observe(now, allocs, p.reclaim) {
					got = append(got, i)
				}
				now = now.Add(gcPollInterval)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("released at polls %v, want %v", got, tc.want)
			}
		})
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
