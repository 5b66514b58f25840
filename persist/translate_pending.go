package persist

import "github.com/runnel-db/runnel/stream"

// pendingRef names one pending entry record.
type pendingRef struct {
	uid   uint64
	group string
	id    stream.ID
}

// pendingFate is what a batch does to one pending entry record: the index
// of its last PendingPut or PendingDel, and whether its first was a Fresh
// PendingPut.
type pendingFate struct {
	last  int
	fresh bool
}

// pendingSkips prepares t.pending for isPendingSkipped and reports whether
// b holds any pending op that can be skipped. A merged batch of many
// commands writes a pending entry once per delivery, claim and
// acknowledgement; as the batch is applied atomically only the record's
// final state can ever be read, so of the PendingPut and PendingDel ops on
// one (uid, group, id):
//
//   - every op but the last is skipped: a later PendingPut replaces the
//     record and a later PendingDel removes it, and a range deletion in
//     between (GroupDel, StreamDrop, FlushDB, FlushAll) is kept and still
//     covers the keys written after it;
//   - the last is skipped too when it is a PendingDel and the first is a
//     Fresh PendingPut (a delivery the record did not exist before, then
//     its XACK): no record existed before the batch, or a range deletion
//     of the batch that precedes the PendingDel removed it, so the
//     deletion has nothing to delete.
//
// A PendingPut not marked Fresh may update a record the store holds, so a
// PendingDel after it is always written.
func (t *translator) pendingSkips(b *Batch) bool {
	n := 0
	for i := range b.Ops {
		switch b.Ops[i].Kind {
		case PendingPut, PendingDel:
			n++
		}
	}
	if n < 2 {
		return false
	}
	if t.pending == nil {
		t.pending = map[pendingRef]pendingFate{}
	}
	clear(t.pending)
	for i := range b.Ops {
		op := &b.Ops[i]
		if op.Kind != PendingPut && op.Kind != PendingDel {
			continue
		}
		ref := pendingRef{op.UID, op.Group, op.ID}
		f, seen := t.pending[ref]
		if !seen {
			f.fresh = op.Kind == PendingPut && op.Fresh
		}
		f.last = i
		t.pending[ref] = f
	}
	return len(t.pending) < n
}

// isPendingSkipped reports whether op, the i-th op of its batch, is a
// pending op that pendingSkips found needless.
func (t *translator) isPendingSkipped(op *Op, i int) bool {
	if op.Kind != PendingPut && op.Kind != PendingDel {
		return false
	}
	f := t.pending[pendingRef{op.UID, op.Group, op.ID}]
	if f.last != i {
		return true
	}
	return op.Kind == PendingDel && f.fresh
}
