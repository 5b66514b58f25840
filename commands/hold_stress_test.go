package commands

import (
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/persist"
)

// TestReadAheadManyClients: clients that send a mix of writes, reads and
// transactions cut at random byte boundaries, without waiting for replies,
// each get exactly the replies of a client that waits for every one: in
// order, none missing or doubled. Each client works on its own stream with
// explicit IDs, so every reply is known in advance.
func TestReadAheadManyClients(t *testing.T) {
	_, _, addr := startStored(t, persist.Always)
	const clients, ops = 6, 400
	var wg sync.WaitGroup
	for i := range clients {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		key := "rk" + strconv.Itoa(i)
		var input []byte
		var want strings.Builder
		n := 0 // entries in the stream
		for j := range ops {
			switch r := rng.IntN(10); {
			case r < 4:
				n++
				id := strconv.Itoa(n) + "-1"
				input = append(input, encode("XADD", key, id, "j", strconv.Itoa(j))...)
				want.WriteString(bulk(id))
			case r < 5 && n > 0:
				input = append(input, encode("XADD", key, "1-0", "x", "y")...)
				want.WriteString("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n")
			case r < 6:
				input = append(input, encode("XLEN", key)...)
				want.WriteString(integer(int64(n)))
			case r < 7:
				n++
				id := strconv.Itoa(n) + "-1"
				input = append(input, encode("MULTI")...)
				input = append(input, encode("XADD", key, id, "m", "1")...)
				input = append(input, encode("XLEN", key)...)
				input = append(input, encode("EXEC")...)
				want.WriteString("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n" + bulk(id) + integer(int64(n)))
			case r < 8:
				input = append(input, encode("CLIENT", "REPLY", "SKIP")...)
				input = append(input, encode("PING", "skipped")...)
			default:
				input = append(input, encode("PING", strconv.Itoa(j))...)
				want.WriteString(bulk(strconv.Itoa(j)))
			}
		}
		input = append(input, encode("PING", "end")...)
		want.WriteString(bulk("end"))
		wg.Add(2)
		go func() {
			defer wg.Done()
			for p := 0; p < len(input); {
				k := min(len(input)-p, 1+rng.IntN(80))
				if _, err := nc.Write(input[p : p+k]); err != nil {
					t.Error(err)
					return
				}
				p += k
				if rng.IntN(4) == 0 {
					time.Sleep(time.Duration(rng.IntN(300)) * time.Microsecond)
				}
			}
		}()
		go func() {
			defer wg.Done()
			exp := want.String()
			nc.SetReadDeadline(time.Now().Add(30 * time.Second))
			var got []byte
			buf := make([]byte, 4096)
			for !strings.HasSuffix(string(got), bulk("end")) {
				k, err := nc.Read(buf)
				got = append(got, buf[:k]...)
				if err != nil {
					t.Errorf("client %d: %v after %q", i, err, tailOf(string(got), 200))
					return
				}
			}
			if string(got) != exp {
				at := 0
				for at < len(got) && at < len(exp) && got[at] == exp[at] {
					at++
				}
				t.Errorf("client %d: replies differ at byte %d: got %q, want %q", i, at, got[max(0, at-80):min(len(got), at+80)], exp[max(0, at-80):min(len(exp), at+80)])
			}
		}()
	}
	wg.Wait()
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
