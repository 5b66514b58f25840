package stream

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"unsafe"
)

// Redis 8.6's limits and defaults for idempotent production (XADD IDMP and
// IDMPAUTO, XCFGSET): how long an idempotent ID is remembered, in seconds,
// and how many are remembered per producer.
const (
	IdmpDefaultDuration = 100
	IdmpDefaultMaxSize  = 100
	IdmpMaxDuration     = 86400
	IdmpMaxMaxSize      = 10000
)

// Idmp is a stream's idempotent-production state: for each producer ID
// (pid), the idempotent IDs (iids) it used recently and the entry each one
// added, with the stream's retention settings and two lifetime counters.
// A (pid, iid) is remembered until Duration seconds after it was recorded
// or until MaxSize newer iids of the same producer push it out, whichever
// comes first; duplicates do not refresh it (Redis's eviction is by
// insertion order).
//
// Expiry is lazy: a producer's expired iids go when the producer is next
// looked up or recorded, and every such call also expires a couple of
// other producers, so idle producers drain away over time instead of
// staying until the stream is deleted. Memory is bounded by MaxSize iids
// per producer; the number of producers is not capped (Redis documents no
// cap).
//
// The zero value is not ready for use; get one from NewIdmp. An Idmp is
// not safe for concurrent use (the stream's lock guards it). Every string
// it is given is kept, so the caller must pass copies, not views of
// reused buffers.
type Idmp struct {
	// Duration is the retention in seconds, MaxSize the per-producer cap.
	Duration int64
	MaxSize  int
	// Added counts the entries ever added with an iid, Duplicates the
	// XADDs ever answered from the map. Neither is reset by Configure.
	Added, Duplicates uint64

	producers map[string]*producer
	iids      int // sum of the producers' live iids
	bytes     int // the iids' and pids' lengths, for MemoryUsage
}

// Estimated bytes an iid and a producer take besides their names: an iid's
// queue slot and map entry (key header, record, the map's share), and a
// producer's map entry, struct and empty map.
const (
	iidOverhead      = 16 + 16 + 24 + 16
	producerOverhead = 16 + 8 + 48 + 48
)

// MemoryUsage estimates the bytes the state occupies (MEMORY USAGE, INFO
// used_memory), in constant time.
func (m *Idmp) MemoryUsage() int {
	return int(unsafe.Sizeof(*m)) + m.bytes + m.iids*iidOverhead + len(m.producers)*producerOverhead
}

// producer is one pid's iids in insertion order: order[head:] is the queue
// (the oldest first) and byIID maps each of them to its record.
type producer struct {
	byIID map[string]IdmpRecord
	order []string
	head  int
}

// IdmpRecord is what an iid remembers: the entry it added and when (Unix
// ms, wall clock).
type IdmpRecord struct {
	ID      ID
	AddedMs int64
}

// NewIdmp returns an empty state with Redis's default settings.
func NewIdmp() *Idmp {
	return &Idmp{Duration: IdmpDefaultDuration, MaxSize: IdmpDefaultMaxSize, producers: map[string]*producer{}}
}

// Producers returns the number of producers with at least one iid
// remembered (XINFO STREAM's pids-tracked); IIDs returns the iids
// remembered over all producers (iids-tracked). Both count iids whose
// time ran out but that were not yet expired lazily.
func (m *Idmp) Producers() int { return len(m.producers) }

// IIDs returns the number of iids remembered (see Producers).
func (m *Idmp) IIDs() int { return m.iids }

// Dropped receives each (pid, iid) that expiry or eviction forgets, so the
// caller can forget it in the store too.
type Dropped func(pid, iid string)

// Lookup returns the entry ID (pid, iid) added, if it is still remembered
// at now (Unix ms). It first expires pid's old iids and a couple of other
// producers', reporting each to drop (which may be nil).
func (m *Idmp) Lookup(pid, iid string, now int64, drop Dropped) (ID, bool) {
	m.sweep(pid, now, drop)
	p := m.producers[pid]
	if p == nil {
		return ID{}, false
	}
	r, ok := p.byIID[iid]
	return r.ID, ok
}

// Record remembers that (pid, iid) added entry id at now (Unix ms) and
// counts it in Added. It must follow a Lookup of the same pair that found
// nothing. When pid already holds MaxSize iids, the oldest go, each
// reported to drop.
func (m *Idmp) Record(pid, iid string, id ID, now int64, drop Dropped) {
	p := m.producers[pid]
	if p == nil {
		p = &producer{byIID: map[string]IdmpRecord{}}
	}
	for p.len() >= m.MaxSize {
		m.dropOldest(pid, p, drop)
	}
	if len(p.byIID) == 0 {
		// New, or emptied by dropOldest, which removes such a producer
		// (MaxSize 1).
		m.producers[pid] = p
		m.bytes += len(pid)
	}
	p.byIID[iid] = IdmpRecord{ID: id, AddedMs: now}
	p.order = append(p.order, iid)
	m.iids++
	m.bytes += len(iid)
	m.Added++
}

// Duplicate counts one XADD answered from the map.
func (m *Idmp) Duplicate() { m.Duplicates++ }

// Configure applies XCFGSET's settings (nil leaves one as it is). When
// either changes, every producer's iids are forgotten, as Redis does;
// setting the current values keeps them. It reports whether it cleared.
func (m *Idmp) Configure(duration *int64, maxSize *int) bool {
	changed := duration != nil && *duration != m.Duration || maxSize != nil && *maxSize != m.MaxSize
	if duration != nil {
		m.Duration = *duration
	}
	if maxSize != nil {
		m.MaxSize = *maxSize
	}
	if changed {
		clear(m.producers)
		m.iids, m.bytes = 0, 0
	}
	return changed
}

// Restore puts back a (pid, iid) record read from the store, in any order;
// call Finish once all are in. It does not count in Added (the counters
// are restored with the settings).
func (m *Idmp) Restore(pid, iid string, r IdmpRecord) {
	p := m.producers[pid]
	if p == nil {
		p = &producer{byIID: map[string]IdmpRecord{}}
		m.producers[pid] = p
		m.bytes += len(pid)
	}
	if _, dup := p.byIID[iid]; dup {
		return
	}
	p.byIID[iid] = r
	p.order = append(p.order, iid)
	m.iids++
	m.bytes += len(iid)
}

// Finish orders each producer's restored iids as they were recorded. The
// entries they added were appended in that order, so their IDs give it.
func (m *Idmp) Finish() {
	for _, p := range m.producers {
		q := p.order[p.head:]
		sort.SliceStable(q, func(i, j int) bool { return p.byIID[q[i]].ID.Less(p.byIID[q[j]].ID) })
	}
}

// Each calls fn for every remembered (pid, iid), producers in no
// particular order and each producer's iids oldest first.
func (m *Idmp) Each(fn func(pid, iid string, r IdmpRecord)) {
	for pid, p := range m.producers {
		for _, iid := range p.order[p.head:] {
			fn(pid, iid, p.byIID[iid])
		}
	}
}

// Clone returns a deep copy (COPY).
func (m *Idmp) Clone() *Idmp {
	c := &Idmp{Duration: m.Duration, MaxSize: m.MaxSize, Added: m.Added, Duplicates: m.Duplicates,
		producers: make(map[string]*producer, len(m.producers)), iids: m.iids, bytes: m.bytes}
	for pid, p := range m.producers {
		q := &producer{byIID: make(map[string]IdmpRecord, p.len()), order: slices.Clone(p.order[p.head:])}
		for _, iid := range q.order {
			q.byIID[iid] = p.byIID[iid]
		}
		c.producers[pid] = q
	}
	return c
}

// Check verifies the invariants: each producer's queue and map hold the
// same iids, at most MaxSize of them and at least one; the counts add up.
func (m *Idmp) Check() error {
	n, bytes := 0, 0
	for pid, p := range m.producers {
		bytes += len(pid)
		q := p.order[p.head:]
		if len(q) != len(p.byIID) || len(q) == 0 || len(q) > m.MaxSize {
			return fmt.Errorf("idmp: producer %q queues %d iids, maps %d, max %d", pid, len(q), len(p.byIID), m.MaxSize)
		}
		for _, iid := range q {
			if _, ok := p.byIID[iid]; !ok {
				return fmt.Errorf("idmp: producer %q queues %q, which it does not map", pid, iid)
			}
			bytes += len(iid)
		}
		n += len(q)
	}
	if n != m.iids || bytes != m.bytes {
		return fmt.Errorf("idmp: %d iids (%d bytes) counted, %d (%d bytes) held", m.iids, m.bytes, n, bytes)
	}
	return nil
}

// sweepOthers is how many producers besides the one asked for each call
// expires.
const sweepOthers = 2

// sweep expires pid's iids and those of up to sweepOthers other producers
// (Go's map order picks them at random, so every producer is visited in
// time).
func (m *Idmp) sweep(pid string, now int64, drop Dropped) {
	if p := m.producers[pid]; p != nil {
		m.expire(pid, p, now, drop)
	}
	n := 0
	for other, p := range m.producers {
		if n == sweepOthers {
			break
		}
		if other != pid {
			m.expire(other, p, now, drop)
			n++
		}
	}
}

// expire drops pid's iids recorded Duration seconds or more before now.
// The queue is in recording order, so they are at its head (a wall clock
// stepping back can leave an expired iid behind a younger one for a while).
func (m *Idmp) expire(pid string, p *producer, now int64, drop Dropped) {
	limit := now - m.Duration*1000
	for p.len() > 0 && p.byIID[p.order[p.head]].AddedMs <= limit {
		m.dropOldest(pid, p, drop)
	}
}

// dropOldest forgets pid's oldest iid, and pid itself once it has none.
func (m *Idmp) dropOldest(pid string, p *producer, drop Dropped) {
	iid := p.order[p.head]
	p.order[p.head] = ""
	p.head++
	delete(p.byIID, iid)
	m.iids--
	m.bytes -= len(iid)
	if drop != nil {
		drop(pid, iid)
	}
	switch {
	case p.len() == 0:
		delete(m.producers, pid)
		m.bytes -= len(pid)
		p.order, p.head = p.order[:0], 0
	case p.head > len(p.order)/2:
		// Compact, so the queue's memory stays proportional to its length.
		n := copy(p.order, p.order[p.head:])
		clear(p.order[n:])
		p.order, p.head = p.order[:n], 0
	}
}

func (p *producer) len() int { return len(p.order) - p.head }

// AutoIID derives IDMPAUTO's idempotent ID from an entry's fields
// (alternating field, value): a SHA-256 over the field-value pairs taken
// as a multiset, so the same pairs in another order give the same iid
// (Redis's tests require that) while a field's name and value, and the
// pairing between them, all count. Redis does not document its own hash;
// this one is never exposed, so only that property matters.
func AutoIID(fields [][]byte) string {
	pairs := make([][sha256.Size]byte, 0, len(fields)/2)
	var lenBuf [binary.MaxVarintLen64]byte
	for i := 0; i+1 < len(fields); i += 2 {
		h := sha256.New()
		for _, b := range fields[i : i+2] {
			h.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(b)))])
			h.Write(b)
		}
		var d [sha256.Size]byte
		h.Sum(d[:0])
		pairs = append(pairs, d)
	}
	slices.SortFunc(pairs, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for i := range pairs {
		h.Write(pairs[i][:])
	}
	return string(h.Sum(nil)[:16])
}
