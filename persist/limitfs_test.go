package persist

import (
	"os"
	"sync"
	"syscall"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// limitFS is a volume of a fixed capacity on an in-memory file system: a
// write that would take its files past capacity bytes fails with ENOSPC
// (naming the file), and GetDiskUsage reports the bytes left, as statfs
// does. A test can make it report another figure (report), as when
// something else took space after the store looked. It counts the bytes
// of every file in its directories, walked at each write; writes are
// serialised.
type limitFS struct {
	vfs.FS

	mu       sync.Mutex
	capacity int64
	// report, when not negative, is what GetDiskUsage says is free.
	report int64
	// refused names the file of each write refused, in order.
	refused []string
}

func newLimitFS(fs vfs.FS, capacity int64) *limitFS {
	return &limitFS{FS: fs, capacity: capacity, report: -1}
}

// usedLocked returns the bytes all files take; l.mu is held.
func (l *limitFS) usedLocked() int64 {
	var n int64
	var walk func(dir string)
	walk = func(dir string) {
		names, err := l.FS.List(dir)
		if err != nil {
			return
		}
		for _, name := range names {
			p := l.FS.PathJoin(dir, name)
			fi, err := l.FS.Stat(p)
			if err != nil {
				continue
			}
			if fi.IsDir() {
				walk(p)
				continue
			}
			n += fi.Size()
		}
	}
	walk("/")
	return n
}

// refusals returns the files of the writes refused so far.
func (l *limitFS) refusals() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.refused...)
}

// used returns the bytes all files take.
func (l *limitFS) used() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.usedLocked()
}

// setCapacity changes the volume's size.
func (l *limitFS) setCapacity(n int64) {
	l.mu.Lock()
	l.capacity = n
	l.mu.Unlock()
}

// setReport makes GetDiskUsage say n bytes are free (-1: the truth).
func (l *limitFS) setReport(n int64) {
	l.mu.Lock()
	l.report = n
	l.mu.Unlock()
}

func (l *limitFS) GetDiskUsage(string) (vfs.DiskUsage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	used := l.usedLocked()
	avail := max(l.capacity-used, 0)
	if l.report >= 0 {
		avail = l.report
	}
	return vfs.DiskUsage{AvailBytes: uint64(avail), TotalBytes: uint64(l.capacity), UsedBytes: uint64(used)}, nil
}

func (l *limitFS) wrap(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return &limitFile{File: f, fs: l, name: name}, nil
}

func (l *limitFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := l.FS.Create(name, c)
	return l.wrap(name, f, err)
}

func (l *limitFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := l.FS.ReuseForWrite(oldname, newname, c)
	return l.wrap(newname, f, err)
}

func (l *limitFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := l.FS.OpenReadWrite(name, c, opts...)
	return l.wrap(name, f, err)
}

// limitFile is a file of a limitFS. Write writes at its own offset, from
// 0, as the files of vfs.MemFS do.
type limitFile struct {
	vfs.File
	fs   *limitFS
	name string
	off  int64
}

// checkLocked refuses a write of n bytes at off if the file's growth does not
// fit; l.fs.mu is held.
func (f *limitFile) checkLocked(off, n int64) error {
	fi, err := f.File.Stat()
	if err != nil {
		return err
	}
	if grow := off + n - fi.Size(); grow > 0 && f.fs.usedLocked()+grow > f.fs.capacity {
		f.fs.refused = append(f.fs.refused, f.name)
		return &os.PathError{Op: "write", Path: f.name, Err: syscall.ENOSPC}
	}
	return nil
}

func (f *limitFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked(f.off, int64(len(p))); err != nil {
		return 0, err
	}
	n, err := f.File.Write(p)
	f.off += int64(n)
	return n, err
}

func (f *limitFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked(off, int64(len(p))); err != nil {
		return 0, err
	}
	return f.File.WriteAt(p, off)
}
