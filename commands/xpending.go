package commands

import (
	"strconv"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		Name: "xpending", Arity: -3, Flags: ReadOnly,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@read", "@stream", "@slow"},
		Tips:     []string{"nondeterministic_output"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RO", "access")},
		Handler:  xpendingCmd,
		Summary:  "Returns the information and entries from a stream consumer group's pending entries list.",
		Since:    "5.0.0", Group: "stream",
		Complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
		History:    [][2]string{{"6.2.0", "Added the `IDLE` option and exclusive range intervals."}},
		Args: []ArgDoc{keyArg(0), strArg("group"),
			optional(block("filters",
				since(optional(token(intArg("min-idle-time"), "IDLE")), "6.2.0"),
				strArg("start"), strArg("end"), intArg("count"), optional(strArg("consumer"))))},
	})
}

// xpendingArgs is a parsed XPENDING.
type xpendingArgs struct {
	// Summary is set for the two-argument form.
	Summary    bool
	MinIdle    int64
	Start, End stream.ID
	Count      int64
	// Consumer is nil when not given.
	Consumer []byte
}

// parseXPending parses XPENDING key group [[IDLE min-idle-time] start end
// count [consumer]] in Redis's order of checks: the argument count, IDLE's
// value, the count, then start and end. Arguments after the consumer are
// ignored, as Redis ignores them.
func parseXPending(args [][]byte) (xpendingArgs, error) {
	if len(args) == 3 {
		return xpendingArgs{Summary: true}, nil
	}
	if len(args) < 6 || len(args) > 9 {
		return xpendingArgs{}, ErrSyntax
	}
	var a xpendingArgs
	at := 3
	if EqualFold(args[3], "idle") {
		n, ok := ParseInt(args[4])
		if !ok {
			return xpendingArgs{}, ErrNotInteger
		}
		if len(args) < 8 {
			return xpendingArgs{}, ErrSyntax
		}
		a.MinIdle = n
		at += 2
	}
	n, ok := ParseInt(args[at+2])
	if !ok {
		return xpendingArgs{}, ErrNotInteger
	}
	a.Count = max(n, 0)
	var err error
	if a.Start, err = parseRangeStart(args[at]); err != nil {
		return xpendingArgs{}, err
	}
	if a.End, err = parseRangeEnd(args[at+1]); err != nil {
		return xpendingArgs{}, err
	}
	if at+3 < len(args) {
		a.Consumer = args[at+3]
	}
	return a, nil
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
func xpendingCmd(c *Ctx) error {
	a, err := parseXPending(c.Args)
	if err != nil {
		return err
	}
	key, name := c.Args[1], c.Args[2]
	_, g := lookupGroup(c, key, name)
	if g == nil {
		return errNoKeyOrGroup(key, name)
	}
	if a.Summary {
		writePendingSummary(c, g.Summary())
		return nil
	}
	q := pel.Query{Start: a.Start, End: a.End, Count: countArg(a.Count), MinIdle: a.MinIdle, Now: c.Now}
	if a.Count == 0 {
		c.W.Array(0)
		return nil
	}
	var list []*pel.Pending
	if a.Consumer != nil {
		cons := g.Consumer(string(a.Consumer))
		if cons == nil {
			c.W.Array(0)
			return nil
		}
		list = cons.Range(nil, q)
	} else {
		list = g.Range(nil, q)
	}
	w := c.W
	w.Array(len(list))
	for _, p := range list {
		w.Array(4)
		writeID(w, p.ID())
		w.BulkString(p.Owner().Name())
		w.Int(xpendingIdle(p, c.Now))
		w.Uint(p.DeliveryCount())
	}
	return nil
}

// writePendingSummary writes XPENDING's summary form: the count, the
// smallest and greatest pending IDs and each consumer's count (a bulk
// string, as Redis sends it), or nils for an empty PEL.
func writePendingSummary(c *Ctx, s pel.Summary) {
	w := c.W
	w.Array(4)
	w.Int(int64(s.Count))
	if s.Count == 0 {
		w.Null()
		w.Null()
		w.NullArray()
		return
	}
	writeID(w, s.Min)
	writeID(w, s.Max)
	w.Array(len(s.Consumers))
	var buf [20]byte
	for _, cc := range s.Consumers {
		w.Array(2)
		w.BulkString(cc.Name)
		w.Bulk(strconv.AppendInt(buf[:0], int64(cc.Count), 10))
	}
}

// xpendingIdle is the idle time XPENDING shows for p at now: -1 for an entry
// XNACK released (consumer "" and delivery time 0 in Redis 8.8's
// documented example), the milliseconds since its delivery otherwise.
func xpendingIdle(p *pel.Pending, now int64) int64 {
	if p.Nacked() {
		return -1
	}
	return p.Idle(now)
}
