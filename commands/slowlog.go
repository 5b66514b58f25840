package commands

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// SLOWLOG and the slow path every finished command may take: the slow log
// and the latency monitor's command events (latency.go).

func init() {
	f := NoKeyspace | Admin | Loading | Stale
	acl := []string{"@admin", "@slow", "@dangerous"}
	sub := func(name string, arity int, flags Flags, acl []string, h Handler, summary, since, complexity string, tips ...string) *Command {
		return &Command{Name: "slowlog|" + name, Arity: arity, Flags: flags, ACL: acl, Handler: h, Tips: tips,
			Summary: summary, Since: since, Group: "server", Complexity: complexity}
	}
	get := sub("get", -2, f, acl, slowlogGetCmd, "Returns the slow log's entries.", "2.2.12", "O(N) where N is the number of entries returned",
		"request_policy:all_nodes", "nondeterministic_output")
	get.History = [][2]string{{"4.0.0", "Added client IP address, port and name to the reply."}}
	register(
		&Command{Name: "slowlog", Arity: -2, ACL: []string{"@slow"}, Summary: "A container for slow log commands.", Since: "2.2.12", Group: "server", Complexity: "Depends on subcommand."},
		get,
		sub("len", 2, f, acl, slowlogLenCmd, "Returns the number of entries in the slow log.", "2.2.12", "O(1)",
			"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"),
		sub("reset", 2, f, acl, slowlogResetCmd, "Clears all entries from the slow log.", "2.2.12", "O(N) where N is the number of entries in the slowlog",
			"request_policy:all_nodes", "response_policy:all_succeeded"),
		sub("help", 2, NoKeyspace|Loading|Stale, []string{"@slow"}, slowlogHelpCmd, "Show helpful text about the different subcommands", "6.2.0", "O(1)"),
	)
	get.Args = []ArgDoc{optional(intArg("count"))}
}

// Redis's limits on what a slow log entry keeps of a command's arguments
// (SLOWLOG_ENTRY_MAX_ARGC, SLOWLOG_ENTRY_MAX_STRING).
const (
	slowlogMaxArgc = 32
	slowlogMaxArg  = 128
)

// slowEntry is one slow log entry. Its fields are copies, owned by the log.
type slowEntry struct {
	id   int64
	unix int64 // seconds
	usec int64
	args []string
	addr string
	name string
}

// slowMonitor holds the slow log, the latency monitor's events and the settings
// that drive them. It is safe for concurrent use: the settings are atomics,
// the logs are under mu.
type slowMonitor struct {
	// gate is the duration in nanoseconds from which a finished command
	// takes the slow path: the lower of the slow log's and the latency
	// monitor's thresholds, MaxInt64 when both are off. A fast command
	// costs one comparison with it.
	gate atomic.Int64
	// slower is slowlog-log-slower-than (µs, -1 off), maxLen
	// slowlog-max-len, latThreshold latency-monitor-threshold (ms, 0 off).
	slower, maxLen, latThreshold atomic.Int64
	// tracking mirrors latency-tracking: whether finished commands feed
	// the per-command histograms.
	tracking atomic.Bool
	// percentiles is latency-tracking-info-percentiles: the percentiles
	// INFO latencystats shows. The slice is never changed once stored.
	percentiles atomic.Pointer[[]float64]

	mu      sync.Mutex
	entries []slowEntry // guarded by mu; oldest first
	nextID  int64       // guarded by mu
	events  map[string]*latencySeries
}

func (m *slowMonitor) init() {
	m.slower.Store(10000)
	m.maxLen.Store(128)
	m.tracking.Store(true)
	m.percentiles.Store(&defaultPercentiles)
	m.events = map[string]*latencySeries{}
	m.updateGate()
}

// updateGate recomputes gate after a threshold changed.
func (m *slowMonitor) updateGate() {
	gate := int64(math.MaxInt64)
	if us := m.slower.Load(); us >= 0 && m.maxLen.Load() > 0 && us < math.MaxInt64/1000 {
		gate = us * 1000
	}
	if ms := m.latThreshold.Load(); ms > 0 && ms < math.MaxInt64/1000000 {
		gate = min(gate, ms*1000000)
	}
	m.gate.Store(gate)
}

// observe is the hook of every command that ran: d is its duration as
// INFO commandstats counts it. Below the gate it costs one comparison.
func (s *Server) observe(c *Client, cmd *Command, args [][]byte, d time.Duration) {
	if int64(d) >= s.stats.mon.gate.Load() {
		s.observeSlow(c, cmd, args, d)
	}
}

// observeSlow records a command at or above the gate in the slow log and
// the latency monitor, as each one's threshold asks.
func (s *Server) observeSlow(c *Client, cmd *Command, args [][]byte, d time.Duration) {
	m := &s.stats.mon
	us := d.Microseconds()
	now := time.Now()
	if ms := m.latThreshold.Load(); ms > 0 && us/1000 >= ms {
		event := "command"
		if cmd.Flags&Fast != 0 {
			event = "fast-command"
		}
		m.addLatency(event, now.Unix(), us/1000)
	}
	if cmd.Flags&SkipSlowlog != 0 || len(args) == 0 {
		return
	}
	slower := m.slower.Load()
	if slower < 0 || us < slower || m.maxLen.Load() <= 0 {
		return
	}
	e := slowEntry{unix: now.Unix(), usec: us, args: slowlogArgs(cmd, args), addr: c.addr}
	c.mu.Lock()
	e.name = c.name
	c.mu.Unlock()
	m.push(e)
}

// push adds e, numbering it, and drops the oldest entries beyond
// slowlog-max-len.
func (m *slowMonitor) push(e slowEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.id = m.nextID
	m.nextID++
	m.entries = append(m.entries, e)
	m.trimLocked()
}

func (m *slowMonitor) trimLocked() {
	if n := int64(len(m.entries)) - m.maxLen.Load(); n > 0 {
		k := copy(m.entries, m.entries[n:])
		clear(m.entries[k:])
		m.entries = m.entries[:k]
	}
}

// redactedArg is what the slow log shows for a secret argument.
const redactedArg = "(redacted)"

// slowlogArgs copies args as Redis keeps them in a slow log entry: secrets
// redacted, at most slowlogMaxArgc arguments (the last one then counting
// the rest), each cut at slowlogMaxArg bytes.
func slowlogArgs(cmd *Command, args [][]byte) []string {
	n := min(len(args), slowlogMaxArgc)
	out := make([]string, n)
	for i := range n {
		if i == slowlogMaxArgc-1 && len(args) > slowlogMaxArgc {
			out[i] = "... (" + strconv.Itoa(len(args)-slowlogMaxArgc+1) + " more arguments)"
			break
		}
		if secretArg(cmd, args, i) {
			out[i] = redactedArg
			continue
		}
		a := args[i]
		if len(a) > slowlogMaxArg {
			out[i] = string(a[:slowlogMaxArg]) + "... (" + strconv.Itoa(len(a)-slowlogMaxArg) + " more bytes)"
		} else {
			out[i] = string(a)
		}
	}
	return out
}

// secretArg reports whether args[i] is one Redis hides from the slow log:
// AUTH's and HELLO's credentials as far as those commands got to redact
// them before refusing a bad call (the rules MONITOR follows, redacted),
// the value of CONFIG SET requirepass and ACL SETUSER's user and rules.
func secretArg(cmd *Command, args [][]byte, i int) bool {
	switch cmd.Name {
	case "auth", "hello":
		lo, hi := redacted(cmd.Name, args)
		return i >= lo && i < hi
	case "config|set":
		return i >= 3 && i%2 == 1 && EqualFold(args[i-1], "requirepass")
	case "acl|setuser":
		return i >= 2
	}
	return false
}

// SLOWLOG GET [count]
func slowlogGetCmd(c *Ctx) error {
	count := int64(10)
	switch len(c.Args) {
	case 2:
	case 3:
		n, ok := ParseInt(c.Args[2])
		if !ok || n < -1 {
			return Error("ERR count should be greater than or equal to -1")
		}
		count = n
	default:
		return errSubcommandSyntax(c.Args[1], "slowlog")
	}
	m := &c.S.stats.mon
	m.mu.Lock()
	defer m.mu.Unlock()
	n := int64(len(m.entries))
	if count >= 0 && count < n {
		n = count
	}
	c.W.Array(int(n))
	for i := len(m.entries) - 1; i >= len(m.entries)-int(n); i-- {
		e := &m.entries[i]
		c.W.Array(6)
		c.W.Int(e.id)
		c.W.Int(e.unix)
		c.W.Int(e.usec)
		c.W.Array(len(e.args))
		for _, a := range e.args {
			c.W.BulkString(a)
		}
		c.W.BulkString(e.addr)
		c.W.BulkString(e.name)
	}
	return nil
}

// SLOWLOG LEN
func slowlogLenCmd(c *Ctx) error {
	m := &c.S.stats.mon
	m.mu.Lock()
	n := len(m.entries)
	m.mu.Unlock()
	c.W.Int(int64(n))
	return nil
}

// SLOWLOG RESET
func slowlogResetCmd(c *Ctx) error {
	m := &c.S.stats.mon
	m.mu.Lock()
	clear(m.entries)
	m.entries = m.entries[:0]
	m.mu.Unlock()
	c.W.OK()
	return nil
}

var slowlogHelp = []string{
	"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"GET [<count>]",
	"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
	"    Entries are made of:",
	"    id, timestamp, time in microseconds, arguments array, client IP and port,",
	"    client name",
	"LEN",
	"    Return the length of the slowlog.",
	"RESET",
	"    Reset the slowlog.",
}

// SLOWLOG HELP
func slowlogHelpCmd(c *Ctx) error {
	writeHelp(c, slowlogHelp)
	return nil
}

// monitorParam declares one of the monitor's integer parameters for the
// params table (config.go).
func monitorParam(name string, min int64, field func(*slowMonitor) *atomic.Int64) *param {
	return &param{name: name, kind: kindInt, min: min, max: math.MaxInt64, mutable: true,
		get: func(s *Server) string { return strconv.FormatInt(field(&s.stats.mon).Load(), 10) },
		set: func(s *Server, v string) {
			n, _ := strconv.ParseInt(v, 10, 64)
			m := &s.stats.mon
			field(m).Store(n)
			m.updateGate()
			if name == "slowlog-max-len" {
				m.mu.Lock()
				m.trimLocked()
				m.mu.Unlock()
			}
		}}
}
