//go:build unix

package persist

import (
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// InUse reports whether another process has the store in dir open: whether
// some process holds the fcntl lock that Open takes on dir's LOCK file. A
// directory without a LOCK file is not in use. It exists so that removing
// an old backup never deletes a directory a server was started on.
//
// It must not be called on a store this process has open: closing any
// descriptor of a file drops the process's own fcntl locks on it.
func InUse(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "LOCK"))
	if err != nil {
		return false
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
		return true // cannot tell: keep the directory
	}
	return lk.Type != unix.F_UNLCK
}
