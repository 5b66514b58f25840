package pel

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// refMap is the naive model of a btree[stream.ID, int]: a map, and its keys
// sorted on demand.
type refMap struct {
	vals   map[stream.ID]int
	list   []stream.ID       // the keys in no order, for random picks
	pos    map[stream.ID]int // index in list
	sorted []stream.ID
	dirty  bool
}

func newRefMap() *refMap {
	return &refMap{vals: map[stream.ID]int{}, pos: map[stream.ID]int{}}
}

func (r *refMap) set(k stream.ID, v int) (int, bool) {
	old, ok := r.vals[k]
	r.vals[k] = v
	if !ok {
		r.pos[k] = len(r.list)
		r.list = append(r.list, k)
		r.dirty = true
	}
	return old, ok
}

func (r *refMap) del(k stream.ID) (int, bool) {
	old, ok := r.vals[k]
	if ok {
		delete(r.vals, k)
		i := r.pos[k]
		last := r.list[len(r.list)-1]
		r.list[i], r.pos[last] = last, i
		r.list = r.list[:len(r.list)-1]
		delete(r.pos, k)
		r.dirty = true
	}
	return old, ok
}

// pick returns a random present key, or a random key of the span when the
// map is empty.
func (r *refMap) pick(rng *rand.Rand) (stream.ID, bool) {
	if len(r.list) == 0 {
		return stream.ID{}, false
	}
	return r.list[rng.IntN(len(r.list))], true
}

func (r *refMap) keys() []stream.ID {
	if r.dirty || (r.sorted == nil && len(r.vals) > 0) {
		r.sorted = r.sorted[:0]
		for k := range r.vals {
			r.sorted = append(r.sorted, k)
		}
		slices.SortFunc(r.sorted, stream.ID.Compare)
		r.dirty = false
	}
	return r.sorted
}

// from returns the keys a forward cursor seeking k yields.
func (r *refMap) from(k stream.ID) []stream.ID {
	keys := r.keys()
	i, _ := slices.BinarySearchFunc(keys, k, stream.ID.Compare)
	return keys[i:]
}

// downFrom returns the keys a reverse cursor seeking k yields.
func (r *refMap) downFrom(k stream.ID) []stream.ID {
	keys := r.keys()
	i, found := slices.BinarySearchFunc(keys, k, stream.ID.Compare)
	if found {
		i++
	}
	out := slices.Clone(keys[:i])
	slices.Reverse(out)
	return out
}

func collect(c cursor[stream.ID, int], limit int) []stream.ID {
	var out []stream.ID
	for len(out) < limit {
		k, _, ok := c.Next()
		if !ok {
			break
		}
		out = append(out, k)
	}
	return out
}

func prefix(s []stream.ID, n int) []stream.ID {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func mustCheck(t *testing.T, tr *btree[stream.ID, int], ref *refMap) {
	t.Helper()
	if err := tr.check(); err != nil {
		t.Fatal(err)
	}
	if tr.Len() != len(ref.keys()) {
		t.Fatalf("Len %d, model %d", tr.Len(), len(ref.keys()))
	}
	got := collect(tr.SeekFirst(), 1<<30)
	if !slices.Equal(got, ref.keys()) && !(len(got) == 0 && len(ref.keys()) == 0) {
		t.Fatalf("forward iteration differs from the model (%d vs %d keys)", len(got), len(ref.keys()))
	}
	back := collect(tr.SeekLast(), 1<<30)
	slices.Reverse(back)
	if !slices.Equal(back, got) {
		t.Fatalf("backward iteration differs from forward iteration")
	}
}

func TestBTreeRandomAgainstModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	cases := []struct {
		span         uint64 // keys are drawn from about 2*span values
		grow, shrink int    // ops while growing (70% inserts), then shrinking (30%)
		checkEvery   int
		minHeight    int
		seekEvery    int
	}{
		{span: 50, grow: 20000, shrink: 20000, checkEvery: 50, seekEvery: 7},
		{span: 3000, grow: 30000, shrink: 30000, checkEvery: 2000, seekEvery: 97, minHeight: 1},
		{span: 1 << 20, grow: 700000, shrink: 1400000, checkEvery: 350000, seekEvery: 350000, minHeight: 3},
	}
	if testing.Short() {
		cases = cases[:2]
	}
	for _, tc := range cases {
		tr := &btree[stream.ID, int]{}
		ref := newRefMap()
		maxHeight := 0
		for op := 0; op < tc.grow+tc.shrink; op++ {
			k := stream.ID{Ms: rng.Uint64N(tc.span), Seq: rng.Uint64N(2)}
			insertBias := 70
			if op >= tc.grow {
				insertBias = 30
			}
			if rng.IntN(100) < insertBias {
				o1, r1 := tr.Set(k, op)
				o2, r2 := ref.set(k, op)
				if o1 != o2 || r1 != r2 {
					t.Fatalf("op %d Set(%v) = %d,%v; model %d,%v", op, k, o1, r1, o2, r2)
				}
			} else {
				if present, ok := ref.pick(rng); ok && rng.IntN(10) != 0 {
					k = present // most deletes hit
				}
				o1, r1 := tr.Delete(k)
				o2, r2 := ref.del(k)
				if o1 != o2 || r1 != r2 {
					t.Fatalf("op %d Delete(%v) = %d,%v; model %d,%v", op, k, o1, r1, o2, r2)
				}
			}
			maxHeight = max(maxHeight, tr.height)
			q := stream.ID{Ms: rng.Uint64N(tc.span + 2), Seq: rng.Uint64N(3)}
			v1, ok1 := tr.Get(q)
			v2, ok2 := ref.vals[q]
			if v1 != v2 || ok1 != ok2 {
				t.Fatalf("op %d Get(%v) = %d,%v; model %d,%v", op, q, v1, ok1, v2, ok2)
			}
			if op%tc.seekEvery == 0 {
				if got, want := collect(tr.Seek(q), 20), prefix(ref.from(q), 20); !slices.Equal(got, want) {
					t.Fatalf("op %d Seek(%v) = %v; model %v", op, q, got, want)
				}
				if got, want := collect(tr.SeekReverse(q), 20), prefix(ref.downFrom(q), 20); !slices.Equal(got, want) {
					t.Fatalf("op %d SeekReverse(%v) = %v; model %v", op, q, got, want)
				}
				kmin, _, okmin := tr.Min()
				kmax, _, okmax := tr.Max()
				keys := ref.keys()
				if okmin != (len(keys) > 0) || okmax != okmin ||
					(okmin && (kmin != keys[0] || kmax != keys[len(keys)-1])) {
					t.Fatalf("op %d Min/Max = %v,%v", op, kmin, kmax)
				}
			}
			if op%tc.checkEvery == 0 {
				mustCheck(t, tr, ref)
			}
		}
		mustCheck(t, tr, ref)
		if maxHeight < tc.minHeight {
			t.Fatalf("span %d reached only height %d; the test misses deeper trees", tc.span, maxHeight)
		}
		if tc.minHeight > 0 && tr.height >= maxHeight {
			t.Fatalf("span %d: the tree never shrank from height %d", tc.span, maxHeight)
		}
	}
}

// TestBTreeQueuePattern appends in order and removes from the front, the
// way deliveries and in-order acks use a PEL, and checks that appends keep
// leaves full.
func TestBTreeQueuePattern(t *testing.T) {
	tr := &btree[stream.ID, int]{}
	ref := newRefMap()
	next, head := uint64(1), uint64(1)
	for round := 0; round < 40; round++ {
		for i := 0; i < 5000; i++ {
			k := stream.ID{Ms: next}
			tr.Set(k, int(next))
			ref.set(k, int(next))
			next++
		}
		if round == 0 {
			leaves := 0
			for l := tr.first; l != nil; l = l.next {
				leaves++
			}
			if want := (5000 + leafCap - 1) / leafCap; leaves != want {
				t.Fatalf("appending 5000 keys made %d leaves, want %d (full leaves)", leaves, want)
			}
		}
		for i := 0; i < 4000; i++ {
			k := stream.ID{Ms: head}
			if _, ok := tr.Delete(k); !ok {
				t.Fatalf("Delete(%v) found nothing", k)
			}
			ref.del(k)
			head++
		}
		mustCheck(t, tr, ref)
	}
	for head < next {
		tr.Delete(stream.ID{Ms: head})
		ref.del(stream.ID{Ms: head})
		head++
	}
	mustCheck(t, tr, ref)
	if tr.height != 0 || tr.Len() != 0 {
		t.Fatalf("emptied tree has height %d, length %d", tr.height, tr.Len())
	}
	// An emptied tree works again.
	tr.Set(stream.ID{Ms: 7}, 7)
	if v, ok := tr.Get(stream.ID{Ms: 7}); !ok || v != 7 {
		t.Fatalf("Get after refill = %d,%v", v, ok)
	}
}

// TestBTreeShortQueue keeps a queue of a few to a few hundred entries, the
// shape of a consumer's PEL and of a busy group's: appends at the tail and
// removals mostly from the head (some from elsewhere), which move the
// leaves' first position (lo) instead of their entries. After every step
// the tree must match the model, walk the same both ways, and keep its
// invariants, and the head removals must have used lo.
func TestBTreeShortQueue(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, size := range []int{3, 12, leafCap - 1, leafCap + 5, 3 * leafCap} {
		tr := &btree[stream.ID, int]{}
		ref := newRefMap()
		next := uint64(1)
		usedLo := false
		for step := 0; step < 40*leafCap; step++ {
			if len(ref.vals) < size || rng.IntN(2) == 0 {
				k := stream.ID{Ms: next}
				tr.Set(k, int(next))
				ref.set(k, int(next))
				next++
			} else {
				keys := ref.keys()
				k := keys[0]
				if rng.IntN(8) == 0 {
					k = keys[rng.IntN(len(keys))]
				}
				o1, r1 := tr.Delete(k)
				o2, r2 := ref.del(k)
				if o1 != o2 || r1 != r2 {
					t.Fatalf("size %d step %d Delete(%v) = %d,%v; model %d,%v", size, step, k, o1, r1, o2, r2)
				}
			}
			for l := tr.first; l != nil; l = l.next {
				usedLo = usedLo || l.lo > 0
			}
			if step%7 == 0 {
				mustCheck(t, tr, ref)
				fwd := collect(tr.SeekFirst(), 1<<30)
				back := collect(tr.SeekLast(), 1<<30)
				slices.Reverse(back)
				if !slices.Equal(fwd, ref.keys()) || !slices.Equal(back, fwd) {
					t.Fatalf("size %d step %d: walks %v / %v, model %v", size, step, fwd, back, ref.keys())
				}
			}
		}
		mustCheck(t, tr, ref)
		if !usedLo {
			t.Fatalf("size %d: no leaf ever started after position 0", size)
		}
	}
}

// TestBTreeCursorSurvivesMutation deletes and inserts around a cursor while
// it walks; it must continue right after the last key it returned, in the
// tree as it is now.
func TestBTreeCursorSurvivesMutation(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, rev := range []bool{false, true} {
		tr := &btree[stream.ID, int]{}
		var model []stream.ID // sorted
		set := func(k stream.ID) {
			tr.Set(k, 0)
			if i, found := slices.BinarySearchFunc(model, k, stream.ID.Compare); !found {
				model = slices.Insert(model, i, k)
			}
		}
		del := func(k stream.ID) {
			tr.Delete(k)
			if i, found := slices.BinarySearchFunc(model, k, stream.ID.Compare); found {
				model = slices.Delete(model, i, i+1)
			}
		}
		for i := 0; i < 20000; i++ {
			set(stream.ID{Ms: rng.Uint64N(40000)})
		}
		var c cursor[stream.ID, int]
		if rev {
			c = tr.SeekLast()
		} else {
			c = tr.SeekFirst()
		}
		var last stream.ID
		started := false
		steps := 0
		for {
			k, _, ok := c.Next()
			// The model's answer: the first key after last in walking order.
			var want stream.ID
			wantOK := false
			if rev {
				i := len(model)
				if started {
					i, _ = slices.BinarySearchFunc(model, last, stream.ID.Compare)
				}
				if i > 0 {
					want, wantOK = model[i-1], true
				}
			} else {
				i := 0
				if started {
					var found bool
					i, found = slices.BinarySearchFunc(model, last, stream.ID.Compare)
					if found {
						i++
					}
				}
				if i < len(model) {
					want, wantOK = model[i], true
				}
			}
			if ok != wantOK || k != want {
				t.Fatalf("step %d: cursor gave %v,%v after %v; model %v,%v", steps, k, ok, last, want, wantOK)
			}
			if !ok {
				break
			}
			last, started = k, true
			steps++
			switch rng.IntN(4) {
			case 0: // delete what was just returned
				del(k)
			case 1: // delete a random key
				del(stream.ID{Ms: rng.Uint64N(40000)})
			case 2: // insert a random key, possibly just ahead
				set(stream.ID{Ms: rng.Uint64N(40000)})
			}
		}
		if steps < 10000 {
			t.Fatalf("walk took only %d steps", steps)
		}
		if err := tr.check(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBTreeEmpty(t *testing.T) {
	var tr btree[stream.ID, int]
	if _, ok := tr.Get(stream.ID{}); ok {
		t.Fatal("Get on an empty tree found something")
	}
	if _, ok := tr.Delete(stream.ID{}); ok {
		t.Fatal("Delete on an empty tree found something")
	}
	if _, _, ok := tr.Min(); ok {
		t.Fatal("Min on an empty tree found something")
	}
	c := tr.Seek(stream.ID{})
	if _, _, ok := c.Next(); ok {
		t.Fatal("cursor on an empty tree returned something")
	}
	var zero cursor[stream.ID, int]
	if _, _, ok := zero.Next(); ok {
		t.Fatal("zero cursor returned something")
	}
	if err := tr.check(); err != nil {
		t.Fatal(err)
	}
}
