#!/usr/bin/env bash
# What this machine lets any server reach with 50 unpipelined clients.
#
#   bench/ceiling.sh [--rounds N] [--requests N] [--pipeline P]
#
# Runs redis-benchmark -c 50 -P P -n N XADD s * f v (P defaults to 1)
# against four servers in turn, round after round (so drift hits all
# alike), each freshly started on a free loopback port:
#   redis     redis-server --save '' --appendonly no
#   runnel    runnel --appendfsync no
#   null-ep   runnel-bench nullserver --loop epoll: no work at all, one
#             event loop, as Redis serves connections
#   null-go   runnel-bench nullserver --loop goroutines: no work at all, a
#             goroutine per connection, as runnel serves them
# and prints each round's requests/s and server CPU seconds, then the
# median of each server and the median of its per-round ratios to redis.
# On a machine where the load tool needs one of two cores, null-ep's ratio
# is the best any server can show there: a server that does nothing but
# read and write cannot be beaten by one that also does the work.
set -uo pipefail

ROUNDS=5 REQUESTS=300000 PIPELINE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="${2:?}"; shift ;;
    --requests) REQUESTS="${2:?}"; shift ;;
    --pipeline) PIPELINE="${2:?}"; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ceiling.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for tool in redis-server redis-benchmark go; do
  command -v "$tool" >/dev/null || { echo "ceiling.sh: $tool not found" >&2; exit 2; }
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && go build -o "$WORK/runnel" ./cmd/runnel && go build -o "$WORK/runnel-bench" ./cmd/runnel-bench) || exit 1

SERVERS=(redis runnel null-ep null-go)
run_one() { # name -> "rate cpu"
  local name=$1 port dir pid
  port=$("$WORK/runnel-bench" freeport)
  dir=$(mktemp -d -p "$WORK")
  case $name in
    redis) redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no >"$dir/log" 2>&1 & ;;
    runnel) "$WORK/runnel" --port "$port" --dir "$dir/data" --appendfsync no >"$dir/log" 2>&1 & ;;
    null-ep) "$WORK/runnel-bench" nullserver --loop epoll --addr "127.0.0.1:$port" >"$dir/log" 2>&1 & ;;
    null-go) "$WORK/runnel-bench" nullserver --loop goroutines --addr "127.0.0.1:$port" >"$dir/log" 2>&1 & ;;
  esac
  pid=$!
  "$WORK/runnel-bench" ping --addr "127.0.0.1:$port" >/dev/null || { echo "0 0"; kill "$pid"; return; }
  local rate
  rate=$(redis-benchmark -p "$port" -n "$REQUESTS" -c 50 -P "$PIPELINE" --csv XADD s '*' f v 2>/dev/null |
    awk -F'"' 'NR==2 {print $4}')
  local cpu
  cpu=$(awk '{printf "%.2f", ($14+$15)/100}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  kill "$pid"; wait "$pid" 2>/dev/null
  echo "${rate:-0} $cpu"
}

declare -A RATES
printf '%-6s' round; printf ' %18s' "${SERVERS[@]}"; echo
for r in $(seq 1 "$ROUNDS"); do
  printf '%-6s' "$r"
  for s in "${SERVERS[@]}"; do
    read -r rate cpu < <(run_one "$s")
    RATES[$s]+="$rate "
    printf ' %11.0f/s %4ss' "$rate" "$cpu"
  done
  echo
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
echo "redis-benchmark -c 50 -P $PIPELINE -n $REQUESTS XADD s * f v, $ROUNDS rounds:"
read -ra base <<<"${RATES[redis]}"
for s in "${SERVERS[@]}"; do
  read -ra mine <<<"${RATES[$s]}"
  ratios=""
  for i in "${!mine[@]}"; do ratios+="$(awk -v a="${mine[$i]}" -v b="${base[$i]}" 'BEGIN {print (b > 0 ? a/b : 0)}') "; done
  printf '  %-8s median %9.0f req/s   ratio to redis %.2f (rounds: %s)\n' "$s" \
    "$(echo "${RATES[$s]}" | median)" "$(echo "$ratios" | median)" "$(echo "$ratios" | xargs printf '%.2f ' )"
done
