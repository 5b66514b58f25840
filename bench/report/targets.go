package report

import "path"

// Target is a goal on the A/B ratio of a metric: at least Ratio for a
// higher-is-better metric, at most Ratio for a lower-is-better one.
type Target struct {
	Scenario string  // the Result's Scenario
	Metric   string  // a path.Match pattern over metric names
	Pair     string  // "" for every pair
	Ratio    float64 // the bound on the median A/B ratio
	Source   string  // where the goal is stated
}

// Goals are the targets of the benchmark issue: runnel (A) against Redis (B)
// at matched durability. A more specific Pair entry overrides a general one.
var Goals = []Target{
	{Scenario: "xadd", Metric: "ops_per_sec", Ratio: 1.0, Source: "xadd c=50, P=16 and P=1"},
	{Scenario: "redisbench", Metric: "ops_per_sec", Ratio: 1.0, Source: "redis-benchmark XADD"},
	{Scenario: "group", Metric: "msgs_per_sec", Ratio: 1.0, Source: "group 4+4"},
	{Scenario: "group", Metric: "msgs_per_sec", Pair: "always", Ratio: 2.0, Source: "group 4+4 at always"},
	{Scenario: "latency", Metric: "group_p99_us", Ratio: 1.0, Source: "latency p99 at 5,000 msgs/s"},
	{Scenario: "latency", Metric: "xread_p99_us", Ratio: 1.0, Source: "latency p99 at 5,000 msgs/s"},
	{Scenario: "mem", Metric: "rss_bytes_per_entry", Ratio: 1.3, Source: "resident bytes per 100-byte entry"},
	{Scenario: "recover", Metric: "ping_ms", Ratio: 1.0, Source: "start-up with 5,000,000 entries"},
	{Scenario: "range", Metric: "*_ops_per_sec", Ratio: 1.0, Source: "XRANGE/XREVRANGE"},
	{Scenario: "claim", Metric: "*_ops_per_sec", Ratio: 1.0, Source: "XPENDING/XAUTOCLAIM/XCLAIM"},
}

// Verdict is a Target applied to one Row.
type Verdict struct {
	Pair   string
	Row    Row
	Target Target
	Met    bool
}

// goalFor returns the most specific goal for a row, if any.
func goalFor(goals []Target, pair string, r Row) (Target, bool) {
	var best Target
	found := false
	for _, g := range goals {
		if g.Scenario != r.Scenario || (g.Pair != "" && g.Pair != pair) {
			continue
		}
		if ok, _ := path.Match(g.Metric, r.Metric); !ok {
			continue
		}
		if !found || (best.Pair == "" && g.Pair != "") {
			best, found = g, true
		}
	}
	return best, found
}

// Check applies goals to every row with a ratio. A row whose scenario
// failed on a side has no ratio and gets no verdict; Table.Failed lists it.
func Check(tables []Table, goals []Target) []Verdict {
	var out []Verdict
	for _, t := range tables {
		for _, r := range t.Rows {
			g, ok := goalFor(goals, t.Pair, r)
			if !ok || r.Ratio.N == 0 {
				continue
			}
			met := r.Ratio.Median >= g.Ratio
			if r.Direction == LowerBetter {
				met = r.Ratio.Median <= g.Ratio
			}
			out = append(out, Verdict{Pair: t.Pair, Row: r, Target: g, Met: met})
		}
	}
	return out
}
