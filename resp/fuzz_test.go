package resp

import (
	"reflect"
	"testing"
)

// fuzzLimits derives limits from two fuzz inputs. Small line limits let
// short inputs reach the "too big" paths.
func fuzzLimits(inlineMax uint16, flags uint8) Limits {
	l := DefaultLimits()
	l.AuthRequired = flags&1 != 0
	if flags&2 != 0 {
		l.MaxBulkLen = 10
	}
	if flags&4 != 0 {
		l.MaxMultibulk = 5
	}
	if flags&8 == 0 {
		l.MaxInline = 16 + int(inlineMax%512)
	}
	return l
}

// cutBy cuts data into chunks whose sizes cycle through cuts (each plus 1).
func cutBy(data, cuts []byte) [][]byte {
	if len(cuts) == 0 {
		cuts = []byte{0}
	}
	var out [][]byte
	for i := 0; len(data) > 0; i++ {
		n := min(len(data), int(cuts[i%len(cuts)])+1)
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

func readSizes(cuts []byte) []int {
	var s []int
	for _, c := range cuts {
		s = append(s, int(c)%300+1)
	}
	if len(s) == 0 {
		s = []int{1}
	}
	return s
}

// FuzzGuard feeds arbitrary streams, cut into arbitrary reads, through the
// guard and redcon's reader. It checks that nothing panics, that redcon
// never refuses what the guard lets through, and that the commands run and
// the verdict are those of the reference model whatever the cuts.
func FuzzGuard(f *testing.F) {
	for _, c := range guardCases {
		if len(c.in) < 4096 {
			var flags uint8 = 8
			if c.auth {
				flags |= 1
			}
			f.Add([]byte(c.in), []byte{2, 200, 0, 17}, uint16(0), flags)
		}
	}
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"), []byte{5}, uint16(3), uint8(2))
	f.Add([]byte("*9\r\n$1\r\na\r\n"), []byte{1}, uint16(0), uint8(4))
	f.Add([]byte("PING x\r\n\"a b\" 'c'\r\n"), []byte{0}, uint16(1), uint8(0))
	f.Fuzz(func(t *testing.T, data, cuts []byte, inlineMax uint16, flags uint8) {
		if len(data) > 8<<10 {
			data = data[:8<<10] // the small line limits reach every path
		}
		lim := fuzzLimits(inlineMax, flags)
		want := norm(refParse(data, lim))
		chunkings := [][][]byte{{data}, cutBy(data, cuts)}
		if len(data) <= 512 {
			chunkings = append(chunkings, cutBy(data, nil))
		}
		for i, ch := range chunkings {
			for _, sizes := range [][]int{nil, readSizes(cuts)} {
				got, wire := runGuard(t, ch, lim, sizes)
				if got = norm(got); !reflect.DeepEqual(got, want) {
					t.Fatalf("chunking %d, read sizes %v: got %v, want %v", i, sizes, got, want)
				}
				checkWire(t, got, wire)
			}
		}
	})
}
