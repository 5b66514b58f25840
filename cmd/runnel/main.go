// Command runnel is a Redis-protocol streams server.
//
//	runnel [--bind 127.0.0.1] [--port 6379] [--dir ./data] [--appendfsync always|everysec|no]
//
// With --port 0 the system picks a free port; the "listening on" line says
// which.
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
	bind := flag.String("bind", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 6379, "TCP port (0 picks a free one)")
	dir := flag.String("dir", "./data", "data directory")
	requirepass := flag.String("requirepass", "", "password clients must AUTH with")
	flag.String("appendfsync", "always", "fsync policy: always, everysec or no")
	flag.Parse()

	logger := log.New(os.Stderr, "", log.LstdFlags)
	srv := commands.New(commands.Options{Bind: *bind, Port: *port, Dir: *dir, Logf: logger.Printf})
	if *requirepass != "" {
		if err := srv.SetConfig("requirepass", *requirepass); err != nil {
			logger.Fatal(err)
		}
	}
	if err := srv.Listen(); err != nil {
		logger.Fatalf("cannot listen: %v", err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	srv.SetShutdown(func() { stop <- syscall.SIGTERM })
	go func() {
		<-stop
		logger.Printf("shutting down")
		srv.Close()
	}()
	fmt.Fprintf(os.Stdout, "runnel %s listening on %s\n", commands.Version, srv.Addr())
	if err := srv.Serve(); err != nil {
		logger.Fatal(err)
	}
	srv.Close()
}
