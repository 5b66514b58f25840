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
// pubsub class bounds a subscriber's outbox; the normal class bounds the
// replies a connection has not sent yet (checkOutputLimit); the replica
// class is kept so CONFIG GET and SET round-trip what tools set.
type outputLimits struct {
	mu      sync.Mutex
	classes [3]pubsub.Limits // normal, slave, pubsub
	// normal mirrors classes[0] for the per-command check, which must not
	// take mu; any of its limits 0 means that limit is off.
	normalHard, normalSoft, normalSoftFor atomic.Int64
}

// outputClasses are the class names in CONFIG GET's order; "replica" is
// accepted for "slave".
var outputClasses = [3]string{"normal", "slave", "pubsub"}

func newOutputLimits() *outputLimits {
	return &outputLimits{classes: [3]pubsub.Limits{
		{},
		{Hard: 256 << 20, Soft: 64 << 20, SoftFor: 60 * time.Second},
		pubsub.DefaultLimits,
	}}
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

// pubsubLimits returns the limits a new subscriber's outbox gets.
func (o *outputLimits) pubsubLimits() pubsub.Limits {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.classes[2]
}

// set applies a value checkOutputLimits accepted: the classes it names
// change, the others keep their limits, as in Redis.
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
	n := o.classes[0]
	o.normalHard.Store(int64(n.Hard))
	o.normalSoft.Store(int64(n.Soft))
	o.normalSoftFor.Store(int64(n.SoftFor))
}

// checkOutputLimit closes c's connection, as Redis does, once the replies
// it has not sent (beyond Redis's fixed reply buffer: outputUsage) exceed the normal class's hard limit, or its soft limit
// for longer than the soft seconds (a soft limit with 0 seconds acts at
// once). Pub/Sub connections answer to the pubsub class (their outbox)
// instead. It reports whether it closed the connection; the caller must
// then stop.
func (s *Server) checkOutputLimit(conn redcon.Conn, c *Client) bool {
	o := s.config.outputLimits
	hard, soft := o.normalHard.Load(), o.normalSoft.Load()
	if hard == 0 && soft == 0 || c.subscribed() {
		return false
	}
	pending := outputUsage(conn)
	over := hard > 0 && pending > hard
	if !over && soft > 0 && pending > soft {
		now := time.Now()
		if c.softOverSince.IsZero() {
			c.softOverSince = now
		}
		over = now.Sub(c.softOverSince) >= time.Duration(o.normalSoftFor.Load())
	} else if !over {
		c.softOverSince = time.Time{}
	}
	if !over {
		return false
	}
	s.logf("Client id=%d addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.", c.ID, c.addr)
	s.stats.outputLimitClosed.Add(1)
	conn.NetConn().Close() // first: nothing more is written to a reader this slow
	resp.DiscardOutput(conn)
	c.closeAfterReply = true
	return true
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
