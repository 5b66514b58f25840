package commands

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// stats are the counters behind INFO stats, commandstats and errorstats.
// They are updated from every connection goroutine, so they are atomics or
// under their own mutex.
type stats struct {
	commands    atomic.Int64 // total_commands_processed
	errors      atomic.Int64 // total_error_replies
	connections atomic.Int64 // total_connections_received
	rejectedAll atomic.Int64
	// rejectedConns counts connections refused at maxclients.
	rejectedConns atomic.Int64
	// outputLimitClosed counts connections closed for their output
	// buffer limit (client_output_buffer_limit_disconnections).
	outputLimitClosed atomic.Int64
	// expired counts keys removed because their TTL passed (expired_keys).
	expired atomic.Int64
	// hits and misses count read lookups of keys that existed and did not
	// (keyspace_hits, keyspace_misses).
	hits, misses atomic.Int64
	// authFailures counts failed AUTH/HELLO AUTH (acl_access_denied_auth).
	authFailures atomic.Int64
	// netIn and netOut count the bytes read from the clients' sockets and
	// the replies written (total_net_input_bytes, total_net_output_bytes).
	netIn, netOut atomic.Int64

	// opsMu guards the last sample of total_commands_processed that
	// instantaneous_ops_per_sec is computed against.
	opsMu     sync.Mutex
	opsAt     time.Time
	opsCount  int64
	opsPerSec int64

	// peak is the highest memory estimate INFO has reported.
	peak atomic.Int64

	mu     sync.Mutex
	perCmd map[*Command]*cmdStat
	// byID holds perCmd's counters by Command.statID, so counting a call
	// needs no map lookup. perCmd and byID are written only by init.
	byID     []*cmdStat
	perError map[string]int64

	// mon is the slow log and the latency monitor (slowlog.go, latency.go).
	mon slowMonitor
	// acl is the ACL log of failed authentications (acl.go).
	acl aclLog
}

type cmdStat struct {
	calls, usec, rejected, failed atomic.Int64
	// hist counts the calls by duration bucket (LATENCY HISTOGRAM,
	// INFO latencystats) while latency-tracking is on. It is made on the
	// row's first tracked call: at 14 KB a row, making all of them at
	// start-up would hold megabytes for commands a server never sees.
	hist atomic.Pointer[cmdHist]
}

// cmdHist is a command's histogram of call durations (latencyhist.go).
type cmdHist [histBuckets]atomic.Int64

// buckets returns cs's histogram, making it if it has none yet.
func (cs *cmdStat) buckets() *cmdHist {
	if h := cs.hist.Load(); h != nil {
		return h
	}
	cs.hist.CompareAndSwap(nil, new(cmdHist))
	return cs.hist.Load()
}

// histTotal returns the calls the histogram counted.
func (cs *cmdStat) histTotal() int64 {
	h := cs.hist.Load()
	if h == nil {
		return 0
	}
	var n int64
	for i := range h {
		n += h[i].Load()
	}
	return n
}

func (st *stats) init() {
	st.mon.init()
	st.perCmd = map[*Command]*cmdStat{}
	st.byID = make([]*cmdStat, registered+1)
	st.perError = map[string]int64{}
	var add func(c *Command)
	add = func(c *Command) {
		cs := &cmdStat{}
		st.perCmd[c] = cs
		if c.statID > 0 && c.statID < len(st.byID) {
			st.byID[c.statID] = cs
		}
		for _, s := range c.Sub {
			add(s)
		}
	}
	for _, c := range table {
		add(c)
	}
}

func errorCode(err error) string {
	if e, ok := err.(Error); ok {
		return e.Code()
	}
	return "ERR"
}

func (st *stats) countError(err error) {
	st.errors.Add(1)
	st.mu.Lock()
	st.perError[errorCode(err)]++
	st.mu.Unlock()
}

// lookup returns cmd's counters, nil for nil or a row that has none.
func (st *stats) lookup(cmd *Command) *cmdStat {
	if cmd == nil || cmd.statID <= 0 || cmd.statID >= len(st.byID) {
		return nil
	}
	return st.byID[cmd.statID]
}

// rejected counts a command refused before it ran. Like Redis, it counts
// as an error reply but not as a processed command.
func (st *stats) rejected(cmd *Command, err error) {
	st.countError(err)
	if cs := st.lookup(cmd); cs != nil {
		cs.rejected.Add(1)
	}
}

// called counts a command that ran, failed or not.
func (st *stats) called(cmd *Command, err error, d time.Duration) {
	st.commands.Add(1)
	cs := st.lookup(cmd)
	if cs == nil {
		return
	}
	cs.calls.Add(1)
	us := d.Microseconds()
	cs.usec.Add(us)
	if st.mon.tracking.Load() {
		cs.buckets()[histBucket(us)].Add(1)
	}
	if err != nil {
		cs.failed.Add(1)
		st.countError(err)
	}
}

// reset zeroes the counters (CONFIG RESETSTAT).
func (st *stats) reset() {
	st.commands.Store(0)
	st.errors.Store(0)
	st.connections.Store(0)
	st.rejectedConns.Store(0)
	st.expired.Store(0)
	st.hits.Store(0)
	st.misses.Store(0)
	st.authFailures.Store(0)
	st.netIn.Store(0)
	st.netOut.Store(0)
	for _, cs := range st.perCmd {
		cs.calls.Store(0)
		cs.usec.Store(0)
		cs.rejected.Store(0)
		cs.failed.Store(0)
		if h := cs.hist.Load(); h != nil {
			for i := range h {
				h[i].Store(0)
			}
		}
	}
	st.mu.Lock()
	st.perError = map[string]int64{}
	st.mu.Unlock()
}

// errorCounts returns errorstats' codes and counts, sorted by code.
func (st *stats) errorCounts() ([]string, []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	codes := make([]string, 0, len(st.perError))
	for k := range st.perError {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	n := make([]int64, len(codes))
	for i, k := range codes {
		n[i] = st.perError[k]
	}
	return codes, n
}

// opsPerSecond returns the command rate between the previous call and
// this one when they are at most 10 s apart (INFO's
// instantaneous_ops_per_sec; Redis samples it every 100 ms instead).
func (st *stats) opsPerSecond(now time.Time) int64 {
	st.opsMu.Lock()
	defer st.opsMu.Unlock()
	n := st.commands.Load()
	if d := now.Sub(st.opsAt); d >= 100*time.Millisecond {
		if d <= 10*time.Second && n >= st.opsCount {
			st.opsPerSec = int64(float64(n-st.opsCount) / d.Seconds())
		} else {
			st.opsPerSec = 0
		}
		st.opsAt, st.opsCount = now, n
	}
	return st.opsPerSec
}

// notePeak records used as a candidate peak and returns the peak.
func (st *stats) notePeak(used int64) int64 {
	for {
		p := st.peak.Load()
		if used <= p {
			return p
		}
		if st.peak.CompareAndSwap(p, used) {
			return used
		}
	}
}

// keyspaceRead counts one read lookup of a key, found or not.
func (st *stats) keyspaceRead(found bool) {
	if found {
		st.hits.Add(1)
	} else {
		st.misses.Add(1)
	}
}
