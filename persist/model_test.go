package persist

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// state is the logical content of a store, as Load reports it and as the
// reference model computes it from ops. It compares with reflect.DeepEqual.
type state struct {
	Keys    map[keyRef]keyVal
	Streams map[uint64]*streamState
}

type keyVal struct {
	UID    uint64
	Expire int64
}

type streamState struct {
	Meta    *StreamMeta
	Entries map[stream.ID]string // fields joined by fieldsString
	// Nodes are the node records by last ID; Marks the deletion marks,
	// which only the model holds: Load hands them to the nodes (expected).
	Nodes  map[stream.ID]nodeState
	Marks  map[stream.ID]bool
	Groups map[string]*groupState
}

type nodeState struct {
	First   stream.ID
	Data    string
	Deleted string // the marks Load passes with the node
}

type groupState struct {
	Exists      bool // the group record itself (consumers may outlive it in a buggy batch)
	LastID      stream.ID
	EntriesRead int64
	Consumers   map[string][2]int64
	Pending     map[stream.ID]pendingState
}

type pendingState struct {
	Owner string
	Time  int64
	Count uint64
}

func newState() *state {
	return &state{Keys: map[keyRef]keyVal{}, Streams: map[uint64]*streamState{}}
}

func fieldsString(f [][]byte) string {
	parts := make([]string, len(f))
	for i, b := range f {
		parts[i] = fmt.Sprintf("%q", b)
	}
	return strings.Join(parts, ",")
}

func (s *state) stream(uid uint64) *streamState {
	st := s.Streams[uid]
	if st == nil {
		st = &streamState{Entries: map[stream.ID]string{}, Nodes: map[stream.ID]nodeState{}, Marks: map[stream.ID]bool{}, Groups: map[string]*groupState{}}
		s.Streams[uid] = st
	}
	return st
}

func (st *streamState) group(g string) *groupState {
	gs := st.Groups[g]
	if gs == nil {
		gs = &groupState{Consumers: map[string][2]int64{}, Pending: map[stream.ID]pendingState{}}
		st.Groups[g] = gs
	}
	return gs
}

// clone returns a deep copy of s.
func (s *state) clone() *state {
	out := newState()
	maps.Copy(out.Keys, s.Keys)
	for uid, st := range s.Streams {
		c := &streamState{Entries: maps.Clone(st.Entries), Nodes: maps.Clone(st.Nodes), Marks: maps.Clone(st.Marks), Groups: map[string]*groupState{}}
		if st.Meta != nil {
			m := *st.Meta
			c.Meta = &m
		}
		for name, g := range st.Groups {
			cg := *g
			cg.Consumers, cg.Pending = maps.Clone(g.Consumers), maps.Clone(g.Pending)
			c.Groups[name] = &cg
		}
		out.Streams[uid] = c
	}
	return out
}

// hasPending reports whether s holds a pending record for (uid, group, id).
func (s *state) hasPending(uid uint64, group string, id stream.ID) bool {
	st := s.Streams[uid]
	if st == nil || st.Groups[group] == nil {
		return false
	}
	_, ok := st.Groups[group].Pending[id]
	return ok
}

// model is the reference: a naive map of records that applies ops as their
// documentation in batch.go says, with no knowledge of the key layout.
type model struct{ s *state }

func newModel() *model { return &model{newState()} }

func (m *model) apply(b *Batch) {
	for _, op := range b.Ops {
		m.op(op)
	}
}

func (m *model) op(op Op) {
	s := m.s
	switch op.Kind {
	case KeyPut:
		s.Keys[keyRef{uint32(op.DB), op.Key}] = keyVal{op.UID, op.Expire}
	case KeyDel:
		delete(s.Keys, keyRef{uint32(op.DB), op.Key})
	case StreamDrop:
		delete(s.Streams, op.UID)
	case EntryPut:
		s.stream(op.UID).Entries[op.ID] = fieldsString(op.Fields)
	case EntryDel:
		st := s.stream(op.UID)
		delete(st.Entries, op.ID)
		st.Marks[op.ID] = true
	case EntryDelRange:
		s.stream(op.UID).dropRange(op.ID, op.End, op.BeforeMax)
	case NodePut:
		st := s.stream(op.UID)
		st.dropRange(op.ID, op.End, true) // a node's end is exclusive, Max too
		last, _ := op.End.Prev()
		st.Nodes[last] = nodeState{First: op.ID, Data: string(op.Node)}
	case StreamMetaPut:
		meta := op.Meta
		s.stream(op.UID).Meta = &meta
	case GroupPut:
		g := s.stream(op.UID).group(op.Group)
		g.Exists, g.LastID, g.EntriesRead = true, op.GroupLastID, op.EntriesRead
	case GroupDel:
		delete(s.stream(op.UID).Groups, op.Group)
	case ConsumerPut:
		s.stream(op.UID).group(op.Group).Consumers[op.Consumer] = [2]int64{op.SeenTime, op.ActiveTime}
	case ConsumerDel:
		delete(s.stream(op.UID).group(op.Group).Consumers, op.Consumer)
	case PendingPut:
		s.stream(op.UID).group(op.Group).Pending[op.ID] = pendingState{op.Consumer, op.DeliveryTime, op.DeliveryCount}
	case PendingDel:
		delete(s.stream(op.UID).group(op.Group).Pending, op.ID)
	case FlushDB:
		for ref, kv := range s.Keys {
			if ref.db == uint32(op.DB) {
				delete(s.Keys, ref)
				delete(s.Streams, kv.UID)
			}
		}
	case FlushAll:
		clear(s.Keys)
		clear(s.Streams)
	default:
		panic(fmt.Sprintf("model: unknown op kind %d", op.Kind))
	}
}

// dropRange removes the entries, marks and node records (by last ID) in
// [from, to).
func (st *streamState) dropRange(from, to stream.ID, beforeMax bool) {
	through := to == stream.Max && !beforeMax
	in := func(id stream.ID) bool { return !id.Less(from) && (id.Less(to) || through) }
	maps.DeleteFunc(st.Entries, func(id stream.ID, _ string) bool { return in(id) })
	maps.DeleteFunc(st.Marks, func(id stream.ID, _ bool) bool { return in(id) })
	maps.DeleteFunc(st.Nodes, func(id stream.ID, _ nodeState) bool { return in(id) })
}

// withMarks returns st's node records with the marks Load passes to each,
// by Loader's rule on the records in key order (an ID's loose entry, then
// its mark, then a node record ending there): a node gets the marks since
// the previous node or loose entry that are not before its first ID.
func (st *streamState) withMarks() map[stream.ID]nodeState {
	type rec struct {
		id   stream.ID
		kind int // 0 loose entry, 1 mark, 2 node
	}
	var recs []rec
	for id := range st.Entries {
		recs = append(recs, rec{id, 0})
	}
	for id := range st.Marks {
		recs = append(recs, rec{id, 1})
	}
	for id := range st.Nodes {
		recs = append(recs, rec{id, 2})
	}
	slices.SortFunc(recs, func(a, b rec) int {
		if c := a.id.Compare(b.id); c != 0 {
			return c
		}
		return a.kind - b.kind
	})
	out := map[stream.ID]nodeState{}
	var marks []stream.ID
	for _, r := range recs {
		switch r.kind {
		case 0:
			marks = marks[:0]
		case 1:
			marks = append(marks, r.id)
		case 2:
			n := st.Nodes[r.id]
			var passed []stream.ID
			for _, m := range marks {
				if !m.Less(n.First) {
					passed = append(passed, m)
				}
			}
			n.Deleted = fmt.Sprint(passed)
			out[r.id] = n
			marks = marks[:0]
		}
	}
	return out
}

// expected is what Load must report: the keys, and the data of the streams
// they name, with empty records pruned exactly as a store that holds no
// record for them would.
func (m *model) expected() *state {
	out := newState()
	maps.Copy(out.Keys, m.s.Keys)
	for _, kv := range m.s.Keys {
		st := m.s.Streams[kv.UID]
		if st == nil {
			continue
		}
		if p := prune(st); p != nil {
			out.Streams[kv.UID] = p
		}
	}
	return out
}

func prune(st *streamState) *streamState {
	p := &streamState{Meta: st.Meta, Entries: maps.Clone(st.Entries), Nodes: st.withMarks(), Marks: map[stream.ID]bool{}, Groups: map[string]*groupState{}}
	for name, g := range st.Groups {
		if !g.Exists && len(g.Consumers) == 0 && len(g.Pending) == 0 {
			continue
		}
		p.Groups[name] = &groupState{
			Exists: g.Exists, LastID: g.LastID, EntriesRead: g.EntriesRead,
			Consumers: maps.Clone(g.Consumers), Pending: maps.Clone(g.Pending),
		}
	}
	if p.Meta == nil && len(p.Entries) == 0 && len(p.Nodes) == 0 && len(p.Groups) == 0 {
		return nil
	}
	return p
}

// recorder is a Loader that rebuilds a state and checks Load's order.
type recorder struct {
	s        *state
	calls    int
	lastKey  []byte
	lastUID  uint64
	lastID   map[uint64]stream.ID
	lastNode map[uint64]stream.ID
	err      error // first ordering violation
}

func newRecorder() *recorder {
	return &recorder{s: newState(), lastID: map[uint64]stream.ID{}, lastNode: map[uint64]stream.ID{}}
}

func (r *recorder) violation(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *recorder) Key(db int, name []byte, uid uint64, expire int64) error {
	r.calls++
	k := appendKeyRecord(nil, uint32(db), string(name))
	if r.lastKey != nil && string(k) <= string(r.lastKey) {
		r.violation("keys out of order: %q after %q", k, r.lastKey)
	}
	if len(r.s.Streams) > 0 {
		r.violation("key %q after stream data", name)
	}
	r.lastKey = k
	r.s.Keys[keyRef{uint32(db), string(name)}] = keyVal{uid, expire}
	return nil
}

func (r *recorder) see(uid uint64) *streamState {
	r.calls++
	if uid < r.lastUID {
		r.violation("uid %d after %d", uid, r.lastUID)
	}
	r.lastUID = uid
	return r.s.stream(uid)
}

func (r *recorder) Meta(uid uint64, m StreamMeta) error {
	st := r.see(uid)
	if len(st.Entries) > 0 || len(st.Groups) > 0 {
		r.violation("meta of %d after its entries or groups", uid)
	}
	st.Meta = &m
	return nil
}

func (r *recorder) Entry(uid uint64, id stream.ID, fields [][]byte) error {
	st := r.see(uid)
	if last, ok := r.lastID[uid]; ok && !last.Less(id) {
		r.violation("entry %v after %v", id, last)
	}
	if len(st.Groups) > 0 {
		r.violation("entry of %d after its groups", uid)
	}
	r.lastID[uid] = id
	st.Entries[id] = fieldsString(fields)
	return nil
}

func (r *recorder) Node(uid uint64, span stream.Span, data []byte, deleted []stream.ID) (int, error) {
	st := r.see(uid)
	if last, ok := r.lastNode[uid]; ok && !last.Less(span.Last) {
		r.violation("node ending at %v after one ending at %v", span.Last, last)
	}
	if len(st.Groups) > 0 {
		r.violation("node of %d after its groups", uid)
	}
	for i, id := range deleted {
		if id.Less(span.First) || span.Last.Less(id) || i > 0 && !deleted[i-1].Less(id) {
			r.violation("node %v: marks %v not ascending inside it", span, deleted)
		}
	}
	r.lastNode[uid] = span.Last
	st.Nodes[span.Last] = nodeState{First: span.First, Data: string(data), Deleted: fmt.Sprint(slices.Clone(deleted))}
	return 0, nil
}

func (r *recorder) Group(uid uint64, group []byte, lastID stream.ID, entriesRead int64) error {
	g := r.see(uid).group(string(group))
	if len(g.Consumers) > 0 || len(g.Pending) > 0 {
		r.violation("group record %q after its consumers or pending", group)
	}
	g.Exists, g.LastID, g.EntriesRead = true, lastID, entriesRead
	return nil
}

func (r *recorder) Consumer(uid uint64, group, consumer []byte, seen, active int64) error {
	g := r.see(uid).group(string(group))
	if len(g.Pending) > 0 {
		r.violation("consumer %q after pending of %q", consumer, group)
	}
	g.Consumers[string(consumer)] = [2]int64{seen, active}
	return nil
}

func (r *recorder) Pending(uid uint64, group []byte, id stream.ID, consumer []byte, dt int64, dc uint64) error {
	r.see(uid).group(string(group)).Pending[id] = pendingState{string(consumer), dt, dc}
	return nil
}

// Idmp implements Loader; the model writes no idempotent IDs.
func (r *recorder) Idmp(uid uint64, pid, iid []byte, id stream.ID, ms int64) error {
	r.violation("idempotent ID %q/%q of uid %d the model never wrote", pid, iid, uid)
	return nil
}

// diff describes how two states differ, "" when they are equal.
func diff(want, got *state) string {
	var b strings.Builder
	for _, ref := range sortedRefs(want.Keys, got.Keys) {
		w, wok := want.Keys[ref]
		g, gok := got.Keys[ref]
		if w != g || wok != gok {
			fmt.Fprintf(&b, "key %d/%q: want %v (%v) got %v (%v)\n", ref.db, ref.name, w, wok, g, gok)
		}
	}
	uids := slices.Sorted(maps.Keys(want.Streams))
	for u := range got.Streams {
		if _, ok := want.Streams[u]; !ok {
			uids = append(uids, u)
		}
	}
	for _, u := range uids {
		w, g := want.Streams[u], got.Streams[u]
		if w == nil || g == nil {
			fmt.Fprintf(&b, "stream %d: want %v got %v\n", u, w != nil, g != nil)
			continue
		}
		if fmt.Sprint(w.Meta) != fmt.Sprint(g.Meta) {
			fmt.Fprintf(&b, "stream %d meta: want %v got %v\n", u, w.Meta, g.Meta)
		}
		if !maps.Equal(w.Entries, g.Entries) {
			fmt.Fprintf(&b, "stream %d entries: want %d got %d\n", u, len(w.Entries), len(g.Entries))
		}
		if !maps.Equal(w.Nodes, g.Nodes) {
			fmt.Fprintf(&b, "stream %d nodes:\n want %v\n got  %v\n", u, w.Nodes, g.Nodes)
		}
		if fmt.Sprint(groupsString(w.Groups)) != fmt.Sprint(groupsString(g.Groups)) {
			fmt.Fprintf(&b, "stream %d groups:\n want %s\n got  %s\n", u, groupsString(w.Groups), groupsString(g.Groups))
		}
	}
	return b.String()
}

func groupsString(gs map[string]*groupState) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(gs)) {
		g := gs[name]
		fmt.Fprintf(&b, "[%q %v %v %d c=%v p=%v]", name, g.Exists, g.LastID, g.EntriesRead, g.Consumers, g.Pending)
	}
	return b.String()
}

func sortedRefs(a, b map[keyRef]keyVal) []keyRef {
	refs := slices.Collect(maps.Keys(a))
	for r := range b {
		if _, ok := a[r]; !ok {
			refs = append(refs, r)
		}
	}
	slices.SortFunc(refs, func(x, y keyRef) int {
		if x.db != y.db {
			return int(x.db) - int(y.db)
		}
		return strings.Compare(x.name, y.name)
	})
	return refs
}

// TestModelRandomMergedPending checks the pending-entry skip rules
// (pendingSkips) against the model: long random batches, as a merged group
// commit of many deliveries, claims and acknowledgements makes, over a few
// pending records, so that fresh puts, updates and deletes of one record
// meet in one batch, with group and stream deletions and re-creations in
// between. A PendingPut is marked Fresh only when its record does not
// exist (and sometimes not even then, as a caller that does not know
// leaves it unset). After every batch the store's Load must equal the
// model.
func TestModelRandomMergedPending(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 2))
	s := openT(t, t.TempDir(), Options{Fsync: No})
	defer s.Close()
	m := newModel()
	m.apply(&Batch{Ops: []Op{
		{Kind: KeyPut, DB: 0, Key: "a", UID: 1},
		{Kind: KeyPut, DB: 0, Key: "b", UID: 2},
		{Kind: GroupPut, UID: 1, Group: "g"},
		{Kind: GroupPut, UID: 1, Group: "h"},
		{Kind: GroupPut, UID: 2, Group: "g"},
	}})
	commitT(t, s, &Batch{Ops: []Op{
		{Kind: KeyPut, DB: 0, Key: "a", UID: 1},
		{Kind: KeyPut, DB: 0, Key: "b", UID: 2},
		{Kind: GroupPut, UID: 1, Group: "g"},
		{Kind: GroupPut, UID: 1, Group: "h"},
		{Kind: GroupPut, UID: 2, Group: "g"},
	}})
	rounds := 400
	if testing.Short() {
		rounds = 100
	}
	var skipped, fresh int
	for round := range rounds {
		b := &Batch{}
		for range 1 + rng.IntN(120) {
			uid := uint64(1 + rng.IntN(2))
			grp := []string{"g", "h"}[rng.IntN(2)]
			pid := id(uint64(rng.IntN(6)), 0)
			var op Op
			switch r := rng.IntN(100); {
			case r < 45:
				op = Op{Kind: PendingPut, UID: uid, Group: grp, ID: pid,
					Consumer:     []string{"c1", "c2"}[rng.IntN(2)],
					DeliveryTime: int64(round), DeliveryCount: uint64(rng.IntN(4))}
				op.Fresh = !m.s.hasPending(uid, grp, pid) && rng.IntN(8) != 0
				if op.Fresh {
					fresh++
				}
			case r < 90:
				op = Op{Kind: PendingDel, UID: uid, Group: grp, ID: pid}
			case r < 94:
				// XGROUP DESTROY and CREATE again.
				op = Op{Kind: GroupDel, UID: uid, Group: grp}
				b.Add(op)
				m.op(op)
				op = Op{Kind: GroupPut, UID: uid, Group: grp}
			case r < 96:
				// DEL and a new stream under the same uid.
				op = Op{Kind: StreamDrop, UID: uid}
				b.Add(op)
				m.op(op)
				op = Op{Kind: GroupPut, UID: uid, Group: grp}
			default:
				op = Op{Kind: ConsumerPut, UID: uid, Group: grp, Consumer: "c1", SeenTime: int64(round)}
			}
			b.Add(op)
			m.op(op)
		}
		tr := s.translator()
		if tr.pendingSkips(b, countKinds(b)) {
			for i := range b.Ops {
				if tr.isPendingSkipped(&b.Ops[i], i) {
					skipped++
				}
			}
		}
		commitT(t, s, b)
		got, _ := loadT(t, s)
		if d := diff(m.expected(), got); d != "" {
			t.Fatalf("after batch %d of %d ops:\n%s", round, len(b.Ops), d)
		}
	}
	if skipped == 0 || fresh == 0 {
		t.Fatalf("the batches exercised nothing: %d pending ops skipped, %d fresh puts", skipped, fresh)
	}
}

// TestPendingSkipRules pins the records a batch writes for one pending
// entry: a fresh delivery acknowledged in the same batch writes nothing, an
// update followed by an acknowledgement writes only the deletion, and of
// several puts only the last is written.
func TestPendingSkipRules(t *testing.T) {
	put := func(fresh bool, count uint64) Op {
		return Op{Kind: PendingPut, UID: 1, Group: "g", ID: id(1, 0), Consumer: "c", DeliveryCount: count, Fresh: fresh}
	}
	del := Op{Kind: PendingDel, UID: 1, Group: "g", ID: id(1, 0)}
	other := Op{Kind: PendingPut, UID: 1, Group: "g", ID: id(2, 0), Consumer: "c", Fresh: true}
	tests := []struct {
		name    string
		ops     []Op
		records uint32
	}{
		{"fresh put then del", []Op{put(true, 1), del}, 0},
		{"fresh put, claim, del", []Op{put(true, 1), put(false, 2), del}, 0},
		{"update then del", []Op{put(false, 2), del}, 1},
		{"del, fresh put, del", []Op{del, put(true, 1), del}, 1},
		{"fresh put twice", []Op{put(true, 1), put(false, 2)}, 1},
		{"fresh put, del, fresh put", []Op{put(true, 1), del, put(true, 1)}, 1},
		{"group deleted in between", []Op{put(true, 1), {Kind: GroupDel, UID: 1, Group: "g"}, put(true, 1), del}, 1},
		{"other id kept", []Op{put(true, 1), other, del}, 1},
		{"lone fresh put", []Op{put(true, 1)}, 1},
	}
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := s.translator()
			tr.pb = s.db.NewBatch()
			defer func() { _ = tr.pb.Close(); tr.pb = nil }()
			if err := tr.translate(&Batch{Ops: tc.ops}); err != nil {
				t.Fatal(err)
			}
			if got := tr.pb.Count(); got != tc.records {
				t.Errorf("translated %d records, want %d", got, tc.records)
			}
		})
	}
}
