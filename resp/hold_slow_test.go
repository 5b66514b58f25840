package resp

import (
	"bufio"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// startSlowBehindHeld serves "cmd", whose reply is held behind token 1,
// and "slow", which runs until release is closed; it sends cmd, then slow
// once cmd's reply is held, and returns when slow runs.
func startSlowBehindHeld(t *testing.T, g Holder) (nc net.Conn, r *bufio.Reader, release chan struct{}) {
	t.Helper()
	release = make(chan struct{})
	running := make(chan struct{})
	nc = dialHandler(t, func(c redcon.Conn, cmd redcon.Command) {
		if string(cmd.Args[0]) == "slow" {
			close(running)
			<-release
			c.WriteString("slow")
			return
		}
		c.WriteString("1")
		Hold(c, g, 1)
	})
	r = bufio.NewReader(nc)
	nc.Write(encode("cmd", "1"))
	expectNothing(t, nc, r)
	nc.Write(encode("slow"))
	<-running
	return nc, r, release
}

// TestHoldReplyLeavesDuringSlowCommand: replies held for their commit
// leave once it is durable even while a slow command read ahead after them
// runs. Redis sends a reply right after its fsync, before it reads the
// client's next command; a connection that reads ahead must not make a
// durable reply wait for whatever it read meanwhile. Before heldsend.go,
// an XADD followed 20 us later by an XRANGE of 300,000 entries got its
// reply after 87-122 ms under appendfsync always; now after 0.6-3.5 ms.
func TestHoldReplyLeavesDuringSlowCommand(t *testing.T) {
	t.Run("holder", func(t *testing.T) {
		g := &gate{}
		nc, r, release := startSlowBehindHeld(t, g)
		defer close(release)
		g.open(1, nil)
		expectLines(t, nc, r, "+1") // while slow still runs
	})
	t.Run("lander", func(t *testing.T) {
		// A Lander is asked Landed, never Ready, while the batch runs.
		l := &landerGate{}
		nc, r, release := startSlowBehindHeld(t, l)
		defer close(release)
		before := l.readies.Load()
		l.open(1, nil)
		expectLines(t, nc, r, "+1")
		if n := l.readies.Load() - before; n != 0 || l.landed.Load() == 0 {
			t.Fatalf("while the batch ran: Ready asked %d times, Landed %d; want 0 and some", n, l.landed.Load())
		}
	})
}

// landerGate is a gate that is also a Lander, counting both questions.
type landerGate struct {
	gate
	readies, landed atomic.Int32
}

func (l *landerGate) Ready(token uint64) (bool, error) {
	l.readies.Add(1)
	return l.gate.Ready(token)
}

func (l *landerGate) Landed(token uint64) (bool, error) {
	l.landed.Add(1)
	return l.gate.Ready(token)
}

// TestHoldSplitStress: commands arrive in bursts while their tokens open at
// random moments, some of them slow enough that replies become ready while
// they run (the replies are then sent while the batch runs, heldsend.go).
// Every reply must arrive once, in order, and never before its token is
// ready.
func TestHoldSplitStress(t *testing.T) {
	g := &gate{}
	nc := dialHandler(t, func(c redcon.Conn, cmd redcon.Command) {
		n, _ := strconv.ParseUint(string(cmd.Args[1]), 10, 64)
		if string(cmd.Args[0]) == "slow" {
			time.Sleep(time.Duration(n%3) * time.Millisecond)
		}
		c.WriteString(string(cmd.Args[1]))
		if n%2 == 0 || len(c.PeekPipeline()) == 0 {
			Hold(c, g, n)
		}
	})
	const total = 400
	rng := rand.New(rand.NewPCG(1, 2))
	var sent atomic.Uint64
	go func() {
		for i := 1; i <= total; {
			var b []byte
			for k := 1 + rng.IntN(4); k > 0 && i <= total; k-- {
				name := "cmd"
				if rng.IntN(4) == 0 {
					name = "slow"
				}
				b = append(b, encode(name, strconv.Itoa(i))...)
				i++
			}
			sent.Store(uint64(i - 1))
			if _, err := nc.Write(b); err != nil {
				return
			}
			time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
		}
	}()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		orng := rand.New(rand.NewPCG(3, 4))
		for opened := uint64(0); opened < total; {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(orng.IntN(800)) * time.Microsecond):
			}
			if s := sent.Load(); s > opened {
				opened += 1 + uint64(orng.IntN(int(s-opened)))
				g.open(opened, nil)
			}
		}
	}()
	r := bufio.NewReader(nc)
	nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	for want := 1; want <= total; want++ {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reply %d: %v", want, err)
		}
		if line != "+"+strconv.Itoa(want)+"\r\n" {
			t.Fatalf("got %q, want +%d", line, want)
		}
		g.mu.Lock()
		ready := g.ready
		g.mu.Unlock()
		if uint64(want) > ready && want%2 == 0 {
			t.Fatalf("reply %d arrived while only tokens up to %d were ready", want, ready)
		}
	}
}

// TestHoldFailureWhileSlowCommandRuns: a holder's error that comes while a
// command read ahead runs still drops the held replies and ends the
// connection once it returns; nothing held leaves.
func TestHoldFailureWhileSlowCommandRuns(t *testing.T) {
	g := &gate{}
	nc, _, release := startSlowBehindHeld(t, g)
	g.open(0, errors.New("sync failed"))
	time.Sleep(20 * time.Millisecond) // the sender meets the error meanwhile
	close(release)
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(nc)
	if len(got) != 0 || err != nil {
		t.Fatalf("after a failure the client got %q (%v), want nothing and EOF", got, err)
	}
}
