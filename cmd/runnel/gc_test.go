package main

import (
	"runtime/debug"
	"testing"
)

// TestWithoutGC checks that the collector is off while the load runs and
// that the setting found before is back after it, whatever it was.
func TestWithoutGC(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	for _, before := range []int{100, 37, -1} {
		debug.SetGCPercent(before)
		during := 0
		withoutGC(func() {
			during = debug.SetGCPercent(-1)
		})
		if during != -1 {
			t.Errorf("GOGC %d before: %d during the load, want -1 (off)", before, during)
		}
		if after := debug.SetGCPercent(before); after != before {
			t.Errorf("GOGC %d before: %d after the load", before, after)
		}
	}
}
