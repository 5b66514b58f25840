package commands

import (
	"sort"
	"strings"

	"github.com/runnel-db/runnel/glob"
)

// COMMAND and its subcommands: everything they report is derived from the
// command table.

func init() {
	conn := []string{"@slow", "@connection"}
	f := NoKeyspace | Loading | Stale
	sub := func(name string, arity int, h Handler, summary, complexity string) *Command {
		return &Command{Name: "command|" + name, Arity: arity, Flags: f, ACL: conn, Handler: h,
			Summary: summary, Since: "7.0.0", Group: "server", Complexity: complexity}
	}
	count := sub("count", 2, commandCountCmd, "Returns a count of commands.", "O(1)")
	count.Since = "2.8.13"
	getkeys := sub("getkeys", -4, commandGetkeysCmd, "Extracts the key names from an arbitrary command.", "O(N) where N is the number of arguments to the command")
	getkeys.Since = "2.8.13"
	info := sub("info", -2, commandInfoCmd, "Returns information about one, multiple or all commands.", "O(N) where N is the number of commands to look up")
	info.Since = "2.8.13"
	info.Tips = []string{"nondeterministic_output_order"}
	info.History = [][2]string{{"7.0.0", "Allowed to be called with no argument to get info on all commands."}}
	docs := sub("docs", -2, commandDocsCmd, "Returns documentary information about one, multiple or all commands.", "O(N) where N is the number of commands to look up")
	docs.Tips = []string{"nondeterministic_output_order"}
	list := sub("list", -2, commandListCmd, "Returns a list of command names.", "O(N) where N is the total number of Redis commands")
	list.Tips = []string{"nondeterministic_output_order"}
	help := sub("help", 2, commandHelpCmd, "Returns helpful text about the different subcommands.", "O(1)")
	help.Since = "5.0.0"
	register(
		&Command{Name: "command", Arity: -1, Flags: NoKeyspace | Loading | Stale, ACL: conn, Handler: commandCmd,
			Tips:    []string{"nondeterministic_output_order"},
			Summary: "Returns detailed information about all commands.", Since: "2.8.13", Group: "server",
			Complexity: "O(N) where N is the total number of Redis commands"},
		count, getkeys,
		sub("getkeysandflags", -4, commandGetkeysCmd, "Extracts the key names and access flags for an arbitrary command.", "O(N) where N is the number of arguments to the command"),
		info, docs, list, help,
	)
}

// infoFlags names the flags COMMAND INFO shows, in Redis's order.
var infoFlags = []struct {
	f    Flags
	name string
}{
	{Write, "write"}, {ReadOnly, "readonly"}, {Denyoom, "denyoom"}, {Admin, "admin"},
	{PubSub, "pubsub"}, {NoScript, "noscript"}, {Blocking, "blocking"}, {Loading, "loading"},
	{Stale, "stale"}, {SkipMonitor, "skip_monitor"}, {SkipSlowlog, "skip_slowlog"}, {Fast, "fast"},
	{NoAuth, "no_auth"}, {MayReplicate, "may_replicate"}, {NoMandatoryKeys, "no_mandatory_keys"}, {NoAsyncLoading, "no_async_loading"},
	{DenyMulti, "no_multi"},
}

func (c *Command) infoFlagNames() []string {
	var out []string
	for _, fl := range infoFlags {
		if c.Flags&fl.f != 0 {
			out = append(out, fl.name)
		}
	}
	if c.movableKeys() {
		out = append(out, "movablekeys")
	}
	if c.Flags&AllowBusy != 0 {
		out = append(out, "allow_busy")
	}
	return out
}

// sortedSubs returns a container's subcommands by name.
func (c *Command) sortedSubs() []*Command {
	subs := make([]*Command, 0, len(c.Sub))
	for _, s := range c.Sub {
		subs = append(subs, s)
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Name < subs[j].Name })
	return subs
}

// lookupFull finds a command by its full name ("config|get" or "xadd").
func lookupFull(name string) *Command {
	name = strings.ToLower(name)
	if i := strings.IndexByte(name, '|'); i >= 0 {
		parent := table[name[:i]]
		if parent == nil || parent.Sub == nil {
			return nil
		}
		return parent.Sub[name[i+1:]]
	}
	return table[name]
}

func writeStatusSet(c *Ctx, items []string) {
	c.W.Set(len(items))
	for _, s := range items {
		c.W.Simple(s)
	}
}

// writeCommandInfo writes one COMMAND INFO entry (a null for nil).
func writeCommandInfo(c *Ctx, cmd *Command) {
	w := c.W
	if cmd == nil {
		w.Null()
		return
	}
	first, last, step := cmd.legacyRange()
	w.Array(10)
	w.BulkString(cmd.Name)
	w.Int(int64(cmd.Arity))
	writeStatusSet(c, cmd.infoFlagNames())
	w.Int(int64(first))
	w.Int(int64(last))
	w.Int(int64(step))
	acl := cmd.ACL
	if acl == nil {
		acl = []string{}
	}
	writeStatusSet(c, acl)
	w.Set(len(cmd.Tips))
	for _, t := range cmd.Tips {
		w.BulkString(t)
	}
	specs := cmd.specs()
	w.Set(len(specs))
	for _, ks := range specs {
		writeKeySpec(c, ks)
	}
	// Like Redis: an empty set for plain commands, an array of the
	// subcommands for containers.
	subs := cmd.sortedSubs()
	if len(subs) == 0 {
		w.Set(0)
	}
	if len(subs) > 0 {
		w.Array(len(subs))
	}
	for _, s := range subs {
		writeCommandInfo(c, s)
	}
}

func writeKeySpec(c *Ctx, ks KeySpec) {
	w := c.W
	n := 3
	if ks.Notes != "" {
		n++
	}
	w.Map(n)
	if ks.Notes != "" {
		w.BulkString("notes")
		w.BulkString(ks.Notes)
	}
	w.BulkString("flags")
	writeStatusSet(c, ks.Flags)
	w.BulkString("begin_search")
	w.Map(2)
	w.BulkString("type")
	if ks.Keyword != "" {
		w.BulkString("keyword")
		w.BulkString("spec")
		w.Map(2)
		w.BulkString("keyword")
		w.BulkString(ks.Keyword)
		w.BulkString("startfrom")
		w.Int(int64(ks.StartFrom))
	} else {
		w.BulkString("index")
		w.BulkString("spec")
		w.Map(1)
		w.BulkString("index")
		w.Int(int64(ks.Index))
	}
	w.BulkString("find_keys")
	w.Map(2)
	w.BulkString("type")
	if ks.KeyNum {
		w.BulkString("keynum")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("keynumidx")
		w.Int(int64(ks.KeyNumIdx))
		w.BulkString("firstkey")
		w.Int(int64(ks.FirstKey))
		w.BulkString("keystep")
		w.Int(int64(ks.KeyStep))
	} else {
		w.BulkString("range")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("lastkey")
		w.Int(int64(ks.LastKey))
		w.BulkString("keystep")
		w.Int(int64(ks.KeyStep))
		w.BulkString("limit")
		w.Int(int64(ks.Limit))
	}
}

// COMMAND
func commandCmd(c *Ctx) error {
	list := c.S.servedCommands()
	c.W.Array(len(list))
	for _, cmd := range list {
		writeCommandInfo(c, cmd)
	}
	return nil
}

// COMMAND COUNT
func commandCountCmd(c *Ctx) error {
	c.W.Int(int64(len(c.S.commandTable())))
	return nil
}

// COMMAND INFO [command-name ...]
func commandInfoCmd(c *Ctx) error {
	if len(c.Args) == 2 {
		return commandCmd(c)
	}
	c.W.Array(len(c.Args) - 2)
	for _, a := range c.Args[2:] {
		writeCommandInfo(c, c.S.lookupServed(string(a)))
	}
	return nil
}

// writeDocs writes one command's COMMAND DOCS map.
func writeDocs(c *Ctx, cmd *Command) {
	w := c.W
	n := 3
	if len(cmd.History) > 0 {
		n++
	}
	if cmd.Args != nil {
		n++
	}
	if cmd.Sub != nil {
		n++
	}
	summary, since, group, complexity := cmd.Summary, cmd.Since, cmd.Group, cmd.Complexity
	if since == "" {
		since = "1.0.0"
	}
	if group == "" {
		group = "generic"
	}
	// Like Redis, a command without a complexity (XREAD in 7.4) has no
	// "complexity" entry at all.
	if complexity != "" {
		n++
	}
	w.Map(n)
	w.BulkString("summary")
	w.BulkString(summary)
	w.BulkString("since")
	w.BulkString(since)
	w.BulkString("group")
	w.BulkString(group)
	if complexity != "" {
		w.BulkString("complexity")
		w.BulkString(complexity)
	}
	if len(cmd.History) > 0 {
		w.BulkString("history")
		w.Set(len(cmd.History))
		for _, h := range cmd.History {
			w.Array(2)
			w.BulkString(h[0])
			w.BulkString(h[1])
		}
	}
	if cmd.Args != nil {
		w.BulkString("arguments")
		writeArgDocs(c, cmd.Args)
	}
	if cmd.Sub != nil {
		subs := cmd.sortedSubs()
		w.BulkString("subcommands")
		w.Map(len(subs))
		for _, s := range subs {
			w.BulkString(s.Name)
			writeDocs(c, s)
		}
	}
}

func writeArgDocs(c *Ctx, args []ArgDoc) {
	w := c.W
	w.Array(len(args))
	for _, a := range args {
		container := a.Type == "block" || a.Type == "oneof"
		n := 2
		if !container {
			n++ // display_text
		}
		if a.Type == "key" {
			n++
		}
		if a.Token != "" {
			n++
		}
		if a.Since != "" {
			n++
		}
		var flags []string
		if a.Optional {
			flags = append(flags, "optional")
		}
		if a.Multiple {
			flags = append(flags, "multiple")
		}
		if flags != nil {
			n++
		}
		if container {
			n++
		}
		w.Map(n)
		w.BulkString("name")
		w.BulkString(a.Name)
		w.BulkString("type")
		w.BulkString(a.Type)
		if !container {
			w.BulkString("display_text")
			if a.DisplayText != "" {
				w.BulkString(a.DisplayText)
			} else {
				w.BulkString(a.Name)
			}
		}
		if a.Type == "key" {
			w.BulkString("key_spec_index")
			w.Int(int64(a.KeySpecIndex))
		}
		if a.Token != "" {
			w.BulkString("token")
			w.BulkString(a.Token)
		}
		if a.Since != "" {
			w.BulkString("since")
			w.BulkString(a.Since)
		}
		if flags != nil {
			w.BulkString("flags")
			writeStatusSet(c, flags)
		}
		if container {
			w.BulkString("arguments")
			writeArgDocs(c, a.Sub)
		}
	}
}

// COMMAND DOCS [command-name ...]: unknown names are left out.
func commandDocsCmd(c *Ctx) error {
	argDocsOnce.Do(attachArgDocs)
	var list []*Command
	if len(c.Args) == 2 {
		list = c.S.servedCommands()
	} else {
		for _, a := range c.Args[2:] {
			if cmd := c.S.lookupServed(string(a)); cmd != nil {
				list = append(list, cmd)
			}
		}
	}
	c.W.Map(len(list))
	for _, cmd := range list {
		c.W.BulkString(cmd.Name)
		writeDocs(c, cmd)
	}
	return nil
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
func commandListCmd(c *Ctx) error {
	args := c.Args
	var keep func(*Command) bool
	switch {
	case len(args) == 2:
		keep = func(*Command) bool { return true }
	case len(args) == 5 && EqualFold(args[2], "filterby"):
		v := args[4]
		switch {
		case EqualFold(args[3], "module"):
			keep = func(*Command) bool { return false }
		case EqualFold(args[3], "aclcat"):
			cat := "@" + strings.ToLower(string(v))
			keep = func(cmd *Command) bool {
				for _, a := range cmd.ACL {
					if a == cat {
						return true
					}
				}
				return false
			}
		case EqualFold(args[3], "pattern"):
			keep = func(cmd *Command) bool { return glob.Match(v, []byte(cmd.Name), true) }
		default:
			return ErrSyntax
		}
	default:
		return ErrSyntax
	}
	var names []string
	for _, cmd := range c.S.servedCommands() {
		if keep(cmd) {
			names = append(names, cmd.Name)
		}
		for _, s := range cmd.sortedSubs() {
			if keep(s) {
				names = append(names, s.Name)
			}
		}
	}
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
	return nil
}

// COMMAND GETKEYS command [arg ...] / COMMAND GETKEYSANDFLAGS command [arg ...]
func commandGetkeysCmd(c *Ctx) error {
	args := c.Args[2:]
	cmd := c.S.lookupServed(string(args[0]))
	if cmd != nil && cmd.Sub != nil && len(args) >= 2 {
		cmd = cmd.Sub[strings.ToLower(string(args[1]))]
	}
	if cmd == nil {
		return ErrInvalidCommand
	}
	if !cmd.checkArity(len(args)) {
		return ErrGetKeysArgs
	}
	refs, ok := cmd.getKeys(args)
	if !ok {
		return ErrGetKeysSpec
	}
	if len(refs) == 0 {
		return ErrNoKeyArgs
	}
	withFlags := c.Cmd.Name == "command|getkeysandflags"
	c.W.Array(len(refs))
	for _, r := range refs {
		if withFlags {
			c.W.Array(2)
			c.W.Bulk(args[r.pos])
			writeStatusSet(c, r.flags)
		} else {
			c.W.Bulk(args[r.pos])
		}
	}
	return nil
}

var commandHelp = []string{
	"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"(no subcommand)",
	"    Return details about all Redis commands.",
	"COUNT",
	"    Return the total number of commands in this Redis server.",
	"LIST",
	"    Return a list of all commands in this Redis server.",
	"INFO [<command-name> ...]",
	"    Return details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]",
	"    Return documentation details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>",
	"    Return the keys from a full Redis command.",
	"GETKEYSANDFLAGS <full-command>",
	"    Return the keys and the access flags from a full Redis command.",
}

// COMMAND HELP
func commandHelpCmd(c *Ctx) error {
	writeHelp(c, commandHelp)
	return nil
}
