package commands

func init() {
	register(
		&Command{Name: "ping", Arity: -1, Flags: NoKeyspace | Fast | Loading, ACL: []string{"@fast", "@connection"}, Handler: pingCmd},
		&Command{Name: "echo", Arity: 2, Flags: NoKeyspace | Fast | Loading, ACL: []string{"@fast", "@connection"}, Handler: echoCmd},
		&Command{Name: "quit", Arity: -1, Flags: NoKeyspace | Fast | NoAuth | NoMulti | Loading, ACL: []string{"@fast", "@connection"}, Handler: quitCmd},
	)
}

// PING [message]
func pingCmd(c *Ctx) error {
	switch len(c.Args) {
	case 1:
		c.W.Simple("PONG")
	case 2:
		c.W.Bulk(c.Args[1])
	default:
		return errWrongArity("ping")
	}
	return nil
}

// ECHO message
func echoCmd(c *Ctx) error {
	c.W.Bulk(c.Args[1])
	return nil
}

// QUIT
func quitCmd(c *Ctx) error {
	c.W.OK()
	c.C.closeAfterReply = true
	return nil
}
