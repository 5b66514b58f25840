package commands

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/runnel-db/runnel/stream"
)

// config holds the settings CONFIG GET and CONFIG SET reach. Values read on
// hot paths are atomics; the rest are under mu.
type config struct {
	mu          sync.Mutex
	requirepass string

	nodeMaxEntries atomic.Int64
	nodeMaxBytes   atomic.Int64
	protoMaxBulk   atomic.Int64
	maxclients     atomic.Int64
}

func newConfig() *config {
	c := &config{}
	c.nodeMaxEntries.Store(100)
	c.nodeMaxBytes.Store(4096)
	c.protoMaxBulk.Store(512 << 20)
	c.maxclients.Store(10000)
	return c
}

func (c *config) requirePass() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requirepass
}

func (c *config) maxClients() int { return int(c.maxclients.Load()) }

// streamConfig returns the node limits new streams are created with.
func (s *Server) streamConfig() stream.Config {
	return stream.Config{
		NodeMaxEntries: int(s.config.nodeMaxEntries.Load()),
		NodeMaxBytes:   int(s.config.nodeMaxBytes.Load()),
	}
}

// SetConfig sets a configuration parameter at start-up, as a config file or
// flag would; it takes the same names and values as CONFIG SET.
func (s *Server) SetConfig(name, value string) error {
	switch name {
	case "requirepass":
		s.config.mu.Lock()
		s.config.requirepass = value
		s.config.mu.Unlock()
		return nil
	case "stream-node-max-entries", "stream-node-max-bytes", "proto-max-bulk-len", "maxclients":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 {
			return Error("ERR Invalid argument '" + value + "' for CONFIG SET '" + name + "'")
		}
		switch name {
		case "stream-node-max-entries":
			s.config.nodeMaxEntries.Store(n)
		case "stream-node-max-bytes":
			s.config.nodeMaxBytes.Store(n)
		case "proto-max-bulk-len":
			s.config.protoMaxBulk.Store(n)
		case "maxclients":
			s.config.maxclients.Store(n)
		}
		return nil
	}
	return Error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'")
}
