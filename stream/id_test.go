package stream

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
)

const maxU = ^uint64(0)

// The expectations below were checked against redis-server (XADD with the
// text as the ID, or as the sequence after "5-").

func TestParseUint(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"123", 123, true},
		{"00", 0, true},  // leading zeros: strtoull accepts them
		{"007", 7, true}, //
		{"+5", 5, true},  // a plus sign
		{" 5", 5, true},  // leading white space
		{"\t\n\v\f\r 5", 5, true},
		{"+0", 0, true},
		{"-0", 0, true},                    // not canonical, so strtoull: 0
		{"-05", maxU - 4, true},            // strtoull negates and wraps
		{"-18446744073709551615", 1, true}, // magnitude fits: wraps to 1
		{"-9223372036854775809", 1<<63 - 1, true},
		{"9223372036854775807", 1<<63 - 1, true},
		{"9223372036854775808", 1 << 63, true}, // past int64: strtoull path
		{"18446744073709551615", maxU, true},
		{"018446744073709551615", maxU, true}, // 21 bytes, leading zero
		{"18446744073709551616", 0, false},    // overflow
		{"99999999999999999999", 0, false},
		{"-99999999999999999999", 0, false}, // negative overflow
		{"-5", 0, false},                    // canonical negative
		{"-9223372036854775808", 0, false},  // canonical negative (int64 min)
		{"", 0, false},
		{" ", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"+-5", 0, false},
		{"- 5", 0, false}, // space after the sign
		{"5 ", 0, false},  // trailing space
		{"5a", 0, false},
		{"0x10", 0, false},
		{"1e3", 0, false},
		{"1.0", 0, false},
		{"٣", 0, false}, // a non-ASCII digit
	}
	for _, c := range cases {
		got, ok := ParseUint([]byte(c.in))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseUint(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseID(t *testing.T) {
	long := func(n int, tail string) string { return strings.Repeat("0", n-len(tail)) + tail }
	cases := []struct {
		in         string
		missingSeq uint64
		want       ID
		ok         bool
	}{
		{"5", 0, ID{5, 0}, true},
		{"5", maxU, ID{5, maxU}, true}, // range end: missing seq is the max
		{"5-3", maxU, ID{5, 3}, true},
		{"0-0", 0, ID{0, 0}, true}, // valid syntax; commands reject it where Redis does
		{"18446744073709551615-18446744073709551615", 0, Max, true},
		{"5--05", 0, ID{5, maxU - 4}, true}, // only the first dash splits
		{"6-+3", 0, ID{6, 3}, true},
		{" 7-3", 0, ID{7, 3}, true},
		{"8-00", 0, ID{8, 0}, true},
		{"9--0", 0, ID{9, 0}, true},
		{"13- 4", 0, ID{13, 4}, true},
		{"14-4 ", 0, ID{}, false},
		{"12--9223372036854775808", 0, ID{}, false},
		{"5-*", 0, ID{}, false}, // only ParseStrictID takes ms-*
		{"-", 0, ID{}, false},
		{"+", 0, ID{}, false},
		{"$", 0, ID{}, false},
		{">", 0, ID{}, false},
		{"*", 0, ID{}, false},
		{"(5", 0, ID{}, false},
		{"", 0, ID{}, false},
		{"5-", 0, ID{}, false},
		{"-5", 0, ID{}, false},
		{"5-3-1", 0, ID{}, false},
		{"18446744073709551616-0", 0, ID{}, false},
		{"0-18446744073709551616", 0, ID{}, false},
		// Redis reads the ID as a C string: a NUL ends it.
		{"99\x00xy", 0, ID{99, 0}, true},
		{"102-5\x00-", 0, ID{102, 5}, true},
		{"\x00100", 0, ID{}, false},
		{"101-\x00", 0, ID{}, false},
		// At most 127 bytes, counting any after a NUL.
		{long(127, "200"), 0, ID{200, 0}, true},
		{long(127, "1-1"), 0, ID{1, 1}, true},
		{long(128, "200"), 0, ID{}, false},
		{long(128, "300\x00"), 0, ID{}, false},
		{"400\x00" + strings.Repeat("0", 124), 0, ID{}, false},
		{"400\x00" + strings.Repeat("0", 123), 0, ID{400, 0}, true},
	}
	for _, c := range cases {
		got, ok := ParseID([]byte(c.in), c.missingSeq)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseID(%q, %d) = %v, %v; want %v, %v", c.in, c.missingSeq, got, ok, c.want, c.ok)
		}
	}
}

func TestParseStrictID(t *testing.T) {
	cases := []struct {
		in      string
		want    ID
		seqAuto bool
		ok      bool
	}{
		{"5-*", ID{5, 0}, true, true},
		{"0-*", ID{0, 0}, true, true},
		{"18446744073709551615-*", ID{maxU, 0}, true, true},
		{"5", ID{5, 0}, false, true}, // missing seq is 0
		{"5-3", ID{5, 3}, false, true},
		{"100-*\x00zz", ID{100, 0}, true, true},
		{"5-**", ID{}, false, false},
		{"5-*1", ID{}, false, false},
		{"*-5", ID{}, false, false},
		{"*", ID{}, false, false}, // the command layer's
		{"-*", ID{}, false, false},
		{"5- *", ID{}, false, false},
	}
	for _, c := range cases {
		got, auto, ok := ParseStrictID([]byte(c.in))
		if ok != c.ok || (ok && (got != c.want || auto != c.seqAuto)) {
			t.Errorf("ParseStrictID(%q) = %v, %v, %v; want %v, %v, %v", c.in, got, auto, ok, c.want, c.seqAuto, c.ok)
		}
	}
}

func TestIDOrderAndSteps(t *testing.T) {
	ordered := []ID{{0, 0}, {0, 1}, {0, maxU}, {1, 0}, {1, 1}, {maxU, 0}, {maxU, maxU - 1}, Max}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d", a, b, got)
			}
			if a.Less(b) != (want < 0) {
				t.Errorf("%v.Less(%v) wrong", a, b)
			}
			ka, kb := a.Bytes(), b.Bytes()
			if bytes.Compare(ka[:], kb[:]) != want {
				t.Errorf("encoding order of %v and %v differs from ID order", a, b)
			}
		}
		if enc := a.Bytes(); DecodeID(enc[:]) != a {
			t.Errorf("%v does not survive encoding", a)
		}
		if i+1 < len(ordered) && ordered[i+1] == (ID{a.Ms, a.Seq + 1}) {
			if n, ok := a.Next(); !ok || n != ordered[i+1] {
				t.Errorf("%v.Next() = %v %v", a, n, ok)
			}
		}
	}
	steps := []struct {
		id, next, prev ID
		nextOK, prevOK bool
	}{
		{ID{0, 0}, ID{0, 1}, ID{0, 0}, true, false},
		{ID{0, maxU}, ID{1, 0}, ID{0, maxU - 1}, true, true},
		{ID{1, 0}, ID{1, 1}, ID{0, maxU}, true, true},
		{Max, Max, ID{maxU, maxU - 1}, false, true},
	}
	for _, s := range steps {
		if n, ok := s.id.Next(); ok != s.nextOK || (ok && n != s.next) {
			t.Errorf("%v.Next() = %v %v", s.id, n, ok)
		}
		if p, ok := s.id.Prev(); ok != s.prevOK || (ok && p != s.prev) {
			t.Errorf("%v.Prev() = %v %v", s.id, p, ok)
		}
	}
	if got := (ID{1526919030474, 55}).String(); got != "1526919030474-55" {
		t.Errorf("String %q", got)
	}
	if got := string(Max.Append([]byte("id:"))); got != "id:18446744073709551615-18446744073709551615" {
		t.Errorf("Append %q", got)
	}
}

// refParseUint is an independent model of Redis's string2ull, written from
// its definition with big integers: string2ll first (canonical, int64,
// negatives refused), else strtoull (space, sign, digits, no overflow,
// negation modulo 2^64, nothing left over).
func refParseUint(s string) (uint64, bool) {
	if canonical(s) {
		v, _ := new(big.Int).SetString(s, 10)
		if v.IsInt64() {
			if v.Sign() < 0 {
				return 0, false
			}
			return v.Uint64(), true
		}
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	v, _ := new(big.Int).SetString(s, 10)
	if v.BitLen() > 64 {
		return 0, false
	}
	if neg {
		v.Neg(v)
		v.Mod(v, new(big.Int).Lsh(big.NewInt(1), 64))
	}
	return v.Uint64(), true
}

// canonical: "0", or an optional '-' then a digit 1-9 then digits, at most
// 20 bytes.
func canonical(s string) bool {
	if s == "0" {
		return true
	}
	t := strings.TrimPrefix(s, "-")
	return len(s) <= 20 && t != "" && t[0] >= '1' && t[0] <= '9' && strings.Trim(t, "0123456789") == ""
}

// refParseID models streamGenericParseIDOrReply on top of refParseUint.
func refParseID(b []byte, missingSeq uint64, strict bool) (ID, bool, bool) {
	if len(b) > 127 {
		return ID{}, false, false
	}
	s := string(b)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	msPart, seqPart, dashed := strings.Cut(s, "-")
	ms, ok := refParseUint(msPart)
	if !ok {
		return ID{}, false, false
	}
	if !dashed {
		return ID{ms, missingSeq}, false, true
	}
	if strict && seqPart == "*" {
		return ID{ms, 0}, true, true
	}
	seq, ok := refParseUint(seqPart)
	return ID{ms, seq}, false, ok
}

// FuzzParseID compares the parsers with the reference model and checks
// that every accepted ID formats back to text that parses to itself. The
// seed corpus is in testdata/fuzz/FuzzParseID.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"0", "5-3", "5-*", "-05", "+1-+1", " 1- 2", "18446744073709551615-18446744073709551615", "1\x002", "-", "+", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := ParseUint(b); true {
			rv, rok := refParseUint(string(b))
			if ok != rok || (ok && v != rv) {
				t.Fatalf("ParseUint(%q) = %d %v, model %d %v", b, v, ok, rv, rok)
			}
		}
		id, ok := ParseID(b, 7)
		rid, _, rok := refParseID(b, 7, false)
		if ok != rok || (ok && id != rid) {
			t.Fatalf("ParseID(%q) = %v %v, model %v %v", b, id, ok, rid, rok)
		}
		sid, auto, sok := ParseStrictID(b)
		rsid, rauto, rsok := refParseID(b, 0, true)
		if sok != rsok || (sok && (sid != rsid || auto != rauto)) {
			t.Fatalf("ParseStrictID(%q) = %v %v %v, model %v %v %v", b, sid, auto, sok, rsid, rauto, rsok)
		}
		if ok {
			back, ok2 := ParseID([]byte(id.String()), 0)
			if !ok2 || back != id {
				t.Fatalf("%q parsed to %v, whose text %q parses to %v %v", b, id, id.String(), back, ok2)
			}
		}
	})
}
