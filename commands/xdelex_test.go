package commands

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// codes is the RESP reply of an XDELEX or XACKDEL: an array of integers.
func codes(cs ...int64) string {
	items := make([]string, len(cs))
	for i, c := range cs {
		items[i] = integer(c)
	}
	return arr(items...)
}

func wordArgs(s string) [][]byte {
	var out [][]byte
	for _, w := range strings.Fields(s) {
		out = append(out, []byte(w))
	}
	return out
}

// TestXdelexParse covers the option grammar XDELEX and XACKDEL share. The
// error texts and the cases marked so come from Redis's stream-cgroups.tcl
// ("XACKDEL IDS parameter validation", "XACKDEL KEEPREF/DELREF/ACKED
// parameter validation").
func TestXdelexParse(t *testing.T) {
	cases := []struct {
		args   string
		policy refPolicy
		ids    string
		err    error
	}{
		{"IDS 1 1-1", keepRef, "1-1", nil},
		{"ids 2 1-1 2", keepRef, "1-1 2", nil},
		{"KEEPREF IDS 1 1-1", keepRef, "1-1", nil},
		{"delref IDS 1 1-1", delRef, "1-1", nil},
		{"Acked IDS 1 1-1", ackedRef, "1-1", nil},
		{"IDS 1 1-1 ACKED", ackedRef, "1-1", nil}, // the loop goes on after the IDs
		{"IDS 1 1-1 IDS 2 2-2 3-3", keepRef, "2-2 3-3", nil},
		{"IDS abc 1-1", 0, "", ErrNumIDs},           // Redis test
		{"IDS 0 1-1", 0, "", ErrNumIDs},             // Redis test
		{"IDS -5 1-1", 0, "", ErrNumIDs},            // Redis test
		{"IDS 1.5 1-1", 0, "", ErrNumIDs},           // not an integer
		{"IDS 3 1-1 2-2", 0, "", ErrNumIDsMismatch}, // Redis test
		{"ACKED IDS 1", 0, "", ErrNumIDsMismatch},
		{"IDS 1 1-1 2-2", 0, "", ErrSyntax},            // Redis test
		{"KEEPREF DELREF IDS 1 1-1", 0, "", ErrSyntax}, // Redis test
		{"KEEPREF ACKED IDS 1 1-1", 0, "", ErrSyntax},  // Redis test
		{"DELREF ACKED IDS 1 1-1", 0, "", ErrSyntax},   // Redis test
		{"ACKED ACKED IDS 1 1-1", 0, "", ErrSyntax},
		{"IDS 1 1-1 KEEPREF DELREF", 0, "", ErrSyntax},
		{"NOREF IDS 1 1-1", 0, "", ErrSyntax},
		{"KEEPREF 1 1-1", 0, "", ErrSyntax}, // no IDS keyword
		{"1 1-1 2-2", 0, "", ErrSyntax},
		{"IDS 1 1-1 IDS", 0, "", ErrSyntax}, // IDS with nothing after it
		{"ACKED DELREF KEEPREF", 0, "", ErrSyntax},
	}
	for _, c := range cases {
		a, err := parseDelex(wordArgs(c.args))
		if err != c.err {
			t.Errorf("%q: error %v, want %v", c.args, err, c.err)
			continue
		}
		if err != nil {
			continue
		}
		var got []string
		for _, b := range a.IDs {
			got = append(got, string(b))
		}
		if a.Policy != c.policy || strings.Join(got, " ") != c.ids {
			t.Errorf("%q: policy %d ids %q, want %d %q", c.args, a.Policy, got, c.policy, c.ids)
		}
	}
}

// TestXdelexErrors checks the replies of bad commands on the wire, in
// Redis's order of checks: arity, options, then the key (a missing key
// answers -1 per ID before the IDs are parsed), then the IDs.
func TestXdelexErrors(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-0", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	cases := []struct {
		cmd  string
		want string
	}{
		{"XDELEX", "-ERR wrong number of arguments for 'xdelex' command\r\n"},
		{"XDELEX s", "-ERR wrong number of arguments for 'xdelex' command\r\n"},
		{"XDELEX s IDS 1", "-ERR wrong number of arguments for 'xdelex' command\r\n"},
		{"XACKDEL", "-ERR wrong number of arguments for 'xackdel' command\r\n"}, // Redis test
		{"XACKDEL s", "-ERR wrong number of arguments for 'xackdel' command\r\n"},
		{"XACKDEL s g", "-ERR wrong number of arguments for 'xackdel' command\r\n"},
		{"XACKDEL s g IDS 1", "-ERR wrong number of arguments for 'xackdel' command\r\n"},
		{"XDELEX s IDS abc 1-1", errReply(ErrNumIDs)},
		{"XDELEX s IDS 0 1-1", errReply(ErrNumIDs)},
		{"XDELEX s IDS -5 1-1", errReply(ErrNumIDs)},
		{"XDELEX s IDS 3 1-1 2-2", errReply(ErrNumIDsMismatch)},
		{"XDELEX s IDS 1 1-1 2-2", errReply(ErrSyntax)},
		{"XDELEX s KEEPREF DELREF IDS 1 1-1", errReply(ErrSyntax)},
		{"XDELEX s BOGUS IDS 1 1-1", errReply(ErrSyntax)},
		{"XDELEX s KEEPREF 1 1-1", errReply(ErrSyntax)},
		{"XDELEX s IDS 2 1-0 bad", errReply(ErrInvalidStreamID)},
		{"XDELEX s IDS 1 -", errReply(ErrInvalidStreamID)},
		{"XDELEX s IDS 1 1-*", errReply(ErrInvalidStreamID)},
		{"XDELEX nokey IDS 2 bad 1-1", codes(-1, -1)},
		{"XDELEX nokey IDS abc 1-1", errReply(ErrNumIDs)},
		{"XACKDEL s g IDS abc 1-1", errReply(ErrNumIDs)},
		{"XACKDEL s g IDS 0 1-1", errReply(ErrNumIDs)},
		{"XACKDEL s g IDS 3 1-1 2-2", errReply(ErrNumIDsMismatch)},
		{"XACKDEL s g IDS 1 1-1 2-2", errReply(ErrSyntax)},
		{"XACKDEL s g DELREF ACKED IDS 1 1-1", errReply(ErrSyntax)},
		{"XACKDEL s g IDS 2 1-0 bad", errReply(ErrInvalidStreamID)},
		{"XACKDEL s nogroup IDS 2 bad 1-1", codes(-1, -1)},
		{"XACKDEL nokey g IDS 2 1-1 2-2", codes(-1, -1)},   // Redis test
		{"XACKDEL s nogroup IDS 2 1-1 2-2", codes(-1, -1)}, // Redis test
	}
	for _, c := range cases {
		if got := f.doBytes(wordArgs(c.cmd)); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.cmd, got, c.want)
		}
	}
	if got := f.do("XLEN", "s"); got != ":1\r\n" {
		t.Errorf("failed commands changed the stream: XLEN %q", got)
	}
}

// xstep is one command and its expected reply; an empty want is not
// compared (a read whose reply other tests pin).
type xstep struct {
	cmd, want string
}

// runXSteps runs steps on f, then checks the groups' invariants.
func runXSteps(t *testing.T, f *fake, steps []xstep) {
	t.Helper()
	for i, st := range steps {
		got := f.doBytes(wordArgs(st.cmd))
		if st.want != "" && got != st.want {
			t.Errorf("#%d %s:\n got %q\nwant %q", i, st.cmd, got, st.want)
		}
	}
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	for k, o := range f.s.dbs[0].keys {
		if o.Groups != nil {
			if err := o.Groups.Check(); err != nil {
				t.Errorf("groups of %q: %v", k, err)
			}
		}
	}
}

// pendingCount is XPENDING's summary count for key's group, -1 if there
// is no such group.
func pendingCount(f *fake, key, group string) int {
	if g := f.group(key, group); g != nil {
		return g.Len()
	}
	return -1
}

// TestXdelexExec replays Redis's XDELEX tests and the cases its source
// makes subtle. The Redis tests are in tests/unit/type/stream-cgroups.tcl.
func TestXdelexExec(t *testing.T) {
	t.Run("acked-after-destroy", func(t *testing.T) {
		// "XGROUP DESTROY removes all consumer group references".
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 0-1 item 0", ""}, {"XADD s 1-1 item 1", ""}, {"XADD s 2-1 item 2", ""},
			{"XADD s 3-1 item 3", ""}, {"XADD s 4-1 item 4", ""},
			{"XGROUP CREATE s mygroup 0", "+OK\r\n"},
			{"XREADGROUP GROUP mygroup consumer1 STREAMS s >", ""},
			{"XDELEX s ACKED IDS 5 0-1 1-1 2-1 3-1 4-1", codes(2, 2, 2, 2, 2)},
			{"XGROUP DESTROY s mygroup", ":1\r\n"},
			{"XDELEX s ACKED IDS 5 0-1 1-1 2-1 3-1 4-1", codes(1, 1, 1, 1, 1)},
			{"XLEN s", ":0\r\n"},
		})
	})
	t.Run("acked-min-last-id", func(t *testing.T) {
		// "XGROUP DESTROY correctly manage min_cgroup_last_id cache".
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f1 v1", ""}, {"XADD s 2-0 f2 v2", ""}, {"XADD s 3-0 f3 v3", ""},
			{"XADD s 4-0 f4 v4", ""}, {"XADD s 5-0 f5 v5", ""},
			{"XGROUP CREATE s group1 1-0", "+OK\r\n"},
			{"XGROUP CREATE s group2 3-0", "+OK\r\n"},
			{"XDELEX s ACKED IDS 1 1-0", codes(1)},
			{"XDELEX s ACKED IDS 1 2-0", codes(2)},
			{"XGROUP DESTROY s group1", ":1\r\n"},
			{"XDELEX s ACKED IDS 1 2-0", codes(1)},
		})
	})
	t.Run("acked-decides-before-lookup", func(t *testing.T) {
		// Redis's xdelexCommand tests the references before the entry: an
		// ID above a group's last-delivered ID answers 2 even if absent;
		// without groups an absent ID answers -1.
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""},
			{"XDELEX s ACKED IDS 2 9-0 1-0", codes(-1, 1)},
			{"XADD s 2-0 f v", ""},
			{"XGROUP CREATE s g 0", "+OK\r\n"},
			{"XDELEX s ACKED IDS 2 9-0 2-0", codes(2, 2)},
			{"XDELEX s IDS 2 9-0 2-0", codes(-1, 1)},
		})
	})
	t.Run("keepref-leaves-pel", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""},
			{"XGROUP CREATE s g 0", "+OK\r\n"},
			{"XREADGROUP GROUP g c STREAMS s >", ""},
			{"XDELEX s KEEPREF IDS 3 1-0 1-0 7-0", codes(1, -1, -1)},
			{"XDELEX s IDS 1 2-0", codes(1)},
			{"XLEN s", ":0\r\n"},
		})
		if n := pendingCount(f, "s", "g"); n != 2 {
			t.Errorf("KEEPREF left %d pending, want 2", n)
		}
	})
	t.Run("delref-cleans-every-pel", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""}, {"XADD s 3-0 f v", ""},
			{"XGROUP CREATE s g1 0", "+OK\r\n"},
			{"XGROUP CREATE s g2 0", "+OK\r\n"},
			{"XREADGROUP GROUP g1 c STREAMS s >", ""},
			{"XREADGROUP GROUP g2 c COUNT 2 STREAMS s >", ""},
			// 2-0 was removed by XDEL: DELREF still cleans its dangling
			// records, and answers -1 for it.
			{"XDEL s 2-0", ":1\r\n"},
			{"XDELEX s DELREF IDS 2 1-0 2-0", codes(1, -1)},
			{"XLEN s", ":1\r\n"},
		})
		if a, b := pendingCount(f, "s", "g1"), pendingCount(f, "s", "g2"); a != 1 || b != 0 {
			t.Errorf("pending after DELREF: g1 %d g2 %d, want 1 0", a, b)
		}
		if p := f.group("s", "g1").Pending(stream.ID{Ms: 3}); p == nil {
			t.Error("DELREF removed 3-0 from g1's PEL")
		}
	})
	t.Run("meta", func(t *testing.T) {
		f := newFake(t, Options{})
		runXSteps(t, f, []xstep{
			{"XADD s 1-0 f v", ""}, {"XADD s 2-0 f v", ""}, {"XADD s 3-0 f v", ""},
			{"XDELEX s IDS 2 2-0 1-0", codes(1, 1)},
		})
		st := f.object("s").Stream
		if st.MaxDeletedID() != (stream.ID{Ms: 2}) || st.EntriesAdded() != 3 || st.FirstID() != (stream.ID{Ms: 3}) || st.Len() != 1 {
			t.Errorf("max deleted %v entries added %d first %v len %d, want 2-0 3 3-0 1",
				st.MaxDeletedID(), st.EntriesAdded(), st.FirstID(), st.Len())
		}
	})
}

// TestXdelexPersist checks the ops: a deletion mark per deleted entry, a
// PEL deletion per reference DELREF removed, the metadata once; nothing
// for an XDELEX that changed nothing.
func TestXdelexPersist(t *testing.T) {
	rec := newRecordingStore()
	f := newFake(t, Options{Store: rec})
	for _, c := range []string{"XADD s 1-0 a 1", "XADD s 2-0 a 1", "XADD s 3-0 a 1",
		"XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 1 STREAMS s >"} {
		f.doBytes(wordArgs(c))
	}
	f.committed(rec)
	uid := f.object("s").UID
	f.do("XDELEX", "s", "DELREF", "IDS", "3", "1-0", "9-0", "2-0")
	want := []persist.Op{
		{Kind: persist.PendingDel, UID: uid, Group: "g", ID: stream.ID{Ms: 1}},
		{Kind: persist.EntryDel, UID: uid, ID: stream.ID{Ms: 1}},
		{Kind: persist.EntryDel, UID: uid, ID: stream.ID{Ms: 2}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 3}, MaxDeletedID: stream.ID{Ms: 2}, FirstID: stream.ID{Ms: 3}, EntriesAdded: 3}},
	}
	if ops := f.committed(rec); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops:\n got %+v\nwant %+v", ops, want)
	}
	f.do("XDELEX", "s", "ACKED", "IDS", "1", "3-0")
	f.do("XDELEX", "s", "IDS", "1", "9-0")
	if ops := f.committed(rec); len(ops) != 0 {
		t.Fatalf("XDELEX that changed nothing recorded %+v", ops)
	}
}

// TestXdelexWatchAndDirty: a deletion dirties WATCHers and counts one
// change per ID changed; a DELREF that only removes PEL records counts
// without dirtying WATCH, as Redis's "update LRM without signaling".
func TestXdelexWatchAndDirty(t *testing.T) {
	f := newFake(t, Options{})
	for _, c := range []string{"XADD s 1-0 a 1", "XADD s 2-0 a 1",
		"XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XDEL s 1-0"} {
		f.doBytes(wordArgs(c))
	}
	f.do("WATCH", "s")
	d := f.s.dirty
	f.do("XDELEX", "s", "DELREF", "IDS", "1", "1-0")
	if f.c.dirtyCAS || f.s.dirty != d+1 {
		t.Fatalf("PEL-only DELREF: dirtyCAS %v, dirty +%d, want false +1", f.c.dirtyCAS, f.s.dirty-d)
	}
	f.do("XDELEX", "s", "IDS", "2", "2-0", "2-0")
	if !f.c.dirtyCAS || f.s.dirty != d+2 {
		t.Fatalf("deleting XDELEX: dirtyCAS %v, dirty +%d, want true +2", f.c.dirtyCAS, f.s.dirty-d)
	}
}

// TestRefPolicyNotifications checks the keyspace events: XDELEX and
// XACKDEL fire "xdel" once when they delete something and nothing
// otherwise (Redis's xdelexCommand notifies only when it deleted); the
// trims fire "xtrim" only when they removed entries.
func TestRefPolicyNotifications(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	if got := c.do("CONFIG", "SET", "notify-keyspace-events", "Et"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET: %q", got)
	}
	sub := dialRaw(t, addr)
	sub.do("PSUBSCRIBE", "__keyevent@0__:*")
	for _, cmd := range []string{
		"XADD s 1-0 f v", "XADD s 2-0 f v", "XADD s 3-0 f v",
		"XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >",
		"XDELEX s IDS 1 9-0",
		"XDELEX s ACKED IDS 1 1-0",
		"XDELEX s DELREF IDS 2 1-0 1-0",
		"XACKDEL s g IDS 1 2-0",
		"XACKDEL s g ACKED IDS 1 9-9",
		"XTRIM s MAXLEN 0 ACKED",
		"XTRIM s MAXLEN 0 DELREF",
		"XADD s MAXLEN 0 ACKED 4-0 f v",
		"XADD marker 1-0 f v",
	} {
		c.do(strings.Fields(cmd)...)
	}
	var got []string
	for len(got) == 0 || got[len(got)-1] != "xadd marker" {
		msg := sub.read()
		// *4 $8 pmessage $16 __keyevent@0__:* $N __keyevent@0__:EVENT $N KEY
		parts := strings.Split(msg, "\r\n")
		if len(parts) < 9 {
			t.Fatalf("message %q", msg)
		}
		got = append(got, strings.TrimPrefix(parts[6], "__keyevent@0__:")+" "+parts[8])
	}
	want := []string{"xadd s", "xadd s", "xadd s", "xgroup-create s", "xgroup-createconsumer s",
		"xdel s", "xdel s", "xtrim s", "xadd s", "xadd marker"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("events:\n got %v\nwant %v", got, want)
	}
}

// msTimes matches Unix times in ms (delivery times in XINFO STREAM FULL).
var msTimes = regexp.MustCompile(`:1\d{12}\r\n`)

// unclocked blanks the time-dependent integers of a reply.
func unclocked(r string) string {
	r = pendingIdle.ReplaceAllString(r, "$1:?")
	r = clockFields.ReplaceAllString(r, "$1:?")
	return msTimes.ReplaceAllString(r, ":T\r\n")
}

// TestXdelexLikeXdel: XDELEX KEEPREF is XDEL, and XACKDEL KEEPREF is XACK
// then XDEL, down to XINFO STREAM FULL (max-deleted-entry-id,
// entries-added, recorded-first-entry-id, the groups' entries-read and
// lag): run side by side on the same setup, they must read the same.
func TestXdelexLikeXdel(t *testing.T) {
	setup := []string{"XADD s 1-0 f v", "XADD s 2-0 f v", "XADD s 3-0 f v", "XADD s 4-0 f v",
		"XGROUP CREATE s g1 0", "XGROUP CREATE s g2 0",
		"XREADGROUP GROUP g1 c COUNT 2 STREAMS s >", "XREADGROUP GROUP g2 c COUNT 3 STREAMS s >"}
	pairs := []struct{ ex, old []string }{
		{[]string{"XDELEX s IDS 2 3-0 9-0"}, []string{"XDEL s 3-0 9-0"}},
		{[]string{"XDELEX s KEEPREF IDS 2 1-0 4-0"}, []string{"XDEL s 1-0 4-0"}},
		{[]string{"XACKDEL s g1 IDS 2 1-0 3-0"}, []string{"XACK s g1 1-0 3-0", "XDEL s 1-0"}},
		{[]string{"XACKDEL s g2 KEEPREF IDS 3 2-0 3-0 4-0"}, []string{"XACK s g2 2-0 3-0 4-0", "XDEL s 2-0 3-0"}},
	}
	for _, p := range pairs {
		a, b := newFake(t, Options{}), newFake(t, Options{})
		for _, c := range setup {
			a.doBytes(wordArgs(c))
			b.doBytes(wordArgs(c))
		}
		for _, c := range p.ex {
			a.doBytes(wordArgs(c))
		}
		for _, c := range p.old {
			b.doBytes(wordArgs(c))
		}
		for _, q := range []string{"XINFO STREAM s FULL", "XINFO GROUPS s", "XPENDING s g1 - + 10", "XPENDING s g2 - + 10"} {
			ra, rb := unclocked(a.doBytes(wordArgs(q))), unclocked(b.doBytes(wordArgs(q)))
			if ra != rb {
				t.Errorf("%v vs %v: %s differs:\n%q\n%q", p.ex, p.old, q, ra, rb)
			}
		}
	}
}
