package commands

import "github.com/runnel-db/runnel/pel"

func init() {
	register(&Command{
		Name: "xnack", Arity: -7, Flags: Write | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
		Handler:  xnackCmd,
		Summary:  "Releases pending messages back to the group's PEL without acknowledging them, making them available for re-delivery.",
		Since:    "8.8.0", Group: "stream",
		Complexity: "O(1) for each message ID processed.",
		Args: []ArgDoc{keyArg(0), strArg("group"),
			oneof("mode", pureToken("silent", "SILENT"), pureToken("fail", "FAIL"), pureToken("fatal", "FATAL")),
			token(block("ids", intArg("numids"), multiple(strArg("id"))), "IDS"),
			optional(token(intArg("count"), "RETRYCOUNT")),
			optional(pureToken("force", "FORCE"))},
	})
}

// XNACK's error texts (Redis 8.8; the mode's text is in redis/redis#14797's
// xnackCommand, all of them without the doubled "ERR" that
// redis/redis#15091 removed).
const (
	ErrXNackMode        Error = "ERR mode must be SILENT, FAIL, or FATAL"
	ErrXNackNumIDs      Error = "ERR numids must be a positive integer"
	ErrXNackNumMismatch Error = "ERR number of IDs doesn't match numids"
	ErrXNackRetryCount  Error = "ERR Invalid RETRYCOUNT value, must be >= 0"
	ErrXNackNoIDs       Error = "ERR syntax error, expected IDS keyword"
)

// errXNackOption is XNACK's reply to an argument it does not know.
func errXNackOption(opt []byte) Error {
	return Error("ERR Unrecognized XNACK option '" + string(opt) + "'")
}

// xnackArgs is a parsed XNACK before its key is looked up.
type xnackArgs struct {
	Opts pel.NackOptions
	// IDs alias the command's arguments; they are parsed after the key
	// and group lookup, as XACK's and XCLAIM's are.
	IDs [][]byte
}

// parseXNack parses XNACK key group <SILENT | FAIL | FATAL> IDS numids id
// [id ...] [RETRYCOUNT count] [FORCE]. The mode is the fourth argument,
// always; the rest are read in a loop, in any order (Redis's loop: "IDS"
// is found among RETRYCOUNT and FORCE, redis/redis#14797's review), so an
// argument past the IDs that is none of them is an unknown option, and a
// second IDS block replaces the first. numids must be a positive integer
// no larger than the arguments after it; RETRYCOUNT an integer >= 0.
func parseXNack(args [][]byte) (xnackArgs, error) {
	var a xnackArgs
	switch mode := args[3]; {
	case EqualFold(mode, "silent"):
		a.Opts.Mode = pel.NackSilent
	case EqualFold(mode, "fail"):
		a.Opts.Mode = pel.NackFail
	case EqualFold(mode, "fatal"):
		a.Opts.Mode = pel.NackFatal
	default:
		return xnackArgs{}, ErrXNackMode
	}
	idsSet := false
	for i := 4; i < len(args); {
		opt := args[i]
		more := len(args) - 1 - i
		switch {
		case more > 0 && EqualFold(opt, "ids"):
			n, ok := ParseInt(args[i+1])
			if !ok || n < 1 {
				return xnackArgs{}, ErrXNackNumIDs
			}
			if n > int64(more-1) {
				return xnackArgs{}, ErrXNackNumMismatch
			}
			a.IDs, idsSet = args[i+2:i+2+int(n)], true
			i += 2 + int(n)
		case more > 0 && EqualFold(opt, "retrycount"):
			n, ok := ParseInt(args[i+1])
			if !ok {
				return xnackArgs{}, ErrNotInteger
			}
			if n < 0 {
				return xnackArgs{}, ErrXNackRetryCount
			}
			a.Opts.SetRetryCount, a.Opts.RetryCount = true, uint64(n)
			i += 2
		case EqualFold(opt, "force"):
			a.Opts.Force = true
			i++
		default:
			return xnackArgs{}, errXNackOption(opt)
		}
	}
	if !idsSet {
		return xnackArgs{}, ErrXNackNoIDs
	}
	return a, nil
}

// XNACK key group <SILENT | FAIL | FATAL> IDS numids id [id ...]
// [RETRYCOUNT count] [FORCE]
//
// Redis 8.8. Each ID pending in the group is released: it stays in the
// group's PEL, owned by no consumer (XPENDING shows consumer "" and idle
// -1), with delivery time 0 and its delivery count adjusted by the mode
// (SILENT one less, never below 0; FAIL unchanged; FATAL LLONG_MAX) or set
// to RETRYCOUNT; it goes to the back of the group's NACK queue, which
// XREADGROUP ... CLAIM claims first, in order, whatever its min-idle-time
// (XCLAIM and XAUTOCLAIM take such entries whatever theirs, too). An ID not
// pending is skipped, unless FORCE and the entry exists in the stream: then
// it is created released, with count 0 (RETRYCOUNT's, or LLONG_MAX under
// FATAL). The reply counts the IDs released. A missing key or group is
// NOGROUP, after the arguments' syntax and before the IDs are parsed (an
// invalid ID fails the whole command, before anything changes). Blocked
// XREADGROUP ... CLAIM reads on the key are woken. No keyspace event fires
// (Redis documents none; XACK and XCLAIM fire none either).
func xnackCmd(c *Ctx) error {
	a, err := parseXNack(c.Args)
	if err != nil {
		return err
	}
	key, name := c.Args[1], c.Args[2]
	o, g := lookupGroup(c, key, name)
	if g == nil {
		return errNoKeyOrGroup(key, name)
	}
	ids, err := c.parseIDs(a.IDs)
	if err != nil {
		return err
	}
	s := o.Stream
	released := 0
	for _, id := range ids {
		if a.Opts.Force && g.Pending(id) == nil {
			if _, live := s.Get(id); !live {
				continue // FORCE creates records of existing entries only
			}
		}
		p, fresh, err := g.Nack(id, a.Opts)
		if err != nil {
			continue
		}
		if fresh {
			putNewPending(c, o, g, p)
		} else {
			putPending(c, o, g, p)
		}
		released++
	}
	c.Dirty(released)
	if released > 0 {
		c.S.nudgeClaimWaiters(c.DB, key, c.Now)
	}
	c.W.Int(int64(released))
	return nil
}
