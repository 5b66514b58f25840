package commands

import (
	"net"
	"syscall"
	"testing"
	"time"
)

// emfileListener fails its first Accept as a process out of file
// descriptors does, then accepts normally.
type emfileListener struct {
	net.Listener
	failed bool
}

func (l *emfileListener) Accept() (net.Conn, error) {
	if !l.failed {
		l.failed = true
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	return l.Listener.Accept()
}

// TestAcceptSurvivesRunningOutOfFileDescriptors: a burst of connections
// beyond the process's file-descriptor limit makes accept fail with
// EMFILE for a while. The listener must go on accepting once descriptors
// are free again; the server must not wait in Accept until shutdown, deaf
// to every later client (seen with the binary under ulimit -n 128 and 300
// connections: after they closed, no new client was ever served).
func TestAcceptSurvivesRunningOutOfFileDescriptors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dl := drainListener{&emfileListener{Listener: ln}, make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		for {
			nc, err := dl.Accept()
			if err == nil {
				nc.Close()
				done <- nil
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Accept never returned a connection after one EMFILE: the listener is stuck until shutdown")
	}
}
