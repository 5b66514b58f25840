package commands

import (
	"strconv"
	"time"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		// A delivery changes the group, so XREADGROUP is a write, as in
		// Redis ("write", "blocking").
		Name: "xreadgroup", Arity: -7, Flags: Write | Blocking,
		ACL:  []string{"@write", "@stream", "@slow", "@blocking"},
		Keys: xreadgroupKeys,
		// Redis's key spec says RO/access even though the command writes.
		KeySpecs: []KeySpec{{Flags: []string{"RO", "access"}, Keyword: "STREAMS", StartFrom: 4,
			LastKey: -1, KeyStep: 1, Limit: 2}},
		Handler: xreadgroupCmd,
		Summary: "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
		Since:   "5.0.0", Group: "stream",
		Complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
		Args: []ArgDoc{
			token(block("group-block", strArg("group"), strArg("consumer")), "GROUP"),
			optional(token(intArg("count"), "COUNT")),
			optional(token(intArg("milliseconds"), "BLOCK")),
			optional(pureToken("noack", "NOACK")),
			streamsArgDoc(),
		},
	})
}

// xreadgroupKeys returns the positions of XREADGROUP's (and XREAD's) keys
// as Redis's xreadGetKeys finds them: the options are skipped with their
// arguments, so a group, consumer or key called "streams" is not taken for
// the STREAMS keyword; a syntax error has no keys.
func xreadgroupKeys(args [][]byte) []int {
	streamsAt := -1
loop:
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case EqualFold(a, "block"), EqualFold(a, "count"), EqualFold(a, "claim"):
			i++
		case EqualFold(a, "group"):
			i += 2
		case EqualFold(a, "noack"):
		case EqualFold(a, "streams"):
			streamsAt = i
			break loop
		default:
			break loop
		}
	}
	n := len(args) - streamsAt - 1
	if streamsAt < 0 || n == 0 || n%2 != 0 {
		return nil
	}
	pos := make([]int, n/2)
	for j := range pos {
		pos[j] = streamsAt + 1 + j
	}
	return pos
}

// xreadgroupArgs is a parsed XREADGROUP.
type xreadgroupArgs struct {
	Group, Consumer []byte
	// Count limits the entries per stream; 0 means no limit. With CLAIM,
	// the claimed entries and the new ones share it, per stream.
	Count int64
	NoAck bool
	// Claim is set by CLAIM min-idle-time (Redis 8.4): a '>' read first
	// claims the group's pending entries idle at least MinIdle ms
	// (xreadgroup_claim.go).
	Claim   bool
	MinIdle int64
	// Block is set by BLOCK; Deadline is then its end (zero: BLOCK 0).
	Block    bool
	Deadline time.Time
	Keys     [][]byte
	// IDs are the ID arguments as sent: Redis checks each one after its
	// key's group, so they are resolved when the command runs.
	IDs [][]byte
}

// parseXReadGroup parses XREADGROUP GROUP group consumer [COUNT n]
// [BLOCK ms] [CLAIM min-idle-time] [NOACK] STREAMS key... id... (the
// options in any order) in Redis's order of checks; now
// is the command's time in Unix ms, for BLOCK's range check.
func parseXReadGroup(args [][]byte, now int64) (xreadgroupArgs, error) {
	o, err := parseReadOptions(args, now, true)
	if err != nil {
		return xreadgroupArgs{}, err
	}
	a := xreadgroupArgs{Group: o.Group, Consumer: o.Consumer, Count: o.Count, NoAck: o.NoAck,
		Claim: o.Claim, MinIdle: o.MinIdle, Block: o.Block, Deadline: o.Deadline}
	streamsAt := o.streamsAt
	if a.Group == nil {
		return xreadgroupArgs{}, ErrXReadGroupNoGroup
	}
	n := (len(args) - streamsAt) / 2
	a.Keys = args[streamsAt : streamsAt+n]
	a.IDs = args[streamsAt+n:]
	return a, nil
}

// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds]
// [CLAIM min-idle-time] [NOACK] STREAMS key [key ...] id [id ...]
func xreadgroupCmd(c *Ctx) error {
	a, err := parseXReadGroup(c.Args, c.Now)
	if err != nil {
		return err
	}
	return a.run(c)
}

// groupRead is one stream of an XREADGROUP, resolved.
type groupRead struct {
	o *Object
	g *pel.Group
	// history is set for an explicit ID: the consumer's own pending
	// entries after After are served. Otherwise ('>') the entries after
	// the group's LastID are delivered.
	history bool
	after   stream.ID
}

// resolve looks up every stream's group and parses its ID, in Redis's
// order: for each key in turn, the group, then the ID.
func (a *xreadgroupArgs) resolve(c *Ctx, dst []groupRead) ([]groupRead, error) {
	for i, key := range a.Keys {
		o, g := lookupGroup(c, key, a.Group)
		if g == nil {
			return nil, errNoKeyOrGroupRead(key, a.Group)
		}
		r := groupRead{o: o, g: g}
		switch b := a.IDs[i]; {
		case isToken(b, '$'):
			return nil, ErrXReadGroupDollar
		case isToken(b, '+'):
			return nil, ErrXReadGroupPlus
		case isToken(b, '>'):
		default:
			id, err := parseStrictID(b)
			if err != nil {
				return nil, err
			}
			// Redis stands for '>' with the largest ID, so that ID given
			// explicitly reads new entries too.
			r.history = id != stream.Max
			r.after = id
		}
		dst = append(dst, r)
	}
	return dst, nil
}

// run executes the read: on the command's first run and on every run after
// a wake-up, which Redis 7.4 makes a full re-execution.
func (a *xreadgroupArgs) run(c *Ctx) error {
	var buf [8]groupRead
	reads, err := a.resolve(c, buf[:0])
	if err != nil {
		return err
	}
	if c.Waking && !a.readyFor(reads, c.Now) {
		// Woken for nothing (the new entries are gone, or another key's
		// change): keep waiting without touching the consumers.
		a.armClaim(c, reads)
		return errKeepWaiting
	}
	w := c.W
	resp3 := w.RESP3()
	mark := w.Len()
	served := 0
	for i, r := range reads {
		// Redis looks each stream up again to serve it (a counted read).
		c.S.stats.keyspaceRead(true)
		cons := seenConsumer(c, a.Keys[i], r.g, a.Consumer)
		s := r.o.Stream
		// CLAIM applies to '>' reads only; a history read ignores it.
		var claimed []pel.IdleClaim
		if a.Claim && !r.history {
			claimed = a.claimIdle(c, r.o, r.g, cons)
		}
		if r.history || len(claimed) > 0 || hasAfter(s, r.g.LastID) {
			served++
			if !resp3 {
				w.Array(2)
			}
			w.Bulk(a.Keys[i])
			if r.history {
				serveHistory(c, r.o, r.g, cons, r.after, countArg(a.Count))
			} else {
				a.serveNew(c, r.o, r.g, cons, claimed)
			}
		}
		putConsumer(c, r.o, r.g, cons)
	}
	if served > 0 {
		kind := byte('*')
		if resp3 {
			kind = '%'
		}
		insertHeader(w, mark, kind, served)
		return nil
	}
	if !a.Block {
		w.NullArray()
		return nil
	}
	a.armClaim(c, reads)
	if c.Waking {
		// Woken, and still nothing: the wait goes on.
		return errKeepWaiting
	}
	b := a.forBlocking()
	return c.Block(b.Keys, b.Deadline, true, b.run, xreadTimedOut)
}

// readyFor reports whether some stream has entries its group has not
// delivered, or (with CLAIM) pending entries idle long enough: what a woken
// '>' read needs to be served.
func (a *xreadgroupArgs) readyFor(reads []groupRead, now int64) bool {
	for _, r := range reads {
		if r.history || hasAfter(r.o.Stream, r.g.LastID) {
			return true
		}
		if a.Claim {
			if at, ok := r.g.ClaimableAt(a.MinIdle); ok && at <= now {
				return true
			}
		}
	}
	return false
}

// serveNew writes the array of the entries claimed (with CLAIM) followed by
// the entries after g's LastID, at most a.Count in all, delivering the new
// ones to cons: the group's cursor and read counter move with each entry,
// and unless NOACK each becomes pending for cons. With CLAIM every entry
// carries its idle time and delivery count (0 and 0 for new ones).
func (a *xreadgroupArgs) serveNew(c *Ctx, o *Object, g *pel.Group, cons *pel.Consumer, claimed []pel.IdleClaim) {
	w := c.W
	s := o.Stream
	start, _ := g.LastID.Next()
	mark := w.Len()
	writeClaimed(w, s, claimed)
	n := len(claimed)
	count := countArg(a.Count)
	if count > 0 && n >= count {
		insertArrayHeader(w, mark, n)
		return
	}
	if count > 0 {
		count -= n
	}
	delivered := 0
	s.Range(start, stream.Max, count, func(id stream.ID, fields [][]byte) bool {
		advanceGroup(s, g, id)
		if a.Claim {
			writeClaimEntry(w, id, fields, 0, 0)
		} else {
			writeEntry(w, id, fields)
		}
		if !a.NoAck {
			// Normally the entry is new to the PEL; after XGROUP SETID
			// moved the cursor back it may be pending already, and its
			// record is then updated, not created.
			if p, fresh, err := g.Deliver(cons, id, c.Now); err == nil {
				if fresh {
					putNewPending(c, o, g, p)
				} else {
					putPending(c, o, g, p)
				}
			}
		}
		n++
		delivered++
		return true
	})
	insertArrayHeader(w, mark, n)
	if delivered > 0 {
		putGroup(c, o, g)
		// Redis counts one change per stream served, however many
		// entries it delivered.
		c.Dirty(1)
	}
}

// serveHistory writes cons's pending entries after after, at most count
// (0: all), as a history read does: an entry still in the stream counts as
// delivered again (time now, count + 1); one deleted from the stream comes
// back as its ID with a nil body and its record is left alone.
func serveHistory(c *Ctx, o *Object, g *pel.Group, cons *pel.Consumer, after stream.ID, count int) {
	w := c.W
	start, ok := after.Next()
	if !ok {
		start = stream.Min
	}
	mark := w.Len()
	n := 0
	for cur := cons.Seek(start); count <= 0 || n < count; n++ {
		p, ok := cur.Next()
		if !ok {
			break
		}
		fields, live := o.Stream.Get(p.ID())
		if !live {
			w.Array(2)
			writeID(w, p.ID())
			w.NullArray()
			continue
		}
		writeEntry(w, p.ID(), fields)
		if g.Redeliver(p, c.Now) == nil {
			putPending(c, o, g, p)
		}
	}
	insertArrayHeader(w, mark, n)
}

// forBlocking returns the read a blocked client runs again when woken, its
// arguments copied out of the client's buffers. It never returns a itself,
// so that a command's parsed arguments stay off the heap.
func (a *xreadgroupArgs) forBlocking() *xreadgroupArgs {
	b := *a
	// One copy of all of them: the keys, the IDs, the group and the
	// consumer, in that order.
	all := copyArgs(a.Keys, a.IDs, [][]byte{a.Group, a.Consumer})
	n, m := len(a.Keys), len(a.Keys)+len(a.IDs)
	b.Keys = all[:n:n]
	b.IDs = all[n:m:m]
	b.Group, b.Consumer = all[m], all[m+1]
	return &b
}

// insertHeader inserts the header of an aggregate of kind ('*' array, '%'
// map) with n elements at offset mark of w, in front of the elements
// written since.
func insertHeader(w *resp.Writer, mark int, kind byte, n int) {
	var buf [24]byte
	h := append(buf[:0], kind)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	body := len(w.B) - mark
	w.B = append(w.B, h...)
	copy(w.B[mark+len(h):], w.B[mark:mark+body])
	copy(w.B[mark:], h)
}
