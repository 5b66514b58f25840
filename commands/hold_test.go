package commands

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// readyNow is what a held connection does, without a socket: it asks Ready
// and, until it says yes, waits for the wake-up Notify promised.
func readyNow(c *committer, seq uint64) error {
	for {
		ok, err := c.Ready(seq)
		if err != nil || ok {
			return err
		}
		woke := make(chan struct{})
		if c.Notify(seq, func() { close(woke) }) {
			select {
			case <-woke:
			case <-time.After(10 * time.Second):
				return errors.New("no wake-up")
			}
		}
	}
}

// TestCommitReadyNotify: writers that hold their replies instead of
// waiting (Ready, then Notify's wake-up) on a real store under always see
// every sequence durable once Ready says so, and Notify keeps nothing for a
// sequence already durable.
func TestCommitReadyNotify(t *testing.T) {
	pebbleWriters(t, 8, 40, func(c *committer, seq uint64) error {
		if err := readyNow(c, seq); err != nil {
			return err
		}
		if c.Notify(seq, func() { t.Error("wake-up kept for a durable sequence") }) {
			return fmt.Errorf("Notify(%d) kept a wake-up after Ready", seq)
		}
		return nil
	})
}

// TestCommitReadyFailure: a failed apply makes Ready report the store's
// error, and a wake-up registered before the failure is called.
func TestCommitReadyFailure(t *testing.T) {
	st := newGatedStore(persist.Always, false)
	boom := errors.New("disk gone")
	st.fail.Store(&boom)
	c := testCommitter(st, nil, commitTiming{})
	defer c.close()
	var next int64
	seq := enqueueOps(c, 1, &next)
	done := make(chan error, 1)
	go func() { done <- readyNow(c, seq) }() // leads, and blocks in Apply
	time.Sleep(20 * time.Millisecond)
	st.open()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("Ready after a failed apply: %v, want %v", err, boom)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ready did not return after the failure")
	}
	if _, err := c.Ready(seq); !errors.Is(err, boom) {
		t.Fatalf("Ready later: %v", err)
	}
	if c.Notify(seq, func() {}) {
		t.Fatal("Notify kept a wake-up after the failure")
	}
}

// TestReadAheadPipelinedWrites: under always, a client that sends XADDs
// one by one without waiting for replies (its connection reads them while
// earlier replies wait for their sync) gets every reply, in order, each
// the ID its XADD was given, and the stream holds them all.
func TestReadAheadPipelinedWrites(t *testing.T) {
	_, _, addr := startStored(t, persist.Always)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	const n = 300
	go func() {
		for i := 1; i <= n; i++ {
			id := strconv.Itoa(i) + "-1"
			nc.Write([]byte("*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$" + strconv.Itoa(len(id)) + "\r\n" + id + "\r\n$1\r\nf\r\n$1\r\nv\r\n"))
			if i%7 == 0 {
				time.Sleep(50 * time.Microsecond) // some arrive while a sync runs
			}
		}
		nc.Write([]byte("*2\r\n$4\r\nXLEN\r\n$1\r\ns\r\n"))
	}()
	nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	r := bufio.NewReader(nc)
	for i := 1; i <= n; i++ {
		id := strconv.Itoa(i) + "-1"
		want := "$" + strconv.Itoa(len(id)) + "\r\n" + id + "\r\n"
		got := ""
		for range 2 {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reply %d: %v", i, err)
			}
			got += line
		}
		if got != want {
			t.Fatalf("reply %d = %q, want %q", i, got, want)
		}
	}
	if line, err := r.ReadString('\n'); err != nil || line != ":"+strconv.Itoa(n)+"\r\n" {
		t.Fatalf("XLEN = %q (%v)", line, err)
	}
}
