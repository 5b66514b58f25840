package commands

import (
	"github.com/runnel-db/runnel/persist"
)

// RENAME, RENAMENX, MOVE, SWAPDB, FLUSHDB and FLUSHALL: the commands that
// move objects between names and databases or drop databases whole. An
// object keeps its UID wherever it goes, so the store rewrites only key
// records.

func init() {
	ks := func(acl ...string) []string { return append([]string{"@keyspace"}, acl...) }
	register(
		&Command{Name: "rename", Arity: 3, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, ACL: ks("@write", "@slow"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "access", "delete"), rangeSpec(2, 0, "OW", "update")},
			Handler:  renameCmd, Summary: "Renames a key and overwrites the destination.", Since: "1.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "renamenx", Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 2, Step: 1, ACL: ks("@write", "@fast"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "access", "delete"), rangeSpec(2, 0, "OW", "insert")},
			Handler:  renameCmd, Summary: "Renames a key only when the target key name doesn't exist.", Since: "1.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "move", Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@write", "@fast"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "access", "update")},
			Handler:  moveCmd, Summary: "Moves a key to another database.", Since: "1.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "swapdb", Arity: 3, Flags: Write | Fast, ACL: ks("@write", "@fast", "@dangerous"),
			Handler: swapdbCmd, Summary: "Swaps two Redis databases.", Since: "4.0.0", Group: "server", Complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases."},
		&Command{Name: "flushdb", Arity: -1, Flags: Write, ACL: ks("@write", "@slow", "@dangerous"),
			Tips:    []string{"request_policy:all_shards", "response_policy:all_succeeded"},
			Handler: flushdbCmd, Summary: "Remove all keys from the current database.", Since: "1.0.0", Group: "server", Complexity: "O(N) where N is the number of keys in the selected database"},
		&Command{Name: "flushall", Arity: -1, Flags: Write, ACL: ks("@write", "@slow", "@dangerous"),
			Tips:    []string{"request_policy:all_shards", "response_policy:all_succeeded"},
			Handler: flushallCmd, Summary: "Removes all keys from all databases.", Since: "1.0.0", Group: "server", Complexity: "O(N) where N is the total number of keys in all databases"},
	)
}

// relocate moves the object at key src of db from to key dst of db to,
// which must be free: key records are rewritten, the data (its UID) stays.
// Both names are signalled — XREADGROUP clients blocked on the old name
// then fail, and clients blocked on the new name see the stream that
// arrived — and both are touched for WATCH.
func (s *Server) relocate(from *DB, src string, to *DB, dst string) {
	o := from.unlink(src)
	s.batch.Add(persist.Op{Kind: persist.KeyDel, DB: from.index, Key: src})
	to.add(dst, o)
	s.batch.Add(persist.Op{Kind: persist.KeyPut, DB: to.index, Key: dst, UID: o.UID, Expire: o.Expire})
	s.notifyDB(evNew, "new", to.index, []byte(dst))
	s.signalKey(from, src)
	s.touchKey(from, src)
	s.signalKey(to, dst)
	s.touchKey(to, dst)
}

// RENAME key newkey / RENAMENX key newkey
func renameCmd(c *Ctx) error {
	nx := c.Cmd.Name == "renamenx"
	src, dst := c.Args[1], c.Args[2]
	if c.Lookup(src) == nil {
		return ErrNoSuchKey
	}
	if string(src) == string(dst) {
		if nx {
			c.W.Int(0)
		} else {
			c.W.OK()
		}
		return nil
	}
	if c.Lookup(dst) != nil {
		if nx {
			c.W.Int(0)
			return nil
		}
		c.Delete(dst)
	}
	c.S.relocate(c.DB, string(src), c.DB, string(dst))
	c.Dirty(1)
	c.Notify(evGeneric, "rename_from", src)
	c.Notify(evGeneric, "rename_to", dst)
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
	return nil
}

// parseDBIndex reads a database number as Redis's getIntFromObjectOrReply
// does: msg replaces both of its errors when given.
func parseDBIndex(b []byte, msg Error) (int, error) {
	v, ok := ParseInt(b)
	if !ok {
		if msg != "" {
			return 0, msg
		}
		return 0, ErrNotInteger
	}
	if v < -1<<31 || v > 1<<31-1 {
		if msg != "" {
			return 0, msg
		}
		return 0, ErrIntRange
	}
	return int(v), nil
}

// MOVE key db
func moveCmd(c *Ctx) error {
	id, err := parseDBIndex(c.Args[2], "")
	if err != nil {
		return err
	}
	if id < 0 || id >= NumDBs {
		return ErrDBIndex
	}
	dst := c.S.dbs[id]
	if dst == c.DB {
		return ErrSameObject
	}
	key := c.Args[1]
	if c.Lookup(key) == nil || c.S.lookup(c, dst, key) != nil {
		c.W.Int(0)
		return nil
	}
	c.S.relocate(c.DB, string(key), dst, string(key))
	c.Dirty(1)
	c.Notify(evGeneric, "move_from", key)
	c.S.notifyDB(evGeneric, "move_to", dst.index, key)
	c.W.Int(1)
	return nil
}

// SWAPDB index1 index2
//
// The databases' contents trade places; blocked and watching clients stay
// with the index they chose, so every waited-on key of both is signalled
// and every watched key that exists on either side is touched, as Redis
// does. The store sees the swap as key records deleted and re-put.
func swapdbCmd(c *Ctx) error {
	i, err := parseDBIndex(c.Args[1], ErrInvalidFirstDB)
	if err != nil {
		return err
	}
	j, err := parseDBIndex(c.Args[2], ErrInvalidSecondDB)
	if err != nil {
		return err
	}
	if i < 0 || i >= NumDBs || j < 0 || j >= NumDBs {
		return ErrDBIndex
	}
	if i != j {
		c.S.swapDBs(c.S.dbs[i], c.S.dbs[j])
		c.Dirty(1)
	}
	c.W.OK()
	return nil
}

func (s *Server) swapDBs(a, b *DB) {
	for _, d := range []*DB{a, b} {
		for k := range d.keys {
			s.batch.Add(persist.Op{Kind: persist.KeyDel, DB: d.index, Key: k})
		}
	}
	a.keys, b.keys = b.keys, a.keys
	a.expires, b.expires = b.expires, a.expires
	a.scanIdx, b.scanIdx = b.scanIdx, a.scanIdx
	for _, d := range []*DB{a, b} {
		for k, o := range d.keys {
			s.batch.Add(persist.Op{Kind: persist.KeyPut, DB: d.index, Key: k, UID: o.UID, Expire: o.Expire})
		}
	}
	for _, pair := range [][2]*DB{{a, b}, {b, a}} {
		d, other := pair[0], pair[1]
		for k := range d.waiters {
			s.signalKey(d, k)
		}
		for k, m := range d.watchers {
			_, here := d.keys[k]
			_, there := other.keys[k]
			if here || there {
				for cl := range m {
					cl.dirtyCAS = true
				}
			}
		}
	}
}

// parseFlushMode accepts FLUSHDB's and FLUSHALL's optional ASYNC or SYNC.
// Both free memory at once in runnel: the store drops the data in one range
// deletion either way.
func parseFlushMode(args [][]byte) error {
	if len(args) > 2 {
		return ErrSyntax
	}
	if len(args) == 2 && !EqualFold(args[1], "async") && !EqualFold(args[1], "sync") {
		return ErrSyntax
	}
	return nil
}

// flushDB empties d and returns how many keys it held. Clients blocked on
// its keys are signalled (XREADGROUP ones fail, as Redis 7.4 does) and
// WATCHers of keys that existed are touched.
func (s *Server) flushDB(d *DB) int {
	n := len(d.keys)
	for _, o := range d.keys {
		noteDropped(o)
	}
	s.touchAll(d)
	for k := range d.waiters {
		s.signalKey(d, k)
	}
	d.keys = map[string]*Object{}
	d.expires = map[string]struct{}{}
	d.scanIdx.init()
	return n
}

// FLUSHDB [ASYNC|SYNC]
func flushdbCmd(c *Ctx) error {
	if err := parseFlushMode(c.Args); err != nil {
		return err
	}
	n := c.S.flushDB(c.DB)
	c.S.trackFlush()
	c.Batch().Add(persist.Op{Kind: persist.FlushDB, DB: c.DB.index})
	c.Dirty(n)
	c.W.OK()
	return nil
}

// FLUSHALL [ASYNC|SYNC]
func flushallCmd(c *Ctx) error {
	if err := parseFlushMode(c.Args); err != nil {
		return err
	}
	n := 0
	for _, d := range c.S.dbs {
		n += c.S.flushDB(d)
	}
	c.S.trackFlush()
	c.Batch().Add(persist.Op{Kind: persist.FlushAll})
	c.Dirty(n)
	c.W.OK()
	return nil
}
