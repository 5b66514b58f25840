package commands

import (
	"sync/atomic"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// Object is the value of a key. runnel stores streams only, so every
// object is a stream with its consumer groups.
type Object struct {
	// UID names the stream's data in the store; it survives RENAME.
	UID    uint64
	Stream *stream.Stream
	// Groups is nil until the first XGROUP CREATE.
	Groups *pel.Groups
	// Expire is the Unix time in ms at which the key expires, 0 for never.
	Expire int64
	// access is the Unix time in ms of the last command that looked the key
	// up (DEBUG OBJECT's lru), or of its creation or loading if none did;
	// under an LFU policy, the time Redis's shared LRU/LFU field would
	// read as (lfu.go). The keyspace lock guards it.
	access int64
	// freq and freqAt are the access counter and the minute it last
	// decayed, kept instead of access under an LFU maxmemory-policy
	// (lfu.go); an access under another policy sets them to what Redis's
	// shared LRU/LFU field then reads as. The keyspace lock guards them.
	freq   uint8
	freqAt uint16
}

// DB is one logical database. All its fields are guarded by the keyspace
// lock.
type DB struct {
	index int
	keys  map[string]*Object
	// expires holds the keys that have a TTL, for active expiry sampling
	// and the expires= count of INFO keyspace.
	expires map[string]struct{}
	// waiters lists, per key, the clients blocked on it in arrival order.
	waiters map[string][]*waiter
	// watchers lists, per key, the clients that WATCH it.
	watchers map[string]map[*Client]struct{}
	// scanIdx orders the keys for SCAN (keyindex.go); add and unlink keep it
	// in step with keys.
	scanIdx keyIndex
}

func newDB(i int) *DB {
	d := &DB{
		index:    i,
		keys:     map[string]*Object{},
		expires:  map[string]struct{}{},
		waiters:  map[string][]*waiter{},
		watchers: map[string]map[*Client]struct{}{},
	}
	d.scanIdx.init()
	return d
}

// Len returns the number of keys, counting ones that expired but were not
// yet removed (as Redis's DBSIZE does).
func (d *DB) Len() int { return len(d.keys) }

// lookup returns the live object at key, removing it first if it expired.
// It must run under the keyspace lock, inside a command (its removal of an
// expired key is part of that command's batch).
func (s *Server) lookup(c *Ctx, db *DB, key []byte) *Object {
	o := db.keys[string(key)]
	if o == nil {
		return nil
	}
	if o.Expire != 0 && o.Expire <= c.Now {
		if s.pause.active() && c.Cmd != nil && c.Cmd.Flags&Write == 0 {
			// Expired, but a paused server deletes nothing. A write that
			// got past the pause before it began still deletes, as it
			// may then create the key afresh.
			return nil
		}
		s.expiring = true // for BCAST's NOLOOP, nobody's write
		s.deleteKey(db, string(key))
		s.expiring = false
		s.stats.expired.Add(1)
		s.notifyDB(evExpired, "expired", db.index, key)
		return nil
	}
	// A CLIENT NO-TOUCH client's lookups leave the access time, except by
	// TOUCH, as in Redis.
	if c.C == nil || !c.C.noTouch || (c.Cmd != nil && c.Cmd.Name == "touch") {
		if s.config.lfu.Load() {
			o.lfuTouch(c.Now, s.config.lfuLogFactor.Load(), s.config.lfuDecayTime.Load())
		} else {
			o.lruStart(c.Now)
		}
	}
	return o
}

// lookupNoTouch is lookup without updating the key's access time or
// counter (OBJECT-style introspection).
func (s *Server) lookupNoTouch(c *Ctx, db *DB, key []byte) *Object {
	o := db.keys[string(key)]
	if o == nil {
		return nil
	}
	access, freq, freqAt := o.access, o.freq, o.freqAt
	if o = s.lookup(c, db, key); o != nil {
		o.access, o.freq, o.freqAt = access, freq, freqAt
	}
	return o
}

// createKey makes an empty stream at key, which must not exist.
func (s *Server) createKey(db *DB, key []byte) *Object {
	s.nextUID++
	now := nowMs()
	o := &Object{UID: s.nextUID, Stream: stream.New(s.streamConfig())}
	o.start(now, s.config.lfu.Load())
	k := string(key)
	db.add(k, o)
	s.batch.Add(persist.Op{Kind: persist.KeyPut, DB: db.index, Key: k, UID: o.UID})
	s.notifyDB(evNew, "new", db.index, key)
	return o
}

// dropped counts the bytes of the streams the keyspace has let go of (see
// DroppedData).
var dropped atomic.Uint64

// DroppedData returns how many bytes of stream data deleted, flushed or
// replaced keys held, in every Server of the process since it started. A
// memory tuner uses it as resp.ReleasedBuffers: an idle server starts no
// collection, and without the hint the memory of a big key deleted after
// the last one stays with the process.
func DroppedData() uint64 { return dropped.Load() }

// noteDropped counts o's stream in DroppedData.
func noteDropped(o *Object) {
	if o != nil && o.Stream != nil {
		dropped.Add(uint64(o.Stream.MemoryUsage()))
	}
}

// deleteKey removes key and its data, wakes the XREADGROUP clients blocked
// on it (they then fail as Redis 7.4 says) and dirties WATCHers. It reports
// whether the key existed.
func (s *Server) deleteKey(db *DB, key string) bool {
	o := db.unlink(key)
	if o == nil {
		return false
	}
	noteDropped(o)
	s.batch.Add(persist.Op{Kind: persist.KeyDel, DB: db.index, Key: key})
	s.batch.Add(persist.Op{Kind: persist.StreamDrop, UID: o.UID})
	s.signalKey(db, key)
	s.touchKey(db, key)
	return true
}

// setExpire sets or clears (at == 0) the key's expiry and records it.
func (s *Server) setExpire(db *DB, key string, o *Object, at int64) {
	o.Expire = at
	if at == 0 {
		delete(db.expires, key)
	} else {
		db.expires[key] = struct{}{}
	}
	s.batch.Add(persist.Op{Kind: persist.KeyPut, DB: db.index, Key: key, UID: o.UID, Expire: at})
}

// expireLoop removes expired keys in the background, sampling keys with a
// TTL as Redis's active expiry does, so memory is reclaimed and waiters are
// woken without any client touching the key. It also starts the save
// points' background saves (autoSave).
func (s *Server) expireLoop() {
	defer s.wg.Done()
	t := newTicker(100)
	defer t.Stop()
	for {
		select {
		case <-s.closed:
			return
		case now := <-t.C:
			s.autoSave(now)
			s.sweepOutputLimits(now)
		}
		s.activeExpire()
		s.trackCron()
	}
}

func (s *Server) activeExpire() {
	if s.pause.active() {
		return // no key expires while clients are paused
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := nowMs()
	for _, db := range s.dbs {
		for round := 0; round < 16; round++ {
			sampled, expired := 0, 0
			for k := range db.expires {
				if sampled == 20 {
					break
				}
				sampled++
				if o := db.keys[k]; o != nil && o.Expire != 0 && o.Expire <= now {
					s.deleteKey(db, k)
					s.stats.expired.Add(1)
					s.notifyDB(evExpired, "expired", db.index, []byte(k))
					expired++
				}
			}
			// Like Redis, go on while a quarter of the sample had expired.
			if expired*4 < sampled || sampled == 0 {
				break
			}
		}
	}
	s.finishLocked(nil)
}
