package commands

// WAIT, OBJECT and MEMORY USAGE: commands clients and tools (frameworks
// that WAIT after writes, redis-cli --memkeys/--hotkeys) call on any
// server. runnel has no replicas and one encoding.

func init() {
	register(
		&Command{Name: "wait", Arity: 3, Flags: Blocking, ACL: []string{"@slow", "@blocking", "@connection"},
			Tips:    []string{"request_policy:all_shards", "response_policy:agg_min"},
			Handler: waitCmd, Summary: "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
			Since: "3.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "object", Arity: -2, ACL: []string{"@slow"},
			Summary: "A container for object introspection commands.", Since: "2.2.3", Group: "generic", Complexity: "Depends on subcommand."},
		&Command{Name: "object|encoding", Arity: 3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO")},
			ACL:      []string{"@keyspace", "@read", "@slow"}, Tips: []string{"nondeterministic_output"}, Handler: objectEncodingCmd,
			Summary: "Returns the internal encoding of a Redis object.", Since: "2.2.3", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "object|freq", Arity: 3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO")},
			ACL:      []string{"@keyspace", "@read", "@slow"}, Tips: []string{"nondeterministic_output"}, Handler: objectFreqCmd,
			Summary: "Returns the logarithmic access frequency counter of a Redis object.", Since: "4.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "object|idletime", Arity: 3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO")},
			ACL:      []string{"@keyspace", "@read", "@slow"}, Tips: []string{"nondeterministic_output"}, Handler: objectIdletimeCmd,
			Summary: "Returns the time since the last access to a Redis object.", Since: "2.2.3", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "object|refcount", Arity: 3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO")},
			ACL:      []string{"@keyspace", "@read", "@slow"}, Tips: []string{"nondeterministic_output"}, Handler: objectRefcountCmd,
			Summary: "Returns the reference count of a value of a key.", Since: "2.2.3", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "object|help", Arity: 2, Flags: NoKeyspace | Loading | Stale, ACL: []string{"@keyspace", "@slow"},
			Handler: objectHelpCmd, Summary: "Returns helpful text about the different subcommands.",
			Since: "6.2.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "memory", Arity: -2, ACL: []string{"@slow"},
			Summary: "A container for memory diagnostics commands.", Since: "4.0.0", Group: "server", Complexity: "Depends on subcommand."},
		&Command{Name: "memory|usage", Arity: -3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
			// RO without access: MEMORY USAGE reads no user data.
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO")},
			ACL:      []string{"@read", "@slow"}, Handler: memoryUsageCmd,
			Summary: "Estimates the memory usage of a key.", Since: "4.0.0", Group: "server", Complexity: "O(N) where N is the number of samples."},
		&Command{Name: "memory|help", Arity: 2, Flags: NoKeyspace | Loading | Stale, ACL: []string{"@slow"},
			Handler: memoryHelpCmd, Summary: "Returns helpful text about the different subcommands.",
			Since: "4.0.0", Group: "server", Complexity: "O(1)"},
	)
}

// WAIT numreplicas timeout — runnel has no replicas, so none ever
// acknowledges: asked for none (or fewer), WAIT answers 0 at once; asked
// for some, it blocks until the timeout (0: for ever) or CLIENT UNBLOCK
// and then answers 0, as Redis does with no replica attached. Inside
// MULTI it answers at once.
func waitCmd(c *Ctx) error {
	n, ok := ParseInt(c.Args[1])
	if !ok {
		return ErrNotInteger
	}
	deadline, err := parseTimeout(c.Args[2], c.Now)
	if err != nil {
		return err
	}
	reply := func(ctx *Ctx) { ctx.W.Int(0) }
	if n <= 0 {
		reply(c)
		return nil
	}
	// Blocked on no key: only the deadline, CLIENT UNBLOCK or a
	// disconnect end the wait.
	return c.Block(nil, deadline, false, nil, reply)
}

// OBJECT ENCODING key — every runnel value is a stream.
func objectEncodingCmd(c *Ctx) error {
	if c.PeekRead(c.Args[2]) == nil {
		c.W.Null()
		return nil
	}
	c.W.BulkString("stream")
	return nil
}

// OBJECT REFCOUNT key — values are never shared.
func objectRefcountCmd(c *Ctx) error {
	if c.PeekRead(c.Args[2]) == nil {
		c.W.Null()
		return nil
	}
	c.W.Int(1)
	return nil
}

// Errors of OBJECT IDLETIME and FREQ under the other kind of
// maxmemory-policy, in Redis's words.
const (
	errIdleUnderLFU = Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
	errFreqNoLFU    = Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
)

// OBJECT IDLETIME key — seconds since a command last looked the key up
// (OBJECT and the like do not count), under a policy that is not LFU.
func objectIdletimeCmd(c *Ctx) error {
	o := c.PeekRead(c.Args[2])
	if o == nil {
		c.W.Null()
		return nil
	}
	if c.S.config.lfu.Load() {
		return errIdleUnderLFU
	}
	c.W.Int(max(c.Now-o.access, 0) / 1000)
	return nil
}

// OBJECT FREQ key — the key's access counter (lfu.go), under an LFU
// policy only.
func objectFreqCmd(c *Ctx) error {
	o := c.PeekRead(c.Args[2])
	if o == nil {
		c.W.Null()
		return nil
	}
	if !c.S.config.lfu.Load() {
		return errFreqNoLFU
	}
	c.W.Int(int64(o.lfuDecayed(c.Now, c.S.config.lfuDecayTime.Load())))
	return nil
}

// objectHelp lists the OBJECT subcommands runnel has, in Redis's words.
// Without it the "unknown subcommand ... Try OBJECT HELP." error sent the
// user to a subcommand that did not exist either.
var objectHelp = []string{
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
}

// OBJECT HELP
func objectHelpCmd(c *Ctx) error {
	writeHelp(c, objectHelp)
	return nil
}

// memoryHelp lists the MEMORY subcommands runnel has, in Redis's words.
var memoryHelp = []string{
	"MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"USAGE <key> [SAMPLES <count>]",
	"    Return memory in bytes used by <key> and its value. Nested values are",
	"    sampled up to <count> times (default: 5, 0 means sample all).",
}

// MEMORY HELP
func memoryHelpCmd(c *Ctx) error {
	writeHelp(c, memoryHelp)
	return nil
}

// MEMORY USAGE key [SAMPLES count] — runnel's own estimate of the key, on
// the same terms as INFO memory's used_memory (info.go).
func memoryUsageCmd(c *Ctx) error {
	p := NewArgs(c.Args[3:])
	for p.More() {
		if !p.Keyword("samples") {
			return ErrSyntax
		}
		if n := p.Int64(ErrNotInteger); n < 0 && p.Err() == nil {
			return ErrSyntax // Redis refuses a negative count, key or no key
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	o := c.Peek(c.Args[2])
	if o == nil {
		c.W.Null()
		return nil
	}
	c.W.Int(int64(keyOverhead + len(c.Args[2]) + o.Stream.MemoryUsage()))
	return nil
}
