package commands

import (
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		Name: "xdel", Arity: -3, Flags: Write | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "delete")},
		Handler:  xdelCmd,
		Summary:  "Returns the number of messages after removing them from a stream.",
		Since:    "5.0.0", Group: "stream",
		Complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
		Args:       []ArgDoc{keyArg(0), multiple(strArg("id"))},
	})
}

// parseXDelIDs parses XDEL's IDs (args[2:]) into dst, failing on the first
// invalid one so that nothing is deleted. On failure it returns dst[:0]
// with the error.
func parseXDelIDs(dst []stream.ID, args [][]byte) ([]stream.ID, error) {
	for _, b := range args {
		id, err := parseStrictID(b)
		if err != nil {
			return dst[:0], err
		}
		dst = append(dst, id)
	}
	return dst, nil
}

// maxKeptIDs bounds the scratch parseIDs keeps for the next command.
const maxKeptIDs = 4096

// parseIDs is parseXDelIDs into the server's scratch (Server.ids): the
// slice is valid until the next command. It must run under the keyspace
// lock.
func (c *Ctx) parseIDs(args [][]byte) ([]stream.ID, error) {
	ids, err := parseXDelIDs(c.S.ids[:0], args)
	if cap(ids) <= maxKeptIDs {
		c.S.ids = ids[:0]
	}
	return ids, err
}

// XDEL key id [id ...]
func xdelCmd(c *Ctx) error {
	key := c.Args[1]
	o := c.Lookup(key)
	if o == nil {
		// Redis looks the key up first: a missing key answers 0 whatever
		// the IDs are.
		c.W.Int(0)
		return nil
	}
	ids, err := c.parseIDs(c.Args[2:])
	if err != nil {
		return err
	}
	s := o.Stream
	deleted := 0
	for _, id := range ids {
		ok, dropped, gone := s.Remove(id)
		if !ok {
			continue
		}
		if s.MaxDeletedID().Less(id) {
			s.SetMaxDeletedID(id)
		}
		c.Batch().Add(persist.Op{Kind: persist.EntryDel, UID: o.UID, ID: id})
		if gone {
			recordDroppedNode(c, o, dropped)
		}
		deleted++
	}
	if deleted > 0 {
		putStreamMeta(c, o)
		c.Touch(key)
		c.Dirty(deleted)
		c.Notify(evStream, "xdel", key)
	}
	c.W.Int(int64(deleted))
	return nil
}

// recordDroppedNode records the removal of a node XDEL emptied: its
// entries' records, deletion marks and node record all go, so that a
// stream whose entries are all deleted one by one leaves nothing behind.
func recordDroppedNode(c *Ctx, o *Object, span stream.Span) {
	end, ok := span.Last.Next()
	if !ok {
		// The range end is exclusive: the largest ID goes on its own.
		end = stream.Max
		c.Batch().Add(persist.Op{Kind: persist.EntryDel, UID: o.UID, ID: stream.Max})
	}
	// A node ending just below the largest ID leaves the entry at it alone.
	c.Batch().Add(persist.Op{Kind: persist.EntryDelRange, UID: o.UID, ID: span.First, End: end, BeforeMax: ok && end == stream.Max})
}
