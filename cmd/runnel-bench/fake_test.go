package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// fakeServer is a tiny single-stream server with switchable faults, so the
// tests can show that each of the tool's checks fails when the server is
// wrong.
type fakeServer struct {
	faults
	mu     sync.Mutex
	ids    []string
	vals   []string
	cursor int             // next entry the group delivers
	acked  map[string]bool // IDs acked
}

// faults are the ways a fakeServer can be wrong.
type faults struct {
	xaddErr  bool // answer XADD with an error
	xlenLie  int  // added to XLEN
	dupLast  bool // deliver the last entry of each batch again
	drop     int  // never deliver this entry index (-1: none)
	rangeOff int  // XRANGE starts this many entries late
}

func startFake(t *testing.T, fl faults) string {
	t.Helper()
	f := &fakeServer{faults: fl, acked: map[string]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(nc)
		}
	}()
	return ln.Addr().String()
}

func (f *fakeServer) serve(nc net.Conn) {
	defer nc.Close()
	c := wire.NewConn(nc)
	var r wire.Reply
	for {
		if err := c.ReadReply(&r); err != nil {
			return
		}
		v := r.Value()
		args := make([]string, v.Len())
		e := v.First()
		for i := range args {
			args[i] = e.Str()
			e = e.Next()
		}
		if _, err := nc.Write([]byte(f.handle(args))); err != nil {
			return
		}
	}
}

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func (f *fakeServer) entries(from, n int) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(n) + "\r\n")
	for i := from; i < from+n; i++ {
		b.WriteString("*2\r\n" + bulk(f.ids[i]) + "*2\r\n" + bulk("f") + bulk(f.vals[i]))
	}
	return b.String()
}

func (f *fakeServer) handle(args []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch strings.ToUpper(args[0]) {
	case "PING":
		return "+PONG\r\n"
	case "INFO":
		return bulk("# Server\r\nredis_version:0.0.0-fake\r\n")
	case "DEL":
		f.ids, f.vals, f.cursor = nil, nil, 0
		return ":1\r\n"
	case "XGROUP":
		return "+OK\r\n"
	case "XADD":
		if f.xaddErr {
			return "-ERR unknown command 'XADD'\r\n"
		}
		id := args[2]
		if id == "*" {
			id = fmt.Sprintf("%d-0", len(f.ids)+1)
		}
		f.ids = append(f.ids, id)
		f.vals = append(f.vals, args[len(args)-1])
		return bulk(id)
	case "XLEN":
		return ":" + strconv.Itoa(len(f.ids)+f.xlenLie) + "\r\n"
	case "XREADGROUP":
		count, _ := strconv.Atoi(args[5])
		if f.cursor == f.drop {
			f.cursor++
		}
		n := min(count, len(f.ids)-f.cursor)
		if f.drop > f.cursor && f.drop < f.cursor+n {
			n = f.drop - f.cursor
		}
		if n <= 0 {
			f.mu.Unlock()
			time.Sleep(2 * time.Millisecond)
			f.mu.Lock()
			return "*-1\r\n"
		}
		reply := "*1\r\n*2\r\n" + bulk(args[len(args)-2]) + f.entries(f.cursor, n)
		f.cursor += n
		if f.dupLast {
			f.cursor--
		}
		return reply
	case "XACK":
		n := 0
		for _, id := range args[3:] {
			if !f.acked[id] {
				f.acked[id] = true
				n++
			}
		}
		return ":" + strconv.Itoa(n) + "\r\n"
	case "XPENDING":
		return "*4\r\n:" + strconv.Itoa(f.cursor-len(f.acked)) + "\r\n$-1\r\n$-1\r\n*-1\r\n"
	case "XRANGE":
		ms, _, _ := parseID([]byte(args[2]))
		count, _ := strconv.Atoi(args[5])
		return f.entries(int(ms)-1+f.rangeOff, min(count, len(f.ids)-int(ms)+1-f.rangeOff))
	}
	return "-ERR unknown command '" + args[0] + "'\r\n"
}

func TestChecksCatchAWrongServer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fake  faults
		args  []string
		error string
	}{
		{"xadd error replies", faults{xaddErr: true, drop: -1},
			[]string{"xadd", "--clients", "2", "--requests", "50"}, "50 error replies, first: ERR unknown command 'XADD'"},
		{"xadd lost entries", faults{xlenLie: -3, drop: -1},
			[]string{"xadd", "--clients", "2", "--requests", "50"}, "streams hold 47 entries after 50 successful XADDs"},
		{"group duplicates", faults{dupLast: true, drop: -1},
			[]string{"group", "--producers", "1", "--consumers", "2", "--messages", "300", "--count", "20", "--block", "10ms"}, "duplicates"},
		{"group lost message", faults{drop: 7},
			[]string{"group", "--producers", "2", "--consumers", "2", "--messages", "100", "--count", "10", "--block", "10ms", "--idle", "300ms"},
			"stalled: 99 of 100 messages acked, 1 missing"},
		{"range wrong entries", faults{rangeOff: 1, drop: -1},
			[]string{"range", "--entries", "500", "--counts", "10", "--duration", "50ms", "--clients", "1"}, "XRANGE from"},
		{"latency lost entry", faults{drop: 3},
			[]string{"latency", "--modes", "group", "--rate", "1000", "--duration", "100ms", "--warmup", "0s", "--grace", "300ms"},
			"99 of 100 entries received 300ms after the producer stopped"},
		{"unreachable", faults{drop: -1}, []string{"xadd", "--addr", "127.0.0.1:1"}, "cannot connect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := startFake(t, tc.fake)
			args := append([]string{tc.args[0], "--addr", addr, "--quiet", "--timeout", "30s"}, tc.args[1:]...)
			code, _, res := tool(t, args...)
			if code != 1 || res.OK || !strings.Contains(res.Error, tc.error) {
				t.Fatalf("exit %d, ok %v, error %q; want exit 1 and an error containing %q", code, res.OK, res.Error, tc.error)
			}
			if res.Server["redis_version"] != "0.0.0-fake" && tc.name != "unreachable" {
				t.Errorf("server info %v", res.Server)
			}
		})
	}
}
