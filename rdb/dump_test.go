package rdb

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// redis70Payload is DUMP from redis-server 7.0.15 of a stream made by:
//
//	XADD s 1-1 qty 9 / XADD s 1-2 qty 200 / XADD s 5-0 name bob n -5
//	XDEL s 1-2 / XGROUP CREATE s g 0
//	XREADGROUP GROUP g c COUNT 1 STREAMS s > / XGROUP CREATECONSUMER s g idle
const redis70Payload = "13 01 10 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 40 45 45 00 00 00 18 00 02 01 01 01 01 01 83 71 74 79 04 00 01 02 01 00 01 00 01 09 01 04 01 03 01 00 01 01 01 c0 c8 02 04 01 00 01 04 01 df ff 02 02 01 84 6e 61 6d 65 05 83 62 6f 62 04 81 6e 02 df fb 02 08 01 ff 02 05 00 01 01 01 02 03 01 01 67 01 01 81 ff ff ff ff ff ff ff ff 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 4b 34 72 40 a2 01 00 00 01 02 01 63 4b 34 72 40 a2 01 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 04 69 64 6c 65 4e 34 72 40 a2 01 00 00 00 0a 00 4c 17 d7 7d 2b d3 56 a6"

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// describe renders a decoded value: nodes with tombstones, metadata, and
// every group, consumer and pending record.
func describe(v Value) string {
	var b strings.Builder
	s := v.Stream
	s.EachNode(func(n *stream.NodeInfo) bool {
		fmt.Fprintf(&b, "node %v %q:", n.Master, n.Names)
		for _, e := range n.Entries {
			fmt.Fprintf(&b, " %v del=%v %q", e.ID, e.Deleted, e.Fields)
		}
		b.WriteString("\n")
		return true
	})
	fmt.Fprintf(&b, "len=%d last=%v first=%v maxdel=%v added=%d\n", s.Len(), s.LastID(), s.FirstID(), s.MaxDeletedID(), s.EntriesAdded())
	if v.Groups != nil {
		for g := range v.Groups.All() {
			fmt.Fprintf(&b, "group %s %v %d\n", g.Name(), g.LastID, g.EntriesRead)
			for c := range g.Consumers() {
				fmt.Fprintf(&b, " consumer %s seen=%d active=%d:", c.Name(), c.SeenTime(), c.ActiveTime())
				cur := c.Seek(stream.Min)
				for p, ok := cur.Next(); ok; p, ok = cur.Next() {
					fmt.Fprintf(&b, " %v/%d/%d", p.ID(), p.DeliveryTime(), p.DeliveryCount())
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func TestDecodeRedis70(t *testing.T) {
	v, err := Decode(unhex(t, redis70Payload), stream.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	want := `node 1-1 ["qty"]: 1-1 del=false ["qty" "9"] 1-2 del=true ["qty" "200"] 5-0 del=false ["name" "bob" "n" "-5"]
len=2 last=5-0 first=1-1 maxdel=1-2 added=3
group g 1-1 -1
 consumer c seen=1796377556043 active=1796377556043: 1-1/1796377556043/1
 consumer idle seen=1796377556046 active=1796377556046:
`
	if got := describe(v); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// Encoding it again gives Redis's bytes back: same node, same order.
	if got := hex.EncodeToString(Encode(v.Stream, v.Groups)); got != strings.ReplaceAll(redis70Payload, " ", "") {
		t.Fatalf("re-encoded\n%s\nwant\n%s", got, strings.ReplaceAll(redis70Payload, " ", ""))
	}
}

func TestVerify(t *testing.T) {
	good := unhex(t, redis70Payload)
	withVersion := func(v uint16) []byte { return sign(good[:len(good)-10], v) }
	flipped := append([]byte(nil), good...)
	flipped[5] ^= 1
	cases := []struct {
		name string
		p    []byte
		want error
	}{
		{"good", good, nil},
		{"empty", nil, ErrVersionOrChecksum},
		{"short", good[:9], ErrVersionOrChecksum},
		{"flipped-bit", flipped, ErrVersionOrChecksum},
		{"version-12", withVersion(12), nil},
		{"version-13", withVersion(13), ErrVersionOrChecksum},
		{"version-1", withVersion(1), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify(c.p); err != c.want {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
		})
	}
}

// sign wraps a value body in a payload with a correct footer.
func sign(body []byte, version uint16) []byte {
	return AppendFooter(append([]byte(nil), body...), version)
}

func TestDecodeRefuses(t *testing.T) {
	good := unhex(t, redis70Payload)
	body := good[:len(good)-10]
	cases := []struct {
		name string
		body []byte
	}{
		{"string-type", []byte{0, 1, 'x'}},
		{"hash-type", []byte{16, 0}},
		{"unknown-type", []byte{200}},
		{"nothing", nil},
		{"truncated", body[:len(body)/2]},
		{"no-groups-count", body[:strings.Index(string(body), "\x01\x01g")]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(sign(c.body, 10), stream.DefaultConfig)
			if !errors.Is(err, ErrBadFormat) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// FuzzDecode checks that no payload makes Decode panic, and that what it
// accepts encodes and decodes to the same value.
func FuzzDecode(f *testing.F) {
	f.Add(unhex(f, redis70Payload))
	good := unhex(f, redis70Payload)
	f.Add(good[:len(good)-10])
	f.Fuzz(func(t *testing.T, p []byte) {
		for _, payload := range [][]byte{p, sign(p, 10)} {
			v, err := Decode(payload, stream.DefaultConfig)
			if err != nil {
				if !errors.Is(err, ErrBadFormat) && !errors.Is(err, ErrVersionOrChecksum) {
					t.Fatalf("error %v", err)
				}
				continue
			}
			if err := v.Stream.Check(); err != nil {
				t.Fatalf("decoded stream: %v", err)
			}
			if v.Groups != nil {
				if err := v.Groups.Check(); err != nil {
					t.Fatalf("decoded groups: %v", err)
				}
			}
			again, err := Decode(Encode(v.Stream, v.Groups), stream.DefaultConfig)
			if err != nil || describe(again) != describe(v) {
				t.Fatalf("round trip: %v\n%s\n%s", err, describe(v), describe(again))
			}
		}
	})
}

// TestDecodeType21 reads the Redis 7.2+ encoding, whose consumers carry an
// active time after their seen time: the 7.0 payload above with the type
// byte changed and an active time inserted for each consumer.
func TestDecodeType21(t *testing.T) {
	p := strings.ReplaceAll(redis70Payload, " ", "")
	body := p[:len(p)-20]
	seenC := "4b347240a2010000"
	seenIdle := "4e347240a2010000"
	body = "15" + body[2:]
	body = strings.Replace(body, "0163"+seenC, "0163"+seenC+"0100000000000000", 1)                   // c: active at 1 ms
	body = strings.Replace(body, "0469646c65"+seenIdle, "0469646c65"+seenIdle+"ffffffffffffffff", 1) // idle: never (-1)
	v, err := Decode(sign(unhex(t, body), 11), stream.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	want := "consumer c seen=1796377556043 active=1\n consumer idle seen=1796377556046 active=-1:"
	if got := describe(v); !strings.Contains(strings.ReplaceAll(got, ": 1-1/1796377556043/1", ""), want) {
		t.Fatalf("got\n%s", got)
	}
	// Written back, the active times are gone (type 19 has none).
	if Encode(v.Stream, v.Groups)[0] != TypeStreamListpacks2 {
		t.Fatal("Encode does not write type 19")
	}
}
