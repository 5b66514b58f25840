package radix

import "math/bits"

// bitmap records which of the 256 possible key bytes a node48 or node256 has
// a child for, so ordered scans skip empty ranges a word at a time.
type bitmap [4]uint64

func (m *bitmap) set(b byte)   { m[b>>6] |= 1 << (b & 63) }
func (m *bitmap) clear(b byte) { m[b>>6] &^= 1 << (b & 63) }

// nextFrom returns the smallest set byte >= from, or -1.
func (m *bitmap) nextFrom(from int) int {
	if from > 255 {
		return -1
	}
	w := from >> 6
	word := m[w] &^ (1<<(uint(from)&63) - 1)
	for {
		if word != 0 {
			return w<<6 | bits.TrailingZeros64(word)
		}
		w++
		if w == 4 {
			return -1
		}
		word = m[w]
	}
}

// prevFrom returns the largest set byte <= from, or -1.
func (m *bitmap) prevFrom(from int) int {
	if from < 0 {
		return -1
	}
	w := from >> 6
	shift := 63 - uint(from)&63
	word := m[w] << shift >> shift
	for {
		if word != 0 {
			return w<<6 | (63 - bits.LeadingZeros64(word))
		}
		w--
		if w < 0 {
			return -1
		}
		word = m[w]
	}
}
