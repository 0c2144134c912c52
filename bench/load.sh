#!/usr/bin/env bash
# Load on `bounceback serve`: wrk (bench/load/decode.lua) POSTs real bounce messages to /v1/decode
# for a few connection counts, then once with ?store=1 into a fresh SQLite store, and prints for
# each run the requests per second, p50 and p99 latency, non-2xx answers and socket errors, the
# server's CPU use (in cores, from /proc/PID/stat), its CPU time per request (which, unlike the
# rate, holds on a machine shared with other work), how long its threads were ready to run but
# waiting for a CPU (from /proc/PID/task/*/schedstat: on a machine shared with other work, the
# CPU it would have used), wrk's own CPU use, how busy the whole machine was (/proc/stat)
# and the server's peak RSS (VmHWM). A fresh server is started for every run, so each peak is its
# own. Messages: ../shared/corpus/maildir, or the project's fixtures when the corpus is absent.
#
# Usage: bench/load.sh [path/to/bounceback]    without a path, builds Release first
# Environment: DURATION seconds per run (10), CONNECTIONS ("2 16 64 256"), STORE_CONNECTIONS (16),
#              WRK_THREADS (1: wrk shares the machine with the server, so it gets one core at most),
#              NICE (e.g. -20, as root: server and wrk ahead of other work on a shared machine;
#              with Linux's autogroups a priority counts only within a session, so the script
#              then runs in a session of its own and raises that session's group)
# Exit status 1 when any request failed (non-2xx or a socket error).
set -euo pipefail
if [ -n "${NICE:-}" ] && [ -z "${LOAD_OWN_SESSION:-}" ]; then
  LOAD_OWN_SESSION=1 exec setsid --wait bash "$0" "$@"
fi
cd "$(dirname "$0")/.."
duration=${DURATION:-10}
connection_counts=${CONNECTIONS:-2 16 64 256}
store_connections=${STORE_CONNECTIONS:-16}
wrk_threads=${WRK_THREADS:-1}
priority=(nice -n "${NICE:-0}")

command -v wrk >/dev/null || { echo "load: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [ $# -ge 1 ]; then
  bin=$1
else
  scripts/build release bounceback_cli >/dev/null
  bin=build/release/bounceback
fi
# Raised only now: the build above runs at the usual priority.
if [ -n "${NICE:-}" ] && [ -w /proc/self/autogroup ]; then echo "$NICE" >/proc/self/autogroup; fi

work=$(mktemp -d)
server_pid=
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT

if [ -d ../shared/corpus/maildir ]; then
  corpus="../shared/corpus/maildir"
  find "$(cd ../shared/corpus/maildir && pwd)" -type f | sort >"$work/messages"
else
  corpus="tests/fixtures (../shared/corpus is absent)"
  find "$PWD/tests/fixtures/formats" "$PWD/tests/fixtures/report" "$PWD/examples/bounces" -name '*.eml' | sort >"$work/messages"
fi
messages=$(wc -l <"$work/messages")
bytes=$(xargs cat <"$work/messages" | wc -c)

# start_server ARGS...: a fresh server on a free loopback port; sets $base.
start_server() {
  stop_server
  "${priority[@]}" "$bin" serve --listen 127.0.0.1:0 "$@" 2>"$work/serve.log" &
  server_pid=$!
  base=
  for _ in $(seq 100); do
    base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" || true)
    if [ -n "$base" ] && curl -sf --max-time 2 "$base/healthz" >/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "load: the server did not start: $(cat "$work/serve.log")" >&2
  exit 1
}

# CPU ticks the server has used, user and system.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# Busy and total ticks of the whole machine.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
# Nanoseconds the server's threads have spent ready to run but waiting for a CPU.
server_wait_ns() { cat /proc/"$server_pid"/task/*/schedstat 2>/dev/null | awk '{ sum += $2 } END { printf "%.0f", sum }'; }
peak_rss_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }

tick_hz=$(getconf CLK_TCK)
cores=$(nproc)
failed=0
row_format="%-26s %11s %8s %8s %8s %7s %11s %8s %8s %8s %13s %9s\n"
TIMEFORMAT='%U %S'

# measure LABEL CONNECTIONS QUERY: one wrk run against the running server; prints a table row.
measure() {
  local label=$1 connections=$2 query=$3
  local threads=$((wrk_threads < connections ? wrk_threads : connections))
  local server_before wait_before wait_after machine_before started finished server_after machine_after result
  server_before=$(server_ticks)
  wait_before=$(server_wait_ns)
  machine_before=$(machine_ticks)
  started=$(date +%s.%N)
  {
    time "${priority[@]}" wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s \
      -s bench/load/decode.lua "$base" -- "$work/messages" $query >"$work/wrk.out" 2>&1
  } 2>"$work/wrk.time"
  finished=$(date +%s.%N)
  server_after=$(server_ticks)
  wait_after=$(server_wait_ns)
  machine_after=$(machine_ticks)
  result=$(grep '^result ' "$work/wrk.out") || { cat "$work/wrk.out" >&2; exit 1; }
  read -r _ requests rate p50 p99 non2xx errors <<<"$result"
  local server_cores server_waiting cpu_per_request wrk_cores machine_busy
  server_cores=$(awk -v t="$((server_after - server_before))" -v hz="$tick_hz" -v s="$started" -v f="$finished" \
    'BEGIN { printf "%.2f", t / hz / (f - s) }')
  server_waiting=$(awk -v w="$((wait_after - wait_before))" -v s="$started" -v f="$finished" \
    'BEGIN { printf "%.2f", w / 1e9 / (f - s) }')
  wrk_cores=$(awk -v s="$started" -v f="$finished" '{ printf "%.2f", ($1 + $2) / (f - s) }' "$work/wrk.time")
  cpu_per_request=$(awk -v t="$((server_after - server_before))" -v hz="$tick_hz" -v n="$requests" \
    'BEGIN { printf "%.0f us", n ? t / hz / n * 1e6 : 0 }')
  machine_busy=$(awk -v b0="${machine_before% *}" -v t0="${machine_before#* }" -v b1="${machine_after% *}" \
    -v t1="${machine_after#* }" 'BEGIN { printf "%.0f %%", 100 * (b1 - b0) / (t1 - t0) }')
  printf "$row_format" "$label" "$rate" "$p50" "$p99" "$non2xx" "$errors" "$server_cores of $cores" \
    "$server_waiting" "$cpu_per_request" "$wrk_cores" "$machine_busy" "$(peak_rss_mib) MiB"
  if [ "$non2xx" -ne 0 ] || [ "$errors" -ne 0 ]; then failed=1; fi
}

echo "load: $("$bin" --version | head -n1), $cores cores, $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "load: $messages messages ($((bytes / 1024)) KiB) from $corpus; ${duration} s per run, wrk -t$wrk_threads"
echo "load: machine load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg); nice ${NICE:-0}"
printf "$row_format" "run" "requests/s" "p50 ms" "p99 ms" "non-2xx" "errors" "server CPU" "waiting" "CPU/req" "wrk CPU" \
  "machine busy" "peak RSS"
for connections in $connection_counts; do
  start_server --no-store
  measure "decode, $connections connections" "$connections" ""
done
start_server --db "sqlite:$work/load.db"
measure "decode?store=1, $store_connections conn." "$store_connections" "?store=1"
stored=$(curl -s "$base/metrics" | awk '/endpoint="decode",status="200"/ { print $2 }')
echo "load: the store run answered ${stored:-0} requests with 200; $messages distinct messages, the rest duplicates"
exit "$failed"
