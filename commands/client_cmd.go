package commands

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// CLIENT and its subcommands.

func init() {
	conn := []string{"@slow", "@connection"}
	admin := []string{"@admin", "@slow", "@dangerous", "@connection"}
	f := NoKeyspace | NoScript | Loading | Stale
	fa := f | Admin
	sub := func(name string, arity int, flags Flags, acl []string, h Handler, summary, since, complexity string) *Command {
		return &Command{Name: "client|" + name, Arity: arity, Flags: flags, ACL: acl, Handler: h,
			Summary: summary, Since: since, Group: "connection", Complexity: complexity}
	}
	list := sub("list", -2, fa, admin, clientListCmd, "Lists open connections.", "2.4.0", "O(N) where N is the number of client connections")
	list.Tips = []string{"nondeterministic_output"}
	info := sub("info", 2, f, conn, clientInfoCmd, "Returns information about the connection.", "6.2.0", "O(1)")
	info.Tips = []string{"nondeterministic_output"}
	register(
		&Command{Name: "client", Arity: -2, ACL: []string{"@slow"}, Summary: "A container for client connection commands.", Since: "2.4.0", Group: "connection", Complexity: "Depends on subcommand."},
		sub("id", 2, f, conn, clientIDCmd, "Returns the unique client ID of the connection.", "5.0.0", "O(1)"),
		sub("setname", 3, f, conn, clientSetnameCmd, "Sets the connection name.", "2.6.9", "O(1)"),
		sub("getname", 2, f, conn, clientGetnameCmd, "Returns the name of the connection.", "2.6.9", "O(1)"),
		sub("setinfo", 4, f, conn, clientSetinfoCmd, "Sets information specific to the client or connection.", "7.2.0", "O(1)"),
		list, info,
		sub("kill", -3, fa, admin, clientKillCmd, "Terminates open connections.", "2.4.0", "O(N) where N is the number of client connections"),
		sub("unblock", -3, fa, admin, clientUnblockCmd, "Unblocks a client blocked by a blocking command from a different connection.", "5.0.0", "O(log N) where N is the number of client connections"),
		sub("no-evict", 3, fa, admin, clientNoEvictCmd, "Sets the client eviction mode of the connection.", "7.0.0", "O(1)"),
		sub("no-touch", 3, f, conn, clientNoTouchCmd, "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", "7.2.0", "O(1)"),
		sub("pause", -3, fa, admin, clientPauseCmd, "Suspends commands processing.", "3.0.0", "O(1)"),
		sub("unpause", 2, fa, admin, clientUnpauseCmd, "Resumes processing commands from paused clients.", "6.2.0", "O(N) Where N is the number of paused clients"),
		sub("reply", 3, f, conn, clientReplyCmd, "Instructs the server whether to reply to commands.", "3.2.0", "O(1)"),
		sub("tracking", -3, f, conn, clientTrackingCmd, "Controls server-assisted client-side caching for the connection.", "6.0.0", "O(1). Some options may introduce additional complexity."),
		sub("caching", 3, f, conn, clientCachingCmd, "Instructs the server whether to track the keys in the next request.", "6.0.0", "O(1)"),
		sub("getredir", 2, f, conn, clientGetredirCmd, "Returns the client ID to which the connection's tracking notifications are redirected.", "6.0.0", "O(1)"),
		sub("trackinginfo", 2, f, conn, clientTrackinginfoCmd, "Returns information about server-assisted client-side caching for the connection.", "6.2.0", "O(1)"),
		sub("help", 2, NoKeyspace|Loading|Stale, conn, clientHelpCmd, "Returns helpful text about the different subcommands.", "5.0.0", "O(1)"),
	)
}

// validClientAttr reports whether v can be a client name or library
// attribute: printable ASCII without spaces, so CLIENT LIST lines split on
// spaces. Like Redis it stops at a NUL byte.
func validClientAttr(v []byte) bool {
	for _, ch := range v {
		if ch == 0 {
			break
		}
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func (c *Client) setName(name string) {
	c.mu.Lock()
	c.name = name
	c.mu.Unlock()
}

// CLIENT ID
func clientIDCmd(c *Ctx) error {
	c.W.Uint(c.C.ID)
	return nil
}

// CLIENT SETNAME connection-name
func clientSetnameCmd(c *Ctx) error {
	if !validClientAttr(c.Args[2]) {
		return ErrClientName
	}
	c.C.setName(string(c.Args[2]))
	c.W.OK()
	return nil
}

// CLIENT GETNAME
func clientGetnameCmd(c *Ctx) error {
	c.C.mu.Lock()
	name := c.C.name
	c.C.mu.Unlock()
	if name == "" {
		c.W.Null()
	} else {
		c.W.BulkString(name)
	}
	return nil
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
func clientSetinfoCmd(c *Ctx) error {
	attr, val := c.Args[2], c.Args[3]
	lib := EqualFold(attr, "lib-name")
	if !lib && !EqualFold(attr, "lib-ver") {
		return Error("ERR Unrecognized option '" + string(attr) + "'")
	}
	if !validClientAttr(val) {
		return Error("ERR " + string(attr) + " cannot contain spaces, newlines or special characters.")
	}
	c.C.mu.Lock()
	if lib {
		c.C.libName = string(val)
	} else {
		c.C.libVer = string(val)
	}
	c.C.mu.Unlock()
	c.W.OK()
	return nil
}

// infoLine formats one CLIENT LIST / CLIENT INFO line in Redis 7.4's field
// order. self is the client running the command: its MULTI state is read
// live, other clients' from what they published after their last command.
func (s *Server) infoLine(cl *Client, self *Client, now time.Time) string {
	cl.mu.Lock()
	name, lib, ver, db, proto := cl.name, cl.libName, cl.libVer, cl.db, cl.proto
	cmd, idle, blocked := cl.lastCmd, cl.idle(now), cl.blockedOn != nil || cl.paused
	multi, watch, argv := cl.multiCount, cl.watchCount, cl.argvMem
	noEvict, noTouch, monitoring := cl.noEvict, cl.noTouch, cl.monitoring
	sub, sink, trk := cl.sub, cl.sink, cl.trk
	cl.mu.Unlock()
	if cl == self {
		multi, watch = -1, len(cl.watched)
		if cl.multi {
			multi = len(cl.queued)
		}
		argv = 0
		for _, a := range cl.ctx.Args {
			argv += len(a)
		}
	}
	var fl []byte
	if monitoring {
		fl = append(fl, 'O')
	}
	nsub, npsub, nssub := 0, 0, 0
	if sub != nil {
		nsub, npsub, nssub = sub.Counts()
	}
	if nsub+npsub+nssub > 0 {
		fl = append(fl, 'P')
	}
	if multi >= 0 {
		fl = append(fl, 'x')
	}
	if blocked {
		fl = append(fl, 'b')
	}
	if trk.on {
		fl = append(fl, 't')
	}
	if trk.broken {
		fl = append(fl, 'R')
	}
	if trk.bcast {
		fl = append(fl, 'B')
	}
	if cl == self && cl.closeAfterReply { // only the caller's own field: another client's is not ours to read
		fl = append(fl, 'c')
	}
	if noEvict {
		fl = append(fl, 'e')
	}
	if noTouch {
		fl = append(fl, 'T')
	}
	if len(fl) == 0 {
		fl = append(fl, 'N')
	}
	if cmd == "" {
		cmd = "NULL"
	}
	var b strings.Builder
	kv := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	itoa := strconv.Itoa
	kv("id", strconv.FormatUint(cl.ID, 10))
	kv("addr", cl.addr)
	kv("laddr", cl.laddr)
	kv("fd", itoa(cl.fd))
	kv("name", name)
	kv("age", itoa(int(now.Sub(cl.created)/time.Second)))
	kv("idle", itoa(int(idle/time.Second)))
	kv("flags", string(fl))
	kv("db", itoa(db))
	kv("sub", itoa(nsub))
	kv("psub", itoa(npsub))
	kv("ssub", itoa(nssub))
	kv("multi", itoa(multi))
	kv("watch", itoa(watch))
	kv("qbuf", "0")
	kv("qbuf-free", "0")
	kv("argv-mem", itoa(argv))
	kv("multi-mem", "0")
	kv("rbs", "4096")
	kv("rbp", "0")
	kv("obl", "0")
	kv("oll", "0")
	var omem int64
	if cl.conn != nil {
		omem = outputUsage(cl.conn)
	}
	if sink != nil {
		// Messages queued for a subscriber or monitor and not written
		// yet: Redis holds them in the same output buffer.
		omem += int64(sink.out.Len())
	}
	kv("omem", strconv.FormatInt(omem, 10))
	kv("tot-mem", strconv.FormatInt(int64(clientOverhead+argv)+omem, 10))
	kv("events", "r")
	kv("cmd", cmd)
	kv("user", "default")
	// As in Redis: -1 without tracking, else the redirect's ID (0 for none).
	redir := "-1"
	if trk.on {
		redir = strconv.FormatUint(trk.redirect, 10)
	}
	kv("redir", redir)
	kv("resp", itoa(proto))
	kv("lib-name", lib)
	kv("lib-ver", ver)
	return b.String()
}

// clientOverhead is the fixed memory runnel attributes to a connection
// (tot-mem= and INFO's estimate): its reply and read buffers and state.
const clientOverhead = 8192

// clientsSorted returns the connected clients in ID (connection) order.
func (s *Server) clientsSorted() []*Client {
	var list []*Client
	s.eachClient(func(c *Client) { list = append(list, c) })
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

func (s *Server) clientByID(id uint64) *Client {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	return s.clients[id]
}

// clientType reports whether a CLIENT LIST/KILL TYPE name is valid and
// whether it matches runnel's clients, which are all "normal".
func clientType(b []byte) (valid, normal bool) {
	switch {
	case EqualFold(b, "normal"):
		return true, true
	case EqualFold(b, "slave"), EqualFold(b, "replica"), EqualFold(b, "master"), EqualFold(b, "pubsub"):
		return true, false
	}
	return false, false
}

// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID client-id [client-id ...]]
func clientListCmd(c *Ctx) error {
	args := c.Args
	now := time.Now()
	var sb strings.Builder
	switch {
	case len(args) == 4 && EqualFold(args[2], "type"):
		valid, normal := clientType(args[3])
		if !valid {
			return Error("ERR Unknown client type '" + string(args[3]) + "'")
		}
		if normal {
			for _, cl := range c.S.clientsSorted() {
				sb.WriteString(c.S.infoLine(cl, c.C, now))
				sb.WriteByte('\n')
			}
		}
	case len(args) > 3 && EqualFold(args[2], "id"):
		var ids []uint64
		for _, a := range args[3:] {
			id, ok := ParseInt(a)
			if !ok {
				return ErrInvalidClientID
			}
			ids = append(ids, uint64(id))
		}
		for _, id := range ids {
			if cl := c.S.clientByID(id); cl != nil {
				sb.WriteString(c.S.infoLine(cl, c.C, now))
				sb.WriteByte('\n')
			}
		}
	case len(args) == 2:
		for _, cl := range c.S.clientsSorted() {
			sb.WriteString(c.S.infoLine(cl, c.C, now))
			sb.WriteByte('\n')
		}
	default:
		return ErrSyntax
	}
	c.W.Verbatim("txt", sb.String())
	return nil
}

// CLIENT INFO
func clientInfoCmd(c *Ctx) error {
	c.W.Verbatim("txt", c.S.infoLine(c.C, c.C, time.Now())+"\n")
	return nil
}

// killFilter is CLIENT KILL's new-form filter set.
type killFilter struct {
	id          uint64
	hasID       bool
	addr, laddr string
	hasAddr     bool
	hasLaddr    bool
	noneByType  bool
	maxAge      int64
	hasMaxAge   bool
	skipMe      bool
}

func parseKillFilter(args [][]byte) (killFilter, error) {
	f := killFilter{skipMe: true}
	if len(args)%2 != 0 {
		return f, ErrSyntax
	}
	for i := 2; i < len(args); i += 2 {
		opt, v := args[i], args[i+1]
		switch {
		case EqualFold(opt, "id"):
			n, ok := ParseInt(v)
			if !ok || n < 1 {
				return f, ErrClientIDPositive
			}
			f.id, f.hasID = uint64(n), true
		case EqualFold(opt, "type"):
			valid, normal := clientType(v)
			if !valid {
				return f, Error("ERR Unknown client type '" + string(v) + "'")
			}
			f.noneByType = f.noneByType || !normal
		case EqualFold(opt, "addr"):
			f.addr, f.hasAddr = string(v), true
		case EqualFold(opt, "laddr"):
			f.laddr, f.hasLaddr = string(v), true
		case EqualFold(opt, "user"):
			if string(v) != "default" {
				return f, Error("ERR No such user '" + string(v) + "'")
			}
		case EqualFold(opt, "skipme"):
			switch {
			case EqualFold(v, "yes"):
				f.skipMe = true
			case EqualFold(v, "no"):
				f.skipMe = false
			default:
				return f, ErrSyntax
			}
		case EqualFold(opt, "maxage"):
			n, ok := ParseInt(v)
			if !ok {
				return f, ErrNotInteger
			}
			f.maxAge, f.hasMaxAge = n, true
		default:
			return f, ErrSyntax
		}
	}
	return f, nil
}

func (f *killFilter) match(cl, self *Client, now time.Time) bool {
	switch {
	case f.noneByType,
		f.hasID && cl.ID != f.id,
		f.hasAddr && cl.addr != f.addr,
		f.hasLaddr && cl.laddr != f.laddr,
		f.hasMaxAge && int64(now.Sub(cl.created)/time.Second) < f.maxAge,
		f.skipMe && cl == self:
		return false
	}
	return true
}

// kill disconnects cl. A client blocked in XREAD/XREADGROUP is released
// first so its goroutine sees the closed socket. Killing oneself closes
// the connection after the reply.
func (s *Server) kill(c *Ctx, cl *Client) {
	self := c.C
	if cl == self {
		cl.closeAfterReply = true
		return
	}
	cl.mu.Lock()
	cl.killed = true
	w := cl.blockedOn
	cl.mu.Unlock()
	if nc := cl.conn.NetConn(); nc != nil {
		nc.Close()
	}
	if w != nil {
		unlock := c.lockKeyspace()
		s.expireWaiterLocked(w, false, false)
		unlock()
	}
}

// CLIENT KILL ip:port | CLIENT KILL <filter value> [<filter value> ...]
func clientKillCmd(c *Ctx) error {
	now := time.Now()
	if len(c.Args) == 3 {
		addr := string(c.Args[2])
		for _, cl := range c.S.clientsSorted() {
			if cl.addr == addr {
				c.S.kill(c, cl)
				c.W.OK()
				return nil
			}
		}
		return ErrNoSuchClient
	}
	f, err := parseKillFilter(c.Args)
	if err != nil {
		return err
	}
	n := 0
	for _, cl := range c.S.clientsSorted() {
		if f.match(cl, c.C, now) {
			c.S.kill(c, cl)
			n++
		}
	}
	c.W.Int(int64(n))
	return nil
}

// errClientSubArgs is Redis's reply to a CLIENT subcommand given more
// arguments than it takes.
func errClientSubArgs(sub []byte) Error {
	return Error("ERR unknown subcommand or wrong number of arguments for '" + string(truncate(sub, 128)) + "'. Try CLIENT HELP.")
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
//
// The target's wait ends under the keyspace lock, so a key signalled at
// the same moment cannot serve it too: it gets either its data or the
// unblock reply, and the reply here says which happened.
func clientUnblockCmd(c *Ctx) error {
	if len(c.Args) > 4 {
		return errClientSubArgs(c.Args[1])
	}
	asErr := false
	if len(c.Args) == 4 {
		switch {
		case EqualFold(c.Args[3], "timeout"):
		case EqualFold(c.Args[3], "error"):
			asErr = true
		default:
			return ErrUnblockReason
		}
	}
	id, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	var w *waiter
	if cl := c.S.clientByID(uint64(id)); cl != nil {
		cl.mu.Lock()
		w = cl.blockedOn
		cl.mu.Unlock()
	}
	ended := false
	if w != nil && !w.pinned {
		unlock := c.lockKeyspace()
		ended = c.S.expireWaiterLocked(w, true, asErr)
		unlock()
	}
	if ended {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
	return nil
}

// parseOnOff reads CLIENT NO-EVICT / NO-TOUCH's argument.
func parseOnOff(b []byte) (bool, error) {
	switch {
	case EqualFold(b, "on"):
		return true, nil
	case EqualFold(b, "off"):
		return false, nil
	}
	return false, ErrSyntax
}

// CLIENT NO-EVICT ON|OFF
func clientNoEvictCmd(c *Ctx) error {
	on, err := parseOnOff(c.Args[2])
	if err != nil {
		return err
	}
	c.C.mu.Lock()
	c.C.noEvict = on
	c.C.mu.Unlock()
	c.W.OK()
	return nil
}

// CLIENT NO-TOUCH ON|OFF
func clientNoTouchCmd(c *Ctx) error {
	on, err := parseOnOff(c.Args[2])
	if err != nil {
		return err
	}
	c.C.mu.Lock()
	c.C.noTouch = on
	c.C.mu.Unlock()
	c.W.OK()
	return nil
}

// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP write nothing; the dispatcher
// drops the replies they switch off (Client.filterReply).
func clientReplyCmd(c *Ctx) error {
	switch a := c.Args[2]; {
	case EqualFold(a, "on"):
		c.C.replyOff, c.C.replySkipNext = false, false
		c.W.OK()
	case EqualFold(a, "off"):
		c.C.replyOff = true
	case EqualFold(a, "skip"):
		if !c.C.replyOff {
			c.C.replySkipNext = true
		}
	default:
		return ErrSyntax
	}
	return nil
}

var clientHelp = []string{
	"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CACHING (YES|NO)",
	"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
	"GETREDIR",
	"    Return the client ID we are redirecting to when tracking is enabled.",
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"    * ID <client-id>",
	"      Kill connections by client id.",
	"    * MAXAGE <maxage>",
	"      Kill connections older than the specified age.",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"UNPAUSE",
	"    Stop the current client pause, resuming traffic.",
	"PAUSE <timeout> [WRITE|ALL]",
	"    Suspend all, or just write, clients for <timeout> milliseconds.",
	"REPLY (ON|OFF|SKIP)",
	"    Control the replies sent to the current connection.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"SETINFO <option> <value>",
	"    Set client meta attr. Options are:",
	"    * LIB-NAME: the client lib name.",
	"    * LIB-VER: the client lib version.",
	"UNBLOCK <clientid> [TIMEOUT|ERROR]",
	"    Unblock the specified blocked client.",
	"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
	"         [OPTIN] [OPTOUT] [NOLOOP]",
	"    Control server assisted client side caching.",
	"TRACKINGINFO",
	"    Report tracking status for the current connection.",
	"NO-EVICT (ON|OFF)",
	"    Protect current client connection from eviction.",
	"NO-TOUCH (ON|OFF)",
	"    Will not touch LRU/LFU stats when this mode is on.",
}

// writeHelp writes a HELP reply as Redis 7.4 does: the lines as status
// replies, then the closing HELP entry.
func writeHelp(c *Ctx, lines []string) {
	c.W.Array(len(lines) + 2)
	for _, l := range lines {
		c.W.Simple(l)
	}
	c.W.Simple("HELP")
	c.W.Simple("    Print this help.")
}

// CLIENT HELP
func clientHelpCmd(c *Ctx) error {
	writeHelp(c, clientHelp)
	return nil
}
