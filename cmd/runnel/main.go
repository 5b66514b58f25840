// Command runnel is a Redis-protocol streams server.
//
//	runnel [--config file] [--bind 127.0.0.1] [--port 6379] [--dir ./data]
//	       [--appendfsync always|everysec|no] [--requirepass password]
//	       [--enable-debug-command no|yes|local] [--backup-dir dir]
//	       [--gc-slack MB] [--write-buffer MB] [--cpuprofile file] [--memprofile file]
//	runnel --help | --version
//
// --help prints the flags on standard output and exits 0; --version prints
// "runnel <version>" and exits 0; a bad flag or flag value prints what is
// wrong with it on standard error and exits 2.
//
// The config file holds redis.conf-style "name value" lines with the
// parameters CONFIG GET lists; flags given on the command line override
// it. With --port 0 the system picks a free port; the "listening on" line
// says which.
//
// The data lives in a Pebble store in the data directory (dir). Start-up
// loads it all into memory and logs how many keys and entries it loaded and
// how long it took; it refuses to start, with exit status 1, on a directory
// it cannot use (held by another runnel, corrupt, written by a newer
// runnel, or not a runnel store), and on an appendfsync other than always,
// everysec or no. An empty dir ("") runs without persistence: nothing
// survives a restart, and a warning says so. SAVE and BGSAVE write a backup
// (a backup-<unix ms> directory, a data directory runnel can start on)
// into --backup-dir, by default the data directory, and then remove the
// older backups this store made there (never another server's or a copy
// made by hand): only its latest is kept.
//
// maxclients must fit the file-descriptor limit (ulimit -n): at start-up
// runnel raises the soft limit to the hard one, and if that still leaves
// no room for maxclients clients besides its own files, lowers maxclients
// with a warning, as Redis does; it refuses to start, with exit status 1,
// when the limit has no room for a single client.
//
// SIGINT and SIGTERM (and the SHUTDOWN command) shut down gracefully: stop
// accepting, finish the commands in flight, commit, close the store. The
// exit status is 0 when that succeeded.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/runnel-db/runnel/commands"
	"github.com/runnel-db/runnel/persist"
)

func main() { os.Exit(run()) }

func run() int {
	fs := flag.NewFlagSet("runnel", flag.ContinueOnError)
	// The flag package would print the usage on standard error for --help
	// too; run prints it itself, where each case wants it.
	fs.SetOutput(io.Discard)
	configFile := fs.String("config", "", "redis.conf-style configuration file")
	fs.String("bind", "127.0.0.1", "address to listen on")
	fs.Int("port", 6379, "TCP port (0 picks a free one)")
	fs.String("dir", "./data", `data directory ("" runs in memory, persisting nothing)`)
	fs.String("requirepass", "", "password clients must AUTH with")
	fs.String("appendfsync", "always", "fsync policy: always, everysec or no")
	fs.String("enable-debug-command", "no", `allow DEBUG: "no", "yes", or "local" (from loopback connections only)`)
	backupDir := fs.String("backup-dir", "", "where SAVE and BGSAVE write their backup-<unix ms> directory, keeping only this store's latest (default: the data directory)")
	version := fs.Bool("version", false, "print the version and exit")
	prof := addProfileFlags(fs)
	gcSlack := addGCFlag(fs)
	writeBuffer := fs.Int("write-buffer", 8, "the store's in-memory write buffer (MB), resident up to twice over: smaller saves memory, larger costs less CPU per write (fewer flushes and compactions)")
	switch err := fs.Parse(os.Args[1:]); {
	case errors.Is(err, flag.ErrHelp):
		printUsage(os.Stdout, fs)
		return 0
	case err != nil:
		return usageError(parseErrorText(err, fs))
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case *version:
		fmt.Fprintf(os.Stdout, "runnel %s\n", commands.Version)
		return 0
	case *writeBuffer < 1:
		return usageError(fmt.Sprintf("invalid value \"%d\" for flag --write-buffer: must be a positive number of MB", *writeBuffer))
	case *gcSlack < 0:
		return usageError(fmt.Sprintf("invalid value \"%d\" for flag --gc-slack: must be 0 (Go's default pacing) or a positive number of MB", *gcSlack))
	}

	logger := log.New(os.Stderr, "", log.LstdFlags)
	srv := commands.New(commands.Options{Bind: "127.0.0.1", Port: 6379, Dir: "./data", SaveDir: *backupDir, Logf: logger.Printf})
	if err := configure(srv, fs, *configFile); err != nil {
		var fe flagError
		if errors.As(err, &fe) {
			return usageError(fe.Error())
		}
		fmt.Fprintf(os.Stderr, "runnel: %v\n", err)
		return 1
	}
	undoFiles, err := processFiles(srv, logger)
	defer undoFiles()
	if err != nil {
		logger.Printf("runnel: %v", err)
		return 1
	}
	dir, _ := srv.ConfigValue("dir")
	fsync, _ := srv.ConfigValue("appendfsync")
	policy, err := persist.ParseFsync(fsync)
	if err != nil {
		logger.Printf("runnel: appendfsync %q: must be always, everysec or no", fsync)
		return 1
	}
	var store *persist.Pebble
	if dir == "" {
		logger.Printf("WARNING: the data directory is empty (--dir \"\"): running in memory, nothing is persisted and everything is lost on exit")
	} else {
		store, err = persist.Open(dir, persist.Options{Fsync: policy, MemTableSize: uint64(*writeBuffer) << 20, CacheSize: blockCacheSize})
		if err != nil {
			logger.Printf("runnel: cannot use data directory %s: %v", dir, err)
			if hint := openHint(err); hint != "" {
				logger.Printf("runnel: %s", hint)
			}
			return 1
		}
		srv.SetStore(store)
	}
	// fail closes the server (and so the store) and returns status 1.
	fail := func(format string, args ...any) int {
		logger.Printf(format, args...)
		if err := srv.Close(); err != nil {
			logger.Printf("runnel: closing: %v", err)
		}
		return 1
	}
	// The profile covers the load too: start-up CPU is worth profiling.
	if err := prof.start(); err != nil {
		return fail("runnel: cannot profile: %v", err)
	}
	defer prof.stop()
	if store != nil {
		var st persist.Stats
		withoutGC(func() { st, err = srv.Load(store) })
		if err != nil {
			code := fail("runnel: cannot load data directory %s: %v", dir, err)
			if hint := openHint(err); hint != "" {
				logger.Printf("runnel: %s", hint)
			}
			return code
		}
		// st's text has every count and the time taken.
		logger.Printf("loaded %s from %s (appendfsync %s)", st, dir, policy)
	}
	if err := srv.Listen(); err != nil {
		return fail("runnel: cannot listen: %v", err)
	}
	// After the load and Listen, so that the descriptors the store and the
	// listener hold are counted.
	if err := fitClientsToFDs(srv, osFDs{}, logger.Printf); err != nil {
		return fail("runnel: %v", err)
	}
	startGCTuner(*gcSlack, nil)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	// SHUTDOWN asks through the same channel; a shutdown already asked for
	// needs no second request.
	srv.SetShutdown(func() {
		select {
		case stop <- shutdownRequest{}:
		default:
		}
	})
	closed := make(chan error, 1)
	go func() {
		sig := <-stop
		logger.Printf("shutting down (%v)", sig)
		// As Redis: a second Ctrl-C (SIGINT) while the shutdown runs
		// (a slow command to finish, a backup to take) exits at once,
		// with status 1. Every acknowledged write is in the log already.
		go func() {
			for sig := range stop {
				if sig == syscall.SIGINT {
					logger.Printf("You insist... exiting now.")
					os.Exit(1)
				}
			}
		}()
		if _, asked := sig.(shutdownRequest); !asked {
			srv.SaveOnSignal() // SHUTDOWN made its own backup, if any
		}
		closed <- srv.Close()
	}()
	fmt.Fprintf(os.Stdout, "runnel %s listening on %s\n", commands.Version, srv.Addr())
	if err := srv.Serve(); err != nil {
		return fail("runnel: serve: %v", err)
	}
	// Serve returns once Close has finished; should it return for another
	// reason, shut down now.
	select {
	case stop <- syscall.SIGTERM:
	default:
	}
	if err := <-closed; err != nil {
		logger.Printf("runnel: shutdown: %v", err)
		return 1
	}
	if err := srv.StoreFailure(); err != nil {
		logger.Printf("runnel: shut down after the store failed (%v): writes were refused since; start it again on a healthy disk to recover what its log holds", err)
		return 1
	}
	logger.Printf("shut down cleanly")
	return 0
}

// blockCacheSize is the store's block cache. The cache holds table blocks
// read from disk, and with every stream in memory the store reads its
// tables only to load them at start-up and to find a database's keys for
// FLUSHDB: one pass each, which a cache does not speed up. Pebble's usual
// 64 MiB would be filled by the start-up pass and then held for good
// (measured: 68 MB of resident memory after loading 5,000,000 entries).
const blockCacheSize = 1 << 20

// shutdownRequest is the SHUTDOWN command's request on the signal channel.
type shutdownRequest struct{}

func (shutdownRequest) String() string { return "SHUTDOWN command" }
func (shutdownRequest) Signal()        {}

// openHint says what to do about a data directory runnel refused.
func openHint(err error) string {
	switch {
	case errors.Is(err, persist.ErrLocked):
		return "another runnel is using this directory; stop it or choose another --dir"
	case errors.Is(err, persist.ErrCorrupt):
		return "the data directory is damaged; start from a backup (SAVE/BGSAVE write them) or move the directory aside"
	case errors.Is(err, persist.ErrFormatTooNew):
		return "the data directory was written by a newer runnel; run that version"
	case errors.Is(err, persist.ErrFormatTooOld):
		return "the data directory was written by an older runnel whose format this one cannot read"
	case errors.Is(err, persist.ErrNotStore):
		return "the directory holds other files; point --dir at an empty directory or a runnel data directory"
	}
	return ""
}

// usageError reports a bad command line on standard error and returns the
// exit status for it, 2 as the flag package uses.
func usageError(msg string) int {
	fmt.Fprintf(os.Stderr, "runnel: %s\nRun 'runnel --help' for the flags.\n", msg)
	return 2
}

// flagError is a flag value the server's settings do not take.
type flagError struct {
	flag string
	pe   *commands.ParamError
}

func (e flagError) Error() string {
	return fmt.Sprintf("invalid value %q for flag --%s: %s", e.pe.Value, e.flag, e.pe.Msg)
}

// configure applies the config file, then every flag given explicitly, so
// flags win over the file. --backup-dir is runnel's own, not a parameter.
func configure(srv *commands.Server, fs *flag.FlagSet, file string) error {
	if file != "" {
		if err := srv.LoadConfigFile(file); err != nil {
			return err
		}
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" || f.Name == "backup-dir" || processFlags[f.Name] || err != nil {
			return
		}
		if e := srv.SetConfig(f.Name, f.Value.String()); e != nil {
			var pe *commands.ParamError
			if errors.As(e, &pe) {
				err = flagError{f.Name, pe}
			} else {
				err = fmt.Errorf("--%s: %v", f.Name, e)
			}
		}
	})
	return err
}
