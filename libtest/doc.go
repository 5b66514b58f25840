// Package libtest runs real client libraries built on Redis streams
// against an in-process runnel server, to show that they work unchanged.
//
// Its client tests (clients_test.go) go one step further: they build the
// runnel binary, start it and a real redis-server, and run the same
// stream-queue script of another language against both: node/ through
// ioredis, python/ through redis-py. Each script checks concrete replies
// and prints one JSON line per step; a step must pass on both servers and
// give the same result on both.
//
// It is a module of its own so that the libraries' dependencies (and the
// versions they would raise) stay out of the server's build: run its tests
// from this directory with `go test -race ./...`.
package libtest
