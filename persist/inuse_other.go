//go:build !unix

package persist

// InUse reports whether another process has the store in dir open. Without
// fcntl locks to ask, it answers false.
func InUse(dir string) bool { return false }
