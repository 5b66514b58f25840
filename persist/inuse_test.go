//go:build unix

package persist

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const inUseHelperEnv = "PERSIST_INUSE_HELPER_DIR"

// TestInUse asks, from a second process (this test binary run again),
// whether a store is in use: while this process has it open, after Close,
// and for a directory that was never a store.
func TestInUse(t *testing.T) {
	if dir := os.Getenv(inUseHelperEnv); dir != "" {
		if InUse(dir) {
			os.Stdout.WriteString("inuse-answer: true\n")
		} else {
			os.Stdout.WriteString("inuse-answer: false\n")
		}
		os.Exit(0)
	}
	ask := func(dir string) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestInUse$", "-test.count=1")
		cmd.Env = append(os.Environ(), inUseHelperEnv+"="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper process: %v\n%s", err, out)
		}
		s := string(out)
		i := strings.Index(s, "inuse-answer: ")
		if i < 0 {
			t.Fatalf("helper process said nothing:\n%s", s)
		}
		return strings.SplitN(s[i+len("inuse-answer: "):], "\n", 2)[0]
	}
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	if got := ask(dir); got != "true" {
		t.Errorf("another process's view of an open store: InUse %s, want true", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := ask(dir); got != "false" {
		t.Errorf("after Close: InUse %s, want false", got)
	}
	if got := ask(t.TempDir()); got != "false" {
		t.Errorf("a directory that is no store: InUse %s, want false", got)
	}
}
