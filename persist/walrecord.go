package persist

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// The log's files and records: segment names, the record format, reading
// a segment back (and telling a crash's tail from damage), and the
// log-sequence record in Pebble that says where replay starts.

// walName is the file name of segment gen.
func walName(gen uint64) string { return fmt.Sprintf("%s%016x", walPrefix, gen) }

// parseWALName returns the segment number of a log file name.
func parseWALName(name string) (uint64, bool) {
	if !strings.HasPrefix(name, walPrefix) {
		return 0, false
	}
	gen, err := strconv.ParseUint(name[len(walPrefix):], 16, 64)
	return gen, err == nil && len(name) == len(walPrefix)+16
}

// appendWALRecord appends the record of batch seq, payload repr, to dst,
// for segment gen of which synced bytes are known synced.
func appendWALRecord(dst []byte, gen, seq, synced uint64, repr []byte) []byte {
	off := len(dst)
	dst = append(dst, make([]byte, walHeader)...)
	dst = append(dst, repr...)
	h := dst[off:]
	binary.LittleEndian.PutUint32(h[4:], uint32(len(repr)))
	binary.LittleEndian.PutUint64(h[8:], gen)
	binary.LittleEndian.PutUint64(h[16:], seq)
	binary.LittleEndian.PutUint64(h[24:], synced)
	binary.LittleEndian.PutUint32(h[0:], crc32.Checksum(h[4:], castagnoli))
	return dst
}

// walRecord is one batch read back from a segment.
type walRecord struct {
	seq  uint64
	repr []byte
}

// readWALSegment reads the records of segment gen from r, which holds
// size bytes, and calls fn for each, in file order; repr is valid only
// during the call. Reading stops at the first record that is not whole
// and valid: the end of what was written, a record of a reused file's
// earlier life (which names another segment), or what a crash left of
// writes that were never synced, which the disk may have kept in any
// order: a torn record, a hole, even whole records after one.
//
// Damage to records that were synced is told from that by the synced
// count each record carries: if a valid record of this segment further on
// says that more of the segment than the stopping point had been synced
// when it was written, the record there was synced and is now unreadable:
// ErrCorrupt, rather than a store served without the batches after it.
func readWALSegment(r io.ReaderAt, size int64, gen uint64, fn func(seq uint64, repr []byte)) error {
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 256<<10)
	var buf []byte
	off := int64(0)
	for {
		h, err := br.Peek(walHeader)
		if err != nil {
			break // the file's end (or a read error, which the scan meets)
		}
		n := int64(binary.LittleEndian.Uint32(h[4:]))
		if binary.LittleEndian.Uint64(h[8:]) != gen || n > size-off-walHeader {
			break
		}
		buf = slices.Grow(buf[:0], walHeader+int(n))[:walHeader+int(n)]
		if _, err := io.ReadFull(br, buf); err != nil {
			break
		}
		if crc32.Checksum(buf[4:], castagnoli) != binary.LittleEndian.Uint32(buf) {
			break
		}
		fn(binary.LittleEndian.Uint64(buf[16:]), buf[walHeader:])
		off += walHeader + n
	}
	if off+walHeader > size {
		return nil
	}
	// Where the records after the stopping point would start: right after
	// it (damage that wiped a header too), and past the length its header
	// gives, if that names this segment (damage inside a payload, which
	// may be larger than the window).
	from := []int64{off + 1}
	var h [walHeader]byte
	if _, err := r.ReadAt(h[:], off); err == nil && binary.LittleEndian.Uint64(h[8:]) == gen {
		if next := off + walHeader + int64(binary.LittleEndian.Uint32(h[4:])); next > off+walSearch && next < size {
			from = append(from, next)
		}
	}
	for _, f := range from {
		at, found, err := findSyncedAfter(r, size, off, f, gen)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("%w: log segment %d: the record at offset %d is unreadable, but the record at offset %d says it was synced", ErrCorrupt, gen, off, at)
		}
	}
	return nil
}

// walSearch is how far past a segment's stopping point readWALSegment
// looks for records that prove it damage: far enough for any damage but
// a large one, short enough to cost nothing at start-up for the segments
// that end well before their files do (spares, reused files).
const walSearch = 1 << 20

// findSyncedAfter looks in the walSearch bytes from offset from for a
// valid record of segment gen written when more than stop bytes of the
// segment were synced. It tests every offset; only a header that names
// the segment costs more than a comparison.
func findSyncedAfter(r io.ReaderAt, size, stop, from int64, gen uint64) (int64, bool, error) {
	const piece = walSearch
	buf := make([]byte, piece+walHeader)
	for base := from; base+walHeader <= size && base < from+walSearch; base += piece {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-base)], base)
		if err != nil && err != io.EOF {
			return 0, false, fmt.Errorf("read log segment %d: %w", gen, err)
		}
		for i := 0; i+walHeader <= n && i < piece; i++ {
			h := buf[i:]
			if binary.LittleEndian.Uint64(h[8:]) != gen {
				continue
			}
			at := base + int64(i)
			synced := int64(binary.LittleEndian.Uint64(h[24:]))
			ln := int64(binary.LittleEndian.Uint32(h[4:]))
			if synced <= stop || synced > at || ln > size-at-walHeader {
				continue
			}
			rec := make([]byte, walHeader+ln)
			if _, err := r.ReadAt(rec, at); err != nil && err != io.EOF {
				return 0, false, fmt.Errorf("read log segment %d: %w", gen, err)
			}
			if crc32.Checksum(rec[4:], castagnoli) == binary.LittleEndian.Uint32(rec) {
				return at, true, nil
			}
		}
	}
	return 0, false, nil
}

func readSegmentFile(fs vfs.FS, name string, gen uint64, fn func(seq uint64, repr []byte)) error {
	f, err := fs.Open(name)
	if err != nil {
		return fmt.Errorf("persist: read log segment %d: %w", gen, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("persist: read log segment %d: %w", gen, err)
	}
	if err := readWALSegment(f, fi.Size(), gen, fn); err != nil {
		return fmt.Errorf("persist: read log segment %d: %w", gen, err)
	}
	return nil
}

// readLogSeq returns the number of the last batch Pebble holds, 0 for a
// store that has none (new, or written before runnel had its own log).
func readLogSeq(db *pebble.DB) (uint64, error) {
	v, closer, err := db.Get(logSeqKey())
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, wrapReadErr("read log-sequence record", err)
	}
	defer closer.Close()
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: log-sequence record of %d bytes", ErrCorrupt, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}
