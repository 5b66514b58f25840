// Package bench_test runs bench/compare.sh --quick end to end: every
// scenario against both sides at every durability pair, and the report.
package bench_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/bench/report"
)

// selfMode makes side A a redis-server as well, to test the comparison
// machinery alone. With it off, side A is runnel, and this test fails on
// any run that fails.
const selfMode = false

// quickBudget is what --quick is meant to take on an idle machine (the
// benchmark issue's bound). The test only logs the time it took — a busy
// CI machine may be slower — and gives up at twice the budget as a guard
// against a hang.
const quickBudget = 2 * time.Minute

var scenarios = []string{
	"xadd-c50-P16", "xadd-c50-P1", "group-4p4c", "latency-5k", "claim", "range", "mem-100B", "recover", "rb-c50-P16", "rb-c50-P1",
}

func TestCompareQuick(t *testing.T) {
	if os.Getenv("CI") != "true" && os.Getenv("RUNNEL_BENCH_TEST") == "" {
		t.Skip("runs compare.sh --quick (about a minute); set RUNNEL_BENCH_TEST=1 to run it outside CI")
	}
	if testing.Short() {
		t.Skip("not in -short mode")
	}
	for _, tool := range []string{"bash", "redis-server", "redis-benchmark", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found", tool)
		}
	}
	dir := t.TempDir()
	doc := filepath.Join(dir, "BENCHMARKS.md")
	results := filepath.Join(dir, "results.jsonl")
	args := []string{"compare.sh", "--quick", "--out", doc, "--results", results}
	if selfMode {
		args = append(args, "--self")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*quickBudget)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	t.Logf("compare.sh %s took %v:\n%s", strings.Join(args[1:], " "), elapsed.Round(time.Second), out)
	if err != nil {
		t.Errorf("compare.sh failed: %v", err)
	}
	if elapsed > quickBudget {
		t.Logf("note: --quick took %v, more than its %v budget (a loaded machine?)", elapsed.Round(time.Second), quickBudget)
	}

	f, err := os.Open(results)
	if err != nil {
		t.Fatalf("no results: %v", err)
	}
	defer f.Close()
	rs, err := report.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ pair, name, side string }
	got := map[key]bool{}
	for _, r := range rs {
		got[key{r.Pair, r.Name, r.Side}] = true
		if !r.OK {
			t.Errorf("%s %s side %s (%s) failed: %s", r.Pair, r.Name, r.Side, r.Label, r.Error)
		}
		if len(r.Metrics) == 0 && r.OK {
			t.Errorf("%s %s side %s reported no metrics", r.Pair, r.Name, r.Side)
		}
	}
	for _, pair := range []string{"no", "everysec", "always"} {
		for _, name := range scenarios {
			for _, side := range []string{"A", "B"} {
				if !got[key{pair, name, side}] {
					t.Errorf("no result for %s %s side %s", pair, name, side)
				}
			}
		}
	}
	if want := 3 * len(scenarios) * 2; len(rs) != want {
		t.Errorf("%d result lines, want %d", len(rs), want)
	}

	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{report.BeginMarker, report.EndMarker, "### Pair `no`", "### Pair `everysec`", "### Pair `always`",
		"### Targets", "### Machine", "### Commands", "mode quick"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, name := range scenarios {
		if !strings.Contains(text, "| "+name+" |") {
			t.Errorf("report has no row for %s", name)
		}
	}
	if strings.Contains(text, "failed") {
		t.Errorf("report mentions a failure")
	}
	// The document is committed: it must not name this machine's paths.
	for _, p := range []string{dir, os.TempDir() + string(os.PathSeparator)} {
		if strings.Contains(text, p) {
			t.Errorf("report contains the local path %q", p)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}
