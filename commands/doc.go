// Package commands is runnel's command layer: one command table, argument
// parsing, Redis's error texts, and the handlers that translate commands
// into operations on the stream and pel packages.
//
// # Execution
//
// redcon calls Server.handle on each connection's goroutine for every
// command. A command that touches the keyspace runs under the keyspace lock
// (Server.mu), which serializes commands as Redis's single thread does.
// Each handler has three phases: parse its arguments into a struct (pure),
// execute against the keyspace while recording its effects in the current
// persist.Batch, and write its reply into the client's resp.Writer.
//
// # Mutate, commit, reply
//
// When the command ends, still under the lock, its batch gets a sequence
// number and joins the committer's queue (commit.go); the lock is released
// before the commit. The reply leaves only after the committer has made
// that sequence durable, and a command that only read waits for the latest
// sequence it could have seen, so no client observes a write that a crash
// could lose. One committer goroutine commits everything queued meanwhile as
// one store batch, so concurrent clients and the commands of a pipeline
// share an fsync. Under appendfsync no and everysec, which promise nothing
// for the last second on a crash, replies do not wait: the queue is applied
// in the background in merged batches, and writers wait only when it is
// full (commit.go).
//
// # Blocking
//
// XREAD and XREADGROUP with BLOCK register a waiter on their keys
// (block.go). Commands that change a key signal it; at the end of such a
// command the waiters of signalled keys run their command again, in the
// order they blocked, on the signalling goroutine under the lock, as Redis
// 7.4 re-executes woken commands. The blocked goroutine waits for that, its
// deadline, CLIENT UNBLOCK or its client's disconnect. WAITAOF blocks on
// no key (Server.keyless, waitaof.go): a goroutine that syncs the store
// releases it, or its deadline, CLIENT UNBLOCK or a disconnect does.
// MIGRATE blocks its client the same way while a goroutine talks to the
// target without the keyspace lock (migrate.go); only its end or a
// disconnect releases it.
//
// # Lock order
//
// durability.saveMu (save.go, held while a backup is written) →
// Server.mu (keyspace) → Server.clientsMu → Client.mu → config.mu →
// durability.mu (save.go) → committer.mu. Code holding a lock never takes
// one listed before it. A commit leader takes Server.mu for a moment to
// take the open batch (commit.go), so committer.wait and flush are called
// holding none of these locks but saveMu. MONITOR's feed (monitor.go)
// takes monitorSet.mu, then a monitor's outbox lock, after Server.mu and
// under none of the others.
// The slow log and latency monitor (slowMonitor.mu, slowlog.go) and the ACL
// log (aclLog.mu, acl.go) are leaves: nothing else is taken while one is
// held, and so is MIGRATE's connection cache (migrateCache.mu), which a
// transfer inside EXEC takes under Server.mu; no network I/O happens
// under it.
//
// # Slow log and latency monitor
//
// After a command ran, its duration feeds INFO commandstats and its
// latency histogram (stats.go), then Server.observe compares it with one
// gate, the lower of slowlog-log-slower-than and latency-monitor-threshold:
// only a command at or above it takes the slow path into the slow log and
// the latency events. A blocked command is counted and observed once it
// is served or times out, as in Redis 7.4, with the time it ran in its
// attempts (the one that blocked, the retries when its keys were
// signalled): its wait is not its run time.
//
// # Start-up and shutdown
//
// The binary opens the store, Server.Load rebuilds the keyspace from it
// (load.go), then the server listens; LimitClients caps maxclients at what
// the binary found the file-descriptor limit allows (clientlimit.go), and a
// client over maxclients gets Redis's max-clients error. A failed accept
// (out of descriptors, say) is logged and retried with a backoff
// (accept.go): only the listener's closing ends the accept loop. Close
// shuts down gracefully (shutdown.go): no new command runs, the running
// ones finish and send their replies, the committer drains, the store
// closes, then the connections.
package commands
