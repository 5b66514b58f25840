package commands

import (
	"net"
	"time"

	"github.com/runnel-db/runnel/resp"
)

// wrapListener puts the wire layer's protocol guard between the socket and
// redcon, so malformed input gets Redis's protocol errors and limits
// (proto-max-bulk-len, the unauthenticated limits) before redcon parses it.
func wrapListener(ln net.Listener, s *Server) net.Listener {
	limits := func() resp.Limits {
		l := resp.DefaultLimits()
		l.MaxBulkLen = s.config.protoMaxBulk.Load()
		l.AuthRequired = s.config.authRequired()
		return l
	}
	return resp.NewListener(ln, limits,
		resp.OnProtocolError(func(string) {
			s.stats.countError(Error("ERR Protocol error"))
		}),
		// total_net_input_bytes counts what the socket delivered, as Redis
		// does, not the commands' RESP size.
		resp.OnInput(func(n int) { s.stats.netIn.Add(int64(n)) }))
}

// watchClose reports a peer's disconnect while its command blocks, without
// reading any byte of the connection; the returned stop function must be
// called before the connection is read again.
func watchClose(nc net.Conn) (gone <-chan struct{}, stop func()) {
	if g, ok := nc.(*resp.Guard); ok {
		nc = g.Unwrap()
	}
	w := resp.WatchClose(nc)
	return w.Closed(), w.Stop
}

// setAuthenticated records a successful (or, on RESET, revoked)
// authentication, also for the guard's unauthenticated-request limits.
func (c *Client) setAuthenticated(ok bool) {
	c.authed = ok
	if nc := c.conn.NetConn(); nc != nil {
		if g, isGuard := nc.(*resp.Guard); isGuard {
			g.SetAuthenticated(ok)
		}
	}
}

func newTicker(ms int) *time.Ticker { return time.NewTicker(time.Duration(ms) * time.Millisecond) }
