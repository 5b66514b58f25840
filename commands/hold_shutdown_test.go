package commands

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCloseSendsHeldReplies: every XADD the server ran before a shutdown
// gets its reply, also when the client sent it while earlier replies were
// held for their fsync (one XADD per write, without waiting). Close waits
// for the commands in flight to send their replies; held replies are part
// of that. The store is read afterwards: the entries it holds beyond what a
// client was told are commands that ran and whose replies were lost.
func TestCloseSendsHeldReplies(t *testing.T) {
	dir := t.TempDir()
	s := startServerWith(t, Options{Store: openPebble(t, dir)})
	go s.Serve()
	const clients = 6
	var wg sync.WaitGroup
	acked := make([]int, clients)
	for i := range clients {
		nc, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		key := "s" + strconv.Itoa(i)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				if _, err := nc.Write(encode("XADD", key, "*", "j", strconv.Itoa(j))); err != nil {
					return
				}
				if j%4 == 3 {
					time.Sleep(100 * time.Microsecond)
				}
			}
		}()
		go func() {
			defer wg.Done()
			defer nc.Close()
			rd := bufio.NewReader(nc)
			nc.SetReadDeadline(time.Now().Add(20 * time.Second))
			for {
				line, err := rd.ReadString('\n')
				if err != nil || !strings.HasPrefix(line, "$") {
					return
				}
				if _, err := rd.ReadString('\n'); err != nil {
					return
				}
				acked[i]++
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	p := openPebble(t, dir)
	g := newFake(t, Options{Store: p})
	if _, err := g.s.Load(p); err != nil {
		t.Fatal(err)
	}
	for i := range clients {
		key := "s" + strconv.Itoa(i)
		got := g.do("XLEN", key)
		n, _ := strconv.Atoi(strings.Trim(got, ":\r\n"))
		if acked[i] == 0 {
			t.Fatalf("%s: no reply before the shutdown: the test checked nothing", key)
		}
		if n != acked[i] {
			t.Errorf("%s: %d entries in the store after shutdown, %d acknowledged: %d commands ran without their replies", key, n, acked[i], n-acked[i])
		}
	}
}
