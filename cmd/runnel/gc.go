package main

import (
	"flag"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
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

// minGCPercent is the smallest GOGC the tuner sets.
const minGCPercent = 10

// maxGCPercent is the largest GOGC the tuner sets: Go's default.
const maxGCPercent = 100

// gcPollInterval is how often the tuner looks at the live heap.
const gcPollInterval = 100 * time.Millisecond

// gcPercentFor returns the GOGC that lets a heap of live bytes hold slack
// bytes of garbage, within [minGCPercent, maxGCPercent].
func gcPercentFor(live, slack uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	p := slack * 100 / live
	return int(min(max(p, minGCPercent), maxGCPercent))
}

// addGCFlag registers --gc-slack (in MB; 0 leaves Go's pacing alone).
func addGCFlag(fs *flag.FlagSet) *int {
	return fs.Int("gc-slack", 24, "heap garbage (MB) allowed between collections; 0 keeps Go's default pacing (GOGC, 100%)")
}

// startGCTuner runs the tuner until stop is closed. It does nothing when
// slackMB is 0 or when GOGC is set in the environment, which then rules.
func startGCTuner(slackMB int, stop <-chan struct{}) {
	if slackMB <= 0 || os.Getenv("GOGC") != "" {
		return
	}
	slack := uint64(slackMB) << 20
	go func() {
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
		t := time.NewTicker(gcPollInterval)
		defer t.Stop()
		set := maxGCPercent
		var cycles uint64
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(samples)
			if samples[0].Value.Kind() != metrics.KindUint64 || samples[1].Value.Uint64() == cycles {
				continue // no collection since the last look
			}
			cycles = samples[1].Value.Uint64()
			if p := gcPercentFor(samples[0].Value.Uint64(), slack); p != set {
				set = p
				debug.SetGCPercent(p)
			}
		}
	}()
}
