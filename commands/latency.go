package commands

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// LATENCY: the latency monitor's events (LATEST, HISTORY, RESET, DOCTOR,
// GRAPH) and the per-command latency histograms (HISTOGRAM).

func init() {
	f := NoKeyspace | Admin | NoScript | Loading | Stale
	acl := []string{"@admin", "@slow", "@dangerous"}
	special := []string{"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}
	sub := func(name string, arity int, h Handler, summary, complexity string, tips []string) *Command {
		return &Command{Name: "latency|" + name, Arity: arity, Flags: f, ACL: acl, Handler: h, Tips: tips,
			Summary: summary, Since: "2.8.13", Group: "server", Complexity: complexity}
	}
	histogram := sub("histogram", -2, latencyHistogramCmd, "Returns the cumulative distribution of latencies of a subset or all commands.",
		"O(N) where N is the number of commands with latency information being retrieved.", special)
	histogram.Since = "7.0.0"
	register(
		&Command{Name: "latency", Arity: -2, ACL: []string{"@slow"}, Summary: "A container for latency diagnostics commands.", Since: "2.8.13", Group: "server", Complexity: "Depends on subcommand."},
		histogram,
		sub("latest", 2, latencyLatestCmd, "Returns the latest latency samples for all events.", "O(1)", special),
		sub("history", 3, latencyHistoryCmd, "Returns timestamp-latency samples for an event.", "O(1)", special),
		sub("reset", -2, latencyResetCmd, "Resets the latency data for one or more events.", "O(1)",
			[]string{"request_policy:all_nodes", "response_policy:all_succeeded"}),
		sub("doctor", 2, latencyDoctorCmd, "Returns a human-readable latency analysis report.", "O(1)", special),
		sub("graph", 3, latencyGraphCmd, "Returns a latency graph for an event.", "O(1)", special),
		&Command{Name: "latency|help", Arity: 2, Flags: NoKeyspace | Loading | Stale, ACL: []string{"@slow"}, Handler: latencyHelpCmd,
			Summary: "Returns helpful text about the different subcommands.", Since: "2.8.13", Group: "server", Complexity: "O(1)"},
	)
	subs := table["latency"].Sub
	subs["histogram"].Args = []ArgDoc{optional(multiple(strArg("command")))}
	subs["reset"].Args = []ArgDoc{optional(multiple(strArg("event")))}
	subs["history"].Args = []ArgDoc{strArg("event")}
	subs["graph"].Args = []ArgDoc{strArg("event")}
}

// latencySamples is how many per-second samples an event keeps
// (LATENCY_TS_LEN).
const latencySamples = 160

type latencySample struct {
	unix, ms int64 // unix 0: unused
}

// latencySeries is one event's samples: a ring of one sample per second,
// the highest latency of that second, and the all-time maximum.
type latencySeries struct {
	idx     int
	max     int64
	samples [latencySamples]latencySample
}

// addLatency records a latency of ms for event at second now.
func (m *slowMonitor) addLatency(event string, now, ms int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.events[event]
	if ts == nil {
		ts = &latencySeries{}
		m.events[event] = ts
	}
	ts.max = max(ts.max, ms)
	prev := &ts.samples[(ts.idx+latencySamples-1)%latencySamples]
	if prev.unix == now {
		prev.ms = max(prev.ms, ms)
		return
	}
	ts.samples[ts.idx] = latencySample{unix: now, ms: ms}
	ts.idx = (ts.idx + 1) % latencySamples
}

// history returns the series' samples, oldest first.
func (ts *latencySeries) history() []latencySample {
	var out []latencySample
	for j := range latencySamples {
		if sm := ts.samples[(ts.idx+j)%latencySamples]; sm.unix != 0 {
			out = append(out, sm)
		}
	}
	return out
}

// eventNames returns the recorded events, sorted (Redis's order is its
// dictionary's).
func (m *slowMonitor) eventNamesLocked() []string {
	names := make([]string, 0, len(m.events))
	for k := range m.events {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// LATENCY LATEST
func latencyLatestCmd(c *Ctx) error {
	m := &c.S.stats.mon
	m.mu.Lock()
	defer m.mu.Unlock()
	names := m.eventNamesLocked()
	c.W.Array(len(names))
	for _, name := range names {
		ts := m.events[name]
		last := ts.samples[(ts.idx+latencySamples-1)%latencySamples]
		c.W.Array(4)
		c.W.BulkString(name)
		c.W.Int(last.unix)
		c.W.Int(last.ms)
		c.W.Int(ts.max)
	}
	return nil
}

// LATENCY HISTORY event
func latencyHistoryCmd(c *Ctx) error {
	m := &c.S.stats.mon
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.events[string(c.Args[2])]
	if ts == nil {
		c.W.Array(0)
		return nil
	}
	h := ts.history()
	c.W.Array(len(h))
	for _, sm := range h {
		c.W.Array(2)
		c.W.Int(sm.unix)
		c.W.Int(sm.ms)
	}
	return nil
}

// LATENCY RESET [event ...]
func latencyResetCmd(c *Ctx) error {
	m := &c.S.stats.mon
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	if len(c.Args) == 2 {
		n = len(m.events)
		clear(m.events)
	}
	// Unlike HISTORY and GRAPH, RESET matches event names in any case.
	for _, e := range c.Args[2:] {
		for name := range m.events {
			if EqualFold(e, name) {
				delete(m.events, name)
				n++
			}
		}
	}
	c.W.Int(int64(n))
	return nil
}

// LATENCY GRAPH event
func latencyGraphCmd(c *Ctx) error {
	m := &c.S.stats.mon
	m.mu.Lock()
	defer m.mu.Unlock()
	event := string(c.Args[2])
	ts := m.events[event]
	if ts == nil {
		return Error("ERR No samples available for event '" + event + "'")
	}
	c.W.Verbatim("txt", latencyGraph(event, ts, time.Now().Unix()))
	return nil
}

// latencyGraphCols is the width of LATENCY GRAPH's sparkline.
const latencyGraphCols = 80

// latencyGraph draws an event's samples as Redis's LATENCY GRAPH does: a
// title line, a rule, then 4 rows of sparkline per 80 samples with each
// sample's age written downwards below it. now is the unix second.
func latencyGraph(event string, ts *latencySeries, now int64) string {
	h := ts.history()
	var lo, hi int64
	labels := make([]string, len(h))
	for i, sm := range h {
		if i == 0 || sm.ms < lo {
			lo = sm.ms
		}
		if i == 0 || sm.ms > hi {
			hi = sm.ms
		}
		switch age := now - sm.unix; {
		case age < 60:
			labels[i] = strconv.FormatInt(age, 10) + "s"
		case age < 3600:
			labels[i] = strconv.FormatInt(age/60, 10) + "m"
		case age < 86400:
			labels[i] = strconv.FormatInt(age/3600, 10) + "h"
		default:
			labels[i] = strconv.FormatInt(age/86400, 10) + "d"
		}
	}
	var b strings.Builder
	b.WriteString(event + " - high " + strconv.FormatInt(hi, 10) + " ms, low " + strconv.FormatInt(lo, 10) +
		" ms (all time high " + strconv.FormatInt(ts.max, 10) + " ms)\n")
	b.WriteString(strings.Repeat("-", latencyGraphCols) + "\n")
	for j := 0; j < len(h); j += latencyGraphCols {
		if j != 0 {
			b.WriteString("\n")
		}
		end := min(j+latencyGraphCols, len(h))
		sparkline(&b, h[j:end], labels[j:end], lo, hi)
	}
	return b.String()
}

// sparkline renders samples in 4 filled rows ("_o#", '|' below the top)
// scaled between lo and hi, then their labels one character per row.
func sparkline(b *strings.Builder, samples []latencySample, labels []string, lo, hi int64) {
	const rows, charset = 4, "_o#"
	steps := len(charset) * rows
	relmax := float64(hi - lo)
	if relmax == 0 {
		relmax = 1
	}
	line := make([]byte, len(samples))
	for row := 0; ; row++ {
		more := false
		for j := range line {
			line[j] = ' '
		}
		for j, sm := range samples {
			if row < rows {
				step := int(float64(int((float64(sm.ms-lo))*float64(steps))) / relmax)
				step = min(max(step, 0), steps-1)
				more = true
				switch idx := step - (rows-row-1)*len(charset); {
				case idx >= 0 && idx < len(charset):
					line[j] = charset[idx]
				case idx >= len(charset):
					line[j] = '|'
				}
				continue
			}
			if row == rows { // the blank line above the labels
				more = true
				break
			}
			if k := row - rows - 1; k < len(labels[j]) {
				more = true
				line[j] = labels[j][k]
			}
		}
		if !more {
			return
		}
		b.Write(line)
		b.WriteString("\n")
	}
}

// The texts of LATENCY DOCTOR, verbatim from Redis.
const (
	doctorDisabled     = "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
	doctorNoSpike      = "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
	doctorSpikes       = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
	doctorNoAdvice     = "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n"
	doctorAdvices      = "\nI have a few advices for you:\n\n"
	adviceSlowlogOn    = "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than %d'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"
	adviceSlowlogTune  = "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than %d'.\n"
	adviceSlowlogLook  = "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
	adviceScheduler    = "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n"
	adviceLargeObjects = "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n"
)

// doctorReport builds LATENCY DOCTOR's report as Redis does for the events
// runnel records ("command" and "fast-command"). now is the unix second.
func (s *Server) doctorReport(now int64) string {
	m := &s.stats.mon
	threshold := m.latThreshold.Load()
	if threshold == 0 {
		return doctorDisabled
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	var slowlogOn, slowlogTune, slowlogLook, scheduler, large bool
	advices := 0
	names := m.eventNamesLocked()
	for i, name := range names {
		ts := m.events[name]
		h := ts.history()
		if i == 0 {
			b.WriteString(doctorSpikes)
		}
		var sum, oldest int64
		for _, sm := range h {
			sum += sm.ms
			if oldest == 0 || sm.unix < oldest {
				oldest = sm.unix
			}
		}
		var avg, mad, period int64
		if len(h) > 0 {
			avg = sum / int64(len(h))
			period = max(now-oldest, 1)
			var dev int64
			for _, sm := range h {
				d := avg - sm.ms
				if d < 0 {
					d = -d
				}
				dev += d
			}
			mad = dev / int64(len(h))
		}
		perSample := 0.0
		if len(h) > 0 {
			perSample = float64(period) / float64(len(h))
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + name + ": " + strconv.Itoa(len(h)) + " latency spikes (average " +
			strconv.FormatInt(avg, 10) + "ms, mean deviation " + strconv.FormatInt(mad, 10) + "ms, period " +
			strconv.FormatFloat(perSample, 'f', 2, 64) + " sec). Worst all time event " + strconv.FormatInt(ts.max, 10) + "ms.")
		switch name {
		case "command":
			slower, maxLen := m.slower.Load(), m.maxLen.Load()
			if slower < 0 || maxLen == 0 {
				slowlogOn = true
			} else if slower/1000 > threshold {
				slowlogTune = true
			}
			slowlogLook, large = true, true
			advices += 2
		case "fast-command":
			scheduler = true
			advices++
		}
		b.WriteString("\n")
	}
	switch {
	case len(names) == 0 && advices == 0:
		return doctorNoSpike
	case advices == 0:
		b.WriteString(doctorNoAdvice)
		return b.String()
	}
	b.WriteString(doctorAdvices)
	us := strconv.FormatInt(threshold*1000, 10)
	if slowlogOn {
		b.WriteString(strings.Replace(adviceSlowlogOn, "%d", us, 1))
	}
	if slowlogTune {
		b.WriteString(strings.Replace(adviceSlowlogTune, "%d", us, 1))
	}
	if slowlogLook {
		b.WriteString(adviceSlowlogLook)
	}
	if scheduler {
		b.WriteString(adviceScheduler)
	}
	if large {
		b.WriteString(adviceLargeObjects)
	}
	return b.String()
}

// LATENCY DOCTOR
func latencyDoctorCmd(c *Ctx) error {
	c.W.Verbatim("txt", c.S.doctorReport(time.Now().Unix()))
	return nil
}

var latencyHelp = []string{
	"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"DOCTOR",
	"    Return a human readable latency analysis report.",
	"GRAPH <event>",
	"    Return an ASCII latency graph for the <event> class.",
	"HISTORY <event>",
	"    Return time-latency samples for the <event> class.",
	"LATEST",
	"    Return the latest latency samples for all events.",
	"RESET [<event> ...]",
	"    Reset latency data of one or more <event> classes.",
	"    (default: reset all data for all event classes)",
	"HISTOGRAM [COMMAND ...]",
	"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
	"    If no commands are specified then all histograms are replied.",
}

// LATENCY HELP
func latencyHelpCmd(c *Ctx) error {
	writeHelp(c, latencyHelp)
	return nil
}

// LATENCY HISTOGRAM [command ...]
func latencyHistogramCmd(c *Ctx) error {
	st := &c.S.stats
	var cmds []*Command
	withCalls := func(cmd *Command) {
		if cs := st.lookup(cmd); cs != nil && cs.calls.Load() > 0 && cs.histTotal() > 0 {
			cmds = append(cmds, cmd)
		}
	}
	addAll := func(cmd *Command) {
		if cmd.Sub == nil {
			withCalls(cmd)
			return
		}
		for _, name := range sortedSubs(cmd) {
			withCalls(cmd.Sub[name])
		}
	}
	if len(c.Args) == 2 {
		names := make([]string, 0, len(table))
		for name := range table {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			addAll(table[name])
		}
	}
	for _, a := range c.Args[2:] {
		name := strings.ToLower(string(a))
		if i := strings.IndexByte(name, '|'); i >= 0 {
			if p := table[name[:i]]; p != nil && p.Sub != nil {
				if sc := p.Sub[name[i+1:]]; sc != nil {
					withCalls(sc)
				}
			}
			continue
		}
		if cmd := table[name]; cmd != nil {
			addAll(cmd)
		}
	}
	c.W.Map(len(cmds))
	for _, cmd := range cmds {
		cs := st.lookup(cmd)
		var counts [reportBuckets]int64
		total, n := int64(0), 0
		if h := cs.hist.Load(); h != nil {
			for i := range h {
				counts[histReport[i]] += h[i].Load()
			}
		}
		for k := range counts {
			total += counts[k]
			if counts[k] > 0 {
				n++
			}
		}
		c.W.BulkString(cmd.Name)
		c.W.Map(2)
		c.W.BulkString("calls")
		c.W.Int(total)
		c.W.BulkString("histogram_usec")
		c.W.Map(n)
		cum := int64(0)
		for k, v := range counts {
			if v == 0 {
				continue
			}
			cum += v
			c.W.Int(reportUpper(k) / 1000)
			c.W.Int(cum)
		}
	}
	return nil
}

// sortedSubs returns a container's subcommand names, sorted.
func sortedSubs(cmd *Command) []string {
	names := make([]string, 0, len(cmd.Sub))
	for name := range cmd.Sub {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
