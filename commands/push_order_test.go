package commands

import (
	"strconv"
	"testing"

	"github.com/runnel-db/runnel/persist"
)

// TestPushBeforeLaterReply: a message published before a subscriber's
// command runs reaches the subscriber before that command's reply, as in
// Redis, whose single thread queues the message first. Here the publisher's
// PUBLISH has returned before the subscriber sends PING, while the
// subscriber's XADD reply may still wait for its fsync (appendfsync
// always), so the connection is busy when the message is queued.
func TestPushBeforeLaterReply(t *testing.T) {
	_, _, addr := startStored(t, persist.Always)
	sub, pub := dialRaw(t, addr), dialRaw(t, addr)
	sub.do("HELLO", "3")
	sub.do("SUBSCRIBE", "ch")
	for i := range 200 {
		n := strconv.Itoa(i)
		sub.send("XADD", "s", "*", "f", "v")
		if got := pub.do("PUBLISH", "ch", "m"+n); got != ":1\r\n" {
			t.Fatalf("PUBLISH = %q", got)
		}
		sub.send("PING", "p"+n)
		// The XADD may have run before or after the PUBLISH: its reply and
		// the message come in either order, both before PING's.
		msg := ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n" + bulk("m"+n)
		got := []string{sub.read(), sub.read(), sub.read()}
		if got[2] != bulk("p"+n) {
			t.Fatalf("round %d: got %q, want the XADD reply and the message %q (published before PING was sent) before PING's reply", i, got, msg)
		}
		if (got[0] != msg || got[1][0] != '$') && (got[1] != msg || got[0][0] != '$') {
			t.Fatalf("round %d: got %q, want the XADD reply and %q, then PING's", i, got, msg)
		}
	}
}
