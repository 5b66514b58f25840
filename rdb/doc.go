// Package rdb reads and writes the payloads of Redis's DUMP and RESTORE
// for streams, so that a stream can move between Redis and runnel either
// way: a type byte, the value in the RDB encoding, the 2-byte RDB version
// and a CRC64 (Jones polynomial, Redis's crc64.c) of everything before it,
// both little-endian.
//
// A stream is written as RDB_TYPE_STREAM_LISTPACKS_2 (type 19) with RDB
// version 10, what Redis 7.0 writes and the newest form it accepts; Redis
// 7.2 and later read it too (and then take a consumer's active time to be
// its seen time, as Decode does). Each node becomes one listpack keyed by
// its master ID, entries delta-encoded from it with their flags and
// lp-count, followed by the metadata, the groups, their PELs and their
// consumers. Decode accepts the three stream types (15, 19 and 21) from
// payloads of RDB version up to 12 (Redis 7.4's), checks every byte it
// reads, and rebuilds the stream in the same nodes, tombstones included.
//
// The package knows nothing of RESP or of Redis's error texts: Verify and
// Decode return ErrVersionOrChecksum and ErrBadFormat (wrapped) for the
// command layer to translate.
package rdb
