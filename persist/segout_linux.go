package persist

import (
	"errors"
	"unsafe"

	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/sys/unix"
)

// descriptor returns f's file descriptor, -1 for a file without one.
func descriptor(f vfs.File) int {
	if fd := f.Fd(); fd != vfs.InvalidFd {
		return int(fd)
	}
	return -1
}

// directBlock is the alignment of direct I/O: offsets, lengths and the
// buffer's address.
const directBlock = 4096

// direct is the direct-I/O state of a segment's descriptor.
type direct struct {
	on    bool   // O_DIRECT is set on the descriptor
	off   bool   // direct I/O failed once (a file system without it): never again
	tail  []byte // the records' bytes in their last, partial block
	stage []byte // aligned staging buffer
}

// writeSync writes buf at offset at and syncs it in one call, rewriting the
// partial block before it from tail and padding to a whole block with
// zeros (which end a reading of the segment, and are overwritten by the
// next records). It reports false, writing nothing, when direct I/O cannot
// be used; the caller then writes through the page cache.
func (d *direct) writeSync(fd int, at int64, buf []byte) (bool, error) {
	if d.off {
		return false, nil
	}
	if !d.on {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err == nil {
			_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl|unix.O_DIRECT)
		}
		if err != nil {
			d.off = true
			return false, nil
		}
		d.on = true
	}
	start := at - int64(len(d.tail))
	n := len(d.tail) + len(buf)
	padded := (n + directBlock - 1) &^ (directBlock - 1)
	if cap(d.stage) < padded {
		d.stage = alignedBuffer(padded)
	}
	st := d.stage[:padded]
	copy(st, d.tail)
	copy(st[len(d.tail):], buf)
	clear(st[n:])
	for done := 0; done < padded; {
		w, err := unix.Pwritev2(fd, [][]byte{st[done:]}, start+int64(done), unix.RWF_DSYNC)
		if errors.Is(err, unix.EINVAL) && done == 0 {
			d.off = true
			d.clearFlag(fd)
			return false, nil
		}
		if err != nil {
			return true, err
		}
		done += w
	}
	d.keepTail(st[:n], start+int64(n))
	return true, nil
}

// writeCached writes buf at offset at through the page cache.
func (d *direct) writeCached(fd int, at int64, buf []byte) error {
	if d.on {
		if err := d.clearFlag(fd); err != nil {
			return err
		}
	}
	for done := 0; done < len(buf); {
		w, err := unix.Pwrite(fd, buf[done:], at+int64(done))
		if err != nil {
			return err
		}
		done += w
	}
	if d.off {
		return nil // no direct writes to come: no tail to keep
	}
	// Keep the tail: the records' bytes after the last block boundary.
	end := at + int64(len(buf))
	k := int(end % directBlock)
	if k <= len(buf) {
		d.tail = append(d.tail[:0], buf[len(buf)-k:]...)
	} else {
		keep := d.tail[len(d.tail)-(k-len(buf)):]
		d.tail = append(append(make([]byte, 0, directBlock), keep...), buf...)
	}
	return nil
}

func (d *direct) clearFlag(fd int) error {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err == nil {
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl&^unix.O_DIRECT)
	}
	if err == nil {
		d.on = false
	}
	return err
}

// keepTail keeps the bytes of data (which ends at offset end) after the
// last block boundary.
func (d *direct) keepTail(data []byte, end int64) {
	k := int(end % directBlock)
	d.tail = append(d.tail[:0], data[len(data)-k:]...)
}

func alignedBuffer(n int) []byte {
	b := make([]byte, n+directBlock)
	skip := (directBlock - int(uintptr(unsafe.Pointer(&b[0]))%directBlock)) % directBlock
	return b[skip : skip+n : skip+n]
}
