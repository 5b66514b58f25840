package stream

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refEntry is one live entry of the reference model.
type refEntry struct {
	id     ID
	fields string // flat form
}

// refStream is the reference: a sorted slice of live entries plus the
// metadata, updated by the plain definitions of each operation.
type refStream struct {
	entries    []refEntry
	last       ID
	maxDeleted ID
	added      uint64
}

func (r *refStream) find(id ID) int {
	i, _ := slices.BinarySearchFunc(r.entries, id, func(e refEntry, id ID) int { return e.id.Compare(id) })
	return i
}

func (r *refStream) first() ID {
	if len(r.entries) == 0 {
		return ID{}
	}
	return r.entries[0].id
}

func (r *refStream) rangeIDs(start, end ID, count int, rev bool) string {
	var out []string
	if rev {
		for i := len(r.entries) - 1; i >= 0; i-- {
			e := r.entries[i]
			if e.id.Less(start) || end.Less(e.id) {
				continue
			}
			out = append(out, e.id.String()+" "+e.fields)
			if len(out) == count {
				break
			}
		}
	} else {
		for _, e := range r.entries {
			if e.id.Less(start) || end.Less(e.id) {
				continue
			}
			out = append(out, e.id.String()+" "+e.fields)
			if len(out) == count {
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

func streamIDs(s *Stream, start, end ID, count int, rev bool) string {
	var out []string
	fn := func(id ID, f [][]byte) bool {
		out = append(out, id.String()+" "+flat(f))
		return true
	}
	if rev {
		s.RevRange(end, start, count, fn)
	} else {
		s.Range(start, end, count, fn)
	}
	return strings.Join(out, "\n")
}

// TestModel runs random appends, deletes, trims and reads against the
// reference, comparing every result and running Check after every step.
// Exact trims without LIMIT are fully determined by the entries, so the
// reference computes them; approximate or limited trims depend on node
// boundaries, so for those the test checks that what went is a run of the
// oldest entries no longer than the exact trim would take, and no more than
// the limit.
func TestModel(t *testing.T) {
	r := rand.New(rand.NewPCG(testSeed(t), 3))
	configs := []Config{DefaultConfig, {NodeMaxEntries: 1}, {NodeMaxEntries: 4}, {NodeMaxBytes: 120}, {NodeMaxEntries: 7, NodeMaxBytes: 300}, {}}
	steps := 3000
	if testing.Short() {
		steps = 600
	}
	for _, cfg := range configs {
		t.Run(fmt.Sprintf("%d-%d", cfg.NodeMaxEntries, cfg.NodeMaxBytes), func(t *testing.T) {
			s := checked(t, cfg)
			ref := &refStream{}
			longest, mostNodes := 0, 0
			for step := 0; step < steps; step++ {
				desc := modelStep(t, r, s, ref)
				longest, mostNodes = max(longest, len(ref.entries)), max(mostNodes, s.Nodes())
				if err := s.Check(); err != nil {
					t.Fatalf("step %d (%s): %v", step, desc, err)
				}
				if s.Len() != uint64(len(ref.entries)) || s.LastID() != ref.last || s.FirstID() != ref.first() ||
					s.MaxDeletedID() != ref.maxDeleted || s.EntriesAdded() != ref.added {
					t.Fatalf("step %d (%s): len %d last %v first %v maxdel %v added %d; model %d %v %v %v %d",
						step, desc, s.Len(), s.LastID(), s.FirstID(), s.MaxDeletedID(), s.EntriesAdded(),
						len(ref.entries), ref.last, ref.first(), ref.maxDeleted, ref.added)
				}
			}
			t.Logf("longest %d entries, most nodes %d", longest, mostNodes)
		})
	}
}

func randFields(r *rand.Rand) [][]byte {
	names := []string{"f", "g", "temp", "1", "-7"}
	np := 1 + r.IntN(3)
	var kv []string
	for i := 0; i < np; i++ {
		name := names[0]
		if r.IntN(3) == 0 {
			name = names[r.IntN(len(names))]
		}
		val := strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(80))
		if r.IntN(4) == 0 {
			val = fmt.Sprint(r.IntN(70000) - 100)
		}
		kv = append(kv, name, val)
	}
	return fv(kv...)
}

// randID picks an ID near the live range: existing, just off one, or new.
func randID(r *rand.Rand, ref *refStream) ID {
	if len(ref.entries) > 0 && r.IntN(3) != 0 {
		id := ref.entries[r.IntN(len(ref.entries))].id
		switch r.IntN(3) {
		case 0:
			id, _ = id.Next()
		case 1:
			id, _ = id.Prev()
		}
		return id
	}
	return ID{r.Uint64N(ref.last.Ms + 2), r.Uint64N(3)}
}

func modelStep(t *testing.T, r *rand.Rand, s *Stream, ref *refStream) string {
	switch op := r.IntN(100); {
	case op < 45: // append
		var id ID
		var ok bool
		switch r.IntN(4) {
		case 0:
			id, ok = s.NextSeq(ref.last.Ms)
		case 1:
			id, ok = s.NextID(ref.last.Ms + r.Uint64N(3))
		default:
			id, ok = ID{ref.last.Ms + 1 + r.Uint64N(1000), r.Uint64N(1 << 20)}, true
		}
		if !ok {
			return "append refused"
		}
		f := randFields(r)
		s.Append(id, f)
		ref.entries = append(ref.entries, refEntry{id, flat(f)})
		ref.last = id
		ref.added++
		return "append " + id.String()
	case op < 60: // delete
		id := randID(r, ref)
		i := ref.find(id)
		want := i < len(ref.entries) && ref.entries[i].id == id
		if got := s.Delete(id); got != want {
			t.Fatalf("Delete(%v) = %v, model %v", id, got, want)
		}
		if want {
			ref.entries = slices.Delete(ref.entries, i, i+1)
			if ref.maxDeleted.Less(id) {
				ref.maxDeleted = id
			}
		}
		return "delete " + id.String()
	case op < 70: // trim
		return modelTrim(t, r, s, ref)
	case op < 95: // range either way
		start, end := randID(r, ref), randID(r, ref)
		if r.IntN(5) == 0 {
			start = Min
		}
		if r.IntN(5) == 0 {
			end = Max
		}
		count := []int{0, 1, 2, 10}[r.IntN(4)]
		rev := r.IntN(2) == 0
		if got, want := streamIDs(s, start, end, count, rev), ref.rangeIDs(start, end, count, rev); got != want {
			t.Fatalf("range %v..%v count %d rev %v:\n%s\nmodel:\n%s", start, end, count, rev, got, want)
		}
		return "range"
	default: // point reads
		id := randID(r, ref)
		i := ref.find(id)
		exists := i < len(ref.entries) && ref.entries[i].id == id
		want := ""
		if exists {
			want = ref.entries[i].fields
		}
		f, ok := s.Get(id)
		if ok != exists || flat(f) != want || s.Has(id) != exists {
			t.Fatalf("Get(%v) = %q %v, model %q", id, flat(f), ok, want)
		}
		fid, ff, ok := s.First()
		if ok != (len(ref.entries) > 0) || (ok && (fid != ref.entries[0].id || flat(ff) != ref.entries[0].fields)) {
			t.Fatalf("First = %v %v", fid, ok)
		}
		lid, lf, ok := s.Last()
		if ok && (lid != ref.entries[len(ref.entries)-1].id || flat(lf) != ref.entries[len(ref.entries)-1].fields) {
			t.Fatalf("Last = %v", lid)
		}
		return "get " + id.String()
	}
}

func modelTrim(t *testing.T, r *rand.Rand, s *Stream, ref *refStream) string {
	approx := r.IntN(2) == 0
	var limit int64
	if r.IntN(3) == 0 {
		limit = int64(r.IntN(20))
	}
	byLen := r.IntN(2) == 0
	// exact is how many entries an exact, unlimited trim removes.
	var exact int
	var removed int64
	var desc string
	if byLen {
		// Mostly shave the front, sometimes cut deep.
		maxLen := uint64(len(ref.entries) - min(r.IntN(12), len(ref.entries)))
		if r.IntN(8) == 0 {
			maxLen = uint64(r.IntN(len(ref.entries) + 3))
		}
		exact = max(len(ref.entries)-int(maxLen), 0)
		removed = s.TrimMaxLen(maxLen, approx, limit)
		desc = fmt.Sprintf("trim maxlen %d approx %v limit %d", maxLen, approx, limit)
	} else {
		minID := randID(r, ref)
		if len(ref.entries) > 0 && r.IntN(8) != 0 {
			// Mostly near the front.
			minID = ref.entries[r.IntN(min(len(ref.entries), 12))].id
		}
		exact = ref.find(minID)
		removed = s.TrimMinID(minID, approx, limit)
		desc = fmt.Sprintf("trim minid %v approx %v limit %d", minID, approx, limit)
	}
	if !approx && limit == 0 && removed != int64(exact) {
		t.Fatalf("%s removed %d, model %d", desc, removed, exact)
	}
	if removed < 0 || removed > int64(exact) || (limit > 0 && removed > limit) {
		t.Fatalf("%s removed %d: exact would remove %d", desc, removed, exact)
	}
	ref.entries = ref.entries[removed:]
	if got, want := streamIDs(s, Min, Max, 0, false), ref.rangeIDs(Min, Max, 0, false); got != want {
		t.Fatalf("%s: entries after trim differ from the %d oldest gone:\n%s\nmodel:\n%s", desc, removed, got, want)
	}
	return desc
}
