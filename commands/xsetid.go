package commands

import (
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		Name: "xsetid", Arity: -3, Flags: Write | Denyoom | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
		Handler:  xsetidCmd,
		Summary:  "An internal command for replicating stream values.",
		Since:    "5.0.0", Group: "stream",
		Complexity: "O(1)",
		History:    [][2]string{{"7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."}},
		Args: []ArgDoc{keyArg(0), strArg("last-id"),
			since(optional(token(intArg("entries-added"), "ENTRIESADDED")), "7.0.0"),
			since(optional(token(strArg("max-deleted-id"), "MAXDELETEDID")), "7.0.0")},
	})
}

// xsetidArgs is a parsed XSETID.
type xsetidArgs struct {
	Key []byte
	ID  stream.ID
	// EntriesAdded is -1 when not given.
	EntriesAdded int64
	// MaxDeletedID is 0-0 when not given (and then left alone).
	MaxDeletedID stream.ID
}

// parseXSetID parses XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]
// in Redis's order: the ID, then each option in turn.
func parseXSetID(args [][]byte) (xsetidArgs, error) {
	a := xsetidArgs{Key: args[1], EntriesAdded: -1}
	var err error
	if a.ID, err = parseStrictID(args[2]); err != nil {
		return xsetidArgs{}, err
	}
	for i := 3; i < len(args); i += 2 {
		more := i+1 < len(args)
		switch {
		case more && EqualFold(args[i], "entriesadded"):
			n, ok := ParseInt(args[i+1])
			if !ok {
				return xsetidArgs{}, ErrNotInteger
			}
			if n < 0 {
				return xsetidArgs{}, ErrEntriesAddedNeg
			}
			a.EntriesAdded = n
		case more && EqualFold(args[i], "maxdeletedid"):
			id, err := parseStrictID(args[i+1])
			if err != nil {
				return xsetidArgs{}, err
			}
			if a.ID.Less(id) {
				return xsetidArgs{}, ErrXSetIDBelowGivenDel
			}
			a.MaxDeletedID = id
		default:
			return xsetidArgs{}, ErrSyntax
		}
	}
	return a, nil
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
//
// As in Redis, XSETID does not count as a modification for WATCH.
func xsetidCmd(c *Ctx) error {
	a, err := parseXSetID(c.Args)
	if err != nil {
		return err
	}
	o := c.Lookup(a.Key)
	if o == nil {
		return ErrNoSuchKey
	}
	s := o.Stream
	// Redis 7.4 checks the stream's current max deleted ID first.
	if a.ID.Less(s.MaxDeletedID()) {
		return ErrXSetIDBelowMaxDel
	}
	if s.Len() > 0 {
		if top, _, _ := s.Last(); a.ID.Less(top) {
			return ErrXSetIDBelowTop
		}
		if a.EntriesAdded != -1 && s.Len() > uint64(a.EntriesAdded) {
			return ErrXSetIDEntriesAdded
		}
	}
	s.SetLastID(a.ID)
	if cut, span, data := s.CutAfter(a.ID); cut {
		recordCutTail(c, o, a.ID, span, data)
	}
	if a.EntriesAdded != -1 {
		s.SetEntriesAdded(uint64(a.EntriesAdded))
	}
	if !a.MaxDeletedID.IsZero() {
		s.SetMaxDeletedID(a.MaxDeletedID)
	}
	putStreamMeta(c, o)
	c.Dirty(1)
	c.Notify(evStream, "xsetid", c.Args[1])
	c.W.OK()
	return nil
}

// recordCutTail records what CutAfter did when XSETID lowered the last ID
// below deleted entries: every record above the new last ID goes (loose
// entries, marks, and the record of a node that ended there), and the last
// node, which may hold live entries of that record, is written whole with
// its new span. Later appends may reuse the IDs above last, and a store
// keys nodes by ID span.
func recordCutTail(c *Ctx, o *Object, last stream.ID, span stream.Span, data []byte) {
	if from, ok := last.Next(); ok {
		c.Batch().Add(persist.Op{Kind: persist.EntryDelRange, UID: o.UID, ID: from, End: stream.Max})
	}
	if len(data) > 0 {
		c.Batch().AddNode(o.UID, span, data)
	}
}
