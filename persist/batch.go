package persist

import (
	"unsafe"

	"github.com/runnel-db/runnel/stream"
)

// Op is one effect of a write command, in the logical terms of the data
// model. A Batch is an ordered list of them; a Store applies a whole Batch
// atomically or not at all.
//
// The flags come first, next to Kind, so that they share its word: a
// merged batch holds thousands of ops, each copied in, cleared and read
// several times.
type Op struct {
	Kind OpKind
	// BeforeMax makes an EntryDelRange with End == stream.Max stop before
	// the largest ID, as any other exclusive end does: a trim whose first
	// kept entry is the largest ID, or the drop of a node ending just below
	// it, must not delete that entry.
	BeforeMax bool
	// Fresh marks a PendingPut that creates its record: the entry was not
	// pending in the group just before this op. It lets a batch that
	// also deletes the record write neither op (see pendingSkips); a
	// PendingPut that may replace an existing record must leave it unset.
	Fresh bool
	// DB is the logical database for key-level ops (KeyPut, KeyDel, FlushDB).
	DB int
	// Key is the key name for KeyPut and KeyDel.
	Key string
	// UID identifies a stream's data independently of its name, so that
	// RENAME, MOVE and SWAPDB only rewrite key records. It is never 0; a
	// Store rejects a batch that uses uid 0 (except KeyDel, FlushDB,
	// FlushAll, which take none).
	UID uint64
	// Expire is a key's expiry in Unix milliseconds, 0 for none (KeyPut).
	Expire int64
	// ID is the entry or pending ID; End is the exclusive end of a range
	// (EntryDelRange), except that End == stream.Max reaches through the
	// largest ID too (its loose entry, mark and node record), which an
	// exclusive end could not name, unless BeforeMax is set.
	ID, End stream.ID
	// Fields alternate name, value (EntryPut). Owned by the batch (AddEntry
	// copies them), valid until Reset.
	Fields [][]byte
	// Meta is the stream metadata (StreamMeta).
	Meta StreamMeta
	// Group and Consumer name the group-level records; for the Idmp ops
	// they are the producer ID and the idempotent ID.
	Group, Consumer string
	// GroupLastID and EntriesRead are a group's cursor (GroupPut).
	GroupLastID stream.ID
	EntriesRead int64
	// SeenTime and ActiveTime are a consumer's clocks in Unix ms (ConsumerPut).
	SeenTime, ActiveTime int64
	// DeliveryTime and DeliveryCount describe a pending entry (PendingPut);
	// DeliveryTime is also when an IdmpPut's iid was recorded (Unix ms).
	// A PendingPut with an empty Consumer and a negative DeliveryTime
	// records an entry XNACK released (owned by no consumer, delivered at
	// 0): -DeliveryTime is its place in the group's NACK queue. This
	// package stores both fields as they are.
	DeliveryTime  int64
	DeliveryCount uint64
	// Node is a closed node's packed bytes as stream.Stream.Append reported
	// them (NodePut), whose entries are [ID, End). Owned by the batch
	// (AddNode copies it), valid until Reset.
	Node []byte
}

// OpKind says what an Op does.
type OpKind uint8

// The op kinds. Each Put replaces the whole record it names.
const (
	KeyPut        OpKind = iota + 1 // key record: DB, Key -> UID, Expire
	KeyDel                          // drop key record DB, Key (its data is dropped by StreamDrop)
	StreamDrop                      // drop every record under UID (range deletion)
	EntryPut                        // UID, ID, Fields
	EntryDel                        // UID, ID: the entry, wherever it is kept (loose or in a node record)
	EntryDelRange                   // UID, entries in [ID, End), and node records whose last entry is in it
	StreamMetaPut                   // UID, Meta
	GroupPut                        // UID, Group, GroupLastID, EntriesRead
	GroupDel                        // UID, Group, with its consumers and pending entries
	ConsumerPut                     // UID, Group, Consumer, SeenTime, ActiveTime
	ConsumerDel                     // UID, Group, Consumer (its pending entries are deleted by PendingDel ops)
	PendingPut                      // UID, Group, ID, Consumer (owner), DeliveryTime, DeliveryCount, Fresh
	PendingDel                      // UID, Group, ID
	FlushDB                         // every key of DB (and their data)
	FlushAll                        // everything
	// NodePut stores a closed node (UID, ID = its first entry, End = just
	// after its last, Node) in place of every entry, deletion and node
	// record with an ID in [ID, End): from then on its entries live in the
	// node record. A later EntryDel of one of them marks it deleted; a
	// later EntryDelRange covering the node's last entry drops the record.
	NodePut
	// IdmpPut records that producer Group's idempotent ID Consumer added
	// entry ID of UID at DeliveryTime (Unix ms); IdmpDel forgets one
	// (UID, Group, Consumer); IdmpClear forgets all of UID's (XCFGSET).
	IdmpPut
	IdmpDel
	IdmpClear
)

// lastOpKind is the largest OpKind.
const lastOpKind = IdmpClear

// StreamMeta is the per-stream metadata Redis keeps besides the entries.
type StreamMeta struct {
	LastID       stream.ID
	MaxDeletedID stream.ID
	FirstID      stream.ID
	EntriesAdded uint64
	// Idmp is the idempotent-production settings and counters (Redis 8.6),
	// all zero for a stream that never used them; zero settings mean the
	// defaults.
	Idmp IdmpMeta
}

// IdmpMeta is the part of StreamMeta that XADD IDMP and XCFGSET change:
// the retention in seconds, the per-producer cap, and the lifetime counts
// of entries added with an iid and of duplicates answered.
type IdmpMeta struct {
	Duration, MaxSize int64
	Added, Duplicates uint64
}

// Batch collects the effects of write commands, to be committed as a unit
// before any reply that depends on them leaves the server: one command's,
// one MULTI/EXEC block's, or those of every command since the last commit,
// added one after another. A Batch is not safe for concurrent use.
type Batch struct {
	// Ops are the effects in order. Build a batch with a literal or the
	// Add methods; shorten it only with Reset or Truncate, which keep the
	// capacity past len(Ops) zero for the adders that fill it in place.
	Ops   []Op
	arena []byte
	// slab holds the Fields slices of the EntryPut ops, reused as arena is,
	// so that adding an entry to a reused batch allocates nothing.
	slab [][]byte
	// counting is set by CountOnly; n is then the number of ops added.
	counting bool
	n        int
}

// CountOnly makes b count the ops added to it instead of keeping them: Len
// reports how many were added since the last Reset and Ops stays empty.
// It serves a store that keeps nothing (Memory), whose writers only need
// to know whether a command changed anything.
func (b *Batch) CountOnly() { b.counting = true }

// Reset empties the batch for reuse, keeping its memory.
func (b *Batch) Reset() {
	clear(b.Ops)
	b.Ops = b.Ops[:0]
	b.arena = b.arena[:0]
	clear(b.slab)
	b.slab = b.slab[:0]
	b.n = 0
}

// Len returns the number of ops.
func (b *Batch) Len() int {
	if b.counting {
		return b.n
	}
	return len(b.Ops)
}

// Add appends op. Callers that pass Fields must use AddEntry instead so the
// batch owns the bytes.
func (b *Batch) Add(op Op) {
	if b.counting {
		b.n++
		return
	}
	b.Ops = append(b.Ops, op)
}

// The adders below append the ops every write of the consumer-group path
// makes, filling a slot of Ops in place (slot): a merged batch holds
// thousands of ops, and building each on the stack to copy it in with Add
// cost more than writing its few fields. Each appends what Add would with
// the Op its comment names.

// slot appends a zero op of kind for uid and returns it. The slots past
// len(Ops) are always zero (Reset and Truncate clear what they drop), so
// growing within the capacity writes nothing else. It must not be called
// when counting.
func (b *Batch) slot(kind OpKind, uid uint64) *Op {
	n := len(b.Ops)
	if n == cap(b.Ops) {
		b.Ops = append(b.Ops, Op{})
	} else {
		b.Ops = b.Ops[:n+1]
	}
	op := &b.Ops[n]
	op.Kind, op.UID = kind, uid
	return op
}

// AddEntry appends an EntryPut, copying fields into memory the batch owns:
// the caller's argument buffers may be reused before the batch commits.
func (b *Batch) AddEntry(uid uint64, id stream.ID, fields [][]byte) {
	if b.counting {
		b.n++
		return
	}
	f := b.copyFields(fields)
	op := b.slot(EntryPut, uid)
	op.ID, op.Fields = id, f
}

// AddStreamMeta appends Op{Kind: StreamMetaPut, UID: uid, Meta: m}.
func (b *Batch) AddStreamMeta(uid uint64, m StreamMeta) {
	if b.counting {
		b.n++
		return
	}
	b.slot(StreamMetaPut, uid).Meta = m
}

// AddIdmp appends an IdmpPut: producer pid's iid added entry id of uid at
// ms (Unix ms).
func (b *Batch) AddIdmp(uid uint64, pid, iid string, id stream.ID, ms int64) {
	if b.counting {
		b.n++
		return
	}
	op := b.slot(IdmpPut, uid)
	op.Group, op.Consumer, op.ID, op.DeliveryTime = pid, iid, id, ms
}

// AddIdmpDel appends an IdmpDel of producer pid's iid of uid.
func (b *Batch) AddIdmpDel(uid uint64, pid, iid string) {
	if b.counting {
		b.n++
		return
	}
	op := b.slot(IdmpDel, uid)
	op.Group, op.Consumer = pid, iid
}

// AddGroup appends Op{Kind: GroupPut, UID: uid, Group: group, GroupLastID:
// lastID, EntriesRead: entriesRead}.
func (b *Batch) AddGroup(uid uint64, group string, lastID stream.ID, entriesRead int64) {
	if b.counting {
		b.n++
		return
	}
	op := b.slot(GroupPut, uid)
	op.Group, op.GroupLastID, op.EntriesRead = group, lastID, entriesRead
}

// AddConsumer appends Op{Kind: ConsumerPut, UID: uid, Group: group,
// Consumer: consumer, SeenTime: seen, ActiveTime: active}.
func (b *Batch) AddConsumer(uid uint64, group, consumer string, seen, active int64) {
	if b.counting {
		b.n++
		return
	}
	op := b.slot(ConsumerPut, uid)
	op.Group, op.Consumer, op.SeenTime, op.ActiveTime = group, consumer, seen, active
}

// AddPending appends Op{Kind: PendingPut, UID: uid, Group: group, ID: id,
// Consumer: owner, DeliveryTime: deliveryTime, DeliveryCount:
// deliveryCount, Fresh: fresh}.
func (b *Batch) AddPending(uid uint64, group string, id stream.ID, owner string, deliveryTime int64, deliveryCount uint64, fresh bool) {
	if b.counting {
		b.n++
		return
	}
	op := b.slot(PendingPut, uid)
	op.Group, op.ID, op.Consumer = group, id, owner
	op.DeliveryTime, op.DeliveryCount, op.Fresh = deliveryTime, deliveryCount, fresh
}

// AddPendingDel appends Op{Kind: PendingDel, UID: uid, Group: group, ID:
// id}.
func (b *Batch) AddPendingDel(uid uint64, group string, id stream.ID) {
	if b.counting {
		b.n++
		return
	}
	op := b.slot(PendingDel, uid)
	op.Group, op.ID = group, id
}

// Truncate drops the ops from the n-th on, as if they had never been
// added, so that a holder can take back the effects of a command that must
// not commit. The field bytes they used stay in the arena until Reset.
func (b *Batch) Truncate(n int) {
	if b.counting {
		b.n = min(b.n, n)
		return
	}
	if n >= len(b.Ops) {
		return
	}
	clear(b.Ops[n:])
	b.Ops = b.Ops[:n]
}

// Retained returns about how many bytes b keeps for reuse after Reset, so
// a holder can drop a batch that one huge command made large.
func (b *Batch) Retained() int {
	return cap(b.arena) + cap(b.slab)*int(unsafe.Sizeof([]byte(nil))) + cap(b.Ops)*int(unsafe.Sizeof(Op{}))
}

// copyFields copies fields into b's arena and slab. A full arena or slab is
// replaced by one at least twice as large, which Reset then keeps, so a
// batch reused for many commands settles at the size they need.
func (b *Batch) copyFields(fields [][]byte) [][]byte {
	n := 0
	for _, f := range fields {
		n += len(f)
	}
	b.reserve(n)
	if cap(b.slab)-len(b.slab) < len(fields) {
		// A fresh slab: earlier ops keep pointing into the old one.
		b.slab = make([][]byte, 0, max(len(fields), 256, 2*cap(b.slab)))
	}
	first := len(b.slab)
	for _, f := range fields {
		start := len(b.arena)
		b.arena = append(b.arena, f...)
		b.slab = append(b.slab, b.arena[start:len(b.arena):len(b.arena)])
	}
	return b.slab[first:len(b.slab):len(b.slab)]
}

// reserve makes room for n more bytes in b's arena.
func (b *Batch) reserve(n int) {
	if cap(b.arena)-len(b.arena) < n {
		// A fresh arena: earlier ops keep pointing into the old one.
		b.arena = make([]byte, 0, max(n, 4096, 2*cap(b.arena)))
	}
}

// AddNode appends a NodePut for the closed node of stream uid spanning
// span, copying data (which aliases the stream's storage and changes when
// an entry of the node is deleted) into b's arena, as AddEntry copies
// fields. span.Last must not be stream.Max: a node closes when an entry
// follows it.
func (b *Batch) AddNode(uid uint64, span stream.Span, data []byte) {
	if b.counting {
		b.n++
		return
	}
	end, _ := span.Last.Next()
	b.reserve(len(data))
	start := len(b.arena)
	b.arena = append(b.arena, data...)
	node := b.arena[start:len(b.arena):len(b.arena)]
	b.Ops = append(b.Ops, Op{Kind: NodePut, UID: uid, ID: span.First, End: end, Node: node})
}

// Store is where committed batches go. The in-memory store commits
// instantly; the Pebble store makes each batch durable under the fsync
// policy before Commit (or the Ticket's Wait) returns.
//
// A write is two steps, so that the order of batches is the order in which
// the keyspace changed while the (slow) sync is shared by every client that
// waits at the same time: Apply under the lock the command mutated memory
// with, then release the lock, then Wait, then reply.
type Store interface {
	// Apply applies b atomically, in order after every batch whose Apply
	// has returned, and returns the Ticket to wait on for durability. It
	// never waits for a sync. b may be reused once Apply returns. Safe for
	// concurrent use; concurrent calls are applied in some order.
	Apply(b *Batch) (Ticket, error)
	// Commit is Apply followed by the Ticket's Wait. It may be called from
	// many goroutines at once; implementations group concurrent commits
	// into one sync. The caller must not hold the keyspace lock while
	// Commit waits.
	Commit(b *Batch) error
	// Close flushes and releases the store.
	Close() error
}

// Memory is a Store that keeps nothing: every commit succeeds at once. It
// serves the in-memory mode and tests that do not need durability.
type Memory struct{}

// Apply implements Store; the zero Ticket it returns is already durable.
func (Memory) Apply(*Batch) (Ticket, error) { return Ticket{}, nil }

// Commit implements Store.
func (Memory) Commit(*Batch) error { return nil }

// Close implements Store.
func (Memory) Close() error { return nil }
