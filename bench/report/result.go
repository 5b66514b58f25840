package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Result is one scenario run against one server: the tool's machine-readable
// output line.
type Result struct {
	Scenario string             `json:"scenario"`          // xadd, group, latency, claim, range, mem, recover, redisbench
	Name     string             `json:"name"`              // the scenario instance, e.g. "xadd-c50-P16"; defaults to Scenario
	Label    string             `json:"label,omitempty"`   // the server, e.g. "runnel" or "redis"
	Side     string             `json:"side,omitempty"`    // "A" or "B" in a comparison
	Pair     string             `json:"pair,omitempty"`    // durability pair: no, everysec or always
	Round    int                `json:"round,omitempty"`   // 1-based round of a comparison
	OK       bool               `json:"ok"`                // false when the run failed or a check did not hold
	Error    string             `json:"error,omitempty"`   // why OK is false
	Metrics  map[string]float64 `json:"metrics"`           // figures, named by the suffix convention
	Params   map[string]any     `json:"params,omitempty"`  // the scenario's settings
	Server   map[string]string  `json:"server,omitempty"`  // INFO server fields (redis_version, runnel_version, ...)
	Command  string             `json:"command,omitempty"` // the command line, with $ADDR for the address
	Start    time.Time          `json:"start"`
	Elapsed  float64            `json:"elapsed_s"`
	Load1    float64            `json:"load1,omitempty"` // the machine's 1-minute load average at the start
}

// Line returns r as one JSON line ending in a newline.
func (r *Result) Line() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		// Only a NaN or Inf metric can fail; record that instead of losing the line.
		clean := *r
		clean.Metrics = map[string]float64{}
		for k, v := range r.Metrics {
			if v == v && v < 1e308 && v > -1e308 {
				clean.Metrics[k] = v
			}
		}
		b, _ = json.Marshal(&clean)
	}
	return append(b, '\n')
}

// Read parses every line of r that starts with '{' as a Result and skips all
// other lines (human tables, progress, logs), so a tool's whole output can be
// fed to it. A line that starts with '{' but does not parse is an error.
func Read(r io.Reader) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var res Result
		if err := json.Unmarshal(line, &res); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if res.Name == "" {
			res.Name = res.Scenario
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// Shown reports whether a metric gets a row in the figures tables: maxima,
// means and the before/after readings of the memory scenario stay in the
// result lines only (maxima are single samples; medians and percentiles say
// more on a shared machine).
func Shown(metric string) bool {
	for _, suffix := range []string{"max_us", "mean_us", "_before_bytes", "_after_bytes"} {
		if strings.HasSuffix(metric, suffix) {
			return false
		}
	}
	return DirectionOf(metric) != Informational
}

// Direction says whether a larger value of a metric is better.
type Direction int

// Metric directions.
const (
	Informational Direction = iota // not compared
	HigherBetter
	LowerBetter
)

// DirectionOf derives a metric's direction from its name's suffix.
func DirectionOf(metric string) Direction {
	switch {
	case strings.HasSuffix(metric, "_per_sec"):
		return HigherBetter
	case strings.HasSuffix(metric, "_us"), strings.HasSuffix(metric, "_ms"), strings.HasSuffix(metric, "_s"),
		strings.HasSuffix(metric, "_bytes"), strings.HasSuffix(metric, "_per_entry"):
		return LowerBetter
	}
	return Informational
}
