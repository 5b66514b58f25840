package commands

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/runnel-db/runnel/resp"
)

// Client-side caching: CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO,
// and the invalidation messages, as Redis 7 sends them.
//
// In the default mode the server remembers, for every key a tracking
// client read (a ReadOnly command's keys, after it ran, under the keyspace
// lock the read held), the client's ID; when the key is modified (every
// place that touches WATCHed keys, touchKey, also invalidates) each client
// that read it gets one "invalidate" message naming it, and the key is
// forgotten until read again. OPTIN remembers only after CLIENT CACHING
// yes, OPTOUT not after CLIENT CACHING no, for the next command (or the
// next transaction). BCAST remembers nothing: every modified key matching
// one of the client's prefixes ("" for all) is sent, the keys of each
// prefix gathered into one message per command (Redis gathers them per
// event-loop iteration) in key order. NOLOOP leaves out the keys the
// client modified itself. FLUSHDB and FLUSHALL send every tracking client
// a null invalidation and forget every key. Like Redis, tracking ignores
// databases: a key name stands for that name in every database.
//
// Messages go through the receiving client's outbox (notify.go), so they
// follow the reply of the command that caused them and wait, as keyspace
// events do, for the write they report to be durable. A RESP3 client gets
// them as push messages on its own connection; with REDIRECT they go to
// the other client: as push messages if it speaks RESP3, as Pub/Sub
// messages of channel __redis__:invalidate if it speaks RESP2 and is
// subscribed to anything (and not at all otherwise, as in Redis). While
// the redirect's client is gone, each message is replaced by a report to
// the tracking client (RESP3 "tracking-redir-broken"). Every RESP3 client
// has an outbox (setProto), so a RESP3 redirect target gets its pushes
// whether it subscribed or not.

// trackState is a client's CLIENT TRACKING state. Only the client's own
// goroutine writes it, holding Client.mu and the keyspace lock; it reads
// it freely, others under either lock.
type trackState struct {
	on, bcast, optin, optout, noloop bool
	// broken is set once the redirect's client was found gone (flag R).
	broken   bool
	redirect uint64
	prefixes []string // BCAST prefixes, in the order given
}

// tracker is the server's tracking table, guarded by the keyspace lock but
// for clients and the stats, which are atomic so that writes find tracking
// off (active) with two loads.
type tracker struct {
	clients atomic.Int32 // clients with tracking on
	// stats mirrors len(keys), items and len(prefixes) for INFO, which
	// reads them without the keyspace lock.
	statKeys, statItems, statPrefixes atomic.Int64
	// keys maps each remembered key to the IDs of the clients that read
	// it; items counts the pairs.
	keys  map[string]map[uint64]struct{}
	items int
	// prefixes holds the BCAST prefixes with their clients and the keys
	// modified since they were last sent; dirty lists the prefixes with
	// such keys, so that a command that modified none costs nothing
	// however many prefixes there are. maxPrefix is the longest prefix's
	// length (the longest a key's matching prefix can be), kept up to date
	// as prefixes come but not as they go.
	prefixes  map[string]*bcastPrefix
	dirty     []string
	maxPrefix int
}

// bcastPrefix is one BCAST prefix: its clients and the keys modified since
// the last send, each with the client that last modified it (NOLOOP).
type bcastPrefix struct {
	clients map[*Client]struct{}
	keys    map[string]*Client
}

// active reports whether writes must reach the table: a client has
// tracking on, or keys read while one had are still remembered (a write
// forgets them even after tracking went off everywhere, as in Redis, so
// that turning it on again brings back no invalidation for them).
func (t *tracker) active() bool { return t.clients.Load() > 0 || t.statKeys.Load() > 0 }

// published stores the table's sizes for INFO. Under the keyspace lock.
func (t *tracker) published() {
	t.statKeys.Store(int64(len(t.keys)))
	t.statItems.Store(int64(t.items))
	t.statPrefixes.Store(int64(len(t.prefixes)))
}

// trackingArgs are CLIENT TRACKING's parsed options.
type trackingArgs struct {
	on                           bool
	bcast, optin, optout, noloop bool
	prefixes                     [][]byte
	redirectID                   uint64
	hasRedirect                  bool
}

// parseTracking parses CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...]
// [BCAST] [OPTIN] [OPTOUT] [NOLOOP] with Redis's checks in Redis's order
// up to those that depend on the client's state (checkState);
// exists reports whether a client ID is connected (REDIRECT's target; the
// client itself is one, as in Redis).
func parseTracking(args [][]byte, exists func(uint64) bool) (trackingArgs, error) {
	var t trackingArgs
	switch {
	case EqualFold(args[2], "on"):
		t.on = true
	case EqualFold(args[2], "off"):
	default:
		return t, ErrSyntax
	}
	for j := 3; j < len(args); j++ {
		more := j+1 < len(args)
		a := args[j]
		switch {
		case EqualFold(a, "redirect") && more:
			j++
			if t.hasRedirect {
				return t, Error("ERR A client can only redirect to a single other client")
			}
			id, ok := ParseInt(args[j])
			if !ok {
				return t, ErrNotInteger
			}
			if id <= 0 || !exists(uint64(id)) {
				return t, Error("ERR The client ID you want redirect to does not exist")
			}
			t.hasRedirect, t.redirectID = true, uint64(id)
		case EqualFold(a, "bcast"):
			t.bcast = true
		case EqualFold(a, "optin"):
			t.optin = true
		case EqualFold(a, "optout"):
			t.optout = true
		case EqualFold(a, "noloop"):
			t.noloop = true
		case EqualFold(a, "prefix") && more:
			j++
			t.prefixes = append(t.prefixes, args[j])
		default:
			return t, ErrSyntax
		}
	}
	if t.on && !t.bcast && len(t.prefixes) > 0 {
		return t, Error("ERR PREFIX option requires BCAST mode to be enabled")
	}
	return t, nil
}

// CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX
// prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
func clientTrackingCmd(c *Ctx) error {
	t, err := parseTracking(c.Args, func(id uint64) bool { return c.S.clientByID(id) != nil })
	if err != nil {
		return err
	}
	cl := c.C
	defer c.lockKeyspace()()
	if !t.on {
		c.S.trackingOff(cl)
		c.W.OK()
		return nil
	}
	if err := t.checkState(cl.trk); err != nil {
		return err
	}
	c.S.trackingOn(cl, t)
	c.W.OK()
	return nil
}

// checkState makes the checks of CLIENT TRACKING ON that depend on the
// client's current tracking, in Redis's order among parseTracking's.
func (t *trackingArgs) checkState(cur trackState) error {
	if cur.on && cur.bcast != t.bcast {
		return Error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
	}
	if t.bcast && (t.optin || t.optout) {
		return Error("ERR OPTIN and OPTOUT are not compatible with BCAST")
	}
	if t.optin && t.optout {
		return Error("ERR You can't specify both OPTIN mode and OPTOUT mode")
	}
	if cur.on && (t.optin && cur.optout || t.optout && cur.optin) {
		return Error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
	}
	if !t.bcast {
		return nil
	}
	// Redis compares each new prefix, in the order given, with every
	// prefix the client has (in sorted order) and with every later new
	// one, and names the first overlap. The same answer comes here
	// without comparing all pairs, which with tens of thousands of
	// prefixes held the keyspace lock for many seconds: the first
	// existing prefix overlapping p is the shortest one p starts with
	// (all are sorted before p), else the first one from p on if it
	// starts with p; and the later new prefixes are scanned only when two
	// of the new ones overlap at all.
	existing := make(map[string]struct{}, len(cur.prefixes))
	for _, q := range cur.prefixes { // kept sorted, as Redis's radix tree
		existing[q] = struct{}{}
	}
	scanNew := anyOverlap(t.prefixes)
	for i, p := range t.prefixes {
		if q, ok := firstOverlap(p, cur.prefixes, existing); ok {
			return Error("ERR Prefix '" + string(p) + "' overlaps with an existing prefix '" + q + "'. Prefixes for a single client must not overlap.")
		}
		if !scanNew {
			continue
		}
		for _, q := range t.prefixes[i+1:] {
			if overlaps(p, q) {
				return Error("ERR Prefix '" + string(p) + "' overlaps with another provided prefix '" + string(q) + "'. Prefixes for a single client must not overlap.")
			}
		}
	}
	return nil
}

// firstOverlap returns the first of the sorted prefixes (also in set)
// that overlaps p.
func firstOverlap(p []byte, sorted []string, set map[string]struct{}) (string, bool) {
	if len(sorted) == 0 {
		return "", false
	}
	for n := 0; n <= len(p); n++ {
		if _, ok := set[string(p[:n])]; ok {
			return string(p[:n]), true
		}
	}
	i := sort.SearchStrings(sorted, string(p))
	if i < len(sorted) && strings.HasPrefix(sorted[i], string(p)) {
		return sorted[i], true
	}
	return "", false
}

// anyOverlap reports whether one of ps is a prefix of another: in sorted
// order, a prefix comes right before a string that starts with it or
// with another such string.
func anyOverlap(ps [][]byte) bool {
	sorted := slices.Clone(ps)
	slices.SortFunc(sorted, bytes.Compare)
	for i := 1; i < len(sorted); i++ {
		if bytes.HasPrefix(sorted[i], sorted[i-1]) {
			return true
		}
	}
	return false
}

// overlaps reports whether one of two prefixes is a prefix of the other.
func overlaps(p, q []byte) bool { return bytes.HasPrefix(p, q) || bytes.HasPrefix(q, p) }

// trackingOn enables (or re-enables, with new options) tracking for cl.
// Under the keyspace lock, on cl's goroutine.
func (s *Server) trackingOn(cl *Client, t trackingArgs) {
	tr := &s.tracking
	cl.pushSink(s.config.outputLimits.pubsubLimits()) // invalidations go through it
	next := cl.trk
	if !next.on {
		tr.clients.Add(1)
	}
	next.on, next.bcast, next.optin, next.optout, next.noloop = true, t.bcast, t.optin, t.optout, t.noloop
	next.broken = false
	next.redirect = t.redirectID
	if t.bcast {
		add := t.prefixes
		if len(add) == 0 {
			add = [][]byte{nil} // no PREFIX: every key
		}
		next.prefixes = slices.Clone(next.prefixes)
		have := make(map[string]struct{}, len(next.prefixes)+len(add))
		for _, p := range next.prefixes {
			have[p] = struct{}{}
		}
		for _, p := range add {
			if _, ok := have[string(p)]; ok {
				continue
			}
			have[string(p)] = struct{}{}
			next.prefixes = append(next.prefixes, string(p))
			if tr.prefixes == nil {
				tr.prefixes = map[string]*bcastPrefix{}
			}
			bp := tr.prefixes[string(p)]
			if bp == nil {
				bp = &bcastPrefix{clients: map[*Client]struct{}{}, keys: map[string]*Client{}}
				tr.prefixes[string(p)] = bp
				tr.maxPrefix = max(tr.maxPrefix, len(p))
			}
			bp.clients[cl] = struct{}{}
		}
		sort.Strings(next.prefixes)
	}
	cl.mu.Lock()
	cl.trk = next
	cl.mu.Unlock()
	cl.trkCaching = false
	tr.published()
}

// trackingOff disables tracking for cl (CLIENT TRACKING OFF, RESET, a
// disconnect). The keys it read stay remembered: a later message for them
// finds tracking off and is not sent, as in Redis. Under the keyspace lock.
func (s *Server) trackingOff(cl *Client) {
	if !cl.trk.on {
		return
	}
	tr := &s.tracking
	for _, p := range cl.trk.prefixes {
		if bp := tr.prefixes[p]; bp != nil {
			delete(bp.clients, cl)
			if len(bp.clients) == 0 {
				delete(tr.prefixes, p)
			}
		}
	}
	tr.clients.Add(-1)
	cl.mu.Lock()
	cl.trk = trackState{}
	cl.mu.Unlock()
	cl.trkCaching = false
	tr.published()
}

// trackRead remembers the keys of a ReadOnly command cl ran, if cl tracks
// them. Under the keyspace lock the command ran under, so no write can
// come between the read and the remembering.
func (s *Server) trackRead(cl *Client, cmd *Command, args [][]byte) {
	t := &cl.trk
	if !t.on || t.bcast || cmd.Flags&ReadOnly == 0 || cmd.Flags&PubSub != 0 {
		return
	}
	if t.optin && !cl.trkCaching || t.optout && cl.trkCaching {
		return
	}
	tr := &s.tracking
	for _, i := range cmd.keys(args) {
		key := string(args[i])
		if tr.keys == nil {
			tr.keys = map[string]map[uint64]struct{}{}
		}
		ids := tr.keys[key]
		if ids == nil {
			ids = map[uint64]struct{}{}
			tr.keys[key] = ids
		}
		if _, ok := ids[cl.ID]; !ok {
			ids[cl.ID] = struct{}{}
			tr.items++
		}
	}
	s.limitTracked()
	tr.published()
}

// trackCron applies a lowered tracking-table-max-keys without waiting
// for the next read, as Redis's cron does.
func (s *Server) trackCron() {
	if !s.tracking.active() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitTracked()
	s.tracking.published()
}

// endTracked ends the command's CLIENT CACHING choice: it lasts for one
// command (run or refused; cmd is nil for an unknown one), or for a whole
// transaction, and survives the CLIENT command that set it.
func (cl *Client) endTracked(cmd *Command) {
	if cl.trkCaching && !cl.multi && (cmd == nil || !strings.HasPrefix(cmd.Name, "client|")) {
		cl.trkCaching = false
	}
}

// invalidateKey sends the invalidation of key, modified by the running
// command (of s.current, nil for active expiry), to the clients that read
// it, and queues it for the BCAST prefixes it matches. As in Redis, an
// expiry the running command's lookup caused counts as that client's
// write for the readers' NOLOOP (Redis checks its current client) but as
// nobody's for BCAST's (Redis records the modifying client, none for an
// expiry). Under the keyspace lock.
func (s *Server) invalidateKey(key string) {
	tr := &s.tracking
	by := s.current
	bcastBy := by
	if s.expiring {
		bcastBy = nil
	}
	if len(tr.prefixes) != 0 {
		mark := func(p string, bp *bcastPrefix) {
			if len(bp.keys) == 0 {
				tr.dirty = append(tr.dirty, p)
			}
			bp.keys[key] = bcastBy
		}
		// A key's matching prefixes are among its first maxPrefix+1
		// leading substrings: look those up when there are fewer of them
		// than prefixes, so that many prefixes cost a write nothing.
		if n := min(len(key), tr.maxPrefix); n+1 < len(tr.prefixes) {
			for i := 0; i <= n; i++ {
				if bp := tr.prefixes[key[:i]]; bp != nil {
					mark(key[:i], bp)
				}
			}
		} else {
			for p, bp := range tr.prefixes {
				if strings.HasPrefix(key, p) {
					mark(p, bp)
				}
			}
		}
	}
	s.invalidateReaders(key, by)
}

// limitTracked keeps the table of remembered keys within
// tracking-table-max-keys, as Redis does before each command and in its
// cron: it forgets keys chosen at random (Go's map order), telling their
// readers, as if each had been modified by nobody (so NOLOOP keeps no
// one's message back). Under the keyspace lock.
func (s *Server) limitTracked() {
	tr := &s.tracking
	limit := s.config.trackingMaxKeys.Load()
	if limit <= 0 || int64(len(tr.keys)) <= limit {
		return
	}
	for key := range tr.keys {
		s.invalidateReaders(key, nil)
		if int64(len(tr.keys)) <= limit {
			return
		}
	}
}

// invalidateReaders forgets key and sends its invalidation to the clients
// that read it, but to by when it asked for NOLOOP.
func (s *Server) invalidateReaders(key string, by *Client) {
	tr := &s.tracking
	ids, ok := tr.keys[key]
	if !ok {
		return
	}
	delete(tr.keys, key)
	tr.items -= len(ids)
	tr.published()
	for id := range ids {
		cl := s.clientByID(id)
		if cl == nil {
			continue
		}
		cl.mu.Lock()
		t := cl.trk
		cl.mu.Unlock()
		if !t.on || t.bcast || t.noloop && cl == by {
			continue
		}
		s.sendTracking(cl, t, func(w *resp.Writer) {
			w.Array(1)
			w.BulkString(key)
		})
	}
}

// flushBroadcasts sends each BCAST client the keys of its prefixes
// modified since the last call, one message per prefix, in key order.
// Under the keyspace lock, at the end of every command that may write.
func (s *Server) flushBroadcasts() {
	tr := &s.tracking
	if len(tr.dirty) == 0 {
		return
	}
	prefixes := tr.dirty
	tr.dirty = nil
	sort.Strings(prefixes)
	for _, p := range prefixes {
		bp := tr.prefixes[p]
		if bp == nil || len(bp.keys) == 0 { // gone with its last client
			continue
		}
		keys := make([]string, 0, len(bp.keys))
		for k := range bp.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		clients := make([]*Client, 0, len(bp.clients))
		for cl := range bp.clients {
			clients = append(clients, cl)
		}
		sort.Slice(clients, func(i, j int) bool { return clients[i].ID < clients[j].ID })
		for _, cl := range clients {
			cl.mu.Lock()
			t := cl.trk
			cl.mu.Unlock()
			send := keys
			if t.noloop {
				send = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return bp.keys[k] == cl })
			}
			if len(send) == 0 {
				continue
			}
			s.sendTracking(cl, t, func(w *resp.Writer) {
				w.Array(len(send))
				for _, k := range send {
					w.BulkString(k)
				}
			})
		}
		clear(bp.keys)
	}
	tr.dirty = prefixes[:0]
}

// trackFlush tells every tracking client that every key changed (FLUSHDB,
// FLUSHALL: a null invalidation, in the tracking client's protocol) and
// forgets every remembered key. Under the keyspace lock.
func (s *Server) trackFlush() {
	tr := &s.tracking
	tr.keys, tr.items = nil, 0
	tr.published()
	if !tr.active() {
		return
	}
	s.eachClient(func(cl *Client) {
		cl.mu.Lock()
		t, proto := cl.trk, cl.proto
		cl.mu.Unlock()
		if t.on {
			s.sendTracking(cl, t, func(w *resp.Writer) {
				if proto == 3 {
					w.B = append(w.B, "_\r\n"...)
				} else {
					w.B = append(w.B, "$-1\r\n"...)
				}
			})
		}
	})
}

// sendTracking queues an invalidation message for tracking client cl
// (state t), its keys written by keys: to cl itself, or to its redirect.
func (s *Server) sendTracking(cl *Client, t trackState, keys func(w *resp.Writer)) {
	target := cl
	redirected := t.redirect != 0
	if redirected {
		target = s.clientByID(t.redirect)
		if target == nil {
			cl.mu.Lock()
			cl.trk.broken = true
			proto := cl.proto
			cl.mu.Unlock()
			if proto == 3 {
				s.queuePush(cl, func(w *resp.Writer) {
					w.Push(2)
					w.BulkString("tracking-redir-broken")
					w.Int(int64(t.redirect))
				})
			}
			return
		}
	}
	target.mu.Lock()
	proto, sub := target.proto, target.sub
	target.mu.Unlock()
	switch {
	case proto == 3:
		s.queuePush(target, func(w *resp.Writer) {
			w.Push(2)
			w.BulkString("invalidate")
			keys(w)
		})
	case redirected && sub != nil && subscribedAny(sub):
		s.queuePush(target, func(w *resp.Writer) {
			w.Array(3)
			w.BulkString("message")
			w.BulkString("__redis__:invalidate")
			keys(w)
		})
	}
}

// queuePush encodes a message in cl's protocol into cl's outbox, to leave
// once the running command's effects are durable. A client without an
// outbox (RESP2, never subscribed: not a receiver) gets nothing.
func (s *Server) queuePush(cl *Client, write func(w *resp.Writer)) {
	cl.mu.Lock()
	sink := cl.sink
	cl.mu.Unlock()
	if sink == nil {
		return
	}
	w := &s.trackScratch
	w.Reset()
	w.Proto = int(sink.proto.Load())
	write(w)
	sink.out.Add(w.B, s.pubSeq(true))
}

// tracking returns a copy of cl's tracking state, for the client's own
// commands that run without the keyspace lock: another client's write may
// be setting broken (under mu) meanwhile.
func (cl *Client) tracking() trackState {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.trk
}

// CLIENT CACHING YES|NO
func clientCachingCmd(c *Ctx) error {
	t := c.C.tracking()
	if !t.on {
		return Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
	}
	switch {
	case EqualFold(c.Args[2], "yes"):
		if !t.optin {
			return Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
		}
	case EqualFold(c.Args[2], "no"):
		if !t.optout {
			return Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
		}
	default:
		return ErrSyntax
	}
	c.C.trkCaching = true
	c.W.OK()
	return nil
}

// CLIENT GETREDIR: the redirect's client ID, 0 for none, -1 with tracking
// off.
func clientGetredirCmd(c *Ctx) error {
	t := c.C.tracking()
	switch {
	case !t.on:
		c.W.Int(-1)
	default:
		c.W.Int(int64(t.redirect))
	}
	return nil
}

// CLIENT TRACKINGINFO
func clientTrackinginfoCmd(c *Ctx) error {
	t := c.C.tracking()
	c.W.Map(3)
	c.W.BulkString("flags")
	var flags []string
	if !t.on {
		flags = append(flags, "off")
	} else {
		flags = append(flags, "on")
		if t.bcast {
			flags = append(flags, "bcast")
		}
		if t.optin {
			flags = append(flags, "optin")
			if c.C.trkCaching {
				flags = append(flags, "caching-yes")
			}
		}
		if t.optout {
			flags = append(flags, "optout")
			if c.C.trkCaching {
				flags = append(flags, "caching-no")
			}
		}
		if t.noloop {
			flags = append(flags, "noloop")
		}
		if t.broken {
			flags = append(flags, "broken_redirect")
		}
	}
	c.W.Set(len(flags))
	for _, f := range flags {
		c.W.BulkString(f)
	}
	c.W.BulkString("redirect")
	switch {
	case !t.on:
		c.W.Int(-1)
	default:
		c.W.Int(int64(t.redirect))
	}
	c.W.BulkString("prefixes")
	c.W.Array(len(t.prefixes))
	for _, p := range t.prefixes {
		c.W.BulkString(p)
	}
	return nil
}

// subscribedAny reports whether sub holds any subscription (Redis's
// CLIENT_PUBSUB, which a RESP2 redirect target needs).
func subscribedAny(sub interface{ Counts() (int, int, int) }) bool {
	a, b, c := sub.Counts()
	return a+b+c > 0
}
