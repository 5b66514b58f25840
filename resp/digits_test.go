package resp

import (
	"bytes"
	"testing"
)

// refParseLine is parseLine without its one-digit shortcut: the general
// loop alone, as the reference the shortcut must agree with.
func refParseLine(b []byte, i int) (v int64, q int, ok bool) {
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	digits := 0
	for ; i < len(b); i++ {
		ch := b[i]
		if ch == '\r' {
			if i+1 >= len(b) {
				return 0, 0, false
			}
			if b[i+1] != '\n' || digits == 0 {
				return 0, -1, false
			}
			if neg {
				v = -v
			}
			return v, i + 2, true
		}
		if ch < '0' || ch > '9' || digits >= 18 {
			return 0, -1, false
		}
		v = v*10 + int64(ch-'0')
		digits++
	}
	return 0, 0, false
}

// refQuickHeader is quickHeader without its one-digit shortcut.
func refQuickHeader(buf []byte, i, maxInline int) (v int64, ok bool, next int, whole bool) {
	end := min(len(buf)-1, i+2+maxNumLen, i+1+maxInline)
	for j := i + 1; j < end; j++ {
		switch buf[j] {
		case '\r':
			buf[j+1] = '\n'
			v, ok = string2ll(buf[i+1 : j])
			return v, ok, j + 2, true
		case 0:
			return 0, false, 0, false
		}
	}
	return 0, false, 0, false
}

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
			rv, rq, rok := refParseLine(in, i)
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
				rv, rok, rnext, rwhole := refQuickHeader(b, 0, maxInline)
				if v != rv || ok != rok || next != rnext || whole != rwhole || !bytes.Equal(a, b) {
					t.Fatalf("quickHeader(%q, max %d) = %d, %v, %d, %v leaving %q; the general loop says %d, %v, %d, %v leaving %q",
						in, maxInline, v, ok, next, whole, a, rv, rok, rnext, rwhole, b)
				}
			}
		}
	}
}
