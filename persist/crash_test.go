package persist

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/runnel-db/runnel/stream"
)

// The crash tests run the store on Pebble's crash-simulating in-memory file
// system. fs.CrashClone returns the file system as a power loss at that
// moment could leave it: everything synced, plus (UnsyncedDataPercent) a
// random part of the unsynced blocks and directory entries, holes as zeros.

const crashDir = "/db"

// writerBatch is writer w's i-th batch, shaped like an XREADGROUP that also
// XADDs (so one batch touches entries, metadata, the PEL and a consumer):
// entry i, metadata saying i entries, pending record i, deletion of pending
// record i-2 (an XACK), the consumer's seen time i. Every eighth batch also
// closes the node of the seven entries before it (a NodePut, which
// replaces their loose records).
func writerBatch(b *Batch, w int, i uint64, rng *rand.Rand) {
	uid := uint64(w + 1)
	if i%8 == 0 {
		b.AddNode(uid, stream.Span{First: id(i-7, 0), Last: id(i-1, 0)}, []byte(fmt.Sprintf("node %d-%d", i-7, i-1)))
	}
	pad := make([]byte, rng.IntN(300))
	for j := range pad {
		pad[j] = byte('a' + j%26)
	}
	b.AddEntry(uid, id(i, 0), [][]byte{[]byte("w"), []byte(fmt.Sprint(w)), []byte("i"), []byte(fmt.Sprint(i)), []byte("pad"), pad})
	b.Add(Op{Kind: StreamMetaPut, UID: uid, Meta: StreamMeta{LastID: id(i, 0), FirstID: id(1, 0), EntriesAdded: i}})
	b.Add(Op{Kind: PendingPut, UID: uid, Group: "grp", ID: id(i, 0), Consumer: "c", DeliveryTime: int64(i), DeliveryCount: 1})
	if i > 2 {
		b.Add(Op{Kind: PendingDel, UID: uid, Group: "grp", ID: id(i-2, 0)})
	}
	b.Add(Op{Kind: ConsumerPut, UID: uid, Group: "grp", Consumer: "c", SeenTime: int64(i), ActiveTime: int64(i)})
}

func createWriters(t *testing.T, s *Pebble, writers int) {
	t.Helper()
	b := &Batch{}
	for w := 0; w < writers; w++ {
		uid := uint64(w + 1)
		b.Add(Op{Kind: KeyPut, DB: 0, Key: fmt.Sprintf("w%02d", w), UID: uid})
		b.Add(Op{Kind: StreamMetaPut, UID: uid})
		b.Add(Op{Kind: GroupPut, UID: uid, Group: "grp"})
	}
	commitT(t, s, b)
}

// survivors checks that what survived of each writer is whole batches, a
// prefix of what it committed, and returns each writer's count.
func survivors(t *testing.T, s *Pebble, writers int) []uint64 {
	t.Helper()
	got, _ := loadT(t, s)
	if len(got.Keys) != writers {
		t.Fatalf("%d keys survived, want %d", len(got.Keys), writers)
	}
	n := make([]uint64, writers)
	for w := 0; w < writers; w++ {
		st := got.Streams[uint64(w+1)]
		if st == nil || st.Meta == nil || st.Groups["grp"] == nil || !st.Groups["grp"].Exists {
			t.Fatalf("writer %d: stream, meta or group lost: %+v", w, st)
		}
		// Each entry must be in exactly one place: loose or in a node.
		have := map[stream.ID]bool{}
		for eid := range st.Entries {
			have[eid] = true
		}
		for last, n := range st.Nodes {
			if n.Data != fmt.Sprintf("node %d-%d", n.First.Ms, last.Ms) {
				t.Fatalf("writer %d: node record %v..%v holds %q", w, n.First, last, n.Data)
			}
			for i := n.First.Ms; i <= last.Ms; i++ {
				if have[id(i, 0)] {
					t.Fatalf("writer %d: entry %d is both loose and in node %v..%v", w, i, n.First, last)
				}
				have[id(i, 0)] = true
			}
		}
		k := uint64(len(have))
		for i := uint64(1); i <= k; i++ {
			if !have[id(i, 0)] {
				t.Fatalf("writer %d: %d entries survived but entry %d is missing (not a prefix)", w, k, i)
			}
		}
		// The rest of each batch must match its entry: all or nothing.
		if st.Meta.LastID != id(k, 0) || st.Meta.EntriesAdded != k {
			t.Fatalf("writer %d: %d entries but meta %+v", w, k, st.Meta)
		}
		g := st.Groups["grp"]
		wantPEL := map[stream.ID]bool{}
		for i := max(k, 2) - 1; i <= k && i > 0; i++ {
			wantPEL[id(i, 0)] = true
		}
		if len(g.Pending) != len(wantPEL) {
			t.Fatalf("writer %d: %d entries, PEL %v", w, k, g.Pending)
		}
		for pid := range g.Pending {
			if !wantPEL[pid] {
				t.Fatalf("writer %d: %d entries, PEL %v", w, k, g.Pending)
			}
		}
		if k > 0 && g.Consumers["c"] != [2]int64{int64(k), int64(k)} {
			t.Fatalf("writer %d: %d entries, consumer %v", w, k, g.Consumers)
		}
		n[w] = k
	}
	return n
}

// TestCrashAlways runs concurrent committers under Always, simulates a power
// loss at a random moment, reopens, and checks that every batch whose
// Commit had returned is there and that every batch is all or nothing. It
// chains several crashes, each on the previous crash's remains. Half the
// writers merge runs of their batches into one commit, so that some nodes
// open and close within one batch (written without a range deletion) and
// others close in a batch after their first entry's.
//
// It runs with one log lane and default segments (the server's setting),
// and with two lanes and small segments, so that crashes also land while a
// lane moves to a new segment and retired segments are reused, and
// batches synced by one lane can outlive a batch before them that the
// other lane had not synced.
func TestCrashAlways(t *testing.T) {
	for _, tc := range []struct {
		name           string
		lanes, segment int
	}{
		{"one lane", 0, 0},
		{"two lanes, small segments", 2, 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) { crashAlways(t, tc.lanes, tc.segment) })
	}
}

func crashAlways(t *testing.T, lanes, segment int) {
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 2))
	const writers = 12
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	// Small write buffers, so that crashes also land during flushes and
	// compactions.
	opts := Options{fs: vfs.NewCrashableMem(), MemTableSize: 64 << 10, logLanes: lanes, logSegmentSize: segment}
	s := openT(t, crashDir, opts)
	createWriters(t, s, writers)
	acked := make([]uint64, writers) // highest i acknowledged before the crash
	lost := 0
	for round := 0; round < rounds; round++ {
		var ack [writers]atomic.Uint64
		var stop atomic.Bool
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			ack[w].Store(acked[w])
			wg.Add(1)
			go func(w int, r *rand.Rand) {
				defer wg.Done()
				b := &Batch{}
				for i := acked[w] + 1; !stop.Load(); i++ {
					b.Reset()
					writerBatch(b, w, i, r)
					if w%2 == 1 {
						// Merge the next few batches into this one, as the
						// commands layer's group commit does: a node whose
						// entries were all put in the merged batch is
						// written without its range deletion.
						for range r.IntN(12) {
							i++
							writerBatch(b, w, i, r)
						}
					}
					if err := s.Commit(b); err != nil {
						return // the store is being closed after the crash
					}
					ack[w].Store(i)
				}
			}(w, rand.New(rand.NewPCG(seed, uint64(round*writers+w))))
		}
		time.Sleep(time.Duration(5+rng.IntN(40)) * time.Millisecond)
		// Read the acknowledgements first: every Commit counted here returned
		// before the crash, so its batch must survive.
		var before [writers]uint64
		for w := range before {
			before[w] = ack[w].Load()
		}
		pct := []int{0, 0, 10, 50, 90}[rng.IntN(5)]
		crashed := opts.fs.(*vfs.MemFS).CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: rand.New(rand.NewPCG(seed, uint64(round)))})
		stop.Store(true)
		wg.Wait()
		_ = s.Close() // the crashed copy is independent of the original

		opts.fs = crashed
		s = openT(t, crashDir, opts)
		n := survivors(t, s, writers)
		var total uint64
		for w := range n {
			if n[w] < before[w] {
				t.Fatalf("round %d (unsynced kept %d%%): writer %d had %d commits acknowledged, %d survived", round, pct, w, before[w], n[w])
			}
			lost += int(ack[w].Load() - n[w])
			total += before[w] - acked[w]
			acked[w] = n[w]
		}
		t.Logf("round %d: crash with %d%% of unsynced data kept: %d acknowledged commits all survived", round, pct, total)
	}
	t.Logf("%d commits acknowledged after the crash point were lost (allowed)", lost)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// commitN commits writer 0's batches from, from+1, ... (n of them).
func commitN(t *testing.T, s *Pebble, from, n uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	b := &Batch{}
	for i := from; i < from+n; i++ {
		b.Reset()
		writerBatch(b, 0, i, rng)
		commitT(t, s, b)
	}
}

func crashAndCount(t *testing.T, fs *vfs.MemFS, s *Pebble, opts Options) uint64 {
	t.Helper()
	crashed := fs.CrashClone(vfs.CrashCloneCfg{})
	_ = s.Close()
	opts.fs = crashed
	r := openT(t, crashDir, opts)
	defer r.Close()
	return survivors(t, r, 1)[0]
}

// TestCrashLossEverySecAndNo documents what the weaker policies lose on a
// power loss: EverySec everything acknowledged since its last background
// sync (never more), No everything Pebble had not synced on its own. A
// clean Close loses nothing under either.
func TestCrashLossEverySecAndNo(t *testing.T) {
	const n = 200
	t.Run("everysec-before-sync", func(t *testing.T) {
		fs := vfs.NewCrashableMem()
		opts := Options{Fsync: EverySec, fs: fs, syncInterval: time.Hour}
		s := openT(t, crashDir, opts)
		createWriters(t, s, 1)
		// createWriters' batch was not synced either: sync it so the
		// stream exists after the crash.
		if err := s.wal.sync(); err != nil {
			t.Fatal(err)
		}
		commitN(t, s, 1, n)
		got := crashAndCount(t, fs, s, opts)
		if got >= n {
			t.Fatalf("EverySec: all %d commits since the last sync survived a power loss; the test no longer shows the loss", n)
		}
		t.Logf("EverySec, crash before the background sync: %d of %d acknowledged commits lost", n-got, n)
	})
	t.Run("everysec-after-sync", func(t *testing.T) {
		fs := vfs.NewCrashableMem()
		var covered atomic.Uint64
		synced := make(chan struct{}, 100)
		opts := Options{Fsync: EverySec, fs: fs, syncInterval: 5 * time.Millisecond, afterBackgroundSync: func(c uint64) {
			covered.Store(c)
			synced <- struct{}{}
		}}
		s := openT(t, crashDir, opts)
		createWriters(t, s, 1)
		commitN(t, s, 1, n)
		applied := s.applied.Load()
		for covered.Load() < applied {
			<-synced
		}
		got := crashAndCount(t, fs, s, opts)
		if got != n {
			t.Fatalf("EverySec: %d of %d commits survived although a background sync had covered them", got, n)
		}
	})
	t.Run("no", func(t *testing.T) {
		fs := vfs.NewCrashableMem()
		opts := Options{Fsync: No, fs: fs}
		s := openT(t, crashDir, opts)
		createWriters(t, s, 1)
		if err := s.wal.sync(); err != nil {
			t.Fatal(err)
		}
		commitN(t, s, 1, n)
		got := crashAndCount(t, fs, s, opts)
		if got >= n {
			t.Fatalf("No: all %d unsynced commits survived a power loss; the test no longer shows the loss", n)
		}
		t.Logf("No: %d of %d acknowledged commits lost", n-got, n)
	})
	for _, p := range []FsyncPolicy{EverySec, No} {
		t.Run(p.String()+"-clean-close", func(t *testing.T) {
			fs := vfs.NewCrashableMem()
			opts := Options{Fsync: p, fs: fs, syncInterval: time.Hour}
			s := openT(t, crashDir, opts)
			createWriters(t, s, 1)
			commitN(t, s, 1, n)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			opts.fs = fs.CrashClone(vfs.CrashCloneCfg{})
			r := openT(t, crashDir, opts)
			defer r.Close()
			if got := survivors(t, r, 1)[0]; got != n {
				t.Fatalf("%v: %d of %d commits survived a clean Close then power loss", p, got, n)
			}
		})
	}
}

// TestApplyThenWaitPipelined applies a pipeline's batches one after another
// and waits only for the last before the crash: the log is ordered, so the
// earlier batches are durable with it.
func TestApplyThenWaitPipelined(t *testing.T) {
	fs := vfs.NewCrashableMem()
	opts := Options{fs: fs}
	s := openT(t, crashDir, opts)
	createWriters(t, s, 1)
	const n = 64
	rng := rand.New(rand.NewPCG(3, 3))
	tickets := make([]Ticket, 0, n)
	b := &Batch{}
	for i := uint64(1); i <= n; i++ {
		b.Reset() // reusable as soon as Apply returns
		writerBatch(b, 0, i, rng)
		tk, err := s.Apply(b)
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	if err := tickets[n-1].Wait(); err != nil {
		t.Fatal(err)
	}
	crashed := fs.CrashClone(vfs.CrashCloneCfg{})
	for _, tk := range tickets[:n-1] {
		if err := tk.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	opts.fs = crashed
	r := openT(t, crashDir, opts)
	defer r.Close()
	if got := survivors(t, r, 1)[0]; got != n {
		t.Fatalf("%d of %d pipelined batches survived after the last one's Wait", got, n)
	}
}

// TestSetPolicyAlwaysTakesEffect opens a store under No, switches it to
// Always (CONFIG SET appendfsync always) and checks that a batch committed
// after the switch — and one applied before it — survive a power loss that
// keeps no unsynced data; and that switching back makes commits unsynced
// again, so the check can tell the two apart.
func TestSetPolicyAlwaysTakesEffect(t *testing.T) {
	opts := Options{fs: vfs.NewCrashableMem(), Fsync: No}
	s := openT(t, crashDir, opts)
	createWriters(t, s, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	b := &Batch{}
	writerBatch(b, 0, 1, rng)
	commitT(t, s, b) // under No
	s.SetPolicy(Always)
	if s.Policy() != Always {
		t.Fatalf("policy %v after SetPolicy(Always)", s.Policy())
	}
	b.Reset()
	writerBatch(b, 0, 2, rng)
	commitT(t, s, b) // under Always: syncs the log through batch 1 too
	s.SetPolicy(No)
	b.Reset()
	writerBatch(b, 0, 3, rng)
	commitT(t, s, b) // under No again: not synced
	crashed := opts.fs.(*vfs.MemFS).CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0, RNG: rand.New(rand.NewPCG(2, 2))})
	_ = s.Close()
	opts.fs = crashed
	s = openT(t, crashDir, opts)
	defer s.Close()
	if n := survivors(t, s, 1); n[0] != 2 {
		t.Fatalf("after the power loss writer 0 has %d commits, want 2 (the third was not synced)", n[0])
	}
}

// TestSetPolicyAlwaysSyncsAppliedBatches checks that SetPolicy(Always)
// itself syncs the batches applied under No before it returns: a reply
// after CONFIG SET appendfsync always may show them, though their Tickets
// were waited for long before. Moving to EverySec instead syncs nothing,
// so the check can tell the two apart.
func TestSetPolicyAlwaysSyncsAppliedBatches(t *testing.T) {
	tests := []struct {
		to   FsyncPolicy
		want uint64
	}{{Always, 1}, {EverySec, 0}}
	for _, tc := range tests {
		t.Run(tc.to.String(), func(t *testing.T) {
			opts := Options{fs: vfs.NewCrashableMem(), Fsync: Always}
			s := openT(t, crashDir, opts)
			createWriters(t, s, 1) // synced
			s.SetPolicy(No)
			b := &Batch{}
			writerBatch(b, 0, 1, rand.New(rand.NewPCG(1, 1)))
			commitT(t, s, b) // not synced
			s.SetPolicy(tc.to)
			crashed := opts.fs.(*vfs.MemFS).CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0, RNG: rand.New(rand.NewPCG(2, 2))})
			_ = s.Close()
			opts.fs = crashed
			s = openT(t, crashDir, opts)
			defer s.Close()
			if n := survivors(t, s, 1); n[0] != tc.want {
				t.Fatalf("after a power loss following SetPolicy(%v) writer 0 has %d commits, want %d", tc.to, n[0], tc.want)
			}
		})
	}
}

// TestSyncMakesAppliedBatchesDurable: under No and EverySec, Sync syncs
// the batches applied so far, so a power loss right after it keeps them;
// without it, the same power loss drops them. After Close it reports
// ErrClosed.
func TestSyncMakesAppliedBatchesDurable(t *testing.T) {
	for _, tc := range []struct {
		policy FsyncPolicy
		sync   bool
		want   uint64
	}{{No, true, 1}, {EverySec, true, 1}, {No, false, 0}} {
		t.Run(fmt.Sprintf("%v/sync=%v", tc.policy, tc.sync), func(t *testing.T) {
			opts := Options{fs: vfs.NewCrashableMem(), Fsync: Always}
			s := openT(t, crashDir, opts)
			createWriters(t, s, 1) // synced
			s.SetPolicy(tc.policy)
			b := &Batch{}
			writerBatch(b, 0, 1, rand.New(rand.NewPCG(1, 1)))
			commitT(t, s, b) // not synced
			if tc.sync {
				if err := s.Sync(); err != nil {
					t.Fatal(err)
				}
			}
			crashed := opts.fs.(*vfs.MemFS).CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0, RNG: rand.New(rand.NewPCG(2, 2))})
			_ = s.Close()
			if err := s.Sync(); err != ErrClosed {
				t.Fatalf("Sync after Close = %v, want ErrClosed", err)
			}
			opts.fs = crashed
			s = openT(t, crashDir, opts)
			defer s.Close()
			if n := survivors(t, s, 1); n[0] != tc.want {
				t.Fatalf("after a power loss writer 0 has %d commits, want %d", n[0], tc.want)
			}
		})
	}
}
