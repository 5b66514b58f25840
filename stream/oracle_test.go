//go:build oracle

// The oracle test replays random appends, deletes and trims on a Stream and
// on a real redis-server at once, and compares every reply and, after each
// step, XINFO STREAM's length, radix-tree-keys, radix-tree-nodes, IDs and
// counters with the Stream's. It pins the node boundaries (Redis's listpack
// sizes) and streamTrim's exact behaviour. Run it against a scratch server:
//
//	RUNNEL_ORACLE=127.0.0.1:6399 go test -tags oracle -run TestOracle ./stream/
//
// It changes stream-node-max-entries/-bytes and deletes the key "s".

package stream

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"testing"
)

type rconn struct {
	c net.Conn
	r *bufio.Reader
}

func (c *rconn) do(args ...string) any {
	b := []byte(fmt.Sprintf("*%d\r\n", len(args)))
	for _, a := range args {
		b = append(b, fmt.Sprintf("$%d\r\n%s\r\n", len(a), a)...)
	}
	if _, err := c.c.Write(b); err != nil {
		panic(err)
	}
	return c.read()
}

func (c *rconn) read() any {
	line, err := c.r.ReadString('\n')
	if err != nil {
		panic(err)
	}
	line = line[:len(line)-2]
	switch line[0] {
	case '+':
		return line[1:]
	case '-':
		return fmt.Errorf("%s", line[1:])
	case ':':
		n, _ := strconv.ParseInt(line[1:], 10, 64)
		return n
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			panic(err)
		}
		return string(buf[:n])
	case '*':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil
		}
		out := make([]any, n)
		for i := range out {
			out[i] = c.read()
		}
		return out
	}
	panic("bad reply " + line)
}

func infoMap(v any) map[string]any {
	arr := v.([]any)
	m := map[string]any{}
	for i := 0; i+1 < len(arr); i += 2 {
		m[arr[i].(string)] = arr[i+1]
	}
	return m
}

func entryID(v any) string {
	if v == nil {
		return "nil"
	}
	return v.([]any)[0].(string)
}

func TestOracle(t *testing.T) {
	addr := os.Getenv("RUNNEL_ORACLE")
	if addr == "" {
		t.Skip("RUNNEL_ORACLE (host:port of a scratch redis-server) is not set")
	}
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &rconn{nc, bufio.NewReader(nc)}
	r := rand.New(rand.NewPCG(testSeed(t), 9))
	compared, maxNodes, emptyNodes := 0, 0, 0
	defer func() {
		t.Logf("compared %d states, max nodes %d, states with nodes but no entries %d", compared, maxNodes, emptyNodes)
	}()
	for round := 0; round < 40; round++ {
		ents := []int{0, 1, 2, 3, 5, 10, 100}[r.IntN(7)]
		byts := []int{0, 1, 30, 100, 250, 1000, 4096}[r.IntN(7)]
		c.do("CONFIG", "SET", "stream-node-max-entries", strconv.Itoa(ents))
		c.do("CONFIG", "SET", "stream-node-max-bytes", strconv.Itoa(byts))
		c.do("DEL", "s")
		s := New(Config{ents, byts})
		var ids []ID
		names := []string{"f", "g", "name", "12", "-3"}
		last := ID{uint64(r.IntN(3)), uint64(r.IntN(3))}
		if r.IntN(5) == 0 {
			last = ID{^uint64(0) - 100000, ^uint64(0) - 50}
		}
		// Every fourth round grows a long stream: no trims, few deletes, so
		// many nodes come and go in the middle of the index.
		long := round%4 == 0
		steps, ops := 400, 20
		if long {
			steps, ops = 1500, 14
		}
		for step := 0; step < steps; step++ {
			var desc string
			var got, want any
			switch op := r.IntN(ops); {
			case op < 12 || (long && op == 12):
				// XADD with a fresh ID
				var id ID
				switch r.IntN(4) {
				case 0:
					id = ID{last.Ms, last.Seq + 1 + uint64(r.IntN(3))}
				case 1:
					id = ID{last.Ms + uint64(r.IntN(200)) + 1, uint64(r.IntN(5))}
				case 2:
					id = ID{last.Ms + uint64(r.IntN(1<<20)) + 1, uint64(r.IntN(1 << 30))}
				default:
					id = ID{last.Ms + 1, 0}
				}
				if !last.Less(id) {
					continue
				}
				np := 1 + r.IntN(3)
				args := []string{"XADD", "s"}
				trim := !long && r.IntN(6) == 0
				var targs trimArgs
				if trim {
					targs.byLen = true
					targs.maxLen = uint64(r.IntN(40))
					targs.approx = r.IntN(2) == 0
					args = append(args, "MAXLEN")
					if targs.approx {
						args = append(args, "~")
						targs.limit = s.cfg.ApproxTrimLimit()
					}
					args = append(args, strconv.FormatUint(targs.maxLen, 10))
				}
				args = append(args, id.String())
				var fields [][]byte
				for p := 0; p < np; p++ {
					name := names[r.IntN(len(names))]
					if r.IntN(3) == 0 {
						name = names[p%2]
					}
					var val string
					switch r.IntN(4) {
					case 0:
						val = strconv.Itoa(r.IntN(100000) - 5000)
					case 1:
						val = "0" + strconv.Itoa(r.IntN(100))
					default:
						b := make([]byte, r.IntN(300))
						for i := range b {
							b[i] = 'a' + byte(r.IntN(26))
						}
						val = string(b)
					}
					args = append(args, name, val)
					fields = append(fields, []byte(name), []byte(val))
				}
				want = c.do(args...)
				s.Append(id, fields)
				if trim {
					s.trim(targs)
				}
				got = id.String()
				last = id
				ids = append(ids, id)
				desc = fmt.Sprint(args[:len(args)-2*np])
			case op < 15:
				var id ID
				if len(ids) > 0 && r.IntN(4) != 0 {
					id = ids[r.IntN(len(ids))]
				} else {
					id = ID{uint64(r.IntN(100)), 0}
				}
				want = c.do("XDEL", "s", id.String())
				if s.Delete(id) {
					got = int64(1)
				} else {
					got = int64(0)
				}
				desc = "XDEL " + id.String()
			default:
				var a trimArgs
				args := []string{"XTRIM", "s"}
				a.approx = r.IntN(2) == 0
				if r.IntN(2) == 0 {
					a.byLen = true
					a.maxLen = uint64(r.IntN(60))
					args = append(args, "MAXLEN")
				} else {
					args = append(args, "MINID")
					if len(ids) > 0 {
						a.minID = ids[r.IntN(len(ids))]
						if r.IntN(3) == 0 {
							a.minID.Seq++
						}
					}
				}
				if a.approx {
					args = append(args, "~")
				}
				if a.byLen {
					args = append(args, strconv.FormatUint(a.maxLen, 10))
				} else {
					args = append(args, a.minID.String())
				}
				if a.approx {
					if r.IntN(2) == 0 {
						a.limit = int64(r.IntN(30))
						args = append(args, "LIMIT", strconv.FormatInt(a.limit, 10))
					} else {
						a.limit = s.cfg.ApproxTrimLimit()
					}
				}
				want = c.do(args...)
				got = s.trim(a)
				desc = fmt.Sprint(args)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d step %d %s: got %v, redis %v", round, step, desc, got, want)
			}
			if err := s.Check(); err != nil {
				t.Fatalf("round %d step %d %s: %v", round, step, desc, err)
			}
			info := c.do("XINFO", "STREAM", "s")
			if _, isErr := info.(error); isErr {
				continue
			}
			m := infoMap(info)
			fid, _, ok := s.First()
			fs := "nil"
			if ok {
				fs = fid.String()
			}
			lid, _, ok := s.Last()
			ls := "nil"
			if ok {
				ls = lid.String()
			}
			mine := fmt.Sprintln(int64(s.Len()), int64(s.Nodes()), int64(s.RadixNodes()), s.LastID(), s.MaxDeletedID(), int64(s.EntriesAdded()), s.FirstID(), fs, ls)
			theirs := fmt.Sprintln(m["length"], m["radix-tree-keys"], m["radix-tree-nodes"], m["last-generated-id"], m["max-deleted-entry-id"], m["entries-added"], m["recorded-first-entry-id"], entryID(m["first-entry"]), entryID(m["last-entry"]))
			compared++
			if s.Nodes() > maxNodes {
				maxNodes = s.Nodes()
			}
			if s.Len() == 0 && s.Nodes() > 0 {
				emptyNodes++
			}
			if mine != theirs {
				t.Fatalf("round %d step %d after %s (cfg %d/%d):\n mine  %s\n redis %s", round, step, desc, ents, byts, mine, theirs)
			}
			if step%25 == 0 {
				rr := c.do("XRANGE", "s", "-", "+").([]any)
				var mineIDs []string
				s.Range(Min, Max, 0, func(id ID, f [][]byte) bool {
					mineIDs = append(mineIDs, id.String()+fmt.Sprint(len(f)))
					return true
				})
				var theirIDs []string
				for _, e := range rr {
					theirIDs = append(theirIDs, e.([]any)[0].(string)+fmt.Sprint(len(e.([]any)[1].([]any))))
				}
				if fmt.Sprint(mineIDs) != fmt.Sprint(theirIDs) {
					t.Fatalf("XRANGE differs:\n mine  %v\n redis %v", mineIDs, theirIDs)
				}
			}
		}
	}
}
