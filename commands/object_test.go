package commands

import (
	"strings"
	"testing"
	"time"
)

// TestContainersHaveHelp: every container's "unknown subcommand" error
// ends "Try <NAME> HELP.", so each must answer <NAME> HELP with a help
// array. OBJECT and MEMORY used to answer their own HELP with that error.
func TestContainersHaveHelp(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	n := 0
	All(func(cmd *Command) {
		if cmd.Sub == nil {
			return
		}
		n++
		if cmd.Sub["help"] == nil {
			t.Errorf("%s has subcommands but no %s|help row", cmd.Name, cmd.Name)
		}
		got := c.do(cmd.Name, "help")
		head := "+" + strings.ToUpper(cmd.Name) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
		if !strings.HasPrefix(got[strings.Index(got, "\r\n")+2:], head) ||
			!strings.HasSuffix(got, "+HELP\r\n+    Print this help.\r\n") {
			t.Errorf("%s HELP = %q", cmd.Name, got)
		}
	})
	if n < 5 {
		t.Fatalf("only %d containers found in the table", n)
	}
}

// TestObjectMemoryHelp: the exact lines, one entry per subcommand runnel
// has, in Redis's words, and the arity errors of the HELP rows.
func TestObjectMemoryHelp(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	lines := func(ls ...string) string {
		var b strings.Builder
		b.WriteString("*" + itoa(len(ls)) + "\r\n")
		for _, l := range ls {
			b.WriteString("+" + l + "\r\n")
		}
		return b.String()
	}
	runSteps(t, c, []step{
		s(lines("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"ENCODING <key>",
			"    Return the kind of internal representation used in order to store the value",
			"    associated with a <key>.",
			"FREQ <key>",
			"    Return the access frequency index of the <key>. The returned integer is",
			"    proportional to the logarithm of the recent access frequency of the key.",
			"IDLETIME <key>",
			"    Return the idle time of the <key>, that is the approximated number of",
			"    seconds elapsed since the last access to the key.",
			"REFCOUNT <key>",
			"    Return the number of references of the value associated with the specified",
			"    <key>.",
			"HELP", "    Print this help."), "object", "help"),
		s(lines("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"USAGE <key> [SAMPLES <count>]",
			"    Return memory in bytes used by <key> and its value. Nested values are",
			"    sampled up to <count> times (default: 5, 0 means sample all).",
			"HELP", "    Print this help."), "MEMORY", "HELP"),
		s(errReply(Error("ERR wrong number of arguments for 'object|help' command")), "object", "help", "x"),
		s(errReply(Error("ERR wrong number of arguments for 'memory|help' command")), "memory", "help", "x"),
	})
}

// TestWaitNoReplicas: WAIT for no replica answers 0 at once; WAIT for some
// blocks until its timeout (no replica ever acknowledges), counts as a
// blocked client meanwhile and then answers 0; in MULTI it does not block.
func TestWaitNoReplicas(t *testing.T) {
	_, addr := startServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	id := strings.TrimSuffix(strings.TrimPrefix(b.do("CLIENT", "ID"), ":"), "\r\n")
	runSteps(t, a, []step{
		s(integer(0), "WAIT", "0", "0"),
		s(integer(0), "WAIT", "-3", "0"),
		s(errReply(ErrNotInteger), "WAIT", "x", "0"),
		s(errReply(ErrTimeoutNegative), "WAIT", "1", "-1"),
		s(errReply(ErrTimeoutRange), "WAIT", "1", "9223372036854775807"),
		s("+OK\r\n", "MULTI"),
		s("+QUEUED\r\n", "WAIT", "3", "0"),
		s("*1\r\n"+integer(0), "EXEC"),
	})
	start := time.Now()
	b.send("WAIT", "1", "150")
	waitFor(t, "WAIT to block", func() bool {
		return strings.Contains(a.do("INFO", "clients"), "blocked_clients:1\r\n")
	})
	if got := b.read(); got != integer(0) {
		t.Fatalf("WAIT 1 150 = %q", got)
	}
	if d := time.Since(start); d < 140*time.Millisecond { // the deadline is in whole ms
		t.Fatalf("WAIT 1 150 answered after %v, before its timeout", d)
	}
	// Timeout 0 waits until CLIENT UNBLOCK.
	b.send("WAIT", "2", "0")
	waitFor(t, "WAIT to block", func() bool {
		return strings.Contains(a.do("INFO", "clients"), "blocked_clients:1\r\n")
	})
	runSteps(t, a, []step{s(integer(1), "CLIENT", "UNBLOCK", id)})
	if got := b.read(); got != integer(0) {
		t.Fatalf("WAIT 2 0 after CLIENT UNBLOCK = %q", got)
	}
}
