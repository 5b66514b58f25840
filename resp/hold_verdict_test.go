package resp

import (
	"bufio"
	"errors"
	"io"
	"testing"
	"time"
)

// TestHoldVerdictBehindCommands: a guard verdict read in the same chunk as
// commands, while earlier replies are held, still lets the held replies
// leave first. They answer commands of an earlier read, which Redis would
// have answered before it read the chunk: for a protocol error the
// chunk's own replies and the error follow them; behind a POST or Host:
// line the chunk's commands run and their replies are dropped, as Redis
// drops them, and nothing follows.
func TestHoldVerdictBehindCommands(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string // written one by one after "cmd 2"
		want   string
	}{
		{"protocol error", []string{"*1\r\n$-5\r\n"}, "+1\r\n+2\r\n-ERR Protocol error: invalid bulk length\r\n"},
		// The offending command began in an earlier read: the guard hands
		// over its start and keeps the verdict for the next read.
		{"protocol error in a command begun earlier", []string{"*3\r\n$3\r\ncmd\r\n", "$1\r\nx\r\n$-5\r\n"},
			"+1\r\n+2\r\n-ERR Protocol error: invalid bulk length\r\n"},
		{"POST", []string{"POST / HTTP/1.1\r\n"}, "+1\r\n"},
		{"Host", []string{"Host: example.com\r\n"}, "+1\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gate{}
			nc, ran := dialHold(t, g)
			r := bufio.NewReader(nc)
			nc.Write(encode("cmd", "1"))
			expectRan(t, ran, "1")
			nc.Write(append(encode("cmd", "2"), tt.chunks[0]...))
			for _, c := range tt.chunks[1:] {
				time.Sleep(20 * time.Millisecond) // each its own read
				nc.Write([]byte(c))
			}
			expectNothing(t, nc, r)
			g.open(2, nil)
			expectRan(t, ran, "2") // behind a POST, once the held replies left
			nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			got, err := io.ReadAll(r)
			if string(got) != tt.want || err != nil {
				t.Fatalf("got %q (%v), want %q then EOF", got, err, tt.want)
			}
		})
	}
}

// TestHoldFailureSendsReadyReplies: when a later batch's commit fails, the
// held replies of an earlier batch that is durable still leave before the
// connection closes: their commands' effects are kept, and a client told
// nothing would run them again.
func TestHoldFailureSendsReadyReplies(t *testing.T) {
	g := &gate{}
	nc, ran := dialHold(t, g)
	r := bufio.NewReader(nc)
	nc.Write(encode("cmd", "1"))
	expectRan(t, ran, "1")
	nc.Write(encode("cmd", "2"))
	expectRan(t, ran, "2")
	expectNothing(t, nc, r)
	g.failAbove(1, errors.New("sync failed"))
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(r)
	if string(got) != "+1\r\n" || err != nil {
		t.Fatalf("got %q (%v), want +1 (durable) and nothing of the failed batch, then EOF", got, err)
	}
}
