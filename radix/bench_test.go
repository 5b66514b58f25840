package radix

import (
	"math/rand/v2"
	"testing"
)

const benchKeys = 1_000_000

// streamKeys returns n keys shaped like stream IDs added at a high rate:
// milliseconds increasing with a few sequence numbers each.
func streamKeys(n int) [][KeyLen]byte {
	ks := make([][KeyLen]byte, n)
	for i := range ks {
		ks[i] = key(1_700_000_000_000+uint64(i/4), uint64(i%4))
	}
	return ks
}

func buildTree(ks [][KeyLen]byte) *Tree[int] {
	tr := &Tree[int]{}
	for i, k := range ks {
		tr.Set(k, i)
	}
	return tr
}

func BenchmarkSetSequential(b *testing.B) {
	ks := streamKeys(benchKeys)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	var tr Tree[int]
	for i := 0; i < b.N; i++ {
		if i%benchKeys == 0 {
			tr = Tree[int]{}
		}
		tr.Set(ks[i%benchKeys], i)
	}
}

func BenchmarkSetRandom(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	ks := make([][KeyLen]byte, benchKeys)
	for i := range ks {
		ks[i] = key(r.Uint64(), r.Uint64())
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	var tr Tree[int]
	for i := 0; i < b.N; i++ {
		if i%benchKeys == 0 {
			tr = Tree[int]{}
		}
		tr.Set(ks[i%benchKeys], i)
	}
}

func BenchmarkGetRandom(b *testing.B) {
	ks := streamKeys(benchKeys)
	tr := buildTree(ks)
	r := rand.New(rand.NewPCG(1, 2))
	order := make([]int, 1<<16)
	for i := range order {
		order[i] = r.IntN(len(ks))
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		if _, ok := tr.Get(ks[order[i&(1<<16-1)]]); !ok {
			b.Fatal("missing key")
		}
	}
}

func BenchmarkDeleteSequential(b *testing.B) {
	ks := streamKeys(benchKeys)
	b.ReportAllocs()
	var tr *Tree[int]
	for i := 0; i < b.N; i++ {
		if i%benchKeys == 0 {
			b.StopTimer()
			tr = buildTree(ks)
			b.StartTimer()
		}
		tr.Delete(ks[i%benchKeys])
	}
}

// BenchmarkSeekNext10 seeks to a random key and steps forward ten times.
func BenchmarkSeekNext10(b *testing.B) {
	ks := streamKeys(benchKeys)
	tr := buildTree(ks)
	r := rand.New(rand.NewPCG(1, 3))
	order := make([]int, 1<<16)
	for i := range order {
		order[i] = r.IntN(len(ks))
	}
	it := tr.Iterator()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		it.Seek(ks[order[i&(1<<16-1)]])
		for j := 0; j < 10 && it.Next(); j++ {
		}
	}
}

// BenchmarkIterate walks every key of the tree forward; ns/op is per key.
func BenchmarkIterate(b *testing.B) {
	tr := buildTree(streamKeys(benchKeys))
	it := tr.Iterator()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	ok := false
	for i := 0; i < b.N; i++ {
		if !ok {
			ok = it.First()
			continue
		}
		ok = it.Next()
	}
}
