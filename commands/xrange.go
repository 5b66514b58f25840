package commands

import "github.com/runnel-db/runnel/stream"

func init() {
	register(
		&Command{
			Name: "xrange", Arity: -4, Flags: ReadOnly,
			FirstKey: 1, LastKey: 1, Step: 1,
			ACL:      []string{"@read", "@stream", "@slow"},
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RO", "access")},
			Handler:  xrangeCmd,
			Summary:  "Returns the messages from a stream within a range of IDs.",
			Since:    "5.0.0", Group: "stream",
			Complexity: "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
			History:    [][2]string{{"6.2.0", "Added exclusive ranges."}},
			Args:       []ArgDoc{keyArg(0), strArg("start"), strArg("end"), optional(token(intArg("count"), "COUNT"))},
		},
		&Command{
			Name: "xrevrange", Arity: -4, Flags: ReadOnly,
			FirstKey: 1, LastKey: 1, Step: 1,
			ACL:      []string{"@read", "@stream", "@slow"},
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RO", "access")},
			Handler:  xrevrangeCmd,
			Summary:  "Returns the messages from a stream within a range of IDs in reverse order.",
			Since:    "5.0.0", Group: "stream",
			Complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
			History:    [][2]string{{"6.2.0", "Added exclusive ranges."}},
			Args:       []ArgDoc{keyArg(0), strArg("end"), strArg("start"), optional(token(intArg("count"), "COUNT"))},
		},
	)
}

// xrangeArgs is a parsed XRANGE or XREVRANGE.
type xrangeArgs struct {
	Key        []byte
	Start, End stream.ID
	// Count is -1 without COUNT; a negative COUNT counts as 0.
	Count int64
}

// parseXRange parses XRANGE key start end [COUNT n] or (rev) XREVRANGE key
// end start [COUNT n]: the start bound first, then the end, then the
// options, as Redis checks them. Inclusive bounds are returned; "(" bounds
// are moved to the next or previous ID.
func parseXRange(args [][]byte, rev bool) (xrangeArgs, error) {
	a := xrangeArgs{Key: args[1], Count: -1}
	startArg, endArg := args[2], args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	var err error
	if a.Start, err = parseRangeStart(startArg); err != nil {
		return xrangeArgs{}, err
	}
	if a.End, err = parseRangeEnd(endArg); err != nil {
		return xrangeArgs{}, err
	}
	for j := 4; j < len(args); j++ {
		if EqualFold(args[j], "count") && j+1 < len(args) {
			n, ok := ParseInt(args[j+1])
			if !ok {
				return xrangeArgs{}, ErrNotInteger
			}
			a.Count = max(n, 0)
			j++
			continue
		}
		return xrangeArgs{}, ErrSyntax
	}
	return a, nil
}

// XRANGE key start end [COUNT count]
func xrangeCmd(c *Ctx) error { return xrangeGeneric(c, false) }

// XREVRANGE key end start [COUNT count]
func xrevrangeCmd(c *Ctx) error { return xrangeGeneric(c, true) }

func xrangeGeneric(c *Ctx, rev bool) error {
	a, err := parseXRange(c.Args, rev)
	if err != nil {
		return err
	}
	o := c.LookupRead(a.Key)
	if o == nil {
		c.W.Array(0)
		return nil
	}
	if a.Count == 0 {
		// Redis answers COUNT 0 on an existing stream with a null array.
		c.W.NullArray()
		return nil
	}
	writeRange(c.W, o.Stream, a.Start, a.End, countArg(a.Count), rev)
	return nil
}
