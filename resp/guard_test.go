package resp

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func caseLimits(c guardCase) Limits {
	l := DefaultLimits()
	l.AuthRequired = c.auth
	return l
}

// splits returns several ways of cutting in into read chunks: whole, byte
// by byte (for short inputs), and random cuts.
func splits(in []byte, seed uint64) [][][]byte {
	out := [][][]byte{{append([]byte(nil), in...)}}
	if len(in) <= 4096 {
		var one [][]byte
		for i := range in {
			one = append(one, in[i:i+1:i+1])
		}
		out = append(out, one)
	}
	r := rand.New(rand.NewPCG(seed, uint64(len(in))))
	for k := 0; k < 4; k++ {
		var ch [][]byte
		for rest := in; len(rest) > 0; {
			n := 1 + r.IntN(min(len(rest), 1+r.IntN(9000)))
			ch = append(ch, append([]byte(nil), rest[:n]...))
			rest = rest[n:]
		}
		out = append(out, ch)
	}
	return out
}

func norm(o outcome) outcome {
	if len(o.Cmds) == 0 {
		o.Cmds = nil
	}
	return o
}

func TestGuardCases(t *testing.T) {
	for _, c := range guardCases {
		t.Run(c.name, func(t *testing.T) {
			lim := caseLimits(c)
			want := norm(c.want)
			if got := norm(refParse([]byte(c.in), lim)); !reflect.DeepEqual(got, want) {
				t.Fatalf("reference model: got %v, want %v", got, want)
			}
			for i, ch := range splits([]byte(c.in), 1) {
				for _, sizes := range [][]int{nil, {1, 7, 64, 3}, {4096, 100}} {
					got, wire := runGuard(t, ch, lim, sizes)
					if got = norm(got); !reflect.DeepEqual(got, want) {
						t.Fatalf("split %d sizes %v: got %v, want %v", i, sizes, got, want)
					}
					checkWire(t, got, wire)
				}
			}
		})
	}
}

// checkWire checks what the guard let reach the client: one reply per
// command then the error reply, or for a silent close a prefix of the
// replies and nothing else.
func checkWire(t *testing.T, o outcome, wire []byte) {
	t.Helper()
	replies := ""
	for range o.Cmds {
		replies += "+OK\r\n"
	}
	switch o.End {
	case endEOF, endQuit:
		if string(wire) != replies {
			t.Fatalf("wire %q, want %q", clip(string(wire)), clip(replies))
		}
	case endClose:
		if len(wire) > len(replies) || string(wire) != replies[:len(wire)] {
			t.Fatalf("wire %q is not a prefix of %q", clip(string(wire)), clip(replies))
		}
	default:
		if want := replies + "-" + o.End + "\r\n"; string(wire) != want {
			t.Fatalf("wire %q, want %q", clip(string(wire)), clip(want))
		}
	}
}
