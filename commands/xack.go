package commands

func init() {
	register(&Command{
		Name: "xack", Arity: -4, Flags: Write | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
		Handler:  xackCmd,
		Summary:  "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
		Since:    "5.0.0", Group: "stream",
		Complexity: "O(1) for each message ID processed.",
		Args:       []ArgDoc{keyArg(0), strArg("group"), multiple(strArg("id"))},
	})
}

// XACK key group id [id ...]
//
// As in Redis, a missing key or group answers 0 before the IDs are looked
// at, and an invalid ID fails the whole command.
func xackCmd(c *Ctx) error {
	o, g := lookupGroup(c, c.Args[1], c.Args[2])
	if g == nil {
		c.W.Int(0)
		return nil
	}
	ids, err := c.parseIDs(c.Args[3:])
	if err != nil {
		return err
	}
	acked := 0
	for _, id := range ids {
		if g.Ack(id) {
			delPending(c, o, g, id)
			acked++
		}
	}
	c.Dirty(acked)
	c.W.Int(int64(acked))
	return nil
}
