package commands

func init() {
	register(&Command{
		Name: "xlen", Arity: 2, Flags: ReadOnly | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@read", "@stream", "@fast"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RO")},
		Handler:  xlenCmd,
		Summary:  "Return the number of messages in a stream.",
		Since:    "5.0.0", Group: "stream",
		Complexity: "O(1)",
		Args:       []ArgDoc{keyArg(0)},
	})
}

// XLEN key
func xlenCmd(c *Ctx) error {
	o := c.LookupRead(c.Args[1])
	if o == nil {
		c.W.Int(0)
		return nil
	}
	c.W.Uint(o.Stream.Len())
	return nil
}
