// Package persist makes runnel's writes durable. The commands layer records
// each write command's effects as a Batch of logical Ops and hands it to a
// Store before replying; this package alone knows how those ops map onto
// Pebble keys, and is the only one that imports Pebble.
//
// # Writing
//
// A write is Apply, then Ticket.Wait, then the reply. Apply translates the
// batch into one Pebble batch and applies it (atomically: all of it or none
// of it survives any crash), in order after every batch whose Apply has
// returned; it never waits for a sync, so the commands layer calls it under
// the lock it mutated memory with, which makes the store's order the
// keyspace's order. Wait, called after that lock is released, returns when
// the batch is durable under the fsync policy. Commit is the two in one
// call, for callers that hold no lock.
//
// Under Always the log is synced before Wait returns. Concurrent waiters
// share syncs: the log's writer syncs once for every batch queued behind
// the sync in progress. Because the log is applied in order, a batch whose
// Wait returned is durable together with every batch applied before it.
//
// # The write-ahead log
//
// The log is runnel's own (wal.go); Pebble runs with its log disabled and
// holds in its memtables what the log has not yet seen flushed. Apply
// gives each batch the next sequence number, writes it into the memtable
// together with a log-sequence record naming that number (0x01 's'), and
// appends it as one record to the log: a 32-byte header (CRC-32C of the
// rest, payload length, segment number, sequence number, bytes of the
// segment synced when the record was appended) and the Pebble batch's
// bytes. A writer goroutine writes what was appended and, under
// Always (or when one of the batches was applied under Always), syncs it
// before it takes more; it then calls OnSync's hook, on
// which the commands layer lands the waiting replies directly. On Linux,
// under Always, the writer writes and syncs in one call, with direct I/O
// and RWF_DSYNC, rewriting the partial block it last wrote (segout.go):
// on this machine that took a third less CPU and a quarter less time per
// sync than a write and an fdatasync, and XADD with 50 clients, one in
// flight each, went from 37,127 / 39,500 / 41,125 to 38,964 / 43,791 /
// 47,534 ops/s (alternated; Redis 41,907 / 45,727 / 52,145).
//
// Why not Pebble's log: each commit under Always went from the committing
// goroutine to Pebble's log writer and back, which on this machine cost as
// much as the fdatasync itself at low concurrency (244-271 us per
// single-writer commit against 130 us of fdatasync; docs/BENCHMARKS.md).
// With the writer syncing what it wrote, XADD with 50 clients and one
// command in flight each went from 48,000 to 50,000-54,000 per second and
// the latency scenario's medians fell by a fifth (same benchmarks).
//
// The log is a series of segment files (runnel-wal-<number>). A writer
// moves to a new segment once it has filled the blocks its file had; the
// old one is retired, and once a forced Pebble flush has made every batch
// in it durable in tables it is kept for reuse (renamed to the next
// segment number) or removed. Records that overwrite blocks already
// written sync faster than appended ones, whose fdatasync must also
// journal the file's new size (measured: 6,162 against 3,853 syncs a
// second), so a new store's first segments are written with zeros before
// use and a background goroutine prepares zeroed spares until flushed
// segments can be reused. A reused file's old records name its old
// segment number, so reading stops at them.
//
// Spares never take the space the log's own writes need: the spares
// prepared or kept take at most a quarter of what the volume would have
// free without them (statfs), a spare is not prepared when that leaves
// less than an eighth of a segment, and one that finds the volume full
// anyway is removed, not a failure. Without a spare a lane appends to its
// segment and, while the volume is short of space, moves to a new file
// every eighth of a segment, so that flushed segments are still removed;
// it asks for a spare again after another quarter segment. On a small
// volume the log so writes until the volume is full.
//
// Recovery (Open): Pebble's tables hold every batch up to the number in
// their log-sequence record, because memtables are flushed whole and in
// order. Open reads every segment, replays the batches numbered after
// that, in order, up to the first one missing, flushes them into tables,
// renames the old segments for reuse (or removes them) and syncs the
// directory before the new log writes anything, so no old record can be
// read as part of the new log. Reading a segment stops at the first
// record that is not whole and valid. A crash can leave more than a torn
// last record: the disk keeps unsynced writes in any order, so whole
// records may follow a hole. A later valid record whose synced count
// passes the stopping point proves that the record there had been synced,
// though: that is damage, and Open fails with ErrCorrupt instead of
// serving the store without the batches after it.
//
// The log can have several writers ("lanes", each with its own segment),
// syncing concurrently under Always: a batch is durable once every batch
// numbered before it is synced too, and recovery stops at the first gap.
// The server uses one: on this machine (a 2-core VM) a second lane took
// each batch that arrived during a sync at once, so twice the syncs for
// the same work, and the CPU of those syncs (fdatasync takes tens of
// microseconds of kernel time each here) cost more throughput than the
// overlap gained (XADD, 50 clients, one in flight each: 47,000 a second
// with one lane, 42,400 with two; consumer groups at Always unchanged). The
// tests run two lanes too (TestCrashAlways, TestWALSegmentsReused).
//
// What each policy loses (TestCrashAlways, TestCrashLossEverySecAndNo):
//
//   - Always: nothing a Wait (or Commit) returned for, on a process kill or
//     a power loss. Batches not yet acknowledged may survive or not, each
//     whole.
//   - EverySec: on a power loss, the batches applied since the last
//     background sync (about one second's worth; the sync runs once a second
//     when something was written). On a process kill, at most the log
//     writer's buffer not yet handed to the operating system.
//   - No: as EverySec. The log's writer hands each batch to the operating
//     system at once under every policy, and the background sync runs once
//     a second under No too. (It was added when the log was Pebble's,
//     which buffered unsynced records itself, so that a process kill could
//     lose writes of any age; it still bounds what a power loss takes.) On
//     top of that the commands layer does not wait for Apply before
//     replying under No (nor under EverySec, whose process-kill
//     loss is of the same kind): it applies in the background in merged
//     batches a few milliseconds apart (commands/commit.go), so a crash
//     also loses the acknowledged writes not yet applied — a few
//     milliseconds' worth, bounded by that queue's size — and a store
//     failure found while applying them (a full disk) is reported after
//     their replies: those writes are lost and later writes are refused.
//
// Close syncs and flushes, so a clean shutdown loses nothing under any
// policy. When that flush fails (a full disk), Pebble retries it for as
// long as it is open; Close waits only until the failure has failed the
// store, then closes the synced log and Pebble and returns an error: the
// log keeps what the tables lack, and the next Open replays it (and fails,
// rather than waiting, if its own flush of the replayed batches fails).
// Until then a failed store paces Pebble's retries (a quarter second
// apart) instead of letting them spin a core.
//
// # Pebble's background work
//
// Flushes, compactions and their compression run on the server's CPU
// beside the connections. Two Pebble options differ from the defaults for
// them (tuneCompaction in pebble.go says why): MinLZ instead of Snappy on
// every level, and level 0 compacted at 8 sublevels instead of 2 (writes
// stop at 48 instead of 12). Compaction concurrency stays at one, bloom
// filters and value separation stay off (runnel reads tables only in Load's
// full scan). BenchmarkAppendBackground, 1,000,000 XADDs of a 100-byte
// value, process CPU per XADD and table bytes compactions wrote per XADD,
// medians of 3, Pebble's defaults -> runnel's:
//
//	payload       streams  CPU ns         compacted bytes
//	'x' repeated  1        1527 -> 1215    20 ->   5
//	'x' repeated  64       4470 -> 3100   101 ->  23
//	random digits 1        4621 -> 2347   140 -> 155
//	random digits 64      11141 -> 5607   530 -> 382
//	JSON          1        2429 -> 2163    34 ->  33
//	JSON          64       6552 -> 5093   223 -> 103
//
// The price is disk space on data Snappy shrinks a little and MinLZ not at
// all: random digits take about 10% more (107 instead of 97 table bytes per
// entry); the other payloads take less or the same. Leaving level 0
// uncompressed (compressing only below it) was tried and did not pay:
// level-0 tables 3 to 30 times larger, no CPU saved.
//
// # Refusing a directory
//
// Open never serves an empty store in place of data it cannot read. It
// fails with ErrLocked when another store holds the directory (Pebble's
// LOCK file: an fcntl lock, EAGAIN from another process, "lock held by
// current process" from this one), ErrCorrupt for a damaged manifest, log
// (an unreadable record that a later one proves was synced, see "The
// write-ahead log") or table (size or footer), ErrNotStore
// for a non-empty directory with no store or a store without runnel's
// format record, and ErrFormatTooNew or ErrFormatTooOld for a format
// version it does not read. Damage inside a table's data blocks is found
// when the block is read: Load reads every block and fails with ErrCorrupt.
// A log that merely ends early, or ends in writes never synced, is what a
// crash leaves and is accepted. Damage to the last records a segment's
// writer synced, with nothing written after them, reads the same way: no
// later record proves they were synced.
//
// # Key layout (format version 5)
//
// Every key starts with a space byte; the spaces sort in this order. Stream
// IDs are 16 bytes, milliseconds then sequence, each big-endian, so byte
// order is ID order. Integers are big-endian and fixed-width unless marked
// uvarint; signed ones are stored as their two's-complement bits.
//
//	0x01 'v'                           -> "runnel" uint32(version)     format record
//	0x01 's'                           -> seq:uint64                   log-sequence record: the last
//	                                                                   batch applied (see the log)
//	0x02 db:uint32 name                -> uid:uint64 expire:int64      key record
//	0x03 uid:uint64 'e' id             -> uvarint(n) n×(uvarint(len) bytes)
//	                                                                   loose entry: fields name, value, ...
//	0x03 uid:uint64 'e' id 0x00        -> (empty)                      deletion mark of entry id
//	0x03 uid:uint64 'e' last 0x01      -> firstID node-bytes           node record: a closed node
//	                                                                   holding entries firstID..last
//	0x03 uid:uint64 'g' G 'a'          -> lastID entriesRead:int64     group record
//	0x03 uid:uint64 'g' G 'c' consumer -> seenTime:int64 activeTime:int64
//	0x03 uid:uint64 'g' G 'p' id       -> deliveryTime:int64 deliveryCount:uint64 owner
//	                                                                   pending entry; one XNACK
//	                                                                   released has no owner and a
//	                                                                   negative time, its place in
//	                                                                   the group's queue (version 5)
//	0x03 uid:uint64 'g' G 't' ...      -> (reserved: PEL delivery-time index)
//	0x03 uid:uint64 'i' len(P):uvarint P iid -> entryID recordedMs:int64
//	                                                   idempotent ID of producer P
//	0x03 uid:uint64 'm'                -> lastID maxDeletedID firstID entriesAdded:uint64
//	                                      [idmpDuration idmpMaxSize iidsAdded iidsDuplicates]
//	                                                                   stream metadata
//
// Version 1 had no deletion marks or node records; versions 1 and 2 kept
// the metadata at 0x03 uid 'a', before the entries; versions 1 to 3 used
// Pebble's log (which Pebble still replays at Open, and flushes). Open
// upgrades any of them by moving every named stream's metadata record to
// 'm' and rewriting the format record, in one synced batch, so that an
// older runnel, which would not read runnel's log, refuses the store.
//
// # Entries: nodes, loose entries and marks
//
// The stream package packs entries into nodes and appends only to the last
// one. An entry is first written on its own (a loose entry, EntryPut). When
// a node closes (an append starts the next one), its bytes are written as
// one node record, keyed by its last entry's ID, and in the same Pebble
// batch a range deletion removes every loose entry, mark and node record
// with an ID in the node's span (NodePut). At every crash point each entry
// is therefore in exactly one place: loose, or inside one node record.
// Start-up adopts node records as they are (stream.Stream.Adopt) instead of
// re-packing their entries, and appends only the loose entries of the last
// node. In a merged batch (a group commit of many commands), an entry
// whose node closes later in the same batch is not written loose at all;
// and a node whose first entry the batch put (it opened and closed within
// the batch) is written without the range deletion, and without the
// batch's deletion marks inside it: IDs only grow, so the store holds
// nothing in its span from before the batch, and the node bytes carry the
// deletions (translate.go, nodesCover).
//
// Node bytes are not rewritten when entries inside them go:
//
//   - XDEL (EntryDel) deletes the loose entry and writes a deletion mark
//     for its ID, which Load hands to the node record the mark falls in
//     (marks sort just before the node holding them; a mark outside every
//     node, of a loose entry, is dropped). When a deletion empties a node,
//     the commands layer drops the node's whole span (EntryDelRange), so a
//     stream drained by XDEL leaves no records.
//   - A trim removes a prefix, recorded as one range deletion [0-0, first
//     live ID) (EntryDelRange): it takes the loose entries, marks and node
//     records whose last entry is before the first live one. A node that
//     the trim cuts through keeps its record; its entries before the
//     stream's first ID, which the metadata record holds (FirstID is the
//     first live entry, 0-0 for an empty stream), are dropped at load.
//   - DEL, FLUSHDB and FLUSHALL are range deletions over everything of the
//     stream, as before.
//
// A node that closed can become the last node again when every node after
// it is deleted, take more entries (when the node limits grew) and close
// again: its second NodePut's range deletion removes the first record, and
// the loose entries written in between.
//
// where G is uvarint(len(group)) followed by the group's name, so that no
// group's prefix is a prefix of another group's.
//
// Why this shape:
//
//   - A stream's data lives under its uid, not its name: RENAME, MOVE and
//     SWAPDB rewrite key records only (KeyDel + KeyPut with the same uid).
//   - Everything of one stream shares the prefix 0x03 uid, so DEL is one
//     range deletion (StreamDrop); loose entries, marks and node records
//     share 0x03 uid 'e' and are keyed by an ID first, so a trim of any
//     length, or a node's replacement of its entries, is one range deletion
//     of an ID range (EntryDelRange, NodePut); a group, its
//     consumers and its PEL share a prefix, so XGROUP DESTROY is one
//     (GroupDel). Key records and data are adjacent spaces, so FLUSHALL is a
//     single range deletion; FLUSHDB is one for the database's key records
//     plus one per stream in it (a stream's uid is found from its key
//     record, so the translation reads the store's key records of that
//     database; such batches are applied under an exclusive lock).
//   - Entries are keyed by ID under their stream, so a later version can
//     leave old entries on disk and read a range back on demand (seek to
//     0x03 uid 'e' id: the node record holding id is the first record at or
//     after it with kind 0x01), and start serving once the key records and
//     metadata are loaded (the groups and the metadata sort after the
//     entries: one seek past the entries reaches both).
//   - The records rewritten by nearly every command — the metadata, a
//     group's cursor, its consumers and fresh pending entries — sort after
//     the entries, next to the newest ones. A flushed table of an
//     append-heavy stream then spans only the stream's tail and overlaps
//     only the last table below it, so compaction moves old tables down
//     untouched instead of rewriting the whole stream each time. (With the
//     metadata before the entries, as in versions 1 and 2, every flushed
//     table spanned the whole stream: compaction was about half the
//     server's CPU under XADD.) Load still passes the metadata first: a
//     second iterator reads it ahead as each stream begins.
//   - Node records are keyed by their last ID, not their first, so that
//     "every node wholly before the first live entry" is an ID range.
//   - Within a group the record sorts first, then consumers, then pending
//     entries, so a rebuild meets a group before its consumers and a
//     consumer before the entries it owns. The delivery-time index a later
//     issue adds goes under 't' (time, then ID); keeping it in step needs
//     the previous delivery time in PendingPut and PendingDel ops.
//   - A full scan in key order is the start-up order Load documents. Load
//     reads it on a goroutine of its own, a bounded amount ahead of the
//     Loader (loadpipe.go), and hands each node's bytes over in an
//     allocation of their own, copied once.
//
// Uids are allocated by the commands layer, above Stats.MaxUID of the last
// Load (the largest uid any record uses). A uid whose records are all
// deleted may be reused after a restart: the range deletion that removed
// them is older than anything written later. Data under a uid no key record
// names (a KeyDel without its StreamDrop) is skipped by Load and counted as
// an orphan.
package persist
