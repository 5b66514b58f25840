package persist

import (
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/cockroachdb/pebble/v2"
	"github.com/runnel-db/runnel/stream"
)

// keyRef names a key record inside one batch's translation.
type keyRef struct {
	db   uint32
	name string
}

// translator turns one Batch into one pebble.Batch. It is used by one
// goroutine at a time.
type translator struct {
	pb   *pebble.Batch
	k, e []byte // scratch for keys and range ends
	v    []byte // scratch for values

	// The rest is used only by batches holding a FlushDB, which must find
	// the streams of a database: those named in the store (read under the
	// exclusive apply lock) adjusted by the key ops earlier in the batch.
	track      bool
	overlay    map[keyRef]uint64 // uid, or 0 when the batch deleted the key
	flushedDB  map[uint32]bool
	flushedAll bool
	read       func(db uint32, fn func(name []byte, uid uint64) error) error

	// drop marks, by op index, the metadata writes a later op of the batch
	// overwrites; seenStreams, seenFew and seen hold the records met while
	// superseded looks for them (see superseded).
	drop        []bool
	seenStreams map[uint64]struct{}
	seenFew     []recordRef
	seen        map[recordRef]struct{}
	// pending holds the fate of each pending entry record a batch touches
	// (see pendingSkips).
	pending pendingTable
	// nodes holds the batch's NodePut spans, by uid then first ID (see
	// nodesCover).
	nodes []nodeSpan
}

// recordRef names a stream, group or consumer metadata record.
type recordRef struct {
	kind            OpKind
	uid             uint64
	group, consumer string
}

// opKinds counts a batch's ops by kind (index OpKind), so that each
// analysis of translate runs only when the kinds it looks for are there.
type opKinds [lastOpKind + 1]int

// countKinds counts b's ops by kind in one pass.
func countKinds(b *Batch) opKinds {
	var k opKinds
	for i := range b.Ops {
		if kind := b.Ops[i].Kind; int(kind) < len(k) {
			k[kind]++
		}
	}
	return k
}

// superseded marks in t.drop the metadata writes of b that a later op of
// b overwrites and reports whether there are any; k is b's countKinds. A
// merged batch of many commands on one stream rewrites the stream's
// metadata (and a group's cursor, a consumer's clocks) once per command;
// the batch is applied atomically, so only the final value can ever be
// read, and the earlier writes are skipped instead of filling the log and
// memtable.
//
// It walks b backwards, so the first write of a record it meets is the
// final one, and one lookup per op decides; a StreamMetaPut of the same
// stream as the previous one it met (the common case: one busy stream)
// needs no lookup at all, and the few group and consumer records a batch
// usually names are looked up in a short list before any map.
func (t *translator) superseded(b *Batch, k opKinds) bool {
	if k[StreamMetaPut]+k[GroupPut]+k[ConsumerPut] < 2 {
		return false
	}
	if t.seen == nil {
		t.seenStreams, t.seen = map[uint64]struct{}{}, map[recordRef]struct{}{}
	}
	clear(t.seenStreams)
	clear(t.seen)
	clear(t.seenFew)
	t.seenFew = t.seenFew[:0]
	t.drop = slices.Grow(t.drop[:0], len(b.Ops))[:len(b.Ops)]
	clear(t.drop)
	found := false
	// prev is the uid of the StreamMetaPut met last, when havePrev.
	var prev uint64
	havePrev := false
	for i := len(b.Ops) - 1; i >= 0; i-- {
		op := &b.Ops[i]
		var dup bool
		switch op.Kind {
		case StreamMetaPut:
			if havePrev && op.UID == prev {
				dup = true
				break
			}
			if _, dup = t.seenStreams[op.UID]; !dup {
				t.seenStreams[op.UID] = struct{}{}
			}
			prev, havePrev = op.UID, true
		case GroupPut, ConsumerPut:
			ref := recordRef{kind: op.Kind, uid: op.UID, group: op.Group}
			if op.Kind == ConsumerPut {
				ref.consumer = op.Consumer
			}
			dup = t.seenRecord(ref)
		default:
			continue
		}
		if dup {
			t.drop[i] = true
			found = true
		}
	}
	return found
}

// seenFewMax is how many records superseded keeps in its short list
// before it uses its map.
const seenFewMax = 16

// seenRecord reports whether superseded met ref before, noting it if not.
func (t *translator) seenRecord(ref recordRef) bool {
	for i := range t.seenFew {
		if t.seenFew[i] == ref {
			return true
		}
	}
	if len(t.seenFew) < seenFewMax {
		t.seenFew = append(t.seenFew, ref)
		return false
	}
	if _, ok := t.seen[ref]; ok {
		return true
	}
	t.seen[ref] = struct{}{}
	return false
}

// isSuperseded reports whether the i-th op of the batch superseded last
// looked at is a metadata write that a later op of it overwrites.
func (t *translator) isSuperseded(i int) bool { return t.drop[i] }

// nodeSpan is a NodePut of a batch: stream uid's entries [first, end),
// written by op index idx. fresh is set when the batch put the node's first
// entry (an EntryPut of first) before idx (see nodesCover). reach is the
// greatest end of this span and of the stream's spans sorted before it.
type nodeSpan struct {
	uid        uint64
	first, end stream.ID
	reach      stream.ID
	idx        int
	fresh      bool
}

// nodesCover collects b's NodePut spans into t.nodes and reports whether
// b also holds entries they may cover, which isCovered and isFreshNode then
// look up; k is b's countKinds.
//
// An entry of a merged batch whose node closes later in the same batch is
// written into the node record and deleted by its range deletion within
// the one atomic batch, so the loose record is skipped (isCovered) instead
// of filling the log and memtable.
//
// A node whose first entry the batch itself put is fresh: it was opened by
// that entry within the batch, so the store holds nothing in its span from
// before the batch. IDs only grow within a stream, so every record under
// the stream's uid (loose entry, deletion mark, node record) is keyed by an
// ID at or below the stream's last ID before the batch, which is below the
// new entry's; and a uid is not reused while records under it remain. What
// the span can hold is the batch's own records of the node's entries: its
// loose entries (covered), deletion marks of the entries deleted before
// the node closed, and an earlier record of the same node when it closed
// twice in the batch (it became the last node again when the nodes after it
// were deleted). The node bytes supersede all three — they carry the
// deleted flags — so a fresh node is written without its range deletion
// (saving one range tombstone per closed node, which every later read of
// the span would otherwise meet) and those records are skipped
// (isFreshNode, skippedByFresh). A node that closes again after a batch in
// which it was written, or whose first entry is older than the batch, keeps
// its range deletion: its earlier record and loose entries are in the
// store.
//
// Spans of one stream are disjoint but for a node that closes twice: its
// later span shares its first ID with the earlier one and also covers the
// spans of the nodes that closed after it and were then deleted, so an ID
// can fall in spans with different first IDs (see spansAt).
func (t *translator) nodesCover(b *Batch, k opKinds) bool {
	t.nodes = t.nodes[:0]
	if k[NodePut] == 0 || k[EntryPut] == 0 {
		return false
	}
	for i := range b.Ops {
		if op := &b.Ops[i]; op.Kind == NodePut {
			t.nodes = append(t.nodes, nodeSpan{uid: op.UID, first: op.ID, end: op.End, idx: i})
		}
	}
	slices.SortFunc(t.nodes, func(a, b nodeSpan) int {
		if a.uid != b.uid {
			return cmp.Compare(a.uid, b.uid)
		}
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
	for j := range t.nodes {
		n := &t.nodes[j]
		n.reach = n.end
		if j > 0 && t.nodes[j-1].uid == n.uid && n.reach.Less(t.nodes[j-1].reach) {
			n.reach = t.nodes[j-1].reach
		}
	}
	// Mark the nodes whose first entry an earlier op of the batch put.
	for i := range b.Ops {
		op := &b.Ops[i]
		if op.Kind != EntryPut {
			continue
		}
		for j := t.spansAt(op.UID, op.ID); j >= 0; j = t.nextSpanAt(j, op.UID, op.ID) {
			if n := &t.nodes[j]; n.first == op.ID && n.idx > i {
				n.fresh = true
			}
		}
	}
	return true
}

// spansAt returns the index in t.nodes of the last of stream uid's spans
// that may hold id (first at or before id, and reaching past it), or -1;
// nextSpanAt then returns the one before it, down to -1. Every span that
// holds id is visited; callers check each one's own end.
func (t *translator) spansAt(uid uint64, id stream.ID) int {
	// The first span after (uid, id).
	hi := sort.Search(len(t.nodes), func(j int) bool {
		n := &t.nodes[j]
		return n.uid > uid || n.uid == uid && id.Less(n.first)
	})
	return t.nextSpanAt(hi, uid, id)
}

// nextSpanAt returns the index of the span before j that may hold id, or
// -1 (see spansAt).
func (t *translator) nextSpanAt(j int, uid uint64, id stream.ID) int {
	j--
	if j < 0 || t.nodes[j].uid != uid || !id.Less(t.nodes[j].reach) {
		// No span at or before j reaches past id.
		return -1
	}
	return j
}

// isCovered reports whether op, the i-th op of its batch, is an EntryPut
// whose entry a later NodePut of the batch holds.
func (t *translator) isCovered(op *Op, i int) bool {
	if op.Kind != EntryPut {
		return false
	}
	for j := t.spansAt(op.UID, op.ID); j >= 0; j = t.nextSpanAt(j, op.UID, op.ID) {
		if n := &t.nodes[j]; n.idx > i && op.ID.Less(n.end) {
			return true
		}
	}
	return false
}

// skippedByFresh reports whether op, the i-th op of its batch, writes a
// record that a later fresh NodePut of the batch supersedes: an EntryDel
// of an entry in the node (its mark, and the deletion of a loose record the
// batch never wrote), or an earlier NodePut of the same node.
func (t *translator) skippedByFresh(op *Op, i int) bool {
	switch op.Kind {
	case EntryDel:
		for j := t.spansAt(op.UID, op.ID); j >= 0; j = t.nextSpanAt(j, op.UID, op.ID) {
			if n := &t.nodes[j]; n.fresh && n.idx > i && op.ID.Less(n.end) {
				return true
			}
		}
	case NodePut:
		for j := t.spansAt(op.UID, op.ID); j >= 0; j = t.nextSpanAt(j, op.UID, op.ID) {
			if n := &t.nodes[j]; n.fresh && n.idx > i && n.first == op.ID && !n.end.Less(op.End) {
				return true
			}
		}
	}
	return false
}

// isFreshNode reports whether op, the i-th op of its batch, is a fresh
// NodePut (see nodesCover), written without its range deletion.
func (t *translator) isFreshNode(op *Op, i int) bool {
	if op.Kind != NodePut {
		return false
	}
	for j := t.spansAt(op.UID, op.ID); j >= 0; j = t.nextSpanAt(j, op.UID, op.ID) {
		if n := &t.nodes[j]; n.idx == i {
			return n.fresh
		}
	}
	return false
}

// needsExclusive reports whether translating b reads the store, so that no
// other batch may be applied between the read and b's own apply.
func needsExclusive(b *Batch) bool {
	for i := range b.Ops {
		if b.Ops[i].Kind == FlushDB {
			return true
		}
	}
	return false
}

func dbIndex(op *Op) (uint32, error) {
	if op.DB < 0 || op.DB > maxDB {
		return 0, fmt.Errorf("%w: database index %d out of range", ErrInvalidOp, op.DB)
	}
	return uint32(op.DB), nil
}

// translate appends b's ops to t.pb in order. On error t.pb holds a partial
// translation and must be discarded.
func (t *translator) translate(b *Batch) error {
	k := countKinds(b)
	t.track = k[FlushDB] > 0
	if t.track {
		t.overlay = map[keyRef]uint64{}
		t.flushedDB = map[uint32]bool{}
		t.flushedAll = false
	}
	skip := t.superseded(b, k)
	skipPending := t.pendingSkips(b, k)
	covered := t.nodesCover(b, k)
	for i := range b.Ops {
		op := &b.Ops[i]
		if skip && t.isSuperseded(i) || skipPending && t.isPendingSkipped(op, i) {
			continue
		}
		if covered && (t.isCovered(op, i) || t.skippedByFresh(op, i)) {
			continue
		}
		var err error
		if covered && t.isFreshNode(op, i) {
			err = t.nodePut(op, false)
		} else {
			err = t.op(op)
		}
		if err != nil {
			return fmt.Errorf("op %d: %w", i, err)
		}
	}
	return nil
}

func (t *translator) set() error      { return t.pb.Set(t.k, t.v, nil) }
func (t *translator) del() error      { return t.pb.Delete(t.k, nil) }
func (t *translator) delRange() error { return t.pb.DeleteRange(t.k, t.e, nil) }
func (t *translator) dropUID(uid uint64) error {
	t.k = appendDataPrefix(t.k[:0], uid)
	t.e = appendDataPrefix(t.e[:0], uid+1)
	if uid == ^uint64(0) {
		t.e = append(t.e[:0], spaceEnd)
	}
	return t.delRange()
}

func (t *translator) op(op *Op) error {
	switch op.Kind {
	case KeyDel, FlushDB, FlushAll:
	default:
		if op.UID == 0 {
			return fmt.Errorf("%w: kind %d with uid 0", ErrInvalidOp, op.Kind)
		}
	}
	switch op.Kind {
	case KeyPut, KeyDel:
		db, err := dbIndex(op)
		if err != nil {
			return err
		}
		t.k = appendKeyRecord(t.k[:0], db, op.Key)
		if op.Kind == KeyDel {
			if t.track {
				t.overlay[keyRef{db, op.Key}] = 0
			}
			return t.del()
		}
		if t.track {
			t.overlay[keyRef{db, op.Key}] = op.UID
		}
		t.v = appendKeyValue(t.v[:0], op.UID, op.Expire)
		return t.set()
	case StreamDrop:
		return t.dropUID(op.UID)
	case EntryPut:
		t.k = appendEntryKey(t.k[:0], op.UID, op.ID)
		t.v = appendFields(t.v[:0], op.Fields)
		return t.set()
	case EntryDel:
		// The entry is loose or in a node record: delete the one and mark
		// the other (a mark with no node around it is dropped by Load, and
		// goes with the range a later node, trim or drop deletes).
		t.k = appendEntryKey(t.k[:0], op.UID, op.ID)
		if err := t.del(); err != nil {
			return err
		}
		t.k = appendMarkKey(t.k[:0], op.UID, op.ID)
		t.v = t.v[:0]
		return t.set()
	case NodePut:
		return t.nodePut(op, true)
	case EntryDelRange:
		through := op.End == stream.Max && !op.BeforeMax
		if !op.ID.Less(op.End) && !through {
			return nil // empty range
		}
		t.k = appendEntryKey(t.k[:0], op.UID, op.ID)
		if through {
			t.e = appendEntriesEnd(t.e[:0], op.UID)
		} else {
			t.e = appendEntryKey(t.e[:0], op.UID, op.End)
		}
		return t.delRange()
	case StreamMetaPut:
		t.k = appendMetaKey(t.k[:0], op.UID)
		t.v = appendMetaValue(t.v[:0], op.Meta)
		return t.set()
	case GroupPut:
		t.k = appendGroupKey(t.k[:0], op.UID, op.Group)
		t.v = appendGroupValue(t.v[:0], op.GroupLastID, op.EntriesRead)
		return t.set()
	case GroupDel:
		t.k = appendGroupPrefix(t.k[:0], op.UID, op.Group)
		t.e = prefixEndInPlace(append(t.e[:0], t.k...))
		return t.delRange()
	case ConsumerPut:
		t.k = appendConsumerKey(t.k[:0], op.UID, op.Group, op.Consumer)
		t.v = appendConsumerValue(t.v[:0], op.SeenTime, op.ActiveTime)
		return t.set()
	case ConsumerDel:
		t.k = appendConsumerKey(t.k[:0], op.UID, op.Group, op.Consumer)
		return t.del()
	case PendingPut:
		t.k = appendPendingKey(t.k[:0], op.UID, op.Group, op.ID)
		t.v = appendPendingValue(t.v[:0], op.DeliveryTime, op.DeliveryCount, op.Consumer)
		return t.set()
	case PendingDel:
		t.k = appendPendingKey(t.k[:0], op.UID, op.Group, op.ID)
		return t.del()
	case IdmpPut:
		t.k = appendIdmpKey(t.k[:0], op.UID, op.Group, op.Consumer)
		t.v = appendIdmpValue(t.v[:0], op.ID, op.DeliveryTime)
		return t.set()
	case IdmpDel:
		t.k = appendIdmpKey(t.k[:0], op.UID, op.Group, op.Consumer)
		return t.del()
	case IdmpClear:
		t.k = append(appendDataPrefix(t.k[:0], op.UID), tagIdmp)
		t.e = append(appendDataPrefix(t.e[:0], op.UID), tagIdmp+1)
		return t.delRange()
	case FlushDB:
		db, err := dbIndex(op)
		if err != nil {
			return err
		}
		return t.flushDB(db)
	case FlushAll:
		if t.track {
			clear(t.overlay)
			t.flushedAll = true
		}
		// Key records and stream data are adjacent spaces: one deletion.
		t.k = append(t.k[:0], spaceKey)
		t.e = append(t.e[:0], spaceEnd)
		return t.delRange()
	}
	return fmt.Errorf("%w: unknown kind %d", ErrInvalidOp, op.Kind)
}

// nodePut writes a NodePut's node record, after the range deletion of its
// span when rangeDel is set (it may be left out only for a fresh node: see
// nodesCover).
func (t *translator) nodePut(op *Op, rangeDel bool) error {
	if op.UID == 0 {
		return fmt.Errorf("%w: kind %d with uid 0", ErrInvalidOp, op.Kind)
	}
	last, ok := op.End.Prev()
	if !ok || !op.ID.Less(op.End) || len(op.Node) == 0 {
		return fmt.Errorf("%w: node [%v, %v) of %d bytes", ErrInvalidOp, op.ID, op.End, len(op.Node))
	}
	if rangeDel {
		t.k = appendEntryKey(t.k[:0], op.UID, op.ID)
		t.e = appendEntryKey(t.e[:0], op.UID, op.End)
		if err := t.delRange(); err != nil {
			return err
		}
	}
	t.k = appendNodeKey(t.k[:0], op.UID, last)
	t.v = appendNodeValue(t.v[:0], op.ID, op.Node)
	return t.set()
}

// flushDB deletes db's key records with one range deletion and each of its
// streams' data with one range deletion per stream.
func (t *translator) flushDB(db uint32) error {
	var uids []uint64
	if !t.flushedAll && !t.flushedDB[db] {
		err := t.read(db, func(name []byte, uid uint64) error {
			if _, ok := t.overlay[keyRef{db, string(name)}]; !ok {
				uids = append(uids, uid)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for ref, uid := range t.overlay {
		if ref.db != db {
			continue
		}
		if uid != 0 {
			uids = append(uids, uid)
		}
		delete(t.overlay, ref)
	}
	t.flushedDB[db] = true
	t.k = appendKeyPrefix(t.k[:0], db)
	t.e = t.e[:0]
	if db == maxDB {
		t.e = append(t.e, spaceKey+1)
	} else {
		t.e = appendKeyPrefix(t.e, db+1)
	}
	if err := t.delRange(); err != nil {
		return err
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	for _, uid := range uids {
		if err := t.dropUID(uid); err != nil {
			return err
		}
	}
	return nil
}

// prefixEndInPlace turns p into the smallest key greater than every key
// with prefix p, reusing p's memory. A group prefix always ends in the
// group's name after a data-space byte, so it never consists only of 0xff.
func prefixEndInPlace(p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			p[i]++
			return p[:i+1]
		}
	}
	return p[:0]
}
