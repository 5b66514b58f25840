package main

import (
	"flag"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/runnel-db/runnel/commands"
	"github.com/runnel-db/runnel/resp"
)

// The garbage collector's default pacing (GOGC=100) lets the heap grow to
// twice its live size before collecting, and the process keeps the pages
// it grew into. For runnel, whose live heap is mostly the streams' packed
// nodes (pointer-free, so cheap to collect), that doubles the resident
// memory of a large dataset for little gain. The tuner keeps the garbage
// allowed between collections near a fixed amount (--gc-slack) instead:
// a small heap collects as rarely as under GOGC=100, a large one holds
// its data plus the slack (never below minGCPercent of it, so a very
// large heap is not collected back to back).
//
// The slack is what a busy server needs; an idle one need not keep it.
// Collections happen only when allocating, so after a burst of writes the
// garbage of the last cycle (up to the slack) stays in the heap, and the
// runtime's background scavenger returns nothing either: it keeps what
// the heap goal allows. When allocation has been quiet for idleAfter and
// at least releaseMin bytes could go back, the tuner collects and returns
// the free pages to the operating system once (debug.FreeOSMemory: one
// ordinary concurrent collection, then the release; only the collection's
// two short stop-the-world phases pause the server).

// minGCPercent is the smallest GOGC the tuner sets.
const minGCPercent = 10

// maxGCPercent is the largest GOGC the tuner sets: Go's default.
const maxGCPercent = 100

// gcPollInterval is how often the tuner looks at the heap.
const gcPollInterval = 100 * time.Millisecond

const (
	// idleAfter is how long allocation must stay quiet before the tuner
	// returns memory.
	idleAfter = 500 * time.Millisecond
	// quietAlloc is the most a poll interval may allocate and still count
	// as quiet: about 5 MB/s. A pipelined bulk load allocates 20-35 MB/s;
	// the store's flush and compaction after one allocate 1-3 MB/s for a
	// second or two and must not hold the release back. At 5 MB/s a
	// release (a collection, which the pacer would run every few seconds
	// anyway, and releaseMin of pages to fault back in) comes at most
	// about once a second.
	quietAlloc = 512 << 10
	// releaseMin is the least garbage plus free heap worth a release.
	releaseMin = 4 << 20
	// burstAlloc is the allocation since the last release after which an
	// idle server releases once whatever the metrics show.
	burstAlloc = 64 << 20
)

// gcPercentFor returns the GOGC that lets a heap of live bytes hold slack
// bytes of garbage, within [minGCPercent, maxGCPercent].
func gcPercentFor(live, slack uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	p := slack * 100 / live
	return int(min(max(p, minGCPercent), maxGCPercent))
}

// idleRelease decides when an idle process returns memory. Its zero value
// is ready; it is not safe for concurrent use.
type idleRelease struct {
	allocs      uint64    // cumulative bytes allocated at the last observation
	quietSince  time.Time // start of the current quiet stretch; zero while busy
	initialized bool
}

// observe takes one poll's reading: the cumulative bytes allocated and the
// bytes a collection plus a release would return (garbage and free heap).
// It reports whether to release now: allocation has been quiet for
// idleAfter and reclaimable is at least releaseMin.
func (r *idleRelease) observe(now time.Time, allocs, reclaimable uint64) bool {
	busy := !r.initialized || allocs-r.allocs > quietAlloc
	r.allocs, r.initialized = allocs, true
	if busy {
		r.quietSince = time.Time{}
		return false
	}
	if r.quietSince.IsZero() {
		r.quietSince = now
	}
	if now.Sub(r.quietSince) < idleAfter || reclaimable < releaseMin {
		return false
	}
	// The release itself allocates a little; the next quiet stretch starts
	// afresh.
	r.quietSince = time.Time{}
	return true
}

// withoutGC runs load with the collector off and then restores the GOGC
// setting it found (the environment's, or an earlier SetGCPercent). Loading
// a store allocates the whole dataset and keeps nearly all of it: each
// collection during the load finds little garbage and only marks the grown
// heap again (about ten of them for five million entries), so they are
// skipped. The heap then holds the data plus the load's little garbage;
// the first allocation after the restore starts one collection, which
// sets the pace from the loaded size. It must run before startGCTuner,
// which would otherwise overwrite the setting.
func withoutGC(load func()) {
	prev := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(prev)
	load()
}

// addGCFlag registers --gc-slack (in MB; 0 leaves Go's pacing alone).
func addGCFlag(fs *flag.FlagSet) *int {
	return fs.Int("gc-slack", 24, "heap garbage (MB) allowed between collections, returned to the system when the server goes idle; 0 keeps Go's default pacing (GOGC, 100%)")
}

// The runtime metrics the tuner reads, by index into its sample slice.
const (
	mLive = iota
	mCycles
	mAllocs
	mObjects
	mFree
)

var gcSampleNames = []string{
	mLive:    "/gc/heap/live:bytes",
	mCycles:  "/gc/cycles/total:gc-cycles",
	mAllocs:  "/gc/heap/allocs:bytes",
	mObjects: "/memory/classes/heap/objects:bytes",
	mFree:    "/memory/classes/heap/free:bytes",
}

// startGCTuner runs the tuner until stop is closed. It does nothing when
// slackMB is 0 or when GOGC is set in the environment, which then rules.
func startGCTuner(slackMB int, stop <-chan struct{}) {
	if slackMB <= 0 || os.Getenv("GOGC") != "" {
		return
	}
	// dropped is the memory let go of that the heap metrics may not show
	// as garbage: the large buffers connections dropped and the data of
	// deleted keys.
	dropped := func() uint64 { return resp.ReleasedBuffers() + commands.DroppedData() }
	slack := uint64(slackMB) << 20
	go func() {
		samples := make([]metrics.Sample, len(gcSampleNames))
		for i, n := range gcSampleNames {
			samples[i].Name = n
		}
		u := func(i int) uint64 {
			if samples[i].Value.Kind() != metrics.KindUint64 {
				return 0
			}
			return samples[i].Value.Uint64()
		}
		t := time.NewTicker(gcPollInterval)
		defer t.Stop()
		set := maxGCPercent
		var cycles uint64
		// droppedAtRelease is dropped() at the last release: buffers
		// dropped since may have been live at the last collection, which
		// the heap metrics then do not show as garbage (a collection seen
		// after a drop may still have run before it, so the count is not
		// reset by collections; a release of memory already collected only
		// returns the free pages the metrics count anyway).
		droppedAtRelease := dropped()
		var allocsAtRelease uint64
		var idle idleRelease
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				metrics.Read(samples)
				live := u(mLive)
				if c := u(mCycles); c != cycles {
					cycles = c
					if p := gcPercentFor(live, slack); p != set {
						set = p
						debug.SetGCPercent(p)
					}
				}
				// Objects allocated since the last collection count as
				// garbage here; if they are live the release finds less,
				// and the next one needs releaseMin of new allocation.
				reclaim := u(mFree)
				if obj := u(mObjects); obj > live {
					reclaim += obj - live
				}
				d := dropped()
				reclaim += d - droppedAtRelease
				// A burst of allocation since the last release may have
				// left garbage that was live at the last collection and
				// that no hint names (a large write's batch, held by the
				// store until its flush): worth one release once idle.
				allocs := u(mAllocs)
				if allocs-allocsAtRelease >= burstAlloc {
					reclaim = max(reclaim, releaseMin)
				}
				if idle.observe(now, allocs, reclaim) {
					debug.FreeOSMemory()
					droppedAtRelease, allocsAtRelease = d, allocs
				}
			}
		}
	}()
}
