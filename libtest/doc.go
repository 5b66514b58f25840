// Package libtest runs real client libraries built on Redis streams
// against an in-process runnel server, to show that they work unchanged.
//
// It is a module of its own so that the libraries' dependencies (and the
// versions they would raise) stay out of the server's build: run its tests
// from this directory with `go test -race ./...`.
package libtest
