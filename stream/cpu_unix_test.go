//go:build unix

package stream

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock returns the CPU time the process has used so far.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op: process CPU time per operation since start.
// On a shared machine wall-clock ns/op includes time spent waiting for a
// core; CPU time does not (it does include GC work on other threads).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuClock()-start)/float64(b.N), "cpu-ns/op")
}
