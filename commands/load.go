package commands

import (
	"errors"
	"fmt"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// Source is where Load reads a store's contents from; *persist.Pebble is
// one. Load calls its Load method once.
type Source interface {
	Load(persist.Loader) (persist.Stats, error)
}

// ErrLoadNotEmpty is returned by Load on a server whose keyspace already
// holds keys: loading merges nothing, it rebuilds.
var ErrLoadNotEmpty = errors.New("commands: Load on a server that already has keys")

// errGroupsNotLoadable stops a Load that meets a consumer group record
// while this build has no consumer groups to rebuild it into: refusing is
// the alternative to serving the stream with its groups silently dropped.
var errGroupsNotLoadable = errors.New("commands: the store holds consumer groups, which this runnel cannot load yet")

// Load rebuilds the keyspace from src: every database, key, expiry, stream
// entry and stream metadata (last ID, max deleted ID, entries added). It
// must be called once, before Serve, on a server whose keyspace is empty;
// it takes the keyspace lock for the whole load. New streams then get uids
// above every uid the store uses. A record that does not fit the keyspace
// (a database index out of range, entries out of order, an entry above its
// stream's last ID) fails the load with an error wrapping persist.ErrCorrupt;
// an error from src is returned as is. After a failed Load the keyspace is
// in an unspecified state and the server must not serve.
//
// Keys whose expiry passed while the server was down are loaded and then
// removed by expiry as usual, so their removal is committed like any other.
func (s *Server) Load(src Source) (persist.Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, db := range s.dbs {
		if db.Len() > 0 {
			return persist.Stats{}, ErrLoadNotEmpty
		}
	}
	l := &loader{s: s, byUID: map[uint64]*Object{}, cfg: s.streamConfig()}
	st, err := src.Load(l)
	if err == nil {
		err = l.finish()
	}
	if err != nil {
		return st, err
	}
	s.nextUID = max(s.nextUID, st.MaxUID)
	s.dirty = 0
	s.dur.mu.Lock()
	s.dur.loaded = st
	s.dur.mu.Unlock()
	return st, nil
}

// loader implements persist.Loader on the server's keyspace. It runs under
// the keyspace lock. A stream's metadata arrives before its entries but
// sets its last ID, which appending needs to be below each new entry, so
// the metadata is kept aside (meta) and applied once the stream's entries
// are all in (finish).
type loader struct {
	s     *Server
	cfg   stream.Config
	byUID map[uint64]*Object
	// cur is the stream whose records are arriving (uid curUID); meta is
	// its metadata record, if one came.
	cur      *Object
	curUID   uint64
	meta     persist.StreamMeta
	haveMeta bool
}

func corruptLoad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", persist.ErrCorrupt, fmt.Sprintf(format, args...))
}

// Key implements persist.Loader.
func (l *loader) Key(db int, name []byte, uid uint64, expire int64) error {
	if db < 0 || db >= NumDBs {
		return corruptLoad("key %q is in database %d; runnel has %d", name, db, NumDBs)
	}
	if uid == 0 {
		return corruptLoad("key %q has uid 0", name)
	}
	if _, dup := l.byUID[uid]; dup {
		return corruptLoad("uid %d is named by two keys", uid)
	}
	d := l.s.dbs[db]
	k := string(name)
	o := &Object{UID: uid, Stream: stream.New(l.cfg), Expire: expire}
	d.keys[k] = o
	if expire != 0 {
		d.expires[k] = struct{}{}
	}
	l.byUID[uid] = o
	return nil
}

// stream makes uid the stream whose records arrive, finishing the previous
// one.
func (l *loader) stream(uid uint64) error {
	if l.cur != nil && uid == l.curUID {
		return nil
	}
	if err := l.finish(); err != nil {
		return err
	}
	o := l.byUID[uid]
	if o == nil {
		return corruptLoad("records of uid %d, which no key names", uid)
	}
	l.cur, l.curUID = o, uid
	return nil
}

// finish applies the current stream's metadata once its entries are in.
func (l *loader) finish() error {
	o := l.cur
	if o == nil {
		return nil
	}
	l.cur = nil
	if !l.haveMeta {
		return nil
	}
	l.haveMeta = false
	m, st := l.meta, o.Stream
	if m.LastID.Less(st.LastID()) {
		return corruptLoad("stream uid %d has an entry %v above its last ID %v", l.curUID, st.LastID(), m.LastID)
	}
	if m.EntriesAdded < st.Len() {
		return corruptLoad("stream uid %d holds %d entries but records %d ever added", l.curUID, st.Len(), m.EntriesAdded)
	}
	st.SetLastID(m.LastID)
	st.SetMaxDeletedID(m.MaxDeletedID)
	st.SetEntriesAdded(m.EntriesAdded)
	return nil
}

// Meta implements persist.Loader.
func (l *loader) Meta(uid uint64, m persist.StreamMeta) error {
	if err := l.stream(uid); err != nil {
		return err
	}
	if l.haveMeta || l.cur.Stream.Len() > 0 {
		return corruptLoad("stream uid %d: metadata out of order", uid)
	}
	l.meta, l.haveMeta = m, true
	return nil
}

// Entry implements persist.Loader.
func (l *loader) Entry(uid uint64, id stream.ID, fields [][]byte) error {
	if err := l.stream(uid); err != nil {
		return err
	}
	st := l.cur.Stream
	if !st.LastID().Less(id) {
		return corruptLoad("stream uid %d: entry %v does not follow %v", uid, id, st.LastID())
	}
	if len(fields) < 2 || len(fields)%2 != 0 {
		return corruptLoad("stream uid %d: entry %v has %d fields and values", uid, id, len(fields))
	}
	st.Append(id, fields) // copies fields, which alias the store's iterator
	return nil
}

// Group implements persist.Loader.
func (l *loader) Group(uid uint64, group []byte, lastID stream.ID, entriesRead int64) error {
	return fmt.Errorf("%w (stream uid %d, group %q)", errGroupsNotLoadable, uid, group)
}

// Consumer implements persist.Loader.
func (l *loader) Consumer(uid uint64, group, consumer []byte, seenTime, activeTime int64) error {
	return fmt.Errorf("%w (stream uid %d, group %q)", errGroupsNotLoadable, uid, group)
}

// Pending implements persist.Loader.
func (l *loader) Pending(uid uint64, group []byte, id stream.ID, consumer []byte, deliveryTime int64, deliveryCount uint64) error {
	return fmt.Errorf("%w (stream uid %d, group %q)", errGroupsNotLoadable, uid, group)
}
