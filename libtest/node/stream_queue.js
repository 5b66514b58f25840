// A stream-queue workflow through ioredis, run by ../clients_test.go against
// runnel and against a real redis-server.
//
//   node stream_queue.js <port> <protocol 2|3> [legacy|resp3]
//
// Every step checks the reply ioredis hands back against a concrete expected
// value and prints one JSON line {"step", "got", "want", "ok", "versioned"}.
// "got" is the reply with only the unpredictable parts (auto IDs, idle times,
// timestamps) replaced by a placeholder once their shape was checked, so that
// the Go test can also compare the two servers' "got" step by step. A step
// whose expected reply differs between Redis 7.0 and 7.4 is "versioned": its
// "want" follows the version the server reports, and only "ok" is compared.
// The script exits 0 even when a check fails; the Go test judges.
"use strict";

const assert = require("node:assert");
const Redis = require("ioredis");

const [port, protoArg, mapping = "legacy"] = process.argv.slice(2);
const protocol = Number(protoArg);
const opts = { host: "127.0.0.1", port: Number(port), protocol, lazyConnect: true, maxRetriesPerRequest: 1 };
if (protocol === 3) opts.replyMapping = mapping;
const resp3Maps = protocol === 3 && mapping === "resp3";

function emit(step, got, want, versioned = false) {
  let ok = true;
  try {
    assert.deepStrictEqual(got, want);
  } catch {
    ok = false;
  }
  process.stdout.write(JSON.stringify({ step, got, want, ok, versioned }) + "\n");
}

// The error text ioredis surfaces for a failed command.
async function errorOf(promise) {
  try {
    const v = await promise;
    return { noError: v };
  } catch (e) {
    return e.message;
  }
}

const isID = (s) => typeof s === "string" && /^\d+-\d+$/.test(s);
const ID = (s) => (isID(s) ? "<id>" : s);
// A duration or timestamp: a non-negative integer becomes "<n>".
const N = (n) => (Number.isInteger(n) && n >= 0 ? "<n>" : n);

// A flat [k, v, k, v] reply (RESP2, or RESP3 in legacy mapping) or an object
// (RESP3 in resp3 mapping) as a plain object.
function fields(reply) {
  if (!Array.isArray(reply)) return { ...reply };
  const o = {};
  for (let i = 0; i < reply.length; i += 2) o[reply[i]] = reply[i + 1];
  return o;
}

// XREAD/XREADGROUP replies: a [[key, entries], ...] array, or a
// {key: entries} object under resp3 mapping; both as [[key, entries]].
function streams(reply) {
  if (reply === null || Array.isArray(reply)) return reply;
  return Object.entries(reply);
}

async function main() {
  const r = new Redis(opts);
  const other = new Redis(opts);
  await r.connect();
  await other.connect();
  await r.flushall();

  // HELLO: the protocol ioredis negotiated, as the server reports it.
  const hello = fields(await r.hello(String(protocol)));
  emit("hello", [hello.server, hello.proto], ["redis", protocol]);
  const v74 = hello.version >= "7.4";

  // XADD with an auto ID and approximate trimming on a small stream: Redis
  // trims whole nodes only (100 entries each), so nothing goes.
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await r.xadd("q:auto", "MAXLEN", "~", "2", "*", "n", String(i)));
  emit("xadd-auto-ids", ids.map(ID), ["<id>", "<id>", "<id>", "<id>", "<id>"]);
  emit("xadd-auto-ids-increase", ids.every((id, i) => i === 0 || cmpID(ids[i - 1], id) < 0), true);
  emit("xadd-maxlen-approx-small", await r.xlen("q:auto"), 5);
  // Exact trimming keeps exactly MAXLEN.
  await r.xadd("q:auto", "MAXLEN", "=", "2", "*", "n", "5");
  emit("xadd-maxlen-exact", await r.xlen("q:auto"), 2);
  // 250 entries in one pipeline, trimmed to ~10: whole 100-entry nodes go.
  const p = r.pipeline();
  for (let i = 1; i <= 250; i++) p.xadd("q:big", "MAXLEN", "~", "10", `1-${i}`, "n", String(i));
  const padds = await p.exec();
  emit("xadd-pipeline-250", [padds.length, padds[0], padds[249]], [250, [null, "1-1"], [null, "1-250"]]);
  emit("xadd-maxlen-approx-250", await r.xlen("q:big"), 50);

  // The job queue with explicit IDs.
  for (let i = 1; i <= 5; i++) await r.xadd("jobs", `1-${i}`, "task", `t${i}`, "try", "0");
  emit("xrange-count", await r.xrange("jobs", "-", "+", "COUNT", 2), [
    ["1-1", ["task", "t1", "try", "0"]],
    ["1-2", ["task", "t2", "try", "0"]],
  ]);
  emit("xrange-exclusive", await r.xrange("jobs", "(1-3", "+"), [
    ["1-4", ["task", "t4", "try", "0"]],
    ["1-5", ["task", "t5", "try", "0"]],
  ]);
  emit("xrevrange-count", await r.xrevrange("jobs", "+", "-", "COUNT", 2), [
    ["1-5", ["task", "t5", "try", "0"]],
    ["1-4", ["task", "t4", "try", "0"]],
  ]);
  emit("xrange-empty", await r.xrange("jobs", "9-0", "+"), []);
  emit("xadd-id-too-small", await errorOf(r.xadd("jobs", "1-1", "task", "again")),
    "ERR The ID specified in XADD is equal or smaller than the target stream top item");

  // XREAD BLOCK on one connection, woken by an XADD on another.
  const blocked = other.xread("BLOCK", 5000, "STREAMS", "jobs", "$");
  await untilBlocked(r, 1);
  const t0 = Date.now();
  await r.xadd("jobs", "2-1", "task", "t6", "try", "0");
  emit("xread-block-woken", streams(await blocked), [["jobs", [["2-1", ["task", "t6", "try", "0"]]]]]);
  emit("xread-block-woken-fast", Date.now() - t0 < 2000, true);
  emit("xread-block-timeout", await r.xread("BLOCK", 50, "STREAMS", "jobs", "$"), null);
  emit("xread-count-two-keys", streams(await r.xread("COUNT", 1, "STREAMS", "jobs", "q:big", "1-5", "1-249")), [
    ["jobs", [["2-1", ["task", "t6", "try", "0"]]]],
    ["q:big", [["1-250", ["n", "250"]]]],
  ]);

  // Consumer groups.
  emit("xgroup-create", await r.xgroup("CREATE", "jobs", "workers", "0"), "OK");
  emit("xgroup-create-busygroup", await errorOf(r.xgroup("CREATE", "jobs", "workers", "0")),
    "BUSYGROUP Consumer Group name already exists");
  emit("xgroup-create-nokey", await errorOf(r.xgroup("CREATE", "nokey", "workers", "$")),
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
  emit("xgroup-create-mkstream", await r.xgroup("CREATE", "fresh", "g", "$", "MKSTREAM"), "OK");
  emit("xgroup-mkstream-len", [await r.exists("fresh"), await r.xlen("fresh"), await r.type("fresh")], [1, 0, "stream"]);

  emit("xreadgroup-alice", streams(await r.xreadgroup("GROUP", "workers", "alice", "COUNT", 2, "STREAMS", "jobs", ">")), [
    ["jobs", [["1-1", ["task", "t1", "try", "0"]], ["1-2", ["task", "t2", "try", "0"]]]],
  ]);
  emit("xreadgroup-bob", streams(await r.xreadgroup("GROUP", "workers", "bob", "COUNT", 10, "BLOCK", 100, "STREAMS", "jobs", ">")), [
    ["jobs", [
      ["1-3", ["task", "t3", "try", "0"]],
      ["1-4", ["task", "t4", "try", "0"]],
      ["1-5", ["task", "t5", "try", "0"]],
      ["2-1", ["task", "t6", "try", "0"]],
    ]],
  ]);
  emit("xreadgroup-drained", await r.xreadgroup("GROUP", "workers", "bob", "COUNT", 10, "BLOCK", 50, "STREAMS", "jobs", ">"), null);
  emit("xreadgroup-history", streams(await r.xreadgroup("GROUP", "workers", "alice", "STREAMS", "jobs", "0")), [
    ["jobs", [["1-1", ["task", "t1", "try", "0"]], ["1-2", ["task", "t2", "try", "0"]]]],
  ]);
  emit("xreadgroup-nogroup", await errorOf(r.xreadgroup("GROUP", "nope", "alice", "STREAMS", "jobs", ">")),
    "NOGROUP No such key 'jobs' or consumer group 'nope' in XREADGROUP with GROUP option");

  // XREADGROUP BLOCK woken by an XADD on another connection.
  const gblocked = other.xreadgroup("GROUP", "workers", "carol", "COUNT", 5, "BLOCK", 5000, "STREAMS", "jobs", ">");
  await untilBlocked(r, 1);
  await r.xadd("jobs", "3-1", "task", "t7", "try", "0");
  emit("xreadgroup-block-woken", streams(await gblocked), [["jobs", [["3-1", ["task", "t7", "try", "0"]]]]]);

  emit("xack", await r.xack("jobs", "workers", "1-1", "3-1"), 2);
  emit("xack-again", await r.xack("jobs", "workers", "1-1"), 0);

  // Pending: alice 1-2, bob 1-3 1-4 1-5 2-1.
  emit("xpending-summary", await r.xpending("jobs", "workers"), [5, "1-2", "2-1", [["alice", "1"], ["bob", "4"]]]);
  const ext = await r.xpending("jobs", "workers", "-", "+", 10);
  emit("xpending-extended", ext.map(([id, c, idle, n]) => [id, c, N(idle), n]), [
    ["1-2", "alice", "<n>", 2],
    ["1-3", "bob", "<n>", 1],
    ["1-4", "bob", "<n>", 1],
    ["1-5", "bob", "<n>", 1],
    ["2-1", "bob", "<n>", 1],
  ]);
  emit("xpending-consumer", (await r.xpending("jobs", "workers", "-", "+", 10, "alice")).map(([id, c]) => [id, c]), [["1-2", "alice"]]);
  emit("xpending-idle-filter", await r.xpending("jobs", "workers", "IDLE", 3600000, "-", "+", 10), []);

  // XCLAIM: carol takes 1-2 from alice; JUSTID does not count a delivery.
  emit("xclaim", await r.xclaim("jobs", "workers", "carol", 0, "1-2"), [["1-2", ["task", "t2", "try", "0"]]]);
  emit("xclaim-justid", await r.xclaim("jobs", "workers", "carol", 0, "1-3", "JUSTID"), ["1-3"]);
  emit("xclaim-min-idle", await r.xclaim("jobs", "workers", "dave", 3600000, "1-4"), []);
  emit("xpending-after-claim", (await r.xpending("jobs", "workers", "-", "+", 10)).map(([id, c, , n]) => [id, c, n]), [
    ["1-2", "carol", 3],
    ["1-3", "carol", 1],
    ["1-4", "bob", 1],
    ["1-5", "bob", 1],
    ["2-1", "bob", 1],
  ]);

  // XAUTOCLAIM in pages of 2, with a deleted pending entry on the way.
  await r.xdel("jobs", "1-4");
  emit("xautoclaim-page1", await r.xautoclaim("jobs", "workers", "dave", 0, "0-0", "COUNT", 2), [
    "1-4",
    [["1-2", ["task", "t2", "try", "0"]], ["1-3", ["task", "t3", "try", "0"]]],
    [],
  ]);
  emit("xautoclaim-page2", await r.xautoclaim("jobs", "workers", "dave", 0, "1-4", "COUNT", 2), [
    "2-1",
    [["1-5", ["task", "t5", "try", "0"]]],
    ["1-4"],
  ]);
  emit("xautoclaim-justid", await r.xautoclaim("jobs", "workers", "erin", 0, "2-1", "JUSTID"), ["0-0", ["2-1"], []]);

  // XINFO.
  const info = fields(await r.xinfo("STREAM", "jobs"));
  delete info["radix-tree-keys"]; // node layout, not semantics
  delete info["radix-tree-nodes"];
  emit("xinfo-stream", info, {
    length: 6,
    "last-generated-id": "3-1",
    "max-deleted-entry-id": "1-4",
    "entries-added": 7,
    "recorded-first-entry-id": "1-1",
    groups: 1,
    "first-entry": ["1-1", ["task", "t1", "try", "0"]],
    "last-entry": ["3-1", ["task", "t7", "try", "0"]],
  });
  const groups = (await r.xinfo("GROUPS", "jobs")).map(fields);
  emit("xinfo-groups", groups, [
    { name: "workers", consumers: 5, pending: 4, "last-delivered-id": "3-1", "entries-read": 7, lag: 0 },
  ]);
  const consumers = (await r.xinfo("CONSUMERS", "jobs", "workers")).map(fields).map((c) => {
    const o = { name: c.name, pending: c.pending, idle: N(c.idle) };
    if ("inactive" in c) o.inactive = c.inactive === -1 ? -1 : N(c.inactive);
    return o;
  });
  const inact = (n) => (v74 ? { inactive: n } : {});
  emit("xinfo-consumers", consumers, [
    { name: "alice", pending: 0, idle: "<n>", ...inact("<n>") },
    { name: "bob", pending: 0, idle: "<n>", ...inact("<n>") },
    { name: "carol", pending: 0, idle: "<n>", ...inact("<n>") },
    { name: "dave", pending: 3, idle: "<n>", ...inact("<n>") },
    { name: "erin", pending: 1, idle: "<n>", ...inact("<n>") },
  ], true);
  const full = fields(await r.xinfo("STREAM", "jobs", "FULL"));
  const fg = fields(full.groups[0]);
  emit("xinfo-stream-full", [full.length, full.entries.length, fg.name, fg["pel-count"],
    fg.pending.map(([id, c, , n]) => [id, c, n]), fg.consumers.length], [6, 6, "workers", 4,
    [["1-2", "dave", 4], ["1-3", "dave", 2], ["1-5", "dave", 2], ["2-1", "erin", 1]], 5]);
  emit("xinfo-nokey", await errorOf(r.xinfo("STREAM", "nokey")), "ERR no such key");

  // An empty stream made by MKSTREAM; a group moved with SETID ENTRIESREAD;
  // XCLAIM FORCE of an acknowledged entry, RETRYCOUNT; consumers and groups
  // deleted.
  const empty = fields(await r.xinfo("STREAM", "fresh"));
  emit("xinfo-stream-empty", [empty.length, empty["first-entry"], empty["last-entry"], empty["last-generated-id"], empty.groups],
    [0, null, null, "0-0", 1]);
  emit("xgroup-setid", await r.xgroup("SETID", "jobs", "workers", "1-3", "ENTRIESREAD", "3"), "OK");
  const moved = fields((await r.xinfo("GROUPS", "jobs"))[0]);
  // lag is unknown (null) with a deleted entry (1-4) after the group's ID.
  emit("xinfo-groups-after-setid", [moved["last-delivered-id"], moved["entries-read"], moved.lag], ["1-3", 3, null]);
  emit("xreadgroup-noack", streams(await r.xreadgroup("GROUP", "workers", "frank", "NOACK", "COUNT", 1, "STREAMS", "jobs", ">")),
    [["jobs", [["1-5", ["task", "t5", "try", "0"]]]]]);
  emit("xclaim-force-retrycount", await r.xclaim("jobs", "workers", "frank", 0, "1-1", "FORCE", "RETRYCOUNT", 7, "JUSTID"), ["1-1"]);
  emit("xclaim-force-pending", (await r.xpending("jobs", "workers", "-", "+", 10, "frank")).map(([id, c, , n]) => [id, c, n]),
    [["1-1", "frank", 7]]);
  emit("xclaim-retrycount", await r.xclaim("jobs", "workers", "frank", 0, "2-1", "RETRYCOUNT", 7, "JUSTID"), ["2-1"]);
  emit("xpending-retrycount", (await r.xpending("jobs", "workers", "2-1", "2-1", 1)).map(([id, c, , n]) => [id, c, n]), [["2-1", "frank", 7]]);
  // frank holds 1-1 and 2-1 (its NOACK read of 1-5 left dave's claim as it was).
  emit("xgroup-delconsumer", await r.xgroup("DELCONSUMER", "jobs", "workers", "frank"), 2);
  emit("xgroup-createconsumer", [await r.xgroup("CREATECONSUMER", "jobs", "workers", "gina"),
    await r.xgroup("CREATECONSUMER", "jobs", "workers", "gina")], [1, 0]);
  emit("xgroup-destroy", [await r.xgroup("DESTROY", "fresh", "g"), await r.xgroup("DESTROY", "fresh", "g")], [1, 0]);
  emit("xinfo-groups-destroyed", await r.xinfo("GROUPS", "fresh"), []);

  // MULTI/EXEC, with a command that fails inside EXEC, and one that is
  // refused when queued (wrong arity), which aborts the transaction.
  const tx = await r.multi()
    .xadd("jobs", "4-1", "task", "t8", "try", "0")
    .xgroup("CREATE", "jobs", "workers", "0")
    .xadd("jobs", "bad-id", "f", "v")
    .xlen("jobs")
    .exec();
  emit("multi-exec", tx.map(([e, v]) => [e ? e.message : null, v ?? null]), [
    [null, "4-1"],
    ["BUSYGROUP Consumer Group name already exists", null],
    ["ERR Invalid stream ID specified as stream command argument", null],
    [null, 7],
  ]);
  emit("multi-exec-abort", await errorOf(r.multi().xadd("jobs").xlen("jobs").exec()),
    "EXECABORT Transaction discarded because of previous errors.");
  emit("multi-exec-aborted-nothing", await r.xlen("jobs"), 7);

  // Auto-pipelining: 100 concurrent calls from one client go out in a few
  // batches and resolve in order.
  const ap = new Redis({ ...opts, enableAutoPipelining: true });
  await ap.connect();
  const res = await Promise.all(Array.from({ length: 100 }, (_, i) => ap.xadd("auto", `5-${i + 1}`, "i", String(i))));
  emit("autopipeline-xadd", [res.length, res[0], res[99], res.every((id, i) => id === `5-${i + 1}`)], [100, "5-1", "5-100", true]);
  const [len, last] = await Promise.all([ap.xlen("auto"), ap.xrevrange("auto", "+", "-", "COUNT", 1)]);
  emit("autopipeline-read", [len, last], [100, [["5-100", ["i", "99"]]]]);

  // RESP3 map replies under replyMapping "resp3" come back as objects.
  if (resp3Maps) {
    const raw = await r.xread("STREAMS", "jobs", "3-1");
    emit("resp3-xread-is-map", [Array.isArray(raw), Object.keys(raw)], [false, ["jobs"]]);
  }

  ap.disconnect();
  other.disconnect();
  r.disconnect();
}

function cmpID(a, b) {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

// untilBlocked waits until the server reports n blocked clients, so that the
// write that should wake them is not sent before they block.
async function untilBlocked(r, n) {
  for (let i = 0; i < 200; i++) {
    const m = /blocked_clients:(\d+)/.exec(await r.info("clients"));
    if (m && Number(m[1]) >= n) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`no client blocked after 2s`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`stream_queue.js: ${e.stack || e}\n`);
    process.exit(2);
  },
);
