// Package stream holds the stream data type: entries keyed by 128-bit IDs in
// a radix tree of packed nodes, as Redis keeps them in a rax of listpacks. It
// knows nothing of RESP or of commands.
package stream
