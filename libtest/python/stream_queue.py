"""A stream-queue workflow through redis-py, run by ../clients_test.go
against runnel and against a real redis-server.

    python3 stream_queue.py <port>

Every step checks the value redis-py hands back (after its own reply
parsing: dicts for XINFO and XPENDING, tuples of id and field dict for
entries) against a concrete expected value and prints one JSON line
{"step", "got", "want", "ok", "versioned"}. "got" has only the unpredictable
parts (idle times, timestamps) replaced by "<n>" once their shape was
checked, so that the Go test can also compare the two servers' "got" step by
step. A "versioned" step expects what the server's reported version (7.0 or
7.4) answers, and only its "ok" is compared. The script exits 0 even when a
check fails; the Go test judges.
"""

import json
import sys
import threading
import time

import redis


def emit(step, got, want, versioned=False):
    got = plain(got)
    want = plain(want)
    sys.stdout.write(json.dumps({"step": step, "got": got, "want": want,
                                 "ok": got == want, "versioned": versioned}) + "\n")


def plain(v):
    """Tuples as lists, so that values compare as their JSON does."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def error_of(fn, *args, **kwargs):
    """The exception class and text redis-py raises for a failed command."""
    try:
        return {"no_error": plain(fn(*args, **kwargs))}
    except redis.exceptions.ResponseError as e:
        return f"{type(e).__name__}: {e}"


def n(v):
    """A duration or timestamp: a non-negative integer becomes "<n>"."""
    return "<n>" if isinstance(v, int) and v >= 0 else v


def until_blocked(r, count):
    """Waits until the server reports count blocked clients."""
    for _ in range(200):
        if r.info("clients")["blocked_clients"] >= count:
            return
        time.sleep(0.01)
    raise RuntimeError("no client blocked after 2s")


def in_thread(fn, *args, **kwargs):
    """Runs fn on a thread; the returned function joins it and gives its result."""
    out = {}

    def run():
        try:
            out["v"] = fn(*args, **kwargs)
        except Exception as e:  # reported as the step's value
            out["v"] = f"{type(e).__name__}: {e}"

    t = threading.Thread(target=run)
    t.start()

    def join():
        t.join(10)
        return out.get("v", "still blocked")

    return join


def entry(i, task, tries="0"):
    return [i, {"task": task, "try": tries}]


def main():
    port = int(sys.argv[1])
    r = redis.Redis(port=port, decode_responses=True)
    other = redis.Redis(port=port, decode_responses=True)
    r.flushall()
    v74 = r.info("server")["redis_version"] >= "7.4"

    emit("ping", r.ping(), True)

    # XADD: auto IDs, approximate and exact trimming.
    ids = [r.xadd("q:auto", {"n": i}, maxlen=2, approximate=True) for i in range(5)]
    emit("xadd-auto-ids", [len(i.split("-")) == 2 and all(p.isdigit() for p in i.split("-")) for i in ids], [True] * 5)
    emit("xadd-maxlen-approx-small", r.xlen("q:auto"), 5)
    r.xadd("q:auto", {"n": 5}, maxlen=2, approximate=False)
    emit("xadd-maxlen-exact", r.xlen("q:auto"), 2)
    p = r.pipeline(transaction=False)
    for i in range(1, 251):
        p.xadd("q:big", {"n": i}, id=f"1-{i}", maxlen=10, approximate=True)
    res = p.execute()
    emit("xadd-pipeline-250", [len(res), res[0], res[-1]], [250, "1-1", "1-250"])
    emit("xadd-maxlen-approx-250", r.xlen("q:big"), 50)

    for i in range(1, 6):
        r.xadd("jobs", {"task": f"t{i}", "try": 0}, id=f"1-{i}")
    emit("xrange-count", r.xrange("jobs", count=2), [entry("1-1", "t1"), entry("1-2", "t2")])
    emit("xrange-exclusive", r.xrange("jobs", min="(1-3"), [entry("1-4", "t4"), entry("1-5", "t5")])
    emit("xrevrange-count", r.xrevrange("jobs", count=2), [entry("1-5", "t5"), entry("1-4", "t4")])
    emit("xadd-id-too-small", error_of(r.xadd, "jobs", {"task": "again"}, id="1-1"),
         "ResponseError: The ID specified in XADD is equal or smaller than the target stream top item")
    emit("xadd-nomkstream", [r.xadd("absent", {"f": "v"}, nomkstream=True), r.exists("absent")], [None, 0])

    # XREAD BLOCK on one connection, woken by an XADD on another.
    join = in_thread(other.xread, {"jobs": "$"}, block=5000)
    until_blocked(r, 1)
    r.xadd("jobs", {"task": "t6", "try": 0}, id="2-1")
    emit("xread-block-woken", join(), [["jobs", [entry("2-1", "t6")]]])
    emit("xread-block-timeout", r.xread({"jobs": "$"}, block=50), [])
    emit("xread-count-two-keys", r.xread({"jobs": "1-5", "q:big": "1-249"}, count=1),
         [["jobs", [entry("2-1", "t6")]], ["q:big", [["1-250", {"n": "250"}]]]])

    # Consumer groups.
    emit("xgroup-create", r.xgroup_create("jobs", "workers", id="0"), True)
    emit("xgroup-create-busygroup", error_of(r.xgroup_create, "jobs", "workers", id="0"),
         "ResponseError: BUSYGROUP Consumer Group name already exists")
    emit("xgroup-create-mkstream", r.xgroup_create("fresh", "g", id="$", mkstream=True), True)
    emit("xgroup-createconsumer", [r.xgroup_createconsumer("jobs", "workers", "zed"),
                                   r.xgroup_createconsumer("jobs", "workers", "zed")], [1, 0])
    emit("xgroup-delconsumer", r.xgroup_delconsumer("jobs", "workers", "zed"), 0)

    emit("xreadgroup-alice", r.xreadgroup("workers", "alice", {"jobs": ">"}, count=2),
         [["jobs", [entry("1-1", "t1"), entry("1-2", "t2")]]])
    emit("xreadgroup-bob", r.xreadgroup("workers", "bob", {"jobs": ">"}, count=10, block=100),
         [["jobs", [entry("1-3", "t3"), entry("1-4", "t4"), entry("1-5", "t5"), entry("2-1", "t6")]]])
    emit("xreadgroup-drained", r.xreadgroup("workers", "bob", {"jobs": ">"}, count=10, block=50), [])
    emit("xreadgroup-history", r.xreadgroup("workers", "alice", {"jobs": "0"}),
         [["jobs", [entry("1-1", "t1"), entry("1-2", "t2")]]])
    emit("xreadgroup-nogroup", error_of(r.xreadgroup, "nope", "alice", {"jobs": ">"}),
         "ResponseError: NOGROUP No such key 'jobs' or consumer group 'nope' in XREADGROUP with GROUP option")

    join = in_thread(other.xreadgroup, "workers", "carol", {"jobs": ">"}, count=5, block=5000)
    until_blocked(r, 1)
    r.xadd("jobs", {"task": "t7", "try": 0}, id="3-1")
    emit("xreadgroup-block-woken", join(), [["jobs", [entry("3-1", "t7")]]])

    emit("xack", r.xack("jobs", "workers", "1-1", "3-1"), 2)
    emit("xack-again", r.xack("jobs", "workers", "1-1"), 0)

    emit("xpending-summary", r.xpending("jobs", "workers"), {
        "pending": 5, "min": "1-2", "max": "2-1",
        "consumers": [{"name": "alice", "pending": 1}, {"name": "bob", "pending": 4}]})
    rng = r.xpending_range("jobs", "workers", min="-", max="+", count=10)
    emit("xpending-range", [dict(d, time_since_delivered=n(d["time_since_delivered"])) for d in rng], [
        {"message_id": "1-2", "consumer": "alice", "time_since_delivered": "<n>", "times_delivered": 2},
        {"message_id": "1-3", "consumer": "bob", "time_since_delivered": "<n>", "times_delivered": 1},
        {"message_id": "1-4", "consumer": "bob", "time_since_delivered": "<n>", "times_delivered": 1},
        {"message_id": "1-5", "consumer": "bob", "time_since_delivered": "<n>", "times_delivered": 1},
        {"message_id": "2-1", "consumer": "bob", "time_since_delivered": "<n>", "times_delivered": 1},
    ])
    emit("xpending-range-consumer", [d["message_id"] for d in r.xpending_range(
        "jobs", "workers", min="-", max="+", count=10, consumername="alice")], ["1-2"])
    emit("xpending-range-idle", r.xpending_range("jobs", "workers", min="-", max="+", count=10, idle=3600000), [])

    emit("xclaim", r.xclaim("jobs", "workers", "carol", 0, ["1-2"]), [entry("1-2", "t2")])
    emit("xclaim-justid", r.xclaim("jobs", "workers", "carol", 0, ["1-3"], justid=True), ["1-3"])
    emit("xclaim-min-idle", r.xclaim("jobs", "workers", "dave", 3600000, ["1-4"]), [])

    r.xdel("jobs", "1-4")
    emit("xautoclaim-page1", r.xautoclaim("jobs", "workers", "dave", 0, "0-0", count=2),
         ["1-4", [entry("1-2", "t2"), entry("1-3", "t3")], []])
    emit("xautoclaim-page2", r.xautoclaim("jobs", "workers", "dave", 0, "1-4", count=2),
         ["2-1", [entry("1-5", "t5")], ["1-4"]])
    emit("xautoclaim-justid", r.xautoclaim("jobs", "workers", "erin", 0, "2-1", justid=True), ["2-1"])

    info = r.xinfo_stream("jobs")
    info.pop("radix-tree-keys")  # node layout, not semantics
    info.pop("radix-tree-nodes")
    emit("xinfo-stream", info, {
        "length": 6, "last-generated-id": "3-1", "max-deleted-entry-id": "1-4", "entries-added": 7,
        "recorded-first-entry-id": "1-1", "groups": 1,
        "first-entry": entry("1-1", "t1"), "last-entry": entry("3-1", "t7")})
    emit("xinfo-groups", r.xinfo_groups("jobs"), [{
        "name": "workers", "consumers": 5, "pending": 4, "last-delivered-id": "3-1",
        "entries-read": 7, "lag": 0}])
    cons = r.xinfo_consumers("jobs", "workers")
    for c in cons:
        c["idle"] = n(c["idle"])
        if "inactive" in c:
            c["inactive"] = n(c["inactive"])
    extra = {"inactive": "<n>"} if v74 else {}
    emit("xinfo-consumers", cons, [
        {"name": "alice", "pending": 0, "idle": "<n>", **extra},
        {"name": "bob", "pending": 0, "idle": "<n>", **extra},
        {"name": "carol", "pending": 0, "idle": "<n>", **extra},
        {"name": "dave", "pending": 3, "idle": "<n>", **extra},
        {"name": "erin", "pending": 1, "idle": "<n>", **extra},
    ], versioned=True)

    full = r.xinfo_stream("jobs", full=True)
    g = full["groups"][0]
    emit("xinfo-stream-full", {
        "length": full["length"],
        "entries": full["entries"],
        "last-generated-id": full["last-generated-id"],
        "group": [g["name"], g["last-delivered-id"], g["entries-read"], g["lag"], g["pel-count"]],
        "pel": [[i, c, k] for i, c, _, k in g["pending"]],
    }, {
        "length": 6,
        "entries": {"1-1": {"task": "t1", "try": "0"}, "1-2": {"task": "t2", "try": "0"},
                    "1-3": {"task": "t3", "try": "0"}, "1-5": {"task": "t5", "try": "0"},
                    "2-1": {"task": "t6", "try": "0"}, "3-1": {"task": "t7", "try": "0"}},
        "last-generated-id": "3-1",
        "group": ["workers", "3-1", 7, 0, 4],
        "pel": [["1-2", "dave", 4], ["1-3", "dave", 2], ["1-5", "dave", 2], ["2-1", "erin", 1]],
    })
    # Each consumer of XINFO STREAM FULL is a flat list that redis-py leaves
    # as it is: 7.4 adds active-time.
    fc = [dict(zip(c[::2], c[1::2])) for c in g["consumers"]]
    emit("xinfo-stream-full-consumers", [[c["name"], sorted(c), c["pel-count"], len(c["pending"])] for c in fc], [
        [name, sorted(["name", "seen-time", "pel-count", "pending"] + (["active-time"] if v74 else [])), pel, pel]
        for name, pel in [("alice", 0), ("bob", 0), ("carol", 0), ("dave", 3), ("erin", 1)]
    ], versioned=True)
    emit("xinfo-nokey", error_of(r.xinfo_stream, "nokey"), "ResponseError: no such key")

    # MULTI/EXEC through a transactional pipeline.
    tx = r.pipeline(transaction=True)
    tx.xadd("jobs", {"task": "t8", "try": 0}, id="4-1")
    tx.xgroup_create("jobs", "workers", id="0")
    tx.xlen("jobs")
    tx_res = tx.execute(raise_on_error=False)
    emit("multi-exec", [x if not isinstance(x, Exception) else f"{type(x).__name__}: {x}" for x in tx_res],
         ["4-1", "ResponseError: BUSYGROUP Consumer Group name already exists", 7])
    tx = r.pipeline(transaction=True)
    tx.execute_command("XADD", "jobs")
    tx.xlen("jobs")
    try:
        tx.execute()
        aborted = "no error"
    except redis.exceptions.ResponseError as e:
        aborted = f"{type(e).__name__}: {e}"
    # redis-py reports the queued command's error, not EXECABORT itself.
    emit("multi-exec-abort", aborted,
         "ResponseError: Command # 1 (XADD jobs) of pipeline caused error: wrong number of arguments for 'xadd' command")
    emit("multi-exec-aborted-nothing", r.xlen("jobs"), 7)

    # WATCH: a write from another connection makes EXEC fail.
    with r.pipeline() as w:
        w.watch("jobs")
        other.xadd("jobs", {"task": "t9", "try": 0}, id="4-2")
        w.multi()
        w.xadd("jobs", {"task": "lost", "try": 0}, id="4-3")
        try:
            w.execute()
            watched = "executed"
        except redis.exceptions.WatchError:
            watched = "WatchError"
    emit("watch-exec", [watched, r.xlen("jobs"), r.xrevrange("jobs", count=1)], ["WatchError", 8, [entry("4-2", "t9")]])

    # XTRIM and XDEL.
    emit("xtrim-minid", r.xtrim("jobs", minid="1-5", approximate=False), 3)
    emit("xdel", r.xdel("jobs", "1-5", "9-9"), 1)
    emit("xrange-after-trim", [e[0] for e in r.xrange("jobs")], ["2-1", "3-1", "4-1", "4-2"])

    other.close()
    r.close()


if __name__ == "__main__":
    main()
