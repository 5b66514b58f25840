package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/bench/report"
)

// needTool skips a test when a binary is missing, except in CI, where the
// test script installs redis and a missing one is a failure.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found", name)
		}
		t.Skipf("%s not found", name)
	}
}

// startRedis starts a redis-server without persistence on a free loopback
// port for the test and returns its address.
func startRedis(t *testing.T, extra ...string) string {
	t.Helper()
	needTool(t, "redis-server")
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(),
		"--save", "", "--appendonly", "no", "--daemonize", "no"}, extra...)
	cmd := exec.Command("redis-server", args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if _, err := waitPong(addr, 10*time.Second, nil); err != nil {
		t.Fatal(err)
	}
	return addr
}

// tool runs a subcommand in-process and returns its exit code, its stdout
// and the result line it printed (when it printed one).
func tool(t *testing.T, args ...string) (int, string, report.Result) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	rs, err := report.Read(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("%q printed a bad result line: %v\n%s", args, err, out.String())
	}
	var res report.Result
	if len(rs) > 1 {
		t.Fatalf("%q printed %d result lines, want one", args, len(rs))
	}
	if len(rs) == 1 {
		res = rs[0]
	}
	t.Logf("%q exited %d; stdout:\n%s\nstderr:\n%s", args, code, out.String(), errb.String()) // shown on failure
	return code, out.String(), res
}

func wantOK(t *testing.T, code int, res report.Result) {
	t.Helper()
	if code != 0 || !res.OK {
		t.Fatalf("exit %d, ok %v, error %q", code, res.OK, res.Error)
	}
}

func metric(t *testing.T, res report.Result, name string) float64 {
	t.Helper()
	v, ok := res.Metrics[name]
	if !ok {
		t.Fatalf("%s: no metric %s in %v", res.Scenario, name, res.Metrics)
	}
	return v
}

func TestXAddAgainstRedis(t *testing.T) {
	addr := startRedis(t)
	code, out, res := tool(t, "xadd", "--addr", addr, "--quiet", "--clients", "4", "--pipeline", "8", "--requests", "2001",
		"--streams", "3", "--payload", "10", "--label", "redis", "--side", "B", "--pair", "no", "--round", "2", "--name", "xadd-test")
	wantOK(t, code, res)
	if metric(t, res, "requests") != 2001 || metric(t, res, "ops_per_sec") <= 0 || metric(t, res, "errors") != 0 {
		t.Fatalf("metrics %v", res.Metrics)
	}
	if p50, p99, p999 := metric(t, res, "p50_us"), metric(t, res, "p99_us"), metric(t, res, "p999_us"); !(p50 > 0 && p50 <= p99 && p99 <= p999) {
		t.Fatalf("percentiles out of order: %v %v %v", p50, p99, p999)
	}
	if res.Name != "xadd-test" || res.Label != "redis" || res.Side != "B" || res.Pair != "no" || res.Round != 2 {
		t.Fatalf("tags %+v", res)
	}
	if res.Server["redis_version"] == "" || res.Command != "runnel-bench xadd --addr $ADDR --clients 4 --name xadd-test --payload 10 --pipeline 8 --requests 2001 --streams 3" {
		t.Fatalf("server %v, command %q", res.Server, res.Command)
	}
	if !strings.Contains(out, "ops_per_sec") || !strings.HasPrefix(out, "xadd-test (xadd) against redis: ok") {
		t.Fatalf("human table missing: %s", out)
	}
	// A duration bound stops the run too.
	code, _, res = tool(t, "xadd", "--addr", addr, "--quiet", "--clients", "2", "--pipeline", "1", "--requests", "0", "--duration", "200ms")
	wantOK(t, code, res)
	if res.Elapsed > 5 || metric(t, res, "requests") < 1 {
		t.Fatalf("duration-bounded run: %v s, %v", res.Elapsed, res.Metrics)
	}
}

func TestGroupAgainstRedis(t *testing.T) {
	addr := startRedis(t)
	code, _, res := tool(t, "group", "--addr", addr, "--quiet", "--producers", "3", "--consumers", "5", "--messages", "5003",
		"--count", "50", "--block", "100ms", "--payload", "20")
	wantOK(t, code, res)
	for name, want := range map[string]float64{"acked": 5003, "delivered": 5003, "duplicates": 0, "missing": 0, "mismatched_ids": 0, "pending_after": 0} {
		if got := metric(t, res, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if metric(t, res, "msgs_per_sec") <= 0 {
		t.Error("no throughput")
	}
}

func TestLatencyAgainstRedis(t *testing.T) {
	addr := startRedis(t)
	code, _, res := tool(t, "latency", "--addr", addr, "--quiet", "--rate", "2000", "--duration", "300ms", "--warmup", "100ms")
	wantOK(t, code, res)
	for _, mode := range []string{"group", "xread"} {
		if got := metric(t, res, mode+"_received"); got != 800 {
			t.Errorf("%s received %v entries, want 2000/s * 400ms = 800", mode, got)
		}
		if p50, p99 := metric(t, res, mode+"_p50_us"), metric(t, res, mode+"_p99_us"); !(p50 > 0 && p50 <= p99) {
			t.Errorf("%s percentiles %v %v", mode, p50, p99)
		}
		if r := metric(t, res, mode+"_achieved_rate"); r < 1500 || r > 2500 {
			t.Errorf("%s offered %v/s, want about 2000", mode, r)
		}
	}
	code, _, res = tool(t, "latency", "--addr", addr, "--quiet", "--modes", "bogus", "--duration", "100ms")
	if code != 1 || res.OK || !strings.Contains(res.Error, `unknown mode "bogus"`) {
		t.Errorf("an unknown mode must fail: %d %+v", code, res)
	}
}

func TestClaimAgainstRedis(t *testing.T) {
	addr := startRedis(t)
	code, _, res := tool(t, "claim", "--addr", addr, "--quiet", "--pending", "1500", "--duration", "150ms", "--clients", "2", "--pipeline", "2")
	wantOK(t, code, res)
	for _, op := range []string{"xpending", "xclaim", "xautoclaim"} {
		if metric(t, res, op+"_ops_per_sec") <= 0 || metric(t, res, op+"_p99_us") <= 0 {
			t.Errorf("%s: %v", op, res.Metrics)
		}
	}
	// --ops bounds the count as well.
	code, _, res = tool(t, "claim", "--addr", addr, "--quiet", "--pending", "300", "--duration", "1m", "--ops", "10", "--clients", "1")
	wantOK(t, code, res)
	if res.Elapsed > 20 {
		t.Fatalf("--ops 10 ran %v s", res.Elapsed)
	}
}

func TestRangeAgainstRedis(t *testing.T) {
	addr := startRedis(t)
	code, _, res := tool(t, "range", "--addr", addr, "--quiet", "--entries", "3000", "--duration", "100ms", "--keep", "--pipeline", "3")
	wantOK(t, code, res)
	for _, op := range []string{"xrange10", "xrange100", "xrevrange10", "xrevrange100"} {
		if metric(t, res, op+"_ops_per_sec") <= 0 {
			t.Errorf("%s: %v", op, res.Metrics)
		}
	}
	metric(t, res, "load_entries_per_sec")
	// With --reuse the stream left by --keep is not loaded again.
	code, _, res = tool(t, "range", "--addr", addr, "--quiet", "--entries", "3000", "--duration", "50ms", "--reuse", "--counts", "7")
	wantOK(t, code, res)
	if _, loaded := res.Metrics["load_entries_per_sec"]; loaded {
		t.Error("--reuse loaded the stream again")
	}
	metric(t, res, "xrevrange7_ops_per_sec")
}

func TestMemAgainstRedis(t *testing.T) {
	addr := startRedis(t)
	code, _, res := tool(t, "mem", "--addr", addr, "--quiet", "--entries", "20000", "--payload", "100", "--settle", "50ms")
	wantOK(t, code, res)
	// Redis keeps such an entry in about 115 bytes of used_memory.
	if u := metric(t, res, "used_bytes_per_entry"); u < 100 || u > 200 {
		t.Errorf("used_bytes_per_entry %v", u)
	}
	if rss := metric(t, res, "rss_bytes_per_entry"); rss <= 0 {
		t.Errorf("rss_bytes_per_entry %v", rss)
	}
}

func TestRecoverRedis(t *testing.T) {
	needTool(t, "redis-server")
	base := "redis-server --port {port} --bind 127.0.0.1 --dir {dir} --daemonize no --save ''"
	for _, tc := range []struct{ name, cmd, prepare string }{
		{"rdb", base + " --appendonly no", "SAVE"},
		{"aof", base + " --appendonly yes --appendfsync everysec", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "server.log")
			code, _, res := tool(t, "recover", "--quiet", "--entries", "3000", "--server-cmd", tc.cmd, "--prepare", tc.prepare, "--server-log", log)
			wantOK(t, code, res)
			if metric(t, res, "entries") != 3000 || metric(t, res, "ping_ms") <= 0 || metric(t, res, "loaded_ms") <= 0 || metric(t, res, "disk_bytes") <= 0 {
				t.Fatalf("metrics %v", res.Metrics)
			}
			if metric(t, res, "loaded_ms") > metric(t, res, "ping_ms")+1000 {
				t.Fatalf("loaded long after PONG: %v", res.Metrics)
			}
			b, _ := os.ReadFile(log)
			if !bytes.Contains(b, []byte("DB loaded from")) {
				t.Fatalf("server log lacks the loaded line:\n%s", b)
			}
			if strings.Contains(res.Command, "server-log") || !strings.Contains(res.Command, "{port}") {
				t.Fatalf("command %q", res.Command)
			}
		})
	}
	t.Run("without-save-the-data-is-gone", func(t *testing.T) {
		// No RDB and no AOF: the restarted server is empty and the check says so.
		code, _, res := tool(t, "recover", "--quiet", "--entries", "100", "--server-cmd", base+" --appendonly no", "--loaded-regex", "")
		if code != 1 || res.OK || !strings.Contains(res.Error, "after the restart the stream has 0 entries") {
			t.Fatalf("exit %d, %+v", code, res)
		}
	})
	t.Run("server-that-exits", func(t *testing.T) {
		code, _, res := tool(t, "recover", "--quiet", "--entries", "10", "--server-cmd", "false {port}", "--start-timeout", "5s")
		if code != 1 || res.OK || !strings.Contains(res.Error, "exited") {
			t.Fatalf("exit %d, %+v", code, res)
		}
	})
	t.Run("loaded-line-never-printed", func(t *testing.T) {
		code, _, res := tool(t, "recover", "--quiet", "--entries", "10", "--server-cmd", base+" --appendonly no", "--prepare", "SAVE",
			"--loaded-regex", "no such line")
		if code != 1 || res.OK || !strings.Contains(res.Error, "no line matching") {
			t.Fatalf("exit %d, %+v", code, res)
		}
	})
}

func TestRedisBenchmark(t *testing.T) {
	needTool(t, "redis-benchmark")
	addr := startRedis(t)
	code, _, res := tool(t, "redisbench", "--addr", addr, "--quiet", "--requests", "2000", "--clients", "5", "--pipeline", "4")
	wantOK(t, code, res)
	if metric(t, res, "ops_per_sec") <= 0 || metric(t, res, "p50_us") <= 0 || res.Server["redis_benchmark_version"] == "" {
		t.Fatalf("%v %v", res.Metrics, res.Server)
	}
	if !strings.Contains(res.Command, "# runs: redis-benchmark -h 127.0.0.1 -p $PORT -n 2000 -c 5 -P 4 --csv XADD s '*' f v") {
		t.Fatalf("command %q", res.Command)
	}
}

func TestPingAndFreeport(t *testing.T) {
	addr := startRedis(t)
	if code, out, _ := tool(t, "ping", "--addr", addr); code != 0 || !strings.Contains(out, "PONG") {
		t.Fatalf("ping: %d %q", code, out)
	}
	port, _ := freePort()
	if code, _, _ := tool(t, "ping", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--timeout", "200ms"); code != 1 {
		t.Fatalf("ping of a closed port: %d", code)
	}
	code, out, _ := tool(t, "freeport")
	if n, err := strconv.Atoi(strings.TrimSpace(out)); code != 0 || err != nil || n <= 0 || n > 65535 {
		t.Fatalf("freeport: %d %q", code, out)
	}
}

func TestFailAndReport(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "results.jsonl")
	addr := startRedis(t)
	for _, side := range []string{"A", "B"} {
		code, _, res := tool(t, "xadd", "--addr", addr, "--quiet", "--clients", "2", "--requests", "500", "--name", "xadd-P16",
			"--label", map[string]string{"A": "left", "B": "right"}[side], "--side", side, "--pair", "no", "--round", "1", "--out", results)
		wantOK(t, code, res)
	}
	code, _, res := tool(t, "fail", "--scenario", "mem", "--name", "mem-100B", "--label", "left", "--side", "A", "--pair", "no",
		"--round", "1", "--error", "server did not start", "--out", results)
	if code != 0 || res.OK || res.Error != "server did not start" || res.Name != "mem-100B" {
		t.Fatalf("fail: %d %+v", code, res)
	}
	servers := filepath.Join(dir, "servers.tsv")
	os.WriteFile(servers, []byte("no\tA\tleft\tredis-server --port {port}\nno\tB\tright\tredis-server --port {port}\n"), 0o644)
	doc := filepath.Join(dir, "BENCH.md")
	method := "# Benchmarks\n\nHand-written method.\n\n"
	os.WriteFile(doc, []byte(method+report.BeginMarker+"\nold figures\n"+report.EndMarker+"\n\nTrailer.\n"), 0o644)
	code, _, _ = tool(t, "report", "--in", results, "--servers", servers, "--out", doc, "--mode", "quick", "--rounds", "1",
		"--invocation", "bench/compare.sh --quick", "--note", "note one")
	if code != 0 {
		t.Fatalf("report exit %d", code)
	}
	b, _ := os.ReadFile(doc)
	got := string(b)
	for _, want := range []string{method, "Trailer.", "note one", "| xadd-P16 | ops_per_sec |", "| no | 1 | mem-100B | left | server did not start |",
		"| no | A | left | `redis-server --port {port}` |", "Side A is left, side B is right"} {
		if !strings.Contains(got, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	if strings.Contains(got, "old figures") {
		t.Error("old figures were not replaced")
	}
	if t.Failed() {
		t.Log(got)
	}
}
