#!/usr/bin/env bash
# runnel and redis-server side by side, at matched durability.
#
#   bench/compare.sh [--quick] [--self] [--rounds N] [--out FILE] [--results FILE]
#                    [--pairs no,everysec,always] [--only NAME,...] [--runnel-args ARGS] [--keep-work]
#
# Builds runnel and runnel-bench, then for each durability pair
#   no:       runnel --appendfsync no       vs redis-server --save '' --appendonly no
#   everysec: runnel --appendfsync everysec vs redis-server --appendonly yes --appendfsync everysec
#   always:   runnel --appendfsync always   vs redis-server --appendonly yes --appendfsync always
# runs every scenario against both, A (runnel) then B (redis) for each
# scenario of each round, so slow drift of the machine hits both sides alike.
# Every run gets a freshly started server on a free loopback port with an
# empty data directory. The recover scenario starts and stops its servers
# itself. Finally `runnel-bench report` writes the figures into --out
# (default docs/BENCHMARKS.md) between its result markers.
#
#   --quick     1 round, small sizes (seconds per scenario; under two minutes)
#   --self      side A is redis-server too (same settings as B): tests this
#               machinery while runnel cannot serve streams yet
#   --rounds N  rounds per pair (default 5, quick 1)
#   --results F also keep the raw result lines (JSON, one per run) in F
#   --pairs     which durability pairs to run (default all three)
#   --only      run only the scenarios with these names (see SCENARIOS below)
#   --runnel-args  extra arguments for every runnel server (e.g. profiling flags)
#   --keep-work keep the work directory (server logs, raw results)
#
# A server that does not start, or a scenario that fails, is reported as
# failed in the document and the script carries on; it exits 1 at the end if
# anything failed, 0 if everything succeeded, 2 on bad usage.
set -uo pipefail

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

QUICK=0 SELF=0 ROUNDS="" OUT="docs/BENCHMARKS.md" RESULTS_COPY="" PAIRS="no,everysec,always" ONLY="" KEEP=0 RUNNEL_ARGS=""
INVOCATION="bench/compare.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; INVOCATION+=" --quick" ;;
    --self) SELF=1; INVOCATION+=" --self" ;;
    --rounds) ROUNDS="${2:?--rounds needs a number}"; INVOCATION+=" --rounds $2"; shift ;;
    --out) OUT="${2:?--out needs a file}"; shift ;;
    --results) RESULTS_COPY="${2:?--results needs a file}"; shift ;;
    --pairs) PAIRS="${2:?--pairs needs a list}"; INVOCATION+=" --pairs $2"; shift ;;
    --only) ONLY="${2:?--only needs a list}"; INVOCATION+=" --only $2"; shift ;;
    --runnel-args) RUNNEL_ARGS="${2?--runnel-args needs arguments}"; INVOCATION+=" --runnel-args '$2'"; shift ;;
    --keep-work) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$ROUNDS" ]; then
  if [ "$QUICK" = 1 ]; then ROUNDS=1; else ROUNDS=5; fi
fi
case "$ROUNDS" in ''|*[!0-9]*|0) echo "compare.sh: --rounds must be a positive number" >&2; exit 2 ;; esac
MODE=full; [ "$QUICK" = 1 ] && MODE=quick

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac

for tool in redis-server redis-benchmark go; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare.sh: $tool not found" >&2; exit 1; }
done

WORK="$(mktemp -d -t runnel-compare.XXXXXX)"
RESULTS="$WORK/results.jsonl"
SERVERS="$WORK/servers.tsv"
mkdir -p "$WORK/bin" "$WORK/logs" "$WORK/data"
: >"$RESULTS"
: >"$SERVERS"
SPID=""

cleanup() {
  if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
  fi
  if [ "$KEEP" = 1 ]; then
    echo "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building runnel-bench$([ "$SELF" = 0 ] && echo ' and runnel')"
go build -o "$WORK/bin/runnel-bench" ./cmd/runnel-bench || { echo "compare.sh: cannot build runnel-bench" >&2; exit 1; }
RUNNEL_BUILT=1
if [ "$SELF" = 0 ]; then
  if ! go build -o "$WORK/bin/runnel" ./cmd/runnel; then
    echo "compare.sh: cannot build runnel; its runs are reported as failed" >&2
    RUNNEL_BUILT=0
  fi
fi
export PATH="$WORK/bin:$PATH"
BENCH="$WORK/bin/runnel-bench"

QUIET=""
[ -t 2 ] || QUIET="--quiet"
if [ "$QUICK" = 1 ]; then TIMEOUT=60s; else TIMEOUT=45m; fi

# Server command templates: {port} and {dir} are filled in per start.
REDIS_BASE="redis-server --port {port} --bind 127.0.0.1 --dir {dir} --daemonize no --save ''"
redis_template() {
  case "$1" in
    no) echo "$REDIS_BASE --appendonly no" ;;
    everysec) echo "$REDIS_BASE --appendonly yes --appendfsync everysec" ;;
    always) echo "$REDIS_BASE --appendonly yes --appendfsync always" ;;
  esac
}
runnel_template() { echo "runnel --port {port} --dir {dir} --appendfsync $1${RUNNEL_ARGS:+ $RUNNEL_ARGS}"; }
# The log line that says a restarted server has loaded its data.
REDIS_LOADED_RE='DB loaded from (disk|append only file)'
RUNNEL_LOADED_RE='(?i)loaded'

if [ "$SELF" = 1 ]; then LABEL_A="redis(A)"; else LABEL_A="runnel"; fi
LABEL_B="redis"
side_template() { # side pair
  if [ "$1" = A ] && [ "$SELF" = 0 ]; then runnel_template "$2"; else redis_template "$2"; fi
}
side_label() { if [ "$1" = A ]; then echo "$LABEL_A"; else echo "$LABEL_B"; fi; }

# Scenarios: name, then runnel-bench arguments. Sizes follow the targets of
# the benchmark issue in full mode and are tiny in quick mode.
if [ "$QUICK" = 1 ]; then
  SCENARIOS=(
    "xadd-c50-P16|xadd --clients 50 --pipeline 16 --payload 100 --requests 50000"
    "xadd-c50-P1|xadd --clients 50 --pipeline 1 --payload 100 --requests 10000"
    "group-4p4c|group --producers 4 --consumers 4 --count 100 --messages 20000"
    "latency-5k|latency --rate 5000 --duration 500ms --warmup 100ms"
    "claim|claim --pending 5000 --duration 200ms"
    "range|range --entries 10000 --duration 200ms"
    "mem-100B|mem --entries 20000 --payload 100 --settle 200ms"
    "recover|recover --entries 20000 --payload 100"
    "rb-c50-P16|redisbench --requests 50000 --clients 50 --pipeline 16"
    "rb-c50-P1|redisbench --requests 10000 --clients 50 --pipeline 1"
  )
else
  SCENARIOS=(
    "xadd-c50-P16|xadd --clients 50 --pipeline 16 --payload 100 --requests 2000000"
    "xadd-c50-P1|xadd --clients 50 --pipeline 1 --payload 100 --requests 500000"
    "group-4p4c|group --producers 4 --consumers 4 --count 100 --messages 1000000"
    "group-4p8c|group --producers 4 --consumers 8 --count 100 --messages 1000000"
    "latency-5k|latency --rate 5000 --duration 10s --warmup 1s"
    "claim|claim --pending 1000000 --duration 5s"
    "range|range --entries 10000000 --duration 5s"
    "mem-100B|mem --entries 1000000 --payload 100"
    "recover|recover --entries 5000000 --payload 100"
    "rb-c50-P16|redisbench --requests 1000000 --clients 50 --pipeline 16"
    "rb-c50-P1|redisbench --requests 1000000 --clients 50 --pipeline 1"
  )
fi

FAILED=0
SPORT="" SDIR="" SLOG=""

# start_server TEMPLATE LOG: sets SPID, SPORT, SDIR; returns 1 if no PONG.
start_server() {
  local tmpl="$1" cmd
  SLOG="$2"
  SPORT="$("$BENCH" freeport)" || return 1
  SDIR="$(mktemp -d "$WORK/data/srv.XXXXXX")"
  cmd="${tmpl//\{port\}/$SPORT}"
  cmd="${cmd//\{dir\}/$SDIR}"
  # exec: $! is the server's own PID (the mem scenario reads its RSS).
  (eval "exec $cmd") >"$SLOG" 2>&1 &
  SPID=$!
  if ! "$BENCH" ping --addr "127.0.0.1:$SPORT" --timeout 30s >/dev/null 2>>"$SLOG"; then
    stop_server
    return 1
  fi
}

stop_server() {
  if [ -n "$SPID" ]; then
    kill -TERM "$SPID" 2>/dev/null
    for _ in $(seq 1 3000); do
      kill -0 "$SPID" 2>/dev/null || break
      sleep 0.02
    done
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=""
  fi
  [ -n "$SDIR" ] && rm -rf "$SDIR"
  SDIR=""
}

# run_one PAIR SIDE ROUND NAME SCENARIO ARGS...
run_one() {
  local pair="$1" side="$2" round="$3" name="$4" scen="$5"
  shift 4
  local label tmpl log before after rc=0
  label="$(side_label "$side")"
  tmpl="$(side_template "$side" "$pair")"
  log="$WORK/logs/$pair-$round-$name-$side"
  local tags=(--label "$label" --side "$side" --pair "$pair" --round "$round" --name "$name" --out "$RESULTS" --timeout "$TIMEOUT")
  [ -n "$QUIET" ] && tags+=("$QUIET")
  before=$(wc -l <"$RESULTS")
  printf '  %-14s %-9s ' "$name" "$label"
  if [ "$side" = A ] && [ "$SELF" = 0 ] && [ "$RUNNEL_BUILT" = 0 ]; then
    "$BENCH" fail --scenario "$scen" "${tags[@]}" --error "runnel did not build" >/dev/null
    echo "FAILED: runnel did not build"
    FAILED=1
    return
  fi
  if [ "$scen" = recover ]; then
    local extra=(--server-cmd "$tmpl")
    if [ "$side" = A ] && [ "$SELF" = 0 ]; then
      extra+=(--loaded-regex "$RUNNEL_LOADED_RE")
    else
      extra+=(--loaded-regex "$REDIS_LOADED_RE")
      [ "$pair" = no ] && extra+=(--prepare SAVE) # Redis without AOF restarts from an RDB
    fi
    "$BENCH" "$@" "${extra[@]}" "${tags[@]}" >"$log.out" 2>&1 || rc=$?
  else
    if ! start_server "$tmpl" "$log.server"; then
      "$BENCH" fail --scenario "$scen" "${tags[@]}" \
        --error "server did not start: $(tail -n 3 "$log.server" | tr '\n' ' ')" >/dev/null
      echo "FAILED: server did not start (log: $(tail -n 1 "$log.server"))"
      FAILED=1
      return
    fi
    "$BENCH" "$@" --addr "127.0.0.1:$SPORT" --pid "$SPID" "${tags[@]}" >"$log.out" 2>&1 || rc=$?
    stop_server
  fi
  after=$(wc -l <"$RESULTS")
  if [ "$after" = "$before" ]; then
    # The tool died without a result line: record the failure ourselves.
    "$BENCH" fail --scenario "$scen" "${tags[@]}" --error "runnel-bench exited $rc without a result: $(tail -n 2 "$log.out" | tr '\n' ' ')" >/dev/null
  fi
  if [ "$rc" = 0 ]; then
    echo "ok ($(head -n 1 "$log.out" | sed 's/.*: ok, //'))"
  else
    FAILED=1
    echo "FAILED: $(grep 'FAILED' "$log.out" | tail -n 1 | sed 's/.*FAILED: //' | cut -c1-200)"
  fi
}

wanted() { # name
  [ -z "$ONLY" ] && return 0
  case ",$ONLY," in *",$1,"*) return 0 ;; esac
  return 1
}

START=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
IFS=',' read -r -a PAIR_LIST <<<"$PAIRS"
for pair in "${PAIR_LIST[@]}"; do
  case "$pair" in no|everysec|always) ;; *) echo "compare.sh: unknown pair $pair" >&2; exit 2 ;; esac
  for side in A B; do
    printf '%s\t%s\t%s\t%s\n' "$pair" "$side" "$(side_label "$side")" "$(side_template "$side" "$pair")" >>"$SERVERS"
  done
  for round in $(seq 1 "$ROUNDS"); do
    echo "== pair $pair, round $round/$ROUNDS"
    for entry in "${SCENARIOS[@]}"; do
      name="${entry%%|*}"
      wanted "$name" || continue
      read -r -a args <<<"${entry#*|}"
      for side in A B; do
        run_one "$pair" "$side" "$round" "$name" "${args[@]}"
      done
    done
  done
done
echo "== $(wc -l <"$RESULTS") runs in $(( $(date +%s) - START ))s"

LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
"$BENCH" report --in "$RESULTS" --servers "$SERVERS" --out "$OUT" --mode "$MODE" --rounds "$ROUNDS" \
  --invocation "$INVOCATION" \
  --note "Load average (1, 5, 15 min) when the comparison started: ${LOAD_START:-unknown}; when it ended: ${LOAD_END:-unknown}. On a shared machine that is the first thing to read: a load above the core count means the figures include other work's noise." \
  || FAILED=1
[ -n "$RESULTS_COPY" ] && cp "$RESULTS" "$RESULTS_COPY"
if [ "$FAILED" != 0 ]; then
  echo "compare.sh: some runs failed; see the Failures section of $OUT" >&2
  exit 1
fi
