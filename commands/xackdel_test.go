package commands

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// twoGroups is the setup of Redis's XACKDEL tests: entries 1-0 and 2-0,
// groups group1 and group2 from 0, each having read both.
var twoGroups = []xstep{
	{"XADD mystream 1-0 f v", ""}, {"XADD mystream 2-0 f v", ""},
	{"XGROUP CREATE mystream group1 0", "+OK\r\n"},
	{"XGROUP CREATE mystream group2 0", "+OK\r\n"},
	{"XREADGROUP GROUP group1 consumer1 STREAMS mystream >", ""},
	{"XREADGROUP GROUP group2 consumer2 STREAMS mystream >", ""},
}

// TestXackdelExec replays Redis's XACKDEL tests (stream-cgroups.tcl) and
// the cases around them.
func TestXackdelExec(t *testing.T) {
	t.Run("delref", func(t *testing.T) {
		// "XACKDEL with DELREF option acknowledges will remove entry from all PELs".
		f := newFake(t, Options{})
		runXSteps(t, f, append(twoGroups[:len(twoGroups):len(twoGroups)],
			xstep{"XACKDEL mystream group1 DELREF IDS 2 1-0 2-0", codes(1, 1)},
			xstep{"XLEN mystream", ":0\r\n"},
			xstep{"XACKDEL mystream group2 DELREF IDS 2 1-0 2-0", codes(-1, -1)},
		))
		if a, b := pendingCount(f, "mystream", "group1"), pendingCount(f, "mystream", "group2"); a != 0 || b != 0 {
			t.Errorf("pending %d %d, want 0 0", a, b)
		}
	})
	t.Run("acked", func(t *testing.T) {
		// "XACKDEL with ACKED option only deletes messages acknowledged by all groups".
		f := newFake(t, Options{})
		runXSteps(t, f, append(twoGroups[:len(twoGroups):len(twoGroups)],
			xstep{"XACKDEL mystream group1 ACKED IDS 2 1-0 2-0", codes(2, 2)},
			xstep{"XLEN mystream", ":2\r\n"},
		))
		if a, b := pendingCount(f, "mystream", "group1"), pendingCount(f, "mystream", "group2"); a != 0 || b != 2 {
			t.Errorf("pending %d %d, want 0 2", a, b)
		}
		runXSteps(t, f, []xstep{
			{"XACKDEL mystream group2 ACKED IDS 2 1-0 2-0", codes(1, 1)},
			{"XLEN mystream", ":0\r\n"},
		})
		if b := pendingCount(f, "mystream", "group2"); b != 0 {
			t.Errorf("group2 pending %d, want 0", b)
		}
	})
	t.Run("keepref", func(t *testing.T) {
		// "XACKDEL with KEEPREF": the second call acknowledges entries the
		// first one deleted and still answers 1.
		f := newFake(t, Options{})
		runXSteps(t, f, append(twoGroups[:len(twoGroups):len(twoGroups)],
			xstep{"XACKDEL mystream group1 KEEPREF IDS 2 1-0 2-0", codes(1, 1)},
			xstep{"XLEN mystream", ":0\r\n"},
		))
		if a, b := pendingCount(f, "mystream", "group1"), pendingCount(f, "mystream", "group2"); a != 0 || b != 2 {
			t.Errorf("pending %d %d, want 0 2", a, b)
		}
		runXSteps(t, f, []xstep{{"XACKDEL mystream group2 KEEPREF IDS 2 1-0 2-0", codes(1, 1)}})
		if b := pendingCount(f, "mystream", "group2"); b != 0 {
			t.Errorf("group2 pending %d, want 0", b)
		}
	})
	t.Run("not-pending", func(t *testing.T) {
		// An entry that exists but is not pending in the group is left
		// alone: -1, whatever the policy.
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""},
			{"XGROUP CREATE s g $", "+OK\r\n"},
			{"XACKDEL s g IDS 2 1-0 2-0", codes(-1, -1)},
			{"XACKDEL s g DELREF IDS 1 1-0", codes(-1)},
			{"XLEN s", ":2\r\n"},
		})
	})
	t.Run("acked-undelivered-elsewhere", func(t *testing.T) {
		// Acknowledged in g1 but not yet delivered to g2 (above its
		// last-delivered ID): still referenced, 2.
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""},
			{"XGROUP CREATE s g1 0", "+OK\r\n"},
			{"XGROUP CREATE s g2 0", "+OK\r\n"},
			{"XREADGROUP GROUP g1 c STREAMS s >", ""},
			{"XACKDEL s g1 ACKED IDS 1 1-0", codes(2)},
			{"XREADGROUP GROUP g2 c STREAMS s >", ""},
			{"XACKDEL s g2 ACKED IDS 2 1-0 1-0", codes(1, -1)},
			{"XLEN s", ":0\r\n"},
		})
		st := f.object("s").Stream
		if st.MaxDeletedID() != (stream.ID{Ms: 1}) || st.EntriesAdded() != 1 {
			t.Errorf("max deleted %v entries added %d, want 1-0 1", st.MaxDeletedID(), st.EntriesAdded())
		}
	})
	t.Run("many-ids", func(t *testing.T) {
		// "XACKDEL with IDs exceeding STREAMID_STATIC_VECTOR_LEN for heap allocation".
		f := newFake(t, Options{})
		f.do("XGROUP", "CREATE", "s", "mygroup", "$", "MKSTREAM")
		args := []string{"XACKDEL", "s", "mygroup", "IDS", "50"}
		want := make([]int64, 50)
		for i := range 50 {
			args = append(args, stream.ID{Ms: uint64(i), Seq: 1}.String())
			want[i] = -1
		}
		if got := f.do(args...); got != codes(want...) {
			t.Errorf("50 IDs: %q", got)
		}
	})
}

// TestXackdelPersist checks the ops: the group's PEL deletion, the other
// groups' under DELREF, the entry's deletion mark, then the metadata.
func TestXackdelPersist(t *testing.T) {
	rec := newRecordingStore()
	f := newFake(t, Options{Store: rec})
	runXSteps(t, f, twoGroups)
	f.committed(rec)
	uid := f.object("mystream").UID
	f.do("XACKDEL", "mystream", "group1", "DELREF", "IDS", "2", "1-0", "9-0")
	want := []persist.Op{
		{Kind: persist.PendingDel, UID: uid, Group: "group1", ID: stream.ID{Ms: 1}},
		{Kind: persist.PendingDel, UID: uid, Group: "group2", ID: stream.ID{Ms: 1}},
		{Kind: persist.EntryDel, UID: uid, ID: stream.ID{Ms: 1}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 2}, MaxDeletedID: stream.ID{Ms: 1}, FirstID: stream.ID{Ms: 2}, EntriesAdded: 2}},
	}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops:\n got %+v\nwant %+v", ops, want)
	}
	// ACKED that keeps the entry records the acknowledgement only.
	f.do("XACKDEL", "mystream", "group1", "ACKED", "IDS", "1", "2-0")
	want = []persist.Op{{Kind: persist.PendingDel, UID: uid, Group: "group1", ID: stream.ID{Ms: 2}}}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops:\n got %+v\nwant %+v", ops, want)
	}
}
