package commands

import (
	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// This file holds XGROUP and what the consumer-group commands share: their
// error texts, the group lookups, and the persist ops that record a change
// to a group, a consumer or a pending entry.

func init() {
	// group builds a subcommand row; its key (argument 2) has the key spec
	// flags given.
	group := func(name string, arity int, flags Flags, summary, complexity string, keyFlags []string, args ...ArgDoc) *Command {
		return &Command{
			Name: "xgroup|" + name, Arity: arity, Flags: flags,
			FirstKey: 2, LastKey: 2, Step: 1,
			KeySpecs: []KeySpec{rangeSpec(2, 0, keyFlags...)},
			ACL:      []string{"@write", "@stream", "@slow"}, Handler: xgroupCmd,
			Summary: summary, Since: "5.0.0", Group: "stream", Complexity: complexity,
			Args: append([]ArgDoc{keyArg(0), strArg("group")}, args...),
		}
	}
	idSelector := oneof("id-selector", strArg("id"), pureToken("new-id", "$"))
	entriesRead := optional(token(ArgDoc{Name: "entriesread", Type: "integer", DisplayText: "entries-read"}, "ENTRIESREAD"))
	create := group("create", -5, Write|Denyoom, "Creates a consumer group.", "O(1)", []string{"RW", "insert"},
		idSelector, optional(pureToken("mkstream", "MKSTREAM")), entriesRead)
	create.History = [][2]string{{"7.0.0", "Added the `entries_read` named argument."}}
	setid := group("setid", -5, Write, "Sets the last-delivered ID of a consumer group.", "O(1)", []string{"RW", "update"},
		idSelector, entriesRead)
	setid.History = [][2]string{{"7.0.0", "Added the optional `entries_read` argument."}}
	createconsumer := group("createconsumer", 5, Write|Denyoom, "Creates a consumer in a consumer group.", "O(1)",
		[]string{"RW", "insert"}, strArg("consumer"))
	createconsumer.Since = "6.2.0"
	register(
		&Command{
			Name: "xgroup", Arity: -2,
			ACL:     []string{"@slow"},
			Summary: "A container for consumer groups commands.",
			Since:   "5.0.0", Group: "stream", Complexity: "Depends on subcommand.",
		},
		create, setid, createconsumer,
		group("destroy", 4, Write, "Destroys a consumer group.",
			"O(N) where N is the number of entries in the group's pending entries list (PEL).", []string{"RW", "delete"}),
		group("delconsumer", 5, Write, "Deletes a consumer from a consumer group.", "O(1)",
			[]string{"RW", "delete"}, strArg("consumer")),
		&Command{
			Name: "xgroup|help", Arity: 2, Flags: NoKeyspace | Loading | Stale,
			ACL:     []string{"@stream", "@slow"},
			Handler: xgroupHelpCmd,
			Summary: "Returns helpful text about the different subcommands.",
			Since:   "5.0.0", Group: "stream", Complexity: "O(1)",
		},
	)
}

// Error texts of the consumer-group commands, verbatim from Redis 7.4.
const (
	ErrXGroupKeyMissing     Error = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
	ErrBusyGroup            Error = "BUSYGROUP Consumer Group name already exists"
	ErrEntriesReadRange     Error = "ERR value for ENTRIESREAD must be positive or -1"
	ErrXReadGroupNoGroup    Error = "ERR Missing GROUP option for XREADGROUP"
	ErrXReadGroupDollar     Error = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
	ErrXReadGroupPlus       Error = "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set."
	ErrXClaimMinIdle        Error = "ERR Invalid min-idle-time argument for XCLAIM"
	ErrXClaimIdle           Error = "ERR Invalid IDLE option argument for XCLAIM"
	ErrXClaimTime           Error = "ERR Invalid TIME option argument for XCLAIM"
	ErrXClaimRetryCount     Error = "ERR Invalid RETRYCOUNT option argument for XCLAIM"
	ErrXAutoClaimMinIdle    Error = "ERR Invalid min-idle-time argument for XAUTOCLAIM"
	ErrXAutoClaimCountRange Error = "ERR COUNT must be > 0"
)

// errNoGroupForKey is the NOGROUP reply of XGROUP SETID, CREATECONSUMER,
// DELCONSUMER and XINFO CONSUMERS.
func errNoGroupForKey(group, key []byte) Error {
	return Error("NOGROUP No such consumer group '" + string(group) + "' for key name '" + string(key) + "'")
}

// errNoKeyOrGroup is the NOGROUP reply of XPENDING, XCLAIM and XAUTOCLAIM.
func errNoKeyOrGroup(key, group []byte) Error {
	return Error("NOGROUP No such key '" + string(key) + "' or consumer group '" + string(group) + "'")
}

// errNoKeyOrGroupRead is XREADGROUP's NOGROUP reply, also given (Redis 7.4)
// to a blocked reader whose key or group went away.
func errNoKeyOrGroupRead(key, group []byte) Error {
	return Error("NOGROUP No such key '" + string(key) + "' or consumer group '" + string(group) + "' in XREADGROUP with GROUP option")
}

// errXClaimOption is XCLAIM's reply to an option it does not know; opt is
// the argument as sent.
func errXClaimOption(opt []byte) Error {
	return Error("ERR Unrecognized XCLAIM option '" + string(opt) + "'")
}

// lookupGroup returns the stream at key and its group called name; either
// is nil when missing. It is a read lookup (keyspace_hits/misses), as in
// every group command but XGROUP's.
func lookupGroup(c *Ctx, key, name []byte) (*Object, *pel.Group) {
	return groupOf(c.LookupRead(key), name)
}

// groupOf returns o's group called name, or nil; o may be nil.
func groupOf(o *Object, name []byte) (*Object, *pel.Group) {
	if o == nil || o.Groups == nil {
		return o, nil
	}
	return o, o.Groups.GetBytes(name)
}

// The persist ops of group changes. Each Put replaces the whole record, so
// a command records each touched record once, after its last change.

// putGroup records g's cursor.
func putGroup(c *Ctx, o *Object, g *pel.Group) {
	c.Batch().AddGroup(o.UID, g.Name(), g.LastID, g.EntriesRead)
}

// putConsumer records cons's clocks.
func putConsumer(c *Ctx, o *Object, g *pel.Group, cons *pel.Consumer) {
	c.Batch().AddConsumer(o.UID, g.Name(), cons.Name(), cons.SeenTime(), cons.ActiveTime())
}

// putPending records p (owned, or released by XNACK: see pendingRecord).
func putPending(c *Ctx, o *Object, g *pel.Group, p *pel.Pending) {
	addPending(c, o, g, p, false)
}

// putNewPending records p, which must not have been pending in g before
// the change just made: the op is marked Fresh, so a
// merged batch that also acknowledges p writes neither record.
func putNewPending(c *Ctx, o *Object, g *pel.Group, p *pel.Pending) {
	addPending(c, o, g, p, true)
}

func addPending(c *Ctx, o *Object, g *pel.Group, p *pel.Pending, fresh bool) {
	owner, t := pendingRecord(p)
	c.Batch().AddPending(o.UID, g.Name(), p.ID(), owner, t, p.DeliveryCount(), fresh)
}

// pendingRecord is the owner and delivery time p's PendingPut records. An
// entry XNACK released is recorded with no owner and the negative of its
// place in the group's NACK queue as its time (its delivery time is 0, and
// no delivery time is negative), so that a restart rebuilds the queue in
// its order (loader.Pending).
func pendingRecord(p *pel.Pending) (owner string, deliveryTime int64) {
	if p.Nacked() {
		return "", -int64(p.NackSeq())
	}
	return p.Owner().Name(), p.DeliveryTime()
}

// delPending records that id left g's PEL.
func delPending(c *Ctx, o *Object, g *pel.Group, id stream.ID) {
	c.Batch().AddPendingDel(o.UID, g.Name(), id)
}

// seenConsumer returns the consumer called name of g, creating it if needed
// (Redis 7.4 creates the consumer of every XREADGROUP, XCLAIM and
// XAUTOCLAIM, which counts as a change), and records the attempt at the
// command's time. A new consumer fires xgroup-createconsumer on key. The
// caller records the consumer with putConsumer once its last change is
// made.
func seenConsumer(c *Ctx, key []byte, g *pel.Group, name []byte) *pel.Consumer {
	// Looked up first: only a new consumer needs its name as a string of
	// its own.
	cons := g.ConsumerBytes(name)
	if cons == nil {
		var created bool
		cons, created = g.CreateConsumer(string(name), c.Now)
		if created {
			c.Dirty(1)
			c.Notify(evStream, "xgroup-createconsumer", key)
		}
	}
	cons.SetSeenTime(c.Now)
	return cons
}

// restoreGroup, restoreConsumer and restorePending rebuild an object's
// groups from the records the ops above leave in the store, as the loader
// meets them (persist.Loader's Group, Consumer and Pending: a group before
// its consumers, a consumer before the entries it owns). They fail on a
// record that contradicts what was restored before it.
func restoreGroup(o *Object, name string, lastID stream.ID, entriesRead int64) error {
	if o.Groups == nil {
		o.Groups = &pel.Groups{}
	}
	_, err := o.Groups.Create(name, lastID, entriesRead)
	return err
}

// restoreConsumer adds a consumer with its clocks to a restored group.
func restoreConsumer(o *Object, group, name string, seenTime, activeTime int64) error {
	g := restoredGroup(o, group)
	if g == nil {
		return pel.ErrGroupDestroyed
	}
	_, err := g.LoadConsumer(name, seenTime, activeTime)
	return err
}

// restorePending adds a pending entry owned by a restored consumer, or
// released by XNACK (no owner, negative time: see pendingRecord).
func restorePending(o *Object, group string, id stream.ID, owner string, deliveryTime int64, deliveryCount uint64) error {
	g := restoredGroup(o, group)
	if g == nil {
		return pel.ErrGroupDestroyed
	}
	if deliveryTime < 0 && owner == "" {
		_, err := g.LoadNacked(id, uint64(-deliveryTime), deliveryCount)
		return err
	}
	_, err := g.LoadPending(id, g.Consumer(owner), deliveryTime, deliveryCount)
	return err
}

func restoredGroup(o *Object, name string) *pel.Group {
	if o.Groups == nil {
		return nil
	}
	return o.Groups.Get(name)
}

// xgroupArgs are XGROUP's options after the ID (CREATE and SETID).
type xgroupArgs struct {
	MkStream bool
	// EntriesRead is ENTRIESREAD's value, pel.UnknownEntriesRead when not
	// given.
	EntriesRead int64
}

// parseXGroupOptions parses the options from args[5] on, as Redis does for
// every subcommand before it looks the key up: MKSTREAM for CREATE,
// ENTRIESREAD n for CREATE and SETID.
func parseXGroupOptions(args [][]byte) (xgroupArgs, error) {
	a := xgroupArgs{EntriesRead: pel.UnknownEntriesRead}
	sub := args[1]
	create, setid := EqualFold(sub, "create"), EqualFold(sub, "setid")
	for i := 5; i < len(args); {
		switch {
		case create && EqualFold(args[i], "mkstream"):
			a.MkStream = true
			i++
		case (create || setid) && EqualFold(args[i], "entriesread") && i+1 < len(args):
			n, ok := ParseInt(args[i+1])
			if !ok {
				return xgroupArgs{}, ErrNotInteger
			}
			if n < 0 && n != pel.UnknownEntriesRead {
				return xgroupArgs{}, ErrEntriesReadRange
			}
			a.EntriesRead = n
			i += 2
		default:
			return xgroupArgs{}, errSubcommandSyntax(sub, "xgroup")
		}
	}
	return a, nil
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
// XGROUP DESTROY key group
// XGROUP CREATECONSUMER key group consumer
// XGROUP DELCONSUMER key group consumer
//
// One handler runs them all, in Redis's order of checks: the options, the
// key (which must exist unless MKSTREAM), the group (which must exist for
// SETID, CREATECONSUMER and DELCONSUMER), then the subcommand's own
// arguments.
func xgroupCmd(c *Ctx) error {
	a, err := parseXGroupOptions(c.Args)
	if err != nil {
		return err
	}
	sub, key, name := c.Args[1], c.Args[2], c.Args[3]
	o, g := groupOf(c.Lookup(key), name)
	if !a.MkStream {
		if o == nil {
			return ErrXGroupKeyMissing
		}
		if g == nil && !EqualFold(sub, "create") && !EqualFold(sub, "destroy") {
			return errNoGroupForKey(name, key)
		}
	}
	switch {
	case EqualFold(sub, "create") && len(c.Args) <= 8:
		return xgroupCreate(c, o, a)
	case EqualFold(sub, "setid") && (len(c.Args) == 5 || len(c.Args) == 7):
		return xgroupSetID(c, o, g, a)
	case EqualFold(sub, "destroy"):
		if g == nil {
			c.W.Int(0)
			return nil
		}
		o.Groups.Destroy(g.Name())
		c.Batch().Add(persist.Op{Kind: persist.GroupDel, UID: o.UID, Group: g.Name()})
		c.Dirty(1)
		c.Notify(evStream, "xgroup-destroy", key)
		// Blocked XREADGROUP clients of the group now fail.
		c.Signal(key)
		c.W.Int(1)
		return nil
	case EqualFold(sub, "createconsumer"):
		cons, created := g.CreateConsumer(string(c.Args[4]), c.Now)
		if !created {
			c.W.Int(0)
			return nil
		}
		putConsumer(c, o, g, cons)
		c.Dirty(1)
		c.Notify(evStream, "xgroup-createconsumer", key)
		c.W.Int(1)
		return nil
	case EqualFold(sub, "delconsumer"):
		n, found := g.DeleteConsumer(string(c.Args[4]), func(p *pel.Pending) {
			delPending(c, o, g, p.ID())
		})
		if found {
			c.Batch().Add(persist.Op{Kind: persist.ConsumerDel, UID: o.UID, Group: g.Name(), Consumer: string(c.Args[4])})
			c.Dirty(1)
			c.Notify(evStream, "xgroup-delconsumer", key)
		}
		c.W.Int(int64(n))
		return nil
	}
	return errSubcommandSyntax(sub, "xgroup")
}

// xgroupCreate runs XGROUP CREATE once the key checks passed; o is nil
// when MKSTREAM is to create the stream.
func xgroupCreate(c *Ctx, o *Object, a xgroupArgs) error {
	key, name, idArg := c.Args[2], c.Args[3], c.Args[4]
	var id stream.ID
	if isToken(idArg, '$') {
		if o != nil {
			id = o.Stream.LastID()
		}
	} else {
		var err error
		if id, err = parseStrictID(idArg); err != nil {
			return err
		}
	}
	if o == nil {
		o = c.Create(key)
		putStreamMeta(c, o)
		c.Touch(key)
	}
	if o.Groups == nil {
		o.Groups = &pel.Groups{}
	}
	g, err := o.Groups.Create(string(name), id, a.EntriesRead)
	if err != nil {
		return ErrBusyGroup
	}
	putGroup(c, o, g)
	c.Dirty(1)
	c.Notify(evStream, "xgroup-create", key)
	c.W.OK()
	return nil
}

// xgroupSetID runs XGROUP SETID: "$" is the stream's last ID, and unlike
// CREATE the ID may be "-" or "+".
func xgroupSetID(c *Ctx, o *Object, g *pel.Group, a xgroupArgs) error {
	idArg := c.Args[4]
	var id stream.ID
	switch {
	case isToken(idArg, '$'):
		id = o.Stream.LastID()
	case isToken(idArg, '-'):
		id = stream.Min
	case isToken(idArg, '+'):
		id = stream.Max
	default:
		var ok bool
		if id, ok = stream.ParseID(idArg, 0); !ok {
			return ErrInvalidStreamID
		}
	}
	g.LastID = id
	g.EntriesRead = a.EntriesRead
	putGroup(c, o, g)
	c.Dirty(1)
	c.Notify(evStream, "xgroup-setid", c.Args[2])
	c.W.OK()
	return nil
}

// xgroupHelp is XGROUP HELP's reply, Redis 7.4's text.
var xgroupHelp = []string{
	"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
	"HELP",
	"    Print this help.",
}

// XGROUP HELP
func xgroupHelpCmd(c *Ctx) error {
	c.W.Array(len(xgroupHelp))
	for _, l := range xgroupHelp {
		c.W.Simple(l)
	}
	return nil
}
