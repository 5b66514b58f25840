// Package radix is an ordered map from fixed 16-byte keys to values: an
// adaptive radix tree (ART) with path compression and lazy expansion.
//
// Keys are compared as unsigned big-endian byte strings, so a stream ID
// encoded big-endian (ms then seq) sorts numerically. Inner nodes come in
// four sizes (4, 16, 48 and 256 children) and grow or shrink as children are
// added or removed; a key that is alone in its subtree is stored as a leaf
// directly under the deepest node that distinguishes it.
//
// Lookups, inserts and deletes touch at most 16 inner nodes. Iterators keep
// their path in a fixed array, so seeking and stepping allocate nothing.
//
// A Tree is not safe for concurrent use: callers serialise access (readers
// included, since iterators read the same nodes writers change). Mutating a
// tree invalidates its iterators; re-seek after a change.
package radix
