package commands

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/runnel-db/runnel/persist"
)

// The benchmarks in this file drive the whole server path — socket,
// protocol guard, redcon, dispatch, handler, commit, reply — over loopback,
// as redis-benchmark does: clients connections each send pipelines of
// depth commands and read the replies before sending the next. They report
// ns/op per command, allocations per command (over the whole process, so
// the client's are included; it allocates nothing per command) and
// ops/s.

// benchConn is a pipelining RESP client that allocates nothing per reply.
type benchConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialBench(b *testing.B, addr string) *benchConn {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return &benchConn{conn: c, r: bufio.NewReaderSize(c, 64<<10)}
}

var errBenchReply = errors.New("error reply")

// skip reads one reply and discards it, failing on an error reply.
func (c *benchConn) skip() error {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if len(line) < 3 {
		return fmt.Errorf("short reply line %q", line)
	}
	switch line[0] {
	case '+', ':', '_', '#', ',':
		return nil
	case '-':
		return fmt.Errorf("%w: %q", errBenchReply, line)
	}
	n, ok := ParseInt(line[1 : len(line)-2])
	if !ok {
		return fmt.Errorf("bad length in %q", line)
	}
	switch line[0] {
	case '$', '=', '!':
		if n >= 0 {
			_, err = c.r.Discard(int(n) + 2)
		}
		return err
	case '%', '|':
		n *= 2
	}
	for i := int64(0); i < n; i++ {
		if err := c.skip(); err != nil {
			return err
		}
	}
	return nil
}

// runPipelined sends b.N copies of cmd (one encoded command) over clients
// connections in pipelines of depth and checks every reply.
func runPipelined(b *testing.B, addr string, clients, depth int, cmd []byte) {
	b.Helper()
	conns := make([]*benchConn, clients)
	for i := range conns {
		conns[i] = dialBench(b, addr)
	}
	batch := bytes.Repeat(cmd, depth)
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	b.ReportAllocs()
	b.ResetTimer()
	for _, c := range conns {
		wg.Add(1)
		go func(c *benchConn) {
			defer wg.Done()
			for {
				n := int(min(left.Add(-int64(depth))+int64(depth), int64(depth)))
				if n <= 0 {
					return
				}
				if _, err := c.conn.Write(batch[:n*len(cmd)]); err != nil {
					errs <- err
					return
				}
				for i := 0; i < n; i++ {
					if err := c.skip(); err != nil {
						errs <- err
						return
					}
				}
			}
		}(c)
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// BenchmarkServerXAdd is redis-benchmark's XADD s * f v with 50 clients,
// pipelined 16 deep and not pipelined.
func BenchmarkServerXAdd(b *testing.B) {
	cmd := encodeCmd("XADD", "s", "*", "f", "v")
	for _, depth := range []int{16, 1} {
		b.Run("c50/P"+strconv.Itoa(depth), func(b *testing.B) {
			_, addr := startServer(b)
			runPipelined(b, addr, 50, depth, cmd)
		})
	}
}

// BenchmarkServerXAdd100 appends entries of one 100-byte field, the
// memory target's shape.
func BenchmarkServerXAdd100(b *testing.B) {
	cmd := encodeCmd("XADD", "s", "*", "f", string(bytes.Repeat([]byte{'x'}, 100)))
	_, addr := startServer(b)
	runPipelined(b, addr, 50, 16, cmd)
}

// BenchmarkServerXRange reads ten entries from the start of a
// 10,000-entry stream, with 50 clients, pipelined 16 deep and not.
func BenchmarkServerXRange(b *testing.B) {
	cmd := encodeCmd("XRANGE", "s", "-", "+", "COUNT", "10")
	for _, depth := range []int{16, 1} {
		b.Run("c50/P"+strconv.Itoa(depth), func(b *testing.B) {
			_, addr := startServer(b)
			load := dialBench(b, addr)
			add := bytes.Repeat(encodeCmd("XADD", "s", "*", "f", "v"), 100)
			for i := 0; i < 100; i++ {
				if _, err := load.conn.Write(add); err != nil {
					b.Fatal(err)
				}
				for j := 0; j < 100; j++ {
					if err := load.skip(); err != nil {
						b.Fatal(err)
					}
				}
			}
			runPipelined(b, addr, 50, depth, cmd)
		})
	}
}

// startStoreServer runs a Server on store on a free loopback port for the
// benchmark's lifetime and returns its address.
func startStoreServer(b *testing.B, store persist.Store) string {
	s := New(Options{Bind: "127.0.0.1", Port: 0, Store: store, Logf: func(string, ...any) {}})
	if err := s.Listen(); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		s.Serve()
		close(done)
	}()
	b.Cleanup(func() {
		s.Close()
		<-done
	})
	return s.Addr().String()
}

// BenchmarkServerXAddDurable is BenchmarkServerXAdd on the Pebble store,
// at appendfsync always and no: the commit path (group commit, the wait
// of each pipeline) on top of the command path.
func BenchmarkServerXAddDurable(b *testing.B) {
	cmd := encodeCmd("XADD", "s", "*", "f", "v")
	for _, policy := range []persist.FsyncPolicy{persist.Always, persist.No} {
		for _, depth := range []int{16, 1} {
			b.Run(policy.String()+"/c50/P"+strconv.Itoa(depth), func(b *testing.B) {
				store, err := persist.Open(b.TempDir(), persist.Options{Fsync: policy})
				if err != nil {
					b.Fatal(err)
				}
				runPipelined(b, startStoreServer(b, store), 50, depth, cmd)
			})
		}
	}
}
