package persist

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/stream"
)

var seedFlag = flag.Uint64("seed", 0, "seed for randomised persist tests (0: time-based)")

func testSeed(t testing.TB) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed=%d)", s, s)
	return s
}

func openT(t testing.TB, dir string, opts Options) *Pebble {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func loadT(t testing.TB, s *Pebble) (*state, Stats) {
	t.Helper()
	r := newRecorder()
	st, err := s.Load(r)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if r.err != nil {
		t.Fatalf("Load order: %v", r.err)
	}
	return r.s, st
}

func commitT(t testing.TB, s Store, b *Batch) {
	t.Helper()
	if err := s.Commit(b); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func id(ms, seq uint64) stream.ID { return stream.ID{Ms: ms, Seq: seq} }

func fields(kv ...string) [][]byte {
	out := make([][]byte, len(kv))
	for i, s := range kv {
		out[i] = []byte(s)
	}
	return out
}

// everyOpKind is a sequence of batches that uses every op kind, including
// the edge cases of the layout: binary and prefix-sharing names, a move
// between databases, a FlushDB after key changes in the same batch.
func everyOpKind() []*Batch {
	var bs []*Batch
	add := func(f func(b *Batch)) {
		b := &Batch{}
		f(b)
		bs = append(bs, b)
	}
	add(func(b *Batch) { // XADD s1 creating it, XGROUP CREATE, XREADGROUP
		b.Add(Op{Kind: KeyPut, DB: 0, Key: "s1", UID: 1})
		for i := uint64(1); i <= 5; i++ {
			b.AddEntry(1, id(i, 0), fields("f", fmt.Sprint(i)))
		}
		b.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: StreamMeta{LastID: id(5, 0), FirstID: id(1, 0), EntriesAdded: 5}})
		b.Add(Op{Kind: GroupPut, UID: 1, Group: "g1", GroupLastID: id(2, 0), EntriesRead: 2})
		b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g1", Consumer: "c1", SeenTime: 100, ActiveTime: 100})
		b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g1", Consumer: "c2", SeenTime: 101, ActiveTime: -1})
		b.Add(Op{Kind: PendingPut, UID: 1, Group: "g1", ID: id(1, 0), Consumer: "c1", DeliveryTime: 100, DeliveryCount: 1})
		b.Add(Op{Kind: PendingPut, UID: 1, Group: "g1", ID: id(2, 0), Consumer: "c1", DeliveryTime: 100, DeliveryCount: 1})
	})
	add(func(b *Batch) { // a second stream with prefix-sharing group names and binary bytes
		b.Add(Op{Kind: KeyPut, DB: 1, Key: "s2", UID: 2, Expire: 1700000000000})
		b.AddEntry(2, id(7, 1), fields("a", "b", "", "\x00\xff"))
		b.AddEntry(2, id(7, 2), nil)
		b.Add(Op{Kind: StreamMetaPut, UID: 2, Meta: StreamMeta{LastID: id(7, 2), MaxDeletedID: id(3, 0), FirstID: id(7, 1), EntriesAdded: 9}})
		for _, g := range []string{"g", "g1", "g10", "\xff\xff", ""} {
			b.Add(Op{Kind: GroupPut, UID: 2, Group: g, GroupLastID: id(7, 1), EntriesRead: -1})
			b.Add(Op{Kind: ConsumerPut, UID: 2, Group: g, Consumer: "c" + g, SeenTime: 5, ActiveTime: 6})
			b.Add(Op{Kind: PendingPut, UID: 2, Group: g, ID: id(7, 1), Consumer: "c" + g, DeliveryTime: 5, DeliveryCount: 3})
		}
		b.Add(Op{Kind: KeyPut, DB: 0, Key: "\x00\xffbin", UID: 3})
		b.AddEntry(3, stream.Max, fields("max", "id"))
	})
	add(func(b *Batch) { // XDEL, XTRIM, XACK, XGROUP DELCONSUMER, XCLAIM
		b.Add(Op{Kind: EntryDel, UID: 1, ID: id(3, 0)})
		b.Add(Op{Kind: EntryDelRange, UID: 1, ID: stream.Min, End: id(2, 0)})
		b.Add(Op{Kind: EntryDelRange, UID: 1, ID: id(9, 0), End: id(9, 0)}) // empty
		b.Add(Op{Kind: PendingDel, UID: 1, Group: "g1", ID: id(2, 0)})
		b.Add(Op{Kind: ConsumerDel, UID: 1, Group: "g1", Consumer: "c2"})
		b.Add(Op{Kind: PendingPut, UID: 1, Group: "g1", ID: id(1, 0), Consumer: "c3", DeliveryTime: 200, DeliveryCount: 2})
		b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g1", Consumer: "c3", SeenTime: 200, ActiveTime: 200})
		b.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: StreamMeta{LastID: id(5, 0), MaxDeletedID: id(3, 0), FirstID: id(2, 0), EntriesAdded: 5}})
	})
	add(func(b *Batch) { // MOVE s1 0 1; RENAME s2 s3 (db 1); XGROUP DESTROY s3 g
		b.Add(Op{Kind: KeyDel, DB: 0, Key: "s1"})
		b.Add(Op{Kind: KeyPut, DB: 1, Key: "s1", UID: 1})
		b.Add(Op{Kind: KeyDel, DB: 1, Key: "s2"})
		b.Add(Op{Kind: KeyPut, DB: 1, Key: "s3", UID: 2, Expire: 1700000000000})
		b.Add(Op{Kind: GroupDel, UID: 2, Group: "g"})
		b.Add(Op{Kind: GroupDel, UID: 2, Group: ""})
	})
	add(func(b *Batch) { // a stream in db 2, then DEL of it
		b.Add(Op{Kind: KeyPut, DB: 2, Key: "gone", UID: 4})
		b.AddEntry(4, id(1, 1), fields("x", "y"))
		b.Add(Op{Kind: StreamMetaPut, UID: 4, Meta: StreamMeta{LastID: id(1, 1)}})
	})
	add(func(b *Batch) {
		b.Add(Op{Kind: KeyDel, DB: 2, Key: "gone"})
		b.Add(Op{Kind: StreamDrop, UID: 4})
	})
	add(func(b *Batch) { // db 3 with two streams; one moves out and one in within the FLUSHDB batch
		b.Add(Op{Kind: KeyPut, DB: 3, Key: "a", UID: 5})
		b.AddEntry(5, id(1, 0), fields("k", "v"))
		b.Add(Op{Kind: KeyPut, DB: 3, Key: "b", UID: 6})
		b.AddEntry(6, id(1, 0), fields("k", "v"))
		b.Add(Op{Kind: KeyPut, DB: 3, Key: "moved", UID: 7})
		b.AddEntry(7, id(1, 0), fields("k", "v"))
	})
	add(func(b *Batch) { // MULTI: MOVE moved 3 4; XADD c in db 3; FLUSHDB (db 3); XADD d in db 3
		b.Add(Op{Kind: KeyDel, DB: 3, Key: "moved"})
		b.Add(Op{Kind: KeyPut, DB: 4, Key: "moved", UID: 7})
		b.Add(Op{Kind: KeyPut, DB: 3, Key: "c", UID: 8})
		b.AddEntry(8, id(1, 0), fields("k", "v"))
		b.Add(Op{Kind: FlushDB, DB: 3})
		b.Add(Op{Kind: KeyPut, DB: 3, Key: "d", UID: 9})
		b.AddEntry(9, id(1, 0), fields("k", "v"))
	})
	return bs
}

func TestRoundTripEveryOpKind(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	m := newModel()
	for _, b := range everyOpKind() {
		commitT(t, s, b)
		m.apply(b)
	}
	want := m.expected()
	if len(want.Keys) != 5 || len(want.Streams) != 5 {
		t.Fatalf("test data changed: %d keys %d streams expected", len(want.Keys), len(want.Streams))
	}
	got, _ := loadT(t, s)
	if d := diff(want, got); d != "" {
		t.Fatalf("before reopen:\n%s", d)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, Options{})
	defer s.Close()
	got, st := loadT(t, s)
	if d := diff(want, got); d != "" {
		t.Fatalf("after reopen:\n%s", d)
	}
	// uids 5, 6, 8 were flushed with db 3, 4 was dropped.
	if st.Keys != 5 || st.Orphans != 0 || st.MaxUID != 9 {
		t.Fatalf("stats %+v", st)
	}
	if got.Streams[7] == nil || got.Streams[5] != nil || got.Streams[8] != nil {
		t.Fatalf("FlushDB overlay: moved-out stream must survive, flushed ones must not: %v", got.Streams)
	}
}

func TestFlushAllThenWriteInSameBatch(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	m := newModel()
	b := everyOpKind()
	for _, x := range b[:3] {
		commitT(t, s, x)
		m.apply(x)
	}
	fb := &Batch{}
	fb.Add(Op{Kind: FlushAll})
	fb.Add(Op{Kind: KeyPut, DB: 0, Key: "after", UID: 10})
	fb.AddEntry(10, id(1, 0), fields("f", "v"))
	commitT(t, s, fb)
	m.apply(fb)
	got, _ := loadT(t, s)
	if d := diff(m.expected(), got); d != "" {
		t.Fatal(d)
	}
	if len(got.Keys) != 1 || len(got.Streams) != 1 {
		t.Fatalf("after FLUSHALL+XADD want one key and one stream, got %d, %d", len(got.Keys), len(got.Streams))
	}
}

func TestInvalidOpAppliesNothing(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	cases := []Op{
		{Kind: KeyPut, DB: -1, Key: "k", UID: 1},
		{Kind: KeyPut, DB: 1 << 40, Key: "k", UID: 1},
		{Kind: KeyPut, DB: 0, Key: "k", UID: 0},
		{Kind: EntryPut, UID: 0},
		{Kind: OpKind(200), UID: 1},
		{Kind: 0, UID: 1},
	}
	for _, bad := range cases {
		b := &Batch{}
		b.Add(Op{Kind: KeyPut, DB: 0, Key: "ok", UID: 1})
		b.Add(bad)
		if err := s.Commit(b); !errors.Is(err, ErrInvalidOp) {
			t.Errorf("op %+v: err %v, want ErrInvalidOp", bad, err)
		}
	}
	got, _ := loadT(t, s)
	if len(got.Keys) != 0 {
		t.Fatalf("a rejected batch left %v", got.Keys)
	}
}

// TestModelRandom runs random op sequences against the store and the
// reference model, reopening the store now and then, and compares Load with
// the model after every reopen.
func TestModelRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 1))
	dir := t.TempDir()
	s := openT(t, dir, Options{Fsync: No, MemTableSize: 256 << 10})
	defer func() { s.Close() }()
	m := newModel()
	g := &opGen{rng: rng, m: m, next: 1000}
	batches := 3000
	if testing.Short() {
		batches = 500
	}
	written := 0 // fresh nodes the translation wrote without a range deletion
	for i := 0; i < batches; i++ {
		b := g.batch()
		if tr := s.translator(); tr.nodesCover(b, countKinds(b)) {
			for j := range b.Ops {
				if tr.isFreshNode(&b.Ops[j], j) {
					written++
				}
			}
		}
		commitT(t, s, b)
		m.apply(b)
		if rng.IntN(200) == 0 || i == batches-1 {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openT(t, dir, Options{Fsync: No, MemTableSize: 256 << 10})
			got, _ := loadT(t, s)
			if d := diff(m.expected(), got); d != "" {
				t.Fatalf("after batch %d:\n%s", i, d)
			}
		}
	}
	if g.fresh == 0 || g.reclosed == 0 || written == 0 {
		t.Fatalf("the batches exercised nothing: %d fresh nodes (%d written without a range deletion), %d closed again", g.fresh, written, g.reclosed)
	}
	t.Logf("%d fresh nodes (%d written without a range deletion), %d closed again", g.fresh, written, g.reclosed)
}

// opGen generates random batches over a small space of names, uids, IDs
// and groups, so that ops collide often. It keeps one rule the store
// relies on: a uid is named by at most one key.
type opGen struct {
	rng *rand.Rand
	m   *model
	// next is the next millisecond of the IDs nodeLife gives its entries,
	// above every ID op uses, so that a node it opens has nothing in its
	// span from before its batch, as a stream's new node has not.
	next uint64
	// closed holds the nodes nodeLife closed, for a later batch to close
	// again (reclose).
	closed []genNode
	// fresh and reclosed count the nodes closed in the batch that put
	// their first entry, and those closed again in a later batch.
	fresh, reclosed int
}

// genNode is a node nodeLife closed: stream uid's entries [first, end).
type genNode struct {
	uid        uint64
	first, end stream.ID
}

func (g *opGen) id() stream.ID {
	switch g.rng.IntN(20) {
	case 0:
		return stream.Max
	case 1:
		return stream.Min
	}
	return id(uint64(g.rng.IntN(8)), uint64(g.rng.IntN(3)))
}

func (g *opGen) batch() *Batch {
	b := &Batch{}
	n := 1 + g.rng.IntN(8)
	// Ops are applied to a copy of the model as they are generated, so that
	// the uid rule holds inside the batch too and a PendingPut is marked
	// Fresh exactly when its record does not exist.
	shadow := &model{g.m.s.clone()}
	for i := 0; i < n; i++ {
		switch g.rng.IntN(12) {
		case 0:
			g.nodeLife(b, shadow)
			continue
		case 1:
			g.reclose(b, shadow)
			continue
		}
		op := g.op(shadow)
		if op.Kind == NodePut && putIn(b, op.UID, op.ID) {
			// A node whose first entry the batch put has nothing in its
			// span from before the batch (IDs only grow): a random span
			// would break that, so this one becomes an entry after all.
			op = Op{Kind: EntryPut, UID: op.UID, ID: op.ID}
		}
		if op.Kind == PendingPut {
			op.Fresh = !shadow.s.hasPending(op.UID, op.Group, op.ID)
		}
		if op.Kind == EntryPut {
			b.AddEntry(op.UID, op.ID, op.Fields)
		} else {
			b.Add(op)
		}
		shadow.op(op)
	}
	return b
}

// putIn reports whether b holds an EntryPut of (uid, id).
func putIn(b *Batch, uid uint64, id stream.ID) bool {
	for i := range b.Ops {
		if op := &b.Ops[i]; op.Kind == EntryPut && op.UID == uid && op.ID == id {
			return true
		}
	}
	return false
}

// add appends op to b and applies it to shadow.
func add(b *Batch, shadow *model, op Op) {
	if op.Kind == EntryPut {
		b.AddEntry(op.UID, op.ID, op.Fields)
	} else {
		b.Add(op)
	}
	shadow.op(op)
}

// nodeLife adds what a merged batch of XADDs and XDELs writes for a node
// that opens and closes within it: entries above every ID of the stream,
// some deleted before the node closes, the node (its first entry put in
// the batch, so written without a range deletion), sometimes the node
// closing a second time after more entries (it was the last node again),
// sometimes entries of the next node and deletions after the close.
func (g *opGen) nodeLife(b *Batch, shadow *model) {
	r := g.rng
	uid := uint64(1 + r.IntN(10))
	first := id(g.next, uint64(r.IntN(2)))
	n := 1 + r.IntN(6)
	ids := make([]stream.ID, 0, n+4)
	put := func(k int) {
		for range k {
			eid := id(g.next, uint64(r.IntN(3)))
			if len(ids) == 0 {
				eid = first
			} else if !ids[len(ids)-1].Less(eid) {
				eid, _ = ids[len(ids)-1].Next()
			}
			ids = append(ids, eid)
			g.next++
			add(b, shadow, Op{Kind: EntryPut, UID: uid, ID: eid, Fields: [][]byte{[]byte("f"), []byte(fmt.Sprint(r.IntN(1000)))}})
		}
	}
	xdel := func() {
		if r.IntN(2) == 0 {
			add(b, shadow, Op{Kind: EntryDel, UID: uid, ID: ids[r.IntN(len(ids))]})
		}
	}
	closeNode := func() {
		end, _ := ids[len(ids)-1].Next()
		add(b, shadow, Op{Kind: NodePut, UID: uid, ID: first, End: end, Node: []byte(fmt.Sprint("node ", first, end, r.IntN(1000)))})
		g.closed = append(g.closed, genNode{uid, first, end})
		g.fresh++
	}
	put(n)
	xdel()
	closeNode()
	if r.IntN(3) == 0 {
		put(1 + r.IntN(3))
		xdel()
		closeNode()
	}
	if r.IntN(2) == 0 {
		put(1 + r.IntN(3)) // the next node's entries, loose
		xdel()
	}
	g.next += 10
}

// reclose adds a node closing again in a later batch than the one that
// closed it: more entries after it, then the node with its old first entry,
// whose range deletion must take its earlier record.
func (g *opGen) reclose(b *Batch, shadow *model) {
	if len(g.closed) == 0 {
		return
	}
	r := g.rng
	c := g.closed[r.IntN(len(g.closed))]
	if putIn(b, c.uid, c.first) {
		return // closed in this batch: that is nodeLife's case
	}
	end := c.end
	for range 1 + r.IntN(3) {
		add(b, shadow, Op{Kind: EntryPut, UID: c.uid, ID: end, Fields: [][]byte{[]byte("f"), []byte("again")}})
		end, _ = end.Next()
	}
	if r.IntN(2) == 0 {
		add(b, shadow, Op{Kind: EntryDel, UID: c.uid, ID: c.first})
	}
	add(b, shadow, Op{Kind: NodePut, UID: c.uid, ID: c.first, End: end, Node: []byte(fmt.Sprint("reclosed ", c.first, end))})
	g.reclosed++
}

func (g *opGen) op(shadow *model) Op {
	r := g.rng
	uid := uint64(1 + r.IntN(10))
	grp := []string{"g", "g1", "\xff", ""}[r.IntN(4)]
	cons := []string{"alice", "bob", ""}[r.IntN(3)]
	db := r.IntN(3)
	name := []string{"a", "b", "c", "\x00"}[r.IntN(4)]
	switch r.IntN(42) {
	case 0, 1, 2, 3:
		// KeyPut: keep the uid if the key has one, else take a uid no key names.
		if kv, ok := shadow.s.Keys[keyRef{uint32(db), name}]; ok {
			uid = kv.UID
		} else {
			named := map[uint64]bool{}
			for _, kv := range shadow.s.Keys {
				named[kv.UID] = true
			}
			for named[uid] {
				uid = uint64(1 + r.IntN(40))
			}
		}
		return Op{Kind: KeyPut, DB: db, Key: name, UID: uid, Expire: int64(r.IntN(3))}
	case 4, 5:
		return Op{Kind: KeyDel, DB: db, Key: name}
	case 6:
		return Op{Kind: StreamDrop, UID: uid}
	case 7, 8, 9, 10, 11, 12, 13, 14:
		f := make([][]byte, r.IntN(4))
		for i := range f {
			f[i] = []byte(fmt.Sprint(r.IntN(1000)))
		}
		return Op{Kind: EntryPut, UID: uid, ID: g.id(), Fields: f}
	case 15, 16:
		return Op{Kind: EntryDel, UID: uid, ID: g.id()}
	case 17, 18:
		return Op{Kind: EntryDelRange, UID: uid, ID: g.id(), End: g.id()}
	case 39, 40:
		// A closed node: any non-empty range that does not include Max.
		first, end := g.id(), g.id()
		if !first.Less(end) {
			var ok bool
			if end, ok = first.Next(); !ok {
				break
			}
		}
		data := make([]byte, 1+r.IntN(40))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		return Op{Kind: NodePut, UID: uid, ID: first, End: end, Node: data}
	case 19, 20, 21:
		return Op{Kind: StreamMetaPut, UID: uid, Meta: StreamMeta{LastID: g.id(), MaxDeletedID: g.id(), FirstID: g.id(), EntriesAdded: r.Uint64()}}
	case 22, 23, 24:
		return Op{Kind: GroupPut, UID: uid, Group: grp, GroupLastID: g.id(), EntriesRead: int64(r.IntN(5)) - 1}
	case 25:
		return Op{Kind: GroupDel, UID: uid, Group: grp}
	case 26, 27, 28:
		return Op{Kind: ConsumerPut, UID: uid, Group: grp, Consumer: cons, SeenTime: r.Int64(), ActiveTime: r.Int64()}
	case 29:
		return Op{Kind: ConsumerDel, UID: uid, Group: grp, Consumer: cons}
	case 30, 31, 32, 33:
		return Op{Kind: PendingPut, UID: uid, Group: grp, ID: g.id(), Consumer: cons, DeliveryTime: r.Int64(), DeliveryCount: r.Uint64()}
	case 34, 35:
		return Op{Kind: PendingDel, UID: uid, Group: grp, ID: g.id()}
	case 36, 37:
		if r.IntN(4) == 0 {
			return Op{Kind: FlushDB, DB: db}
		}
	case 38:
		if r.IntN(20) == 0 {
			return Op{Kind: FlushAll}
		}
	}
	return Op{Kind: EntryPut, UID: uid, ID: g.id()}
}

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{Fsync: No})
	m := newModel()
	bs := everyOpKind()
	for _, b := range bs[:4] {
		commitT(t, s, b)
		m.apply(b)
	}
	if s.DiskUsage() == 0 {
		t.Fatal("DiskUsage is 0 for a store with data")
	}
	ck := dir + "-checkpoint"
	if err := s.Checkpoint(ck); err != nil {
		t.Fatal(err)
	}
	if err := s.Checkpoint(ck); err == nil {
		t.Fatal("Checkpoint into an existing directory succeeded")
	}
	for _, b := range bs[4:] { // after the checkpoint: not in it
		commitT(t, s, b)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := openT(t, ck, Options{})
	defer c.Close()
	got, _ := loadT(t, c)
	if d := diff(m.expected(), got); d != "" {
		t.Fatalf("checkpoint:\n%s", d)
	}
}

func TestEmptyTranslationUnderAlways(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	b := &Batch{}
	b.Add(Op{Kind: EntryDelRange, UID: 1, ID: id(5, 0), End: id(1, 0)}) // empty range: no records
	commitT(t, s, b)
	commitT(t, s, &Batch{})
}

func TestParseFsync(t *testing.T) {
	for _, p := range []FsyncPolicy{Always, EverySec, No} {
		got, err := ParseFsync(p.String())
		if err != nil || got != p {
			t.Errorf("ParseFsync(%q) = %v, %v", p.String(), got, err)
		}
	}
	for _, bad := range []string{"", "Always", "every", "yes"} {
		if _, err := ParseFsync(bad); err == nil {
			t.Errorf("ParseFsync(%q) accepted", bad)
		}
	}
	if _, err := Open(t.TempDir(), Options{Fsync: 7}); err == nil {
		t.Error("Open accepted fsync policy 7")
	}
}

// TestSupersededMetadataSkipped checks that a batch writing one metadata
// record several times (a merged group commit of many commands on one
// stream) stores only the final value, and that deletions in between keep
// their effect.
func TestSupersededMetadataSkipped(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	m := newModel()
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
	for i := uint64(1); i <= 3; i++ {
		b.AddEntry(1, id(i, 0), fields("f", "v"))
		b.Add(Op{Kind: StreamMetaPut, UID: 1, Meta: StreamMeta{LastID: id(i, 0), EntriesAdded: i}})
	}
	b.Add(Op{Kind: GroupPut, UID: 1, Group: "g", GroupLastID: id(1, 0), EntriesRead: 1})
	b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g", Consumer: "c", SeenTime: 5, ActiveTime: 5})
	b.Add(Op{Kind: GroupDel, UID: 1, Group: "g"})
	b.Add(Op{Kind: GroupPut, UID: 1, Group: "g", GroupLastID: id(2, 0), EntriesRead: 2})
	b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g", Consumer: "d", SeenTime: 6, ActiveTime: 6})
	b.Add(Op{Kind: ConsumerPut, UID: 1, Group: "g", Consumer: "d", SeenTime: 7, ActiveTime: 7})

	tr := s.translator()
	tr.pb = s.db.NewBatch()
	if err := tr.translate(b); err != nil {
		t.Fatal(err)
	}
	// key + 3 entries + final meta + consumer c + group del + final group
	// put + final consumer d: the first group put is overwritten too.
	if got, want := tr.pb.Count(), uint32(1+3+1+1+1+1+1); got != want {
		t.Errorf("translated %d records, want %d", got, want)
	}
	_ = tr.pb.Close()
	tr.pb = nil

	commitT(t, s, b)
	m.apply(b)
	got, _ := loadT(t, s)
	if d := diff(m.expected(), got); d != "" {
		t.Fatal(d)
	}
	g := got.Streams[1].Groups["g"]
	if g == nil || g.LastID != id(2, 0) || len(g.Consumers) != 1 || got.Streams[1].Meta.EntriesAdded != 3 {
		t.Fatalf("final state %+v / %+v", got.Streams[1].Meta, g)
	}
}

// TestPanicInPebbleFailsTheStore checks guard: a panic of a Pebble write
// (Pebble panics when it cannot write its log, on a full disk say) becomes
// the store's failure — later writes are refused with ErrFailed — and Close
// still returns instead of touching Pebble again.
func TestPanicInPebbleFailsTheStore(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	err := s.guard(func() error { panic("log write: no space left on device") })
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("guard returned %v", err)
	}
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "k", UID: 1})
	if err := s.Commit(b); !errors.Is(err, ErrFailed) {
		t.Fatalf("commit after the panic: %v, want ErrFailed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close of a broken store: %v", err)
	}
}
