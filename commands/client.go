package commands

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/pubsub"
	"github.com/runnel-db/runnel/resp"
	"github.com/tidwall/redcon"
)

// Client is one connection's state. The connection's own goroutine owns it;
// the fields under mu are also read by other clients (CLIENT LIST, INFO) and
// by CLIENT KILL.
type Client struct {
	ID   uint64
	srv  *Server
	conn redcon.Conn
	addr string
	// laddr is the local address of the connection (CLIENT LIST laddr=).
	laddr   string
	created time.Time
	// softOverSince is when (Unix seconds) what the client has not read
	// went over its class's soft output limit, 0 while under it
	// (overOutputLimit); outputLimitClosed is set once its output limits
	// closed it. The connection's goroutine and sweepOutputLimits use them.
	softOverSince     atomic.Int64
	outputLimitClosed atomic.Bool
	// lastActive is when the client's last command began, as the
	// monotonic time since created, so recording it costs one store and no
	// lock. See idle.
	lastActive atomic.Int64

	mu sync.Mutex // guards the fields below up to the blank line
	// name, libName and libVer are set by CLIENT SETNAME / SETINFO / HELLO.
	name, libName, libVer string
	db                    int
	proto                 int
	// lastCmd is written only by the client's goroutine, which reads it
	// without the lock.
	lastCmd   string
	killed    bool
	blockedOn *waiter
	// paused is set while a CLIENT PAUSE holds the client's command.
	paused bool
	// noEvict and noTouch are CLIENT NO-EVICT / NO-TOUCH (flags e, T).
	noEvict, noTouch bool
	// monitoring is set while the client is a MONITOR (flag O); only the
	// client's goroutine writes it, and reads it without the lock.
	monitoring bool
	// multiCount (-1 outside MULTI), watchCount, dirtyShown and argvMem
	// mirror the owner's MULTI/WATCH state and last command for other
	// clients' CLIENT LIST; publish refreshes them after each command.
	multiCount, watchCount int
	dirtyShown             bool
	argvMem                int

	authed bool
	// published is set once publish has stored the fields it owns.
	published bool
	// clock and clockSet: the time the running batch of pipelined commands
	// began, read once per batch (see commandTime); next, when nextSet, is
	// the time the previous command of the batch ended (commandEnd).
	clock    time.Time
	clockSet bool
	next     time.Time
	nextSet  bool
	// w collects the replies of the command being run; they leave once the
	// state they show is durable.
	w resp.Writer
	// needSeq is the commit sequence the pending replies depend on.
	needSeq uint64
	// nameBuf is scratch space for case-folding command names;
	// cmdCacheName, as sent, and cmdCache are the last command found
	// (lookupCommand).
	nameBuf      []byte
	cmdCacheName []byte
	cmdCache     *Command
	ctx          Ctx
	// timer times the client's blocked waits (waitTimer); nil until the
	// first. The owner's goroutine alone uses it.
	timer *time.Timer

	// MULTI state.
	multi      bool
	multiDirty bool
	queued     [][][]byte
	// watched keys and whether one was modified since WATCH.
	watched  []watchKey
	dirtyCAS bool

	// closeAfterReply makes the connection close once the reply is sent
	// (QUIT, CLIENT KILL of itself).
	closeAfterReply bool
	// pauseTurn is the queue ticket of the command a CLIENT PAUSE held,
	// while it runs (pause.go); the owner's goroutine alone uses it.
	pauseTurn *pauseTicket

	// CLIENT REPLY: replyOff drops every reply; replySkip drops the
	// current command's; replySkipNext arms replySkip for the next one.
	replyOff, replySkip, replySkipNext bool
	// fd is the socket's file descriptor (CLIENT LIST fd=), -1 if unknown.
	fd int

	// Pub/Sub (notify.go): sub is made on the first subscription, sink
	// then or earlier (pushSink); sub is written under mu (CLIENT LIST
	// reads it). subCount (channels plus patterns) and shardCount are the
	// counts the last (un)subscribe left, for the client's own goroutine;
	// others ask sub.
	sub                  *pubsub.Subscriber
	sink                 *pushSink
	subCount, shardCount int

	// CLIENT TRACKING (tracking.go): trk is written by the client's own
	// goroutine under mu and the keyspace lock; trkCaching is CLIENT
	// CACHING's choice for the next command, the client's goroutine only.
	trk        trackState
	trkCaching bool
}

// subscribed reports whether the client is in Pub/Sub mode (any
// subscription), for its own goroutine.
func (c *Client) subscribed() bool { return c.subCount+c.shardCount > 0 }

// publish copies the owner-only MULTI/WATCH state into the fields other
// clients read under mu. The connection's goroutine calls it after each
// command. dirtyCAS is read under the keyspace lock by touchKey's
// writers, so it is sampled here only for display.
func (c *Client) publish(args [][]byte) {
	n := -1
	if c.multi {
		n = len(c.queued)
	}
	mem := 0
	for _, a := range args {
		mem += len(a)
	}
	if c.published && n == c.multiCount && len(c.watched) == c.watchCount && mem == c.argvMem {
		// Unchanged (a pipeline of like commands): the owner may read the
		// fields it alone writes without the lock.
		return
	}
	c.mu.Lock()
	c.multiCount = n
	c.watchCount = len(c.watched)
	c.argvMem = mem
	c.mu.Unlock()
	c.published = true
}

// commandTime returns the time of the command about to run. The first
// command of a batch of pipelined commands reads the clock; the others add
// the monotonic time elapsed since then, which is cheaper than reading the
// wall clock again and equal to it but for a clock step within the batch.
//
// A command that follows another of the batch at once begins when that one
// ended (commandEnd read the clock then), so a pipeline of commands reads
// the clock once per command rather than twice.
func (c *Client) commandTime() time.Time {
	if !c.clockSet {
		c.clock = time.Now()
		c.clockSet = true
		c.nextSet = false
		return c.clock
	}
	if c.nextSet {
		c.nextSet = false
		return c.next
	}
	return c.clock.Add(time.Since(c.clock))
}

// commandEnd returns how long the command that began at start ran, and
// notes its end as the next command's beginning (see commandTime).
func (c *Client) commandEnd(start time.Time) time.Duration {
	end := start.Add(time.Since(start))
	c.next, c.nextSet = end, c.clockSet
	return end.Sub(start)
}

// markActive records that a command began at start (see idle).
func (c *Client) markActive(start time.Time) {
	c.lastActive.Store(int64(start.Sub(c.created)))
}

// idle returns how long before now the client's last command began, or
// since it connected if it ran none; any goroutine may call it.
func (c *Client) idle(now time.Time) time.Duration {
	return now.Sub(c.created) - time.Duration(c.lastActive.Load())
}

// filterReply applies CLIENT REPLY OFF/SKIP to the reply just produced.
func (c *Client) filterReply() {
	if c.replySkip || c.replyOff {
		c.w.Reset()
	}
	c.replySkip = false
	if c.replySkipNext {
		c.replySkip = true
		c.replySkipNext = false
	}
}

type watchKey struct {
	db  int
	key string
	// expired is set when the key had already expired at WATCH time: its
	// removal then is no change, as Redis sees it.
	expired bool
}

// DBIndex returns the client's selected database.
func (c *Client) DBIndex() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.db
}

// ownDB is DBIndex for the client's own goroutine, the only one that
// changes the selected database (setDB): it reads it without the lock.
func (c *Client) ownDB() int { return c.db }

// setDB selects database i for the client. Only the client's own
// goroutine calls it.
func (c *Client) setDB(i int) {
	c.mu.Lock()
	c.db = i
	c.mu.Unlock()
}

// Proto returns the client's RESP version.
func (c *Client) Proto() int { return c.w.Proto }

// setProto switches the client's replies to RESP version p. A RESP3
// client gets its outbox at once: another client's CLIENT TRACKING may
// REDIRECT its invalidation pushes to it, subscribed or not, and only the
// client's own goroutine may make the outbox.
func (c *Client) setProto(p int) {
	if p == 3 { // before others can see proto 3 and push to it
		c.pushSink(c.srv.config.outputLimits.pubsubLimits())
	}
	c.mu.Lock()
	c.proto = p
	c.mu.Unlock()
	c.w.Proto = p
	if c.sink != nil {
		c.sink.proto.Store(int32(p))
	}
}

func (s *Server) accept(conn redcon.Conn) bool {
	c := &Client{
		ID:         s.nextID.Add(1),
		srv:        s,
		conn:       conn,
		addr:       conn.RemoteAddr(),
		created:    time.Now(),
		proto:      2,
		authed:     !s.config.authRequired(),
		multiCount: -1,
		fd:         -1,
	}
	c.w.Proto = 2
	if nc := conn.NetConn(); nc != nil {
		c.laddr = nc.LocalAddr().String()
		c.fd = socketFD(nc)
	}
	s.clientsMu.Lock()
	if max := s.config.maxClients(); max > 0 && len(s.clients) >= max {
		s.clientsMu.Unlock()
		s.stats.rejectedConns.Add(1)
		conn.WriteError("ERR max number of clients reached")
		return false
	}
	s.clients[c.ID] = c
	s.clientsMu.Unlock()
	s.stats.connections.Add(1)
	conn.SetContext(c)
	s.config.reaper.Do(func() { go s.reapIdle() })
	return true
}

// reapIdle closes connections idle for longer than the timeout parameter,
// as Redis's clientsCron does; clients blocked in a command are exempt
// (their BLOCK has its own deadline). It runs until the server closes.
func (s *Server) reapIdle() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.closed:
			return
		case now := <-t.C:
			limit := time.Duration(s.config.idleTimeout.Load()) * time.Second
			if limit <= 0 {
				continue
			}
			s.eachClient(func(c *Client) {
				c.mu.Lock()
				// Monitors are exempt too, as Redis exempts replicas.
				idle := c.idle(now) > limit && c.blockedOn == nil && !c.monitoring
				c.mu.Unlock()
				if idle {
					if nc := c.conn.NetConn(); nc != nil {
						nc.Close()
					}
				}
			})
		}
	}
}

func (s *Server) closedConn(conn redcon.Conn, err error) {
	c, _ := conn.Context().(*Client)
	if c == nil {
		return
	}
	s.mu.Lock()
	s.unwatchAll(c)
	s.trackingOff(c)
	s.mu.Unlock()
	s.stopMonitor(c)
	c.closePubSub(true)
	c.mu.Lock()
	if c.sink != nil {
		s.sinks.Add(-1)
	}
	c.mu.Unlock()
	s.clientsMu.Lock()
	delete(s.clients, c.ID)
	s.clientsMu.Unlock()
}

// eachClient calls fn for every connected client, in ID order is not
// guaranteed; callers sort when the order is visible.
func (s *Server) eachClient(fn func(*Client)) {
	s.clientsMu.Lock()
	list := make([]*Client, 0, len(s.clients))
	for _, c := range s.clients {
		list = append(list, c)
	}
	s.clientsMu.Unlock()
	for _, c := range list {
		fn(c)
	}
}
