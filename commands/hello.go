package commands

// Connection-state commands: HELLO, AUTH, SELECT and RESET.

func init() {
	conn := []string{"@fast", "@connection"}
	register(
		&Command{Name: "hello", Arity: -1, Flags: NoKeyspace | NoAuth | Fast | Loading | Stale | NoScript | AllowBusy, ACL: conn,
			Handler: helloCmd, Summary: "Handshakes with the Redis server.", Since: "6.0.0", Group: "connection", Complexity: "O(1)",
			History: [][2]string{{"6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."}}},
		&Command{Name: "auth", Arity: -2, Flags: NoKeyspace | NoAuth | Fast | Loading | Stale | NoScript | AllowBusy, ACL: conn,
			Handler: authCmd, Summary: "Authenticates the connection.", Since: "1.0.0", Group: "connection",
			Complexity: "O(N) where N is the number of passwords defined for the user",
			History:    [][2]string{{"6.0.0", "Added ACL style (username and password)."}}},
		&Command{Name: "select", Arity: 2, Flags: NoKeyspace | Loading | Stale | Fast, ACL: conn,
			Handler: selectCmd, Summary: "Changes the selected database.", Since: "1.0.0", Group: "connection", Complexity: "O(1)"},
		&Command{Name: "reset", Arity: 1, Flags: NoAuth | NoMulti | Fast | Loading | Stale | NoScript | AllowBusy, ACL: conn,
			Handler: resetCmd, Summary: "Resets the connection.", Since: "6.2.0", Group: "connection", Complexity: "O(1)"},
	)
}

// helloArgs is HELLO's parsed form.
type helloArgs struct {
	proto      int // 0: keep
	user, pass []byte
	auth       bool
	name       []byte
	setName    bool
}

func parseHello(args [][]byte) (helloArgs, error) {
	var h helloArgs
	i := 1
	if len(args) >= 2 {
		v, ok := ParseInt(args[1])
		if !ok {
			return h, ErrProtoNotInt
		}
		if v < 2 || v > 3 {
			return h, ErrNoProto
		}
		h.proto = int(v)
		i = 2
	}
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		switch {
		case EqualFold(args[i], "auth") && more >= 2:
			h.auth, h.user, h.pass = true, args[i+1], args[i+2]
			i += 2
		case EqualFold(args[i], "setname") && more >= 1:
			if !validClientAttr(args[i+1]) {
				return h, ErrClientName
			}
			h.setName, h.name = true, args[i+1]
			i++
		default:
			return h, Error("ERR Syntax error in HELLO option '" + string(args[i]) + "'")
		}
	}
	return h, nil
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
func helloCmd(c *Ctx) error {
	h, err := parseHello(c.Args)
	if err != nil {
		return err
	}
	if h.auth {
		if err := c.S.authenticate(c, h.user, h.pass); err != nil {
			return err
		}
	}
	if !c.C.authed && c.S.config.authRequired() {
		return ErrHelloNoAuth
	}
	if h.setName {
		c.C.setName(string(h.name))
	}
	if h.proto != 0 {
		c.C.setProto(h.proto)
	}
	w := c.W
	w.Map(7)
	w.BulkString("server")
	w.BulkString("redis")
	w.BulkString("version")
	w.BulkString(RedisVersion)
	w.BulkString("proto")
	w.Int(int64(c.C.Proto()))
	w.BulkString("id")
	w.Uint(c.C.ID)
	w.BulkString("mode")
	w.BulkString("standalone")
	w.BulkString("role")
	w.BulkString("master")
	w.BulkString("modules")
	w.Array(0)
	return nil
}

// authenticate checks user and pass against the default user, the only
// one runnel has: with requirepass set its password is requirepass, and
// without it the default user takes any password. A failure is counted
// and entered in the ACL log under the command as c's client sent it.
func (s *Server) authenticate(c *Ctx, user, pass []byte) error {
	cl := c.C
	if string(user) != "default" || (s.config.authRequired() && !s.config.checkPassword(pass)) {
		s.stats.authFailures.Add(1)
		s.authDenied(cl, string(c.Args[0]), string(user), c.InMulti)
		return ErrWrongPass
	}
	cl.setAuthenticated(true)
	return nil
}

// AUTH [username] password
func authCmd(c *Ctx) error {
	switch len(c.Args) {
	case 2:
		if !c.S.config.authRequired() {
			return ErrAuthNotSet
		}
		return c.finishAuth(c.S.authenticate(c, []byte("default"), c.Args[1]))
	case 3:
		return c.finishAuth(c.S.authenticate(c, c.Args[1], c.Args[2]))
	}
	return ErrSyntax
}

func (c *Ctx) finishAuth(err error) error {
	if err != nil {
		return err
	}
	c.W.OK()
	return nil
}

// SELECT index
func selectCmd(c *Ctx) error {
	id, err := parseDBIndex(c.Args[1], "")
	if err != nil {
		return err
	}
	if id < 0 || id >= NumDBs {
		return ErrDBIndex
	}
	c.C.setDB(id)
	c.DB = c.S.dbs[id]
	c.W.OK()
	return nil
}

// RESET: leaves MULTI, forgets WATCHed keys, returns to RESP2 and database
// 0, clears the name and CLIENT REPLY/NO-EVICT/NO-TOUCH, and, when a
// password is required, logs the connection out. It runs under the
// keyspace lock because it unregisters watches.
func resetCmd(c *Ctx) error {
	cl := c.C
	cl.resetMulti()
	c.S.unwatchAll(cl)
	c.S.trackingOff(cl)
	cl.closePubSub(false)
	c.S.stopMonitor(cl)
	cl.setDB(0)
	cl.setProto(2)
	cl.setAuthenticated(!c.S.config.authRequired())
	cl.setName("")
	cl.mu.Lock()
	cl.noEvict, cl.noTouch = false, false
	cl.mu.Unlock()
	cl.replyOff, cl.replySkip, cl.replySkipNext = false, false, false
	c.W.Simple("RESET")
	return nil
}
