package commands

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// TestOmemCountsASubscribersBacklog: CLIENT LIST's omem includes the
// messages queued for a subscriber that does not read them, as Redis's
// output buffer holds them (a second review saw omem=0 with 6 MB queued).
func TestOmemCountsASubscribersBacklog(t *testing.T) {
	_, addr := startServer(t)
	sub, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if tc, ok := sub.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096)
	}
	if _, err := sub.Write(encodeCmd("SUBSCRIBE", "ch")); err != nil {
		t.Fatal(err)
	}
	pub := dialRaw(t, addr)
	waitFor(t, "the subscription", func() bool { return pub.do("PUBSUB", "NUMSUB", "ch") == arr(bulk("ch"), integer(1)) })
	msg := strings.Repeat("m", 64<<10)
	for range 100 {
		pub.do("PUBLISH", "ch", msg)
	}
	var most int64
	for _, f := range strings.Fields(pub.do("CLIENT", "LIST")) {
		if v, ok := strings.CutPrefix(f, "omem="); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			most = max(most, n)
		}
	}
	if most < 1<<20 {
		t.Errorf("largest omem %d with 6 MB published to a subscriber that reads nothing, want more than 1 MB", most)
	}
}
