package commands

import (
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/pubsub"
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

// Version is runnel's own version, reported as runnel_version in INFO.
const Version = "0.1.0"

// RedisVersion is the Redis version whose behaviour runnel follows; INFO
// reports it as redis_version because clients gate features on it.
const RedisVersion = "7.4.1"

// NumDBs is the number of logical databases, as Redis's default.
const NumDBs = 16

// Options are the start-up settings of a Server. The settings that CONFIG
// SET may change later live in the Server's config table.
type Options struct {
	Bind string
	Port int
	Dir  string
	// SaveDir is where SAVE and BGSAVE write their backups (backup-<unix
	// ms> directories); empty means Dir.
	SaveDir string
	// Store receives every write's batch; nil means persist.Memory.
	Store persist.Store
	// Logf receives the server's log lines; nil logs to stderr.
	Logf func(format string, args ...any)
	// timing, for tests, slows the committer's background applies; zero
	// means the defaults.
	timing commitTiming
}

// Server is a runnel server: the keyspace, the clients and the wiring onto
// redcon.
//
// Concurrency: every command that touches the keyspace runs under mu, the
// keyspace lock, which serializes them as Redis's single thread does; the
// lock is never held while a batch waits for its commit (see commit.go).
// Lock order: mu, then clientsMu, then config.mu, then commit.mu; a
// goroutine holding a later lock never takes an earlier one.
type Server struct {
	opts Options
	logf func(format string, args ...any)
	// renamed, when not nil, is the command table after the config file's
	// rename-command directives (renamecmd.go); set before serving only.
	renamed map[string]*Command

	// mu is the keyspace lock; it guards dbs, the objects in them, the
	// blocked-client registries, the watch registries and batch.
	mu  sync.Mutex
	dbs [NumDBs]*DB
	// batch is the committer's open batch (commit.go): the running command
	// adds its effects to it, after those of the commands before it that
	// no leader took yet.
	batch *persist.Batch
	ready []readyKey // keys signalled by the running command
	// keyless holds the clients blocked on no key (WAITAOF), which only
	// their timeout, CLIENT UNBLOCK or a disconnect release.
	keyless map[*waiter]struct{}
	// waking, served and wakeCtx are serveReady's scratch (guarded by mu).
	waking, served []*waiter
	wakeCtx        Ctx
	// nextUID numbers streams for the store (guarded by mu).
	nextUID uint64
	// dirty counts changes since the last save (INFO persistence).
	dirty int64
	// ids is scratch for the IDs a command parses before it acts on them
	// (XACK, XDEL), reused so that acknowledging a read of a hundred
	// entries allocates nothing (guarded by mu; see Ctx.parseIDs).
	ids []stream.ID

	commit *committer
	store  persist.Store

	config *config
	stats  stats
	// hub holds the Pub/Sub subscriptions (safe for concurrent use; taken
	// after mu when both are held).
	hub *pubsub.Hub
	// notified is set, under mu, once the running command published a
	// keyspace event, which waits for the command's batch sequence.
	notified bool
	// tracking is the client-side caching table (tracking.go); current is
	// the client whose command runs (for NOLOOP), expiring is set while
	// that command's lookup removes an expired key, trackScratch encodes
	// invalidation messages. All under mu.
	tracking     tracker
	current      *Client
	expiring     bool
	trackScratch resp.Writer

	clientsMu sync.Mutex
	clients   map[uint64]*Client // guarded by clientsMu
	// sinks counts the connected clients with an outbox (subscribers,
	// monitors, tracking clients), for sweepOutputLimits, whose scratch
	// list sweepList is (expireLoop's goroutine only).
	sinks     atomic.Int64
	sweepList []*Client
	nextID    atomic.Uint64

	rc        *resp.Server
	ln        net.Listener
	startTime time.Time
	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup
	readOnly  atomic.Bool           // set when the store failed a commit
	storeErr  atomic.Pointer[error] // the failure that set readOnly (StoreFailure)
	mem       memGuard              // maxmemory (maxmemory.go)
	shutdown  func()                // asks the process to stop (SHUTDOWN)
	shut      shutdownState
	dur       durability
	pause     pauseState // CLIENT PAUSE (pause.go)
	monitors  monitorSet // MONITOR (monitor.go)
	synced    syncedSeq  // WAITAOF's synced log (waitaof.go)
	// migrations caches MIGRATE's connections to its targets
	// (migrate_conn.go).
	migrations migrateCache
}

// New returns a server that has not started listening.
func New(opts Options) *Server {
	if opts.Store == nil {
		opts.Store = persist.Memory{}
	}
	s := &Server{
		opts:      opts,
		store:     opts.Store,
		config:    newConfig(),
		hub:       pubsub.NewHub(),
		clients:   map[uint64]*Client{},
		keyless:   map[*waiter]struct{}{},
		startTime: time.Now(),
		closed:    make(chan struct{}),
	}
	s.dur.storeDir = opts.Dir
	s.logf = opts.Logf
	if s.logf == nil {
		l := log.New(os.Stderr, "", log.LstdFlags)
		s.logf = l.Printf
	}
	if _, memory := opts.Store.(persist.Memory); !memory {
		s.adoptStoreDir(opts.Dir)
	}
	for i := range s.dbs {
		s.dbs[i] = newDB(i)
	}
	s.commit = newCommitter(s.store, &s.mu, s.onCommitError, opts.timing)
	s.batch = s.commit.open
	s.stats.init()
	return s
}

// adoptStoreDir makes dir, the data directory of the store the server was
// given, a store of its own if it was a backup: it drops the backup's
// marker (unmarkBackup), so the store the backup came from no longer
// deletes the directory as one of its old backups.
func (s *Server) adoptStoreDir(dir string) {
	if was, err := unmarkBackup(dir); err != nil {
		s.logf("started on a backup, but could not remove its marker %s (the store it came from may delete it as an old backup): %v", filepath.Join(dir, backupOwnerFile), err)
	} else if was {
		s.logf("started on a backup: %s is now a store of its own", dir)
	}
}

// SetShutdown installs the function SHUTDOWN calls to stop the process.
func (s *Server) SetShutdown(fn func()) { s.shutdown = fn }

// Listen binds the server's address; with port 0 the system picks a port,
// which Addr then reports.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", net.JoinHostPort(s.opts.Bind, fmt.Sprint(s.opts.Port)))
	if err != nil {
		return err
	}
	s.ln = ln
	s.rc = resp.NewServer(s.handle, s.accept, s.closedConn)
	s.rc.SetReadAhead(s.config.outputLimits.readAhead)
	return nil
}

// Addr returns the listening address, once Listen has succeeded.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve accepts connections until Close. It returns nil after Close (at
// once if Close came first).
func (s *Server) Serve() error {
	if s.ln == nil {
		return errors.New("commands: Serve before Listen")
	}
	s.shut.mu.Lock()
	if s.shut.closing.Load() {
		s.shut.mu.Unlock()
		return nil
	}
	if s.rc == nil { // a listener installed without Listen (tests)
		s.rc = resp.NewServer(s.handle, s.accept, s.closedConn)
		s.rc.SetReadAhead(s.config.outputLimits.readAhead)
	}
	s.wg.Add(1)
	s.shut.mu.Unlock()
	go s.expireLoop()
	// A failed accept is retried (accept.go); only the closed listener's
	// error reaches drainListener, which holds it until Close drained.
	ln := newRetryListener(wrapListener(s.ln, s), s.logf)
	return s.rc.Serve(drainListener{ln, s.shut.drainedCh()})
}

// Close shuts the server down gracefully (shutdown.go has the steps): it
// stops accepting connections and running new commands, releases blocked
// clients, lets the commands in flight finish and send their replies,
// waits for a running BGSAVE, commits what is queued, closes the store and
// then every connection. It returns the store's Close error. Calls after
// the first wait for it to finish and return nil.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.shut.mu.Lock()
		s.shut.closing.Store(true)
		rc := s.rc
		s.shut.mu.Unlock()
		close(s.closed)
		s.pause.unpause()
		s.migrations.closeAll()
		// Stop accepting. redcon's Close is a no-op until its Serve has
		// started, so close the listener itself too.
		if rc != nil {
			rc.Close()
		}
		if s.ln != nil {
			s.ln.Close()
		}
		// Every command that was running finishes and sends its replies;
		// later ones see closing.
		if !s.shut.waitIdle(shutdownGrace) {
			s.logf("shutdown: commands still running after %v (clients not reading their replies?); closing their connections", shutdownGrace)
		}
		s.waitBackground()
		s.wg.Wait()
		// Drain the committer (it stops under the keyspace lock, so no
		// command is half way through; later ones fail), then close the
		// store.
		s.commit.close()
		s.mu.Lock()
		err = s.store.Close()
		s.mu.Unlock()
		close(s.shut.drainedCh())
	})
	return err
}

func (s *Server) onCommitError(err error) {
	if s.readOnly.CompareAndSwap(false, true) {
		s.storeErr.Store(&err)
		s.logf("store commit failed, refusing writes from now on: %v", err)
	}
}

// StoreFailure returns the error that failed the store while the server
// ran (after which it refused writes), or nil. A shutdown after one is not
// clean: the process should say so and exit non-zero, so that a supervisor
// sees the failure.
func (s *Server) StoreFailure() error {
	if p := s.storeErr.Load(); p != nil {
		return *p
	}
	return nil
}

// nowMs is the clock in Unix milliseconds.
func nowMs() int64 { return time.Now().UnixMilli() }
