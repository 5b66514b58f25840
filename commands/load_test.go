package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// scriptSource is a Source that replays a fixed sequence of Loader calls.
type scriptSource struct {
	calls []func(persist.Loader) error
	stats persist.Stats
}

func (s *scriptSource) Load(l persist.Loader) (persist.Stats, error) {
	for _, c := range s.calls {
		if err := c(l); err != nil {
			return s.stats, err
		}
	}
	return s.stats, nil
}

func key(db int, name string, uid uint64, expire int64) func(persist.Loader) error {
	return func(l persist.Loader) error { return l.Key(db, []byte(name), uid, expire) }
}

func meta(uid uint64, last, maxDel, first stream.ID, added uint64) func(persist.Loader) error {
	return func(l persist.Loader) error {
		return l.Meta(uid, persist.StreamMeta{LastID: last, MaxDeletedID: maxDel, FirstID: first, EntriesAdded: added})
	}
}

func entry(uid uint64, id stream.ID, kv ...string) func(persist.Loader) error {
	return func(l persist.Loader) error {
		f := make([][]byte, len(kv))
		for i, s := range kv {
			f[i] = []byte(s)
		}
		return l.Entry(uid, id, f)
	}
}

func sid(ms, seq uint64) stream.ID { return stream.ID{Ms: ms, Seq: seq} }

// TestLoadRebuilds loads a scripted store and checks the keyspace through
// commands: databases, entries, metadata (XINFO), expiry, uids.
func TestLoadRebuilds(t *testing.T) {
	f := newFake(t, Options{})
	src := &scriptSource{
		calls: []func(persist.Loader) error{
			key(0, "a", 3, 0),
			key(0, "gone", 9, 1), // expired long ago
			key(5, "b", 7, 0),
			key(15, "empty", 8, 0), // a key with no records at all
			meta(3, sid(9, 0), sid(2, 0), sid(1, 0), 7),
			entry(3, sid(1, 0), "f", "1"),
			entry(3, sid(3, 0), "f", "3", "g", "x"),
			meta(7, sid(5, 5), sid(0, 0), sid(5, 5), 1),
			entry(7, sid(5, 5), "k", "v"),
			meta(9, sid(1, 1), sid(0, 0), sid(1, 1), 1),
			entry(9, sid(1, 1), "k", "v"),
		},
		stats: persist.Stats{Keys: 4, Entries: 4, MaxUID: 12},
	}
	st, err := f.s.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Keys != 4 {
		t.Fatalf("stats %+v", st)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"XRANGE", "a", "-", "+"}, "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n3-0\r\n*4\r\n$1\r\nf\r\n$1\r\n3\r\n$1\r\ng\r\n$1\r\nx\r\n"},
		{[]string{"XLEN", "a"}, ":2\r\n"},
		// The stream's last ID and counters are the metadata's, not the last
		// entry's: "*" continues after 9-0.
		{[]string{"XADD", "a", "9-0", "f", "v"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"},
		{[]string{"XADD", "a", "9-*", "f", "v"}, "$3\r\n9-1\r\n"},
		{[]string{"XLEN", "gone"}, ":0\r\n"},
	} {
		if got := f.do(tt.args...); got != tt.want {
			t.Errorf("%v = %q, want %q", tt.args, got, tt.want)
		}
	}
	info := f.do("XINFO", "STREAM", "a")
	for _, want := range []string{"max-deleted-entry-id\r\n$3\r\n2-0", "entries-added\r\n:8", "recorded-first-entry-id\r\n$3\r\n1-0", "last-generated-id\r\n$3\r\n9-1"} {
		if !strings.Contains(info, want) {
			t.Errorf("XINFO STREAM a lacks %q:\n%q", want, info)
		}
	}
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	if o := f.s.dbs[5].keys["b"]; o == nil || o.UID != 7 || o.Stream.Len() != 1 || o.Stream.LastID() != sid(5, 5) {
		t.Errorf("db 5 key b = %+v", o)
	}
	if o := f.s.dbs[15].keys["empty"]; o == nil || o.Stream.Len() != 0 || !o.Stream.LastID().IsZero() {
		t.Errorf("db 15 key empty = %+v", o)
	}
	if f.s.nextUID != 12 {
		t.Errorf("nextUID = %d, want the store's max uid 12", f.s.nextUID)
	}
	if _, ok := f.s.dbs[0].expires["gone"]; ok {
		t.Error("the expired key is still in the expiry set after it was looked up")
	}
}

// TestLoadRefuses feeds records that cannot be a runnel keyspace: each must
// fail the load with ErrCorrupt, never panic or load half silently.
func TestLoadRefuses(t *testing.T) {
	k := key(0, "s", 1, 0)
	for _, tt := range []struct {
		name  string
		calls []func(persist.Loader) error
		want  error
	}{
		{"db out of range", []func(persist.Loader) error{key(16, "s", 1, 0)}, persist.ErrCorrupt},
		{"uid 0", []func(persist.Loader) error{key(0, "s", 0, 0)}, persist.ErrCorrupt},
		{"uid twice", []func(persist.Loader) error{k, key(1, "t", 1, 0)}, persist.ErrCorrupt},
		{"unknown uid", []func(persist.Loader) error{k, meta(2, sid(1, 0), sid(0, 0), sid(1, 0), 1)}, persist.ErrCorrupt},
		{"entries out of order", []func(persist.Loader) error{k, entry(1, sid(2, 0), "f", "v"), entry(1, sid(1, 0), "f", "v")}, persist.ErrCorrupt},
		{"entry twice", []func(persist.Loader) error{k, entry(1, sid(2, 0), "f", "v"), entry(1, sid(2, 0), "f", "v")}, persist.ErrCorrupt},
		{"odd fields", []func(persist.Loader) error{k, entry(1, sid(2, 0), "f")}, persist.ErrCorrupt},
		{"meta after entries", []func(persist.Loader) error{k, entry(1, sid(2, 0), "f", "v"), meta(1, sid(2, 0), sid(0, 0), sid(2, 0), 1)}, persist.ErrCorrupt},
		{"entry above last ID", []func(persist.Loader) error{k, meta(1, sid(1, 0), sid(0, 0), sid(1, 0), 5), entry(1, sid(2, 0), "f", "v")}, persist.ErrCorrupt},
		{"fewer added than held", []func(persist.Loader) error{k, meta(1, sid(3, 0), sid(0, 0), sid(2, 0), 1), entry(1, sid(2, 0), "f", "v"), entry(1, sid(3, 0), "f", "v")}, persist.ErrCorrupt},
		{"group twice", []func(persist.Loader) error{k, group(1, "g", sid(0, 0), 0), group(1, "g", sid(0, 0), 0)}, persist.ErrCorrupt},
		{"consumer without group", []func(persist.Loader) error{k, consumer(1, "g", "c", 1, 1)}, persist.ErrCorrupt},
		{"consumer twice", []func(persist.Loader) error{k, group(1, "g", sid(0, 0), 0), consumer(1, "g", "c", 1, 1), consumer(1, "g", "c", 1, 1)}, persist.ErrCorrupt},
		{"pending of no consumer", []func(persist.Loader) error{k, group(1, "g", sid(0, 0), 0), consumer(1, "g", "c", 1, 1), pending(1, "g", sid(1, 0), "d", 1, 1)}, persist.ErrCorrupt},
		{"pending twice", []func(persist.Loader) error{k, group(1, "g", sid(0, 0), 0), consumer(1, "g", "c", 1, 1), pending(1, "g", sid(1, 0), "c", 1, 1), pending(1, "g", sid(1, 0), "c", 1, 1)}, persist.ErrCorrupt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Logf: func(string, ...any) {}})
			defer s.Close()
			_, err := s.Load(&scriptSource{calls: tt.calls})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestLoadNotEmpty: Load rebuilds, it does not merge into a keyspace.
func TestLoadNotEmpty(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-1", "f", "v")
	if _, err := f.s.Load(&scriptSource{}); !errors.Is(err, ErrLoadNotEmpty) {
		t.Fatalf("Load on a server with keys = %v", err)
	}
}

// TestLoadPebbleRoundTrip writes through the commands into a Pebble store,
// reopens it into a new server and compares the replies; then writes into
// the reloaded server (new keys get fresh uids) and reloads once more.
func TestLoadPebbleRoundTrip(t *testing.T) {
	dir := t.TempDir()
	open := func() (*fake, *persist.Pebble) {
		p, err := persist.Open(dir, persist.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := newFake(t, Options{Store: p})
		if _, err := f.s.Load(p); err != nil {
			t.Fatal(err)
		}
		return f, p
	}
	probes := [][]string{
		{"XRANGE", "s", "-", "+"},
		{"XRANGE", "t", "-", "+"},
		{"XLEN", "s"},
		{"XINFO", "STREAM", "t"},
		{"XREAD", "STREAMS", "s", "t", "0", "0"},
	}
	snapshot := func(f *fake) []string {
		var out []string
		for _, p := range probes {
			out = append(out, f.do(p...))
		}
		return out
	}
	f, _ := open()
	for _, cmd := range [][]string{
		{"XADD", "s", "1-1", "a", "1"},
		{"XADD", "s", "1-2", "b", "2"},
		{"XADD", "s", "*", "c", "3"},
		{"XADD", "t", "5-0", "x", "y"},
		{"XADD", "t", "6-0", "x", "z"},
		{"XADD", "t", "7-0", "x", "w"},
		{"XDEL", "t", "6-0"},
		{"XTRIM", "s", "MAXLEN", "2"},
		{"XSETID", "t", "100-0", "ENTRIESADDED", "10", "MAXDELETEDID", "50-0"},
		{"MULTI"}, {"XADD", "s", "*", "m", "1"}, {"XADD", "s", "*", "m", "2"}, {"EXEC"},
	} {
		if r := f.do(cmd...); strings.HasPrefix(r, "-") {
			t.Fatalf("%v: %q", cmd, r)
		}
	}
	before := snapshot(f)
	// Wait for the committer, then close (as a shutdown does).
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	g, _ := open()
	after := snapshot(g)
	for i := range probes {
		if before[i] != after[i] {
			t.Errorf("%v after restart:\n got %q\nwant %q", probes[i], after[i], before[i])
		}
	}
	g.do("XADD", "u", "1-0", "new", "key")
	g.do("XADD", "s", "*", "more", "1")
	before = snapshot(g)
	if err := g.s.Close(); err != nil {
		t.Fatal(err)
	}
	h, _ := open()
	if got := h.do("XRANGE", "u", "-", "+"); !strings.Contains(got, "new") {
		t.Fatalf("key created after a reload lost: %q", got)
	}
	after = snapshot(h)
	for i := range probes {
		if before[i] != after[i] {
			t.Errorf("%v after second restart:\n got %q\nwant %q", probes[i], after[i], before[i])
		}
	}
}

func group(uid uint64, name string, last stream.ID, read int64) func(persist.Loader) error {
	return func(l persist.Loader) error { return l.Group(uid, []byte(name), last, read) }
}

func consumer(uid uint64, g, name string, seen, active int64) func(persist.Loader) error {
	return func(l persist.Loader) error { return l.Consumer(uid, []byte(g), []byte(name), seen, active) }
}

func pending(uid uint64, g string, id stream.ID, owner string, at int64, count uint64) func(persist.Loader) error {
	return func(l persist.Loader) error { return l.Pending(uid, []byte(g), id, []byte(owner), at, count) }
}

// TestLoadGroups writes a stream with two groups, consumers and pending
// entries into a Pebble store as the commands would (through persist ops),
// loads it and checks every field of the rebuilt groups.
func TestLoadGroups(t *testing.T) {
	dir := t.TempDir()
	p := openPebble(t, dir)
	b := &persist.Batch{}
	b.Add(persist.Op{Kind: persist.KeyPut, DB: 2, Key: "s", UID: 4})
	for i := uint64(1); i <= 3; i++ {
		b.AddEntry(4, sid(i, 0), [][]byte{[]byte("f"), []byte("v")})
	}
	b.Add(persist.Op{Kind: persist.StreamMetaPut, UID: 4, Meta: persist.StreamMeta{LastID: sid(3, 0), FirstID: sid(1, 0), EntriesAdded: 3}})
	b.Add(persist.Op{Kind: persist.GroupPut, UID: 4, Group: "g1", GroupLastID: sid(3, 0), EntriesRead: 3})
	b.Add(persist.Op{Kind: persist.GroupPut, UID: 4, Group: "g2", GroupLastID: sid(0, 0), EntriesRead: -1})
	b.Add(persist.Op{Kind: persist.ConsumerPut, UID: 4, Group: "g1", Consumer: "alice", SeenTime: 100, ActiveTime: 90})
	b.Add(persist.Op{Kind: persist.ConsumerPut, UID: 4, Group: "g1", Consumer: "bob", SeenTime: 200, ActiveTime: 0})
	b.Add(persist.Op{Kind: persist.PendingPut, UID: 4, Group: "g1", ID: sid(1, 0), Consumer: "bob", DeliveryTime: 150, DeliveryCount: 2})
	b.Add(persist.Op{Kind: persist.PendingPut, UID: 4, Group: "g1", ID: sid(3, 0), Consumer: "alice", DeliveryTime: 90, DeliveryCount: 1})
	if err := p.Commit(b); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q := openPebble(t, dir)
	f := newFake(t, Options{Store: q})
	st, err := f.s.Load(q)
	if err != nil {
		t.Fatal(err)
	}
	if st.Groups != 2 || st.Consumers != 2 || st.Pending != 2 {
		t.Fatalf("stats %+v", st)
	}
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	o := f.s.dbs[2].keys["s"]
	if o == nil || o.Groups == nil || o.Groups.Len() != 2 {
		t.Fatalf("object %+v", o)
	}
	g1, g2 := o.Groups.Get("g1"), o.Groups.Get("g2")
	if g1 == nil || g1.LastID != sid(3, 0) || g1.EntriesRead != 3 || g1.NumConsumers() != 2 || g1.Len() != 2 {
		t.Fatalf("g1 = %+v", g1)
	}
	if g2 == nil || !g2.LastID.IsZero() || g2.EntriesRead != -1 || g2.NumConsumers() != 0 {
		t.Fatalf("g2 = %+v", g2)
	}
	alice, bob := g1.Consumer("alice"), g1.Consumer("bob")
	if alice.SeenTime() != 100 || alice.ActiveTime() != 90 || alice.Len() != 1 || bob.SeenTime() != 200 || bob.Len() != 1 {
		t.Fatalf("consumers alice %+v bob %+v", alice, bob)
	}
	for _, want := range []struct {
		id    stream.ID
		owner string
		at    int64
		count uint64
	}{{sid(1, 0), "bob", 150, 2}, {sid(3, 0), "alice", 90, 1}} {
		pe := g1.Pending(want.id)
		if pe == nil || pe.Owner().Name() != want.owner || pe.DeliveryTime() != want.at || pe.DeliveryCount() != want.count {
			t.Errorf("pending %v = %+v, want %+v", want.id, pe, want)
		}
	}
	if err := g1.Check(); err != nil {
		t.Error(err)
	}
}
