package commands

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ACL for the one user runnel has, "default", who may run every command on
// every key and channel; requirepass is its password. The subcommands that
// only read answer as Redis does for that user; the ones that would create,
// change or persist users are refused (errACLReadOnly), except an ACL
// SETUSER default whose rules leave the user as it is.

func init() {
	f := NoKeyspace | Admin | NoScript | Loading | Stale
	admin := []string{"@admin", "@slow", "@dangerous"}
	slow := []string{"@slow"}
	sub := func(name string, arity int, flags Flags, acl []string, h Handler, summary, complexity string) *Command {
		return &Command{Name: "acl|" + name, Arity: arity, Flags: flags, ACL: acl, Handler: h,
			Summary: summary, Since: "6.0.0", Group: "server", Complexity: complexity}
	}
	nUsers := "O(N). Where N is the number of configured users."
	getuser := sub("getuser", 3, f, admin, aclGetuserCmd, "Lists the ACL rules of a user.", "O(N). Where N is the number of password, command and pattern rules that the user has.")
	getuser.History = [][2]string{{"6.2.0", "Added Pub/Sub channel patterns."}, {"7.0.0", "Added selectors and changed the format of key and channel patterns from a list to their rule representation."}}
	setuser := sub("setuser", -3, f, admin, aclSetuserCmd, "Creates and modifies an ACL user and its rules.", "O(N). Where N is the number of rules provided.")
	setuser.History = [][2]string{{"6.2.0", "Added Pub/Sub channel patterns."}, {"7.0.0", "Added selectors and key based permissions."}}
	dryrun := sub("dryrun", -4, f, admin, aclDryrunCmd, "Simulates the execution of a command by a user, without executing the command.", "O(1).")
	dryrun.Since = "7.0.0"
	register(
		&Command{Name: "acl", Arity: -2, ACL: slow, Summary: "A container for Access List Control commands.", Since: "6.0.0", Group: "server", Complexity: "Depends on subcommand."},
		sub("whoami", 2, NoKeyspace|NoScript|Loading|Stale, slow, aclWhoamiCmd, "Returns the authenticated username of the current connection.", "O(1)"),
		sub("users", 2, f, admin, aclUsersCmd, "Lists all ACL users.", nUsers),
		sub("list", 2, f, admin, aclListCmd, "Dumps the effective rules in ACL file format.", nUsers),
		getuser,
		sub("cat", -2, NoKeyspace|NoScript|Loading|Stale, slow, aclCatCmd, "Lists the ACL categories, or the commands inside a category.", "O(1) since the categories and commands are a fixed set."),
		sub("genpass", -2, NoKeyspace|NoScript|Loading|Stale, slow, aclGenpassCmd, "Generates a pseudorandom, secure password that can be used to identify ACL users.", "O(1)"),
		sub("log", -2, f, admin, aclLogCmd, "Lists recent security events generated due to ACL rules.", "O(N) with N being the number of entries shown."),
		dryrun,
		setuser,
		sub("deluser", -3, f, admin, aclDeluserCmd, "Deletes ACL users, and terminates their connections.", "O(1) amortized time considering the typical user."),
		sub("load", 2, f, admin, aclNoFileCmd, "Reloads the rules from the configured ACL file.", nUsers),
		sub("save", 2, f, admin, aclNoFileCmd, "Saves the effective ACL rules in the configured ACL file.", nUsers),
		sub("help", 2, NoKeyspace|Loading|Stale, slow, aclHelpCmd, "Returns helpful text about the different subcommands.", "O(1)"),
	)
	subs := table["acl"].Sub
	subs["getuser"].Args = []ArgDoc{strArg("username")}
	subs["log"].Args = []ArgDoc{optional(oneof("operation", intArg("count"), pureToken("reset", "RESET")))}
	subs["dryrun"].Args = []ArgDoc{strArg("username"), strArg("command"), optional(multiple(strArg("arg")))}
	subs["cat"].Args = []ArgDoc{optional(strArg("categoryname"))}
	subs["genpass"].Args = []ArgDoc{optional(intArg("bits"))}
	subs["deluser"].Args = []ArgDoc{multiple(strArg("username"))}
	subs["setuser"].Args = []ArgDoc{strArg("username"), optional(multiple(strArg("rule")))}
}

// aclCategories are Redis's ACL categories, in ACL CAT's order.
var aclCategories = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
	"hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
	"transaction", "scripting"}

// defaultUser is the only user.
const defaultUser = "default"

// errACLReadOnly refuses the subcommands that would change users.
const errACLReadOnly Error = "ERR runnel has only the 'default' user, whose rules cannot be changed; set its password with CONFIG SET requirepass"

// ACL WHOAMI
func aclWhoamiCmd(c *Ctx) error {
	c.W.BulkString(defaultUser)
	return nil
}

// ACL USERS
func aclUsersCmd(c *Ctx) error {
	c.W.Array(1)
	c.W.BulkString(defaultUser)
	return nil
}

// passwordHash returns the SHA-256 of requirepass in hex, "" when none is
// set (the user is then "nopass").
func (s *Server) passwordHash() string {
	pass := s.config.requirePass()
	if pass == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(pass))
	return hex.EncodeToString(sum[:])
}

// ACL LIST
func aclListCmd(c *Ctx) error {
	pw := "nopass"
	if h := c.S.passwordHash(); h != "" {
		pw = "#" + h
	}
	c.W.Array(1)
	c.W.BulkString("user default on " + pw + " ~* &* +@all")
	return nil
}

// ACL GETUSER username
func aclGetuserCmd(c *Ctx) error {
	if string(c.Args[2]) != defaultUser {
		c.W.Null()
		return nil
	}
	h := c.S.passwordHash()
	c.W.Map(6)
	c.W.BulkString("flags")
	if h == "" {
		c.W.Set(2)
		c.W.BulkString("on")
		c.W.BulkString("nopass")
	} else {
		c.W.Set(1)
		c.W.BulkString("on")
	}
	c.W.BulkString("passwords")
	if h == "" {
		c.W.Array(0)
	} else {
		c.W.Array(1)
		c.W.BulkString(h)
	}
	for _, kv := range [][2]string{{"commands", "+@all"}, {"keys", "~*"}, {"channels", "&*"}} {
		c.W.BulkString(kv[0])
		c.W.BulkString(kv[1])
	}
	c.W.BulkString("selectors")
	c.W.Array(0)
	return nil
}

// ACL CAT [category]
func aclCatCmd(c *Ctx) error {
	switch len(c.Args) {
	case 2:
		c.W.Array(len(aclCategories))
		for _, cat := range aclCategories {
			c.W.BulkString(cat)
		}
		return nil
	case 3:
	default:
		return errSubcommandSyntax(c.Args[1], "acl")
	}
	cat := strings.ToLower(string(c.Args[2]))
	known := false
	for _, k := range aclCategories {
		known = known || k == cat
	}
	if !known {
		return Error("ERR Unknown category '" + string(truncate(c.Args[2], 128)) + "'")
	}
	names := commandsInCategory("@" + cat)
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
	return nil
}

// commandsInCategory returns the full names of the commands and
// subcommands of the table in ACL category cat ("@stream"), sorted.
func commandsInCategory(cat string) []string {
	var out []string
	var visit func(cmd *Command)
	visit = func(cmd *Command) {
		for _, a := range cmd.ACL {
			if a == cat {
				out = append(out, cmd.Name)
				break
			}
		}
		for _, name := range sortedSubs(cmd) {
			visit(cmd.Sub[name])
		}
	}
	All(visit)
	sort.Strings(out)
	return out
}

// ACL GENPASS [bits]
func aclGenpassCmd(c *Ctx) error {
	bits := int64(256)
	switch len(c.Args) {
	case 2:
	case 3:
		n, ok := ParseInt(c.Args[2])
		if !ok {
			return ErrNotInteger
		}
		if n <= 0 || n > 4096 {
			return Error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
		}
		bits = n
	default:
		return errSubcommandSyntax(c.Args[1], "acl")
	}
	chars := int((bits + 3) / 4)
	buf := make([]byte, (chars+1)/2)
	if _, err := rand.Read(buf); err != nil {
		return Error("ERR " + err.Error())
	}
	c.W.BulkString(hex.EncodeToString(buf)[:chars])
	return nil
}

// ACL DRYRUN username command [arg ...]
func aclDryrunCmd(c *Ctx) error {
	if string(c.Args[2]) != defaultUser {
		return Error("ERR User '" + string(c.Args[2]) + "' not found")
	}
	args := c.Args[3:]
	cmd := c.S.commandTable()[strings.ToLower(string(args[0]))]
	if cmd != nil && cmd.Sub != nil && len(args) > 1 {
		cmd = cmd.Sub[strings.ToLower(string(args[1]))]
	}
	if cmd == nil {
		return Error("ERR Command '" + string(args[0]) + "' not found")
	}
	if !cmd.checkArity(len(args)) {
		return errWrongArity(cmd.Name)
	}
	// The default user may run everything.
	c.W.OK()
	return nil
}

// ACL DELUSER username [username ...]
func aclDeluserCmd(c *Ctx) error {
	for _, u := range c.Args[2:] {
		if string(u) == defaultUser {
			return Error("ERR The 'default' user cannot be removed")
		}
	}
	// No other user exists: none is deleted.
	c.W.Int(0)
	return nil
}

// ACL SETUSER: refused.
func aclRefuseCmd(*Ctx) error { return errACLReadOnly }

// ACL SETUSER username [rule ...] — accepted only for the default user and
// rules that leave it as it is (what clients and test harnesses send to
// reset it: on, ~*, &*, +@all and their long forms, nopass while no
// requirepass is set, >password of the requirepass set); anything else
// would change users and is refused.
func aclSetuserCmd(c *Ctx) error {
	if string(c.Args[2]) != defaultUser {
		return errACLReadOnly
	}
	pass := c.S.config.requirePass()
	for _, r := range c.Args[3:] {
		switch rule := string(r); {
		case EqualFold(r, "on"), EqualFold(r, "allkeys"), EqualFold(r, "allchannels"), EqualFold(r, "allcommands"),
			rule == "~*", rule == "&*", EqualFold(r, "+@all"):
		case EqualFold(r, "nopass") && pass == "":
		case pass != "" && rule == ">"+pass:
		default:
			return errACLReadOnly
		}
	}
	c.W.OK()
	return nil
}

// ACL LOAD, ACL SAVE: there is no ACL file, as in a Redis started without
// aclfile.
func aclNoFileCmd(*Ctx) error {
	return Error("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
}

var aclHelp = []string{
	"ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CAT [<category>]",
	"    List all commands that belong to <category>, or all command categories",
	"    when no category is specified.",
	"DELUSER <username> [<username> ...]",
	"    Delete a list of users.",
	"DRYRUN <username> <command> [<arg> ...]",
	"    Returns whether the user can execute the given command without executing the command.",
	"GETUSER <username>",
	"    Get the user's details.",
	"GENPASS [<bits>]",
	"    Generate a secure 256-bit user password. The optional `bits` argument can",
	"    be used to specify a different size.",
	"LIST",
	"    Show users details in config file format.",
	"LOAD",
	"    Reload users from the ACL file.",
	"LOG [<count> | RESET]",
	"    Show the ACL log entries.",
	"SAVE",
	"    Save the current config to the ACL file.",
	"SETUSER <username> <attribute> [<attribute> ...]",
	"    Create or modify a user with the specified attributes.",
	"USERS",
	"    List all the registered usernames.",
	"WHOAMI",
	"    Return the current connection username.",
}

// ACL HELP
func aclHelpCmd(c *Ctx) error {
	writeHelp(c, aclHelp)
	return nil
}

// aclLogMax is acllog-max-len's default, how many entries the ACL log
// keeps; aclLogGroup is the window in which a repeated denial updates its
// entry instead of adding one (ACL_LOG_GROUPING_MAX_TIME_DELTA), counted
// from the entry's last update; aclLogScan is how many of the newest
// entries a denial is compared with.
const (
	aclLogMax   = 128
	aclLogGroup = 60 * time.Second
	aclLogScan  = 10
)

// aclLogEntry is one ACL LOG entry: for runnel only failed AUTH and HELLO
// AUTH, the one denial it has.
type aclLogEntry struct {
	count            int64
	object, username string
	// multi is set for a denial inside a transaction (context "multi").
	multi            bool
	clientInfo       string
	id               int64
	created, updated time.Time
}

// aclLog is the ACL log, most recently updated entry first. It is safe
// for concurrent use.
type aclLog struct {
	// maxLen is acllog-max-len, nil for its default (limit); the log is
	// trimmed to it when an entry is added, as in Redis (lowering it trims
	// nothing at once).
	maxLen  atomic.Pointer[int64]
	mu      sync.Mutex
	entries []aclLogEntry // guarded by mu
	nextID  int64         // guarded by mu
}

// authDenied records a failed authentication of cl as user. object is the
// command as the client sent it ("AUTH", "hello"); inMulti says EXEC ran it.
func (s *Server) authDenied(cl *Client, object, user string, inMulti bool) {
	now := time.Now()
	info := s.infoLine(cl, cl, now)
	l := &s.stats.acl
	l.mu.Lock()
	defer l.mu.Unlock()
	// As Redis: a denial like one of the newest entries, within the
	// grouping window of that entry's last update, updates it and moves
	// it to the head.
	for i := range l.entries[:min(len(l.entries), aclLogScan)] {
		e := l.entries[i]
		if e.object == object && e.username == user && e.multi == inMulti && absDuration(now.Sub(e.updated)) <= aclLogGroup {
			e.count++
			e.clientInfo = info
			e.updated = now
			copy(l.entries[1:i+1], l.entries[:i])
			l.entries[0] = e
			return
		}
	}
	e := aclLogEntry{count: 1, object: object, username: user, multi: inMulti, clientInfo: info, id: l.nextID, created: now, updated: now}
	l.nextID++
	limit := l.limit()
	keep := int(min(max(limit-1, 0), int64(len(l.entries))))
	l.entries = append([]aclLogEntry{e}, l.entries[:keep]...)
	if limit <= 0 {
		l.entries = l.entries[:0]
	}
}

// limit returns acllog-max-len.
func (l *aclLog) limit() int64 {
	if p := l.maxLen.Load(); p != nil {
		return *p
	}
	return aclLogMax
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// ACL LOG [count | RESET]
func aclLogCmd(c *Ctx) error {
	l := &c.S.stats.acl
	count := int64(10)
	switch len(c.Args) {
	case 2:
	case 3:
		if EqualFold(c.Args[2], "reset") {
			l.mu.Lock()
			l.entries = nil
			l.mu.Unlock()
			c.W.OK()
			return nil
		}
		n, ok := ParseInt(c.Args[2])
		if !ok {
			return ErrNotInteger
		}
		count = max(n, 0)
	default:
		return errSubcommandSyntax(c.Args[1], "acl")
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	n := min(int(count), len(l.entries))
	c.W.Array(n)
	for _, e := range l.entries[:n] {
		c.W.Map(10)
		c.W.BulkString("count")
		c.W.Int(e.count)
		context := "toplevel"
		if e.multi {
			context = "multi"
		}
		for _, kv := range [][2]string{{"reason", "auth"}, {"context", context}, {"object", e.object}, {"username", e.username}} {
			c.W.BulkString(kv[0])
			c.W.BulkString(kv[1])
		}
		c.W.BulkString("age-seconds")
		// Redis counts the age from the entry's last update.
		c.W.Double(float64(now.Sub(e.updated).Milliseconds()) / 1000)
		c.W.BulkString("client-info")
		c.W.BulkString(e.clientInfo)
		c.W.BulkString("entry-id")
		c.W.Int(e.id)
		c.W.BulkString("timestamp-created")
		c.W.Int(e.created.UnixMilli())
		c.W.BulkString("timestamp-last-updated")
		c.W.Int(e.updated.UnixMilli())
	}
	return nil
}
