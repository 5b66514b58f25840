package commands

func init() {
	register(
		// PING is not allowed while loading, as in Redis (clients poll INFO's
		// loading field instead).
		&Command{Name: "ping", Arity: -1, Flags: NoKeyspace | Fast, ACL: []string{"@fast", "@connection"}, Handler: pingCmd,
			Tips:    []string{"request_policy:all_shards", "response_policy:all_succeeded"},
			Summary: "Returns the server's liveliness response.", Since: "1.0.0", Group: "connection", Complexity: "O(1)"},
		&Command{Name: "echo", Arity: 2, Flags: NoKeyspace | Fast | Loading | Stale, ACL: []string{"@fast", "@connection"}, Handler: echoCmd,
			Summary: "Returns the given string.", Since: "1.0.0", Group: "connection", Complexity: "O(1)"},
		&Command{Name: "quit", Arity: -1, Flags: NoKeyspace | Fast | NoAuth | NoMulti | Loading | Stale | NoScript | AllowBusy, ACL: []string{"@fast", "@connection"}, Handler: quitCmd,
			Summary: "Closes the connection.", Since: "1.0.0", Group: "connection", Complexity: "O(1)"},
	)
}

// PING [message]
func pingCmd(c *Ctx) error {
	if len(c.Args) > 2 {
		return errWrongArity("ping")
	}
	if c.C.subscribed() && c.W.Proto == 2 {
		// RESP2 in Pub/Sub mode: a reply a subscriber's reader can take.
		c.W.Array(2)
		c.W.BulkString("pong")
		if len(c.Args) > 1 {
			c.W.Bulk(c.Args[1])
		} else {
			c.W.BulkString("")
		}
		return nil
	}
	if len(c.Args) == 1 {
		c.W.Simple("PONG")
	} else {
		c.W.Bulk(c.Args[1])
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
