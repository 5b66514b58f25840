package commands

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/rdb"
	"github.com/runnel-db/runnel/stream"
)

func TestRestoreParseOptions(t *testing.T) {
	cases := []struct {
		args       string
		replace    bool
		abs        bool
		idle, freq int64
		err        error
	}{
		{"", false, false, -1, -1, nil},
		{"REPLACE ABSTTL", true, true, -1, -1, nil},
		{"idletime 10 replace", true, false, 10, -1, nil},
		{"FREQ 255", false, false, -1, 255, nil},
		{"IDLETIME 1 IDLETIME 2", false, false, 2, -1, nil},
		{"FOO", false, false, -1, -1, ErrSyntax},
		{"IDLETIME", false, false, -1, -1, ErrSyntax},
		{"IDLETIME x", false, false, -1, -1, ErrNotInteger},
		{"IDLETIME -1", false, false, -1, -1, ErrRestoreIdle},
		{"FREQ 256", false, false, -1, -1, ErrRestoreFreq},
		{"FREQ -1", false, false, -1, -1, ErrRestoreFreq},
		{"IDLETIME 5 FREQ 5", false, false, -1, -1, ErrSyntax},
		{"FREQ 5 IDLETIME 5", false, false, -1, -1, ErrSyntax},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			var args [][]byte
			for _, w := range strings.Fields(c.args) {
				args = append(args, []byte(w))
			}
			a, err := parseRestoreOptions(args)
			if err != c.err {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err == nil && (a.replace != c.replace || a.absTTL != c.abs || a.idle != c.idle || a.freq != c.freq) {
				t.Fatalf("got %+v", a)
			}
		})
	}
}

// signPayload gives a value body the footer of RDB version ver.
func signPayload(body []byte, ver uint16) []byte {
	return rdb.AppendFooter(append([]byte(nil), body...), ver)
}

func TestRestoreRefusesOtherTypes(t *testing.T) {
	f := newFake(t, Options{})
	cases := []struct {
		name string
		body []byte
	}{
		{"string", []byte{0, 3, 'a', 'b', 'c'}},
		{"list-quicklist", []byte{18, 0}},
		{"hash-listpack", []byte{16, 0}},
		{"set", []byte{2, 0}},
		{"zset", []byte{5, 0}},
		{"module", []byte{7, 0}},
		{"unknown", []byte{99}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := f.do("RESTORE", "k", "0", string(signPayload(c.body, 10)))
			if got != errReply(ErrDumpPayloadFormat) {
				t.Fatalf("got %q", got)
			}
		})
	}
	if got := f.do("EXISTS", "k"); got != ":0\r\n" {
		t.Fatalf("EXISTS %q", got)
	}
}

// TestRestoreType15 restores a payload in the pre-7.0 stream encoding
// (type 15: no first ID, max deleted ID, entries added or entries read),
// whose missing fields are derived as Redis derives them.
func TestRestoreType15(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-1", "f", "a")
	f.do("XADD", "s", "2-1", "f", "b")
	f.do("XGROUP", "CREATE", "s", "g", "1-1")
	p := []byte(strings.TrimSuffix(strings.TrimPrefix(f.do("DUMP", "s"), "$"), "\r\n"))
	p = p[strings.Index(string(p), "\r\n")+2:]
	v, err := rdb.Decode(p, stream.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	// Rebuild the body the old way: nodes, length, last ID, then groups
	// with only their last ID.
	enc := rdb.Encode(v.Stream, nil)
	body := enc[:len(enc)-10]
	// Cut the type-19 metadata (first ID, max deleted ID, entries added:
	// five one-byte lengths here) and the zero group count.
	meta := len(body) - 1 - 5
	old := append([]byte{rdb.TypeStreamListpacks}, body[1:meta]...)
	old = append(old, 1, 1, 'g', 1, 1, 0, 0) // group g at 1-1, empty PEL, no consumers
	if got := f.do("RESTORE", "d", "0", string(signPayload(old, 9))); got != "+OK\r\n" {
		t.Fatalf("RESTORE: %q", got)
	}
	info := f.do("XINFO", "GROUPS", "d")
	if !strings.Contains(info, "entries-read\r\n:1\r\n") || !strings.Contains(info, "lag\r\n:1\r\n") {
		t.Fatalf("XINFO GROUPS %q", info)
	}
	if got := f.do("XINFO", "STREAM", "d"); !strings.Contains(got, "entries-added\r\n:2\r\n") || !strings.Contains(got, "max-deleted-entry-id\r\n$3\r\n0-0\r\n") {
		t.Fatalf("XINFO STREAM %q", got)
	}
}

// TestRestoreCorrupt restores payloads with random bytes changed, cut or
// added, re-signed so that they pass the checksum: every reply must be OK
// or Redis's "Bad data format", the server must not panic, and whatever
// it accepted must hold its invariants (checked when the test ends).
func TestRestoreCorrupt(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 7))
	f := newFake(t, Options{})
	f.do("CONFIG", "SET", "stream-node-max-entries", "3")
	for i := 1; i <= 12; i++ {
		f.do("XADD", "s", strings.Repeat("7", i)+"-1", "f", strings.Repeat("v", i), "n", "-12345")
	}
	f.do("XDEL", "s", "777-1")
	f.do("XGROUP", "CREATE", "s", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "s", ">")
	f.do("XGROUP", "CREATECONSUMER", "s", "g", "d")
	o := f.object("s")
	good := rdb.Encode(o.Stream, o.Groups)
	body := good[:len(good)-10]
	n := 3000
	if testing.Short() {
		n = 500
	}
	accepted := 0
	for i := 0; i < n; i++ {
		b := append([]byte(nil), body...)
		switch r.IntN(4) {
		case 0, 1:
			for k := 1 + r.IntN(3); k > 0; k-- {
				b[r.IntN(len(b))] = byte(r.IntN(256))
			}
		case 2:
			b = b[:r.IntN(len(b))]
		case 3:
			at := r.IntN(len(b))
			b = append(b[:at:at], append([]byte{byte(r.IntN(256))}, b[at:]...)...)
		}
		got := f.do("RESTORE", "k", "0", string(signPayload(b, 10)), "REPLACE")
		switch got {
		case "+OK\r\n":
			accepted++
		case errReply(ErrDumpPayloadFormat):
		default:
			t.Fatalf("payload %q: reply %q", b, got)
		}
	}
	t.Logf("%d of %d corrupted payloads still decoded to a valid stream", accepted, n)
}

// TestRestoreSurvivesRestart restores payloads (with groups, tombstones,
// several nodes and a TTL), restarts from the store, and checks the keys
// come back as they were restored, and that REPLACE drops the old data.
func TestRestoreSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *fake {
		return openStored(t, dir, persist.Options{}, []string{"CONFIG", "SET", "stream-node-max-entries", "2"})
	}
	snapshot := func(f *fake) string {
		var b strings.Builder
		for _, k := range []string{"a", "b", "src"} {
			b.WriteString(f.do("XRANGE", k, "-", "+"))
			b.WriteString(radixCounts.ReplaceAllString(f.do("XINFO", "STREAM", k, "FULL"), "$1:?"))
			b.WriteString(f.do("PEXPIRETIME", k))
		}
		return b.String()
	}
	f := open()
	for i := 1; i <= 7; i++ {
		f.do("XADD", "src", strings.Repeat("9", i)+"-0", "f", strings.Repeat("x", i))
	}
	f.do("XDEL", "src", "99-0", "9999999-0")
	f.do("XGROUP", "CREATE", "src", "g", "0")
	f.do("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "src", ">")
	o := f.object("src")
	p := string(rdb.Encode(o.Stream, o.Groups))
	if got := f.do("RESTORE", "a", "0", p); got != "+OK\r\n" {
		t.Fatalf("RESTORE a: %q", got)
	}
	f.do("XADD", "b", "1-1", "old", "data")
	if got := f.do("RESTORE", "b", "4102444800000", p, "ABSTTL", "REPLACE"); got != "+OK\r\n" {
		t.Fatalf("RESTORE b: %q", got)
	}
	f = restartSame(t, f, open, snapshot, "after RESTORE")
	f.do("XADD", "a", "99999999-0", "f", "more")
	f.do("XACK", "b", "g", "9-0")
	f = restartSame(t, f, open, snapshot, "after changing the restored keys")
	if got := f.do("XRANGE", "b", "1-1", "1-1"); got != "*0\r\n" {
		t.Fatalf("old data of b came back: %q", got)
	}
}

// TestRestoreIdleOnTheLRUClock: OBJECT IDLETIME after RESTORE ... IDLETIME
// as redis-server 7.0.15 answered it with its LRU clock at 1218008: the
// idle itself up to the clock's value, idle mod 2^24 beyond (so the clock's
// maximum reads 0).
func TestRestoreIdleOnTheLRUClock(t *testing.T) {
	const now = 1218008 * 1000
	for _, tc := range []struct{ idle, want int64 }{
		{0, 0}, {5, 5}, {1218008, 1218008},
		{1300000, 1300000}, {16777215, 0}, {20000000, 3222784},
		{1_000_000_000, 10144256}, {100_000_000_000, 7792640},
	} {
		if got := restoreIdle(now, tc.idle); got != tc.want {
			t.Errorf("restoreIdle(clock 1218008, %d) = %d, want %d", tc.idle, got, tc.want)
		}
	}
}
