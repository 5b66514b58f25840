// Command runnel is a Redis-protocol streams server.
//
//	runnel [--config file] [--bind 127.0.0.1] [--port 6379] [--dir ./data]
//	       [--appendfsync always|everysec|no] [--requirepass password]
//	       [--gc-slack MB] [--cpuprofile file] [--memprofile file]
//
// The config file holds redis.conf-style "name value" lines with the
// parameters CONFIG GET lists; flags given on the command line override
// it. With --port 0 the system picks a free port; the "listening on" line
// says which.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/runnel-db/runnel/commands"
)

func main() {
	fs := flag.NewFlagSet("runnel", flag.ContinueOnError)
	configFile := fs.String("config", "", "redis.conf-style configuration file")
	fs.String("bind", "127.0.0.1", "address to listen on")
	fs.Int("port", 6379, "TCP port (0 picks a free one)")
	fs.String("dir", "./data", "data directory")
	fs.String("requirepass", "", "password clients must AUTH with")
	fs.String("appendfsync", "always", "fsync policy: always, everysec or no")
	prof := addProfileFlags(fs)
	gcSlack := addGCFlag(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "runnel: unexpected argument %q\n", fs.Arg(0))
		os.Exit(2)
	}

	logger := log.New(os.Stderr, "", log.LstdFlags)
	srv := commands.New(commands.Options{Bind: "127.0.0.1", Port: 6379, Dir: "./data", Logf: logger.Printf})
	if err := configure(srv, fs, *configFile); err != nil {
		fmt.Fprintf(os.Stderr, "runnel: %v\n", err)
		os.Exit(1)
	}
	if err := srv.Listen(); err != nil {
		logger.Fatalf("cannot listen: %v", err)
	}
	if err := prof.start(); err != nil {
		logger.Fatalf("cannot profile: %v", err)
	}
	startGCTuner(*gcSlack, nil)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	srv.SetShutdown(func() {
		select {
		case stop <- syscall.SIGTERM:
		default:
		}
	})
	go func() {
		<-stop
		logger.Printf("shutting down")
		srv.Close()
	}()
	fmt.Fprintf(os.Stdout, "runnel %s listening on %s\n", commands.Version, srv.Addr())
	if err := srv.Serve(); err != nil {
		prof.stop()
		logger.Fatal(err)
	}
	srv.Close()
	prof.stop()
}

// configure applies the config file, then every flag given explicitly, so
// flags win over the file.
func configure(srv *commands.Server, fs *flag.FlagSet, file string) error {
	if file != "" {
		if err := srv.LoadConfigFile(file); err != nil {
			return err
		}
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" || processFlags[f.Name] || err != nil {
			return
		}
		if e := srv.SetConfig(f.Name, f.Value.String()); e != nil {
			err = fmt.Errorf("--%s: %v", f.Name, e)
		}
	})
	return err
}
