package persist

import (
	"math/bits"

	"github.com/runnel-db/runnel/stream"
)

// pendingFate is what a batch does to one pending entry record (uid,
// group, id): the index of its last PendingPut or PendingDel, and whether
// its first was a Fresh PendingPut.
type pendingFate struct {
	uid   uint64
	id    stream.ID
	group string
	last  int
	fresh bool
}

// pendingTable maps each pending entry record a batch touches to its fate.
// It is an open-addressing hash table of indexes into fates, with a hash
// of the uid and the ID only: a stream has few groups, so records that
// differ by group alone are rare and settle by comparing the names (equal
// names are almost always the same string). Its memory is kept from batch
// to batch; a merged batch of deliveries and acknowledgements touches
// thousands of records, which a map keyed by the three fields hashed field
// by field made the most expensive part of translating the batch.
type pendingTable struct {
	// slots holds 1 + an index into fates, 0 for an empty slot; its length
	// is a power of two at least twice the number of pending ops.
	slots []int32
	shift uint // 64 - log2(len(slots))
	fates []pendingFate
	// of holds, for each op of the batch, the index in fates of its
	// record (meaningful for pending ops only).
	of []int32
}

// reset empties the table for a batch of ops ops, n of them pending ones.
func (p *pendingTable) reset(ops, n int) {
	size := 1 << bits.Len(uint(2*n-1))
	if cap(p.slots) < size {
		p.slots = make([]int32, size)
	} else {
		p.slots = p.slots[:size]
		clear(p.slots)
	}
	p.shift = uint(64 - bits.Len(uint(size-1)))
	clear(p.fates) // drop the group names
	p.fates = p.fates[:0]
	if cap(p.of) < ops {
		p.of = make([]int32, ops)
	}
	p.of = p.of[:ops]
}

// find returns the index in fates of op's record, adding it unseen.
func (p *pendingTable) find(op *Op) (int32, bool) {
	h := (op.ID.Ms*0x9e3779b97f4a7c15 ^ op.ID.Seq*0xc2b2ae3d27d4eb4f ^ op.UID*0x165667b19e3779f9) * 0xff51afd7ed558ccd
	mask := len(p.slots) - 1
	for i := int(h >> p.shift); ; i = (i + 1) & mask {
		s := p.slots[i]
		if s == 0 {
			p.fates = append(p.fates, pendingFate{uid: op.UID, id: op.ID, group: op.Group})
			f := int32(len(p.fates) - 1)
			p.slots[i] = f + 1
			return f, false
		}
		if f := &p.fates[s-1]; f.id == op.ID && f.uid == op.UID && f.group == op.Group {
			return s - 1, true
		}
	}
}

// pendingSkips prepares t.pending for isPendingSkipped and reports whether
// b holds any pending op that can be skipped; k is b's countKinds. A merged batch of many
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
func (t *translator) pendingSkips(b *Batch, k opKinds) bool {
	n := k[PendingPut] + k[PendingDel]
	if n < 2 {
		return false
	}
	p := &t.pending
	p.reset(len(b.Ops), n)
	for i := range b.Ops {
		op := &b.Ops[i]
		if op.Kind != PendingPut && op.Kind != PendingDel {
			continue
		}
		j, seen := p.find(op)
		f := &p.fates[j]
		if !seen {
			f.fresh = op.Kind == PendingPut && op.Fresh
		}
		f.last = i
		p.of[i] = j
	}
	// Only a record with two ops or more has one to skip (a fresh put
	// followed by a deletion is two).
	return len(p.fates) < n
}

// isPendingSkipped reports whether op, the i-th op of its batch, is a
// pending op that pendingSkips found needless.
func (t *translator) isPendingSkipped(op *Op, i int) bool {
	if op.Kind != PendingPut && op.Kind != PendingDel {
		return false
	}
	f := &t.pending.fates[t.pending.of[i]]
	if f.last != i {
		return true
	}
	return op.Kind == PendingDel && f.fresh
}
