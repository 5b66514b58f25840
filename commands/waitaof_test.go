package commands

import (
	"bufio"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// syncCounter is a Pebble store that counts the syncs WAITAOF asks for.
type syncCounter struct {
	*persist.Pebble
	syncs atomic.Int32
}

func (s *syncCounter) Sync() error {
	s.syncs.Add(1)
	return s.Pebble.Sync()
}

// startStored starts a server on a Pebble store in a temporary directory
// with the fsync policy given.
func startStored(t *testing.T, policy persist.FsyncPolicy) (*Server, *syncCounter, string) {
	t.Helper()
	p, err := persist.Open(t.TempDir(), persist.Options{Fsync: policy})
	if err != nil {
		t.Fatal(err)
	}
	st := &syncCounter{Pebble: p}
	s, addr := startServing(t, Options{Store: st}, func(s *Server) {
		if _, err := s.Load(st); err != nil {
			t.Fatal(err)
		}
	})
	return s, st, addr
}

func TestWaitaofArgs(t *testing.T) {
	_, addr := startServer(t) // in memory: appendonly no
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(errReply(ErrNotInteger), "WAITAOF", "x", "0", "0"),
		s(errReply(errNumLocalRange), "WAITAOF", "2", "0", "0"),
		s(errReply(errNumLocalRange), "WAITAOF", "-1", "0", "0"),
		s(errReply(ErrNotInteger), "WAITAOF", "0", "x", "0"),
		s(errReply(errNotPositive), "WAITAOF", "0", "-1", "0"),
		s(errReply(ErrTimeoutNotInt), "WAITAOF", "0", "0", "x"),
		s(errReply(ErrTimeoutNegative), "WAITAOF", "0", "0", "-1"),
		s(errReply(ErrTimeoutRange), "WAITAOF", "0", "0", "9223372036854775807"),
		s(errReply(errWaitaofNoAppend), "WAITAOF", "1", "0", "0"),
		s(errReply(errWrongArity("waitaof")), "WAITAOF", "0", "0"),
		// Without an append-only file nothing counts as a local copy.
		s(arr(integer(0), integer(0)), "WAITAOF", "0", "0", "0"),
		s(arr(integer(0), integer(0)), "WAITAOF", "0", "1", "10"),
	})
}

// TestWaitaofSyncs: under everysec and no, WAITAOF 1 makes the store sync
// what the client wrote and answers [1, 0]; a second one with nothing new
// needs no sync. Under always the writes are synced already.
func TestWaitaofSyncs(t *testing.T) {
	for _, tc := range []struct {
		policy    persist.FsyncPolicy
		wantSyncs int32
	}{{persist.EverySec, 1}, {persist.No, 1}, {persist.Always, 0}} {
		t.Run(tc.policy.String(), func(t *testing.T) {
			_, st, addr := startStored(t, tc.policy)
			c := dialRaw(t, addr)
			runSteps(t, c, []step{
				s(bulk("1-1"), "XADD", "s", "1-1", "f", "v"),
				s(arr(integer(1), integer(0)), "WAITAOF", "1", "0", "0"),
			})
			if n := st.syncs.Load(); n != tc.wantSyncs {
				t.Fatalf("%d store syncs, want %d", n, tc.wantSyncs)
			}
			runSteps(t, c, []step{s(arr(integer(1), integer(0)), "WAITAOF", "1", "0", "0")})
			if n := st.syncs.Load(); n != tc.wantSyncs {
				t.Fatalf("%d store syncs after a WAITAOF with nothing new, want %d", n, tc.wantSyncs)
			}
			// A write and WAITAOF in one pipeline.
			c.conn.Write(append(encodeCmd("XADD", "s", "2-1", "f", "v"), encodeCmd("WAITAOF", "1", "0", "0")...))
			if got := c.read() + c.read(); got != bulk("2-1")+arr(integer(1), integer(0)) {
				t.Fatalf("pipeline replies %q", got)
			}
		})
	}
}

// TestWaitaofReplicas: with no replicas, numreplicas > 0 waits out the
// timeout, then counts the local copy it synced meanwhile; with timeout 0
// it blocks until CLIENT UNBLOCK or a disconnect, which leaves no
// goroutine behind.
func TestWaitaofReplicas(t *testing.T) {
	s, _, addr := startStored(t, persist.EverySec)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	a.do("XADD", "s", "1-1", "f", "v")
	start := time.Now()
	if got := a.do("WAITAOF", "1", "1", "100"); got != arr(integer(1), integer(0)) {
		t.Fatalf("WAITAOF 1 1 100 = %q", got)
	}
	// Timeouts count whole milliseconds from the command's start, as
	// Redis's do, so the wait may end up to a millisecond short.
	if d := time.Since(start); d < 98*time.Millisecond {
		t.Fatalf("WAITAOF 1 1 100 returned after %v", d)
	}
	id := strings.TrimSpace(strings.TrimPrefix(a.do("CLIENT", "ID"), ":"))
	for _, tc := range []struct{ how, want string }{
		{"TIMEOUT", arr(integer(1), integer(0))},
		{"ERROR", errReply(errUnblocked)},
	} {
		a.send("WAITAOF", "0", "1", "0")
		waitBlocked(t, s, 1)
		if got := b.do("CLIENT", "UNBLOCK", id, tc.how); got != integer(1) {
			t.Fatalf("CLIENT UNBLOCK %s = %q", tc.how, got)
		}
		if got := a.read(); got != tc.want {
			t.Fatalf("after CLIENT UNBLOCK %s: %q, want %q", tc.how, got, tc.want)
		}
	}
	before := runtime.NumGoroutine()
	c := dialRaw(t, addr)
	c.do("XADD", "s", "2-1", "f", "v")
	c.send("WAITAOF", "1", "1", "0")
	waitBlocked(t, s, 1)
	c.conn.Close()
	waitBlocked(t, s, 0)
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines, %d before the blocked client came", n, before)
	}
}

// TestWaitaofInMulti: inside MULTI WAITAOF does not block; it answers with
// what holds when EXEC runs it.
func TestWaitaofInMulti(t *testing.T) {
	_, _, addr := startStored(t, persist.EverySec)
	a := dialRaw(t, addr)
	runSteps(t, a, []step{
		s("+OK\r\n", "MULTI"),
		s("+QUEUED\r\n", "WAITAOF", "1", "1", "0"),
		s("*1\r\n"+arr(integer(1), integer(0)), "EXEC"),
	})
}

// TestWaitaofConcurrent: many clients each write then WAITAOF; every
// reply says the write is synced.
func TestWaitaofConcurrent(t *testing.T) {
	_, st, addr := startStored(t, persist.EverySec)
	const n = 8
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			c, err := dialPlain(addr)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer c.Close()
			var got string
			for j := 1; j <= 20 && got == ""; j++ {
				key := "s" + strconv.Itoa(i)
				if r := c.cmd("XADD", key, strconv.Itoa(j)+"-1", "f", "v"); r != bulk(strconv.Itoa(j)+"-1") {
					got = "XADD: " + r
				} else if r := c.cmd("WAITAOF", "1", "0", "1000"); r != arr(integer(1), integer(0)) {
					got = "WAITAOF: " + r
				}
			}
			errs <- got
		}(i)
	}
	for i := 0; i < n; i++ {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
	if st.syncs.Load() == 0 {
		t.Fatal("no store sync")
	}
}

// plainClient is a RESP client for goroutines other than the test's: it
// reports errors in its replies instead of failing the test.
type plainClient struct {
	net.Conn
	r *bufio.Reader
}

func dialPlain(addr string) (*plainClient, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &plainClient{Conn: c, r: bufio.NewReader(c)}, nil
}

// cmd sends one command and returns its reply, or the error as text.
func (c *plainClient) cmd(args ...string) string {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(encodeCmd(args...)); err != nil {
		return err.Error()
	}
	var sb strings.Builder
	if err := readReply(c.r, &sb); err != nil {
		return err.Error()
	}
	return sb.String()
}
