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

	mu       sync.Mutex
	perCmd   map[*Command]*cmdStat
	perError map[string]int64
}

type cmdStat struct {
	calls, usec, rejected, failed atomic.Int64
}

func (st *stats) init() {
	st.perCmd = map[*Command]*cmdStat{}
	st.perError = map[string]int64{}
	var add func(c *Command)
	add = func(c *Command) {
		st.perCmd[c] = &cmdStat{}
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

// rejected counts a command refused before it ran.
func (st *stats) rejected(cmd *Command, err error) {
	st.commands.Add(1)
	st.countError(err)
	if cmd != nil {
		if cs := st.perCmd[cmd]; cs != nil {
			cs.rejected.Add(1)
		}
	}
}

// called counts a command that ran, failed or not.
func (st *stats) called(cmd *Command, err error, d time.Duration) {
	st.commands.Add(1)
	cs := st.perCmd[cmd]
	if cs == nil {
		return
	}
	cs.calls.Add(1)
	cs.usec.Add(d.Microseconds())
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
	for _, cs := range st.perCmd {
		cs.calls.Store(0)
		cs.usec.Store(0)
		cs.rejected.Store(0)
		cs.failed.Store(0)
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
