package commands

import (
	"strconv"
	"strings"
	"testing"
)

// TestDroppedData: deleting, flushing or replacing a key counts its
// stream's memory in DroppedData, which the memory tuner reads to learn of
// garbage an idle server would otherwise keep.
func TestDroppedData(t *testing.T) {
	value := strings.Repeat("v", 1000)
	fill := func(f *fake, key string) {
		for i := range 200 {
			f.do("XADD", key, strconv.Itoa(i+1)+"-1", "f", value)
		}
	}
	for _, tc := range []struct {
		name string
		drop []string
	}{
		{"DEL", []string{"DEL", "s"}},
		{"UNLINK", []string{"UNLINK", "s"}},
		{"FLUSHDB", []string{"FLUSHDB"}},
		{"FLUSHALL", []string{"FLUSHALL"}},
		{"COPY REPLACE", []string{"COPY", "t", "s", "REPLACE"}},
		{"RENAME over it", []string{"RENAME", "t", "s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, Options{})
			fill(f, "s")
			f.do("XADD", "t", "1-1", "f", "v")
			before := DroppedData()
			if got := f.do(tc.drop...); strings.HasPrefix(got, "-") {
				t.Fatalf("%v = %q", tc.drop, got)
			}
			if grew := DroppedData() - before; grew < 200*1000 {
				t.Errorf("%v: DroppedData grew by %d, want at least the stream's 200 KB", tc.drop, grew)
			}
		})
	}
}
