package commands

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// refModel is a naive model of one stream for XDELEX and XACKDEL: the live
// entry IDs (ms parts, seq 0) and, per group, its last-delivered ID and
// pending set.
type refModel struct {
	live    map[int]bool
	lastID  map[string]int
	pending map[string]map[int]bool
}

// referenced is the rule Redis's tests pin: above some group's
// last-delivered ID, or pending in some group.
func (m *refModel) referenced(id int) bool {
	for g, last := range m.lastID {
		if id > last || m.pending[g][id] {
			return true
		}
	}
	return false
}

// TestXdelexModel runs random XADD, XREADGROUP, XACK, XDEL, XDELEX and
// XACKDEL against the server and the model and compares every XDELEX and
// XACKDEL reply, XLEN and the PEL sizes.
func TestXdelexModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	f := newFake(t, Options{})
	f.do("CONFIG", "SET", "stream-node-max-entries", "3")
	m := &refModel{live: map[int]bool{}, lastID: map[string]int{}, pending: map[string]map[int]bool{}}
	groups := []string{"a", "b", "c"}
	f.do("XADD", "s", "1-0", "f", "v")
	m.live[1] = true
	ms := 1
	for _, g := range groups[:1+r.IntN(3)] {
		f.do("XGROUP", "CREATE", "s", g, "0")
		m.lastID[g], m.pending[g] = 0, map[int]bool{}
	}
	policies := []string{"KEEPREF", "DELREF", "ACKED"}
	for i := range 2000 {
		g := groups[r.IntN(len(m.lastID))]
		id := 1 + r.IntN(ms+1)
		switch op := r.IntN(100); {
		case op < 30:
			ms++
			f.do("XADD", "s", fmt.Sprintf("%d-0", ms), "f", "v")
			m.live[ms] = true
		case op < 50:
			n := 1 + r.IntN(3)
			f.do("XREADGROUP", "GROUP", g, "c", "COUNT", fmt.Sprint(n), "STREAMS", "s", ">")
			for e := m.lastID[g] + 1; e <= ms && n > 0; e++ {
				if m.live[e] {
					m.pending[g][e] = true
					m.lastID[g] = e
					n--
				}
			}
		case op < 58:
			f.do("XACK", "s", g, fmt.Sprintf("%d-0", id))
			delete(m.pending[g], id)
		case op < 62:
			f.do("XDEL", "s", fmt.Sprintf("%d-0", id))
			delete(m.live, id)
		case op < 80:
			p := policies[r.IntN(3)]
			want := -1
			switch {
			case p == "ACKED" && m.referenced(id):
				want = 2
			case p == "DELREF":
				for _, pg := range m.pending {
					delete(pg, id)
				}
				fallthrough
			default:
				if m.live[id] {
					want = 1
					delete(m.live, id)
				}
			}
			if got := f.do("XDELEX", "s", p, "IDS", "1", fmt.Sprintf("%d-0", id)); got != codes(int64(want)) {
				t.Fatalf("#%d XDELEX %s %d: %q, want %d", i, p, id, got, want)
			}
		default:
			p := policies[r.IntN(3)]
			want := -1
			if m.pending[g][id] {
				delete(m.pending[g], id)
				want = 1
				switch {
				case p == "ACKED" && m.referenced(id):
					want = 2
				case p == "DELREF":
					for _, pg := range m.pending {
						delete(pg, id)
					}
				}
				if want == 1 {
					delete(m.live, id)
				}
			}
			if got := f.do("XACKDEL", "s", g, p, "IDS", "1", fmt.Sprintf("%d-0", id)); got != codes(int64(want)) {
				t.Fatalf("#%d XACKDEL %s %s %d: %q, want %d", i, g, p, id, got, want)
			}
		}
		if got, want := f.do("XLEN", "s"), integer(int64(len(m.live))); got != want {
			t.Fatalf("#%d: XLEN %q, want %q", i, got, want)
		}
		for g, pg := range m.pending {
			if n := pendingCount(f, "s", g); n != len(pg) {
				keys := make([]int, 0, len(pg))
				for k := range pg {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				t.Fatalf("#%d: group %s has %d pending, model %v", i, g, n, keys)
			}
		}
	}
	if err := f.object("s").Groups.Check(); err != nil {
		t.Fatal(err)
	}
}
