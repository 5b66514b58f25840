package stream

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// decodeCheckedRef is decodeChecked as it was before its one-byte fast
// paths, written plainly with safeReader: the reference the fast version
// must agree with on every input.
func (n *node) decodeCheckedRef(e *entry, off, masterNF, namesRaw int) (lp, raw int, err error) {
	r := safeReader{b: n.buf, p: off + 1}
	e.off, e.flags = off, n.buf[off]
	var msd, seq uint64
	if p := off + 3; p <= len(n.buf) && n.buf[off+1] < 0x80 && n.buf[off+2] < 0x80 {
		// Both ID deltas in one byte each, as for entries of one
		// millisecond or of consecutive ones.
		msd, seq, r.p = uint64(n.buf[off+1]), uint64(n.buf[off+2]), p
	} else {
		var ok1, ok2 bool
		msd, ok1 = r.uvarint()
		seq, ok2 = r.uvarint()
		if !ok1 || !ok2 {
			return 0, 0, errors.New("bad ID")
		}
	}
	if msd == 0 {
		if seq > ^uint64(0)-n.master.Seq {
			return 0, 0, errors.New("sequence out of range")
		}
		e.id = ID{n.master.Ms, n.master.Seq + seq}
	} else {
		if msd > ^uint64(0)-n.master.Ms {
			return 0, 0, errors.New("time out of range")
		}
		e.id = ID{n.master.Ms + msd, seq}
	}
	lp = lpIntSize(0) + lpIntSize(int64(e.id.Ms-n.master.Ms)) + lpIntSize(int64(e.id.Seq-n.master.Seq))
	strs := masterNF
	if e.flags&flagSame != 0 {
		e.nf = masterNF
		raw = namesRaw
	} else {
		nf, ok := r.uvarint()
		if !ok || nf == 0 || nf > uint64(len(n.buf)) {
			return 0, 0, errors.New("bad field count")
		}
		e.nf = int(nf)
		strs = 2 * e.nf
		lp += lpIntSize(int64(e.nf)) + lpIntSize(int64(2*e.nf+4))
	}
	if e.flags&flagSame != 0 {
		lp += lpIntSize(int64(e.nf + 3))
	}
	e.payload = r.p
	for i := 0; i < strs; i++ {
		b, ok := r.bytes()
		if !ok {
			return 0, 0, fmt.Errorf("field %d out of bounds", i)
		}
		lp += lpStrSize(b)
		raw += len(b)
	}
	size := r.p - off
	k := backlenSize(size)
	if k > len(n.buf)-r.p || !backlenIs(n.buf[r.p:r.p+k], size) {
		return 0, 0, errors.New("bad back-length")
	}
	e.next = r.p + k
	return lp, raw, nil
}

// sameDecode reports how decodeChecked and decodeCheckedRef differ on the
// bytes at off, or "" when they agree (on the error's presence, not its
// text).
func sameDecode(n *node, off, masterNF, namesRaw int) string {
	var e1, e2 entry
	lp1, raw1, err1 := n.decodeChecked(&e1, off, masterNF, namesRaw)
	lp2, raw2, err2 := n.decodeCheckedRef(&e2, off, masterNF, namesRaw)
	switch {
	case (err1 == nil) != (err2 == nil):
		return fmt.Sprintf("error %v, reference %v", err1, err2)
	case err1 != nil:
		return ""
	case e1 != e2 || lp1 != lp2 || raw1 != raw2:
		return fmt.Sprintf("entry %+v lp %d raw %d, reference %+v lp %d raw %d", e1, lp1, raw1, e2, lp2, raw2)
	}
	return ""
}

// TestDecodeCheckedMatchesReference decodes, at every offset, node images
// of many shapes (field counts, value lengths around each encoding step,
// ID deltas of one and more bytes) and damaged copies of them: the fast
// decode must agree with the reference everywhere.
func TestDecodeCheckedMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(testSeed(t), 3))
	lengths := []int{0, 1, 19, 20, 21, 63, 64, 65, 124, 125, 126, 127, 128, 300, 1000, 20000}
	values := func(l int) []byte {
		v := make([]byte, l)
		for i := range v {
			v[i] = byte('0' + r.IntN(10)) // digits: integers for short ones
		}
		return v
	}
	images := 0
	for round := 0; round < 25; round++ {
		src := New(Config{NodeMaxEntries: 2 + r.IntN(6)})
		var span Span
		var data []byte
		id := ID{Ms: r.Uint64N(1 << 50), Seq: r.Uint64N(1 << 20)}
		for data == nil {
			nf := 1 + r.IntN(3)
			f := make([][]byte, 0, 2*nf)
			for j := range nf {
				name := fmt.Sprint("f", j)
				if r.IntN(4) == 0 {
					name = fmt.Sprint("other", j)
				}
				l := lengths[r.IntN(len(lengths)-2)]
				if r.IntN(20) == 0 {
					l = lengths[len(lengths)-2+r.IntN(2)] // a multi-byte back-length
				}
				f = append(f, []byte(name), values(l))
			}
			span, data = src.Append(id, f)
			if r.IntN(2) == 0 {
				id.Seq += 1 + r.Uint64N(300)
			} else {
				id = ID{Ms: id.Ms + 1 + r.Uint64N(1<<uint(r.IntN(30))), Seq: r.Uint64N(300)}
			}
		}
		images++
		img := slices.Clone(data)
		rd := safeReader{b: img}
		nf, _ := rd.uvarint()
		namesRaw := 0
		for i := uint64(0); i < nf; i++ {
			name, _ := rd.bytes()
			namesRaw += len(name)
		}
		// check decodes at every offset of a small image; of a large one,
		// at every entry's start and at as many other offsets picked at
		// random.
		check := func(desc string, b []byte) {
			n := &node{buf: b, master: span.First}
			offs := make([]int, 0, len(b))
			if len(b) <= 4096 {
				for off := range b {
					offs = append(offs, off)
				}
			} else {
				var e entry
				for off := int(rd.p); off < len(b); off = e.next {
					if _, _, err := n.decodeCheckedRef(&e, off, int(nf), namesRaw); err != nil {
						break
					}
					offs = append(offs, off, r.IntN(len(b)))
				}
			}
			for _, off := range offs {
				if d := sameDecode(n, off, int(nf), namesRaw); d != "" {
					t.Fatalf("%s, offset %d: %s", desc, off, d)
				}
			}
		}
		check("intact", img)
		for k := 0; k < 12; k++ {
			b := slices.Clone(img)
			i := r.IntN(len(b))
			b[i] ^= byte(1 << r.IntN(8))
			check(fmt.Sprintf("byte %d flipped", i), b)
			check(fmt.Sprintf("cut at %d", i), img[:i])
		}
	}
	if images < 25 {
		t.Fatalf("only %d images", images)
	}
}

// FuzzDecodeChecked compares the fast decode with the reference on any
// bytes, master ID and master field count.
func FuzzDecodeChecked(f *testing.F) {
	src := New(Config{NodeMaxEntries: 3})
	var data []byte
	for i := uint64(1); data == nil; i++ {
		_, data = src.Append(ID{Ms: i, Seq: i}, fv("f", fmt.Sprint(i*1000), "g", "a longer value, past twenty bytes"))
	}
	f.Add(slices.Clone(data), uint64(1), uint64(1), 2, 2)
	f.Fuzz(func(t *testing.T, b []byte, ms, seq uint64, masterNF, namesRaw int) {
		if len(b) == 0 || masterNF < 1 || masterNF > 64 || namesRaw < 0 {
			return
		}
		n := &node{buf: b, master: ID{Ms: ms, Seq: seq}}
		for off := 0; off < len(b); off++ {
			if d := sameDecode(n, off, masterNF, namesRaw); d != "" {
				t.Fatalf("offset %d: %s", off, d)
			}
		}
	})
}
