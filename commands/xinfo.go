package commands

import (
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

// The XINFO container is registered from a variable's initializer, which Go
// runs before every init function of the package: the subcommand rows of
// other files (XINFO GROUPS and CONSUMERS) can then be registered from any
// init, whatever the file order.
var _ = registerXInfo()

func registerXInfo() bool {
	register(
		&Command{
			Name: "xinfo", Arity: -2,
			ACL:     []string{"@slow"},
			Summary: "A container for stream introspection commands.",
			Since:   "5.0.0", Group: "stream", Complexity: "Depends on subcommand.",
		},
		&Command{
			Name: "xinfo|stream", Arity: -3, Flags: ReadOnly,
			FirstKey: 2, LastKey: 2, Step: 1,
			ACL:      []string{"@read", "@stream", "@slow"},
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO", "access")},
			Handler:  xinfoStreamCmd,
			Summary:  "Returns information about a stream.",
			Since:    "5.0.0", Group: "stream", Complexity: "O(1)",
			History: [][2]string{
				{"6.0.0", "Added the `FULL` modifier."},
				{"7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields"},
				{"7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`."},
			},
			Args: []ArgDoc{keyArg(0),
				optional(block("full-block", pureToken("full", "FULL"), optional(token(intArg("count"), "COUNT"))))},
		},
		&Command{
			Name: "xinfo|help", Arity: 2, Flags: NoKeyspace | Loading | Stale,
			ACL:     []string{"@stream", "@slow"},
			Handler: xinfoHelpCmd,
			Summary: "Returns helpful text about the different subcommands.",
			Since:   "5.0.0", Group: "stream", Complexity: "O(1)",
		},
	)
	return true
}

// xinfoStreamGroups is the hook through which XINFO STREAM reports a
// stream's consumer groups: their number for the plain form, and the
// "groups" array of the FULL form, with each group's PEL and consumers'
// PELs cut at count entries (0: all). xinfo_groups.go fills it in; the
// defaults below (no groups) serve only if that file is left out.
var xinfoStreamGroups = struct {
	Count func(o *Object) int64
	Full  func(c *Ctx, o *Object, count int64)
}{
	Count: func(*Object) int64 { return 0 },
	Full:  func(c *Ctx, _ *Object, _ int64) { c.W.Array(0) },
}

// xinfoStreamArgs is a parsed XINFO STREAM.
type xinfoStreamArgs struct {
	Key  []byte
	Full bool
	// Count limits FULL's entries and PELs; 0 means all, default 10.
	Count int64
}

// parseXInfoStream parses the options of XINFO STREAM key [FULL [COUNT n]].
// Redis looks the key up before it reads them.
func parseXInfoStream(args [][]byte) (xinfoStreamArgs, error) {
	a := xinfoStreamArgs{Key: args[2], Count: 10}
	opts := args[3:]
	if len(opts) == 0 {
		return a, nil
	}
	if len(opts) != 1 && len(opts) != 3 || !EqualFold(opts[0], "full") {
		return xinfoStreamArgs{}, errSubcommandSyntax(args[1], "xinfo")
	}
	a.Full = true
	if len(opts) == 3 {
		if !EqualFold(opts[1], "count") {
			return xinfoStreamArgs{}, errSubcommandSyntax(args[1], "xinfo")
		}
		n, ok := ParseInt(opts[2])
		if !ok {
			return xinfoStreamArgs{}, ErrNotInteger
		}
		if n >= 0 {
			a.Count = n
		}
	}
	return a, nil
}

// XINFO STREAM key [FULL [COUNT count]]
func xinfoStreamCmd(c *Ctx) error {
	o := c.LookupRead(c.Args[2])
	if o == nil {
		return ErrNoSuchKey
	}
	a, err := parseXInfoStream(c.Args)
	if err != nil {
		return err
	}
	s := o.Stream
	w := c.W
	x := s.PeekIdmp()
	pairs := 10
	if a.Full {
		pairs = 9
	}
	if x != nil {
		pairs += 6
	}
	w.Map(pairs)
	w.BulkString("length")
	w.Uint(s.Len())
	w.BulkString("radix-tree-keys")
	w.Int(int64(s.Nodes()))
	w.BulkString("radix-tree-nodes")
	w.Int(int64(s.RadixNodes()))
	w.BulkString("last-generated-id")
	writeID(w, s.LastID())
	w.BulkString("max-deleted-entry-id")
	writeID(w, s.MaxDeletedID())
	w.BulkString("entries-added")
	w.Uint(s.EntriesAdded())
	w.BulkString("recorded-first-entry-id")
	writeID(w, s.FirstID())
	if x != nil {
		writeIdmpInfo(w, x)
	}
	if a.Full {
		w.BulkString("entries")
		writeRange(w, s, stream.Min, stream.Max, countArg(a.Count), false)
		w.BulkString("groups")
		xinfoStreamGroups.Full(c, o, a.Count)
		return nil
	}
	w.BulkString("groups")
	w.Int(xinfoStreamGroups.Count(o))
	w.BulkString("first-entry")
	if id, fields, ok := s.First(); ok {
		writeEntry(w, id, fields)
	} else {
		w.Null()
	}
	w.BulkString("last-entry")
	if id, fields, ok := s.Last(); ok {
		writeEntry(w, id, fields)
	} else {
		w.Null()
	}
	return nil
}

// writeIdmpInfo writes Redis 8.6's idempotent-production fields of XINFO
// STREAM (plain and FULL), where Redis puts them: after
// recorded-first-entry-id. Redis 8.6 always writes them; runnel writes
// them only for a stream that used XADD IDMP, IDMPAUTO or XCFGSET, as the
// XINFO STREAM page describes them ("when IDMP is configured"), so that
// every other stream's reply stays Redis 7's.
func writeIdmpInfo(w *resp.Writer, x *stream.Idmp) {
	w.BulkString("idmp-duration")
	w.Int(x.Duration)
	w.BulkString("idmp-maxsize")
	w.Int(int64(x.MaxSize))
	w.BulkString("pids-tracked")
	w.Int(int64(x.Producers()))
	w.BulkString("iids-tracked")
	w.Int(int64(x.IIDs()))
	w.BulkString("iids-added")
	w.Uint(x.Added)
	w.BulkString("iids-duplicates")
	w.Uint(x.Duplicates)
}

// xinfoHelp is XINFO HELP's reply, Redis 7.4's text.
var xinfoHelp = []string{
	"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CONSUMERS <key> <groupname>",
	"    Show consumers of <groupname>.",
	"GROUPS <key>",
	"    Show the stream consumer groups.",
	"STREAM <key> [FULL [COUNT <count>]",
	"    Show information about the stream.",
	"HELP",
	"    Print this help.",
}

// XINFO HELP
func xinfoHelpCmd(c *Ctx) error {
	c.W.Array(len(xinfoHelp))
	for _, l := range xinfoHelp {
		c.W.Simple(l)
	}
	return nil
}
