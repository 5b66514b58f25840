package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/stream"
)

// The stream object types (rdb.h's RDB_TYPE_STREAM_LISTPACKS*): 15 until
// Redis 7.0, 19 in 7.0 (adding the first ID, the max deleted ID, entries
// added and each group's entries read), 21 from 7.2 (adding each
// consumer's active time).
const (
	TypeStreamListpacks  = 15
	TypeStreamListpacks2 = 19
	TypeStreamListpacks3 = 21
)

// Version is the RDB version Encode writes: Redis 7.0's, the newest that
// Redis 7.0 accepts (it refuses payloads of any later version).
// MaxVersion is the newest Decode accepts: Redis 7.4's.
const (
	Version    = 10
	MaxVersion = 12
)

// The errors Verify and Decode return (wrapped, with details, for
// ErrBadFormat).
var (
	ErrVersionOrChecksum = errors.New("rdb: payload version or checksum are wrong")
	ErrBadFormat         = errors.New("rdb: bad data format")
)

// footerSize is the 2-byte version and the 8-byte CRC that end a payload.
const footerSize = 10

// Stream flags of an entry in a listpack (t_stream.c's STREAM_ITEM_FLAG_*).
const (
	flagDeleted    = 1 << 0
	flagSameFields = 1 << 1
)

// Encode returns the DUMP payload of a stream and its groups (nil for
// none): type 19, RDB version 10. It reads s and groups only.
func Encode(s *stream.Stream, groups *pel.Groups) []byte {
	// The payload is about the size of the stream's packed nodes: sized
	// once, it is not copied over and over as it grows (a 100 MB stream's
	// DUMP spent a third of its time in those copies).
	b := make([]byte, 0, s.MemoryUsage()+4096)
	b = append(b, TypeStreamListpacks2)
	b = appendLen(b, uint64(s.Nodes()))
	s.EachNode(func(n *stream.NodeInfo) bool {
		key := n.Master.Bytes()
		b = appendString(b, key[:])
		b = appendString(b, encodeNode(n))
		return true
	})
	b = appendLen(b, s.Len())
	for _, id := range []stream.ID{s.LastID(), s.FirstID(), s.MaxDeletedID()} {
		b = appendLen(appendLen(b, id.Ms), id.Seq)
	}
	b = appendLen(b, s.EntriesAdded())
	if groups == nil {
		b = appendLen(b, 0)
	} else {
		b = appendLen(b, uint64(groups.Len()))
		for g := range groups.All() {
			b = appendGroup(b, g)
		}
	}
	return AppendFooter(b, Version)
}

// AppendFooter ends a payload whose type byte and value are in b: the RDB
// version, then the CRC64 of everything before the CRC.
func AppendFooter(b []byte, version uint16) []byte {
	b = binary.LittleEndian.AppendUint16(b, version)
	return binary.LittleEndian.AppendUint64(b, crc64Redis(0, b))
}

// encodeNode packs a node into the listpack Redis keeps for it: the
// master entry (live count, deleted count, field names, a 0), then each
// entry as flags, ID deltas from the master, the fields (only the values
// when the names are the master's) and the entry's element count.
func encodeNode(n *stream.NodeInfo) []byte {
	w := newLPWriter()
	w.int(int64(n.Live))
	w.int(int64(n.Dead))
	w.int(int64(len(n.Names)))
	for _, name := range n.Names {
		w.str(name)
	}
	w.int(0)
	for _, e := range n.Entries {
		nf := len(e.Fields) / 2
		same := nf == len(n.Names)
		for i := 0; same && i < nf; i++ {
			same = string(e.Fields[2*i]) == string(n.Names[i])
		}
		var flags int64
		if e.Deleted {
			flags |= flagDeleted
		}
		if same {
			flags |= flagSameFields
		}
		w.int(flags)
		// Redis subtracts both parts, whatever the milliseconds do, and
		// stores the differences as signed 64-bit numbers.
		w.int(int64(e.ID.Ms - n.Master.Ms))
		w.int(int64(e.ID.Seq - n.Master.Seq))
		count := int64(nf + 3)
		if !same {
			w.int(int64(nf))
			count += int64(nf + 1)
		}
		for i, f := range e.Fields {
			if same && i%2 == 0 {
				continue
			}
			w.str(f)
		}
		w.int(count)
	}
	return w.finish()
}

func appendGroup(b []byte, g *pel.Group) []byte {
	b = appendString(b, []byte(g.Name()))
	b = appendLen(appendLen(b, g.LastID.Ms), g.LastID.Seq)
	b = appendLen(b, uint64(g.EntriesRead)) // -1 (unknown) as 2^64-1, as Redis
	b = appendLen(b, uint64(g.Len()))
	cur := g.Seek(stream.Min)
	for p, ok := cur.Next(); ok; p, ok = cur.Next() {
		id := p.ID().Bytes()
		b = append(b, id[:]...)
		b = appendMs(b, p.DeliveryTime())
		b = appendLen(b, p.DeliveryCount())
	}
	// Entries XNACK released belong to no consumer, which an RDB stream
	// cannot say: they are written as owned by a consumer named "" (merged
	// into a real one of that name), with their delivery time 0, so that
	// any claim takes them at once after a RESTORE.
	var released []stream.ID
	if g.NackedLen() > 0 {
		for p := range g.Nacked {
			released = append(released, p.ID())
		}
		slices.SortFunc(released, stream.ID.Compare)
	}
	if released != nil && g.Consumer("") == nil {
		// "" sorts first, as Redis writes the consumers.
		b = appendLen(b, uint64(g.NumConsumers()+1))
		b = appendReleased(b, nil, released)
	} else {
		b = appendLen(b, uint64(g.NumConsumers()))
	}
	for c := range g.Consumers() {
		if released != nil && c.Name() == "" {
			b = appendReleased(b, c, released)
			continue
		}
		b = appendString(b, []byte(c.Name()))
		b = appendMs(b, c.SeenTime())
		b = appendLen(b, uint64(c.Len()))
		cur := c.Seek(stream.Min)
		for p, ok := cur.Next(); ok; p, ok = cur.Next() {
			id := p.ID().Bytes()
			b = append(b, id[:]...)
		}
	}
	return b
}

// appendReleased writes the consumer "" owning the released IDs (sorted)
// and, when c (the group's real consumer "") is not nil, c's own entries,
// in ID order.
func appendReleased(b []byte, c *pel.Consumer, released []stream.ID) []byte {
	ids := released
	var seen int64
	if c != nil {
		seen = c.SeenTime()
		cur := c.Seek(stream.Min)
		for p, ok := cur.Next(); ok; p, ok = cur.Next() {
			ids = append(ids, p.ID())
		}
		slices.SortFunc(ids, stream.ID.Compare)
	}
	b = appendString(b, nil)
	b = appendMs(b, seen)
	b = appendLen(b, uint64(len(ids)))
	for _, id := range ids {
		raw := id.Bytes()
		b = append(b, raw[:]...)
	}
	return b
}

// Verify checks a payload's footer as Redis's verifyDumpPayload does: at
// least 10 bytes, an RDB version up to MaxVersion and a CRC64 of all but
// the last 8 bytes equal to them. It returns ErrVersionOrChecksum or nil.
func Verify(payload []byte) error {
	if len(payload) < footerSize {
		return ErrVersionOrChecksum
	}
	f := payload[len(payload)-footerSize:]
	if binary.LittleEndian.Uint16(f) > MaxVersion {
		return ErrVersionOrChecksum
	}
	if crc64Redis(0, payload[:len(payload)-8]) != binary.LittleEndian.Uint64(f[2:]) {
		return ErrVersionOrChecksum
	}
	return nil
}

// Value is a decoded stream with its groups (nil when it has none).
type Value struct {
	Stream *stream.Stream
	Groups *pel.Groups
}

// Decode verifies a payload (see Verify) and rebuilds the stream it holds,
// with nodes limited by cfg for later appends. Any other object type, and
// any payload that does not decode to a consistent stream, gives an error
// wrapping ErrBadFormat; Decode never panics on bad input. Bytes between
// the value and the footer are ignored, as Redis ignores them.
func Decode(payload []byte, cfg stream.Config) (Value, error) {
	if err := Verify(payload); err != nil {
		return Value{}, err
	}
	r := &reader{b: payload[:len(payload)-footerSize]}
	d := decoder{r: r}
	v, err := d.value(cfg)
	if err != nil {
		return Value{}, fmt.Errorf("%w: %v", ErrBadFormat, err)
	}
	return v, nil
}

type decoder struct {
	r   *reader
	typ byte
}

func (d *decoder) value(cfg stream.Config) (Value, error) {
	typ, err := d.r.byte()
	if err != nil {
		return Value{}, err
	}
	switch typ {
	case TypeStreamListpacks, TypeStreamListpacks2, TypeStreamListpacks3:
	default:
		return Value{}, fmt.Errorf("object type %d is not a stream", typ)
	}
	d.typ = typ
	s := stream.New(cfg)
	if err := d.nodes(s); err != nil {
		return Value{}, err
	}
	if err := d.meta(s); err != nil {
		return Value{}, err
	}
	groups, err := d.groups(s)
	if err != nil {
		return Value{}, err
	}
	return Value{Stream: s, Groups: groups}, nil
}

func (d *decoder) id() (stream.ID, error) {
	ms, err := d.r.len()
	if err != nil {
		return stream.ID{}, err
	}
	seq, err := d.r.len()
	return stream.ID{Ms: ms, Seq: seq}, err
}

func (d *decoder) nodes(s *stream.Stream) error {
	n, err := d.r.count(2)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := d.r.str()
		if err != nil {
			return err
		}
		if len(key) != stream.IDLen {
			return fmt.Errorf("node key of %d bytes", len(key))
		}
		lp, err := d.r.str()
		if err != nil {
			return err
		}
		entries, err := decodeNode(stream.DecodeID(key), lp)
		if err != nil {
			return fmt.Errorf("node %d: %w", i, err)
		}
		if _, err := s.AppendNode(entries); err != nil {
			return fmt.Errorf("node %d: %w", i, err)
		}
	}
	return nil
}

// decodeNode reads the entries of one node's listpack, checking that the
// master entry's counts and each entry's element count agree with what
// the entries hold.
func decodeNode(master stream.ID, lp []byte) ([]stream.NodeEntry, error) {
	r, err := openLP(lp)
	if err != nil {
		return nil, err
	}
	live, err := r.int()
	if err != nil {
		return nil, err
	}
	dead, err := r.int()
	if err != nil {
		return nil, err
	}
	nf, err := r.int()
	if err != nil {
		return nil, err
	}
	if nf < 1 || nf > int64(len(lp)) {
		return nil, fmt.Errorf("master has %d fields", nf)
	}
	names := make([][]byte, nf)
	for i := range names {
		if names[i], err = r.str(); err != nil {
			return nil, err
		}
	}
	if z, err := r.int(); err != nil || z != 0 {
		return nil, fmt.Errorf("master entry not terminated")
	}
	var entries []stream.NodeEntry
	var gotLive, gotDead int64
	for !r.done() {
		flags, err := r.int()
		if err != nil {
			return nil, err
		}
		if flags&^(flagDeleted|flagSameFields) != 0 {
			return nil, fmt.Errorf("entry flags %#x", flags)
		}
		msd, err := r.int()
		if err != nil {
			return nil, err
		}
		seqd, err := r.int()
		if err != nil {
			return nil, err
		}
		e := stream.NodeEntry{ID: stream.ID{Ms: master.Ms + uint64(msd), Seq: master.Seq + uint64(seqd)}, Deleted: flags&flagDeleted != 0}
		same := flags&flagSameFields != 0
		n := nf
		if !same {
			if n, err = r.int(); err != nil {
				return nil, err
			}
			if n < 1 || n > int64(len(lp)) {
				return nil, fmt.Errorf("entry has %d fields", n)
			}
		}
		e.Fields = make([][]byte, 0, 2*n)
		for i := int64(0); i < n; i++ {
			if same {
				e.Fields = append(e.Fields, names[i])
			} else {
				f, err := r.str()
				if err != nil {
					return nil, err
				}
				e.Fields = append(e.Fields, f)
			}
			v, err := r.str()
			if err != nil {
				return nil, err
			}
			e.Fields = append(e.Fields, v)
		}
		want := n + 3
		if !same {
			want += n + 1
		}
		if c, err := r.int(); err != nil || c != want {
			return nil, fmt.Errorf("entry %v: bad lp-count", e.ID)
		}
		if e.Deleted {
			gotDead++
		} else {
			gotLive++
		}
		entries = append(entries, e)
	}
	if err := r.close(); err != nil {
		return nil, err
	}
	if gotLive != live || gotDead != dead {
		return nil, fmt.Errorf("counts %d live %d deleted, entries %d and %d", live, dead, gotLive, gotDead)
	}
	return entries, nil
}

func (d *decoder) meta(s *stream.Stream) error {
	length, err := d.r.len()
	if err != nil {
		return err
	}
	last, err := d.id()
	if err != nil {
		return err
	}
	maxDeleted, added := stream.ID{}, length
	if d.typ != TypeStreamListpacks {
		if _, err := d.id(); err != nil { // the first ID, which the entries give
			return err
		}
		if maxDeleted, err = d.id(); err != nil {
			return err
		}
		if added, err = d.r.len(); err != nil {
			return err
		}
	}
	switch {
	case length != s.Len():
		return fmt.Errorf("length %d, entries %d", length, s.Len())
	case last.Less(s.LastID()):
		return fmt.Errorf("last ID %v below entry %v", last, s.LastID())
	case added < length:
		return fmt.Errorf("entries added %d below length %d", added, length)
	}
	s.SetLastID(last)
	s.SetMaxDeletedID(maxDeleted)
	s.SetEntriesAdded(added)
	return nil
}

// pendingRecord is a global PEL entry waiting for its owner.
type pendingRecord struct {
	time  int64
	count uint64
	owned bool
}

func (d *decoder) groups(s *stream.Stream) (*pel.Groups, error) {
	n, err := d.r.count(4)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	gs := &pel.Groups{}
	for i := 0; i < n; i++ {
		if err := d.group(s, gs); err != nil {
			return nil, err
		}
	}
	return gs, nil
}

func (d *decoder) group(s *stream.Stream, gs *pel.Groups) error {
	name, err := d.r.str()
	if err != nil {
		return err
	}
	last, err := d.id()
	if err != nil {
		return err
	}
	read := int64(pel.UnknownEntriesRead)
	if d.typ == TypeStreamListpacks {
		if n, ok := s.DistanceFromFirstEver(last); ok {
			read = int64(n)
		}
	} else {
		n, err := d.r.len()
		if err != nil {
			return err
		}
		read = int64(n)
	}
	g, err := gs.Create(string(name), last, read)
	if err != nil {
		return fmt.Errorf("group %q: %w", name, err)
	}
	np, err := d.r.count(stream.IDLen + 9)
	if err != nil {
		return err
	}
	recs := make(map[stream.ID]*pendingRecord, np)
	for i := 0; i < np; i++ {
		raw, err := d.r.raw(stream.IDLen)
		if err != nil {
			return err
		}
		t, err := d.r.ms()
		if err != nil {
			return err
		}
		if t < 0 {
			// A delivery before the epoch, which no command makes (XCLAIM
			// clamps bogus times), is read as the epoch: runnel's store
			// marks an XNACK-released entry by a negative time, which an
			// entry of a consumer named "" must not carry.
			t = 0
		}
		c, err := d.r.len()
		if err != nil {
			return err
		}
		id := stream.DecodeID(raw)
		if recs[id] != nil {
			return fmt.Errorf("group %q: %v twice in the PEL", name, id)
		}
		recs[id] = &pendingRecord{time: t, count: c}
	}
	nc, err := d.r.count(10)
	if err != nil {
		return err
	}
	for i := 0; i < nc; i++ {
		cname, err := d.r.str()
		if err != nil {
			return err
		}
		seen, err := d.r.ms()
		if err != nil {
			return err
		}
		active := seen // what Redis 7.2+ assumes for older payloads
		if d.typ == TypeStreamListpacks3 {
			if active, err = d.r.ms(); err != nil {
				return err
			}
		}
		con, err := g.LoadConsumer(string(cname), seen, active)
		if err != nil {
			return fmt.Errorf("group %q: consumer %q: %w", name, cname, err)
		}
		k, err := d.r.count(stream.IDLen)
		if err != nil {
			return err
		}
		for j := 0; j < k; j++ {
			raw, err := d.r.raw(stream.IDLen)
			if err != nil {
				return err
			}
			id := stream.DecodeID(raw)
			rec := recs[id]
			if rec == nil || rec.owned {
				return fmt.Errorf("group %q: consumer %q: %v not pending or owned twice", name, cname, id)
			}
			rec.owned = true
			if _, err := g.LoadPending(id, con, rec.time, rec.count); err != nil {
				return err
			}
		}
	}
	for id, rec := range recs {
		if !rec.owned {
			return fmt.Errorf("group %q: pending %v has no consumer", name, id)
		}
	}
	return nil
}
