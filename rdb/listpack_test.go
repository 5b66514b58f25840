package rdb

import (
	"bytes"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// TestListpackElements writes one element of each encoding and reads it
// back, checking the encoding byte Redis would choose.
func TestListpackElements(t *testing.T) {
	cases := []struct {
		in    string
		first byte // the encoding byte (its type bits for strings)
		isInt bool
	}{
		{"0", 0x00, true},
		{"127", 0x7f, true},
		{"128", 0xc0, true},
		{"-1", 0xdf, true},
		{"4095", 0xcf, true},
		{"-4096", 0xd0, true},
		{"4096", 0xf1, true},
		{"-32768", 0xf1, true},
		{"32768", 0xf2, true},
		{"-8388608", 0xf2, true},
		{"8388608", 0xf3, true},
		{"-2147483648", 0xf3, true},
		{"2147483648", 0xf4, true},
		{"9223372036854775807", 0xf4, true},
		{"-9223372036854775808", 0xf4, true},
		{"9223372036854775808", 0x80 | 19, false},
		{"-0", 0x82, false},
		{"007", 0x83, false},
		{"+1", 0x82, false},
		{"", 0x80, false},
		{strings.Repeat("a", 63), 0x80 | 63, false},
		{strings.Repeat("a", 64), 0xe0, false},
		{strings.Repeat("a", 4095), 0xef, false},
		{strings.Repeat("a", 4096), 0xf0, false},
		{strings.Repeat("a", 70000), 0xf0, false},
	}
	for _, c := range cases {
		t.Run(strconv.Itoa(len(c.in))+":"+c.in[:min(len(c.in), 12)], func(t *testing.T) {
			w := newLPWriter()
			w.str([]byte(c.in))
			w.int(-5)
			lp := w.finish()
			if lp[lpHeaderSize] != c.first {
				t.Fatalf("encoding byte %#x, want %#x", lp[lpHeaderSize], c.first)
			}
			r, err := openLP(lp)
			if err != nil {
				t.Fatal(err)
			}
			s, _, isInt, err := r.next()
			if err != nil || isInt != c.isInt {
				t.Fatalf("next: %v, isInt %v", err, isInt)
			}
			r.p = lpHeaderSize
			r.n = 0
			got, err := r.str()
			if err != nil || string(got) != c.in {
				t.Fatalf("str %q %v (raw %q)", got, err, s)
			}
			if v, err := r.int(); err != nil || v != -5 {
				t.Fatalf("int %d %v", v, err)
			}
			if err := r.close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestListpackRefuses(t *testing.T) {
	w := newLPWriter()
	w.str([]byte("hello"))
	good := w.finish()
	bad := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := []struct {
		name string
		lp   []byte
	}{
		{"empty", nil},
		{"header-size", bad(func(b []byte) []byte { b[0]++; return b })},
		{"no-terminator", bad(func(b []byte) []byte { b[len(b)-1] = 0; return b })},
		{"count", bad(func(b []byte) []byte { b[4] = 2; return b })},
		{"backlen", bad(func(b []byte) []byte { b[len(b)-2]++; return b })},
		{"string-overrun", bad(func(b []byte) []byte { b[lpHeaderSize] = 0x80 | 40; return b })},
		{"bad-encoding", bad(func(b []byte) []byte { b[lpHeaderSize] = 0xf5; return b })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := openLP(c.lp)
			if err == nil {
				_, err = r.str()
				if err == nil {
					err = r.close()
				}
			}
			if err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestLZF(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		n    int
		want string
		ok   bool
	}{
		{"literal", []byte{2, 'a', 'b', 'c'}, 3, "abc", true},
		{"backref", []byte{0, 'a', 0xe0, 3, 0}, 13, "aaaaaaaaaaaaa", true},
		{"short-ref", []byte{1, 'a', 'b', 0x20, 1}, 5, "ababa", true},
		{"ref-before-start", []byte{0, 'a', 0x20, 5}, 4, "", false},
		{"too-long", []byte{2, 'a', 'b', 'c'}, 2, "", false},
		{"too-short", []byte{2, 'a', 'b', 'c'}, 4, "", false},
		{"cut-literal", []byte{5, 'a'}, 6, "", false},
		{"cut-ref", []byte{0, 'a', 0xe0}, 11, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := lzfDecompress(c.in, c.n)
			if (err == nil) != c.ok || (c.ok && string(got) != c.want) {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}

// TestLZFRoundTrip compresses inputs of every kind and checks that
// lzfDecompress gives them back, and that the result is used only when it
// saves more than 4 bytes (Redis's rule).
func TestLZFRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	random := func(n int) []byte {
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	repeat := func(s string, n int) []byte { return []byte(strings.Repeat(s, n)) }
	mixed := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			if rng.Intn(4) == 0 {
				b[i] = byte(rng.Intn(256))
			} else {
				b[i] = "abcabcab"[i%8]
			}
		}
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"short", []byte("abcd")},
		{"21 same", repeat("x", 21)},
		{"random 100", random(100)},
		{"random 20000", random(20000)},
		{"one byte 1e6", repeat("v", 1_000_000)},
		{"period 3", repeat("abc", 10000)},
		{"repeat at 8191", func() []byte { r := random(8191); return append(append([]byte{}, r...), r...) }()},
		{"repeat at 9000", func() []byte { r := random(9000); return append(append([]byte{}, r...), r...) }()},
		{"repeat at 8192", func() []byte { r := random(8192); return append(append([]byte{}, r...), r...) }()},
		{"mixed 50000", mixed(50000)},
		{"listpack-like", repeat("\x05field\x06\x0bvalue-00001\x0c", 2000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := lzfCompress(tc.in)
			if c == nil {
				if len(tc.in) > 32 && !strings.HasPrefix(tc.name, "random") && tc.name != "repeat at 9000" {
					t.Fatalf("%d compressible bytes not compressed", len(tc.in))
				}
				return
			}
			if len(c) > len(tc.in)-4 {
				t.Fatalf("compressed %d bytes to %d: more than len-4", len(tc.in), len(c))
			}
			got, err := lzfDecompress(c, len(tc.in))
			if err != nil || !bytes.Equal(got, tc.in) {
				t.Fatalf("round trip of %d bytes (compressed %d): err %v, equal %v", len(tc.in), len(c), err, bytes.Equal(got, tc.in))
			}
		})
	}
}
