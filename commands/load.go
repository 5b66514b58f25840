package commands

import (
	"errors"
	"fmt"

	"github.com/runnel-db/runnel/pel"
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

// SetStore makes st the store every write is committed to, in place of the
// one Options gave (start-up opens the store only once the configuration
// says where). Call it before Load, Listen and Serve, before any command
// has run; the server closes st in Close.
func (s *Server) SetStore(st persist.Store) {
	s.commit.close()
	s.store = st
	s.opts.Store = st
	s.dur.saveMu.Lock()
	s.dur.storeDir, s.dur.storeID = s.opts.Dir, ""
	s.dur.saveMu.Unlock()
	if _, memory := st.(persist.Memory); !memory {
		s.adoptStoreDir(s.opts.Dir)
	}
	s.commit = newCommitter(st, &s.mu, s.onCommitError, s.opts.timing)
	s.batch = s.commit.open
}

// Load rebuilds the keyspace from src: every database, key, expiry, stream
// entry, stream metadata (last ID, max deleted ID, entries added), consumer
// group (last delivered ID, entries read), consumer (seen and active times)
// and pending entry (owner, delivery time and count). It must be called
// once, before Serve, on a server whose keyspace is empty; it takes the
// keyspace lock for the whole load. New streams then get uids above every
// uid the store uses. A record that does not fit the keyspace (a database
// index out of range, a key or group twice, entries out of order, an entry
// above its stream's last ID, a pending entry whose owner is not a consumer
// of its group) fails the load with an error wrapping persist.ErrCorrupt;
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
	// group is the last group loaded, which its consumers and pending
	// entries follow.
	group *pel.Group
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
	if d.keys[k] != nil {
		return corruptLoad("key %q twice in database %d", name, db)
	}
	o := &Object{UID: uid, Stream: stream.New(l.cfg), Expire: expire}
	o.start(l.s.startTime.UnixMilli(), l.s.config.lfu.Load())
	d.add(k, o)
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
	l.cur, l.curUID, l.group = o, uid, nil
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
	return restoreIdmp(st, m.Idmp, l.curUID)
}

// restoreIdmp applies a stream's idempotent-production settings and
// counters once its idempotent IDs (loaded before, see Idmp) are in.
func restoreIdmp(st *stream.Stream, m persist.IdmpMeta, uid uint64) error {
	if m == (persist.IdmpMeta{}) && st.PeekIdmp() == nil {
		return nil
	}
	x := st.Idmp()
	if m.Duration != 0 {
		if m.Duration < 1 || m.Duration > stream.IdmpMaxDuration {
			return corruptLoad("stream uid %d: IDMP duration %d", uid, m.Duration)
		}
		x.Duration = m.Duration
	}
	if m.MaxSize != 0 {
		if m.MaxSize < 1 || m.MaxSize > stream.IdmpMaxMaxSize {
			return corruptLoad("stream uid %d: IDMP maxsize %d", uid, m.MaxSize)
		}
		x.MaxSize = int(m.MaxSize)
	}
	x.Added, x.Duplicates = m.Added, m.Duplicates
	x.Finish()
	if err := x.Check(); err != nil {
		return corruptLoad("stream uid %d: %v", uid, err)
	}
	return nil
}

// Idmp implements persist.Loader.
func (l *loader) Idmp(uid uint64, pid, iid []byte, id stream.ID, ms int64) error {
	if err := l.stream(uid); err != nil {
		return err
	}
	l.cur.Stream.Idmp().Restore(string(pid), string(iid), stream.IdmpRecord{ID: id, AddedMs: ms})
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
	size := 0
	for _, f := range fields {
		size += len(f)
	}
	if size > stream.MaxEntryBytes {
		return corruptLoad("stream uid %d: entry %v holds %d bytes, more than an entry can", uid, id, size)
	}
	st.Append(id, fields) // copies fields, which alias the store's iterator
	return nil
}

// Node implements persist.Loader: the node is adopted as the stream's
// next node, without re-packing its entries or copying its bytes (Load
// hands data over). Its entries before the stream's first live ID (from
// the metadata, which comes first) are the ones trimmed since it closed,
// and are dropped.
func (l *loader) Node(uid uint64, span stream.Span, data []byte, deleted []stream.ID) (int, error) {
	if err := l.stream(uid); err != nil {
		return 0, err
	}
	var floor stream.ID
	if l.haveMeta {
		if l.meta.FirstID.IsZero() {
			return 0, nil // the stream is empty: its nodes' entries all went
		}
		floor = l.meta.FirstID
	}
	live, err := l.cur.Stream.AdoptOwned(span, data, deleted, floor)
	if err != nil {
		return 0, corruptLoad("stream uid %d: %v", uid, err)
	}
	return live, nil
}

// Group implements persist.Loader.
func (l *loader) Group(uid uint64, group []byte, lastID stream.ID, entriesRead int64) error {
	if err := l.stream(uid); err != nil {
		return err
	}
	o := l.cur
	if o.Groups == nil {
		o.Groups = &pel.Groups{}
	}
	g, err := o.Groups.Create(string(group), lastID, entriesRead)
	if err != nil {
		return corruptLoad("stream uid %d: group %q: %v", uid, group, err)
	}
	l.group = g
	return nil
}

// groupOf returns the loaded group called name of stream uid.
func (l *loader) groupOf(uid uint64, name []byte) (*pel.Group, error) {
	if err := l.stream(uid); err != nil {
		return nil, err
	}
	if l.group != nil && l.group.Name() == string(name) {
		return l.group, nil
	}
	if l.cur.Groups != nil {
		if g := l.cur.Groups.Get(string(name)); g != nil {
			return g, nil
		}
	}
	return nil, corruptLoad("stream uid %d: records of group %q, which has no group record", uid, name)
}

// Consumer implements persist.Loader.
func (l *loader) Consumer(uid uint64, group, consumer []byte, seenTime, activeTime int64) error {
	g, err := l.groupOf(uid, group)
	if err != nil {
		return err
	}
	if _, err := g.LoadConsumer(string(consumer), seenTime, activeTime); err != nil {
		return corruptLoad("stream uid %d: group %q: consumer %q: %v", uid, group, consumer, err)
	}
	return nil
}

// Pending implements persist.Loader.
func (l *loader) Pending(uid uint64, group []byte, id stream.ID, consumer []byte, deliveryTime int64, deliveryCount uint64) error {
	g, err := l.groupOf(uid, group)
	if err != nil {
		return err
	}
	if deliveryTime < 0 && len(consumer) == 0 {
		// Released by XNACK: -deliveryTime is its place in the NACK queue
		// (pendingRecord).
		if _, err := g.LoadNacked(id, uint64(-deliveryTime), deliveryCount); err != nil {
			return corruptLoad("stream uid %d: group %q: released entry %v: %v", uid, group, id, err)
		}
		return nil
	}
	owner := g.Consumer(string(consumer))
	if owner == nil {
		return corruptLoad("stream uid %d: group %q: pending entry %v of %q, who is not a consumer", uid, group, id, consumer)
	}
	if _, err := g.LoadPending(id, owner, deliveryTime, deliveryCount); err != nil {
		return corruptLoad("stream uid %d: group %q: pending entry %v: %v", uid, group, id, err)
	}
	return nil
}
