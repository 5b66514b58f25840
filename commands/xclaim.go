package commands

import (
	"math"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(
		&Command{
			Name: "xclaim", Arity: -6, Flags: Write | Fast,
			FirstKey: 1, LastKey: 1, Step: 1,
			ACL:      []string{"@write", "@stream", "@fast"},
			Tips:     []string{"nondeterministic_output"},
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
			Handler:  xclaimCmd,
			Summary:  "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
			Since:    "5.0.0", Group: "stream",
			Complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
			Args: []ArgDoc{keyArg(0), strArg("group"), strArg("consumer"), strArg("min-idle-time"), multiple(strArg("id")),
				optional(token(intArg("ms"), "IDLE")),
				optional(token(ArgDoc{Name: "unix-time-milliseconds", Type: "unix-time"}, "TIME")),
				optional(token(intArg("count"), "RETRYCOUNT")),
				optional(pureToken("force", "FORCE")),
				optional(pureToken("justid", "JUSTID")),
				optional(token(strArg("lastid"), "LASTID"))},
		},
		&Command{
			Name: "xautoclaim", Arity: -6, Flags: Write | Fast,
			FirstKey: 1, LastKey: 1, Step: 1,
			ACL:      []string{"@write", "@stream", "@fast"},
			Tips:     []string{"nondeterministic_output"},
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "delete")},
			Handler:  xautoclaimCmd,
			Summary:  "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
			Since:    "6.2.0", Group: "stream",
			Complexity: "O(1) if COUNT is small.",
			History:    [][2]string{{"7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from the PEL"}},
			Args: []ArgDoc{keyArg(0), strArg("group"), strArg("consumer"), strArg("min-idle-time"), strArg("start"),
				optional(token(intArg("count"), "COUNT")), optional(pureToken("justid", "JUSTID"))},
		},
	)
}

// xclaimArgs is a parsed XCLAIM, once its key and group were found.
type xclaimArgs struct {
	MinIdle int64
	IDs     []stream.ID
	// Time is the delivery time IDLE or TIME set, -1 when neither was
	// given.
	Time int64
	// RetryCount is -1 when not given (a negative RETRYCOUNT counts as not
	// given, as in Redis).
	RetryCount    int64
	Force, JustID bool
	LastID        stream.ID
}

// parseXClaim parses XCLAIM's arguments from min-idle-time on (args[4:])
// at time now, in Redis's order: min-idle-time, then the IDs up to the
// first argument that is not one, then the options, each failing with its
// own text.
func parseXClaim(args [][]byte, now int64, dst []stream.ID) (xclaimArgs, error) {
	a := xclaimArgs{Time: -1, RetryCount: -1}
	n, ok := ParseInt(args[4])
	if !ok {
		return xclaimArgs{}, ErrXClaimMinIdle
	}
	a.MinIdle = max(n, 0)
	j := 5
	for ; j < len(args); j++ {
		id, ok := stream.ParseID(args[j], 0)
		if !ok {
			break
		}
		dst = append(dst, id)
	}
	a.IDs = dst
	for ; j < len(args); j++ {
		more := j < len(args)-1
		opt := args[j]
		switch {
		case EqualFold(opt, "force"):
			a.Force = true
		case EqualFold(opt, "justid"):
			a.JustID = true
		case more && EqualFold(opt, "idle"):
			j++
			v, ok := ParseInt(args[j])
			if !ok {
				return xclaimArgs{}, ErrXClaimIdle
			}
			a.Time = now - v
		case more && EqualFold(opt, "time"):
			j++
			v, ok := ParseInt(args[j])
			if !ok {
				return xclaimArgs{}, ErrXClaimTime
			}
			a.Time = v
		case more && EqualFold(opt, "retrycount"):
			j++
			v, ok := ParseInt(args[j])
			if !ok {
				return xclaimArgs{}, ErrXClaimRetryCount
			}
			a.RetryCount = v
		case more && EqualFold(opt, "lastid"):
			j++
			id, err := parseStrictID(args[j])
			if err != nil {
				return xclaimArgs{}, err
			}
			a.LastID = id
		default:
			return xclaimArgs{}, errXClaimOption(opt)
		}
	}
	return a, nil
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
// [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID]
// [LASTID lastid]
//
// Redis looks the key and group up first, then parses. An ID whose entry
// is gone from the stream is silently dropped from the PEL; one that is
// not pending is skipped unless FORCE creates its record.
func xclaimCmd(c *Ctx) error {
	key, name := c.Args[1], c.Args[2]
	o, g := lookupGroup(c, key, name)
	if g == nil {
		return errNoKeyOrGroup(key, name)
	}
	var buf [8]stream.ID
	a, err := parseXClaim(c.Args, c.Now, buf[:0])
	if err != nil {
		return err
	}
	changedLastID := false
	if g.LastID.Less(a.LastID) {
		g.LastID = a.LastID
		changedLastID = true
	}
	cons := seenConsumer(c, c.Args[1], g, c.Args[3])
	opts := pel.ClaimOptions{
		MinIdle: a.MinIdle, SetTime: true, Time: a.Time,
		SetRetryCount: a.RetryCount >= 0, RetryCount: uint64(max(a.RetryCount, 0)),
		JustID: a.JustID, Force: a.Force,
	}
	if a.Time == -1 {
		opts.Time = c.Now
	}
	w := c.W
	s := o.Stream
	mark := w.Len()
	n, changes := 0, 0
	for _, id := range a.IDs {
		fields, live := s.Get(id)
		if !live {
			if g.Ack(id) {
				delPending(c, o, g, id)
				changes++
			}
			continue
		}
		// FORCE creates the record of an entry not pending yet.
		fresh := a.Force && g.Pending(id) == nil
		p, err := g.Claim(id, cons, c.Now, opts)
		if err != nil {
			continue
		}
		if fresh {
			putNewPending(c, o, g, p)
		} else {
			putPending(c, o, g, p)
		}
		changes++
		if a.JustID {
			writeID(w, id)
		} else {
			writeEntry(w, id, fields)
		}
		n++
	}
	insertArrayHeader(w, mark, n)
	putConsumer(c, o, g, cons)
	if changedLastID {
		putGroup(c, o, g)
		if changes == 0 {
			// Redis counts the new last ID as a change only when no claim
			// carried it.
			changes = 1
		}
	}
	c.Dirty(changes)
	if changes > 0 {
		// FORCE, IDLE or TIME may make an entry claimable sooner than a
		// blocked XREADGROUP ... CLAIM on the key expects.
		c.S.nudgeClaimWaiters(c.DB, key, c.Now)
	}
	return nil
}

// maxAutoClaimCount is the largest COUNT XAUTOCLAIM accepts (Redis bounds
// it so that COUNT times its scan factor, or times an ID's size, fits in a
// long).
const maxAutoClaimCount = math.MaxInt64 / stream.IDLen

// xautoclaimArgs is a parsed XAUTOCLAIM.
type xautoclaimArgs struct {
	MinIdle int64
	Start   stream.ID
	Count   int64
	JustID  bool
}

// parseXAutoClaim parses XAUTOCLAIM key group consumer min-idle-time start
// [COUNT count] [JUSTID] before any lookup, as Redis does.
func parseXAutoClaim(args [][]byte) (xautoclaimArgs, error) {
	a := xautoclaimArgs{Count: 100}
	n, ok := ParseInt(args[4])
	if !ok {
		return xautoclaimArgs{}, ErrXAutoClaimMinIdle
	}
	a.MinIdle = max(n, 0)
	var err error
	if a.Start, err = parseRangeStart(args[5]); err != nil {
		return xautoclaimArgs{}, err
	}
	for j := 6; j < len(args); j++ {
		switch opt := args[j]; {
		case j < len(args)-1 && EqualFold(opt, "count"):
			j++
			v, ok := ParseInt(args[j])
			if !ok || v < 1 || v > maxAutoClaimCount {
				return xautoclaimArgs{}, ErrXAutoClaimCountRange
			}
			a.Count = v
		case EqualFold(opt, "justid"):
			a.JustID = true
		default:
			return xautoclaimArgs{}, ErrSyntax
		}
	}
	return a, nil
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
//
// The reply is the cursor for the next call, the claimed entries (or IDs),
// and the IDs whose entries were gone and which the scan dropped from the
// PEL. The scan makes at most COUNT x 10 attempts.
func xautoclaimCmd(c *Ctx) error {
	a, err := parseXAutoClaim(c.Args)
	if err != nil {
		return err
	}
	key, name := c.Args[1], c.Args[2]
	o, g := lookupGroup(c, key, name)
	if g == nil {
		return errNoKeyOrGroup(key, name)
	}
	cons := seenConsumer(c, c.Args[1], g, c.Args[3])
	s := o.Stream
	res, err := g.AutoClaim(cons, a.Start, int(a.Count), a.MinIdle, a.JustID, c.Now,
		func(id stream.ID) bool { _, ok := s.Get(id); return ok })
	if err != nil {
		// Only a consumer or group the command did not just look up could
		// fail here.
		return err
	}
	w := c.W
	w.Array(3)
	writeID(w, res.Next)
	w.Array(len(res.Claimed))
	for _, p := range res.Claimed {
		putPending(c, o, g, p)
		if a.JustID {
			writeID(w, p.ID())
			continue
		}
		fields, _ := s.Get(p.ID())
		writeEntry(w, p.ID(), fields)
	}
	w.Array(len(res.Deleted))
	for _, id := range res.Deleted {
		delPending(c, o, g, id)
		writeID(w, id)
	}
	putConsumer(c, o, g, cons)
	c.Dirty(len(res.Claimed) + len(res.Deleted))
	return nil
}
