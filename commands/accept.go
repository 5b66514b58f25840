package commands

import (
	"errors"
	"net"
	"time"
)

// Accepting connections. accept(2) fails for reasons that pass: the process
// or the system is out of file descriptors (EMFILE, ENFILE) or memory, a
// client reset its connection before it was taken (ECONNABORTED). A server
// that stops accepting on such an error is deaf for good after a burst of
// clients; one that retries at once spins on the CPU while the condition
// lasts. retryListener does what Redis (log, go on serving) and net/http
// (wait 5 ms, doubling to 1 s, between failures) do: it retries with a
// backoff, logs at most once per acceptLogEvery, and ends only when the
// listener is closed.

// Accept retry backoff bounds and log rate.
const (
	acceptMinBackoff = 5 * time.Millisecond
	acceptMaxBackoff = time.Second
	acceptLogEvery   = 10 * time.Second
)

// retryListener retries a failed Accept until it succeeds or the listener
// is closed. Accept is called by one goroutine at a time (the server's
// accept loop): its backoff and log state are not guarded.
type retryListener struct {
	net.Listener
	logf func(format string, args ...any)
	// sleep and now are time.Sleep and time.Now except in tests.
	sleep func(time.Duration)
	now   func() time.Time

	// failures counts the errors since the last log line; logged is when
	// that line was written.
	failures int
	logged   time.Time
}

// newRetryListener returns ln with Accept retrying its temporary errors,
// logging them through logf.
func newRetryListener(ln net.Listener, logf func(format string, args ...any)) *retryListener {
	return &retryListener{Listener: ln, logf: logf, sleep: time.Sleep, now: time.Now}
}

// Accept implements net.Listener: it returns the next connection, or an
// error wrapping net.ErrClosed once the listener is closed; every other
// error is logged and retried after a backoff.
func (l *retryListener) Accept() (net.Conn, error) {
	var backoff time.Duration
	for {
		nc, err := l.Listener.Accept()
		if err == nil {
			return nc, nil
		}
		if errors.Is(err, net.ErrClosed) {
			return nil, err
		}
		backoff = nextAcceptBackoff(backoff)
		l.report(err, backoff)
		l.sleep(backoff)
	}
}

// nextAcceptBackoff is the wait after a failed Accept that followed a
// wait of prev (0 after a success): 5 ms, doubling up to 1 s.
func nextAcceptBackoff(prev time.Duration) time.Duration {
	return min(max(2*prev, acceptMinBackoff), acceptMaxBackoff)
}

// report logs err, unless a line was logged less than acceptLogEvery ago;
// the next line says how many failures went unlogged in between.
func (l *retryListener) report(err error, backoff time.Duration) {
	l.failures++
	now := l.now()
	if !l.logged.IsZero() && now.Sub(l.logged) < acceptLogEvery {
		return
	}
	if l.failures == 1 {
		l.logf("accepting a client connection: %v; retrying in %v, the connected clients are still served", err, backoff)
	} else {
		l.logf("accepting a client connection: %v (%d failures since the last report); retrying in %v, the connected clients are still served", err, l.failures, backoff)
	}
	l.failures = 0
	l.logged = now
}
