package commands

import "strings"

// Flags describe a command to the dispatcher, which derives locking,
// persistence, MULTI handling and COMMAND INFO from them.
type Flags uint32

// The command flags. Their names follow Redis's COMMAND INFO flags where one
// exists.
const (
	// Write commands may change the keyspace; their effects are committed
	// before the reply leaves.
	Write Flags = 1 << iota
	// ReadOnly commands read the keyspace under the keyspace lock.
	ReadOnly
	// Fast commands run in O(1) or O(log N) (COMMAND INFO "fast").
	Fast
	// Blocking commands may block the client (XREAD BLOCK).
	Blocking
	// NoKeyspace commands touch only the client or the server's settings and
	// run without the keyspace lock (PING, HELLO, CLIENT, CONFIG).
	NoKeyspace
	// NoAuth commands are allowed before AUTH (AUTH, HELLO, QUIT, RESET).
	NoAuth
	// NoMulti commands are not queued inside MULTI but run at once (EXEC,
	// DISCARD, MULTI, WATCH, QUIT, RESET).
	NoMulti
	// Loading commands are allowed while the store loads (INFO, PING).
	Loading
	// Admin, NoScript, Denyoom and AllowBusy carry Redis's COMMAND INFO flags of
	// the same names.
	Admin
	NoScript
	Denyoom
	AllowBusy
	// Stale, SkipSlowlog, SkipMonitor, PubSub, NoMandatoryKeys and
	// NoAsyncLoading only feed COMMAND INFO's flags of the same names.
	Stale
	SkipSlowlog
	SkipMonitor
	PubSub
	NoMandatoryKeys
	NoAsyncLoading
	// DenyMulti commands are refused inside MULTI (Redis's "no_multi"):
	// "ERR Command not allowed inside a transaction".
	DenyMulti
	// Protected commands (DEBUG) run only as enable-debug-command allows:
	// "yes" from any connection, "local" from a loopback one, "no" (the
	// default) never. COMMAND INFO does not show it, as Redis does not.
	Protected
	// MayReplicate commands are delayed by CLIENT PAUSE WRITE although
	// they are not writes (Redis's "may_replicate": PUBLISH, EVAL, ...).
	MayReplicate
)

// Handler runs one command. It writes its reply through c.W and returns nil,
// or returns an error for the dispatcher to write; it never does both.
type Handler func(c *Ctx) error

// Command is one row of the command table.
type Command struct {
	// Name is the lower-case full name ("xadd", "xgroup|create").
	Name string
	// Arity follows Redis: n means exactly n arguments counting the name,
	// -n means at least n.
	Arity int
	Flags Flags
	// FirstKey, LastKey and Step locate key arguments as COMMAND INFO does
	// (LastKey -1 is the last argument; 0 means no keys).
	FirstKey, LastKey, Step int
	// Keys, when set, finds the key positions of a command whose keys move
	// with its options (COMMAND INFO "movablekeys"; XREAD's follow
	// STREAMS). FirstKey, LastKey and Step are then 0, as Redis reports.
	Keys func(args [][]byte) []int
	// ACL lists Redis's ACL categories for COMMAND INFO ("@write", ...).
	ACL []string
	// Handler runs the command; nil for a container whose subcommands run.
	Handler Handler
	// Sub holds a container command's subcommands by lower-case name.
	Sub map[string]*Command
	// Summary, Since, Group and Complexity feed COMMAND DOCS.
	Summary, Since, Group, Complexity string
	// History lists (version, change) pairs for COMMAND DOCS.
	History [][2]string
	// Args documents the arguments for COMMAND DOCS (redis-cli's hints);
	// nil leaves the "arguments" field out.
	Args []ArgDoc
	// Tips are COMMAND INFO's tips ("nondeterministic_output", ...).
	Tips []string
	// KeySpecs are COMMAND INFO's key specifications, which COMMAND
	// GETKEYS also follows. When nil, one range spec is derived from
	// FirstKey, LastKey and Step (keyspec.go).
	KeySpecs []KeySpec

	// statID numbers the row for the per-command counters (stats.go); it is
	// set by register, from 1, and 0 for a row never registered.
	statID int
}

// registered counts the rows register has numbered (Command.statID).
var registered int

// table maps lower-case command names to their rows. It is filled by the
// register calls in each command family's init and read-only afterwards.
var table = map[string]*Command{}

// register adds commands to the table; subcommand rows carry the
// container's name before a '|'.
func register(cmds ...*Command) {
	for _, c := range cmds {
		registered++
		c.statID = registered
		if i := strings.IndexByte(c.Name, '|'); i >= 0 {
			parent := table[c.Name[:i]]
			if parent == nil {
				panic("commands: subcommand before its container: " + c.Name)
			}
			if parent.Sub == nil {
				parent.Sub = map[string]*Command{}
			}
			parent.Sub[c.Name[i+1:]] = c
			continue
		}
		if table[c.Name] != nil {
			panic("commands: duplicate command " + c.Name)
		}
		table[c.Name] = c
	}
}

// Lookup returns the table row of a command name given in any case, or nil.
func Lookup(name string) *Command { return table[strings.ToLower(name)] }

// All calls fn for every top-level command of the table.
func All(fn func(*Command)) {
	for _, c := range table {
		fn(c)
	}
}

// checkArity reports whether n arguments fit the command's arity.
func (c *Command) checkArity(n int) bool {
	if c.Arity >= 0 {
		return n == c.Arity
	}
	return n >= -c.Arity
}

// keys returns the positions of the key arguments of args (which include
// the command name), from the table's first/last/step.
func (c *Command) keys(args [][]byte) []int {
	if c.Keys != nil {
		return c.Keys(args)
	}
	if c.FirstKey <= 0 || c.FirstKey >= len(args) {
		return nil
	}
	last := c.LastKey
	if last < 0 {
		last = len(args) + last
	}
	step := c.Step
	if step <= 0 {
		step = 1
	}
	var pos []int
	for i := c.FirstKey; i <= last && i < len(args); i += step {
		pos = append(pos, i)
	}
	return pos
}
