package commands

import "math"

// Key expiry: EXPIRE and its variants set a key's deadline, TTL and its
// variants read it, PERSIST clears it. Expired keys are removed lazily by
// lookup (db.go) and actively by expireLoop.

func init() {
	ks := func(acl ...string) []string { return append([]string{"@keyspace"}, acl...) }
	setter := func(name, summary, since, hist string) *Command {
		c := &Command{Name: name, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@write", "@fast"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
			Handler:  expireCmd, Summary: summary, Since: since, Group: "generic", Complexity: "O(1)"}
		if hist != "" {
			c.History = [][2]string{{"7.0.0", hist}}
		}
		return c
	}
	getter := func(name, summary, since string) *Command {
		return &Command{Name: name, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@read", "@fast"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RO", "access")},
			Handler:  ttlCmd, Summary: summary, Since: since, Group: "generic", Complexity: "O(1)"}
	}
	ttl := getter("ttl", "Returns the expiration time in seconds of a key.", "1.0.0")
	ttl.History = [][2]string{{"2.8.0", "Added the -2 reply."}}
	ttl.Tips = []string{"nondeterministic_output"}
	pttl := getter("pttl", "Returns the expiration time in milliseconds of a key.", "2.6.0")
	pttl.History = [][2]string{{"2.8.0", "Added the -2 reply."}}
	pttl.Tips = []string{"nondeterministic_output"}
	register(
		setter("expire", "Sets the expiration time of a key in seconds.", "1.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
		setter("pexpire", "Sets the expiration time of a key in milliseconds.", "2.6.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
		setter("expireat", "Sets the expiration time of a key to a Unix timestamp.", "1.2.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
		setter("pexpireat", "Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
		ttl, pttl,
		getter("expiretime", "Returns the expiration time of a key as a Unix timestamp.", "7.0.0"),
		getter("pexpiretime", "Returns the expiration time of a key as a Unix milliseconds timestamp.", "7.0.0"),
		&Command{Name: "persist", Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@write", "@fast"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RW", "update")},
			Handler:  persistCmd, Summary: "Removes the expiration time of a key.", Since: "2.2.0", Group: "generic", Complexity: "O(1)"},
	)
}

// expireFlags are EXPIRE's NX, XX, GT and LT options.
type expireFlags struct{ nx, xx, gt, lt bool }

// expireArgs is the parsed form of EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT.
type expireArgs struct {
	when  int64 // absolute Unix ms
	flags expireFlags
}

// parseExpire parses args (the command name first). seconds says the
// number is in seconds, relative that it counts from now (Unix ms). The
// options are checked before the number, as Redis does.
func parseExpire(name string, args [][]byte, seconds, relative bool, now int64) (expireArgs, error) {
	var a expireArgs
	for _, opt := range args[3:] {
		switch {
		case EqualFold(opt, "nx"):
			a.flags.nx = true
		case EqualFold(opt, "xx"):
			a.flags.xx = true
		case EqualFold(opt, "gt"):
			a.flags.gt = true
		case EqualFold(opt, "lt"):
			a.flags.lt = true
		default:
			return a, Error("ERR Unsupported option " + string(opt))
		}
	}
	f := a.flags
	if f.nx && (f.xx || f.gt || f.lt) {
		return a, ErrExpireNXCombo
	}
	if f.gt && f.lt {
		return a, ErrExpireGTLT
	}
	when, ok := ParseInt(args[2])
	if !ok {
		return a, ErrNotInteger
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			return a, errInvalidExpire(name)
		}
		when *= 1000
	}
	var base int64
	if relative {
		base = now
	}
	if when > math.MaxInt64-base {
		return a, errInvalidExpire(name)
	}
	a.when = when + base
	return a, nil
}

// EXPIRE key seconds [NX|XX|GT|LT] (and PEXPIRE, EXPIREAT, PEXPIREAT)
//
// A deadline already past deletes the key, as Redis does; a key without a
// TTL counts as an infinite TTL for GT and LT.
func expireCmd(c *Ctx) error {
	name := c.Cmd.Name
	seconds := name == "expire" || name == "expireat"
	relative := name == "expire" || name == "pexpire"
	a, err := parseExpire(name, c.Args, seconds, relative, c.Now)
	if err != nil {
		return err
	}
	key := c.Args[1]
	o := c.Lookup(key)
	if o == nil {
		c.W.Int(0)
		return nil
	}
	cur := o.Expire // 0: no TTL
	f := a.flags
	switch {
	case f.nx && cur != 0,
		f.xx && cur == 0,
		f.gt && (cur == 0 || a.when <= cur),
		f.lt && cur != 0 && a.when >= cur:
		c.W.Int(0)
		return nil
	}
	if a.when <= c.Now {
		c.Delete(key)
		c.Notify(evGeneric, "del", key)
	} else {
		c.S.setExpire(c.DB, string(key), o, a.when)
		c.Touch(key)
		c.Notify(evGeneric, "expire", key)
	}
	c.Dirty(1)
	c.W.Int(1)
	return nil
}

// TTL key / PTTL key / EXPIRETIME key / PEXPIRETIME key
func ttlCmd(c *Ctx) error {
	o := c.PeekRead(c.Args[1])
	if o == nil {
		c.W.Int(-2)
		return nil
	}
	if o.Expire == 0 {
		c.W.Int(-1)
		return nil
	}
	switch c.Cmd.Name {
	case "ttl", "pttl":
		left := o.Expire - c.Now
		if left < 0 {
			left = 0
		}
		if c.Cmd.Name == "ttl" {
			left = (left + 500) / 1000
		}
		c.W.Int(left)
	case "expiretime":
		c.W.Int((o.Expire + 500) / 1000) // rounded, as Redis rounds TTL's seconds
	default:
		c.W.Int(o.Expire)
	}
	return nil
}

// PERSIST key
func persistCmd(c *Ctx) error {
	key := c.Args[1]
	o := c.Lookup(key)
	if o == nil || o.Expire == 0 {
		c.W.Int(0)
		return nil
	}
	c.S.setExpire(c.DB, string(key), o, 0)
	c.Touch(key)
	c.Dirty(1)
	c.Notify(evGeneric, "persist", key)
	c.W.Int(1)
	return nil
}
