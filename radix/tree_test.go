package radix

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var seedFlag = flag.Uint64("seed", 0, "seed for randomized tests (0: time-based)")

func testSeed(t testing.TB) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed=%d)", s, s)
	return s
}

func key(ms, seq uint64) [KeyLen]byte {
	var k [KeyLen]byte
	binary.BigEndian.PutUint64(k[:8], ms)
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

func mustCheck[V any](t *testing.T, tr *Tree[V]) {
	t.Helper()
	if err := tr.check(); err != nil {
		t.Fatal(err)
	}
}

// collect returns the keys of tr in order by walking an iterator forward.
func collect[V any](tr *Tree[V]) [][KeyLen]byte {
	var out [][KeyLen]byte
	it := tr.Iterator()
	for ok := it.First(); ok; ok = it.Next() {
		out = append(out, it.Key())
	}
	return out
}

func TestEmptyTree(t *testing.T) {
	var tr Tree[int]
	if _, ok := tr.Get(key(1, 1)); ok {
		t.Fatal("Get on empty tree found a key")
	}
	if _, ok := tr.Delete(key(1, 1)); ok {
		t.Fatal("Delete on empty tree removed a key")
	}
	if _, _, ok := tr.Min(); ok {
		t.Fatal("Min on empty tree")
	}
	if _, _, ok := tr.Max(); ok {
		t.Fatal("Max on empty tree")
	}
	it := tr.Iterator()
	if it.First() || it.Last() || it.Seek(key(0, 0)) || it.SeekLE(key(^uint64(0), ^uint64(0))) || it.Valid() || it.Next() || it.Prev() {
		t.Fatal("iterator on empty tree found an entry")
	}
	if tr.Len() != 0 || tr.TrieNodes() != 1 {
		t.Fatalf("Len %d TrieNodes %d", tr.Len(), tr.TrieNodes())
	}
	mustCheck(t, &tr)
}

func TestSetGetReplace(t *testing.T) {
	var tr Tree[string]
	if old, replaced := tr.Set(key(5, 0), "a"); replaced || old != "" {
		t.Fatalf("first Set: %q %v", old, replaced)
	}
	if old, replaced := tr.Set(key(5, 0), "b"); !replaced || old != "a" {
		t.Fatalf("second Set: %q %v", old, replaced)
	}
	if v, ok := tr.Get(key(5, 0)); !ok || v != "b" {
		t.Fatalf("Get: %q %v", v, ok)
	}
	if p := tr.Ref(key(5, 0)); p == nil || *p != "b" {
		t.Fatal("Ref did not find the key")
	} else {
		*p = "c"
	}
	if v, _ := tr.Get(key(5, 0)); v != "c" {
		t.Fatalf("update through Ref not seen: %q", v)
	}
	if tr.Ref(key(5, 1)) != nil {
		t.Fatal("Ref found an absent key")
	}
	if v, ok := tr.Delete(key(5, 0)); !ok || v != "c" {
		t.Fatalf("Delete: %q %v", v, ok)
	}
	if tr.Len() != 0 {
		t.Fatalf("Len after delete %d", tr.Len())
	}
	mustCheck(t, &tr)
}

// TestEdgeKeys covers the extremes of the key space and keys that differ
// only in their first or last byte.
func TestEdgeKeys(t *testing.T) {
	var zero, ones [KeyLen]byte
	for i := range ones {
		ones[i] = 0xFF
	}
	lastByte := zero
	lastByte[15] = 1
	firstByte := zero
	firstByte[0] = 1
	almostOnes := ones
	almostOnes[15] = 0xFE
	keys := [][KeyLen]byte{ones, zero, almostOnes, firstByte, lastByte}
	var tr Tree[int]
	for i, k := range keys {
		tr.Set(k, i)
		mustCheck(t, &tr)
	}
	want := slices.Clone(keys)
	slices.SortFunc(want, func(a, b [KeyLen]byte) int { return bytes.Compare(a[:], b[:]) })
	if got := collect(&tr); !slices.Equal(got, want) {
		t.Fatalf("order %x, want %x", got, want)
	}
	if k, _, _ := tr.Min(); k != zero {
		t.Fatalf("Min %x", k)
	}
	if k, _, _ := tr.Max(); k != ones {
		t.Fatalf("Max %x", k)
	}
	it := tr.Iterator()
	cases := []struct {
		name   string
		seek   func([KeyLen]byte) bool
		at     [KeyLen]byte
		wantOK bool
		want   [KeyLen]byte
	}{
		{"Seek zero", it.Seek, zero, true, zero},
		{"Seek ones", it.Seek, ones, true, ones},
		{"SeekLE zero", it.SeekLE, zero, true, zero},
		{"SeekLE ones", it.SeekLE, ones, true, ones},
		{"Seek between", it.Seek, key(0, 2), true, firstByte},
		{"SeekLE between", it.SeekLE, key(0, 2), true, lastByte},
		{"SeekLE below first-byte key", it.SeekLE, key(1<<56-1, 0), true, lastByte},
	}
	for _, c := range cases {
		ok := c.seek(c.at)
		if ok != c.wantOK || (ok && it.Key() != c.want) {
			t.Errorf("%s: ok %v key %x, want %v %x", c.name, ok, it.Key(), c.wantOK, c.want)
		}
	}
	// Past the ends.
	tr.Delete(zero)
	tr.Delete(ones)
	if it.SeekLE(zero) {
		t.Fatalf("SeekLE(0) with no zero key found %x", it.Key())
	}
	if it.Seek(ones) {
		t.Fatalf("Seek(ff..) with no ff key found %x", it.Key())
	}
	mustCheck(t, &tr)
}

// TestGrowShrink fills one node through every kind and empties it again,
// checking the kind counts at each threshold.
func TestGrowShrink(t *testing.T) {
	var tr Tree[int]
	base := key(42, 0)
	k := func(b int) [KeyLen]byte { x := base; x[15] = byte(b); return x }
	for i := 0; i < 256; i++ {
		tr.Set(k(255-i), i) // descending, so every insert shifts sorted arrays
		mustCheck(t, &tr)
		n := i + 1
		var want int
		switch {
		case n == 1:
			want = kindLeaf
		case n <= 4:
			want = kind4
		case n <= 16:
			want = kind16
		case n <= 48:
			want = kind48
		default:
			want = kind256
		}
		if got := tr.root.kind(); got != want {
			t.Fatalf("after %d keys root kind %d, want %d", n, got, want)
		}
	}
	if tr.root.hdr().prefixLen != 15 {
		t.Fatalf("prefix length %d, want 15", tr.root.hdr().prefixLen)
	}
	for i := 0; i < 256; i++ {
		if _, ok := tr.Delete(k(i)); !ok {
			t.Fatalf("Delete %d failed", i)
		}
		mustCheck(t, &tr)
		if got := collect(&tr); len(got) != 255-i {
			t.Fatalf("%d keys left, iterated %d", 255-i, len(got))
		}
	}
	if tr.root != nil || tr.Stats() != (Stats{}) {
		t.Fatalf("tree not empty after deleting all: %+v", tr.Stats())
	}
}

// TestPathFolding deletes the keys that made a branch, so that a node4 is
// left with one inner child and must fold its path into it.
func TestPathFolding(t *testing.T) {
	var tr Tree[int]
	a1 := key(0x0102030405060708, 1)
	a2 := key(0x0102030405060708, 2)
	b := key(0x01020304ff060708, 1)
	for i, k := range [][KeyLen]byte{a1, a2, b} {
		tr.Set(k, i)
	}
	mustCheck(t, &tr)
	tr.Delete(b)
	mustCheck(t, &tr)
	if tr.root.hdr() == nil || tr.root.hdr().prefixLen != 15 {
		t.Fatalf("after fold root prefix %v", tr.root.hdr())
	}
	for _, k := range [][KeyLen]byte{a1, a2} {
		if _, ok := tr.Get(k); !ok {
			t.Fatalf("lost %x after fold", k)
		}
	}
	if _, ok := tr.Get(b); ok {
		t.Fatal("deleted key still found")
	}
	// A key leaving the folded path in its middle splits it again.
	tr.Set(key(0x0102030405ff0708, 9), 9)
	mustCheck(t, &tr)
	if got := len(collect(&tr)); got != 3 {
		t.Fatalf("%d keys after split", got)
	}
}

// randKey draws keys from a few shapes so that every node kind, long and
// short compressed paths, and dense and sparse levels all occur.
func randKey(r *rand.Rand) [KeyLen]byte {
	switch r.IntN(4) {
	case 0: // stream-like: a narrow band of milliseconds, small sequences
		return key(1_700_000_000_000+r.Uint64N(2000), r.Uint64N(4))
	case 1: // dense last byte under a shared prefix
		return key(7, uint64(r.IntN(300)))
	case 2: // few distinct bytes anywhere
		var k [KeyLen]byte
		for i := range k {
			k[i] = byte(r.IntN(3))
		}
		return k
	default:
		var k [KeyLen]byte
		for i := range k {
			k[i] = byte(r.Uint32())
		}
		return k
	}
}

// TestModel runs random operations against the tree and a sorted slice,
// comparing every answer, with the structural check after each step.
func TestModel(t *testing.T) {
	r := rand.New(rand.NewPCG(testSeed(t), 1))
	var tr Tree[int]
	model := map[[KeyLen]byte]int{}
	var sorted [][KeyLen]byte
	dirty := true
	sortedKeys := func() [][KeyLen]byte {
		if dirty {
			sorted = sorted[:0]
			for k := range model {
				sorted = append(sorted, k)
			}
			slices.SortFunc(sorted, func(a, b [KeyLen]byte) int { return bytes.Compare(a[:], b[:]) })
			dirty = false
		}
		return sorted
	}
	var seen Stats // the most nodes of each kind seen at once
	steps := 20000
	if testing.Short() {
		steps = 3000
	}
	for step := 0; step < steps; step++ {
		k := randKey(r)
		if r.IntN(2) == 0 && len(model) > 0 {
			// Reuse an existing key half the time.
			ks := sortedKeys()
			k = ks[r.IntN(len(ks))]
		}
		switch op := r.IntN(10); {
		case op < 4:
			v := r.Int()
			old, replaced := tr.Set(k, v)
			mold, mok := model[k]
			if replaced != mok || old != mold {
				t.Fatalf("step %d Set %x: (%d,%v), model (%d,%v)", step, k, old, replaced, mold, mok)
			}
			model[k] = v
			dirty = dirty || !mok
		case op < 7:
			v, ok := tr.Delete(k)
			mv, mok := model[k]
			if ok != mok || v != mv {
				t.Fatalf("step %d Delete %x: (%d,%v), model (%d,%v)", step, k, v, ok, mv, mok)
			}
			delete(model, k)
			dirty = dirty || mok
		case op < 8:
			v, ok := tr.Get(k)
			mv, mok := model[k]
			if ok != mok || v != mv {
				t.Fatalf("step %d Get %x: (%d,%v), model (%d,%v)", step, k, v, ok, mv, mok)
			}
		default:
			checkSeek(t, &tr, sortedKeys(), k, r)
		}
		if tr.Len() != len(model) {
			t.Fatalf("step %d: Len %d, model %d", step, tr.Len(), len(model))
		}
		if step%10 == 0 || len(model) < 50 {
			mustCheck(t, &tr)
		}
		st := tr.Stats()
		seen.Node4 = max(seen.Node4, st.Node4)
		seen.Node16 = max(seen.Node16, st.Node16)
		seen.Node48 = max(seen.Node48, st.Node48)
		seen.Node256 = max(seen.Node256, st.Node256)
	}
	mustCheck(t, &tr)
	if seen.Node4 == 0 || seen.Node16 == 0 || seen.Node48 == 0 || seen.Node256 == 0 {
		t.Fatalf("the random keys did not reach every node kind: %+v", seen)
	}
	if got := collect(&tr); !slices.Equal(got, sortedKeys()) {
		t.Fatal("final iteration differs from the model")
	}
}

// checkSeek compares Seek and SeekLE at k, then a random walk of Next and
// Prev steps, with the sorted model.
func checkSeek(t *testing.T, tr *Tree[int], sorted [][KeyLen]byte, k [KeyLen]byte, r *rand.Rand) {
	t.Helper()
	cmp := func(a, b [KeyLen]byte) int { return bytes.Compare(a[:], b[:]) }
	it := tr.Iterator()
	i, _ := slices.BinarySearchFunc(sorted, k, cmp) // first >= k
	pos := i
	if r.IntN(2) == 0 {
		ok := it.Seek(k)
		if ok != (i < len(sorted)) || (ok && it.Key() != sorted[i]) {
			t.Fatalf("Seek %x: ok %v, model index %d of %d", k, ok, i, len(sorted))
		}
	} else {
		j := i
		if j == len(sorted) || sorted[j] != k {
			j-- // last <= k
		}
		ok := it.SeekLE(k)
		if ok != (j >= 0) || (ok && it.Key() != sorted[j]) {
			t.Fatalf("SeekLE %x: ok %v, model index %d", k, ok, j)
		}
		pos = j
	}
	for s := 0; s < 20 && it.Valid(); s++ {
		var ok bool
		if r.IntN(3) == 0 {
			ok = it.Prev()
			pos--
		} else {
			ok = it.Next()
			pos++
		}
		in := pos >= 0 && pos < len(sorted)
		if ok != in || (ok && it.Key() != sorted[pos]) {
			t.Fatalf("walk step %d from %x: ok %v, model pos %d of %d", s, k, ok, pos, len(sorted))
		}
		if ok {
			if v, _ := tr.Get(it.Key()); v != it.Value() || *it.ValuePtr() != v {
				t.Fatalf("Value at %x differs from Get", it.Key())
			}
		}
	}
	if len(sorted) > 0 {
		if mk, _, _ := tr.Min(); mk != sorted[0] {
			t.Fatalf("Min %x, model %x", mk, sorted[0])
		}
		if mk, _, _ := tr.Max(); mk != sorted[len(sorted)-1] {
			t.Fatalf("Max %x, model %x", mk, sorted[len(sorted)-1])
		}
	}
}

// TestTrieNodes compares TrieNodes with a count made directly from the
// sorted keys, the way a compressed byte trie is laid out.
func TestTrieNodes(t *testing.T) {
	r := rand.New(rand.NewPCG(testSeed(t), 2))
	var tr Tree[int]
	model := map[[KeyLen]byte]bool{}
	for step := 0; step < 2000; step++ {
		k := randKey(r)
		if r.IntN(3) == 0 {
			tr.Delete(k)
			delete(model, k)
		} else {
			tr.Set(k, 0)
			model[k] = true
		}
		if step%50 != 0 {
			continue
		}
		keys := make([][KeyLen]byte, 0, len(model))
		for k := range model {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b [KeyLen]byte) int { return bytes.Compare(a[:], b[:]) })
		if got, want := tr.TrieNodes(), trieModel(keys, 0); got != want {
			t.Fatalf("step %d: TrieNodes %d, model %d", step, got, want)
		}
	}
}

func trieModel(keys [][KeyLen]byte, depth int) int {
	switch len(keys) {
	case 0:
		return 1
	case 1:
		if depth < KeyLen {
			return 2
		}
		return 1
	}
	first, last := keys[0], keys[len(keys)-1]
	c := depth
	for first[c] == last[c] {
		c++
	}
	total := 1 // the branching node
	if c > depth {
		total++ // the compressed run before it
	}
	for i := 0; i < len(keys); {
		j := i
		for j < len(keys) && keys[j][c] == keys[i][c] {
			j++
		}
		total += trieModel(keys[i:j], c+1)
		i = j
	}
	return total
}

// TestNoAllocs pins that lookups, seeks and steps allocate nothing.
func TestNoAllocs(t *testing.T) {
	var tr Tree[int]
	for i := uint64(0); i < 10000; i++ {
		tr.Set(key(1_700_000_000_000+i/3, i%3), int(i))
	}
	k := key(1_700_000_000_000+100, 1)
	it := tr.Iterator()
	allocs := testing.AllocsPerRun(100, func() {
		tr.Get(k)
		tr.Ref(k)
		it.Seek(k)
		for i := 0; i < 10; i++ {
			it.Next()
		}
		it.SeekLE(k)
		it.Prev()
		tr.Min()
		tr.Max()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}
