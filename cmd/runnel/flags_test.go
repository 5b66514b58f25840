package main

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/commands"
)

// TestVersionFlag: --version prints "runnel <version>" and exits 0
// without starting a server or touching a data directory.
func TestVersionFlag(t *testing.T) {
	bin := buildRunnel(t)
	dir := t.TempDir() + "/never"
	out, err := exec.Command(bin, "--version", "--dir", dir).Output()
	if err != nil {
		t.Fatalf("--version: %v", err)
	}
	if got, want := string(out), "runnel "+commands.Version+"\n"; got != want {
		t.Errorf("--version printed %q, want %q", got, want)
	}
	if err := exec.Command("test", "-e", dir).Run(); err == nil {
		t.Error("--version created the data directory")
	}
}

// TestStartLogCountsOnce: the start-up line names each count once.
func TestStartLogCountsOnce(t *testing.T) {
	bin := buildRunnel(t)
	cmd := exec.Command(bin, "--port", "0", "--dir", t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	// The load line is logged before the server listens; the pipe closes
	// if runnel exits first.
	var loaded string
	sc := bufio.NewScanner(stderr)
	for loaded == "" && sc.Scan() {
		if strings.Contains(sc.Text(), "loaded ") {
			loaded = sc.Text()
		}
	}
	if loaded == "" {
		t.Fatal("runnel logged no load line")
	}
	for _, word := range []string{" keys", " entries", " streams", " in "} {
		if n := strings.Count(loaded, word); n != 1 {
			t.Errorf("load line %q has %q %d times", loaded, word, n)
		}
	}
}
