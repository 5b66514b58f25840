package stream

import (
	"flag"
	"testing"
	"time"
)

var seedFlag = flag.Uint64("seed", 0, "seed for randomized tests (0: time-based)")

// testSeed returns the seed for a randomized test and logs it, so a failure
// can be replayed with -seed.
func testSeed(t testing.TB) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed=%d)", s, s)
	return s
}

// checked returns a stream with cfg whose invariants are verified when the
// test ends.
func checked(t *testing.T, cfg Config) *Stream {
	t.Helper()
	s := New(cfg)
	t.Cleanup(func() {
		if err := s.Check(); err != nil {
			t.Errorf("final Check: %v", err)
		}
	})
	return s
}

func mustCheck(t *testing.T, s *Stream) {
	t.Helper()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}
