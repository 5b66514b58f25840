package commands

import (
	"runtime"
	"strconv"
	"testing"
)

// TestXAckAllocs pins an allocation of the consumer-group hot path away:
// an XACK of a hundred pending IDs allocates nothing, its IDs parsed into
// scratch the server keeps.
func TestXAckAllocs(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	read := args("XREADGROUP GROUP g c COUNT 100 STREAMS s >")
	const rounds = 20
	for i := range 100 * rounds {
		f.do("XADD", "s", strconv.Itoa(i+1)+"-1", "f", "v")
	}
	var mallocs uint64
	var ms runtime.MemStats
	for r := range rounds {
		f.c.w.Reset()
		f.s.execute(f.c, read)
		ack := [][]byte{[]byte("XACK"), []byte("s"), []byte("g")}
		for i := range 100 {
			ack = append(ack, []byte(strconv.Itoa(100*r+i+1)+"-1"))
		}
		f.c.w.Reset()
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		f.s.execute(f.c, ack)
		runtime.ReadMemStats(&ms)
		if r > 0 { // the first XACK grows the scratch
			mallocs += ms.Mallocs - before
		}
		if got := string(f.c.w.B); got != ":100\r\n" {
			t.Fatalf("XACK of round %d = %q", r, got)
		}
	}
	if mallocs != 0 {
		t.Errorf("XACK of 100 pending IDs: %d allocations over %d calls, want 0", mallocs, rounds-1)
	}
}
