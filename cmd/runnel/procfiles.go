package main

import (
	"fmt"
	"log"
	"os"
	"strconv"

	"github.com/runnel-db/runnel/commands"
)

// A redis.conf names where the server logs (logfile), where it writes its
// process id (pidfile) and whether it forks into the background
// (daemonize); init scripts and operators rely on the first two.
// processFiles acts on them as Redis does, at start-up: the log goes to
// logfile, appended, when it is set (a file that cannot be opened stops
// the start, as in Redis); the pid file is written when pidfile is set and
// removed at a clean exit (a failure to write it is only a warning).
// runnel does not fork: daemonize yes is reported and ignored, for a
// supervisor (systemd, a container runtime) to run it in the foreground.
// The returned function undoes what is left to undo at exit.
func processFiles(srv *commands.Server, logger *log.Logger) (func(), error) {
	var undo []func()
	done := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	if name, _ := srv.ConfigValue("logfile"); name != "" {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return done, fmt.Errorf("can't open the log file: %v", err)
		}
		logger.SetOutput(f)
		undo = append(undo, func() { f.Close() })
	}
	if d, _ := srv.ConfigValue("daemonize"); d == "yes" {
		logger.Printf("WARNING: daemonize yes ignored: runnel stays in the foreground; run it under a supervisor (systemd, a container runtime)")
	}
	if name, _ := srv.ConfigValue("pidfile"); name != "" {
		if err := os.WriteFile(name, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			logger.Printf("WARNING: failed to write PID file: %v", err)
		} else {
			undo = append(undo, func() { os.Remove(name) })
		}
	}
	return done, nil
}
