package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestXReadGroupBlockWokenByXAdd(t *testing.T) {
	s, _ := startServer(t)
	a := dialStream(t, s)
	for _, resp3 := range []bool{false, true} {
		b := dialStream(t, s)
		if resp3 {
			b.setProto(3)
		}
		key := "s" + strconv.FormatBool(resp3)
		a.do("XADD", key, "1-1", "f", "old")
		a.do("XGROUP", "CREATE", key, "g", "$")
		b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "5000", "STREAMS", key, ">")
		waitBlocked(t, s, 1)
		if _, _, onNoKey := s.blockedCounts(); onNoKey != 1 {
			t.Fatalf("total_blocking_keys_on_nokey = %d, want 1", onNoKey)
		}
		a.do("XADD", key, "2-1", "f", "new")
		if got, want := b.read(5*time.Second), entryReply(resp3, []string{key, "2-1 f new"}); got != want {
			t.Fatalf("resp3=%v woken reply:\n got %q\nwant %q", resp3, got, want)
		}
		waitBlocked(t, s, 0)
		// The woken read delivered: the entry is pending for c.
		if got := a.do("XPENDING", key, "g"); got != "*4\r\n:1\r\n$3\r\n2-1\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n" {
			t.Fatalf("XPENDING after the woken read = %q", got)
		}
	}
}

// TestXReadGroupBlockTimeout: the timeout answers null, and the consumer
// exists from the moment the read blocked (REDIS74 §10).
func TestXReadGroupBlockTimeout(t *testing.T) {
	s, _ := startServer(t)
	a := dialStream(t, s)
	a.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	for _, tc := range []struct {
		resp3 bool
		want  string
	}{{false, "*-1\r\n"}, {true, "_\r\n"}} {
		b := dialStream(t, s)
		if tc.resp3 {
			b.setProto(3)
		}
		b.send("XREADGROUP", "GROUP", "g", "sleeper", "BLOCK", "300", "STREAMS", "s", ">")
		waitBlocked(t, s, 1)
		if got := a.do("XINFO", "GROUPS", "s"); !strings.Contains(got, "$9\r\nconsumers\r\n:1\r\n") {
			t.Fatalf("while blocked, XINFO GROUPS = %q", got)
		}
		start := time.Now()
		if got := b.read(5 * time.Second); got != tc.want {
			t.Fatalf("timed out read = %q, want %q", got, tc.want)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("BLOCK 300 took %v", d)
		}
		waitBlocked(t, s, 0)
	}
}

// noGroupRead is the reply of a blocked XREADGROUP whose stream or group
// went away (Redis 7.4, REDIS74 §14 and §15), in RESP2 and RESP3 alike.
const noGroupRead = "-NOGROUP No such key 'pipe' or consumer group 'plumbers' in XREADGROUP with GROUP option\r\n"

func TestXReadGroupBlockKeyGone(t *testing.T) {
	for _, tc := range []struct {
		name string
		gone []string
	}{
		{"del", []string{"DEL", "pipe"}},
		{"destroy", []string{"XGROUP", "DESTROY", "pipe", "plumbers"}},
		{"rename-away", []string{"RENAME", "pipe", "elsewhere"}},
		// The key is replaced by a stream without the group.
		{"rename-onto", []string{"RENAME", "spare", "pipe"}},
	} {
		for _, resp3 := range []bool{false, true} {
			t.Run(tc.name+"/resp3="+strconv.FormatBool(resp3), func(t *testing.T) {
				s, _ := startServer(t)
				a, b := dialStream(t, s), dialStream(t, s)
				if resp3 {
					b.setProto(3)
				}
				a.do("XGROUP", "CREATE", "pipe", "plumbers", "$", "MKSTREAM")
				a.do("XADD", "spare", "1-1", "f", "v")
				b.send("XREADGROUP", "GROUP", "plumbers", "mario", "BLOCK", "5000", "STREAMS", "pipe", ">")
				waitBlocked(t, s, 1)
				a.do(tc.gone...)
				if got := b.read(2 * time.Second); got != noGroupRead {
					t.Fatalf("got %q, want %q", got, noGroupRead)
				}
				waitBlocked(t, s, 0)
			})
		}
	}
}

// TestXReadGroupBlockRecreated: a key deleted and created again with the
// group inside one transaction does not fail the reader, which keeps
// waiting for new entries.
func TestXReadGroupBlockRecreated(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XGROUP", "CREATE", "pipe", "plumbers", "$", "MKSTREAM")
	b.send("XREADGROUP", "GROUP", "plumbers", "mario", "BLOCK", "5000", "STREAMS", "pipe", ">")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	a.do("DEL", "pipe")
	a.do("XGROUP", "CREATE", "pipe", "plumbers", "$", "MKSTREAM")
	a.do("EXEC")
	if !b.quiet(200 * time.Millisecond) {
		t.Fatal("answered although the stream has its group and no new entry")
	}
	a.do("XADD", "pipe", "7-7", "tool", "wrench")
	if got, want := b.read(2*time.Second), entryReply(false, []string{"pipe", "7-7 tool wrench"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestXReadGroupBlockCompeting: one new entry wakes the first reader that
// blocked; the second keeps waiting (the group's cursor moved) and gets the
// next entry.
func TestXReadGroupBlockCompeting(t *testing.T) {
	s, _ := startServer(t)
	a, b1, b2 := dialStream(t, s), dialStream(t, s), dialStream(t, s)
	a.do("XGROUP", "CREATE", "q", "g", "$", "MKSTREAM")
	b1.send("XREADGROUP", "GROUP", "g", "one", "BLOCK", "5000", "STREAMS", "q", ">")
	waitBlocked(t, s, 1)
	b2.send("XREADGROUP", "GROUP", "g", "two", "BLOCK", "5000", "STREAMS", "q", ">")
	waitBlocked(t, s, 2)
	a.do("XADD", "q", "1-1", "job", "a")
	if got, want := b1.read(2*time.Second), entryReply(false, []string{"q", "1-1 job a"}); got != want {
		t.Fatalf("first reader got %q, want %q", got, want)
	}
	if !b2.quiet(100 * time.Millisecond) {
		t.Fatal("second reader answered for an entry the first one took")
	}
	waitBlocked(t, s, 1)
	a.do("XADD", "q", "2-2", "job", "b")
	if got, want := b2.read(2*time.Second), entryReply(false, []string{"q", "2-2 job b"}); got != want {
		t.Fatalf("second reader got %q, want %q", got, want)
	}
	if got := a.do("XPENDING", "q", "g"); got != "*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-2\r\n*2\r\n*2\r\n$3\r\none\r\n$1\r\n1\r\n*2\r\n$3\r\ntwo\r\n$1\r\n1\r\n" {
		t.Fatalf("XPENDING = %q", got)
	}
}

// TestXReadGroupBlockEntriesGone: woken when the new entries are already
// gone, the reader keeps waiting (REDIS74 §19), and its consumer is not
// touched by the spurious wake-up.
func TestXReadGroupBlockEntriesGone(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "vanish", "1-0", "note", "v1")
	a.do("XGROUP", "CREATE", "vanish", "g", "$")
	b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "600", "STREAMS", "vanish", ">")
	waitBlocked(t, s, 1)
	s.mu.Lock()
	cons := s.dbs[0].keys["vanish"].Groups.Get("g").Consumer("c")
	cons.SetSeenTime(1)
	s.mu.Unlock()
	a.do("XADD", "vanish", "MAXLEN", "0", "2-0", "note", "v2")
	a.do("MULTI")
	a.do("XADD", "vanish", "4-0", "note", "v4")
	a.do("XDEL", "vanish", "4-0")
	a.do("EXEC")
	if c, _, _ := s.blockedCounts(); c != 1 {
		t.Fatalf("%d clients blocked after the vanished entries, want 1", c)
	}
	s.mu.Lock()
	seen := cons.SeenTime()
	s.mu.Unlock()
	if seen != 1 {
		t.Fatalf("a wake-up with nothing to read set the seen time to %d", seen)
	}
	if got := b.read(5 * time.Second); got != "*-1\r\n" {
		t.Fatalf("got %q, want the timeout's null", got)
	}
}

// TestXReadGroupBlockTwoStreams: a woken reader gets every stream with new
// entries in argument order; a key given twice appears once, the second
// copy having nothing left (REDIS74 §17).
func TestXReadGroupBlockTwoStreams(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	b.setProto(3)
	a.do("XGROUP", "CREATE", "north", "g", "$", "MKSTREAM")
	a.do("XGROUP", "CREATE", "south", "g", "$", "MKSTREAM")
	b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "3000", "STREAMS", "north", "south", ">", ">")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	a.do("XADD", "south", "9-0", "temp", "3")
	a.do("XADD", "north", "9-0", "temp", "9")
	a.do("EXEC")
	want := entryReply(true, []string{"north", "9-0 temp 9"}, []string{"south", "9-0 temp 3"})
	if got := b.read(5 * time.Second); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	b.setProto(2)
	b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "3000", "STREAMS", "north", "north", ">", ">")
	waitBlocked(t, s, 1)
	a.do("XADD", "north", "10-0", "temp", "7")
	want = entryReply(false, []string{"north", "10-0 temp 7"})
	if got := b.read(5 * time.Second); got != want {
		t.Fatalf("duplicate key: got %q, want %q", got, want)
	}
}

// TestXReadGroupBlockNoCap: a woken reader without COUNT gets all 1001
// entries and all become pending (REDIS74 §18).
func TestXReadGroupBlockNoCap(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XGROUP", "CREATE", "bulk", "g", "$", "MKSTREAM")
	b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "3000", "STREAMS", "bulk", ">")
	waitBlocked(t, s, 1)
	a.do("MULTI")
	for i := 1; i <= 1001; i++ {
		a.do("XADD", "bulk", strconv.Itoa(i)+"-7", "n", strconv.Itoa(i))
	}
	a.do("EXEC")
	got := b.read(5 * time.Second)
	if !strings.HasPrefix(got, "*1\r\n*2\r\n$4\r\nbulk\r\n*1001\r\n") {
		t.Fatalf("woken reply starts %q", got[:40])
	}
	if got := a.do("XPENDING", "bulk", "g"); !strings.HasPrefix(got, "*4\r\n:1001\r\n") {
		t.Fatalf("XPENDING = %q", got)
	}
}

// TestXReadGroupBlockNoAck: a woken NOACK read moves the cursor only.
func TestXReadGroupBlockNoAck(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	b.send("XREADGROUP", "GROUP", "g", "c", "NOACK", "BLOCK", "3000", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	a.do("XADD", "s", "1-1", "f", "v")
	if got, want := b.read(2*time.Second), entryReply(false, []string{"s", "1-1 f v"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := a.do("XPENDING", "s", "g"); got != "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n" {
		t.Fatalf("XPENDING = %q", got)
	}
}

// TestXReadGroupBlockSetID: XGROUP SETID does not wake readers (Redis does
// not signal it); the next XADD does, and the reader gets everything after
// the new cursor.
func TestXReadGroupBlockSetID(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "s", "1-1", "f", "a")
	a.do("XGROUP", "CREATE", "s", "g", "$")
	b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "3000", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	a.do("XGROUP", "SETID", "s", "g", "0")
	if !b.quiet(150 * time.Millisecond) {
		t.Fatal("woken by XGROUP SETID")
	}
	a.do("XADD", "s", "2-2", "f", "b")
	if got, want := b.read(2*time.Second), entryReply(false, []string{"s", "1-1 f a", "2-2 f b"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestXReadGroupBlockExpired: a key removed by active expiry wakes its
// blocked XREADGROUP clients, which fail with NOGROUP (REDIS74 §14).
func TestXReadGroupBlockExpired(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XGROUP", "CREATE", "pipe", "plumbers", "$", "MKSTREAM")
	b.send("XREADGROUP", "GROUP", "plumbers", "mario", "BLOCK", "5000", "STREAMS", "pipe", ">")
	waitBlocked(t, s, 1)
	s.mu.Lock()
	s.setExpire(s.dbs[0], "pipe", s.dbs[0].keys["pipe"], nowMs()-1)
	s.mu.Unlock()
	s.activeExpire()
	if got := b.read(2 * time.Second); got != noGroupRead {
		t.Fatalf("got %q, want %q", got, noGroupRead)
	}
}

// TestGroupsLiveInTheObject: groups go with their stream — deleted with
// it, moved by a rename — and a new stream at the same name has none.
func TestGroupsLiveInTheObject(t *testing.T) {
	f := newGroupFake(t)
	f.do("XADD", "s", "1-1", "f", "v")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	f.do("RENAME", "s", "t")
	if got := f.do("XPENDING", "t", "g"); got != "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n" {
		t.Fatalf("XPENDING after the rename = %q", got)
	}
	if got := f.do("XPENDING", "s", "g"); got != "-NOGROUP No such key 's' or consumer group 'g'\r\n" {
		t.Fatalf("XPENDING of the old name = %q", got)
	}
	f.do("DEL", "t")
	f.do("XADD", "t", "1-1", "f", "v")
	if got := f.do("XINFO", "GROUPS", "t"); got != "*0\r\n" {
		t.Fatalf("XINFO GROUPS of the new stream = %q", got)
	}
	if got := f.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "t", "0"); got != "-NOGROUP No such key 't' or consumer group 'g' in XREADGROUP with GROUP option\r\n" {
		t.Fatalf("XREADGROUP of the new stream = %q", got)
	}
	if got := f.do("XACK", "t", "g", "1-1"); got != ":0\r\n" {
		t.Fatalf("XACK of the new stream = %q", got)
	}
}
