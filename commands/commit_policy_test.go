package commands

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// TestCommitPolicyFlipsPebble runs writers on a committer over a real
// store while the fsync policy flips between always, everysec and no (as
// CONFIG SET appendfsync does), some waiting for their replies as a
// command does and some for durability (flush): every wait must return,
// and the committer's and the store's close too, with the policy left on
// everysec. It stresses the store's sync hook, which lands the flights
// from the goroutine that synced, against the leaders queueing their
// tickets, under every policy change. (The persist test
// TestAlwaysBatchSyncedAfterPolicyChange pins the one hang found here
// deterministically; this test rarely reaches it by chance.)
func TestCommitPolicyFlipsPebble(t *testing.T) {
	store, err := persist.Open(t.TempDir(), persist.Options{Fsync: persist.Always})
	if err != nil {
		t.Fatal(err)
	}
	c := testCommitter(store, nil, commitTiming{})
	var stop atomic.Bool
	var wg sync.WaitGroup
	const writers = 8
	for w := range writers {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				c.ks.Lock()
				c.open.Add(persist.Op{Kind: persist.KeyPut, Key: "k" + strconv.Itoa(w) + "-" + strconv.Itoa(i), UID: uint64(w<<32 | i + 1)})
				seq := c.enqueue()
				c.ks.Unlock()
				wait := c.wait
				if w%2 == 1 {
					wait = c.flush
				}
				if err := wait(seq); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		for !stop.Load() {
			store.SetPolicy([]persist.FsyncPolicy{persist.Always, persist.EverySec, persist.No}[rng.IntN(3)])
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Microsecond)
		}
	})
	time.Sleep(time.Second)
	stop.Store(true)
	within(t, 20*time.Second, "the writers", wg.Wait)
	store.SetPolicy(persist.EverySec)
	within(t, 20*time.Second, "the committer's close", c.close)
	within(t, 20*time.Second, "the store's Close", func() {
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	})
}

// within runs fn and fails the test if it has not returned after d.
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}
