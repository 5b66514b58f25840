package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

// fake runs commands in process through the dispatcher, as one client of a
// server that does not listen: replies come back as raw RESP bytes.
type fake struct {
	t testing.TB
	s *Server
	c *Client
}

// newFake returns a fake client of a fresh server. Every stream left in
// the server must pass its invariant check when the test ends.
func newFake(t testing.TB, opts Options) *fake {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	s := New(opts)
	f := &fake{t: t, s: s, c: s.testClient()}
	t.Cleanup(func() {
		checkStreams(t, s)
		s.Close()
	})
	return f
}

// testClient returns a client that is not connected: it must not block.
func (s *Server) testClient() *Client {
	c := &Client{ID: s.nextID.Add(1), srv: s, authed: true, proto: 2,
		created: time.Now()}
	c.w.Proto = 2
	return c
}

// checkStreams runs every stream's invariant check.
func checkStreams(t testing.TB, s *Server) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, db := range s.dbs {
		for k, o := range db.keys {
			if err := o.Stream.Check(); err != nil {
				t.Errorf("stream %q: %v", k, err)
			}
		}
	}
}

// proto switches the client's replies to RESP version p.
func (f *fake) proto(p int) { f.c.setProto(p) }

// do runs one command and returns its reply.
func (f *fake) do(args ...string) string {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return f.doBytes(b)
}

func (f *fake) doBytes(args [][]byte) string {
	f.c.w.Reset()
	f.s.execute(f.c, args)
	return string(f.c.w.B)
}

// object returns the object at key in database 0, or nil.
func (f *fake) object(key string) *Object {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	return f.s.dbs[0].keys[key]
}

// xcase is one command of a script and its reply in RESP2 and, when it
// differs, in RESP3.
type xcase struct {
	args         []string
	want2, want3 string
}

// xscript is a sequence of commands run from an empty server.
type xscript struct {
	name string
	cmds []xcase
}

// runScripts runs each script on a fresh server in RESP2 and in RESP3 and
// compares every reply byte for byte.
func runScripts(t *testing.T, scripts []xscript) {
	t.Helper()
	for _, sc := range scripts {
		for _, p := range []int{2, 3} {
			t.Run(sc.name+"/resp"+strconv.Itoa(p), func(t *testing.T) {
				f := newFake(t, Options{})
				f.proto(p)
				for i, cs := range sc.cmds {
					want := cs.want2
					if p == 3 && cs.want3 != "" {
						want = cs.want3
					}
					if got := f.do(cs.args...); got != want {
						t.Errorf("#%d %s:\n got %q\nwant %q", i, strings.Join(cs.args, " "), got, want)
					}
				}
			})
		}
	}
}

// recordingStore keeps every committed batch's ops.
type recordingStore struct {
	ops chan []persist.Op
}

func newRecordingStore() *recordingStore { return &recordingStore{ops: make(chan []persist.Op, 1024)} }

func (r *recordingStore) Commit(b *persist.Batch) error {
	// The batch is reused once Commit returns: keep copies of its fields.
	ops := append([]persist.Op(nil), b.Ops...)
	for i := range ops {
		if ops[i].Fields != nil {
			f := make([][]byte, len(ops[i].Fields))
			for j, x := range ops[i].Fields {
				f[j] = append([]byte{}, x...)
			}
			ops[i].Fields = f
		}
	}
	r.ops <- ops
	return nil
}

func (r *recordingStore) Close() error { return nil }

func (r *recordingStore) Apply(b *persist.Batch) (persist.Ticket, error) {
	return persist.Ticket{}, r.Commit(b)
}

// committed returns the ops the store received for the commands run so
// far (waiting for their commit).
func (f *fake) committed(r *recordingStore) []persist.Op {
	f.t.Helper()
	if err := f.s.commit.wait(f.c.needSeq); err != nil {
		f.t.Fatal(err)
	}
	var all []persist.Op
	for {
		select {
		case ops := <-r.ops:
			all = append(all, ops...)
		default:
			return all
		}
	}
}

func TestParseIntervalID(t *testing.T) {
	max := ^uint64(0)
	tests := []struct {
		in         string
		missingSeq uint64
		id         stream.ID
		ex         bool
		err        error
	}{
		{"-", 0, stream.Min, false, nil},
		{"+", 0, stream.Max, false, nil},
		{"5", 0, stream.ID{Ms: 5}, false, nil},
		{"5", max, stream.ID{Ms: 5, Seq: max}, false, nil},
		{"5-3", max, stream.ID{Ms: 5, Seq: 3}, false, nil},
		{"(5", 0, stream.ID{Ms: 5}, true, nil},
		{"(5-3", 0, stream.ID{Ms: 5, Seq: 3}, true, nil},
		{"(-", 0, stream.ID{}, true, ErrInvalidStreamID},
		{"(+", 0, stream.ID{}, true, ErrInvalidStreamID},
		{"(", 0, stream.ID{}, false, ErrInvalidStreamID},
		{"((5", 0, stream.ID{}, true, ErrInvalidStreamID},
		{"5-*", 0, stream.ID{}, false, ErrInvalidStreamID},
		{"*", 0, stream.ID{}, false, ErrInvalidStreamID},
		{"", 0, stream.ID{}, false, ErrInvalidStreamID},
	}
	for _, tt := range tests {
		id, ex, err := parseIntervalID([]byte(tt.in), tt.missingSeq)
		if err != tt.err || (err == nil && (id != tt.id || ex != tt.ex)) {
			t.Errorf("parseIntervalID(%q, %d) = %v, %v, %v; want %v, %v, %v", tt.in, tt.missingSeq, id, ex, err, tt.id, tt.ex, tt.err)
		}
	}
}

func TestParseRangeBounds(t *testing.T) {
	max := ^uint64(0)
	starts := []struct {
		in  string
		id  stream.ID
		err error
	}{
		{"-", stream.Min, nil},
		{"(1-1", stream.ID{Ms: 1, Seq: 2}, nil},
		{"(1-18446744073709551615", stream.ID{Ms: 2}, nil},
		{"(18446744073709551615-18446744073709551615", stream.ID{}, ErrInvalidStartID},
		{"(18446744073709551615", stream.ID{Ms: max, Seq: 1}, nil},
	}
	for _, tt := range starts {
		id, err := parseRangeStart([]byte(tt.in))
		if err != tt.err || id != tt.id {
			t.Errorf("parseRangeStart(%q) = %v, %v; want %v, %v", tt.in, id, err, tt.id, tt.err)
		}
	}
	ends := []struct {
		in  string
		id  stream.ID
		err error
	}{
		{"+", stream.Max, nil},
		{"7", stream.ID{Ms: 7, Seq: max}, nil},
		{"(7", stream.ID{Ms: 7, Seq: max - 1}, nil},
		{"(7-0", stream.ID{Ms: 6, Seq: max}, nil},
		{"(0-0", stream.ID{}, ErrInvalidEndID},
		{"(0", stream.ID{Seq: max - 1}, nil},
	}
	for _, tt := range ends {
		id, err := parseRangeEnd([]byte(tt.in))
		if err != tt.err || id != tt.id {
			t.Errorf("parseRangeEnd(%q) = %v, %v; want %v, %v", tt.in, id, err, tt.id, tt.err)
		}
	}
}

func TestEffectiveLimit(t *testing.T) {
	tests := []struct {
		t     trimArgs
		nodes int64
		want  int64
	}{
		{trimArgs{Strategy: trimMaxLen}, 100, 0},
		{trimArgs{Strategy: trimMaxLen, Approx: true}, 100, 10000},
		{trimArgs{Strategy: trimMaxLen, Approx: true}, 0, 10000},
		{trimArgs{Strategy: trimMaxLen, Approx: true}, 50000, 1000000},
		{trimArgs{Strategy: trimMaxLen, Approx: true}, 1 << 62, 10000},
		{trimArgs{Strategy: trimMinID, Approx: true, Limit: 7, LimitGiven: true}, 100, 7},
		{trimArgs{Strategy: trimMinID, Approx: true, Limit: 0, LimitGiven: true}, 100, 0},
	}
	for _, tt := range tests {
		if got := tt.t.effectiveLimit(tt.nodes); got != tt.want {
			t.Errorf("%+v.effectiveLimit(%d) = %d, want %d", tt.t, tt.nodes, got, tt.want)
		}
	}
}

func TestWriteRangeHeader(t *testing.T) {
	s := stream.New(stream.Config{NodeMaxEntries: 3})
	for i := 1; i <= 12; i++ {
		s.Append(stream.ID{Ms: uint64(i)}, [][]byte{[]byte("f"), []byte(strconv.Itoa(i))})
	}
	var w resp.Writer
	w.Raw([]byte("+before\r\n"))
	n := writeRange(&w, s, stream.Min, stream.Max, 0, true)
	if n != 12 {
		t.Fatalf("wrote %d entries, want 12", n)
	}
	got := string(w.B)
	if !strings.HasPrefix(got, "+before\r\n*12\r\n*2\r\n$4\r\n12-0\r\n*2\r\n$1\r\nf\r\n$2\r\n12\r\n") ||
		!strings.HasSuffix(got, "*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n") {
		t.Fatalf("writeRange wrote %q", got)
	}
	w.Reset()
	if n := writeRange(&w, s, stream.ID{Ms: 5}, stream.ID{Ms: 4}, 0, false); n != 0 || string(w.B) != "*0\r\n" {
		t.Fatalf("empty range: %d, %q", n, w.B)
	}
}

// TestBulkAppendLengths checks resp.Writer.BulkAppend, which replies use
// for IDs, for payloads whose length header is shorter or longer than the
// room it reserves.
func TestBulkAppendLengths(t *testing.T) {
	for _, n := range []int{0, 1, 5, 9, 10, 99, 100, 1000, 123456} {
		payload := strings.Repeat("x", n)
		var w resp.Writer
		w.Raw([]byte("+a\r\n"))
		w.BulkAppend(func(dst []byte) []byte { return append(dst, payload...) })
		w.Raw([]byte("+b\r\n"))
		want := "+a\r\n$" + strconv.Itoa(n) + "\r\n" + payload + "\r\n+b\r\n"
		if string(w.B) != want {
			t.Errorf("payload of %d bytes: got %q", n, w.B[:min(len(w.B), 30)])
		}
	}
	var w resp.Writer
	w.B = make([]byte, 0, 256)
	id := stream.ID{Ms: 5, Seq: 1}
	if allocs := testing.AllocsPerRun(100, func() { w.Reset(); writeID(&w, id) }); allocs != 0 {
		t.Errorf("writeID allocates %v times", allocs)
	}
}

// BenchmarkWriteID is one ID in a reply, as XADD answers and every entry
// of a read carries: a current Unix millisecond time and a small sequence.
func BenchmarkWriteID(b *testing.B) {
	var w resp.Writer
	w.B = make([]byte, 0, 256)
	id := stream.ID{Ms: 1764754625123, Seq: 3}
	for b.Loop() {
		w.Reset()
		writeID(&w, id)
	}
}

// TestWriteIDDigits checks writeID's own formatting against ID.Append at
// every digit count's edges, the largest ID included.
func TestWriteIDDigits(t *testing.T) {
	var edges []uint64
	for p := uint64(1); ; p *= 10 {
		edges = append(edges, p-1, p, p+1)
		if p > ^uint64(0)/10 {
			break
		}
	}
	edges = append(edges, ^uint64(0)-1, ^uint64(0), 1764754625123)
	for _, ms := range edges {
		for _, seq := range edges {
			id := stream.ID{Ms: ms, Seq: seq}
			var w resp.Writer
			w.Raw([]byte("+a\r\n"))
			writeID(&w, id)
			s := id.String()
			if want := "+a\r\n$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n"; string(w.B) != want {
				t.Fatalf("writeID(%v) = %q, want %q", id, w.B, want)
			}
		}
	}
}
