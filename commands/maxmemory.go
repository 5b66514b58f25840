package commands

import (
	"sync/atomic"
	"time"
)

// memGuard enforces maxmemory as Redis's noeviction policy does: while the
// memory INFO reports as used_memory is above maxmemory, commands that may
// grow the data (the denyoom ones: XADD, XGROUP CREATE, ...) are refused
// with OOM, and everything else runs, deletions and trims included, so a
// client can make room. runnel evicts nothing under any policy: dropping
// messages from a durable queue to make room is not a choice to make for
// its users, so every maxmemory-policy refuses writes the way noeviction
// does.
//
// used_memory is an estimate that walks the keyspace (memoryEstimate), so
// it is measured at most every memCheckInterval, on the first such command
// after the interval, rather than on every command as Redis reads its
// allocator's counter.
type memGuard struct {
	checked atomic.Int64 // when used was measured, Unix ns; 0: never
	used    atomic.Int64
}

// memCheckInterval is how long a measurement of used_memory serves.
const memCheckInterval = 100 * time.Millisecond

// overMaxmemory reports whether used memory is above maxmemory, measuring
// it again (under the keyspace lock, which must not be held) when the last
// measurement is older than memCheckInterval. now is the command's start.
// Without a limit it costs one atomic load.
func (s *Server) overMaxmemory(now time.Time) bool {
	limit := s.config.maxmemory.Load()
	if limit <= 0 {
		return false
	}
	if t := s.mem.checked.Load(); t == 0 || now.UnixNano()-t >= int64(memCheckInterval) {
		used, _ := s.memoryEstimate(false)
		s.mem.used.Store(used)
		s.mem.checked.Store(now.UnixNano())
	}
	return s.mem.used.Load() > limit
}

// oomChecked reports whether cmd is refused while used memory is above
// maxmemory: a command that may grow the data, and, as in Redis, any
// command sent inside MULTI but EXEC, DISCARD, QUIT and RESET (queueing
// could take memory without bound); a refused one makes EXEC fail.
func oomChecked(c *Client, cmd *Command) bool {
	if cmd.Flags&Denyoom != 0 {
		return true
	}
	if !c.multi {
		return false
	}
	switch cmd.Name {
	case "exec", "discard", "quit", "reset":
		return false
	}
	return true
}
