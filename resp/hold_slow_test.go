package resp

import (
	"bufio"
	"testing"

	"github.com/tidwall/redcon"
)

// TestHoldReplyLeavesDuringSlowCommand: replies held for their commit
// leave once it is durable even while a slow command read ahead after them
// runs. Redis sends a reply right after its fsync, before it reads the
// client's next command; a connection that reads ahead must not make a
// durable reply wait for whatever it read meanwhile (DEBUG SLEEP, a huge
// XRANGE, SAVE).
//
// It fails today: the connection sends held replies only between batches,
// so a reply that became ready while a read-ahead command runs waits for
// that command (on a real server, XADD then DEBUG SLEEP 0.3 sent 0.1 ms
// apart: the XADD reply comes after 300 ms; from Redis after 0.5 ms).
// Sending while a batch runs needs a writer besides the connection's
// goroutine for the held prefix of the output buffer: not a small change.
func TestHoldReplyLeavesDuringSlowCommand(t *testing.T) {
	t.Skip("held replies leave only between batches: a durable reply waits for a slow command read ahead after it (see the comment)")
	g := &gate{}
	release := make(chan struct{})
	running := make(chan struct{})
	nc := dialHandler(t, func(c redcon.Conn, cmd redcon.Command) {
		if string(cmd.Args[0]) == "slow" {
			close(running)
			<-release
			c.WriteString("slow")
			return
		}
		c.WriteString("1")
		Hold(c, g, 1)
	})
	defer close(release)
	r := bufio.NewReader(nc)
	nc.Write(encode("cmd", "1"))
	expectNothing(t, nc, r)
	nc.Write(encode("slow"))
	<-running
	g.open(1, nil)
	expectLines(t, nc, r, "+1") // while slow still runs
}
