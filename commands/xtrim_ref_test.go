package commands

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// TestXAddRefPolicy replays Redis's tests of XADD's reference policies
// (tests/unit/type/stream.tcl).
func TestXAddRefPolicy(t *testing.T) {
	t.Run("acked", func(t *testing.T) {
		// "XADD with MAXLEN option and ACKED option".
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""}, {"XADD s 3-0 f v", ""},
			{"XADD s 4-0 f v", ""}, {"XADD s 5-0 f v", ""},
			{"XGROUP CREATE s mygroup 0", "+OK\r\n"},
			// Nothing read: every entry is referenced, the new one too.
			{"XADD s MAXLEN = 1 ACKED 6-0 f v", bulk("6-0")},
			{"XLEN s", ":6\r\n"},
			{"XREADGROUP GROUP mygroup consumer1 COUNT 1 STREAMS s >", ""},
			{"XACK s mygroup 1-0", ":1\r\n"},
			{"XADD s MAXLEN = 1 ACKED 7-0 f v", bulk("7-0")},
			{"XLEN s", ":6\r\n"}, // 1-0 went, 2-0 .. 7-0 are not delivered yet
			{"XREADGROUP GROUP mygroup consumer1 STREAMS s >", ""},
			{"XACK s mygroup 2-0 3-0 4-0 5-0 6-0 7-0", ":6\r\n"},
			{"XADD s MAXLEN = 1 ACKED 8-0 f v", bulk("8-0")},
			{"XLEN s", ":1\r\n"},
		})
	})
	t.Run("delref", func(t *testing.T) {
		// "XADD with MAXLEN option and DELREF option".
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""}, {"XADD s 3-0 f v", ""},
			{"XADD s 4-0 f v", ""}, {"XADD s 5-0 f v", ""},
			{"XGROUP CREATE s mygroup 0", "+OK\r\n"},
			{"XREADGROUP GROUP mygroup consumer1 COUNT 1 STREAMS s >", ""},
			{"XADD s MAXLEN = 1 DELREF 6-0 f v", bulk("6-0")},
			{"XLEN s", ":1\r\n"},
		})
		if n := pendingCount(f, "s", "mygroup"); n != 0 {
			t.Errorf("DELREF trim left %d pending, want 0", n)
		}
	})
	t.Run("keepref", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""},
			{"XGROUP CREATE s g 0", "+OK\r\n"},
			{"XREADGROUP GROUP g c STREAMS s >", ""},
			{"XADD s MAXLEN 1 KEEPREF 3-0 f v", bulk("3-0")},
			{"XLEN s", ":1\r\n"},
		})
		if n := pendingCount(f, "s", "g"); n != 2 {
			t.Errorf("KEEPREF trim left %d pending, want 2", n)
		}
	})
}

// TestXTrimRefPolicy covers XTRIM's policies, where the subtle cases are:
// ACKED steps over a referenced entry and goes on trimming after it (Redis's
// trim loop skips it as it skips a tombstone), and DELREF cleans only the
// records of the entries it trims, not the dangling records of entries
// deleted before.
func TestXTrimRefPolicy(t *testing.T) {
	t.Run("acked-steps-over-pending", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""}, {"XADD s 3-0 f v", ""},
			{"XADD s 4-0 f v", ""}, {"XADD s 5-0 f v", ""},
			{"XGROUP CREATE s g 0", "+OK\r\n"},
			{"XREADGROUP GROUP g c COUNT 4 STREAMS s >", ""},
			{"XACK s g 1-0 3-0 4-0", ":3\r\n"},
			// 2-0 pending, 5-0 not delivered: 1-0, 3-0 and 4-0 go.
			{"XTRIM s MAXLEN 0 ACKED", ":3\r\n"},
			{"XLEN s", ":2\r\n"},
			{"XRANGE s - + COUNT 1", arr(arr(bulk("2-0"), bulks("f", "v")))},
			{"XTRIM s MINID 9 ACKED", ":0\r\n"},
			{"XACK s g 2-0", ":1\r\n"},
			{"XTRIM s MINID 9 ACKED", ":1\r\n"},
			{"XLEN s", ":1\r\n"},
		})
		st := f.object("s").Stream
		if !st.MaxDeletedID().IsZero() || st.FirstID() != (stream.ID{Ms: 5}) {
			t.Errorf("max deleted %v first %v, want 0-0 5-0", st.MaxDeletedID(), st.FirstID())
		}
	})
	t.Run("acked-no-groups", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""},
			{"XTRIM s MAXLEN 0 ACKED", ":2\r\n"},
		})
	})
	t.Run("delref-keeps-dangling", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""}, {"XADD s 3-0 f v", ""},
			{"XGROUP CREATE s g1 0", "+OK\r\n"},
			{"XGROUP CREATE s g2 0", "+OK\r\n"},
			{"XREADGROUP GROUP g1 c STREAMS s >", ""},
			{"XREADGROUP GROUP g2 c STREAMS s >", ""},
			{"XDEL s 1-0", ":1\r\n"},
			{"XTRIM s MINID 3 DELREF", ":1\r\n"},
		})
		for _, g := range []string{"g1", "g2"} {
			gr := f.group("s", g)
			if gr.Len() != 2 || gr.Pending(stream.ID{Ms: 1}) == nil || gr.Pending(stream.ID{Ms: 2}) != nil {
				t.Errorf("%s: %d pending; want 1-0 (dangling, deleted by XDEL) and 3-0", g, gr.Len())
			}
		}
	})
}

// TestXTrimRefPersist checks the ops of the policies: DELREF records the
// trimmed prefix as KEEPREF does plus a PEL deletion per removed record;
// ACKED, whose removals need not be a prefix, records one deletion mark
// per entry.
func TestXTrimRefPersist(t *testing.T) {
	rec := newRecordingStore()
	f := newFake(t, Options{Store: rec})
	runXSteps(t, f, []xstep{
		{"XADD s 1-0 a 1", ""}, {"XADD s 2-0 a 1", ""}, {"XADD s 3-0 a 1", ""}, {"XADD s 4-0 a 1", ""},
		{"XGROUP CREATE s g 0", ""},
		{"XREADGROUP GROUP g c COUNT 3 STREAMS s >", ""},
		{"XACK s g 2-0", ""},
	})
	f.committed(rec)
	uid := f.object("s").UID
	f.do("XTRIM", "s", "MAXLEN", "2", "ACKED") // 1-0 pending, 2-0 goes, 3-0 pending, stop
	want := []persist.Op{
		{Kind: persist.EntryDel, UID: uid, ID: stream.ID{Ms: 2}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 4}, FirstID: stream.ID{Ms: 1}, EntriesAdded: 4}},
	}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ACKED ops:\n got %+v\nwant %+v", ops, want)
	}
	f.do("XTRIM", "s", "MAXLEN", "2", "DELREF") // 1-0 goes with its record
	want = []persist.Op{
		{Kind: persist.PendingDel, UID: uid, Group: "g", ID: stream.ID{Ms: 1}},
		{Kind: persist.EntryDelRange, UID: uid, ID: stream.Min, End: stream.ID{Ms: 3}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 4}, FirstID: stream.ID{Ms: 3}, EntriesAdded: 4}},
	}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("DELREF ops:\n got %+v\nwant %+v", ops, want)
	}
}
