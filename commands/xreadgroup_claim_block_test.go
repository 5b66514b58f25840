package commands

import (
	"testing"
	"time"
)

// A blocked XREADGROUP ... CLAIM wakes when a pending entry becomes idle
// enough, with no write to the stream (Redis's "XREADGROUP CLAIM messages
// become claimable during block"), and the claim is committed and visible.
func TestXReadGroupClaimBlockWokenByIdleness(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "s", "1-0", "f", "v1")
	a.do("XGROUP", "CREATE", "s", "g", "0")
	a.do("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
	start := time.Now()
	b.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "10000", "CLAIM", "300", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	got := b.read(5 * time.Second)
	if want := claimRead("s", claimEntry("1-0 f v1", "*", "1")); !matchReply(want, got) {
		t.Fatalf("woken reply %q, want %q", got, want)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 4*time.Second {
		t.Fatalf("woken after %v, want about 300ms", d)
	}
	waitBlocked(t, s, 0)
	if got, want := a.do("XPENDING", "s", "g", "-", "+", "10"), "*1\r\n"+xpendingLine("1-0", "c2", 2); !matchReply(want, got) {
		t.Fatalf("XPENDING after the woken claim = %q, want %q", got, want)
	}
}

// New entries wake a CLAIM read before anything is idle enough ("XREADGROUP
// CLAIM BLOCK wakes on new message before min-idle-time reached").
func TestXReadGroupClaimBlockWokenByXAdd(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "s", "1-0", "f", "v1")
	a.do("XGROUP", "CREATE", "s", "g", "0")
	a.do("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
	b.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "10000", "CLAIM", "60000", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	a.do("XADD", "s", "2-0", "f", "v2")
	if got, want := b.read(5*time.Second), claimRead("s", claimEntry("2-0 f v2", "0", "0")); got != want {
		t.Fatalf("woken reply %q, want %q", got, want)
	}
}

// Nothing idle enough before the deadline: the timeout's null ("XREADGROUP
// CLAIM block times out with no claimable messages").
func TestXReadGroupClaimBlockTimeout(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "s", "1-0", "f", "v1")
	a.do("XGROUP", "CREATE", "s", "g", "0")
	a.do("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
	start := time.Now()
	if got := b.do("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "200", "CLAIM", "5000", "STREAMS", "s", ">"); got != "*-1\r\n" {
		t.Fatalf("timed out reply %q", got)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("returned after %v, before the deadline", d)
	}
	if got, want := a.do("XPENDING", "s", "g", "-", "+", "10"), "*1\r\n"+xpendingLine("1-0", "c1", 1); !matchReply(want, got) {
		t.Fatalf("XPENDING = %q, want %q", got, want)
	}
}

// Two blocked CLAIM readers and one new entry: the first gets it as new,
// the second claims it once it has been idle long enough ("XREADGROUP
// CLAIM with two blocked clients"): its timer is armed by the run that
// kept it waiting, when the first reader's delivery made the entry pending.
func TestXReadGroupClaimBlockTwoReaders(t *testing.T) {
	s, _ := startServer(t)
	a, b, c := dialStream(t, s), dialStream(t, s), dialStream(t, s)
	a.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	b.send("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "CLAIM", "100", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	c.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "CLAIM", "100", "STREAMS", "s", ">")
	waitBlocked(t, s, 2)
	a.do("XADD", "s", "2-0", "f", "v2")
	if got, want := b.read(5*time.Second), claimRead("s", claimEntry("2-0 f v2", "0", "0")); got != want {
		t.Fatalf("first reader %q, want %q", got, want)
	}
	if got, want := c.read(5*time.Second), claimRead("s", claimEntry("2-0 f v2", "*", "1")); !matchReply(want, got) {
		t.Fatalf("second reader %q, want %q", got, want)
	}
	waitBlocked(t, s, 0)
}

// Something claimable at once: no wait at all ("XREADGROUP CLAIM claims all
// pending immediately").
func TestXReadGroupClaimBlockImmediate(t *testing.T) {
	s, _ := startServer(t)
	a := dialStream(t, s)
	a.do("XADD", "s", "1-0", "f", "v1")
	a.do("XGROUP", "CREATE", "s", "g", "0")
	a.do("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
	if got, want := a.do("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "CLAIM", "0", "STREAMS", "s", ">"), claimRead("s", claimEntry("1-0 f v1", "*", "1")); !matchReply(want, got) {
		t.Fatalf("reply %q, want %q", got, want)
	}
}

// XCLAIM FORCE makes an entry pending while a CLAIM read waits with nothing
// pending (so no claim timer): XCLAIM nudges the waiter, which then claims
// the entry once it is idle enough, before its deadline.
func TestXReadGroupClaimBlockNudgedByXClaim(t *testing.T) {
	s, _ := startServer(t)
	a, b := dialStream(t, s), dialStream(t, s)
	a.do("XADD", "s", "1-0", "f", "v1")
	a.do("XGROUP", "CREATE", "s", "g", "$")
	start := time.Now()
	b.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "5000", "CLAIM", "200", "STREAMS", "s", ">")
	waitBlocked(t, s, 1)
	a.do("XCLAIM", "s", "g", "c1", "0", "1-0", "FORCE", "JUSTID")
	got := b.read(5 * time.Second)
	if want := claimRead("s", claimEntry("1-0 f v1", "*", "1")); !matchReply(want, got) {
		t.Fatalf("reply %q, want %q", got, want)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("claimed after %v: the waiter was not nudged", d)
	}
}
