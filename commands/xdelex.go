package commands

func init() {
	register(&Command{
		Name: "xdelex", Arity: -5, Flags: Write | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "delete")},
		Handler:  xdelexCmd,
		Summary:  "Deletes one or multiple entries from the stream.",
		Since:    "8.2.0", Group: "stream",
		Complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
		Args: []ArgDoc{keyArg(0), refPolicyArgDoc(),
			token(block("ids", intArg("numids"), multiple(strArg("id"))), "IDS")},
	})
}

// XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...]
//
// Redis 8.2's XDEL with a reference policy. Per ID, in argument order:
//   - ACKED: an entry some group still references (pel.Groups.Referenced)
//     answers 2 and stays. Redis decides this before looking the entry up,
//     so an ID that is not in the stream but is above a group's
//     last-delivered ID, or is a dangling PEL record, also answers 2.
//   - DELREF: the ID leaves every group's PEL first, whether or not the
//     entry exists, so dangling references of an entry XDEL removed are
//     cleaned too (the answer is then -1).
//   - then the entry is deleted: 1, or -1 when there is none.
//
// As for XDEL, a deletion raises the max deleted ID (XINFO STREAM's
// max-deleted-entry-id) and fires "xdel" once if anything was deleted;
// entries-added does not change. Removing only PEL records fires nothing.
// A missing key answers -1 for every ID; the options are checked first,
// the IDs after the key lookup, and an invalid ID fails the whole command
// before anything changes.
func xdelexCmd(c *Ctx) error {
	a, err := parseDelex(c.Args[2:])
	if err != nil {
		return err
	}
	key := c.Args[1]
	o := c.Lookup(key)
	if o == nil {
		writeCodes(c, len(a.IDs), delexNoSuchID)
		return nil
	}
	ids, err := c.parseIDs(a.IDs)
	if err != nil {
		return err
	}
	deleted, changed := 0, 0
	c.W.Array(len(ids))
	for _, id := range ids {
		refsGone := false
		switch a.Policy {
		case ackedRef:
			if o.Groups.Referenced(id) {
				c.W.Int(delexStillReferenced)
				continue
			}
		case delRef:
			refsGone = dropRefs(c, o, id)
		}
		code := int64(delexNoSuchID)
		if removeEntry(c, o, id) {
			deleted++
			code = delexDeleted
		}
		if refsGone || code == delexDeleted {
			changed++
		}
		c.W.Int(code)
	}
	endDeletes(c, o, key, deleted)
	c.Dirty(changed)
	return nil
}
