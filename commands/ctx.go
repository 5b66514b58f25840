package commands

import (
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/resp"
)

// Ctx is what a handler sees of one command run: its arguments, where its
// reply goes, the client and database it runs for, and the command's clock.
// Handlers of keyspace commands run under the keyspace lock.
type Ctx struct {
	S    *Server
	C    *Client
	Cmd  *Command
	Args [][]byte
	W    *resp.Writer
	DB   *DB
	// Now is the command's time in Unix ms, taken once per top-level command
	// (a whole MULTI/EXEC shares one, as in Redis 7.4).
	Now int64
	// InMulti is set inside EXEC, where nothing may block.
	InMulti bool
	// Waking is set when a blocked command runs again because a key it
	// waits on was signalled.
	Waking bool
	// block is set by Block when the command must wait.
	block *waiter
	// claimRead marks an XREADGROUP ... CLAIM about to wait, and claimAt
	// is when its earliest pending entry becomes claimable (Unix ms, 0:
	// none): the waiter then also wakes at that time (block.go).
	claimRead bool
	claimAt   int64
}

// Lookup returns the live object at key in the command's database, or nil.
func (c *Ctx) Lookup(key []byte) *Object { return c.S.lookup(c, c.DB, key) }

// LookupRead is Lookup for a command that reads the key: like Redis's
// read lookups it counts in INFO's keyspace_hits or keyspace_misses (the
// figures monitoring tools turn into a hit ratio). Commands that only write
// or inspect use Lookup.
func (c *Ctx) LookupRead(key []byte) *Object {
	o := c.Lookup(key)
	c.S.stats.keyspaceRead(o != nil)
	return o
}

// Peek is Lookup for introspection: it does not count as an access to the
// key (OBJECT IDLETIME, OBJECT FREQ), as Redis's TYPE, EXISTS, TTL,
// OBJECT, MEMORY USAGE and RANDOMKEY do not.
func (c *Ctx) Peek(key []byte) *Object { return c.S.lookupNoTouch(c, c.DB, key) }

// PeekRead is Peek counted in keyspace_hits or keyspace_misses, like
// LookupRead.
func (c *Ctx) PeekRead(key []byte) *Object {
	o := c.Peek(key)
	c.S.stats.keyspaceRead(o != nil)
	return o
}

// Create makes an empty stream at key, which must not exist.
func (c *Ctx) Create(key []byte) *Object { return c.S.createKey(c.DB, key) }

// Delete removes key, reporting whether it existed.
func (c *Ctx) Delete(key []byte) bool { return c.S.deleteKey(c.DB, string(key)) }

// Batch returns the batch collecting the running command's effects.
func (c *Ctx) Batch() *persist.Batch { return c.S.batch }

// Dirty counts n changes for INFO persistence's rdb_changes_since_last_save.
func (c *Ctx) Dirty(n int) { c.S.dirty += int64(n) }

// Signal marks key as changed for clients blocked on it: they run again
// when the current command ends. With nobody blocked in the database it
// costs one length check.
func (c *Ctx) Signal(key []byte) {
	if len(c.DB.waiters) != 0 {
		c.S.signalKeyBytes(c.DB, key)
	}
}

// Touch marks key as modified for WATCH. With no key WATCHed in the
// database it costs one length check.
func (c *Ctx) Touch(key []byte) {
	if len(c.DB.watchers) != 0 || c.S.tracking.active() {
		c.S.touchKey(c.DB, string(key))
	}
}

// lockKeyspace takes the keyspace lock for a command that runs without it
// (NoKeyspace) but must read the keyspace, and returns the unlock. Inside
// EXEC the lock is already held, so it does nothing there.
func (c *Ctx) lockKeyspace() func() {
	if c.InMulti {
		return func() {}
	}
	c.S.mu.Lock()
	return c.S.mu.Unlock
}
