package commands

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// TestReadsAfterAFailedCommit: once a commit fails, writes are refused
// with MISCONF and so are reads, whose replies would otherwise wait for
// writes that never become durable (a tester saw XLEN and DBSIZE close the
// connection without a reply); PING and INFO still answer, and a
// transaction's reads get the same error. The client whose write failed
// gets no reply: its connection closes.
func TestReadsAfterAFailedCommit(t *testing.T) {
	st := newGatedStore(persist.Always, true)
	srv, addr := startServing(t, Options{Store: st})
	c := dialRaw(t, addr)
	if got := c.do("XADD", "s", "1-0", "f", "v"); got != bulk("1-0") {
		t.Fatalf("XADD before the failure = %q", got)
	}
	if got := c.do("XLEN", "s"); got != integer(1) {
		t.Fatalf("XLEN before the failure = %q", got)
	}
	if err := srv.StoreFailure(); err != nil {
		t.Fatalf("StoreFailure before any failure: %v", err)
	}
	fail := errors.New("disk on fire")
	st.fail.Store(&fail)
	w := dialRaw(t, addr)
	w.send("XADD", "s", "2-0", "f", "v")
	if !closedWithoutReplyRaw(w, 5*time.Second) {
		t.Fatal("the write whose commit failed got a reply")
	}
	if err := srv.StoreFailure(); !errors.Is(err, fail) {
		t.Errorf("StoreFailure after the failed commit = %v, want %v", err, fail)
	}
	r := dialRaw(t, addr)
	for _, cmd := range [][]string{{"XLEN", "s"}, {"DBSIZE"}, {"XRANGE", "s", "-", "+"}, {"EXISTS", "s"}} {
		if got := r.do(cmd...); got != errReply(ErrPersistenceRead) {
			t.Errorf("%s after the failure = %q, want %q", strings.Join(cmd, " "), got, errReply(ErrPersistenceRead))
		}
	}
	if got := r.do("XADD", "s", "3-0", "f", "v"); got != errReply(ErrPersistence) {
		t.Errorf("XADD after the failure = %q", got)
	}
	if got := r.do("PING"); got != "+PONG\r\n" {
		t.Errorf("PING after the failure = %q", got)
	}
	if got := r.do("INFO", "persistence"); !strings.HasPrefix(got, "$") {
		t.Errorf("INFO after the failure = %q", got)
	}
	r.do("MULTI")
	r.do("XLEN", "s")
	want := "-EXECABORT Transaction discarded because of: " + strings.TrimPrefix(string(ErrPersistenceRead), "ERR ") + "\r\n"
	if got := r.do("EXEC"); got != want {
		t.Errorf("EXEC of a read after the failure = %q, want %q", got, want)
	}
}

// closedWithoutReplyRaw reports whether c's connection is closed by the
// server within d without any byte arriving first.
func closedWithoutReplyRaw(c *rawClient, d time.Duration) bool {
	c.conn.SetReadDeadline(time.Now().Add(d))
	_, err := c.r.ReadByte()
	return err != nil && !isTimeout(err)
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}
