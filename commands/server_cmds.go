package commands

import (
	"net"
	"strconv"
	"time"
)

// Server commands: TIME, LASTSAVE, ROLE, SHUTDOWN and DEBUG (debug.go).

func init() {
	register(
		&Command{Name: "time", Arity: 1, Flags: NoKeyspace | Loading | Stale | Fast, ACL: []string{"@fast"},
			Tips:    []string{"nondeterministic_output"},
			Handler: timeCmd, Summary: "Returns the server time.", Since: "2.6.0", Group: "server", Complexity: "O(1)"},
		&Command{Name: "lastsave", Arity: 1, Flags: NoKeyspace | Loading | Stale | Fast, ACL: []string{"@admin", "@fast", "@dangerous"},
			Tips:    []string{"nondeterministic_output"},
			Handler: lastsaveCmd, Summary: "Returns the Unix timestamp of the last successful save to disk.", Since: "1.0.0", Group: "server", Complexity: "O(1)"},
		&Command{Name: "role", Arity: 1, Flags: NoKeyspace | NoScript | Loading | Stale | Fast, ACL: []string{"@admin", "@fast", "@dangerous"},
			Handler: roleCmd, Summary: "Returns the replication role.", Since: "2.8.12", Group: "server", Complexity: "O(1)"},
		&Command{Name: "shutdown", Arity: -1, Flags: NoKeyspace | Admin | NoScript | Loading | Stale | DenyMulti | AllowBusy, ACL: []string{"@admin", "@slow", "@dangerous"},
			Handler: shutdownCmd, Summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.", Since: "1.0.0", Group: "server",
			Complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
			History:    [][2]string{{"7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."}}},
		&Command{Name: "debug", Arity: -2, Flags: Admin | NoScript | Loading | Stale | Protected, ACL: []string{"@admin", "@slow", "@dangerous"},
			Handler: debugCmd, Summary: "A container for debugging commands.", Since: "1.0.0", Group: "server", Complexity: "Depends on subcommand."},
	)
}

// TIME
func timeCmd(c *Ctx) error {
	now := time.Now()
	c.W.Array(2)
	c.W.BulkString(strconv.FormatInt(now.Unix(), 10))
	c.W.BulkString(strconv.Itoa(now.Nanosecond() / 1000))
	return nil
}

// LASTSAVE: the time of the last SAVE/BGSAVE backup (save.go), or the
// time the server started, as Redis reports before its first save.
func lastsaveCmd(c *Ctx) error {
	c.W.Int(c.S.lastSaveTime())
	return nil
}

// ROLE: always a master without replicas.
func roleCmd(c *Ctx) error {
	c.W.Array(3)
	c.W.BulkString("master")
	c.W.Int(0)
	c.W.Array(0)
	return nil
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
//
// Every acknowledged write is already committed; SAVE also writes a backup
// first (save.go), as does a SHUTDOWN without NOSAVE while the save
// parameter has save points, and a failed one stops the shutdown unless
// FORCE. On
// success nothing is replied: the server closes every connection, this one
// included, after its last commit.
func shutdownCmd(c *Ctx) error {
	var save, nosave, abort, other, force bool
	for _, a := range c.Args[1:] {
		switch {
		case EqualFold(a, "nosave"):
			nosave = true
		case EqualFold(a, "save"):
			save = true
		case EqualFold(a, "now"):
			other = true
		case EqualFold(a, "force"):
			other, force = true, true
		case EqualFold(a, "abort"):
			abort = true
		default:
			return ErrSyntax
		}
	}
	if (abort && (save || nosave || other)) || (save && nosave) {
		return ErrSyntax
	}
	if abort {
		return Error("ERR No shutdown in progress.")
	}
	if c.S.shutdown == nil {
		return ErrShutdownFailed
	}
	// As Redis: SAVE backs up, and so does a plain SHUTDOWN while save
	// points are configured; NOSAVE never.
	if save || !nosave && c.S.config.value("save") != "" {
		if err := c.S.saveBeforeShutdown(force); err != nil {
			return err
		}
	}
	c.S.logf("user requested shutdown")
	c.C.closeAfterReply = true
	c.S.shutdown()
	return nil
}

// protectedAllowed reports whether c may run a Protected command (DEBUG)
// under enable-debug-command: "yes" from anywhere, "local" from a loopback
// address (Redis counts 127.0.0.1, ::1 and Unix sockets as local; runnel
// counts every loopback address), "no" never.
func (s *Server) protectedAllowed(c *Client) bool {
	switch s.config.value("enable-debug-command") {
	case "yes":
		return true
	case "local":
		return isLoopback(c.addr)
	}
	return false
}

// isLoopback reports whether a host:port address is on the loopback
// interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
