//go:build !(linux || darwin)

package main

import "errors"

// osFDs is the fdSystem of systems runnel reads no descriptor limit on.
type osFDs struct{}

func (osFDs) limit() (soft, hard uint64, err error) {
	return 0, 0, errors.New("not supported on this system")
}
func (osFDs) setSoft(soft, hard uint64) error { return errors.New("not supported on this system") }
func (osFDs) open() int                       { return -1 }
