package stream

import (
	"fmt"
	"strings"
	"testing"
)

// idmpOp is one step of TestIdmp: add (pid, iid) at ms unless remembered,
// or configure. want is the entry ID the step answers ("" for none); for
// an add that is new, the step's own ID.
type idmpOp struct {
	pid, iid string
	ms       int64
	dur      int64 // XCFGSET IDMP-DURATION when set (with max)
	max      int
	want     string
}

func TestIdmp(t *testing.T) {
	tests := []struct {
		name string
		ops  []idmpOp
		// pids, iids, added, dups: the counts after the last step;
		// dropped the drops reported, in order.
		pids, iids  int
		added, dups uint64
		dropped     string
	}{
		{name: "duplicate answers the first ID",
			ops:  []idmpOp{{pid: "p", iid: "a", ms: 0, want: "1-0"}, {pid: "p", iid: "a", ms: 1, want: "1-0"}, {pid: "p", iid: "b", ms: 2, want: "3-0"}},
			pids: 1, iids: 2, added: 2, dups: 1},
		{name: "producers are separate namespaces",
			ops:  []idmpOp{{pid: "p", iid: "a", want: "1-0"}, {pid: "q", iid: "a", want: "2-0"}, {pid: "q", iid: "a", want: "2-0"}},
			pids: 2, iids: 2, added: 2, dups: 1},
		{name: "maxsize evicts the oldest, a duplicate does not refresh",
			ops: []idmpOp{{dur: 60, max: 3},
				{pid: "p", iid: "1", want: "2-0"}, {pid: "p", iid: "2", want: "3-0"}, {pid: "p", iid: "3", want: "4-0"},
				{pid: "p", iid: "1", want: "2-0"},
				{pid: "p", iid: "4", want: "6-0"},
				{pid: "p", iid: "1", want: "7-0"}, // evicted: new
				{pid: "p", iid: "3", want: "4-0"},
				{pid: "p", iid: "2", want: "9-0"}}, // 2 went when 1 came back
			pids: 1, iids: 3, added: 6, dups: 2, dropped: "p/1 p/2 p/3"},
		{name: "maxsize 1 keeps the last iid only",
			ops: []idmpOp{{dur: 60, max: 1},
				{pid: "p", iid: "1", want: "2-0"}, {pid: "p", iid: "2", want: "3-0"},
				{pid: "p", iid: "2", want: "3-0"}, {pid: "p", iid: "1", want: "5-0"}},
			pids: 1, iids: 1, added: 3, dups: 1, dropped: "p/1 p/2"},
		{name: "duration expires lazily",
			ops: []idmpOp{{dur: 1, max: 100},
				{pid: "p", iid: "a", ms: 1000, want: "2-0"},
				{pid: "p", iid: "a", ms: 1999, want: "2-0"},
				{pid: "p", iid: "a", ms: 2000, want: "4-0"}},
			pids: 1, iids: 1, added: 2, dups: 1, dropped: "p/a"},
		{name: "a lookup also expires other producers",
			ops: []idmpOp{{dur: 1, max: 100},
				{pid: "p", iid: "a", ms: 0, want: "2-0"},
				{pid: "q", iid: "a", ms: 5000, want: "3-0"}},
			pids: 1, iids: 1, added: 2, dropped: "p/a"},
		{name: "same settings keep the iids, others clear them",
			ops: []idmpOp{{pid: "p", iid: "a", want: "1-0"},
				{dur: IdmpDefaultDuration, max: IdmpDefaultMaxSize},
				{pid: "p", iid: "a", want: "1-0"},
				{dur: 50, max: IdmpDefaultMaxSize},
				{pid: "p", iid: "a", want: "5-0"}},
			pids: 1, iids: 1, added: 2, dups: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewIdmp()
			var dropped []string
			drop := func(pid, iid string) { dropped = append(dropped, pid+"/"+iid) }
			for i, op := range tt.ops {
				seq := ID{Ms: uint64(i + 1)}
				if op.max != 0 {
					d, n := op.dur, op.max
					m.Configure(&d, &n)
					continue
				}
				got, ok := m.Lookup(op.pid, op.iid, op.ms, drop)
				if ok {
					m.Duplicate()
				} else {
					m.Record(op.pid, op.iid, seq, op.ms, drop)
					got = seq
				}
				if got.String() != op.want {
					t.Errorf("step %d (%s/%s): %v, want %s", i, op.pid, op.iid, got, op.want)
				}
				if err := m.Check(); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if m.Producers() != tt.pids || m.IIDs() != tt.iids || m.Added != tt.added || m.Duplicates != tt.dups {
				t.Errorf("pids %d iids %d added %d dups %d, want %d %d %d %d",
					m.Producers(), m.IIDs(), m.Added, m.Duplicates, tt.pids, tt.iids, tt.added, tt.dups)
			}
			if got := strings.Join(dropped, " "); got != tt.dropped {
				t.Errorf("dropped %q, want %q", got, tt.dropped)
			}
		})
	}
}

// TestIdmpWraparound is Redis's "XCFGSET IDMP-MAXSIZE wraparound keeps
// last 8 entries": of 100 iids only the last 8 stay, and the queue's
// memory stays near its length.
func TestIdmpWraparound(t *testing.T) {
	m := NewIdmp()
	d, n := int64(60), 8
	m.Configure(&d, &n)
	for i := 1; i <= 100; i++ {
		m.Record("p", fmt.Sprint(i), ID{Ms: uint64(i)}, 0, nil)
	}
	for i := 1; i <= 100; i++ {
		_, ok := m.Lookup("p", fmt.Sprint(i), 0, nil)
		if ok != (i > 92) {
			t.Errorf("iid %d remembered %v", i, ok)
		}
	}
	if p := m.producers["p"]; cap(p.order) > 64 {
		t.Errorf("queue capacity %d for 8 iids", cap(p.order))
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestIdmpRestore checks that iids restored in store order (sorted by
// name) come back in recording order, and that Clone is deep.
func TestIdmpRestore(t *testing.T) {
	m := NewIdmp()
	d, n := int64(60), 3
	m.Configure(&d, &n)
	for i, iid := range []string{"c", "a", "b"} {
		m.Record("p", iid, ID{Ms: uint64(i + 1)}, 0, nil)
	}
	r := NewIdmp()
	r.Configure(&d, &n)
	for _, iid := range []string{"a", "b", "c"} {
		rec := m.producers["p"].byIID[iid]
		r.Restore("p", iid, rec)
	}
	r.Finish()
	c := r.Clone()
	r.Record("p", "d", ID{Ms: 9}, 0, nil) // evicts the oldest: c
	if _, ok := r.Lookup("p", "c", 0, nil); ok {
		t.Error("restored state evicted the wrong iid")
	}
	if _, ok := c.Lookup("p", "c", 0, nil); !ok {
		t.Error("clone shares the original's state")
	}
	for _, x := range []*Idmp{r, c} {
		if err := x.Check(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAutoIID(t *testing.T) {
	f := func(s string) [][]byte {
		var out [][]byte
		for _, w := range strings.Split(s, " ") {
			out = append(out, []byte(w))
		}
		return out
	}
	same := [][2]string{
		{"a 1 b 2 c 3", "b 2 c 3 a 1"},
		{"f v", "f v"},
	}
	for _, p := range same {
		if AutoIID(f(p[0])) != AutoIID(f(p[1])) {
			t.Errorf("%q and %q differ", p[0], p[1])
		}
	}
	differ := [][2]string{
		{"f1 v", "f2 v"},       // field names count
		{"a 1 b 2", "a 2 b 1"}, // so does the pairing
		{"ab c", "a bc"},       // lengths delimit
		{"f v", "f v f v"},     // and the multiplicity
		{"f ", "f x"},
	}
	for _, p := range differ {
		if AutoIID(f(p[0])) == AutoIID(f(p[1])) {
			t.Errorf("%q and %q agree", p[0], p[1])
		}
	}
}
