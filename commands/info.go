package commands

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/pubsub"
)

// INFO [section ...] in Redis's text format: "# Section" headers, one
// "field:value" per line, CRLF line ends, a blank line between sections.
// Fields that describe machinery runnel lacks (forks, replication
// backlogs, Lua) carry the values Redis shows when that machinery is idle.

func init() {
	register(&Command{Name: "info", Arity: -1, Flags: NoKeyspace | Loading | Stale, ACL: []string{"@slow", "@dangerous"},
		Tips:    []string{"nondeterministic_output", "request_policy:all_shards", "response_policy:special"},
		Handler: infoCmd, Summary: "Returns information and statistics about the server.", Since: "1.0.0", Group: "server",
		Complexity: "O(1)", History: [][2]string{{"7.0.0", "Added support for taking multiple section arguments."}}})
}

// infoSections lists every section in output order, and whether INFO
// without arguments ("default") includes it.
var infoSections = []struct {
	name    string
	dflt    bool
	writeFn func(s *Server, b *infoBuilder)
}{
	{"server", true, (*Server).infoServer},
	{"clients", true, (*Server).infoClients},
	{"memory", true, (*Server).infoMemory},
	{"persistence", true, (*Server).infoPersistence},
	{"stats", true, (*Server).infoStats},
	{"replication", true, (*Server).infoReplication},
	{"cpu", true, (*Server).infoCPU},
	{"modules", true, func(*Server, *infoBuilder) {}},
	{"commandstats", false, (*Server).infoCommandstats},
	{"errorstats", true, (*Server).infoErrorstats},
	{"latencystats", false, (*Server).infoLatencystats},
	{"cluster", true, func(s *Server, b *infoBuilder) { b.kv("cluster_enabled", "0") }},
	{"keyspace", true, (*Server).infoKeyspace},
}

// infoBuilder accumulates INFO's text. held says the keyspace lock is
// already held (INFO queued in MULTI and run by EXEC).
type infoBuilder struct {
	strings.Builder
	held bool
}

// lock takes the keyspace lock unless it is held and returns the unlock.
func (b *infoBuilder) lock(s *Server) func() {
	if b.held {
		return func() {}
	}
	s.mu.Lock()
	return s.mu.Unlock
}

func (b *infoBuilder) kv(k, v string) {
	b.WriteString(k)
	b.WriteByte(':')
	b.WriteString(v)
	b.WriteString("\r\n")
}

func (b *infoBuilder) kvi(k string, v int64) { b.kv(k, strconv.FormatInt(v, 10)) }

// INFO [section [section ...]]
func infoCmd(c *Ctx) error {
	want := map[string]bool{}
	all, everything := false, false
	if len(c.Args) == 1 {
		want["default"] = true
	}
	for _, a := range c.Args[1:] {
		want[strings.ToLower(string(a))] = true
	}
	all = want["all"]
	everything = want["everything"]
	c.W.Verbatim("txt", c.S.infoString(want, all, everything, c.InMulti))
	return nil
}

// infoString renders the sections selected by want ("default", section
// names), all (every section but modules') or everything.
func (s *Server) infoString(want map[string]bool, all, everything, held bool) string {
	b := infoBuilder{held: held}
	n := 0
	for _, sec := range infoSections {
		on := everything || want[sec.name] ||
			(all && sec.name != "modules") || (want["default"] && sec.dflt)
		if !on {
			continue
		}
		if n > 0 {
			b.WriteString("\r\n")
		}
		n++
		b.WriteString("# ")
		if sec.name == "cpu" {
			b.WriteString("CPU")
		} else {
			b.WriteString(strings.ToUpper(sec.name[:1]))
			b.WriteString(sec.name[1:])
		}
		b.WriteString("\r\n")
		sec.writeFn(s, &b)
	}
	return b.String()
}

func osString() string {
	rel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		rel = strings.TrimSpace(string(b))
	}
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	}
	name := strings.ToUpper(runtime.GOOS[:1]) + runtime.GOOS[1:]
	return strings.Join(strings.Fields(name+" "+rel+" "+arch), " ")
}

func (s *Server) infoServer(b *infoBuilder) {
	now := time.Now()
	up := now.Sub(s.startTime)
	exe, _ := os.Executable()
	b.kv("redis_version", RedisVersion)
	b.kv("runnel_version", Version)
	b.kv("redis_git_sha1", "00000000")
	b.kv("redis_git_dirty", "0")
	b.kv("redis_build_id", "0")
	b.kv("redis_mode", "standalone")
	b.kv("os", osString())
	b.kv("arch_bits", strconv.Itoa(32<<(^uint(0)>>63)))
	b.kv("monotonic_clock", "POSIX clock_gettime")
	b.kv("multiplexing_api", "epoll")
	b.kv("atomicvar_api", "c11-builtin")
	b.kv("gcc_version", "0.0.0")
	b.kv("go_version", runtime.Version())
	b.kvi("process_id", int64(os.Getpid()))
	b.kv("process_supervised", "no")
	b.kv("run_id", s.config.runID)
	b.kvi("tcp_port", int64(s.port()))
	b.kvi("server_time_usec", now.UnixMicro())
	b.kvi("uptime_in_seconds", int64(up/time.Second))
	b.kvi("uptime_in_days", int64(up/(24*time.Hour)))
	hz := s.config.value("hz")
	b.kv("hz", hz)
	b.kv("configured_hz", hz)
	b.kvi("lru_clock", (now.UnixMilli()/1000)&(1<<24-1))
	b.kv("executable", exe)
	b.kv("config_file", s.config.configFile)
	b.kv("io_threads_active", "0")
	b.kv("listener0", "name=tcp,bind="+s.opts.Bind+",port="+strconv.Itoa(s.port()))
}

// clientCounts are INFO clients' counters that live under the keyspace
// lock.
type clientCounts struct {
	blocked, blockingKeys, onNoKey, inTimeout int
	watching, watchedKeys                     int
}

func (s *Server) clientCountsLocked() clientCounts {
	var cc clientCounts
	seen := map[*waiter]bool{}
	watchers := map[*Client]bool{}
	for _, db := range s.dbs {
		for _, list := range db.waiters {
			cc.blockingKeys++
			group := false
			for _, w := range list {
				if !seen[w] {
					seen[w] = true
					cc.blocked++
					if !w.deadline.IsZero() {
						cc.inTimeout++
					}
				}
				group = group || w.group
			}
			if group {
				cc.onNoKey++
			}
		}
		for _, m := range db.watchers {
			cc.watchedKeys++
			for cl := range m {
				watchers[cl] = true
			}
		}
	}
	for w := range s.keyless {
		cc.blocked++
		if !w.deadline.IsZero() {
			cc.inTimeout++
		}
	}
	cc.watching = len(watchers)
	return cc
}

func (s *Server) infoClients(b *infoBuilder) {
	unlock := b.lock(s)
	cc := s.clientCountsLocked()
	unlock()
	s.clientsMu.Lock()
	n := len(s.clients)
	var maxOut int64 // the largest unsent output now: Redis's "recent" maximum, without its history
	for _, cl := range s.clients {
		if cl.conn != nil {
			maxOut = max(maxOut, outputUsage(cl.conn))
		}
	}
	s.clientsMu.Unlock()
	b.kvi("connected_clients", int64(n))
	b.kv("cluster_connections", "0")
	b.kvi("maxclients", int64(s.config.maxClients()))
	b.kv("client_recent_max_input_buffer", "0")
	b.kvi("client_recent_max_output_buffer", maxOut)
	b.kvi("blocked_clients", int64(cc.blocked)+s.pause.waiting.Load())
	b.kvi("tracking_clients", int64(s.tracking.clients.Load()))
	b.kv("pubsub_clients", strconv.Itoa(s.hub.Active()))
	b.kvi("watching_clients", int64(cc.watching))
	b.kvi("clients_in_timeout_table", int64(cc.inTimeout))
	b.kvi("total_watched_keys", int64(cc.watchedKeys))
	b.kvi("total_blocking_keys", int64(cc.blockingKeys))
	b.kvi("total_blocking_keys_on_nokey", int64(cc.onNoKey))
}

// humanBytes formats n as Redis's bytesToHuman does ("1.79M").
func humanBytes(n int64) string {
	d := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + "B"
	case n < 1024*1024:
		return fmt.Sprintf("%.2fK", d/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.2fM", d/(1024*1024))
	case n < 1024*1024*1024*1024:
		return fmt.Sprintf("%.2fG", d/(1024*1024*1024))
	case n < 1024*1024*1024*1024*1024:
		return fmt.Sprintf("%.2fT", d/(1024*1024*1024*1024))
	default:
		return fmt.Sprintf("%.2fP", d/(1024*1024*1024*1024*1024))
	}
}

// Per-key overhead in runnel's memory estimate: the key map entry, the
// Object, its SCAN index entry and the expires entry when it has a TTL.
const (
	keyOverhead    = 64 + 48 + 24
	expireOverhead = 48
	// startupMemory is the fixed part of the estimate: empty databases,
	// the command table and the server's buffers.
	startupMemory = 1 << 20
)

// memoryEstimate returns runnel's own account of the memory its data
// takes (INFO's used_memory): every stream's MemoryUsage plus per-key and
// per-client overheads. It walks the keyspace under the keyspace lock, so
// it costs O(keys). held says the caller holds that lock already.
func (s *Server) memoryEstimate(held bool) (total, dataset int64) {
	if !held {
		s.mu.Lock()
	}
	for _, db := range s.dbs {
		for k, o := range db.keys {
			dataset += int64(len(k)) + keyOverhead
			if o.Stream != nil {
				dataset += int64(o.Stream.MemoryUsage())
			}
		}
		dataset += int64(len(db.expires)) * expireOverhead
	}
	if !held {
		s.mu.Unlock()
	}
	s.clientsMu.Lock()
	clients := int64(len(s.clients)) * clientOverhead
	s.clientsMu.Unlock()
	return startupMemory + clients + dataset, dataset
}

// rssBytes returns the resident set size from /proc, or 0 off Linux.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func systemMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// heapStats reads the Go runtime's heap figures without stopping the
// world: live heap objects, heap in use (spans), and memory mapped from
// the OS for the heap.
func heapStats() (objects, inUse, mapped int64) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/total:bytes"},
	}
	metrics.Read(samples)
	val := func(i int) int64 {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			return int64(samples[i].Value.Uint64())
		}
		return 0
	}
	return val(0), val(0) + val(1), val(2)
}

func (s *Server) infoMemory(b *infoBuilder) {
	used, dataset := s.memoryEstimate(b.held)
	peak := s.stats.notePeak(used)
	rss := rssBytes()
	objects, inUse, mapped := heapStats()
	maxmem, _ := parseMemory(s.config.value("maxmemory"))
	sys := systemMemory()
	overhead := used - dataset
	perc := func(a, b int64) string {
		if b == 0 {
			return "0.00%"
		}
		return fmt.Sprintf("%.2f%%", float64(a)*100/float64(b))
	}
	ratio := func(a, b int64) string {
		if b == 0 {
			return "0.00"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	b.kvi("used_memory", used)
	b.kv("used_memory_human", humanBytes(used))
	b.kvi("used_memory_rss", rss)
	b.kv("used_memory_rss_human", humanBytes(rss))
	b.kvi("used_memory_peak", peak)
	b.kv("used_memory_peak_human", humanBytes(peak))
	b.kv("used_memory_peak_perc", perc(used, peak))
	b.kvi("used_memory_overhead", overhead)
	b.kvi("used_memory_startup", startupMemory)
	b.kvi("used_memory_dataset", dataset)
	b.kv("used_memory_dataset_perc", perc(dataset, used-startupMemory))
	b.kvi("allocator_allocated", objects)
	b.kvi("allocator_active", inUse)
	b.kvi("allocator_resident", mapped)
	b.kvi("total_system_memory", sys)
	b.kv("total_system_memory_human", humanBytes(sys))
	b.kv("used_memory_lua", "0")
	b.kv("used_memory_scripts", "0")
	b.kv("number_of_cached_scripts", "0")
	b.kvi("maxmemory", maxmem)
	b.kv("maxmemory_human", humanBytes(maxmem))
	b.kv("maxmemory_policy", s.config.value("maxmemory-policy"))
	b.kv("allocator_frag_ratio", ratio(inUse, objects))
	b.kvi("allocator_frag_bytes", inUse-objects)
	b.kv("mem_fragmentation_ratio", ratio(rss, used))
	b.kvi("mem_fragmentation_bytes", rss-used)
	b.kv("mem_not_counted_for_evict", "0")
	b.kv("mem_replication_backlog", "0")
	b.kv("mem_clients_slaves", "0")
	b.kvi("mem_clients_normal", overhead-startupMemory)
	b.kv("mem_aof_buffer", "0")
	b.kv("mem_allocator", "go-"+runtime.Version())
	b.kv("active_defrag_running", "0")
	b.kv("lazyfree_pending_objects", "0")
	b.kv("lazyfreed_objects", "0")
}

func (s *Server) infoPersistence(b *infoBuilder) {
	unlock := b.lock(s)
	dirty := s.dirty
	unlock()
	for _, kv := range s.persistenceInfo(dirty) {
		b.kv(kv[0], kv[1])
	}
}

func (s *Server) infoStats(b *infoBuilder) {
	st := &s.stats
	b.kvi("total_connections_received", st.connections.Load())
	b.kvi("total_commands_processed", st.commands.Load())
	b.kvi("instantaneous_ops_per_sec", st.opsPerSecond(time.Now()))
	b.kvi("total_net_input_bytes", st.netIn.Load())
	b.kvi("total_net_output_bytes", st.netOut.Load())
	b.kv("total_net_repl_input_bytes", "0")
	b.kv("total_net_repl_output_bytes", "0")
	b.kvi("rejected_connections", st.rejectedConns.Load())
	b.kv("sync_full", "0")
	b.kv("sync_partial_ok", "0")
	b.kv("sync_partial_err", "0")
	b.kvi("expired_keys", st.expired.Load())
	b.kv("expired_subkeys", "0")
	b.kv("evicted_keys", "0")
	b.kv("evicted_clients", "0")
	b.kvi("keyspace_hits", st.hits.Load())
	b.kvi("keyspace_misses", st.misses.Load())
	b.kv("pubsub_channels", strconv.Itoa(s.hub.Len(pubsub.Channel)))
	b.kv("pubsub_patterns", strconv.Itoa(s.hub.Len(pubsub.Pattern)))
	b.kv("pubsubshard_channels", strconv.Itoa(s.hub.Len(pubsub.Shard)))
	b.kv("latest_fork_usec", "0")
	b.kv("total_forks", "0")
	b.kvi("tracking_total_keys", s.tracking.statKeys.Load())
	b.kvi("tracking_total_items", s.tracking.statItems.Load())
	b.kvi("tracking_total_prefixes", s.tracking.statPrefixes.Load())
	b.kv("unexpected_error_replies", "0")
	b.kvi("total_error_replies", st.errors.Load())
	b.kv("dump_payload_sanitizations", "0")
	b.kv("client_query_buffer_limit_disconnections", "0")
	b.kvi("client_output_buffer_limit_disconnections", s.stats.outputLimitClosed.Load())
	b.kv("acl_access_denied_auth", strconv.FormatInt(st.authFailures.Load(), 10))
	b.kv("acl_access_denied_cmd", "0")
	b.kv("acl_access_denied_key", "0")
	b.kv("acl_access_denied_channel", "0")
}

func (s *Server) infoReplication(b *infoBuilder) {
	b.kv("role", "master")
	b.kv("connected_slaves", "0")
	b.kv("master_failover_state", "no-failover")
	b.kv("master_replid", s.config.runID)
	b.kv("master_replid2", "0000000000000000000000000000000000000000")
	b.kv("master_repl_offset", "0")
	b.kv("second_repl_offset", "-1")
	b.kv("repl_backlog_active", "0")
	b.kv("repl_backlog_size", "1048576")
	b.kv("repl_backlog_first_byte_offset", "0")
	b.kv("repl_backlog_histlen", "0")
}

func (s *Server) infoCPU(b *infoBuilder) {
	self, children := cpuTimes()
	b.kv("used_cpu_sys", fmt.Sprintf("%.6f", self[0]))
	b.kv("used_cpu_user", fmt.Sprintf("%.6f", self[1]))
	b.kv("used_cpu_sys_children", fmt.Sprintf("%.6f", children[0]))
	b.kv("used_cpu_user_children", fmt.Sprintf("%.6f", children[1]))
}

func (s *Server) infoCommandstats(b *infoBuilder) {
	type line struct {
		name string
		cs   *cmdStat
	}
	var lines []line
	for cmd, cs := range s.stats.perCmd {
		if cs.calls.Load() == 0 && cs.rejected.Load() == 0 && cs.failed.Load() == 0 {
			continue
		}
		lines = append(lines, line{cmd.Name, cs})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	for _, l := range lines {
		calls, usec := l.cs.calls.Load(), l.cs.usec.Load()
		per := 0.0
		if calls > 0 {
			per = float64(usec) / float64(calls)
		}
		b.kv("cmdstat_"+l.name, fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
			calls, usec, per, l.cs.rejected.Load(), l.cs.failed.Load()))
	}
}

func (s *Server) infoErrorstats(b *infoBuilder) {
	codes, counts := s.stats.errorCounts()
	for i, code := range codes {
		b.kv("errorstat_"+code, "count="+strconv.FormatInt(counts[i], 10))
	}
}

func (s *Server) infoKeyspace(b *infoBuilder) {
	now := nowMs()
	defer b.lock(s)()
	for _, db := range s.dbs {
		if len(db.keys) == 0 {
			continue
		}
		var sum, n int64
		for k := range db.expires {
			if o := db.keys[k]; o != nil && o.Expire > now {
				sum += o.Expire - now
				n++
			}
		}
		avg := int64(0)
		if n > 0 {
			avg = sum / n
		}
		b.kv("db"+strconv.Itoa(db.index), fmt.Sprintf("keys=%d,expires=%d,avg_ttl=%d,subexpiry=0", len(db.keys), len(db.expires), avg))
	}
}
