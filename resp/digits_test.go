package resp

import (
	"bytes"
	"testing"
)

// headerInputs returns every string of up to n bytes over the alphabet that
// decides a header line's fate (digits, sign, terminators, NUL, other).
func headerInputs(n int) [][]byte {
	alphabet := []byte{'0', '1', '7', '9', '-', '\r', '\n', 0, 'x'}
	out := [][]byte{{}}
	level := [][]byte{{}}
	for range n {
		var next [][]byte
		for _, p := range level {
			for _, c := range alphabet {
				next = append(next, append(append([]byte(nil), p...), c))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

// TestParseLineShortcut checks parseLine against its general loop on every
// short input, at every start position.
func TestParseLineShortcut(t *testing.T) {
	for _, in := range headerInputs(5) {
		for i := 0; i <= len(in); i++ {
			v, q, ok := parseLine(in, i)
			rv, rq, rok := parseLineLoop(in, i)
			if v != rv || q != rq || ok != rok {
				t.Fatalf("parseLine(%q, %d) = %d, %d, %v; the general loop says %d, %d, %v", in, i, v, q, ok, rv, rq, rok)
			}
		}
	}
}

// TestQuickHeaderShortcut checks quickHeader against its general loop on
// every short header, with tight and default line limits, including the
// bytes it rewrites.
func TestQuickHeaderShortcut(t *testing.T) {
	for _, body := range headerInputs(5) {
		for _, first := range []byte{'*', '$'} {
			for _, maxInline := range []int{1, 2, 3, DefaultMaxInline} {
				in := append([]byte{first}, body...)
				a, b := bytes.Clone(in), bytes.Clone(in)
				v, ok, next, whole := quickHeader(a, 0, maxInline)
				rv, rok, rnext, rwhole := quickHeaderLoop(b, 0, maxInline)
				if v != rv || ok != rok || next != rnext || whole != rwhole || !bytes.Equal(a, b) {
					t.Fatalf("quickHeader(%q, max %d) = %d, %v, %d, %v leaving %q; the general loop says %d, %v, %d, %v leaving %q",
						in, maxInline, v, ok, next, whole, a, rv, rok, rnext, rwhole, b)
				}
			}
		}
	}
}
