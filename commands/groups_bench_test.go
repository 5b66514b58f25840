package commands

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// The consumer-group benchmarks run the handlers through the dispatcher
// (Server.execute) as one client of an in-memory server, so they measure
// parsing, the keyspace lock, the pel and stream operations and the reply
// encoding, without the network.

// benchFill appends n entries to key through the stream directly (XADD's
// cost is not what these benchmarks measure) and records nothing.
func benchFill(f *fake, key string, n int) {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	o := f.s.dbs[0].keys[key]
	fields := [][]byte{[]byte("field"), []byte("value-of-some-sixteen")}
	s := o.Stream
	for i := 0; i < n; i++ {
		id, _ := s.NextID(uint64(nowMs()))
		s.Append(id, fields)
	}
}

// BenchmarkXReadGroupAck reads 100 entries with XREADGROUP COUNT 100 and
// acknowledges them with one XACK per op: messages/s is what one consumer
// gets through the handlers.
func BenchmarkXReadGroupAck(b *testing.B) {
	f := newFake(b, Options{})
	f.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	read := args("XREADGROUP GROUP g c COUNT 100 STREAMS s >")
	ack := make([][]byte, 0, 103)
	ack = append(ack, []byte("XACK"), []byte("s"), []byte("g"))
	var idbuf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%1000 == 0 {
			b.StopTimer()
			benchFill(f, "s", 100*1000)
			b.StartTimer()
		}
		f.c.w.Reset()
		f.s.execute(f.c, read)
		// The IDs to ack, taken from the group's PEL rather than parsed
		// out of the reply.
		ack = ack[:3]
		idbuf = idbuf[:0]
		f.s.mu.Lock()
		cur := f.s.dbs[0].keys["s"].Groups.Get("g").Seek(stream.Min)
		for {
			p, ok := cur.Next()
			if !ok {
				break
			}
			start := len(idbuf)
			idbuf = p.ID().Append(idbuf)
			ack = append(ack, idbuf[start:len(idbuf):len(idbuf)])
		}
		f.s.mu.Unlock()
		if len(ack) != 103 {
			b.Fatalf("read %d entries, want 100", len(ack)-3)
		}
		f.c.w.Reset()
		f.s.execute(f.c, ack)
		if string(f.c.w.B) != ":100\r\n" {
			b.Fatalf("XACK = %q", f.c.w.B)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "msgs/s")
}

// millionPending returns a fake whose stream s has 1,000,000 entries, all
// pending in group g: 500,000 for consumer a, then 500,000 for b.
func millionPending(b *testing.B) *fake {
	f := newFake(b, Options{})
	f.do("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
	benchFill(f, "s", 1000000)
	f.do("XREADGROUP", "GROUP", "g", "a", "COUNT", "500000", "STREAMS", "s", ">")
	f.do("XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">")
	if g := f.group("s", "g"); g.Len() != 1000000 {
		b.Fatalf("%d pending", g.Len())
	}
	return f
}

// BenchmarkXPendingMillion runs XPENDING's forms against a group with
// 1,000,000 pending entries: each must cost O(log N + count), not O(N).
func BenchmarkXPendingMillion(b *testing.B) {
	f := millionPending(b)
	mid := f.group("s", "g").Consumer("b").Seek(stream.Min)
	p, _ := mid.Next()
	midID := p.ID().String()
	for _, bc := range []struct{ name, cmd string }{
		{"summary", "XPENDING s g"},
		{"range-100", "XPENDING s g - + 100"},
		{"range-100-from-middle", "XPENDING s g " + midID + " + 100"},
		{"range-100-consumer", "XPENDING s g - + 100 b"},
		// IDLE that nothing passes: Redis's semantics make it a full scan
		// of the range, here 1,000 entries wide.
		{"idle-filter-1000-wide", "XPENDING s g IDLE 3600000 - " + idAfter(f, 999) + " 100"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cmd := args(bc.cmd)
			b.ReportAllocs()
			for b.Loop() {
				f.c.w.Reset()
				f.s.execute(f.c, cmd)
			}
			if len(f.c.w.B) > 0 && f.c.w.B[0] == '-' {
				b.Fatalf("%s: %s", bc.cmd, f.c.w.B)
			}
		})
	}
}

// idAfter returns the ID of the n-th pending entry (from 0).
func idAfter(f *fake, n int) string {
	cur := f.group("s", "g").Seek(stream.Min)
	var id stream.ID
	for i := 0; i <= n; i++ {
		p, _ := cur.Next()
		id = p.ID()
	}
	return id.String()
}

// BenchmarkXAutoClaimMillion runs XAUTOCLAIM COUNT 100 sweeps over a group
// with 1,000,000 pending entries, following the cursor as a recovering
// worker does: each op claims 100 entries (JUSTID, and with bodies).
// "scan-idle" claims nothing: the 1,000 attempts of COUNT 100 are spent on
// entries too recent, the worst case of one call.
func BenchmarkXAutoClaimMillion(b *testing.B) {
	f := millionPending(b)
	for _, bc := range []struct {
		name, minIdle, extra string
	}{
		{"claim-100-justid", "0", " JUSTID"},
		{"claim-100", "0", ""},
		{"scan-idle", "3600000", " JUSTID"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cursor := "0-0"
			b.ReportAllocs()
			for b.Loop() {
				f.c.w.Reset()
				f.s.execute(f.c, args("XAUTOCLAIM s g rescuer "+bc.minIdle+" "+cursor+" COUNT 100"+bc.extra))
				cursor = autoclaimCursor(b, f.c.w.B)
			}
		})
	}
	if g := f.group("s", "g"); g.Len() != 1000000 {
		b.Fatalf("%d pending after the sweeps", g.Len())
	}
}

// autoclaimCursor returns the cursor of an XAUTOCLAIM reply.
func autoclaimCursor(b *testing.B, r []byte) string {
	// *3\r\n$<n>\r\n<cursor>\r\n...
	if len(r) < 8 || r[0] != '*' {
		b.Fatalf("XAUTOCLAIM = %q", r)
	}
	i := 4
	j := i + 1
	for r[j] != '\r' {
		j++
	}
	n, _ := strconv.Atoi(string(r[i+1 : j]))
	return string(r[j+2 : j+2+n])
}

// BenchmarkXReadGroupBlockWake is one wait of a consumer over loopback:
// XREADGROUP BLOCK finds nothing and blocks, an XADD from another
// connection serves it, and the consumer reads its entry and acknowledges
// it. allocs/op counts the whole process; the clients allocate nothing.
func BenchmarkXReadGroupBlockWake(b *testing.B) {
	s, addr := startServer(b)
	prod, cons := dialBench(b, addr), dialBench(b, addr)
	if _, err := prod.conn.Write(encodeCmd("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")); err != nil {
		b.Fatal(err)
	}
	if err := prod.skip(); err != nil {
		b.Fatal(err)
	}
	read := encodeCmd("XREADGROUP", "GROUP", "g", "c", "COUNT", "100", "BLOCK", "0", "STREAMS", "s", ">")
	blocked := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.dbs[0].waiters) == 1
	}
	var id, cmd []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := cons.conn.Write(read); err != nil {
			b.Fatal(err)
		}
		for !blocked() {
			runtime.Gosched()
		}
		id = append(strconv.AppendInt(id[:0], int64(i+1), 10), "-1"...)
		cmd = appendCmd(cmd[:0], []byte("XADD"), []byte("s"), id, []byte("f"), []byte("v"))
		if _, err := prod.conn.Write(cmd); err != nil {
			b.Fatal(err)
		}
		if err := prod.skip(); err != nil {
			b.Fatal(err)
		}
		if err := cons.skip(); err != nil {
			b.Fatal(err)
		}
		cmd = appendCmd(cmd[:0], []byte("XACK"), []byte("s"), []byte("g"), id)
		if _, err := cons.conn.Write(cmd); err != nil {
			b.Fatal(err)
		}
		if err := cons.skip(); err != nil {
			b.Fatal(err)
		}
	}
}

// appendCmd appends args encoded as a RESP command to dst.
func appendCmd(dst []byte, args ...[]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, "\r\n"...)
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, "\r\n"...)
		dst = append(dst, a...)
		dst = append(dst, "\r\n"...)
	}
	return dst
}
