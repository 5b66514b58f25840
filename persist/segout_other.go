//go:build !linux

package persist

import "github.com/cockroachdb/pebble/v2/vfs"

// descriptor returns -1 on systems other than Linux: segments are written
// through vfs.File, in the page cache.
func descriptor(vfs.File) int { return -1 }

// direct is unused on systems other than Linux.
type direct struct{}

func (*direct) writeSync(int, int64, []byte) (bool, error) { return false, nil }

func (*direct) writeCached(int, int64, []byte) error { return nil }
