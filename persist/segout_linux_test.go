package persist

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestDirectWritesSurviveRestart writes records of every size across block
// boundaries on the operating system's file system, switching between
// Always (direct, synchronous writes that rewrite the partial last block)
// and EverySec (writes through the page cache) mid-segment, then stops as
// a crash after the last sync would (nothing flushed) and checks the
// restart replays every batch from the log.
func TestDirectWritesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	opts := Options{}
	s := openT(t, dir, opts)
	m := keyedModel(t, s)
	b := &Batch{}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 1; i <= 600; i++ {
		switch i % 150 {
		case 50:
			s.SetPolicy(EverySec)
		case 100:
			s.SetPolicy(Always)
		}
		b.Reset()
		pad := make([]byte, rng.IntN(9000)) // up to two blocks and more
		for j := range pad {
			pad[j] = byte('a' + (i+j)%26)
		}
		b.AddEntry(1, id(uint64(i), 0), fields("i", fmt.Sprint(i), "pad", string(pad)))
		commitT(t, s, b)
		m.apply(b)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	l := s.wal.lanes[0]
	s.wal.mu.Lock()
	usedDirect := !l.out.d.off
	s.wal.mu.Unlock()
	if !usedDirect {
		t.Log("this file system refused direct I/O: the page-cache path was tested instead")
	}
	restartMatches(t, s, dir, opts, m)
}
