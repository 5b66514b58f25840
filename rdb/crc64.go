package rdb

// crcTable is the table of Redis's CRC-64 ("Jones": polynomial
// 0xad93d23594c935a9, reflected, initial value 0, no final xor). Go's
// hash/crc64 inverts the value before and after, so it cannot be used.
var crcTable = func() (t [256]uint64) {
	const reflected = 0x95ac9329ac4bc9b5 // the polynomial, bits reversed
	for i := range t {
		c := uint64(i)
		for k := 0; k < 8; k++ {
			if c&1 != 0 {
				c = c>>1 ^ reflected
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crc64 returns Redis's crc64(crc, p).
func crc64(crc uint64, p []byte) uint64 {
	for _, b := range p {
		crc = crcTable[byte(crc)^b] ^ crc>>8
	}
	return crc
}
