// Package durability holds runnel's end-to-end durability tests; it has no
// code of its own. The tests build ./cmd/runnel and run the real binary, or
// run the server in process on a crash-simulating file system:
//
//   - TestKill9: 50 clients write while the server is killed with SIGKILL
//     at random moments; after each restart every acknowledged write is
//     there, exactly, once.
//   - TestPowerLoss: the server runs on persist.CrashFS; a simulated power
//     loss drops everything not synced; every entry a client saw (as a
//     writer's reply or in a reader's XRANGE/XREAD) is there after reopening,
//     under appendfsync always. The same check shows what "no" loses.
//   - TestRestart: replies to XRANGE, XINFO STREAM FULL, XINFO GROUPS and
//     XPENDING are the same before and after a restart.
//   - TestCorruptDir: a damaged, locked or foreign data directory makes
//     start-up fail with a clear message and a non-zero exit status.
//
// The kill test's harness is also run against redis-server with
// appendfsync always (it must pass) and without persistence (it must fail),
// which shows the checks can fail. DURABILITY_LONG=1 runs more kill points
// and crash rounds.
package durability
