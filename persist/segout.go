package persist

import (
	"github.com/cockroachdb/pebble/v2/vfs"
)

// segOut writes one lane's current segment. On the operating system's file
// system, under Always, records are written with direct I/O and a
// synchronous-data flag (segout_linux.go): one system call writes and
// syncs them without the page cache, which on the machine measured cost
// 88-94 us of CPU and 146-170 us per 1,500-byte sync, against 118-143 us
// and 196-206 us for a write and an fdatasync (docs/BENCHMARKS.md). Other
// writes (EverySec, No, in-memory file systems) go through the page cache.
type segOut struct {
	f   vfs.File
	fd  int   // -1: no descriptor (in-memory file systems), writes use f
	off int64 // bytes of records written, the next record's offset
	d   direct
}

func newSegOut(f vfs.File) *segOut { return &segOut{f: f, fd: descriptor(f)} }

// write writes buf at the end of the records, durably when durable. It
// reports whether the records written so far are synced.
func (o *segOut) write(buf []byte, durable bool) (synced bool, err error) {
	if o.fd < 0 {
		if _, err := o.f.Write(buf); err != nil {
			return false, err
		}
		o.off += int64(len(buf))
		if durable {
			return true, o.f.SyncData()
		}
		return false, nil
	}
	if durable && len(buf) > 0 {
		if ok, err := o.d.writeSync(o.fd, o.off, buf); ok || err != nil {
			if err == nil {
				o.off += int64(len(buf))
			}
			return err == nil, err
		}
	}
	if err := o.d.writeCached(o.fd, o.off, buf); err != nil {
		return false, err
	}
	o.off += int64(len(buf))
	if durable {
		return true, o.f.SyncData()
	}
	return false, nil
}
