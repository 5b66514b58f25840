package commands

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/pubsub"
	"github.com/runnel-db/runnel/resp"
	"github.com/tidwall/redcon"
)

// outputLimits is client-output-buffer-limit: a hard limit, a soft limit
// and the soft limit's seconds per client class, as Redis keeps them. The
// normal class bounds what a connection's client has not read
// (checkOutputLimit, and sweepOutputLimits for a client that sends
// nothing more); the pubsub class bounds a subscriber's, its outbox
// included; the replica class is kept so CONFIG GET and SET round-trip
// what tools set.
type outputLimits struct {
	mu      sync.Mutex
	classes [3]pubsub.Limits // normal, slave, pubsub
	// normal and pubsub mirror classes[0] and classes[2] for the checks,
	// which must not take mu; a limit of 0 is off.
	normal, pubsub classLimits
}

// classLimits are one class's limits, readable without a lock.
type classLimits struct {
	hard, soft, softSecs atomic.Int64
}

func (l *classLimits) store(v pubsub.Limits) {
	l.hard.Store(int64(v.Hard))
	l.soft.Store(int64(v.Soft))
	l.softSecs.Store(int64(v.SoftFor / time.Second))
}

func (l *classLimits) on() bool { return l.hard.Load() != 0 || l.soft.Load() != 0 }

// outputClasses are the class names in CONFIG GET's order; "replica" is
// accepted for "slave".
var outputClasses = [3]string{"normal", "slave", "pubsub"}

func newOutputLimits() *outputLimits {
	o := &outputLimits{classes: [3]pubsub.Limits{
		{},
		{Hard: 256 << 20, Soft: 64 << 20, SoftFor: 60 * time.Second},
		pubsub.DefaultLimits,
	}}
	o.pubsub.store(o.classes[2])
	return o
}

// String is the value as CONFIG GET shows it.
func (o *outputLimits) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	for i, l := range o.classes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(outputClasses[i])
		for _, n := range []int64{int64(l.Hard), int64(l.Soft), int64(l.SoftFor / time.Second)} {
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(n, 10))
		}
	}
	return b.String()
}

// pubsubLimits returns the pubsub class's limits.
func (o *outputLimits) pubsubLimits() pubsub.Limits {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.classes[2]
}

// set applies a value checkOutputLimits accepted: the classes it names
// change, the others keep their limits, as in Redis. Connected clients
// answer to the new limits from the next sweep on (sweepOutputLimits).
func (o *outputLimits) set(v string) {
	f := strings.Fields(v)
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := 0; i+3 < len(f); i += 4 {
		class := outputClass(f[i])
		hard, _ := parseMemory(f[i+1])
		soft, _ := parseMemory(f[i+2])
		secs, _ := strconv.ParseInt(f[i+3], 10, 64)
		o.classes[class] = pubsub.Limits{Hard: int(hard), Soft: int(soft), SoftFor: time.Duration(secs) * time.Second}
	}
	o.normal.store(o.classes[0])
	o.pubsub.store(o.classes[2])
}

// readAhead is how many bytes of replies its client has not read a
// connection queues while it reads on (resp.Server.SetReadAhead): with a
// normal class limit, enough to pass it, so that a client that sends
// without reading is closed as Redis closes it rather than merely no
// longer read; without one, nothing (the client is not read until it
// reads).
func (o *outputLimits) readAhead() int64 {
	hard, soft := o.normal.hard.Load(), o.normal.soft.Load()
	if hard == 0 && soft == 0 {
		return 0
	}
	return max(hard, soft) + replyBufferBytes
}

// overOutputLimit reports whether usage breaks l, as Redis's
// checkClientOutputBufferLimits decides: at once at the hard limit; at the
// soft limit once it has been there, at every check, for more than the
// soft seconds, counted in whole seconds of the clock (a soft limit of 0
// seconds closes at the next second, not at once). now is the clock in
// Unix seconds, 0 to read it if needed. It keeps the soft limit's state
// in c.
func (c *Client) overOutputLimit(usage int64, l *classLimits, now int64) bool {
	if hard := l.hard.Load(); hard > 0 && usage >= hard {
		return true
	}
	if soft := l.soft.Load(); soft == 0 || usage < soft {
		if c.softOverSince.Load() != 0 {
			c.softOverSince.Store(0)
		}
		return false
	}
	if now == 0 {
		now = time.Now().Unix()
	}
	since := c.softOverSince.Load()
	if since == 0 {
		c.softOverSince.CompareAndSwap(0, now)
		return false
	}
	return now-since > l.softSecs.Load()
}

// checkOutputLimit closes c's connection, as Redis does, once what its
// client has not read (beyond Redis's fixed reply buffer: outputUsage,
// and the messages queued in its outbox) breaks its class's limits
// (overOutputLimit): the pubsub class while it is subscribed, else the
// normal one. It runs after each reply is queued. It reports whether it
// closed the connection; the caller must then stop.
func (s *Server) checkOutputLimit(conn redcon.Conn, c *Client) bool {
	o := s.config.outputLimits
	l := &o.normal
	if c.sink != nil && c.subscribed() {
		l = &o.pubsub
	}
	if !l.on() {
		return false
	}
	usage := outputUsage(conn)
	if c.sink != nil {
		usage += int64(c.sink.out.Len())
	}
	if !c.overOutputLimit(usage, l, 0) {
		return false
	}
	s.closeForOutputLimit(c, true)
	resp.DiscardOutput(conn)
	c.closeAfterReply = true
	return true
}

// closeForOutputLimit closes c for breaking its output limits, once: it
// logs it as Redis does (scheduled when a reply or message went over,
// else closed by the periodic check), counts it in
// client_output_buffer_limit_disconnections and closes the socket, which
// ends the connection and releases what it held.
func (s *Server) closeForOutputLimit(c *Client, scheduled bool) {
	if !c.outputLimitClosed.CompareAndSwap(false, true) {
		return
	}
	s.stats.outputLimitClosed.Add(1)
	if nc := c.conn.NetConn(); nc != nil {
		nc.Close() // first: nothing more is written to a reader this slow
	}
	how := "closed"
	if scheduled {
		how = "scheduled to be closed ASAP"
	}
	s.logf("Client id=%d addr=%s %s for overcoming of output buffer limits.", c.ID, c.addr, how)
}

// sweepOutputLimits checks every client against its output limits, as
// Redis's clientsCron does ten times a second: a client whose replies
// stay unread over the soft limit is closed once the soft seconds have
// passed even if it sends nothing more, and one over limits lowered by
// CONFIG SET is closed too. It costs nothing while no class that applies
// has a limit and nobody has an outbox.
func (s *Server) sweepOutputLimits(now time.Time) {
	o := s.config.outputLimits
	if !o.normal.on() && s.sinks.Load() == 0 {
		return
	}
	sec := now.Unix()
	s.clientsMu.Lock()
	list := s.sweepList[:0]
	for _, c := range s.clients {
		list = append(list, c)
	}
	s.clientsMu.Unlock()
	for i, c := range list {
		list[i] = nil
		if c.outputLimitClosed.Load() || c.conn == nil {
			continue
		}
		c.mu.Lock()
		sink, sub := c.sink, c.sub
		c.mu.Unlock()
		l := &o.normal
		usage := outputUsage(c.conn)
		if sink != nil {
			// The outbox answers to the same class from now on (a
			// monitor's or tracking client's to the pubsub default when
			// the normal class has no limit: monitorLimits).
			subscribed := false
			if sub != nil {
				n, p, sh := sub.Counts()
				subscribed = n+p+sh > 0
			}
			if subscribed {
				l = &o.pubsub
				sink.out.SetLimits(o.pubsubLimits())
			} else {
				sink.out.SetLimits(o.monitorLimits())
			}
			usage += int64(sink.out.Len())
		}
		if l.on() && c.overOutputLimit(usage, l, sec) {
			s.closeForOutputLimit(c, false)
		}
	}
	s.sweepList = list[:0]
}

// outputClass returns the index of a class name, or -1.
func outputClass(name string) int {
	switch strings.ToLower(name) {
	case "normal":
		return 0
	case "slave", "replica":
		return 1
	case "pubsub":
		return 2
	}
	return -1
}

// checkOutputLimits validates client-output-buffer-limit with Redis's
// error texts: groups of class, hard, soft, soft seconds.
func checkOutputLimits(v string) (string, string) {
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return "", "Wrong number of arguments in buffer limit configuration."
	}
	for i := 0; i < len(f); i += 4 {
		if outputClass(f[i]) < 0 {
			return "", "Invalid client class specified in buffer limit configuration."
		}
		_, okHard := parseMemory(f[i+1])
		_, okSoft := parseMemory(f[i+2])
		secs, err := strconv.ParseInt(f[i+3], 10, 64)
		if !okHard || !okSoft || err != nil || secs < 0 {
			return "", "Error in hard, soft or soft_seconds setting in buffer limit configuration."
		}
	}
	return strings.Join(f, " "), ""
}

// replyBufferBytes is the size of Redis's fixed reply buffer
// (PROTO_REPLY_CHUNK_BYTES). Redis's output buffer limits, CLIENT LIST's
// omem and INFO's client_recent_max_output_buffer count only the replies
// beyond it, so small replies never reach even a 1-byte limit.
const replyBufferBytes = 16 << 10

// outputUsage returns what Redis would count of conn's unsent replies:
// the bytes beyond replyBufferBytes.
func outputUsage(conn redcon.Conn) int64 {
	return max(0, resp.Pending(conn)-replyBufferBytes)
}
