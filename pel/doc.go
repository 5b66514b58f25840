// Package pel holds the consumer groups of a stream: each group's cursor
// (last delivered ID and entries-read counter), its consumers, and its
// pending entries list (PEL), the entries delivered to a consumer and not yet
// acknowledged. It is the data half of XGROUP, XREADGROUP, XACK, XPENDING,
// XCLAIM, XAUTOCLAIM and XINFO; it knows nothing of RESP, of Redis's error
// texts or of the stream's entries. Outcomes are reported as sentinel errors
// (ErrGroupExists, ErrNotPending, ...) for the command layer to translate.
//
// # Model
//
// Groups is the set of groups of one stream, ordered by name in byte order
// (the order in which Redis iterates its cgroups rax). A Group holds its
// consumers, ordered by name the same way, and its PEL, an ordered index from
// stream ID to *Pending. Each Consumer holds its own ordered PEL with the very
// same *Pending records: the group PEL is the disjoint union of the
// consumers' PELs, and each record's Owner holds it. Group.Check verifies
// exactly that. Every index is a B+tree (btree.go); lookups, inserts and
// deletes are O(log N), range scans O(log N + scanned), and a group with
// 1,000,000 pending entries is an ordinary case.
//
// Times are Unix milliseconds supplied by the caller (Redis uses one time
// snapshot per command); nothing in this package reads the clock.
//
// # What changed
//
// Persistence records each change as logical ops (GroupPut, ConsumerPut,
// PendingPut, PendingDel, ...). The mutating methods therefore return the
// records they touched, or call back for each one, and their doc comments
// name every field they change, so the command layer can emit exactly the
// ops needed without diffing.
//
// # Concurrency
//
// Nothing here is safe for concurrent use. The command layer serialises all
// access to a stream and its groups. Pointers to groups, consumers and
// pending records stay valid only while the caller holds that serialisation:
// a blocked reader that wakes up must look its group and consumer up again by
// name, as Redis does. Operations given a consumer that was deleted, or a
// group that was destroyed, fail with ErrNotMember or ErrGroupDestroyed
// rather than corrupting the indexes.
//
// # Delivery-time order
//
// Redis 8.4's XREADGROUP ... CLAIM claims a group's pending entries most
// idle first, which wants them ordered by delivery time too. That index
// (claimidle.go: Group.ClaimIdle, Group.ClaimableAt) is built lazily, on a
// group's first CLAIM read, and maintained from then on; groups that never
// claim that way have none and pay nothing for it. It is memory only and
// rebuilt after a restart on the next CLAIM read.
//
// # Released entries (XNACK)
//
// Redis 8.8's XNACK releases pending entries without acknowledging them:
// they stay in the group PEL, owned by no consumer, delivered at time 0, in
// a FIFO "NACK queue" that XREADGROUP ... CLAIM takes before any idle
// entry (nack.go: Group.Nack, Nacked, NackedLen, LoadNacked). Such a
// record's owner is the group's unowned pseudo-consumer (named "", never
// one of Consumers), so the group PEL is still the disjoint union of the
// consumers' PELs and the pseudo-consumer's; the queue replaces the
// delivery-time index for them.
//
// # Room for what comes next
//
// Redelivery or dead-lettering after an ack timeout can use the same
// delivery-time index; XACKDEL, XDELEX and the KEEPREF/DELREF/ACKED trimming
// options want to know, per entry, whether every group has acknowledged it.
// The latter is in refs.go: Groups.Referenced, MinLastID, AnyPending and
// AckAll answer from the groups themselves (O(groups) lookups per entry, no
// extra index yet). The package is shaped so both are additions:
//
//   - All index maintenance of a Group goes through a handful of methods in
//     group.go: link and unlink (a record enters or leaves the group; the
//     group-wide half of unlink, unlinkGroupLevel, also serves
//     DeleteConsumer, which drops the consumer's own index whole, and
//     unlinkID is unlink for a record known by its ID only), setOwner
//     (a record moves between consumers) and setDelivery (its delivery time
//     or count changes). Records are built complete and then linked; no
//     other code writes a record's delivery fields or touches an index. The
//     delivery-time index (a btree keyed by time then ID, the same generic
//     tree), once built, is maintained in link, unlinkGroupLevel, unlinkID
//     and setDelivery, and nowhere else.
//   - Every Group keeps a pointer to its Groups, so link and unlink can also
//     maintain a per-stream reference index (ID -> how many groups hold it
//     pending) that answers "has every group acknowledged this entry" along
//     with each group's LastID (entries above it are undelivered, hence
//     unacknowledged).
//   - The ID-ordered indexes sit behind the small pelIndex interface
//     (index.go), so a radix tree keyed by the 16-byte ID encoding can replace
//     the B-tree without touching the group logic.
package pel
