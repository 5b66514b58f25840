package commands

import (
	"math"
	"time"

	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		Name: "xread", Arity: -4, Flags: ReadOnly | Blocking,
		ACL:  []string{"@read", "@stream", "@slow", "@blocking"},
		Keys: xreadKeys,
		// The first half of the arguments after STREAMS (movablekeys).
		KeySpecs: []KeySpec{{Flags: []string{"RO", "access"}, Keyword: "STREAMS", StartFrom: 1,
			LastKey: -1, KeyStep: 1, Limit: 2}},
		Handler: xreadCmd,
		Summary: "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
		// No Complexity: Redis 7.4 documents none for XREAD.
		Since: "5.0.0", Group: "stream",
		Args: []ArgDoc{optional(token(intArg("count"), "COUNT")), optional(token(intArg("milliseconds"), "BLOCK")),
			streamsArgDoc()},
	})
}

// xreadKeys returns the positions of XREAD's keys: the first half of the
// arguments after STREAMS.
func xreadKeys(args [][]byte) []int {
	for i := 1; i < len(args); i++ {
		if EqualFold(args[i], "streams") {
			n := (len(args) - i - 1) / 2
			pos := make([]int, n)
			for j := range pos {
				pos[j] = i + 1 + j
			}
			return pos
		}
	}
	return nil
}

// readIDKind says what an XREAD ID argument stands for.
type readIDKind uint8

const (
	// readAfter reads entries after an explicit ID.
	readAfter readIDKind = iota
	// readNew is "$": entries after the stream's last ID when the command
	// first runs (fixed from then on, while it blocks).
	readNew
	// readLast is "+" (Redis 7.4): the last entry, worked out again every
	// time the command runs.
	readLast
	// readBad is an ID argument that fails when its turn comes; Err says
	// how.
	readBad
)

// readID is one parsed XREAD ID argument.
type readID struct {
	Kind readIDKind
	ID   stream.ID
	Err  error
}

// xreadArgs is a parsed XREAD.
type xreadArgs struct {
	// Count limits the entries per stream; 0 means no limit.
	Count int64
	// Block is set by BLOCK; Deadline is then its end (zero: BLOCK 0,
	// forever).
	Block    bool
	Deadline time.Time
	Keys     [][]byte
	IDs      []readID
	// owned is set once Keys no longer alias the client's argument
	// buffers (a blocked command keeps them).
	owned bool
}

// parseTimeout parses a BLOCK argument in milliseconds as Redis 7.4's
// getTimeoutFromObjectOrReply does, now being the command's time in Unix
// ms. It returns the deadline, zero for 0 (no deadline).
func parseTimeout(b []byte, now int64) (time.Time, error) {
	ms, ok := ParseInt(b)
	if !ok {
		return time.Time{}, ErrTimeoutNotInt
	}
	if ms < 0 {
		return time.Time{}, ErrTimeoutNegative
	}
	if ms == 0 {
		return time.Time{}, nil
	}
	if ms > math.MaxInt64-now {
		return time.Time{}, ErrTimeoutRange
	}
	return time.UnixMilli(now + ms), nil
}

// readOptions are the options XREAD and XREADGROUP share, parsed by
// parseReadOptions; streamsAt indexes the first key after STREAMS.
type readOptions struct {
	Count           int64
	Block           bool
	Deadline        time.Time
	Group, Consumer []byte
	NoAck           bool
	// Claim is set by XREADGROUP's CLAIM min-idle-time (Redis 8.4), with
	// MinIdle its value; given twice, the last one counts.
	Claim     bool
	MinIdle   int64
	streamsAt int
}

// parseReadOptions parses the options of XREAD (group false) or XREADGROUP
// up to STREAMS and its balanced keys and IDs, with Redis's errors in its
// order of checks: XREAD refuses GROUP and NOACK with errors of their own,
// and no STREAMS is a syntax error.
func parseReadOptions(args [][]byte, now int64, group bool) (readOptions, error) {
	var o readOptions
	name, special := "xread", byte('$')
	if group {
		name, special = "xreadgroup", '>'
	}
	for i := 1; i < len(args); i++ {
		more := len(args) - i - 1
		opt := args[i]
		switch {
		case more > 0 && EqualFold(opt, "block"):
			i++
			d, err := parseTimeout(args[i], now)
			if err != nil {
				return readOptions{}, err
			}
			o.Block, o.Deadline = true, d
		case more > 0 && EqualFold(opt, "count"):
			i++
			n, ok := ParseInt(args[i])
			if !ok {
				return readOptions{}, ErrNotInteger
			}
			o.Count = max(n, 0)
		case more > 0 && EqualFold(opt, "streams"):
			o.streamsAt = i + 1
			if (len(args)-o.streamsAt)%2 != 0 {
				return readOptions{}, errUnbalancedStreams(name, special)
			}
			i = len(args)
		case more >= 2 && EqualFold(opt, "group"):
			if !group {
				return readOptions{}, ErrXReadGroupOption
			}
			o.Group, o.Consumer = args[i+1], args[i+2]
			i += 2
		case EqualFold(opt, "noack"):
			if !group {
				return readOptions{}, ErrXReadNoAckOption
			}
			o.NoAck = true
		case more > 0 && EqualFold(opt, "claim"):
			if !group {
				return readOptions{}, ErrXReadClaimOption
			}
			i++
			n, err := parseMinIdle(args[i])
			if err != nil {
				return readOptions{}, err
			}
			o.Claim, o.MinIdle = true, n
		default:
			return readOptions{}, ErrSyntax
		}
	}
	if o.streamsAt == 0 {
		return readOptions{}, ErrSyntax
	}
	return o, nil
}

// parseMinIdle parses CLAIM's min-idle-time: an integer as string2ll
// reads it ("+10", "-0", "5.5" and "10e" are not), and not negative (0
// claims every pending entry).
func parseMinIdle(b []byte) (int64, error) {
	n, ok := ParseInt(b)
	switch {
	case !ok:
		return 0, ErrClaimMinIdleNotInt
	case n < 0:
		return 0, ErrClaimMinIdleNegative
	}
	return n, nil
}

// parseXRead parses XREAD [COUNT n] [BLOCK ms] STREAMS key... id... in
// Redis's order of checks; now is the command's time in Unix ms, for
// BLOCK's range check. An invalid ID is not an error yet: Redis reports
// the first failing ID in argument order, and "+" can only fail against
// the stream, so each ID keeps its own error for resolve.
func parseXRead(args [][]byte, now int64) (xreadArgs, error) {
	o, err := parseReadOptions(args, now, false)
	if err != nil {
		return xreadArgs{}, err
	}
	a := xreadArgs{Count: o.Count, Block: o.Block, Deadline: o.Deadline}
	streamsAt := o.streamsAt
	n := (len(args) - streamsAt) / 2
	a.Keys = args[streamsAt : streamsAt+n]
	a.IDs = make([]readID, n)
	for i, b := range args[streamsAt+n:] {
		switch {
		case isToken(b, '$'):
			a.IDs[i].Kind = readNew
		case isToken(b, '+'):
			a.IDs[i].Kind = readLast
		case isToken(b, '>'):
			a.IDs[i] = readID{Kind: readBad, Err: ErrXReadGreaterID}
		default:
			id, err := parseStrictID(b)
			if err != nil {
				a.IDs[i] = readID{Kind: readBad, Err: err}
			} else {
				a.IDs[i] = readID{Kind: readAfter, ID: id}
			}
		}
	}
	return a, nil
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
func xreadCmd(c *Ctx) error {
	a, err := parseXRead(c.Args, c.Now)
	if err != nil {
		return err
	}
	return a.run(c)
}

// run executes the read: it is the command's first run, and every run
// after a wake-up (then a's "$" IDs are already fixed).
func (a *xreadArgs) run(c *Ctx) error {
	var buf [8]stream.ID
	after, err := a.resolve(c, buf[:0])
	if err != nil {
		return err
	}
	if a.serve(c, after) {
		return nil
	}
	if !a.Block {
		c.W.NullArray()
		return nil
	}
	b := a.forBlocking(after)
	return c.Block(b.Keys, b.Deadline, false, b.run, xreadTimedOut)
}

// xreadTimedOut is the reply of a blocked XREAD whose time ran out (and of
// one that cannot block, inside MULTI).
func xreadTimedOut(c *Ctx) { c.W.NullArray() }

// resolve returns, per stream, the ID whose successors the read returns,
// checking the ID arguments in order: "$" is the last ID (0-0 for a missing
// key), "+" the one before the last ID.
func (a *xreadArgs) resolve(c *Ctx, dst []stream.ID) ([]stream.ID, error) {
	for i, r := range a.IDs {
		// Redis looks every stream up (a counted read) before its ID.
		o := c.LookupRead(a.Keys[i])
		var id stream.ID
		switch r.Kind {
		case readBad:
			return nil, r.Err
		case readAfter:
			id = r.ID
		case readNew:
			if o != nil {
				id = o.Stream.LastID()
			}
		case readLast:
			if o != nil {
				var ok bool
				if id, ok = o.Stream.LastID().Prev(); !ok {
					return nil, ErrXReadLastIDZero
				}
			}
		}
		dst = append(dst, id)
	}
	return dst, nil
}

// hasAfter reports whether s has a live entry after id.
func hasAfter(s *stream.Stream, id stream.ID) bool {
	if !id.Less(s.LastID()) {
		return false // nothing was ever added after id
	}
	last, ok := s.LastLiveID()
	return ok && id.Less(last)
}

// serve writes the reply if any stream has entries after its ID, and
// reports whether it did: one element per such stream in argument order (a
// key given twice appears twice), a map keyed by stream name in RESP3.
func (a *xreadArgs) serve(c *Ctx, after []stream.ID) bool {
	n := 0
	for i, key := range a.Keys {
		// The second read lookup per stream Redis counts: its serving pass.
		if o := c.LookupRead(key); o != nil && hasAfter(o.Stream, after[i]) {
			n++
		}
	}
	if n == 0 {
		return false
	}
	resp3 := c.W.RESP3()
	if resp3 {
		c.W.Map(n)
	} else {
		c.W.Array(n)
	}
	for i, key := range a.Keys {
		o := c.Lookup(key)
		if o == nil || !hasAfter(o.Stream, after[i]) {
			continue
		}
		if !resp3 {
			c.W.Array(2)
		}
		c.W.Bulk(key)
		start, _ := after[i].Next()
		writeRange(c.W, o.Stream, start, stream.Max, countArg(a.Count), false)
	}
	return true
}

// forBlocking returns the read a blocked client runs again when woken: its
// "$" IDs fixed to what they resolved to now (Redis 7.4 rewrites them the
// same way), and its keys copied out of the client's argument buffers.
func (a *xreadArgs) forBlocking(after []stream.ID) *xreadArgs {
	if a.owned {
		// Already a blocked copy: it has no "$" left.
		return a
	}
	b := &xreadArgs{Count: a.Count, Block: true, Deadline: a.Deadline, owned: true}
	b.Keys = copyArgs(a.Keys)
	b.IDs = make([]readID, len(a.IDs))
	for i, r := range a.IDs {
		if r.Kind == readNew {
			r = readID{Kind: readAfter, ID: after[i]}
		}
		b.IDs[i] = r
	}
	return b
}
