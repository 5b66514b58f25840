package commands

import (
	"hash/maphash"
	"sort"
)

// keyIndex orders a database's keys by a 64-bit hash so that SCAN can walk
// them with a cursor that survives any change to the keyspace.
//
// # The SCAN contract
//
// The cursor is a point in hash space: SCAN returns keys whose hash is at
// or above the cursor, in ascending hash order, and answers with the hash
// just past the last key it returned (0 once the walk reaches the end).
// A key's hash never changes while the server runs, so a key present for a
// whole iteration lies in exactly one of the intervals [c_i, c_i+1) the
// successive calls cover, and is returned exactly once; keys added or
// removed meanwhile may or may not be seen, as Redis allows. Keys sharing a
// hash are always returned together, so a cursor never splits them. Growing
// or shrinking the bucket table does not move any key in hash order, so it
// cannot invalidate a cursor either (Redis needs its reverse-binary cursor
// for the same guarantee).
//
// # Layout
//
// Keys live in 2^bits buckets chosen by the top bits of their hash; each
// bucket is a slice sorted by (hash, key). The table doubles when it holds
// more than two keys per bucket on average and halves below one key per
// eight buckets, so a SCAN call costs O(COUNT + log) and inserts and
// removals move a handful of entries. All fields are guarded by the
// keyspace lock.
type keyIndex struct {
	bits    uint
	buckets [][]hashedKey
	n       int
}

type hashedKey struct {
	h   uint64
	key string
}

const minIndexBits = 4

// scanSeed keys the hash of every index; cursors are valid for the life of
// the process, which is as long as Redis's are.
var scanSeed = maphash.MakeSeed()

func keyHash(key string) uint64 { return maphash.String(scanSeed, key) }

func (ix *keyIndex) init() {
	ix.bits = minIndexBits
	ix.buckets = make([][]hashedKey, 1<<minIndexBits)
	ix.n = 0
}

func (ix *keyIndex) bucketOf(h uint64) int { return int(h >> (64 - ix.bits)) }

// find returns the position of (h, key) in its bucket, or where it would go.
func find(b []hashedKey, h uint64, key string) (int, bool) {
	i := sort.Search(len(b), func(i int) bool {
		return b[i].h > h || (b[i].h == h && b[i].key >= key)
	})
	return i, i < len(b) && b[i].h == h && b[i].key == key
}

// insert adds key, which must not be in the index.
func (ix *keyIndex) insert(key string) {
	if ix.buckets == nil {
		ix.init()
	}
	h := keyHash(key)
	bi := ix.bucketOf(h)
	b := ix.buckets[bi]
	i, _ := find(b, h, key)
	b = append(b, hashedKey{})
	copy(b[i+1:], b[i:])
	b[i] = hashedKey{h, key}
	ix.buckets[bi] = b
	ix.n++
	if ix.n > 2*len(ix.buckets) && ix.bits < 40 {
		ix.resize(ix.bits + 1)
	}
}

// remove drops key from the index if it is there.
func (ix *keyIndex) remove(key string) {
	if ix.buckets == nil {
		return
	}
	h := keyHash(key)
	bi := ix.bucketOf(h)
	b := ix.buckets[bi]
	i, ok := find(b, h, key)
	if !ok {
		return
	}
	copy(b[i:], b[i+1:])
	b[len(b)-1] = hashedKey{}
	ix.buckets[bi] = b[:len(b)-1]
	ix.n--
	if ix.bits > minIndexBits && ix.n*8 < len(ix.buckets) {
		ix.resize(ix.bits - 1)
	}
}

// resize rebuilds the table with 2^bits buckets. Buckets split or merge in
// place of their hash range, so the order of keys does not change.
func (ix *keyIndex) resize(bits uint) {
	nb := make([][]hashedKey, 1<<bits)
	for _, b := range ix.buckets {
		for _, e := range b {
			i := int(e.h >> (64 - bits))
			nb[i] = append(nb[i], e)
		}
	}
	ix.bits = bits
	ix.buckets = nb
}

// scan appends to keys the keys at or above cursor in hash order until it
// has at least count of them (finishing the group of keys that share the
// last hash) or has looked at 10*count buckets, as Redis bounds the work of
// one call. It returns the cursor of the next call, 0 when the walk is
// complete.
func (ix *keyIndex) scan(cursor uint64, count int, keys []string) ([]string, uint64) {
	if ix.n == 0 || count <= 0 {
		return keys, 0
	}
	found := 0
	visits := 0
	maxVisits := count * 10
	if maxVisits < count { // overflow
		maxVisits = int(^uint(0) >> 1)
	}
	shift := 64 - ix.bits
	for bi := int(cursor >> shift); bi < len(ix.buckets); bi++ {
		b := ix.buckets[bi]
		i, _ := find(b, cursor, "")
		for i < len(b) {
			h := b[i].h
			for i < len(b) && b[i].h == h {
				keys = append(keys, b[i].key)
				i++
				found++
			}
			if found >= count {
				if h == ^uint64(0) {
					return keys, 0
				}
				return keys, h + 1
			}
		}
		visits++
		if bi+1 == len(ix.buckets) {
			return keys, 0
		}
		cursor = uint64(bi+1) << shift
		if visits >= maxVisits {
			return keys, cursor
		}
	}
	return keys, 0
}

// random returns the first key at or after hash r, wrapping around, or ""
// and false when the index is empty. With r uniform this picks keys with
// a probability proportional to the hash gap before them, which is close
// enough to uniform for RANDOMKEY.
func (ix *keyIndex) random(r uint64) (string, bool) {
	if ix.n == 0 {
		return "", false
	}
	start := ix.bucketOf(r)
	for i := 0; i <= len(ix.buckets); i++ {
		bi := (start + i) % len(ix.buckets)
		b := ix.buckets[bi]
		j := 0
		if i == 0 {
			j, _ = find(b, r, "")
		}
		if j < len(b) {
			return b[j].key, true
		}
	}
	return "", false
}

// add puts o at key, which must be free, and indexes it.
func (d *DB) add(key string, o *Object) {
	d.keys[key] = o
	if o.Expire != 0 {
		d.expires[key] = struct{}{}
	}
	d.scanIdx.insert(key)
}

// unlink takes the object at key out of the database without dropping its
// data, and returns it (nil if there was none).
func (d *DB) unlink(key string) *Object {
	o := d.keys[key]
	if o == nil {
		return nil
	}
	delete(d.keys, key)
	delete(d.expires, key)
	d.scanIdx.remove(key)
	return o
}
