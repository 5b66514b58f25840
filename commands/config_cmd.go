package commands

import (
	"bytes"
	"strings"

	"github.com/runnel-db/runnel/glob"
)

// CONFIG and its subcommands.

func init() {
	admin := []string{"@admin", "@slow", "@dangerous"}
	f := NoKeyspace | Admin | NoScript | Loading | Stale
	sub := func(name string, arity int, h Handler, summary, since, complexity string) *Command {
		return &Command{Name: "config|" + name, Arity: arity, Flags: f, ACL: admin, Handler: h,
			Summary: summary, Since: since, Group: "server", Complexity: complexity}
	}
	set := sub("set", -4, configSetCmd, "Sets configuration parameters in-flight.", "2.0.0", "O(N) when N is the number of configuration parameters provided")
	set.Tips = []string{"request_policy:all_nodes", "response_policy:all_succeeded"}
	set.History = [][2]string{{"7.0.0", "Added the ability to set multiple parameters in one call."}}
	get := sub("get", -3, configGetCmd, "Returns the effective values of configuration parameters.", "2.0.0", "O(N) when N is the number of configuration parameters provided")
	get.History = [][2]string{{"7.0.0", "Added the ability to pass multiple pattern parameters in one call"}}
	register(
		&Command{Name: "config", Arity: -2, ACL: []string{"@slow"}, Summary: "A container for server configuration commands.", Since: "2.0.0", Group: "server", Complexity: "Depends on subcommand."},
		get, set,
		sub("resetstat", 2, configResetstatCmd, "Resets the server's statistics.", "2.0.0", "O(1)"),
		sub("rewrite", 2, configRewriteCmd, "Persists the effective configuration to file.", "2.8.0", "O(1)"),
		&Command{Name: "config|help", Arity: 2, Flags: NoKeyspace | Loading | Stale, ACL: []string{"@slow"}, Handler: configHelpCmd,
			Summary: "Returns helpful text about the different subcommands.", Since: "5.0.0", Group: "server", Complexity: "O(1)"},
	)
}

// CONFIG GET parameter [parameter ...]
//
// Each argument is a name or alias (any case; the reply echoes it as
// given) or a glob over the names and aliases. As in Redis a name is
// listed once, but a parameter asked for by its name and its alias is
// listed under both.
func configGetCmd(c *Ctx) error {
	type kv struct{ k, v string }
	var out []kv
	seen := map[string]bool{}
	for _, a := range c.Args[2:] {
		if !bytes.ContainsAny(a, "[*?") {
			p := lookupParam(string(a))
			key := strings.ToLower(string(a))
			if p == nil || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, kv{string(a), c.S.getParam(p)})
			continue
		}
		for _, p := range params {
			for _, name := range [2]string{p.name, p.alias} {
				if name == "" || seen[name] || !glob.Match(a, []byte(name), true) {
					continue
				}
				seen[name] = true
				out = append(out, kv{name, c.S.getParam(p)})
			}
		}
	}
	c.W.Map(len(out))
	for _, e := range out {
		c.W.BulkString(e.k)
		c.W.BulkString(e.v)
	}
	return nil
}

// CONFIG SET parameter value [parameter value ...]
//
// Atomic: every name and value is checked before any is applied, with the
// checks and error texts in Redis's order.
func configSetCmd(c *Ctx) error {
	args := c.Args
	if len(args)%2 != 0 {
		return ErrSyntax
	}
	n := (len(args) - 2) / 2
	ps := make([]*param, n)
	names := make([]string, n) // as matched: the parameter's name or alias
	var unknown, failArg, failMsg string
	for i := 0; i < n; i++ {
		name := string(args[2+2*i])
		p, matched := lookupParamName(name)
		if p == nil {
			if failMsg == "" && unknown == "" {
				unknown = name
			}
			continue
		}
		if unknown != "" || failMsg != "" {
			continue
		}
		if !p.mutable {
			failArg, failMsg = name, "can't set immutable config"
			if p.protected {
				failMsg = "can't set protected config"
			}
			continue
		}
		for j := 0; j < i; j++ {
			if names[j] == matched {
				failArg, failMsg = name, "duplicate parameter"
			}
		}
		ps[i], names[i] = p, matched
	}
	if unknown != "" {
		return Error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'")
	}
	if failMsg != "" {
		return Error("ERR CONFIG SET failed (possibly related to argument '" + failArg + "') - " + failMsg)
	}
	vals := make([]string, n)
	for i, p := range ps {
		v, msg := p.normalize(string(args[3+2*i]))
		if msg != "" {
			return Error("ERR CONFIG SET failed (possibly related to argument '" + names[i] + "') - " + msg)
		}
		vals[i] = v
	}
	for i, p := range ps {
		if p.settable == nil {
			continue
		}
		if msg := p.settable(c.S, vals[i]); msg != "" {
			return Error("ERR CONFIG SET failed (possibly related to argument '" + names[i] + "') - " + msg)
		}
	}
	streams := false
	for i, p := range ps {
		c.S.applyParam(p, vals[i])
		streams = streams || p.streams
	}
	if streams {
		unlock := c.lockKeyspace()
		c.S.applyStreamConfigLocked()
		unlock()
	}
	c.W.OK()
	return nil
}

// CONFIG RESETSTAT: the INFO counters, and like Redis the save and
// rewrite counts (rdb_saves, aof_rewrites).
func configResetstatCmd(c *Ctx) error {
	c.S.stats.reset()
	c.S.dur.mu.Lock()
	c.S.dur.saves = 0
	c.S.dur.rewrites = 0
	c.S.dur.mu.Unlock()
	c.W.OK()
	return nil
}

var configHelp = []string{
	"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"GET <pattern>",
	"    Return parameters matching the glob-like <pattern> and their values.",
	"SET <directive> <value>",
	"    Set the configuration <directive> to <value>.",
	"RESETSTAT",
	"    Reset statistics reported by the INFO command.",
	"REWRITE",
	"    Rewrite the configuration file.",
}

// CONFIG HELP
func configHelpCmd(c *Ctx) error {
	writeHelp(c, configHelp)
	return nil
}
