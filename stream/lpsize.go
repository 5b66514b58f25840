package stream

// Node size limits are measured the way Redis measures its nodes: in bytes
// of a listpack holding the same entries. runnel packs entries differently
// (and more tightly), but deciding when a node is full by Redis's measure
// puts node boundaries where Redis puts them, and with them what `~`
// trimming removes and what XINFO STREAM reports. This file computes those
// listpack sizes without building listpacks.

// lpOverhead is a listpack's fixed part: a 6-byte header and an end byte.
const lpOverhead = 7

// MaxEntryBytes is the largest total length of an entry's field names and
// values that a stream accepts (Redis's listpack limit, 1 GiB; Redis answers
// "ERR Elements are too large to be stored" past it). The command layer
// refuses bigger entries before calling Append.
const MaxEntryBytes = 1 << 30

// maxNodeBytes caps a node when no byte limit is configured, as Redis caps a
// listpack at 1 GiB.
const maxNodeBytes = 1 << 30

// lpIntSize is the size of an integer element: encoding plus back-length.
func lpIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 2
	case v >= -4096 && v <= 4095:
		return 3
	case v >= -32768 && v <= 32767:
		return 4
	case v >= -8388608 && v <= 8388607:
		return 5
	case v >= -2147483648 && v <= 2147483647:
		return 6
	}
	return 10
}

// lpStrSize is the size of a string element. Strings that are canonical
// 64-bit integers are stored as integers, as listpacks do.
func lpStrSize(s []byte) int {
	if len(s) <= 20 {
		if v, ok := ParseCanonicalInt(s); ok {
			return lpIntSize(v)
		}
	}
	var enc int
	switch n := len(s); {
	case n < 64:
		enc = 1 + n
	case n < 4096:
		enc = 2 + n
	default:
		enc = 5 + n
	}
	return enc + lpBacklenSize(enc)
}

// lpBacklenSize is the size of the back-length that follows an element
// whose encoding takes l bytes.
func lpBacklenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// lpMasterSize is the listpack size of a new node's master entry (field
// count, field names, terminator) plus the fixed part, excluding the live
// and deleted counters, which change as the node does.
func lpMasterSize(fields [][]byte) int {
	size := lpOverhead + lpIntSize(int64(len(fields)/2)) + lpIntSize(0)
	for i := 0; i < len(fields); i += 2 {
		size += lpStrSize(fields[i])
	}
	return size
}

// lpEntrySize is the listpack size of one entry: flags, ID deltas against
// the master ID, field names unless shared with the master, values, and
// the element count Redis keeps for walking backwards.
func lpEntrySize(id, master ID, fields [][]byte, same bool) int {
	nf := len(fields) / 2
	size := lpIntSize(0) + // flags: 0..3 always encode alike
		lpIntSize(int64(id.Ms-master.Ms)) +
		lpIntSize(int64(id.Seq-master.Seq))
	count := nf + 3
	if !same {
		size += lpIntSize(int64(nf))
		count += nf + 1
		for i := 0; i < len(fields); i += 2 {
			size += lpStrSize(fields[i])
		}
	}
	for i := 1; i < len(fields); i += 2 {
		size += lpStrSize(fields[i])
	}
	return size + lpIntSize(int64(count))
}
