package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/runnel-db/runnel/commands"
)

// Every client holds a file descriptor (its socket), and so do runnel's own
// files: the store's tables, which Pebble keeps open once read, its log
// segments, manifest and lock, the listener. A burst of clients that uses
// up the descriptor limit (ulimit -n) leaves the server unable to accept the
// clients beyond it, which wait for nothing, and the store unable to open a
// file. As Redis does at start-up, fitClientsToFDs raises the soft limit to
// the hard one and, if the limit still has no room for maxclients, lowers
// maxclients with a warning: a client over maxclients is answered "-ERR max
// number of clients reached" and closed.

// reservedFDs are the descriptors kept, on top of those open when the
// server starts, for the files runnel opens later: tables that flushes and
// compactions write, new log segments, a backup's files. Redis keeps 32.
const reservedFDs = 32

// fdSystem is the process's descriptor limit and use (fakes in tests).
type fdSystem interface {
	// limit returns the soft and hard RLIMIT_NOFILE.
	limit() (soft, hard uint64, err error)
	// setSoft sets the soft limit, keeping the hard one.
	setSoft(soft, hard uint64) error
	// open counts the descriptors open now, -1 when it cannot tell.
	open() int
}

// fitClientsToFDs makes maxclients fit the descriptor limit, as described
// above, and caps CONFIG SET maxclients at what fits (LimitClients). It
// returns an error, for the server not to start, when the limit leaves no
// room for a single client.
func fitClientsToFDs(srv *commands.Server, sys fdSystem, logf func(format string, args ...any)) error {
	v, _ := srv.ConfigValue("maxclients")
	maxclients, _ := strconv.ParseUint(v, 10, 64)
	soft, hard, err := sys.limit()
	if err != nil {
		logf("WARNING: cannot read the file descriptor limit (%v): maxclients %d is not checked against it", err, maxclients)
		return nil
	}
	inUse := sys.open()
	if inUse < 0 {
		inUse = 0
	}
	reserve := uint64(inUse) + reservedFDs
	need := maxclients + reserve
	if soft < need && soft < hard {
		// Raise to the hard limit rather than to need, so that CONFIG SET
		// maxclients has the room later, as far as the system allows.
		err := sys.setSoft(hard, hard)
		if err != nil && need < hard {
			err = sys.setSoft(need, hard)
		}
		if err != nil {
			logf("WARNING: cannot raise the file descriptor limit from %d toward %d: %v", soft, hard, err)
		} else if soft, hard, err = sys.limit(); err != nil {
			logf("WARNING: cannot read the file descriptor limit (%v): maxclients %d is not checked against it", err, maxclients)
			return nil
		}
	}
	if soft <= reserve {
		return fmt.Errorf("the file descriptor limit (ulimit -n) of %d is not enough to start: runnel keeps %d descriptors for its own files (%d open now, %d for the files it opens later) and needs one more per client; raise it to at least %d", soft, reserve, inUse, reservedFDs, reserve+1)
	}
	allowed := min(soft-reserve, math.MaxUint32)
	if was, lowered := srv.LimitClients(int(allowed)); lowered {
		logf("WARNING: maxclients %d needs %d file descriptors (%d open now, %d kept for the files runnel opens later), but the limit (ulimit -n) is %d, hard limit %d: maxclients reduced to %d; raise 'ulimit -n' for more clients", was, uint64(was)+reserve, inUse, reservedFDs, soft, hard, allowed)
	}
	return nil
}
