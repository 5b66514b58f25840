package persist

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/stream"
)

// The key layout is described in doc.go; this file is its only encoder and
// decoder. Every key starts with a space byte, so the three spaces are
// contiguous and ordered: system records, then key records, then stream
// data.
const (
	spaceSys  byte = 0x01
	spaceKey  byte = 0x02
	spaceData byte = 0x03
	spaceEnd  byte = 0x04 // first byte past every space

	sysFormat byte = 'v' // the format-version record
	sysLogSeq byte = 's' // the number of the last batch applied (wal.go)

	tagEntry byte = 'e'
	tagGroup byte = 'g'
	// tagIdmp keys a producer's idempotent ID (Redis 8.6's XADD IDMP):
	// tagIdmp | uvarint(len(pid)) | pid | iid -> entry ID | recorded ms.
	tagIdmp byte = 'i'
	// tagMeta keys the stream metadata, rewritten by nearly every write to
	// the stream. It sorts after the entries and groups (see doc.go: a
	// flushed table then spans only the stream's newest records).
	tagMeta byte = 'm'
	// legacyTagMeta is where versions 1 and 2 kept the metadata, before
	// the entries; Open moves it (see upgradeMeta).
	legacyTagMeta byte = 'a'

	// Under tagEntry, an ID alone keys a loose entry; an ID and one of
	// these keys a deletion mark or (with the node's last ID) a node
	// record, so a range of IDs covers all three.
	entryMark byte = 0x00
	entryNode byte = 0x01

	grpRecord   byte = 'a' // the group's own record, first under its prefix
	grpConsumer byte = 'c'
	grpPending  byte = 'p'
	// grpDeliveryIndex is reserved for the PEL delivery-time index
	// (group prefix | 't' | 8-byte delivery time | ID -> empty).
	grpDeliveryIndex byte = 't'
)

// formatMagic opens the format record's value, so a Pebble store written by
// something else is not mistaken for runnel's.
const formatMagic = "runnel"

// formatVersion is the layout version this code writes and reads.
// Version 1 had no node records or deletion marks; versions 1 and 2 kept
// the stream metadata under legacyTagMeta. Open upgrades both by moving
// the metadata records and rewriting the format record in one batch.
// Version 5 adds pending entries that XNACK released (no owner, a
// negative delivery time holding their place in the group's queue), which
// a version-4 reader would refuse as corrupt; a version-4 store needs no
// change but its format record, so that an older runnel says the store is
// newer instead.
const formatVersion uint32 = 5

// oldestReadable is the oldest layout version Open upgrades.
const oldestReadable uint32 = 1

const (
	dbLen      = 4 // big-endian uint32 database index in key records
	uidLen     = 8
	dataPfxLen = 1 + uidLen
	keyValLen  = uidLen + 8
	metaValLen = 3*stream.IDLen + 8
	groupVal   = stream.IDLen + 8
	consVal    = 16
	pendFixed  = 16 // delivery time, delivery count; then the owner's name
	maxDB      = 1<<32 - 1
)

// formatKey is the key of the format-version record.
func formatKey() []byte { return []byte{spaceSys, sysFormat} }

// logSeqKey is the key of the log-sequence record, rewritten by every
// batch: what Pebble holds after a crash is every batch up to the one it
// names, so recovery replays the log from the next.
func logSeqKey() []byte { return []byte{spaceSys, sysLogSeq} }

// logSeqValue encodes a log-sequence record.
func logSeqValue(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// formatValue encodes the format record for version v.
func formatValue(v uint32) []byte {
	b := append([]byte(formatMagic), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[len(formatMagic):], v)
	return b
}

// parseFormatValue decodes a format record; ok is false when it is not one
// of runnel's.
func parseFormatValue(b []byte) (v uint32, ok bool) {
	if len(b) != len(formatMagic)+4 || string(b[:len(formatMagic)]) != formatMagic {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[len(formatMagic):]), true
}

// appendKeyPrefix appends the prefix shared by every key record of db.
func appendKeyPrefix(dst []byte, db uint32) []byte {
	dst = append(dst, spaceKey)
	return binary.BigEndian.AppendUint32(dst, db)
}

// appendKeyRecord appends the key of the key record (db, name).
func appendKeyRecord(dst []byte, db uint32, name string) []byte {
	return append(appendKeyPrefix(dst, db), name...)
}

// parseKeyRecord splits a key-space key into database and name; name
// aliases k.
func parseKeyRecord(k []byte) (db uint32, name []byte, ok bool) {
	if len(k) < 1+dbLen || k[0] != spaceKey {
		return 0, nil, false
	}
	return binary.BigEndian.Uint32(k[1:]), k[1+dbLen:], true
}

// appendKeyValue appends a key record's value.
func appendKeyValue(dst []byte, uid uint64, expire int64) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uid)
	return binary.BigEndian.AppendUint64(dst, uint64(expire))
}

func parseKeyValue(v []byte) (uid uint64, expire int64, ok bool) {
	if len(v) != keyValLen {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(v), int64(binary.BigEndian.Uint64(v[uidLen:])), true
}

// appendDataPrefix appends the prefix of every record of stream uid.
func appendDataPrefix(dst []byte, uid uint64) []byte {
	dst = append(dst, spaceData)
	return binary.BigEndian.AppendUint64(dst, uid)
}

func appendMetaKey(dst []byte, uid uint64) []byte {
	return append(appendDataPrefix(dst, uid), tagMeta)
}

// appendLegacyMetaKey is appendMetaKey of format versions 1 and 2.
func appendLegacyMetaKey(dst []byte, uid uint64) []byte {
	return append(appendDataPrefix(dst, uid), legacyTagMeta)
}

func appendEntryKey(dst []byte, uid uint64, id stream.ID) []byte {
	dst = append(appendDataPrefix(dst, uid), tagEntry)
	dst = binary.BigEndian.AppendUint64(dst, id.Ms)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

// appendMarkKey appends the key of the deletion mark of entry id.
func appendMarkKey(dst []byte, uid uint64, id stream.ID) []byte {
	return append(appendEntryKey(dst, uid, id), entryMark)
}

// appendNodeKey appends the key of the node record whose last entry is
// last.
func appendNodeKey(dst []byte, uid uint64, last stream.ID) []byte {
	return append(appendEntryKey(dst, uid, last), entryNode)
}

// nodeHeaderLen is the node record value's header: the first entry's ID.
const nodeHeaderLen = stream.IDLen

// appendNodeValue appends a node record's value: the ID of its first
// entry, then the node's bytes.
func appendNodeValue(dst []byte, first stream.ID, data []byte) []byte {
	return append(appendID(dst, first), data...)
}

// appendEntriesEnd appends the first key after every entry of uid.
func appendEntriesEnd(dst []byte, uid uint64) []byte {
	return append(appendDataPrefix(dst, uid), tagEntry+1)
}

// appendGroupPrefix appends the prefix of every record of group g of uid:
// the name is length-prefixed so that no group's prefix is a prefix of
// another's.
func appendGroupPrefix(dst []byte, uid uint64, g string) []byte {
	dst = append(appendDataPrefix(dst, uid), tagGroup)
	dst = binary.AppendUvarint(dst, uint64(len(g)))
	return append(dst, g...)
}

func appendGroupKey(dst []byte, uid uint64, g string) []byte {
	return append(appendGroupPrefix(dst, uid, g), grpRecord)
}

func appendConsumerKey(dst []byte, uid uint64, g, c string) []byte {
	dst = append(appendGroupPrefix(dst, uid, g), grpConsumer)
	return append(dst, c...)
}

func appendPendingKey(dst []byte, uid uint64, g string, id stream.ID) []byte {
	dst = append(appendGroupPrefix(dst, uid, g), grpPending)
	dst = binary.BigEndian.AppendUint64(dst, id.Ms)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

// appendFields packs an entry's fields: a count, then each field length-
// prefixed.
func appendFields(dst []byte, fields [][]byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(fields)))
	for _, f := range fields {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// fieldsLen is the packed size of fields.
func fieldsLen(fields [][]byte) int {
	n := uvarintLen(uint64(len(fields)))
	for _, f := range fields {
		n += uvarintLen(uint64(len(f))) + len(f)
	}
	return n
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// parseFields unpacks an entry value, appending each field's range to dst:
// v's bytes sit at offset base of the buffer the ranges refer to.
func parseFields(dst []span32, v []byte, base int) ([]span32, bool) {
	n, k := binary.Uvarint(v)
	if k <= 0 || n > uint64(len(v)) {
		return dst, false
	}
	p := k
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(v[p:])
		if k <= 0 || l > uint64(len(v)-p-k) {
			return dst, false
		}
		p += k
		dst = append(dst, span32{uint32(base + p), uint32(base + p + int(l))})
		p += int(l)
	}
	return dst, p == len(v)
}

func appendID(dst []byte, id stream.ID) []byte {
	dst = binary.BigEndian.AppendUint64(dst, id.Ms)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

func appendMetaValue(dst []byte, m StreamMeta) []byte {
	dst = appendID(dst, m.LastID)
	dst = appendID(dst, m.MaxDeletedID)
	dst = appendID(dst, m.FirstID)
	dst = binary.BigEndian.AppendUint64(dst, m.EntriesAdded)
	if m.Idmp == (IdmpMeta{}) {
		return dst
	}
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.Idmp.Duration))
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.Idmp.MaxSize))
	dst = binary.BigEndian.AppendUint64(dst, m.Idmp.Added)
	return binary.BigEndian.AppendUint64(dst, m.Idmp.Duplicates)
}

// metaIdmpLen is the length of the optional tail of a metadata value that
// holds StreamMeta.Idmp. A stream that never used idempotent production
// has none, so its record is what versions before Redis 8.6's commands
// wrote.
const metaIdmpLen = 32

func parseMetaValue(v []byte) (StreamMeta, bool) {
	if len(v) != metaValLen && len(v) != metaValLen+metaIdmpLen {
		return StreamMeta{}, false
	}
	m := StreamMeta{
		LastID:       stream.DecodeID(v),
		MaxDeletedID: stream.DecodeID(v[16:]),
		FirstID:      stream.DecodeID(v[32:]),
		EntriesAdded: binary.BigEndian.Uint64(v[48:]),
	}
	if t := v[metaValLen:]; len(t) == metaIdmpLen {
		m.Idmp = IdmpMeta{
			Duration:   int64(binary.BigEndian.Uint64(t)),
			MaxSize:    int64(binary.BigEndian.Uint64(t[8:])),
			Added:      binary.BigEndian.Uint64(t[16:]),
			Duplicates: binary.BigEndian.Uint64(t[24:]),
		}
	}
	return m, true
}

// appendIdmpKey appends the key of producer pid's idempotent ID iid of
// uid. The pid is length-prefixed, so no pid's records are a prefix of
// another's.
func appendIdmpKey(dst []byte, uid uint64, pid, iid string) []byte {
	dst = append(appendDataPrefix(dst, uid), tagIdmp)
	dst = binary.AppendUvarint(dst, uint64(len(pid)))
	return append(append(dst, pid...), iid...)
}

func appendIdmpValue(dst []byte, id stream.ID, ms int64) []byte {
	return binary.BigEndian.AppendUint64(appendID(dst, id), uint64(ms))
}

// parseIdmpRecord splits an idempotent-ID record: rest is its key after
// the tag. pid and iid alias rest.
func parseIdmpRecord(rest, val []byte) (pid, iid []byte, id stream.ID, ms int64, ok bool) {
	n, w := binary.Uvarint(rest)
	if w <= 0 || n >= uint64(len(rest)-w) || len(val) != stream.IDLen+8 {
		return nil, nil, stream.ID{}, 0, false
	}
	pid, iid = rest[w:w+int(n)], rest[w+int(n):]
	return pid, iid, stream.DecodeID(val), int64(binary.BigEndian.Uint64(val[stream.IDLen:])), n > 0
}

func appendGroupValue(dst []byte, lastID stream.ID, entriesRead int64) []byte {
	dst = appendID(dst, lastID)
	return binary.BigEndian.AppendUint64(dst, uint64(entriesRead))
}

func parseGroupValue(v []byte) (lastID stream.ID, entriesRead int64, ok bool) {
	if len(v) != groupVal {
		return stream.ID{}, 0, false
	}
	return stream.DecodeID(v), int64(binary.BigEndian.Uint64(v[16:])), true
}

func appendConsumerValue(dst []byte, seen, active int64) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(seen))
	return binary.BigEndian.AppendUint64(dst, uint64(active))
}

func parseConsumerValue(v []byte) (seen, active int64, ok bool) {
	if len(v) != consVal {
		return 0, 0, false
	}
	return int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:])), true
}

func appendPendingValue(dst []byte, deliveryTime int64, count uint64, owner string) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(deliveryTime))
	dst = binary.BigEndian.AppendUint64(dst, count)
	return append(dst, owner...)
}

// parsePendingValue decodes a pending record; owner aliases v.
func parsePendingValue(v []byte) (deliveryTime int64, count uint64, owner []byte, ok bool) {
	if len(v) < pendFixed {
		return 0, 0, nil, false
	}
	return int64(binary.BigEndian.Uint64(v)), binary.BigEndian.Uint64(v[8:]), v[pendFixed:], true
}

// corruptf returns an ErrCorrupt error about record key k.
func corruptf(k []byte, format string, args ...any) error {
	const show = 64
	kk := k
	if len(kk) > show {
		kk = kk[:show]
	}
	return fmt.Errorf("%w: record %x: %s", ErrCorrupt, kk, fmt.Sprintf(format, args...))
}
