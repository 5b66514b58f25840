package commands

func init() {
	register(&Command{
		Name: "xackdel", Arity: -6, Flags: Write | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update", "delete")},
		Handler:  xackdelCmd,
		Summary:  "Acknowledges and conditionally deletes one or multiple entries for a stream consumer group.",
		Since:    "8.2.0", Group: "stream",
		Complexity: "O(1) for each entry ID processed.",
		Args: []ArgDoc{keyArg(0), strArg("group"), refPolicyArgDoc(),
			token(block("ids", intArg("numids"), multiple(strArg("id"))), "IDS")},
	})
}

// XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...]
//
// Redis 8.2's XACK and XDEL in one. Per ID, in argument order:
//   - an ID not pending in the group answers -1 and nothing happens to it,
//     even if the entry exists;
//   - otherwise it is acknowledged (it leaves the group's PEL), then
//   - KEEPREF: the entry is deleted, other groups' records stay; 1, also
//     when the entry was gone already (Redis's "XACKDEL with KEEPREF" test
//     acknowledges in a second group entries the first call deleted and
//     gets 1 1);
//   - DELREF: the ID leaves every other group's PEL too, the entry is
//     deleted; 1;
//   - ACKED: if some group still references the entry (pending elsewhere,
//     or not yet delivered to a group) it stays and the answer is 2;
//     otherwise it is deleted; 1.
//
// A missing key or a missing group answers -1 for every ID (Redis's "XACKDEL
// should return empty array when key doesn't exist or group doesn't
// exist"), before the IDs are parsed, as XACK does. Deletions raise the max
// deleted ID as XDEL's do and fire "xdel" once; acknowledgements alone fire
// nothing, as XACK's.
func xackdelCmd(c *Ctx) error {
	a, err := parseDelex(c.Args[3:])
	if err != nil {
		return err
	}
	key := c.Args[1]
	o, g := lookupGroup(c, key, c.Args[2])
	if g == nil {
		writeCodes(c, len(a.IDs), delexNoSuchID)
		return nil
	}
	ids, err := c.parseIDs(a.IDs)
	if err != nil {
		return err
	}
	acked, deleted := 0, 0
	c.W.Array(len(ids))
	for _, id := range ids {
		if !g.Ack(id) {
			c.W.Int(delexNoSuchID)
			continue
		}
		delPending(c, o, g, id)
		acked++
		switch a.Policy {
		case ackedRef:
			if o.Groups.Referenced(id) {
				c.W.Int(delexStillReferenced)
				continue
			}
		case delRef:
			dropRefs(c, o, id)
		}
		if removeEntry(c, o, id) {
			deleted++
		}
		c.W.Int(delexDeleted)
	}
	endDeletes(c, o, key, deleted)
	c.Dirty(acked + deleted)
	return nil
}
