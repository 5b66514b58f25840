package bench_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// TestCeilingQuick runs bench/ceiling.sh for one short round: every server
// must start and answer redis-benchmark (a rate above zero in the summary).
func TestCeilingQuick(t *testing.T) {
	if os.Getenv("CI") != "true" && os.Getenv("RUNNEL_BENCH_TEST") == "" {
		t.Skip("runs ceiling.sh (seconds); set RUNNEL_BENCH_TEST=1 to run it outside CI")
	}
	if testing.Short() {
		t.Skip("not in -short mode")
	}
	for _, tool := range []string{"bash", "redis-server", "redis-benchmark", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "ceiling.sh", "--rounds", "1", "--requests", "5000")
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("ceiling.sh:\n%s", out)
	if err != nil {
		t.Fatalf("ceiling.sh failed: %v", err)
	}
	for _, s := range []string{"redis", "runnel", "null-ep", "null-go"} {
		re := regexp.MustCompile(`(?m)^  ` + s + ` +median +([1-9][0-9]*) req/s`)
		if !re.Match(out) {
			t.Errorf("no positive median rate for %s", s)
		}
	}
}
