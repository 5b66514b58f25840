package commands

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/pubsub"
)

// MONITOR: a monitoring client gets one line per command any client runs,
// as Redis writes it:
//
//	+<unix seconds>.<microseconds> [<db> <client address>] "name" "arg" ...
//
// # Which commands, when
//
// As in Redis, a command is fed once it ran (so SELECT shows the database
// it selected and a blocking command shows when it blocks), whatever its
// outcome; a command refused before running (unknown, wrong arity, not
// authenticated) is not, nor are commands flagged admin or skip_monitor.
// EXEC feeds its queued commands as they run, then itself. AUTH and HELLO
// AUTH show their credentials as "(redacted)".
//
// # Cost and delivery
//
// With nobody monitoring, a command pays one atomic load (monitorSet.on).
// A line goes to each monitor's outbox (the one Pub/Sub messages use,
// notify.go) without waiting: Outbox.Add never blocks, its goroutine writes
// through resp.Interject while the monitor is idle, and the monitor's own
// goroutine moves it behind its replies otherwise. A monitor whose outbox
// goes over the output limits is disconnected, as Redis drops a client over
// its client-output-buffer-limit. A line shows a command, not an
// acknowledged result, so it does not wait for the commit.

func init() {
	register(&Command{Name: "monitor", Arity: 1, Flags: NoKeyspace | Admin | NoScript | Loading | Stale,
		ACL: []string{"@admin", "@slow", "@dangerous"}, Handler: monitorCmd,
		Summary: "Listens for all requests received by the server in real-time.", Since: "1.0.0", Group: "server"})
}

// monitorSet is the server's list of monitoring clients.
type monitorSet struct {
	// n is len(list), read without the lock by every command.
	n atomic.Int32

	// mu guards the fields below; it is taken after the keyspace lock when
	// both are held (a command's feed), and before a monitor's outbox lock.
	mu   sync.Mutex
	list []monitorEntry
	// line is the scratch buffer a line is formatted in.
	line []byte
}

// monitorEntry is one monitoring client and whether its feed is silenced.
type monitorEntry struct {
	c *Client
	// muted mirrors the monitor's CLIENT REPLY OFF or SKIP as it stood
	// after its last command, for the other clients' feeds: Redis drops
	// every reply, the feed included, to a client whose replies are off.
	// The monitor's own goroutine sets it in feedMonitors (its reply flags
	// are its own); m.mu guards it.
	muted bool
}

// on reports whether any client monitors; it is the only cost a command
// pays when none does.
func (m *monitorSet) on() bool { return m.n.Load() != 0 }

func (m *monitorSet) add(c *Client) {
	m.mu.Lock()
	m.list = append(m.list, monitorEntry{c: c, muted: c.replyOff || c.replySkipNext})
	m.n.Store(int32(len(m.list)))
	m.mu.Unlock()
}

// remove drops c from the list; it reports whether c was in it.
func (m *monitorSet) remove(c *Client) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, e := range m.list {
		if e.c == c {
			last := len(m.list) - 1
			m.list[i] = m.list[last]
			m.list[last] = monitorEntry{}
			m.list = m.list[:last]
			m.n.Store(int32(len(m.list)))
			return true
		}
	}
	return false
}

// MONITOR
func monitorCmd(c *Ctx) error {
	cl := c.C
	if c.InMulti {
		return errMonitorDenyBlocking
	}
	if cl.monitoring {
		// Redis ignores a second MONITOR without a reply.
		return nil
	}
	cl.pushSink(c.S.config.outputLimits.monitorLimits())
	cl.mu.Lock()
	cl.monitoring = true
	cl.mu.Unlock()
	c.S.monitors.add(cl)
	c.W.OK()
	return nil
}

// stopMonitor ends c's monitoring (RESET, disconnect). Lines already queued
// for it are still delivered unless the outbox is closed too.
func (s *Server) stopMonitor(c *Client) {
	if !c.monitoring {
		return
	}
	s.monitors.remove(c)
	c.mu.Lock()
	c.monitoring = false
	c.mu.Unlock()
}

// monitorRefused reports whether a monitoring client may not run cmd:
// Redis treats a monitor as a replica, which may not touch the keyspace.
// PUBLISH and SPUBLISH count as commands that may replicate, as Redis's
// command table marks them although COMMAND INFO does not show it.
func monitorRefused(cmd *Command) bool {
	if cmd.Flags&(Write|ReadOnly|MayReplicate) != 0 {
		return true
	}
	return cmd.Name == "publish" || cmd.Name == "spublish"
}

// feedMonitors sends the line of a command c just ran to every monitor.
// Callers check monitors.on first. It runs on c's goroutine, before the
// dispatcher applies c's CLIENT REPLY state to the command's reply.
//
// A monitor whose replies are off (CLIENT REPLY OFF, or SKIP until its
// next command ends) gets no line, as Redis adds nothing to the output of
// such a client; nor does a monitor that is closing after its reply
// (QUIT). When c is a monitor, its own entry's muted flag is brought up to
// date here, admin commands included, since only c's goroutine may read
// c's reply flags.
func (s *Server) feedMonitors(c *Client, cmd *Command, args [][]byte) {
	self := c.monitoring
	fed := cmd.Flags&(Admin|SkipMonitor) == 0
	if !fed && !self {
		return
	}
	m := &s.monitors
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.list) == 0 {
		return
	}
	if fed {
		m.line = appendMonitorLine(m.line[:0], time.Now(), c.ownDB(), c.addr, cmd.Name, args)
		for _, e := range m.list {
			if e.c == c {
				// Its state now, this command's CLIENT REPLY included.
				if c.replyOff || c.replySkip || c.closeAfterReply {
					continue
				}
			} else if e.muted {
				continue
			}
			// A false return (over the limits) already closed the
			// connection; its disconnect removes it from the list.
			e.c.sink.out.Add(m.line, 0)
		}
	}
	if self {
		m.settleLocked(c)
	}
}

// settleLocked brings monitor c's muted flag to what holds once its
// current command is over: OFF stays, a SKIP just asked for silences the
// monitor until its next command, a SKIP this command consumed no longer
// does. m.mu must be held; it runs on c's goroutine.
func (m *monitorSet) settleLocked(c *Client) {
	for i := range m.list {
		if m.list[i].c == c {
			m.list[i].muted = c.replyOff || c.replySkipNext
		}
	}
}

// monitorRejected settles the muted flag of monitor c after a command of
// its was refused before running. Such a command is in no feed, but as in
// Redis it still consumes a CLIENT REPLY SKIP (its refusal is the reply
// skipped), so the other clients' lines reach c again from the next
// command on.
func (s *Server) monitorRejected(c *Client) {
	if !c.monitoring {
		return
	}
	m := &s.monitors
	m.mu.Lock()
	m.settleLocked(c)
	m.mu.Unlock()
}

// appendMonitorLine formats one monitor line, CRLF included.
func appendMonitorLine(b []byte, now time.Time, db int, addr, name string, args [][]byte) []byte {
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := now.Nanosecond() / 1000
	for d := 100000; d > 1 && us < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(us), 10)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	b = append(b, addr...)
	b = append(b, ']')
	lo, hi := redacted(name, args)
	for i, a := range args {
		b = append(b, ' ')
		if i >= lo && i < hi {
			b = append(b, `"(redacted)"`...)
		} else {
			b = appendRepr(b, a)
		}
	}
	return append(b, '\r', '\n')
}

// redacted returns the range args[lo:hi] of credentials a monitor must not
// see, as Redis's AUTH and HELLO redact them while they parse: AUTH's
// password (and user) when it has at most three arguments; HELLO's first
// AUTH user and password once the protocol version is valid and every
// option before them parsed.
func redacted(name string, args [][]byte) (lo, hi int) {
	switch name {
	case "auth":
		if len(args) <= 3 {
			return 1, len(args)
		}
	case "hello":
		if len(args) < 2 {
			return 0, 0
		}
		if v, err := strconv.ParseInt(string(args[1]), 10, 64); err != nil || v < 2 || v > 3 {
			return 0, 0
		}
		for j := 2; j < len(args); j++ {
			more := len(args) - 1 - j
			switch {
			case EqualFold(args[j], "auth") && more >= 2:
				return j + 1, j + 3
			case EqualFold(args[j], "setname") && more >= 1:
				j++
			default:
				return 0, 0
			}
		}
	}
	return 0, 0
}

// appendRepr appends a quoted as Redis's sdscatrepr does: printable ASCII
// as is, \" \\ \n \r \t \a \b escaped, other bytes as \xHH.
func appendRepr(b, a []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, ch := range a {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= 0x20 && ch < 0x7f {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&0xf])
			}
		}
	}
	return append(b, '"')
}

// monitorLimits returns the limits of a monitor's outbox: the normal
// class's, as Redis counts a monitor a normal client. Redis's default for
// that class is no limit at all; runnel then bounds a monitor as it bounds
// a subscriber, so that a monitor that stops reading cannot make the server
// hold an unbounded feed.
func (o *outputLimits) monitorLimits() pubsub.Limits {
	o.mu.Lock()
	defer o.mu.Unlock()
	if l := o.classes[0]; l.Hard > 0 || l.Soft > 0 {
		return l
	}
	return pubsub.DefaultLimits
}
