package main

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestMemoryReturnsWhenIdle runs the binary and checks that memory a
// moment of work needed goes back to the system once the server is idle,
// as Redis's does: a big reply a client read and stays connected after,
// a big reply a client never read before it left, and a copy of a big
// stream that was then deleted. Each kept its size in the process before
// (the reply buffer kept for reuse; a buffer or deleted data that was live
// at the last collection, which an idle server never repeats; the store's
// copy of a large write until a later flush).
func TestMemoryReturnsWhenIdle(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 60 MB")
	}
	bin := buildRunnel(t)
	port := startRunnel(t, bin, "--appendfsync", "no")
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, Protocol: 2})
	defer c.Close()
	pid, err := strconv.Atoi(infoField(t, c, "process_id"))
	if err != nil {
		t.Fatal(err)
	}
	value := strings.Repeat("x", 1000)
	for b := 0; b < 60; b++ {
		p := c.Pipeline()
		for range 1000 {
			p.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []string{"f", value}})
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const size = 60 << 20
	base := settledRSS(t, pid, 0)
	t.Logf("RSS after loading 60 MB: %d MB", base>>20)
	// Back near base within 10 s: a little slack for the allocator.
	back := func(what string) {
		t.Helper()
		if got := settledRSS(t, pid, base+size/3); got > base+size/3 {
			t.Errorf("%s: RSS %d MB, %d MB before", what, got>>20, base>>20)
		}
	}

	if n, err := c.XRange(ctx, "s", "-", "+").Result(); err != nil || len(n) != 60000 {
		t.Fatalf("XRANGE: %d entries, %v", len(n), err)
	}
	back("after a client read a 60 MB reply and stayed connected")

	nc, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	nc.(*net.TCPConn).SetReadBuffer(4096)
	nc.Write([]byte("XRANGE s - +\r\nXRANGE s - +\r\n"))
	time.Sleep(time.Second)
	nc.Close()
	back("after a client left two 60 MB replies unread")

	if err := c.Copy(ctx, "s", "s2", 0, false).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Del(ctx, "s2").Err(); err != nil {
		t.Fatal(err)
	}
	back("after COPY of the stream and DEL of the copy")
}

// settledRSS waits up to 10 s for pid's resident memory to fall to at most
// limit (0: until it stops changing) and returns it.
func settledRSS(t *testing.T, pid int, limit int64) int64 {
	t.Helper()
	var last int64
	for i := 0; i < 20; i++ {
		time.Sleep(500 * time.Millisecond)
		rss := residentBytes(t, pid)
		if limit > 0 && rss <= limit || limit == 0 && i > 2 && rss == last {
			return rss
		}
		last = rss
	}
	return last
}

func residentBytes(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS line")
	return 0
}

func infoField(t *testing.T, c *redis.Client, name string) string {
	t.Helper()
	info, err := c.Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO has no %s", name)
	return ""
}
