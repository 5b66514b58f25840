package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestReadSkipsNonJSON(t *testing.T) {
	r := Result{Scenario: "xadd", Label: "redis", OK: true, Metrics: map[string]float64{"ops_per_sec": 1234.5}}
	in := "human table\n  | x | y |\n" + string(r.Line()) + "progress 10/s\n" +
		`{"scenario":"mem","ok":false,"error":"boom","metrics":{}}` + "\n"
	got, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "xadd" || got[0].Metrics["ops_per_sec"] != 1234.5 || got[1].Name != "mem" || got[1].OK {
		t.Fatalf("got %+v", got)
	}
	if _, err := Read(strings.NewReader("{not json\n")); err == nil {
		t.Fatal("a broken JSON line must be an error")
	}
}

func TestLineDropsNonFinite(t *testing.T) {
	r := Result{Scenario: "x", OK: true, Metrics: map[string]float64{"a_us": math.NaN(), "b_us": math.Inf(1), "c_us": 3}}
	line := r.Line()
	got, err := Read(bytes.NewReader(line))
	if err != nil || len(got) != 1 {
		t.Fatalf("%s: %v", line, err)
	}
	if len(got[0].Metrics) != 1 || got[0].Metrics["c_us"] != 3 {
		t.Fatalf("metrics %v", got[0].Metrics)
	}
}

func TestDirectionOf(t *testing.T) {
	for m, want := range map[string]Direction{
		"ops_per_sec": HigherBetter, "xrange10_ops_per_sec": HigherBetter,
		"p99_us": LowerBetter, "ping_ms": LowerBetter, "elapsed_s": LowerBetter,
		"rss_bytes_per_entry": LowerBetter, "disk_bytes": LowerBetter,
		"errors": Informational, "entries": Informational, "duplicates": Informational,
	} {
		if got := DirectionOf(m); got != want {
			t.Errorf("DirectionOf(%q) = %v, want %v", m, got, want)
		}
	}
	for m, want := range map[string]bool{
		"ops_per_sec": true, "p99_us": true, "max_us": false, "group_mean_us": false,
		"rss_before_bytes": false, "rss_bytes_per_entry": true, "errors": false,
	} {
		if got := Shown(m); got != want {
			t.Errorf("Shown(%q) = %v", m, got)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want Stat
	}{
		{nil, Stat{}},
		{[]float64{5}, Stat{1, 5, 5, 5}},
		{[]float64{3, 1, 2}, Stat{3, 2, 1, 3}},
		{[]float64{4, 1, 3, 2}, Stat{4, 2.5, 1, 4}},
	} {
		if got := Summarize(tc.in); got != tc.want {
			t.Errorf("Summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// fixture: pair "always" and "no", 3 rounds; runnel's xadd is 1x,2x,3x of
// redis's; runnel's mem fails every round at "no"; one runnel latency round
// fails at "always".
func fixture() []Result {
	var rs []Result
	add := func(pair, name, scen, side, label string, round int, ok bool, m map[string]float64) {
		r := Result{Scenario: scen, Name: name, Pair: pair, Side: side, Label: label, Round: round, OK: ok, Metrics: m,
			Server: map[string]string{label + "_version": "1.0"}, Command: "runnel-bench " + scen + " --addr $ADDR", Load1: float64(round)}
		if !ok {
			r.Error = "server did not start | oops"
		}
		rs = append(rs, r)
	}
	for _, pair := range []string{"always", "no"} {
		for round := 1; round <= 3; round++ {
			f := float64(round)
			add(pair, "xadd-P16", "xadd", "A", "runnel", round, true, map[string]float64{"ops_per_sec": 1000 * f, "p99_us": 100, "errors": 0, "max_us": 7})
			add(pair, "xadd-P16", "xadd", "B", "redis", round, true, map[string]float64{"ops_per_sec": 1000, "p99_us": 50 * f, "errors": 0})
			add(pair, "mem", "mem", "A", "runnel", round, pair != "no", map[string]float64{"rss_bytes_per_entry": 150})
			add(pair, "mem", "mem", "B", "redis", round, true, map[string]float64{"rss_bytes_per_entry": 100})
			add(pair, "group", "group", "A", "runnel", round, true, map[string]float64{"msgs_per_sec": 1500})
			add(pair, "group", "group", "B", "redis", round, true, map[string]float64{"msgs_per_sec": 1000})
			add(pair, "latency", "latency", "A", "runnel", round, !(pair == "always" && round == 2), map[string]float64{"group_p99_us": 90, "group_xadd_p99_us": 5})
			add(pair, "latency", "latency", "B", "redis", round, true, map[string]float64{"group_p99_us": 100})
		}
	}
	return rs
}

func findRow(t *testing.T, tb Table, name, metric string) Row {
	t.Helper()
	for _, r := range tb.Rows {
		if r.Name == name && r.Metric == metric {
			return r
		}
	}
	t.Fatalf("pair %s: no row %s/%s", tb.Pair, name, metric)
	return Row{}
}

func TestBuild(t *testing.T) {
	tables, failures := Build(fixture())
	if len(tables) != 2 || tables[0].Pair != "no" || tables[1].Pair != "always" {
		t.Fatalf("pairs in wrong order: %+v", tables)
	}
	no, always := tables[0], tables[1]
	if no.LabelA != "runnel" || no.LabelB != "redis" {
		t.Fatalf("labels %q %q", no.LabelA, no.LabelB)
	}
	x := findRow(t, no, "xadd-P16", "ops_per_sec")
	if x.A != (Stat{3, 2000, 1000, 3000}) || x.B != (Stat{3, 1000, 1000, 1000}) || x.Ratio != (Stat{3, 2, 1, 3}) {
		t.Fatalf("xadd row %+v", x)
	}
	p := findRow(t, no, "xadd-P16", "p99_us")
	if p.Direction != LowerBetter || p.Ratio.Median != 1 || p.Ratio.Min != 100.0/150 || p.Ratio.Max != 2 {
		t.Fatalf("p99 row %+v", p)
	}
	for _, r := range no.Rows {
		if r.Metric == "errors" || r.Metric == "max_us" {
			t.Fatal("informational and hidden metrics must not get rows")
		}
	}
	m := findRow(t, no, "mem", "rss_bytes_per_entry")
	if m.A.N != 0 || m.B.N != 3 || m.Ratio.N != 0 {
		t.Fatalf("mem row with all A runs failed: %+v", m)
	}
	if len(no.Failed) != 1 || no.Failed[0] != "mem" || len(always.Failed) != 0 {
		t.Fatalf("failed lists %v %v", no.Failed, always.Failed)
	}
	l := findRow(t, always, "latency", "group_p99_us")
	if l.A.N != 2 || l.Ratio.N != 2 || l.B.N != 3 {
		t.Fatalf("a failed round must drop out of A and of the ratios only: %+v", l)
	}
	if len(failures) != 4 { // 3 mem rounds + 1 latency round
		t.Fatalf("%d failures, want 4: %+v", len(failures), failures)
	}
}

func TestCheck(t *testing.T) {
	tables, _ := Build(fixture())
	verdicts := Check(tables, Goals)
	get := func(pair, name, metric string) Verdict {
		for _, v := range verdicts {
			if v.Pair == pair && v.Row.Name == name && v.Row.Metric == metric {
				return v
			}
		}
		t.Fatalf("no verdict for %s %s %s", pair, name, metric)
		return Verdict{}
	}
	if v := get("no", "xadd-P16", "ops_per_sec"); !v.Met || v.Target.Ratio != 1 {
		t.Errorf("xadd at 2x must meet 1.0: %+v", v)
	}
	if v := get("no", "group", "msgs_per_sec"); !v.Met || v.Target.Ratio != 1 {
		t.Errorf("group 1.5x at no must meet 1.0: %+v", v)
	}
	if v := get("always", "group", "msgs_per_sec"); v.Met || v.Target.Ratio != 2 {
		t.Errorf("group 1.5x at always must miss 2.0: %+v", v)
	}
	if v := get("always", "latency", "group_p99_us"); !v.Met {
		t.Errorf("latency 0.9x (lower is better) must meet <= 1.0: %+v", v)
	}
	if v := get("always", "mem", "rss_bytes_per_entry"); v.Met {
		t.Errorf("mem 1.5x must miss <= 1.3: %+v", v)
	}
	for _, v := range verdicts {
		if v.Pair == "no" && v.Row.Name == "mem" {
			t.Error("a scenario with no ratio must get no verdict")
		}
		if v.Row.Metric == "p99_us" && v.Row.Scenario == "xadd" || v.Row.Metric == "group_xadd_p99_us" {
			t.Errorf("%s %s has no goal", v.Row.Scenario, v.Row.Metric)
		}
	}
}

func TestRender(t *testing.T) {
	out := string(Render(Input{
		Results: fixture(), Mode: "quick", Rounds: 3, Invocation: "bench/compare.sh --quick",
		Generated: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC),
		Machine:   Machine{CPUs: 2, CPUModel: "Test CPU", MemBytes: 24 << 30, Kernel: "6.1", GoVersion: "go1.26"},
		Servers:   []ServerCmd{{Pair: "no", Side: "A", Label: "runnel", Command: "runnel --port {port} --dir {dir} --appendfsync no"}},
		Goals:     Goals,
		Notes:     []string{"a note"},
	}))
	for _, want := range []string{
		BeginMarker, EndMarker,
		"Generated 2026-01-02 03:04 UTC by `bench/compare.sh --quick` (mode quick, 3 round(s) per pair). Side A is runnel, side B is redis",
		"| CPU model | Test CPU |", "| memory | 24.0 GiB |", "a note",
		"| load average (1 min) at the runs' starts | median 2.00 (1.00–3.00) over 48 runs |",
		"| runnel | runnel_version 1.0 |", "| redis | redis_version 1.0 |",
		"| no | A | runnel | `runnel --port {port} --dir {dir} --appendfsync no` |",
		"### Pair `no`", "### Pair `always`",
		"| xadd-P16 | ops_per_sec | 2,000 (1,000–3,000) | 1,000 (1,000–1,000) | 2.00 (1.00–3.00) | higher |",
		"| mem | rss_bytes_per_entry | n/a | 100.0 (100.0–100.0) | — | lower |",
		"| always | group | msgs_per_sec | ≥ 2.00 | 1.50 (1.50–1.50) | missed |",
		"| always | latency | group_p99_us | ≤ 1.00 | 0.90 (0.90–0.90) | met |",
		"| no | mem | | | — | failed |",
		"| no | 1 | mem | runnel | server did not start \\| oops |",
		"- xadd-P16: `runnel-bench xadd --addr $ADDR`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Index(out, "### Pair `no`") > strings.Index(out, "### Pair `always`") {
		t.Error("pairs out of order")
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestSplice(t *testing.T) {
	section := []byte(BeginMarker + "\nNEW\n" + EndMarker + "\n")
	doc := []byte("# Title\n\nMethod text.\n\n" + BeginMarker + "\nOLD\n" + EndMarker + "\n\n## After\n")
	got := string(Splice(doc, section))
	want := "# Title\n\nMethod text.\n\n" + BeginMarker + "\nNEW\n" + EndMarker + "\n\n## After\n"
	if got != want {
		t.Fatalf("spliced:\n%s\nwant:\n%s", got, want)
	}
	if got := string(Splice([]byte("# T\nno markers"), section)); got != "# T\nno markers\n\n"+string(section) {
		t.Fatalf("append: %q", got)
	}
	if got := string(Splice(nil, section)); !strings.HasPrefix(got, "# runnel benchmarks\n\n"+BeginMarker) {
		t.Fatalf("empty doc: %q", got)
	}
	// Splicing twice is stable.
	once := Splice(doc, section)
	if twice := Splice(once, section); !bytes.Equal(once, twice) {
		t.Fatal("splice is not idempotent")
	}
}

func TestFormatNumber(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0.000", 0.1234: "0.123", 1.234: "1.23", 12.34: "12.3", 999.94: "999.9",
		1000: "1,000", 312500.4: "312,500", 1234567: "1,234,567", -4321: "-4,321", math.NaN(): "n/a",
	} {
		if got := FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestParseMachine(t *testing.T) {
	cpu := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n\nprocessor\t: 1\nmodel name\t: Other\n"
	if got := ParseCPUModel(cpu); got != "Intel(R) Xeon(R) Processor" {
		t.Errorf("cpu model %q", got)
	}
	if got := ParseCPUModel("nothing"); got != "" {
		t.Errorf("cpu model of nothing %q", got)
	}
	mem := "MemTotal:       24576000 kB\nMemFree:        1 kB\n"
	if got := ParseMemTotal(mem); got != 24576000*1024 {
		t.Errorf("mem total %d", got)
	}
	if got := ParseMemTotal("MemTotal: x kB\n"); got != 0 {
		t.Errorf("bad mem total %d", got)
	}
	m := ProbeMachine()
	if m.CPUs < 1 || m.GoVersion == "" {
		t.Errorf("probe %+v", m)
	}
}
