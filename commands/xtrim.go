package commands

func init() {
	register(&Command{
		Name: "xtrim", Arity: -4, Flags: Write,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:     []string{"@write", "@stream", "@slow"},
		Handler: xtrimCmd,
		Summary: "Deletes messages from the beginning of a stream.",
		Since:   "5.0.0", Group: "stream",
	})
}

// parseXTrim parses XTRIM's options (args[2:]).
func parseXTrim(args [][]byte) (trimArgs, error) {
	a, err := parseAddOrTrim(args, false)
	return a.Trim, err
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
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
	}
	c.W.Int(n)
	return nil
}
