package resp_test

import (
	"net"
	"sync/atomic"

	"github.com/runnel-db/runnel/resp"
	"github.com/tidwall/redcon"
)

// The server hands redcon a guarded listener. Limits are read for every
// batch, so a CONFIG SET applies to the next command; protocol errors are
// counted as Redis counts them; AUTH marks the connection authenticated.
func ExampleNewListener() {
	var maxBulk atomic.Int64
	maxBulk.Store(resp.DefaultMaxBulkLen)
	var errorReplies atomic.Int64
	limits := func() resp.Limits {
		l := resp.DefaultLimits()
		l.MaxBulkLen = maxBulk.Load()
		return l
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return
	}
	defer ln.Close()
	guarded := resp.NewListener(ln, limits,
		resp.OnProtocolError(func(string) { errorReplies.Add(1) }))
	handler := func(c redcon.Conn, cmd redcon.Command) {
		g := c.NetConn().(*resp.Guard)
		switch string(cmd.Args[0]) {
		case "AUTH":
			g.SetAuthenticated(true)
			c.WriteString("OK")
		default:
			c.WriteString("OK")
		}
	}
	go func() { _ = redcon.Serve(guarded, handler, nil, nil) }()
}
