package commands

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// config holds the settings CONFIG GET and CONFIG SET reach. Values read on
// hot paths are atomics; the rest are strings under mu, kept in the
// canonical form CONFIG GET shows.
type config struct {
	mu          sync.Mutex
	requirepass string            // guarded by mu
	values      map[string]string // guarded by mu: the plain parameters

	nodeMaxEntries atomic.Int64
	nodeMaxBytes   atomic.Int64
	outputLimits   *outputLimits
	protoMaxBulk   atomic.Int64
	maxclients     atomic.Int64
	// fdMaxClients is the most clients the file-descriptor limit allows
	// (0: no cap); see LimitClients.
	fdMaxClients atomic.Int64
	// needAuth is set while requirepass is not empty.
	needAuth atomic.Bool
	// configFile is the file the settings were read from (INFO's
	// config_file); runID names this run (INFO's run_id). Both are set
	// before the server starts and read-only afterwards.
	configFile string
	runID      string
	// reaper starts the idle-client reaper with the first connection.
	reaper sync.Once
	// idleTimeout mirrors the timeout parameter in seconds (0: never).
	idleTimeout atomic.Int64
	// notifyFlags holds notify-keyspace-events as ev* bits; 0 when no
	// notification can be sent (no K or E, or no class).
	notifyFlags atomic.Int64
	// lfu is set while maxmemory-policy is an LFU one: key lookups then
	// count accesses (OBJECT FREQ) instead of timing them (OBJECT
	// IDLETIME), as in Redis. lfuLogFactor and lfuDecayTime mirror
	// lfu-log-factor and lfu-decay-time.
	lfu                        atomic.Bool
	lfuLogFactor, lfuDecayTime atomic.Int64
	// maxmemory mirrors the maxmemory parameter in bytes (0: no limit).
	maxmemory atomic.Int64
	// trackingMaxKeys mirrors tracking-table-max-keys (0: no limit).
	trackingMaxKeys atomic.Int64
}

// SetConfigFile records the configuration file the settings came from, for
// INFO server's config_file. Call it before Serve.
func (s *Server) SetConfigFile(path string) { s.config.configFile = path }

func newConfig() *config {
	c := &config{values: map[string]string{}, runID: randomHex(40), outputLimits: newOutputLimits()}
	c.nodeMaxEntries.Store(100)
	c.nodeMaxBytes.Store(4096)
	c.protoMaxBulk.Store(512 << 20)
	c.maxclients.Store(10000)
	c.lfuLogFactor.Store(10)
	c.lfuDecayTime.Store(1)
	c.trackingMaxKeys.Store(1_000_000)
	for _, p := range params {
		if p.def != "" || p.get == nil {
			c.values[p.name] = p.def
		}
	}
	return c
}

func (c *config) requirePass() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requirepass
}

// authRequired reports whether clients must AUTH before running commands.
func (c *config) authRequired() bool { return c.needAuth.Load() }

// checkPassword compares pass with requirepass in constant time.
func (c *config) checkPassword(pass []byte) bool {
	want := c.requirePass()
	return subtle.ConstantTimeCompare([]byte(want), pass) == 1
}

func (c *config) maxClients() int { return int(c.maxclients.Load()) }

// value returns a plain parameter's current value.
func (c *config) value(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[name]
}

// setValue stores a plain parameter's value.
func (c *config) setValue(name, v string) {
	c.mu.Lock()
	c.values[name] = v
	c.mu.Unlock()
}

// streamConfig returns the node limits new streams are created with.
func (s *Server) streamConfig() stream.Config {
	return stream.Config{
		NodeMaxEntries: int(s.config.nodeMaxEntries.Load()),
		NodeMaxBytes:   int(s.config.nodeMaxBytes.Load()),
	}
}

func streamParam(p *param) *param {
	p.streams = true
	return p
}

// applyStreamConfigLocked hands the current node limits to every stream.
// The caller holds the keyspace lock.
func (s *Server) applyStreamConfigLocked() {
	cfg := s.streamConfig()
	for _, db := range s.dbs {
		for _, o := range db.keys {
			if o.Stream != nil {
				o.Stream.SetConfig(cfg)
			}
		}
	}
}

// paramKind says how a parameter's value is parsed.
type paramKind uint8

const (
	kindString paramKind = iota
	kindInt              // decimal integer in [min, max]
	kindMemory           // integer with an optional b/k/kb/m/mb/g/gb unit
	kindBool             // yes or no
	kindEnum             // one of enum, any case
)

// param is one configuration parameter.
type param struct {
	name    string
	kind    paramKind
	min     int64
	max     int64
	enum    []string
	def     string
	mutable bool
	// protected parameters cannot change at run time either, with Redis's
	// "protected config" wording (dir).
	protected bool
	// streams marks the node limits, which existing streams take up too
	// (Redis reads them on every insert).
	streams bool
	// check validates a string parameter; it returns the error text.
	check func(string) (string, string)
	// alias is a second name that CONFIG GET and SET accept for the same
	// parameter (Redis's slave-* names of replica-* parameters).
	alias string
	// clamp maps a valid integer into the range the parameter really
	// takes, as Redis's hz keeps to 1..500 whatever CONFIG SET was given.
	clamp func(int64) int64
	// settable, when set, says whether CONFIG SET may change a mutable
	// parameter to the canonical value v now; it returns the error text
	// (without the "CONFIG SET failed" prefix) for a change runnel cannot
	// make at run time.
	settable func(s *Server, v string) string
	// get and set reach parameters stored outside values; nil for plain
	// ones. set receives the canonical, validated value.
	get func(s *Server) string
	set func(s *Server, v string)
}

// params are the parameters runnel has, plus ones that clients and tools
// read and that runnel keeps with their Redis defaults. Each is listed
// once; CONFIG GET answers in this order.
var params []*param

func init() {
	ll := int64(math.MaxInt64)
	atomicParam := func(name string, kind paramKind, min int64, field func(*config) *atomic.Int64) *param {
		return &param{name: name, kind: kind, min: min, max: ll, mutable: true,
			get: func(s *Server) string { return strconv.FormatInt(field(s.config).Load(), 10) },
			set: func(s *Server, v string) { n, _ := strconv.ParseInt(v, 10, 64); field(s.config).Store(n) }}
	}
	maxclients := atomicParam("maxclients", kindInt, 1, func(c *config) *atomic.Int64 { return &c.maxclients })
	maxclients.max = math.MaxUint32
	maxclients.settable = settableMaxclients
	params = []*param{
		streamParam(atomicParam("stream-node-max-entries", kindInt, 0, func(c *config) *atomic.Int64 { return &c.nodeMaxEntries })),
		streamParam(atomicParam("stream-node-max-bytes", kindMemory, 0, func(c *config) *atomic.Int64 { return &c.nodeMaxBytes })),
		atomicParam("proto-max-bulk-len", kindMemory, 1<<20, func(c *config) *atomic.Int64 { return &c.protoMaxBulk }),
		maxclients,
		{name: "requirepass", kind: kindString, mutable: true,
			get: func(s *Server) string { return s.config.requirePass() },
			set: func(s *Server, v string) {
				s.config.mu.Lock()
				s.config.requirepass = v
				s.config.mu.Unlock()
				s.config.needAuth.Store(v != "")
			}},
		{name: "databases", kind: kindInt, min: 1, max: math.MaxInt32, def: strconv.Itoa(NumDBs)},
		{name: "bind", kind: kindString, mutable: true, settable: unchanged("bind"),
			get: func(s *Server) string { return s.opts.Bind }, set: func(s *Server, v string) { s.opts.Bind = firstWord(v) }},
		{name: "port", kind: kindInt, min: 0, max: 65535,
			get: func(s *Server) string { return strconv.Itoa(s.port()) },
			set: func(s *Server, v string) { s.opts.Port, _ = strconv.Atoi(v) }},
		{name: "dir", kind: kindString, protected: true,
			get: func(s *Server) string { return s.opts.Dir }, set: func(s *Server, v string) { s.opts.Dir = v }},
		{name: "appendonly", kind: kindBool, mutable: true, settable: settableAppendonly,
			get: func(s *Server) string { return yesNo(s.durable()) }, set: func(*Server, string) {}},
		{name: "appendfsync", kind: kindEnum, enum: []string{"everysec", "always", "no"}, def: "always", mutable: true,
			set: setAppendfsync},
		{name: "save", kind: kindString, mutable: true, check: checkSave},
		{name: "client-output-buffer-limit", kind: kindString, mutable: true, check: checkOutputLimits,
			get: func(s *Server) string { return s.config.outputLimits.String() },
			set: func(s *Server, v string) { s.config.outputLimits.set(v) }},
		{name: "timeout", kind: kindInt, min: 0, max: math.MaxInt32, mutable: true,
			get: func(s *Server) string { return strconv.FormatInt(s.config.idleTimeout.Load(), 10) },
			set: func(s *Server, v string) { n, _ := strconv.ParseInt(v, 10, 64); s.config.idleTimeout.Store(n) }},
		{name: "notify-keyspace-events", kind: kindString, mutable: true, check: checkKeyspaceEvents,
			get: func(s *Server) string { return s.config.value("notify-keyspace-events") },
			set: func(s *Server, v string) {
				flags, _ := parseKeyspaceEvents(v)
				s.config.setValue("notify-keyspace-events", formatKeyspaceEvents(flags, false))
				s.config.notifyFlags.Store(int64(keyspaceEventFlags(v)))
			}},
		{name: "maxmemory", kind: kindMemory, min: 0, max: ll, def: "0", mutable: true,
			set: func(s *Server, v string) {
				s.config.setValue("maxmemory", v)
				n, _ := parseMemory(v)
				s.config.maxmemory.Store(n)
				s.mem.checked.Store(0) // measure again at the next write
			}},
		{name: "maxmemory-policy", kind: kindEnum, def: "noeviction", mutable: true,
			enum: []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"},
			set: func(s *Server, v string) {
				s.config.setValue("maxmemory-policy", v)
				s.config.lfu.Store(strings.HasSuffix(v, "-lfu"))
			}},
		{name: "lfu-log-factor", kind: kindInt, min: 0, max: math.MaxInt32, def: "10", mutable: true,
			set: func(s *Server, v string) {
				s.config.setValue("lfu-log-factor", v)
				n, _ := strconv.ParseInt(v, 10, 64)
				s.config.lfuLogFactor.Store(n)
			}},
		{name: "lfu-decay-time", kind: kindInt, min: 0, max: math.MaxInt32, def: "1", mutable: true,
			set: func(s *Server, v string) {
				s.config.setValue("lfu-decay-time", v)
				n, _ := strconv.ParseInt(v, 10, 64)
				s.config.lfuDecayTime.Store(n)
			}},
		{name: "loglevel", kind: kindEnum, enum: []string{"debug", "verbose", "notice", "warning", "nothing"}, def: "notice", mutable: true},
		{name: "logfile", kind: kindString},
		{name: "daemonize", kind: kindBool, def: "no"},
		// Lines of the stock redis.conf that runnel has no use for, kept
		// with Redis's defaults so that such a file loads (each was a "Bad
		// directive" that stopped the start) and CONFIG GET answers.
		{name: "protected-mode", kind: kindBool, def: "yes", mutable: true},
		{name: "tcp-backlog", kind: kindInt, min: 0, max: math.MaxInt32, def: "511"},
		{name: "dbfilename", kind: kindString, def: "dump.rdb", protected: true},
		{name: "appendfilename", kind: kindString, def: "appendonly.aof"},
		{name: "stop-writes-on-bgsave-error", kind: kindBool, def: "yes", mutable: true},
		{name: "supervised", kind: kindEnum, enum: []string{"no", "upstart", "systemd", "auto"}, def: "no"},
		{name: "pidfile", kind: kindString},
		// The rest of redis.conf's directives (7.0's file, with Redis's
		// defaults and mutability): AOF and RDB tuning runnel's store does
		// not have, other data types' encodings, replication, process
		// settings. Kept so that a redis.conf loads as it is.
		{name: "activerehashing", kind: kindBool, def: "yes", mutable: true},
		{name: "always-show-logo", kind: kindBool, def: "no"},
		{name: "aof-load-truncated", kind: kindBool, def: "yes", mutable: true},
		{name: "aof-rewrite-incremental-fsync", kind: kindBool, def: "yes", mutable: true},
		{name: "aof-timestamp-enabled", kind: kindBool, def: "no", mutable: true},
		{name: "aof-use-rdb-preamble", kind: kindBool, def: "yes", mutable: true},
		{name: "appenddirname", kind: kindString, def: "appendonlydir"},
		{name: "auto-aof-rewrite-min-size", kind: kindMemory, min: 0, max: ll, def: "67108864", mutable: true},
		{name: "auto-aof-rewrite-percentage", kind: kindInt, min: 0, max: math.MaxInt32, def: "100", mutable: true},
		{name: "disable-thp", kind: kindBool, def: "yes"},
		{name: "dynamic-hz", kind: kindBool, def: "yes", mutable: true},
		{name: "hash-max-listpack-entries", alias: "hash-max-ziplist-entries", kind: kindInt, min: 0, max: ll, def: "512", mutable: true},
		{name: "hash-max-listpack-value", alias: "hash-max-ziplist-value", kind: kindInt, min: 0, max: ll, def: "64", mutable: true},
		{name: "hll-sparse-max-bytes", kind: kindMemory, min: 0, max: ll, def: "3000", mutable: true},
		{name: "jemalloc-bg-thread", kind: kindBool, def: "yes", mutable: true},
		{name: "lazyfree-lazy-eviction", kind: kindBool, def: "no", mutable: true},
		{name: "lazyfree-lazy-expire", kind: kindBool, def: "no", mutable: true},
		{name: "lazyfree-lazy-server-del", kind: kindBool, def: "no", mutable: true},
		{name: "lazyfree-lazy-user-del", kind: kindBool, def: "no", mutable: true},
		{name: "lazyfree-lazy-user-flush", kind: kindBool, def: "no", mutable: true},
		{name: "list-compress-depth", kind: kindInt, min: 0, max: math.MaxInt32, def: "0", mutable: true},
		{name: "list-max-listpack-size", alias: "list-max-ziplist-size", kind: kindInt, min: math.MinInt32, max: math.MaxInt32, def: "-2", mutable: true},
		{name: "no-appendfsync-on-rewrite", kind: kindBool, def: "no", mutable: true},
		{name: "oom-score-adj", kind: kindEnum, enum: []string{"no", "yes", "relative", "absolute"}, def: "no", mutable: true},
		{name: "oom-score-adj-values", kind: kindString, def: "0 200 800", mutable: true, check: checkOOMScoreAdjValues},
		{name: "proc-title-template", kind: kindString, def: "{title} {listen-addr} {server-mode}", mutable: true},
		{name: "rdb-del-sync-files", kind: kindBool, def: "no", mutable: true},
		{name: "rdb-save-incremental-fsync", kind: kindBool, def: "yes", mutable: true},
		{name: "rdbchecksum", kind: kindBool, def: "yes"},
		{name: "rdbcompression", kind: kindBool, def: "yes", mutable: true},
		{name: "repl-disable-tcp-nodelay", kind: kindBool, def: "no", mutable: true},
		{name: "repl-diskless-load", kind: kindEnum, enum: []string{"disabled", "on-empty-db", "swapdb"}, def: "disabled", mutable: true},
		{name: "repl-diskless-sync", kind: kindBool, def: "yes", mutable: true},
		{name: "repl-diskless-sync-delay", kind: kindInt, min: 0, max: math.MaxInt32, def: "5", mutable: true},
		{name: "repl-diskless-sync-max-replicas", kind: kindInt, min: 0, max: math.MaxInt32, def: "0", mutable: true},
		{name: "replica-lazy-flush", alias: "slave-lazy-flush", kind: kindBool, def: "no", mutable: true},
		{name: "replica-priority", alias: "slave-priority", kind: kindInt, min: 0, max: math.MaxInt32, def: "100", mutable: true},
		{name: "replica-serve-stale-data", alias: "slave-serve-stale-data", kind: kindBool, def: "yes", mutable: true},
		{name: "set-max-intset-entries", kind: kindInt, min: 0, max: ll, def: "512", mutable: true},
		{name: "set-proc-title", kind: kindBool, def: "yes"},
		{name: "zset-max-listpack-entries", alias: "zset-max-ziplist-entries", kind: kindInt, min: 0, max: ll, def: "128", mutable: true},
		{name: "zset-max-listpack-value", alias: "zset-max-ziplist-value", kind: kindInt, min: 0, max: ll, def: "64", mutable: true},
		{name: "hz", kind: kindInt, min: 0, max: math.MaxInt32, def: "10", mutable: true, clamp: clampHz},
		{name: "tcp-keepalive", kind: kindInt, min: 0, max: math.MaxInt32, def: "300", mutable: true},
		{name: "io-threads", kind: kindInt, min: 1, max: 128, def: "1"},
		{name: "cluster-enabled", kind: kindBool, def: "no"},
		{name: "replica-read-only", alias: "slave-read-only", kind: kindBool, def: "yes", mutable: true},
		{name: "enable-debug-command", kind: kindEnum, enum: []string{"no", "yes", "local"}, def: "no"},
		monitorParam("slowlog-log-slower-than", -1, func(m *slowMonitor) *atomic.Int64 { return &m.slower }),
		monitorParam("slowlog-max-len", 0, func(m *slowMonitor) *atomic.Int64 { return &m.maxLen }),
		monitorParam("latency-monitor-threshold", 0, func(m *slowMonitor) *atomic.Int64 { return &m.latThreshold }),
		{name: "latency-tracking", kind: kindBool, mutable: true,
			get: func(s *Server) string { return yesNo(s.stats.mon.tracking.Load()) },
			set: func(s *Server, v string) { s.stats.mon.tracking.Store(v == "yes") }},
		atomicParam("tracking-table-max-keys", kindInt, 0, func(c *config) *atomic.Int64 { return &c.trackingMaxKeys }),
		{name: "acllog-max-len", kind: kindInt, min: 0, max: ll, mutable: true,
			get: func(s *Server) string { return strconv.FormatInt(s.stats.acl.limit(), 10) },
			set: func(s *Server, v string) {
				n, _ := strconv.ParseInt(v, 10, 64)
				s.stats.acl.maxLen.Store(&n)
			}},
		{name: "latency-tracking-info-percentiles", kind: kindString, mutable: true,
			check: func(v string) (string, string) { _, canon, msg := parsePercentiles(v); return canon, msg },
			get:   func(s *Server) string { return s.stats.mon.percentilesString() },
			set: func(s *Server, v string) {
				ps, _, _ := parsePercentiles(v)
				s.stats.mon.percentiles.Store(&ps)
			}},
	}
}

// Redis's bounds of the hz actually used (CONFIG_MIN_HZ, CONFIG_MAX_HZ).
const (
	minHz = 1
	maxHz = 500
)

// clampHz keeps hz within minHz..maxHz, as Redis does with the value
// CONFIG SET or the config file gives.
func clampHz(n int64) int64 { return min(max(n, minHz), maxHz) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// unchanged is the settable check of a parameter runnel cannot change at
// run time: CONFIG SET to the current value succeeds and changes nothing;
// another value gets Redis's text for a parameter that cannot change.
func unchanged(name string) func(s *Server, v string) string {
	return func(s *Server, v string) string {
		if cur, _ := s.ConfigValue(name); cur == v {
			return ""
		}
		return "can't set immutable config"
	}
}

// settableAppendonly: appendonly shows whether the server has a store,
// which it keeps from start to end. Asking for the state it is in
// succeeds; turning it on in the in-memory mode fails with Redis's text
// for an AOF that cannot start; turning the store off is refused.
// checkOOMScoreAdjValues validates oom-score-adj-values as Redis 7.0
// does: three integers from -2000 to 2000 (in any order), its texts
// otherwise.
func checkOOMScoreAdjValues(v string) (string, string) {
	words := strings.Fields(v)
	if len(words) != 3 {
		return "", "wrong number of arguments"
	}
	for _, w := range words {
		n, err := strconv.Atoi(w)
		if err != nil || n < -2000 || n > 2000 {
			return "", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
		}
	}
	return strings.Join(words, " "), ""
}

func settableAppendonly(s *Server, v string) string {
	switch on := s.durable(); {
	case (v == "yes") == on:
		return ""
	case !on:
		s.logf("CONFIG SET appendonly yes: runnel was started without a data directory (--dir \"\") and cannot open a store at run time")
		return "Unable to turn on AOF. Check server logs."
	default:
		return "runnel cannot run without its store once started; restart with --dir \"\" for the in-memory mode"
	}
}

func firstWord(v string) string {
	if f := strings.Fields(v); len(f) > 0 {
		return f[0]
	}
	return ""
}

// port returns the listening port once listening, else the configured one.
func (s *Server) port() int {
	if s.ln != nil {
		if a, ok := s.ln.Addr().(*net.TCPAddr); ok {
			return a.Port
		}
	}
	return s.opts.Port
}

// lookupParam finds a parameter by its name or alias, in any case.
func lookupParam(name string) *param {
	p, _ := lookupParamName(name)
	return p
}

// lookupParamName is lookupParam that also returns the name matched, the
// parameter's or its alias's, as the table spells it. Like Redis, CONFIG
// SET names that one in its errors and treats a name and its alias as two
// parameters when looking for duplicates.
func lookupParamName(name string) (*param, string) {
	for _, p := range params {
		if strings.EqualFold(p.name, name) {
			return p, p.name
		}
		if p.alias != "" && strings.EqualFold(p.alias, name) {
			return p, p.alias
		}
	}
	return nil, ""
}

// parseMemory reads a memory value as Redis's memtoull does: digits and an
// optional unit (b, k=1000, kb=1024, m, mb, g, gb; any case).
func parseMemory(v string) (int64, bool) {
	i := 0
	if strings.HasPrefix(v, "-") {
		return 0, false
	}
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(v[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	var n uint64
	if i > 0 {
		var err error
		if n, err = strconv.ParseUint(v[:i], 10, 64); err != nil {
			return 0, false
		}
	}
	if n > math.MaxUint64/mul {
		return 0, false
	}
	n *= mul
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// normalize validates v for p and returns its canonical form, or Redis's
// error text (without the "CONFIG SET failed" prefix).
func (p *param) normalize(v string) (string, string) {
	switch p.kind {
	case kindInt, kindMemory:
		var n int64
		if p.kind == kindMemory {
			m, ok := parseMemory(v)
			if !ok {
				return "", "argument must be a memory value"
			}
			n = m
		} else {
			x, ok := ParseInt([]byte(v))
			if !ok {
				return "", "argument couldn't be parsed into an integer"
			}
			n = x
		}
		if n < p.min || n > p.max {
			return "", "argument must be between " + strconv.FormatInt(p.min, 10) + " and " + strconv.FormatInt(p.max, 10) + " inclusive"
		}
		if p.clamp != nil {
			n = p.clamp(n)
		}
		return strconv.FormatInt(n, 10), ""
	case kindBool:
		switch strings.ToLower(v) {
		case "yes":
			return "yes", ""
		case "no":
			return "no", ""
		}
		return "", "argument must be 'yes' or 'no'"
	case kindEnum:
		for _, e := range p.enum {
			if strings.EqualFold(e, v) {
				return e, ""
			}
		}
		return "", "argument(s) must be one of the following: " + strings.Join(p.enum, ", ")
	}
	if p.check != nil {
		return p.check(v)
	}
	return v, ""
}

// checkSave validates "seconds changes [seconds changes ...]" or "".
func checkSave(v string) (string, string) {
	f := strings.Fields(v)
	if v != "" && (len(f) == 0 || len(f)%2 != 0) {
		return "", "Invalid save parameters"
	}
	for _, x := range f {
		if _, ok := ParseInt([]byte(x)); !ok {
			return "", "Invalid save parameters"
		}
	}
	return strings.Join(f, " "), ""
}

// The keyspace-event classes, in the order Redis prints them.
const (
	evGeneric = 1 << iota
	evString
	evList
	evSet
	evHash
	evZset
	evExpired
	evEvicted
	evStream
	evModule
	evNew
	evKeyspace
	evKeyevent
	evKeyMiss
	evAll = evGeneric | evString | evList | evSet | evHash | evZset | evExpired | evEvicted | evStream | evModule
)

var eventClasses = []struct {
	c    byte
	flag int
}{
	{'g', evGeneric}, {'$', evString}, {'l', evList}, {'s', evSet}, {'h', evHash}, {'z', evZset},
	{'x', evExpired}, {'e', evEvicted}, {'t', evStream}, {'d', evModule}, {'n', evNew},
}

// keyspaceEventFlags returns the ev* bits of a checked
// notify-keyspace-events value, or 0 when it sends nothing: without K or E,
// or without a class, no event reaches a channel.
func keyspaceEventFlags(v string) int {
	flags, _ := parseKeyspaceEvents(v)
	if flags&(evKeyspace|evKeyevent) == 0 || flags&^(evKeyspace|evKeyevent) == 0 {
		return 0
	}
	return flags
}

// checkKeyspaceEvents parses notify-keyspace-events and returns it in
// canonical form ("AKE" for "KEA"), keeping every class: "AKEn" for "KEAn",
// which CONFIG GET shows as Redis does, "AKE" (see formatKeyspaceEvents).
func checkKeyspaceEvents(v string) (string, string) {
	flags, ok := parseKeyspaceEvents(v)
	if !ok {
		return "", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	}
	return formatKeyspaceEvents(flags, true), ""
}

// formatKeyspaceEvents writes the classes in Redis's order. Redis's own
// form leaves 'n' out after 'A' (though the class stays on); all keeps it.
func formatKeyspaceEvents(flags int, all bool) string {
	var b []byte
	if flags&evAll == evAll {
		b = append(b, 'A')
		if all && flags&evNew != 0 {
			b = append(b, 'n')
		}
	} else {
		for _, ec := range eventClasses {
			if flags&ec.flag != 0 {
				b = append(b, ec.c)
			}
		}
	}
	if flags&evKeyspace != 0 {
		b = append(b, 'K')
	}
	if flags&evKeyevent != 0 {
		b = append(b, 'E')
	}
	if flags&evKeyMiss != 0 {
		b = append(b, 'm')
	}
	return string(b)
}

// parseKeyspaceEvents reads the classes of a notify-keyspace-events value.
func parseKeyspaceEvents(v string) (int, bool) {
	flags := 0
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch ch {
		case 'A':
			flags |= evAll
		case 'K':
			flags |= evKeyspace
		case 'E':
			flags |= evKeyevent
		case 'm':
			flags |= evKeyMiss
		default:
			found := false
			for _, ec := range eventClasses {
				if ec.c == ch {
					flags |= ec.flag
					found = true
				}
			}
			if !found {
				return 0, false
			}
		}
	}
	return flags, true
}

// getParam returns p's current value.
func (s *Server) getParam(p *param) string {
	if p.get != nil {
		return p.get(s)
	}
	return s.config.value(p.name)
}

// applyParam stores a validated value.
func (s *Server) applyParam(p *param, v string) {
	if p.set != nil {
		p.set(s, v)
		return
	}
	s.config.setValue(p.name, v)
}

// setAppendfsync stores appendfsync and hands it to the store, so the new
// policy governs the next commit, as in Redis (a reply of OK that left the
// old policy in force would lose writes the client was told are synced).
func setAppendfsync(s *Server, v string) {
	s.config.setValue("appendfsync", v)
	if ps, ok := s.store.(interface{ SetPolicy(persist.FsyncPolicy) }); ok {
		if p, err := persist.ParseFsync(v); err == nil {
			ps.SetPolicy(p)
		}
	}
}

// ConfigValue returns the current value of a configuration parameter as
// CONFIG GET shows it, and whether the parameter exists. It is safe for
// concurrent use (the persistence layer reads appendfsync through it).
func (s *Server) ConfigValue(name string) (string, bool) {
	p := lookupParam(name)
	if p == nil {
		return "", false
	}
	return s.getParam(p), true
}

// ParamError is SetConfig's error: the parameter is unknown or does not
// take the value. Msg is the reason alone, as Redis words it after "CONFIG
// SET failed" or in a config file error ("argument must be between 0 and
// 65535 inclusive").
type ParamError struct {
	Name, Value, Msg string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("invalid value %q for %s: %s", e.Value, e.Name, e.Msg)
}

// SetConfig sets a configuration parameter at start-up, as a config file or
// flag would; it takes the same names and values as CONFIG SET, and also
// sets the start-up-only parameters (bind, port, dir, enable-debug-command),
// which take effect at Listen. A bad name or value is a *ParamError. It is
// not safe to call concurrently with Listen.
func (s *Server) SetConfig(name, value string) error {
	p := lookupParam(name)
	if p == nil {
		return &ParamError{Name: name, Value: value, Msg: "Bad directive or wrong number of arguments"}
	}
	bad := func(msg string) error { return &ParamError{Name: p.name, Value: value, Msg: msg} }
	v, msg := p.normalize(value)
	if msg != "" {
		return bad(msg)
	}
	switch {
	case p.name == "databases" && v != strconv.Itoa(NumDBs):
		return bad("runnel has " + strconv.Itoa(NumDBs) + " databases; databases cannot be changed")
	case p.name == "appendonly":
		// The store, opened after the settings, makes it yes. A stock
		// redis.conf says no: runnel keeps its data all the same, which
		// loses nothing the file's owner meant to keep.
		if v != "yes" {
			s.logf(`WARNING: appendonly %s ignored: runnel always persists to its data directory (--dir "" runs in memory)`, v)
		}
		return nil
	case (p.name == "bind" || p.name == "port" || p.name == "dir") && s.ln != nil:
		return bad(p.name + " can only be set before the server listens")
	}
	s.applyParam(p, v)
	if p.streams {
		s.mu.Lock()
		s.applyStreamConfigLocked()
		s.mu.Unlock()
	}
	return nil
}

// randomHex returns n random hexadecimal digits.
func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
