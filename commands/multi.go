package commands

import "time"

func init() {
	register(
		&Command{Name: "multi", Arity: 1, Flags: NoMulti | NoKeyspace | Fast | Loading | Stale | NoScript | AllowBusy, ACL: []string{"@fast", "@transaction"}, Handler: multiCmd},
		&Command{Name: "exec", Arity: 1, Flags: NoMulti | Loading | Stale | NoScript | SkipSlowlog, ACL: []string{"@slow", "@transaction"}, Handler: execCmd},
		&Command{Name: "discard", Arity: 1, Flags: NoMulti | Fast | Loading | Stale | NoScript | AllowBusy, ACL: []string{"@fast", "@transaction"}, Handler: discardCmd},
		&Command{Name: "watch", Arity: -2, Flags: NoMulti | Fast | Loading | Stale | NoScript | AllowBusy, FirstKey: 1, LastKey: -1, Step: 1, KeySpecs: []KeySpec{rangeSpec(1, -1, "RO")}, ACL: []string{"@fast", "@transaction"}, Handler: watchCmd},
		&Command{Name: "unwatch", Arity: 1, Flags: NoMulti | Fast | Loading | Stale | NoScript | AllowBusy, ACL: []string{"@fast", "@transaction"}, Handler: unwatchCmd},
	)
}

// MULTI
func multiCmd(c *Ctx) error {
	if c.C.multi {
		return ErrMultiNested
	}
	c.C.multi = true
	c.C.multiDirty = false
	c.C.queued = c.C.queued[:0]
	c.W.OK()
	return nil
}

// DISCARD
func discardCmd(c *Ctx) error {
	if !c.C.multi {
		return ErrDiscardNoMulti
	}
	c.C.resetMulti()
	c.S.unwatchAll(c.C)
	c.W.OK()
	return nil
}

func (cl *Client) resetMulti() {
	cl.multi = false
	cl.multiDirty = false
	cl.queued = nil
}

// EXEC runs the queued commands as one unit: under one hold of the keyspace
// lock, with one clock and one batch of effects, so a transaction is one
// atomic commit.
func execCmd(c *Ctx) error {
	cl := c.C
	if !cl.multi {
		return ErrExecNoMulti
	}
	queued := cl.queued
	dirty := cl.multiDirty
	cl.resetMulti()
	if dirty {
		c.S.unwatchAll(cl)
		return ErrExecAbort
	}
	if cl.dirtyCAS || c.S.watchedKeyExpired(cl, c.Now) {
		c.S.unwatchAll(cl)
		c.W.NullArray()
		return nil
	}
	c.S.unwatchAll(cl)
	c.W.Array(len(queued))
	for _, args := range queued {
		cl.nameBuf = lowerInto(cl.nameBuf, args[0])
		cmd := c.S.commandTable()[string(cl.nameBuf)]
		if cmd.Sub != nil && len(args) > 1 {
			cl.nameBuf = lowerInto(cl.nameBuf, args[1])
			cmd = cmd.Sub[string(cl.nameBuf)]
		}
		start := time.Now()
		sub := &Ctx{S: c.S, C: cl, Cmd: cmd, Args: args, W: c.W, DB: c.S.dbs[cl.DBIndex()], Now: c.Now, InMulti: true}
		if c.S.readOnly.Load() {
			if err := c.S.refusedAfterFailure(cmd); err != "" {
				c.W.Error(string(err))
				c.S.stats.rejected(cmd, err)
				continue
			}
		}
		err := c.S.call(sub)
		if cl.trk.on {
			c.S.trackRead(cl, cmd, args)
		}
		if c.S.monitors.on() {
			c.S.feedMonitors(cl, cmd, args)
		}
		d := time.Since(start)
		c.S.stats.called(cmd, err, d)
		c.S.observe(cl, cmd, args, d)
	}
	return nil
}

// WATCH key [key ...]
func watchCmd(c *Ctx) error {
	if c.C.multi {
		return ErrWatchInMulti
	}
	for _, k := range c.Args[1:] {
		key := string(k)
		wk := watchKey{db: c.DB.index, key: key}
		already := false
		for _, x := range c.C.watched {
			if x.db == wk.db && x.key == wk.key {
				already = true
				break
			}
		}
		if already {
			continue
		}
		if o := c.DB.keys[key]; o != nil && o.Expire != 0 && o.Expire <= c.Now {
			wk.expired = true
		}
		c.C.watched = append(c.C.watched, wk)
		m := c.DB.watchers[key]
		if m == nil {
			m = map[*Client]struct{}{}
			c.DB.watchers[key] = m
		}
		m[c.C] = struct{}{}
	}
	c.W.OK()
	return nil
}

// UNWATCH
func unwatchCmd(c *Ctx) error {
	c.S.unwatchAll(c.C)
	c.W.OK()
	return nil
}

// touchKey dirties the transactions of clients watching key. A key that
// had already expired when it was watched and is now removed is, as in
// Redis, no change: that watch just stops counting it as expired.
func (s *Server) touchKey(db *DB, key string) {
	if s.tracking.active() {
		s.invalidateKey(key)
	}
	_, exists := db.keys[key]
	for cl := range db.watchers[key] {
		for i := range cl.watched {
			wk := &cl.watched[i]
			if wk.db == db.index && wk.key == key && wk.expired {
				if !exists {
					wk.expired = false
					goto next
				}
				break
			}
		}
		cl.dirtyCAS = true
	next:
	}
}

// watchedKeyExpired reports whether a key c watches has expired since it
// was watched (EXEC then fails, even before expiry removes the key).
func (s *Server) watchedKeyExpired(c *Client, now int64) bool {
	for _, wk := range c.watched {
		if wk.expired {
			continue
		}
		if o := s.dbs[wk.db].keys[wk.key]; o != nil && o.Expire != 0 && o.Expire <= now {
			return true
		}
	}
	return false
}

// touchAll dirties every watcher of db (FLUSHDB, FLUSHALL), or of every
// database when db is nil.
func (s *Server) touchAll(db *DB) {
	for _, d := range s.dbs {
		if db != nil && d != db {
			continue
		}
		for key, m := range d.watchers {
			if _, ok := d.keys[key]; !ok {
				continue
			}
			for cl := range m {
				cl.dirtyCAS = true
			}
		}
	}
}

// unwatchAll forgets c's watched keys. Under the keyspace lock.
func (s *Server) unwatchAll(c *Client) {
	for _, wk := range c.watched {
		db := s.dbs[wk.db]
		if m := db.watchers[wk.key]; m != nil {
			delete(m, c)
			if len(m) == 0 {
				delete(db.watchers, wk.key)
			}
		}
	}
	c.watched = c.watched[:0]
	c.dirtyCAS = false
}
