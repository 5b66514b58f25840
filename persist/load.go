package persist

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/runnel-db/runnel/stream"
)

// Loader receives the store's contents from Load, to rebuild memory. Its
// methods are called from the goroutine that called Load, one at a time.
// Every []byte argument but Node's data aliases a buffer of Load's and is
// valid only until the call returns: copy what you keep (string(name)
// copies). A non-nil error stops Load, which returns it.
//
// Calls come in store order: first Key for every key record, ordered by
// database then name bytes; then, stream by stream in ascending uid order,
// Meta, the stream's entries in ascending ID order — its closed nodes
// (Node), then the entries written one by one since its last node closed
// (Entry) — and for each group its Group, its Consumers (by name bytes)
// and its Pending records (by ID), then its idempotent IDs (Idmp), ordered
// by producer-ID length, producer ID, then idempotent ID: not in the order
// they were recorded. Groups come ordered by name length, then name
// bytes. Data of a uid no key names is not passed (it is counted in
// Stats.Orphans).
type Loader interface {
	// Key is a key record: name in database db holds stream uid, expiring
	// at expire (Unix ms, 0 for none).
	Key(db int, name []byte, uid uint64, expire int64) error
	// Meta is stream uid's metadata.
	Meta(uid uint64, m StreamMeta) error
	// Entry is one entry of stream uid; fields alternate name, value.
	Entry(uid uint64, id stream.ID, fields [][]byte) error
	// Node is a closed node of stream uid, as stream.Stream.Append
	// reported it (span and data), with the IDs deleted since it closed
	// (ascending, inside span; the slice is reused after the call). data
	// is the Loader's: a copy of the record's bytes in an allocation of
	// its own, sized to them, which Load never touches again (keep it, as
	// stream.Stream.AdoptOwned does, or drop it). It returns the number of
	// live entries the node brought, for Stats.Entries.
	Node(uid uint64, span stream.Span, data []byte, deleted []stream.ID) (live int, err error)
	// Group is a consumer group of stream uid.
	Group(uid uint64, group []byte, lastID stream.ID, entriesRead int64) error
	// Consumer is a consumer of a group.
	Consumer(uid uint64, group, consumer []byte, seenTime, activeTime int64) error
	// Pending is a group's pending entry id, owned by consumer.
	Pending(uid uint64, group []byte, id stream.ID, consumer []byte, deliveryTime int64, deliveryCount uint64) error
	// Idmp is producer pid's idempotent ID iid, which added entry id at
	// ms (Unix ms).
	Idmp(uid uint64, pid, iid []byte, id stream.ID, ms int64) error
}

// Stats summarises a Load.
type Stats struct {
	// Entries counts the loose entries and the live entries of nodes;
	// Nodes counts node records.
	Keys, Streams, Entries, Nodes, Groups, Consumers, Pending int
	// Orphans counts uids that have data but no key record naming them;
	// their data is skipped.
	Orphans int
	// MaxUID is the largest uid any record uses (0 for an empty store).
	// Allocate new uids above it: a uid is then never reused while any
	// record under it remains.
	MaxUID uint64
	// Duration is how long Load took.
	Duration time.Duration
}

// Load reads the whole store in order and passes it to v (see Loader for
// the order and the lifetime of the bytes). It reads a consistent snapshot
// and is meant to run once, after Open and before the first Apply. A record
// that fails its checksum or cannot be decoded stops Load with ErrCorrupt,
// once v has had every record before it. Load reads the store on a
// goroutine of its own, ahead of v's calls by a bounded amount (see
// loadpipe.go); that goroutine has returned when Load returns.
func (s *Pebble) Load(v Loader) (Stats, error) {
	start := time.Now()
	s.applyMu.RLock()
	defer s.applyMu.RUnlock()
	if s.closed {
		return Stats{}, ErrClosed
	}
	it, err := s.db.NewIter(&pebble.IterOptions{
		LowerBound: []byte{spaceKey},
		UpperBound: []byte{spaceEnd},
	})
	if err != nil {
		return Stats{}, wrapReadErr("load", err)
	}
	// The metadata sorts after a stream's other records but is passed
	// first: a second iterator over the same view fetches it as each
	// stream begins (forward seeks, each near the last).
	metaIt, err := it.Clone(pebble.CloneOptions{})
	if err != nil {
		it.Close()
		return Stats{}, wrapReadErr("load", err)
	}
	l := loader{it: it, metaIt: metaIt, live: map[uint64]struct{}{}}
	entries, err := pipeline(v, nil, func(p *pipe) error {
		l.v = p
		return l.run()
	})
	l.st.Entries += entries
	if cerr := metaIt.Close(); err == nil && cerr != nil {
		err = wrapReadErr("load", cerr)
	}
	if cerr := it.Close(); err == nil && cerr != nil {
		err = wrapReadErr("load", cerr)
	}
	l.st.Duration = time.Since(start)
	return l.st, err
}

// loader is the reading side of Load: it decodes the records and passes
// them on to the pipe, from the reader goroutine.
type loader struct {
	v  *pipe
	it *pebble.Iterator
	// metaIt reads ahead to each stream's metadata record.
	metaIt *pebble.Iterator
	st     Stats
	live   map[uint64]struct{}
	seek   []byte
	// marks holds the deletion marks met since the last node record of
	// stream marksUID: they sort just before the node they belong to.
	marks    []stream.ID
	marksUID uint64
}

func (l *loader) run() error {
	it := l.it
	valid := it.First()
	// Key records.
	for ; valid && it.Key()[0] == spaceKey; valid = it.Next() {
		k := it.Key()
		db, name, ok := parseKeyRecord(k)
		if !ok {
			return corruptf(k, "short key record")
		}
		val, err := it.ValueAndErr()
		if err != nil {
			return wrapReadErr("load", err)
		}
		uid, expire, ok := parseKeyValue(val)
		if !ok {
			return corruptf(k, "bad key record value")
		}
		if _, dup := l.live[uid]; dup {
			return corruptf(k, "uid %d is named by two keys", uid)
		}
		l.live[uid] = struct{}{}
		l.st.MaxUID = max(l.st.MaxUID, uid)
		l.st.Keys++
		if err := l.v.key(int(db), name, uid, expire); err != nil {
			return err
		}
	}
	// Stream data, uid by uid.
	cur, curLive, started := uint64(0), false, false
	for valid {
		k := it.Key()
		if len(k) < dataPfxLen+1 || k[0] != spaceData {
			return corruptf(k, "unexpected record")
		}
		uid := binary.BigEndian.Uint64(k[1:])
		if uid != cur || !started {
			cur, started = uid, true
			l.st.MaxUID = max(l.st.MaxUID, uid)
			_, curLive = l.live[uid]
			if !curLive {
				l.st.Orphans++
				if uid == ^uint64(0) {
					break
				}
				l.seek = appendDataPrefix(l.seek[:0], uid+1)
				valid = it.SeekGE(l.seek)
				continue
			}
			if err := l.meta(uid); err != nil {
				return err
			}
		}
		val, err := it.ValueAndErr()
		if err != nil {
			return wrapReadErr("load", err)
		}
		if err := l.record(uid, k, k[dataPfxLen:], val); err != nil {
			return err
		}
		valid = it.Next()
	}
	if err := it.Error(); err != nil {
		return wrapReadErr("load", err)
	}
	return nil
}

// meta passes stream uid's metadata record, if it has one, before the
// stream's other records.
func (l *loader) meta(uid uint64) error {
	l.seek = appendMetaKey(l.seek[:0], uid)
	if !l.metaIt.SeekGE(l.seek) || !bytes.Equal(l.metaIt.Key(), l.seek) {
		if err := l.metaIt.Error(); err != nil {
			return wrapReadErr("load", err)
		}
		return nil
	}
	val, err := l.metaIt.ValueAndErr()
	if err != nil {
		return wrapReadErr("load", err)
	}
	m, ok := parseMetaValue(val)
	if !ok {
		return corruptf(l.seek, "bad stream metadata")
	}
	l.st.Streams++
	return l.v.meta(uid, m)
}

// record decodes one data record of uid; rest is the key after the uid.
func (l *loader) record(uid uint64, k, rest, val []byte) error {
	switch rest[0] {
	case tagMeta:
		// Passed by meta when the stream began.
		if len(rest) != 1 {
			return corruptf(k, "bad stream metadata key")
		}
		return nil
	case tagEntry:
		if len(rest) == 2+stream.IDLen {
			return l.nodeOrMark(uid, k, rest[1:], val)
		}
		if len(rest) != 1+stream.IDLen {
			return corruptf(k, "bad entry key")
		}
		l.marks = l.marks[:0]
		ok, err := l.v.entry(uid, stream.DecodeID(rest[1:]), val)
		if err != nil {
			return err
		}
		if !ok {
			return corruptf(k, "bad entry fields")
		}
		l.st.Entries++
		return nil
	case tagGroup:
		return l.groupRecord(uid, k, rest[1:], val)
	case tagIdmp:
		pid, iid, id, ms, ok := parseIdmpRecord(rest[1:], val)
		if !ok {
			return corruptf(k, "bad idempotent-ID record")
		}
		return l.v.idmp(uid, pid, iid, id, ms)
	}
	return corruptf(k, "unknown record tag %q", rest[0])
}

// nodeOrMark decodes a record keyed by an entry ID and a kind byte: a
// deletion mark, kept for the node record that follows it, or a node
// record, passed with the marks inside its span. Marks outside every node
// are those of loose entries since deleted, and are dropped.
func (l *loader) nodeOrMark(uid uint64, k, rest, val []byte) error {
	id := stream.DecodeID(rest)
	if uid != l.marksUID {
		l.marks, l.marksUID = l.marks[:0], uid
	}
	switch rest[stream.IDLen] {
	case entryMark:
		if len(val) != 0 {
			return corruptf(k, "bad deletion mark")
		}
		l.marks = append(l.marks, id)
		return nil
	case entryNode:
		if len(val) <= nodeHeaderLen {
			return corruptf(k, "short node record")
		}
		span := stream.Span{First: stream.DecodeID(val), Last: id}
		if span.Last.Less(span.First) {
			return corruptf(k, "node record starts at %v after its last entry", span.First)
		}
		marks := l.marks
		for len(marks) > 0 && marks[0].Less(span.First) {
			marks = marks[1:]
		}
		err := l.v.node(uid, span, val[nodeHeaderLen:], marks)
		l.marks = l.marks[:0]
		l.st.Nodes++
		return err
	}
	return corruptf(k, "unknown entry record kind %#x", rest[stream.IDLen])
}

func (l *loader) groupRecord(uid uint64, k, rest, val []byte) error {
	n, w := binary.Uvarint(rest)
	if w <= 0 || n >= uint64(len(rest)-w) {
		return corruptf(k, "bad group name")
	}
	group := rest[w : w+int(n)]
	sub := rest[w+int(n):]
	switch sub[0] {
	case grpRecord:
		last, read, ok := parseGroupValue(val)
		if !ok || len(sub) != 1 {
			return corruptf(k, "bad group record")
		}
		l.st.Groups++
		return l.v.group(uid, group, last, read)
	case grpConsumer:
		seen, active, ok := parseConsumerValue(val)
		if !ok {
			return corruptf(k, "bad consumer record")
		}
		l.st.Consumers++
		return l.v.consumer(uid, group, sub[1:], seen, active)
	case grpPending:
		dt, dc, owner, ok := parsePendingValue(val)
		if !ok || len(sub) != 1+stream.IDLen {
			return corruptf(k, "bad pending record")
		}
		l.st.Pending++
		return l.v.pending(uid, group, stream.DecodeID(sub[1:]), owner, dt, dc)
	case grpDeliveryIndex:
		return nil // reserved: derived data a later format may write
	}
	return corruptf(k, "unknown group record tag %q", sub[0])
}

// String formats the counts for the start-up log line.
func (st Stats) String() string {
	return fmt.Sprintf("%d keys, %d streams, %d entries (%d node records), %d groups, %d consumers, %d pending, %d orphaned uids in %v",
		st.Keys, st.Streams, st.Entries, st.Nodes, st.Groups, st.Consumers, st.Pending, st.Orphans, st.Duration.Round(time.Millisecond))
}
