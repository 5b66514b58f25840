package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/redcon"
)

// runLoop runs a Conn's loop over the given input chunks (no guard) and
// returns what the client received.
func runLoop(t *testing.T, chunks [][]byte, handler func(redcon.Conn, redcon.Command)) ([]byte, error) {
	t.Helper()
	cc := &chunkConn{chunks: chunks}
	c := newConn(cc)
	err := c.loop(handler)
	return cc.wrote.Bytes(), err
}

func encode(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	return b
}

// splitRandomly cuts b into chunks of 1 to max bytes.
func splitRandomly(rng *rand.Rand, b []byte, max int) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := min(1+rng.Intn(max), len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// TestServerSplitsCommands feeds random pipelines, cut at random points,
// to the connection loop and checks that the handler sees every command
// once, in order, with its exact arguments and raw bytes, and a pipeline
// view that counts down to the end of each batch.
func TestServerSplitsCommands(t *testing.T) {
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	for round := 0; round < 200; round++ {
		var want []string
		var raw []byte
		for n := 1 + rng.Intn(40); n > 0; n-- {
			args := make([]string, 1+rng.Intn(5))
			for i := range args {
				size := rng.Intn(20)
				if rng.Intn(20) == 0 {
					size = rng.Intn(20000) // larger than the first buffer
				}
				a := make([]byte, size)
				for j := range a {
					a[j] = byte(rng.Intn(256)) // CR, LF and '*' included
				}
				args[i] = string(a)
			}
			want = append(want, strings.Join(args, "|"))
			raw = append(raw, encode(args...)...)
		}
		chunks := splitRandomly(rng, append([]byte(nil), raw...), 1+rng.Intn(3000))
		var got []string
		var gotRaw []byte
		peek := -1
		_, err := runLoop(t, chunks, func(c redcon.Conn, cmd redcon.Command) {
			got = append(got, joinArgs(cmd.Args))
			gotRaw = append(gotRaw, cmd.Raw...)
			p := len(c.PeekPipeline())
			if peek > 0 && p != peek-1 {
				t.Errorf("seed %d: pipeline view went from %d to %d", seed, peek, p)
			}
			peek = p
		})
		if !errors.Is(err, io.EOF) {
			t.Fatalf("seed %d: loop ended with %v", seed, err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("seed %d round %d: got %d commands, want %d", seed, round, len(got), len(want))
		}
		if !bytes.Equal(gotRaw, raw) {
			t.Fatalf("seed %d round %d: raw bytes differ", seed, round)
		}
	}
}

// TestServerLargePayloadMemory checks that a bulk arriving slowly grows the
// read buffer with what arrived, not with what it declares, and that the
// buffer shrinks back once the command has run.
func TestServerLargePayloadMemory(t *testing.T) {
	const size = 8 << 20
	cmd := encode("set", "k", strings.Repeat("x", size))
	cc := &chunkConn{chunks: splitRandomly(rand.New(rand.NewSource(1)), cmd, 4096)}
	c := newConn(cc)
	received, ran := 0, 0
	for {
		n, err := c.parse()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			if len(c.cmds[i].Args[2]) != size {
				t.Fatalf("payload of %d bytes, want %d", len(c.cmds[i].Args[2]), size)
			}
			ran++
		}
		if n > 0 {
			continue
		}
		before := c.w
		if err := c.fill(); err != nil {
			break
		}
		received += c.w - before
		if limit := 2*received + 2*readSize + minRead; len(c.in) > limit && len(c.in) > readSize {
			t.Fatalf("read buffer of %d bytes after %d received (limit %d)", len(c.in), received, limit)
		}
	}
	if ran != 1 {
		t.Fatalf("command ran %d times", ran)
	}
	if err := c.fill(); err == nil || len(c.in) > readSize {
		t.Fatalf("after the command: buffer %d bytes, fill error %v", len(c.in), err)
	}

	// A declared length alone costs nothing.
	c = newConn(&chunkConn{chunks: [][]byte{[]byte("*1\r\n$400000000\r\nabc")}})
	if err := c.fill(); err != nil {
		t.Fatal(err)
	}
	if n, err := c.parse(); n != 0 || err != nil {
		t.Fatalf("parse of a partial command: %d, %v", n, err)
	}
	_ = c.fill() // EOF
	if len(c.in) > readSize {
		t.Fatalf("read buffer of %d bytes for a declared $400000000", len(c.in))
	}
}

// TestServerCloseStopsPipeline checks that the commands pipelined behind
// one that closes the connection do not run, as in Redis after QUIT.
func TestServerCloseStopsPipeline(t *testing.T) {
	in := append(append(encode("ping"), encode("quit")...), encode("ping")...)
	var ran []string
	out, err := runLoop(t, [][]byte{in}, func(c redcon.Conn, cmd redcon.Command) {
		ran = append(ran, string(cmd.Args[0]))
		c.WriteString(strings.ToUpper(string(cmd.Args[0])))
		if string(cmd.Args[0]) == "quit" {
			c.Close()
		}
	})
	if err != nil || string(out) != "+PING\r\n+QUIT\r\n" || strings.Join(ran, ",") != "ping,quit" {
		t.Fatalf("ran %q, sent %q, loop error %v", ran, out, err)
	}
}

// TestServerReadPipeline checks that ReadPipeline hands over the rest of the
// batch, which then does not run, and that the next batch runs as usual.
func TestServerReadPipeline(t *testing.T) {
	first := append(append(encode("take"), encode("a")...), encode("b")...)
	var ran []string
	out, _ := runLoop(t, [][]byte{first, encode("c")}, func(c redcon.Conn, cmd redcon.Command) {
		ran = append(ran, string(cmd.Args[0]))
		if string(cmd.Args[0]) == "take" {
			rest := c.ReadPipeline()
			c.WriteInt(len(rest))
			if len(c.PeekPipeline()) != 0 {
				t.Error("commands left in the pipeline after ReadPipeline")
			}
			return
		}
		c.WriteString("OK")
	})
	if string(out) != ":2\r\n+OK\r\n" || strings.Join(ran, ",") != "take,c" {
		t.Fatalf("ran %q, sent %q", ran, out)
	}
}

// TestServerNotCanonical checks the reply to a stream no guard prepared.
func TestServerNotCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"PING\r\n":              "-ERR Protocol error: expected '*', got 'P'\r\n",
		"*1\r\n+PING\r\n":       "-ERR Protocol error: expected '$', got '+'\r\n",
		"*x\r\n":                "-ERR Protocol error: invalid multibulk length\r\n",
		"*0\r\n":                "-ERR Protocol error: invalid multibulk length\r\n",
		"*1\r\n$-3\r\n":         "-ERR Protocol error: invalid bulk length\r\n",
		"*1\r\n$4\r\nPINGxx":    "-ERR Protocol error: invalid bulk length\r\n",
		"*1\r\n$4\r\nPING\r\n*": "+OK\r\n",
	} {
		out, _ := runLoop(t, [][]byte{[]byte(in)}, func(c redcon.Conn, cmd redcon.Command) { c.WriteString("OK") })
		if string(out) != want {
			t.Errorf("%q: sent %q, want %q", in, out, want)
		}
	}
}

// TestServerWrites checks the redcon.Conn writers against redcon's
// encoders.
func TestServerWrites(t *testing.T) {
	out, _ := runLoop(t, [][]byte{encode("x")}, func(c redcon.Conn, cmd redcon.Command) {
		c.WriteArray(9)
		c.WriteError("ERR a\r\nb")
		c.WriteString("s")
		c.WriteBulk([]byte("b"))
		c.WriteBulkString("bs")
		c.WriteInt(-1)
		c.WriteInt64(2)
		c.WriteUint64(3)
		c.WriteNull()
		c.WriteAny([]any{"a", 1})
		c.WriteBulkFrom(3, strings.NewReader("xyz"))
		c.WriteRaw([]byte("+raw\r\n"))
	})
	want := "*9\r\n-ERR a  b\r\n+s\r\n$1\r\nb\r\n$2\r\nbs\r\n:-1\r\n:2\r\n:3\r\n$-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$3\r\nxyz\r\n+raw\r\n"
	if string(out) != want {
		t.Fatalf("sent %q\nwant %q", out, want)
	}
}

// TestFlushAndDiscard checks Flush and DiscardOutput on connections of both
// loops: a flushed reply reaches the client while the handler still runs;
// a discarded one never does.
func TestFlushAndDiscard(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			seen := make(chan struct{})
			handler := func(c redcon.Conn, cmd redcon.Command) {
				switch string(cmd.Args[0]) {
				case "flush":
					c.WriteString("A")
					if err := Flush(c); err != nil {
						t.Error(err)
					}
					select {
					case <-seen:
					case <-time.After(5 * time.Second):
						t.Error("flushed reply not received")
					}
					c.WriteString("B")
				case "discard":
					c.WriteString("lost")
					DiscardOutput(c)
					c.WriteString("C")
				}
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { defer close(done); _ = srv.serve(NewListener(ln, nil), handler) }()
			defer func() { ln.Close(); <-done }()
			nc, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			r := bufio.NewReader(nc)
			nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			expect := func(want string) {
				t.Helper()
				if line, err := r.ReadString('\n'); err != nil || line != want {
					t.Fatalf("read %q, %v; want %q", line, err, want)
				}
			}
			nc.Write(encode("flush"))
			expect("+A\r\n")
			close(seen)
			expect("+B\r\n")
			nc.Write(encode("discard"))
			expect("+C\r\n")
		})
	}
}

// TestServerLifecycle checks accept, closed and Close: a refused
// connection gets what accept wrote and is closed, an accepted one is
// reported closed when its client leaves, Close ends Serve and every
// connection, and a Serve after Close returns at once.
func TestServerLifecycle(t *testing.T) {
	closed := make(chan error, 4)
	n := 0
	srv := NewServer(func(c redcon.Conn, cmd redcon.Command) { c.WriteString("PONG") },
		func(c redcon.Conn) bool {
			n++
			if n == 1 {
				c.WriteError("ERR max number of clients reached")
				return false
			}
			return true
		},
		func(c redcon.Conn, err error) { closed <- err })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(NewListener(ln, nil)) }()
	addr := ln.Addr().String()

	refused, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer refused.Close()
	refused.SetReadDeadline(time.Now().Add(5 * time.Second))
	if got, _ := io.ReadAll(refused); string(got) != "-ERR max number of clients reached\r\n" {
		t.Fatalf("refused connection got %q", got)
	}

	leaving, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	leaving.Write(encode("ping"))
	leaving.SetReadDeadline(time.Now().Add(5 * time.Second))
	if line, _ := bufio.NewReader(leaving).ReadString('\n'); line != "+PONG\r\n" {
		t.Fatalf("PING answered %q", line)
	}
	leaving.Close()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("closed reported %v for a client that left", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closed not called")
	}

	staying, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer staying.Close()
	staying.Write(encode("ping"))
	r := bufio.NewReader(staying)
	staying.SetReadDeadline(time.Now().Add(5 * time.Second))
	if line, _ := r.ReadString('\n'); line != "+PONG\r\n" {
		t.Fatalf("PING answered %q", line)
	}
	srv.Close()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve returned %v after Close", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still running after Close")
	}
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("open connection after Close: read %v, want EOF", err)
	}
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(ln2); err != nil {
		t.Errorf("Serve after Close: %v", err)
	}
	if _, err := ln2.Accept(); err == nil {
		t.Error("Serve after Close left its listener open")
	}
}

// FuzzServerParse runs the connection loop over arbitrary input, cut in
// two reads: it must never panic, and the commands it runs must be the
// input's own bytes, in order, from its start.
func FuzzServerParse(f *testing.F) {
	f.Add([]byte("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), 7)
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$-1\r\n"), 3)
	f.Add([]byte("*1\r\n$999999999999999999\r\nx"), 10)
	f.Add([]byte("*3\r\n$1\r\na\r\n$1\r\nb"), 1)
	f.Fuzz(func(t *testing.T, in []byte, cut int) {
		cut = min(max(cut, 0), len(in))
		var raw []byte
		_, _ = runLoop(t, [][]byte{append([]byte(nil), in[:cut]...), append([]byte(nil), in[cut:]...)},
			func(c redcon.Conn, cmd redcon.Command) {
				raw = append(raw, cmd.Raw...)
				c.WriteString("OK")
			})
		if !bytes.HasPrefix(in, raw) {
			t.Fatalf("commands ran %q, not a prefix of the input %q", raw, in)
		}
	})
}
