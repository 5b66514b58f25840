package commands

func init() {
	register(&Command{
		Name: "xtrim", Arity: -4, Flags: Write,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:      []string{"@write", "@stream", "@slow"},
		Tips:     []string{"nondeterministic_output"},
		KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "delete")},
		Handler:  xtrimCmd,
		Summary:  "Deletes messages from the beginning of a stream.",
		Since:    "5.0.0", Group: "stream",
		Complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
		History:    [][2]string{{"6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."}},
		Args:       []ArgDoc{keyArg(0), trimArgDoc()},
	})
}

// parseXTrim parses XTRIM's options (args[2:]).
func parseXTrim(args [][]byte) (trimArgs, error) {
	a, err := parseAddOrTrim(args, false)
	return a.Trim, err
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] [KEEPREF | DELREF | ACKED]
func xtrimCmd(c *Ctx) error {
	t, err := parseXTrim(c.Args)
	if err != nil {
		return err
	}
	key := c.Args[1]
	o := c.Lookup(key)
	if o == nil {
		c.W.Int(0)
		return nil
	}
	n := trimStream(c, o, &t)
	if n > 0 {
		putStreamMeta(c, o)
		c.Touch(key)
		c.Dirty(int(n))
		c.Notify(evStream, "xtrim", key)
	}
	c.W.Int(n)
	return nil
}
