package commands

import (
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		Name: "xcfgset", Arity: -2, Flags: Write | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
		Handler:  xcfgsetCmd,
		Summary:  "Sets the IDMP configuration parameters for a stream.",
		Since:    "8.6.0", Group: "stream",
		Complexity: "O(1)",
		Args: []ArgDoc{keyArg(0),
			optional(token(intArg("idmp-duration"), "IDMP-DURATION")),
			optional(token(intArg("idmp-maxsize"), "IDMP-MAXSIZE"))},
	})
}

// xcfgsetArgs is a parsed XCFGSET; a nil setting was not given.
type xcfgsetArgs struct {
	Key      []byte
	Duration *int64
	MaxSize  *int
}

// parseXCfgSet parses XCFGSET key [IDMP-DURATION s] [IDMP-MAXSIZE n] in
// the order Redis's tests show: no option at all is its own error; then
// each option in turn, whose value must be an integer (checked before a
// later option's missing value is noticed) in range; an unknown option or
// one without a value is a syntax error. An option given twice keeps the
// last value.
func parseXCfgSet(args [][]byte) (xcfgsetArgs, error) {
	a := xcfgsetArgs{Key: args[1]}
	if len(args) == 2 {
		return a, ErrXCfgSetNoOption
	}
	for i := 2; i < len(args); i += 2 {
		dur := EqualFold(args[i], "idmp-duration")
		if !dur && !EqualFold(args[i], "idmp-maxsize") || i+1 == len(args) {
			return a, ErrSyntax
		}
		n, ok := ParseInt(args[i+1])
		if !ok {
			return a, ErrNotInteger
		}
		if dur {
			if n < 1 || n > stream.IdmpMaxDuration {
				return a, ErrIdmpDurationRange
			}
			a.Duration = &n
			continue
		}
		if n < 1 || n > stream.IdmpMaxMaxSize {
			return a, ErrIdmpMaxSizeRange
		}
		m := int(n)
		a.MaxSize = &m
	}
	return a, nil
}

// XCFGSET key [IDMP-DURATION duration] [IDMP-MAXSIZE maxsize]
//
// Changing either setting forgets every producer's idempotent IDs (the
// lifetime counters stay); setting the current values forgets nothing, as
// Redis's tests require.
func xcfgsetCmd(c *Ctx) error {
	a, err := parseXCfgSet(c.Args)
	if err != nil {
		return err
	}
	o := c.Lookup(a.Key)
	if o == nil {
		return ErrNoSuchKey
	}
	if o.Stream.Idmp().Configure(a.Duration, a.MaxSize) {
		c.Batch().Add(persist.Op{Kind: persist.IdmpClear, UID: o.UID})
	}
	putStreamMeta(c, o)
	c.W.OK()
	c.Dirty(1)
	c.Touch(a.Key)
	return nil
}
