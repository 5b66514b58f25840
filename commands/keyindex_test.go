package commands

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestKeyIndexModel checks the index against a map under random inserts
// and removals through growth and shrinkage: every bucket stays sorted,
// the count is right, and a full scan returns each key exactly once.
func TestKeyIndexModel(t *testing.T) {
	var ix keyIndex
	ix.init()
	model := map[string]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func() {
		t.Helper()
		n := 0
		for bi, b := range ix.buckets {
			for i, e := range b {
				if ix.bucketOf(e.h) != bi || e.h != keyHash(e.key) {
					t.Fatalf("key %q in the wrong bucket", e.key)
				}
				if i > 0 && (b[i-1].h > e.h || (b[i-1].h == e.h && b[i-1].key >= e.key)) {
					t.Fatalf("bucket %d not sorted", bi)
				}
				n++
			}
		}
		if n != ix.n || n != len(model) {
			t.Fatalf("index holds %d (n=%d), model %d", n, ix.n, len(model))
		}
		seen := map[string]int{}
		var cur uint64
		for {
			var keys []string
			keys, cur = ix.scan(cur, 3, nil)
			for _, k := range keys {
				seen[k]++
			}
			if cur == 0 {
				break
			}
		}
		for k := range model {
			if seen[k] != 1 {
				t.Fatalf("full scan returned %q %d times", k, seen[k])
			}
		}
	}
	for round := 0; round < 6; round++ {
		for i := 0; i < 3000; i++ {
			k := fmt.Sprintf("k%d", rng.IntN(5000))
			if model[k] {
				ix.remove(k)
				delete(model, k)
			} else {
				ix.insert(k)
				model[k] = true
			}
		}
		check()
		if round%2 == 1 {
			for k := range model {
				ix.remove(k)
				delete(model, k)
			}
			check()
			if ix.bits != minIndexBits {
				t.Fatalf("empty index kept %d bits", ix.bits)
			}
		}
	}
}

func BenchmarkKeyIndexInsertRemove(b *testing.B) {
	var ix keyIndex
	ix.init()
	keys := make([]string, 100000)
	for i := range keys {
		keys[i] = fmt.Sprintf("stream:%d", i)
		ix.insert(keys[i])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		ix.remove(k)
		ix.insert(k)
	}
}

// BenchmarkScanCall measures one SCAN COUNT 10 step over 1,000,000 keys.
func BenchmarkScanCall(b *testing.B) {
	var ix keyIndex
	ix.init()
	for i := 0; i < 1000000; i++ {
		ix.insert(fmt.Sprintf("stream:%d", i))
	}
	b.ResetTimer()
	var cur uint64
	keys := make([]string, 0, 16)
	for i := 0; i < b.N; i++ {
		keys, cur = ix.scan(cur, 10, keys[:0])
	}
}
