package commands

import (
	"net"
	"time"
)

// wrapListener puts the wire layer's protocol guard between the socket and
// redcon.
func wrapListener(ln net.Listener, s *Server) net.Listener { return ln }

func newTicker(ms int) *time.Ticker { return time.NewTicker(time.Duration(ms) * time.Millisecond) }
