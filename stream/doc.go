// Package stream holds the stream data type: entries keyed by 128-bit IDs in
// a radix tree of packed nodes, as Redis keeps them in a rax of listpacks. It
// knows nothing of RESP or of commands.
//
// A Stream is a radix tree (package radix) from each node's master ID to a
// node: one byte slice holding up to Config.NodeMaxEntries entries, its
// size judged as Redis judges a listpack's against Config.NodeMaxBytes.
// Inside a node, IDs are varint deltas from the master ID, and an entry
// whose field names equal the node's first entry's stores only its values.
// There are no per-entry Go objects or pointers: an entry costs its bytes
// plus a few bytes of framing.
//
// Appends go to the last node (amortised O(1)); reads seek the node holding
// the start ID and walk (O(log N + M), in either direction); XDEL flags an
// entry deleted in place and drops a node once nothing in it is live;
// trimming drops whole nodes from the front and, when exact, flags entries
// of the next node, exactly as Redis's streamTrim does. TrimMaxLenWith and
// TrimMinIDWith take TrimHooks for Redis 8.2's reference policies: the
// caller names the entries that must stay (ACKED), which the trim steps
// over, and learns each entry and node it removed (DELREF, persistence).
//
// For persistence, Append reports each node it closes (its span and packed
// bytes) and Remove each node a deletion empties, and Adopt takes a closed
// node back from its bytes, checking them fully, so that a store can keep
// closed nodes whole and a restart need not re-pack their entries
// (AdoptOwned keeps the caller's buffer instead of a copy of it).
//
// The metadata Redis keeps per stream is kept here too: length, last ID,
// max deleted entry ID, entries added and first ID, with setters for XSETID
// and for loading.
//
// IDs are parsed (ParseID, ParseStrictID, ParseUint) with the exact
// acceptance rules of Redis, including its quirks: C-string truncation at a
// NUL byte, strtoull's leading spaces, signs and zeros, and the 127-byte cap.
//
// Nothing here is safe for concurrent use: the command layer serialises
// access to each stream. Bytes handed out by reads alias the stream's
// storage and are valid until its next mutation.
package stream
