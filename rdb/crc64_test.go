package rdb

import "testing"

func TestCRC64(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
	}{
		{"", 0},
		{"123456789", 0xe9c6d914c4b8d9ca}, // crc64.c's own test vector
	}
	for _, c := range cases {
		if got := crc64Redis(0, []byte(c.in)); got != c.want {
			t.Errorf("crc64Redis(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

// TestCRC64LongInputs checks the table-driven update against Redis's
// definition, a byte at a time, on inputs long enough for hash/crc64's
// slicing path, and in pieces (crc64Redis(crc64Redis(0, a), b)).
func TestCRC64LongInputs(t *testing.T) {
	var ref [256]uint64
	for i := range ref {
		c := uint64(i)
		for k := 0; k < 8; k++ {
			if c&1 != 0 {
				c = c>>1 ^ 0x95ac9329ac4bc9b5
			} else {
				c >>= 1
			}
		}
		ref[i] = c
	}
	bytewise := func(crc uint64, p []byte) uint64 {
		for _, b := range p {
			crc = ref[byte(crc)^b] ^ crc>>8
		}
		return crc
	}
	p := make([]byte, 100_003)
	for i := range p {
		p[i] = byte(i*7 + i>>8)
	}
	for _, n := range []int{1, 15, 16, 17, 64, 1000, len(p)} {
		if got, want := crc64Redis(0, p[:n]), bytewise(0, p[:n]); got != want {
			t.Errorf("crc64Redis of %d bytes = %#x, want %#x", n, got, want)
		}
	}
	if got, want := crc64Redis(crc64Redis(0, p[:333]), p[333:]), bytewise(0, p); got != want {
		t.Errorf("in two pieces: %#x, want %#x", got, want)
	}
}
