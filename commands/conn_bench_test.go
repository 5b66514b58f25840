package commands

import (
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"
)

// replayConn is a client connection without a socket: every Read hands
// over the next batch of commands (one pipeline), until n batches went,
// then io.EOF; replies are counted and dropped. It is the network path of
// a benchmark client with the kernel taken out, so what is left is the
// server's own work per command.
type replayConn struct {
	batch []byte
	n     int
	out   int64
	done  chan struct{}
	once  sync.Once
}

func (c *replayConn) Read(p []byte) (int, error) {
	if c.n == 0 {
		c.once.Do(func() { close(c.done) })
		return 0, io.EOF
	}
	c.n--
	return copy(p, c.batch), nil
}

func (c *replayConn) Write(p []byte) (int, error) { c.out += int64(len(p)); return len(p), nil }
func (c *replayConn) Close() error                { return nil }
func (c *replayConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6379}
}
func (c *replayConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
}
func (c *replayConn) SetDeadline(time.Time) error      { return nil }
func (c *replayConn) SetReadDeadline(time.Time) error  { return nil }
func (c *replayConn) SetWriteDeadline(time.Time) error { return nil }

// listListener accepts its connections, then waits until closed.
type listListener struct {
	mu     sync.Mutex
	conns  []net.Conn
	closed chan struct{}
}

func (l *listListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if len(l.conns) > 0 {
		c := l.conns[0]
		l.conns = l.conns[1:]
		l.mu.Unlock()
		return c, nil
	}
	l.mu.Unlock()
	<-l.closed
	return nil, net.ErrClosed
}

func (l *listListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.closed:
	default:
		close(l.closed)
	}
	return nil
}

func (l *listListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6379} }

// BenchmarkConnXAdd runs XADD s * f v through the whole server path —
// guard, connection loop, dispatch, the command, commit hand-off (in
// memory), reply, flush — with the kernel taken out: no socket, no netpoll.
// P1 hands over one command per read (a client that waits for each reply),
// P16 sixteen. c1 is one connection; c8 is eight at once on every core, so
// what the connections share (the keyspace lock, the stream, counters)
// moves between the cores' caches as it does under many clients.
func BenchmarkConnXAdd(b *testing.B) {
	cmd := encodeCmd("XADD", "s", "*", "f", "v")
	for _, conns := range []int{1, 8} {
		for _, depth := range []int{1, 16} {
			b.Run("c"+itoa(conns)+"/P"+itoa(depth), func(b *testing.B) {
				benchConns(b, cmd, conns, depth)
			})
		}
	}
}

func benchConns(b *testing.B, cmd []byte, conns, depth int) {
	batch := make([]byte, 0, depth*len(cmd))
	for range depth {
		batch = append(batch, cmd...)
	}
	rounds := max(b.N/depth/conns, 1)
	ln := &listListener{closed: make(chan struct{})}
	var rcs []*replayConn
	for range conns {
		rc := &replayConn{batch: batch, n: rounds, done: make(chan struct{})}
		rcs = append(rcs, rc)
		ln.conns = append(ln.conns, rc)
	}
	s := New(Options{Logf: func(string, ...any) {}})
	s.ln = ln
	served := make(chan struct{})
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	go func() {
		s.Serve()
		close(served)
	}()
	for _, rc := range rcs {
		<-rc.done
	}
	cpu := processCPU() - cpu0
	b.StopTimer()
	s.Close()
	<-served
	for _, rc := range rcs {
		if want := int64(rounds * depth * len("$15\r\n1700000000000-0\r\n")); rc.out < want {
			b.Fatalf("replies: %d bytes, want at least %d", rc.out, want)
		}
	}
	n := float64(rounds * depth * conns)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/cmd")
	b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/cmd")
}

// processCPU returns the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
