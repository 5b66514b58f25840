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
		if got := crc64(0, []byte(c.in)); got != c.want {
			t.Errorf("crc64(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}
