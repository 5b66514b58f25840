package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/runnel-db/runnel/bench/wire"
)

// nullserverMain runs a RESP server that does no work: every command gets
// a fixed reply shaped like XADD's (a 15-byte stream ID), PING gets PONG
// and CONFIG an empty array (redis-benchmark asks for two settings before
// it starts). It measures the ceiling a load tool and the kernel put on a
// scenario on this machine: when a server that does nothing reaches only
// Redis's rate, no server doing the work can beat Redis there by more than
// noise, whatever its design. --loop chooses the connection model: one
// goroutine per connection (as runnel serves them) or a single epoll event
// loop (as Redis serves them; Linux only).
func nullserverMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nullserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks one, printed on stdout)")
	loop := fs.String("loop", "goroutines", "connection model: goroutines or epoll")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := wire.CheckLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "runnel-bench nullserver: %v\n", err)
		return 2
	}
	var serve func(net.Listener) error
	switch *loop {
	case "goroutines":
		serve = serveGoroutines
	case "epoll":
		serve = serveEpoll
	default:
		fmt.Fprintf(stderr, "runnel-bench nullserver: --loop %q: want goroutines or epoll\n", *loop)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "runnel-bench nullserver: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, ln.Addr().(*net.TCPAddr).Port)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- serve(ln) }()
	select {
	case <-stop:
		return 0
	case err := <-errc:
		fmt.Fprintf(stderr, "runnel-bench nullserver: %v\n", err)
		return 1
	}
}

// Replies of the null server.
var (
	nullReply   = []byte("$15\r\n1764800000000-0\r\n")
	nullPong    = []byte("+PONG\r\n")
	nullEmpty   = []byte("*0\r\n")
	errNullResp = errors.New("nullserver: not a multibulk command")
)

// nullFrame answers the complete commands at the start of in, appending a
// reply for each to out, and returns how many bytes of in they took (an
// incomplete command at the end stays for the next read). Only multibulk
// commands are understood; anything else is an error that ends the
// connection.
func nullFrame(in, out []byte) (used int, reply []byte, err error) {
	reply = out
	for {
		p, first, ok, err := nullCommand(in[used:])
		if err != nil || !ok {
			return used, reply, err
		}
		switch {
		case len(first) == 4 && (first[0]|0x20) == 'p' && (first[1]|0x20) == 'i':
			reply = append(reply, nullPong...)
		case len(first) == 6 && (first[0]|0x20) == 'c' && (first[1]|0x20) == 'o':
			reply = append(reply, nullEmpty...)
		default:
			reply = append(reply, nullReply...)
		}
		used += p
	}
}

// nullCommand reports the length of the complete command at the start of
// b and its first argument, or ok false when b holds only part of one.
func nullCommand(b []byte) (n int, first []byte, ok bool, err error) {
	if len(b) == 0 {
		return 0, nil, false, nil
	}
	if b[0] != '*' {
		return 0, nil, false, errNullResp
	}
	count, p, ok := nullLine(b, 1)
	if !ok || count < 0 {
		return 0, nil, false, nil
	}
	for i := int64(0); i < count; i++ {
		if p >= len(b) {
			return 0, nil, false, nil
		}
		if b[p] != '$' {
			return 0, nil, false, errNullResp
		}
		size, q, ok := nullLine(b, p+1)
		if !ok {
			return 0, nil, false, nil
		}
		if size < 0 || int64(len(b)-q) < size+2 {
			return 0, nil, false, nil
		}
		if i == 0 {
			first = b[q : q+int(size)]
		}
		p = q + int(size) + 2
	}
	return p, first, true, nil
}

// nullLine reads the decimal number of the header line starting at b[p]
// and returns it with the index after its CRLF.
func nullLine(b []byte, p int) (int64, int, bool) {
	for i := p; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			v, err := strconv.ParseInt(string(b[p:i]), 10, 64)
			return v, i + 2, err == nil
		}
	}
	return 0, 0, false
}

// serveGoroutines serves each connection on its own goroutine.
func serveGoroutines(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			in := make([]byte, 0, 16<<10)
			var out []byte
			for {
				if len(in) == cap(in) {
					in = append(in, 0)[:len(in)]
				}
				n, err := c.Read(in[len(in):cap(in)])
				if err != nil {
					return
				}
				in = in[:len(in)+n]
				used, reply, err := nullFrame(in, out[:0])
				if err != nil {
					return
				}
				out = reply
				in = in[:copy(in, in[used:])]
				if len(out) > 0 {
					if _, err := c.Write(out); err != nil {
						return
					}
				}
			}
		}()
	}
}
