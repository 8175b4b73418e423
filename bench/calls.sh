#!/usr/bin/env bash
# Video-call benchmark (issue 4) against DESIGN.md "Performance and capacity targets":
#   - 20,000 idle WebSocket clients waiting on the call screen per process, < 20 KiB each;
#   - call-start notification reaches all waiting clients of a resident in < 100 ms p99;
#   - and, for reference, 「開始する」 → first decoded remote frame in Chromium.
# On demand only, never in CI. Loopback only. About 3 minutes with the defaults.
#
#   bash bench/calls.sh                                  # builds the tools, uses build/carelive
#   BUILD_DIR=/work/main/build bash bench/calls.sh       # another build's server
#   CONNECTIONS=2000 RESIDENTS=500 FIRST_FRAME=0 bash bench/calls.sh   # a quick run
#
# Environment (all optional):
#   BUILD_DIR=<repo>/build      folder of the server binary (carelive)
#   CARELIVE_BIN=$BUILD_DIR/carelive   the server binary itself
#   TOOLS_BUILD_DIR=<repo>/build       where calls_seed and ws_load are built (this checkout)
#   RESIDENTS=5000 FAMILIES=4 PER_FACILITY=100   the world: residents, family accounts each,
#                                                residents per facility (one staff each)
#   CONNECTIONS=20000           family WebSockets to hold (capped by the open-files limit)
#   WARMUP=200                  connections opened and closed before the memory baseline
#   ROUNDS=500                  calls started per fan-out pass
#   CONCURRENCY="1 10"          calls in flight at once, one pass per value
#   SOURCES=4                   client source addresses 127.0.0.1..N
#   WORKERS=4                   server worker threads (the server's default)
#   FIRST_FRAME=1 FRAME_ROUNDS=10      the Chromium measurement (0: skip)
#   RESULTS_DIR=<repo>/bench/results   where the summary is saved (gitignored)
#
# Exit status 1 when anything failed (a connection refused or dropped, a message refused, a
# fan-out timed out, the server logging an error or dying); targets missed are shown as MISS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BUILD_DIR=${BUILD_DIR:-$ROOT/build}
CARELIVE=${CARELIVE_BIN:-$BUILD_DIR/carelive}
TOOLS_BUILD_DIR=${TOOLS_BUILD_DIR:-$ROOT/build}
RESIDENTS=${RESIDENTS:-5000}
FAMILIES=${FAMILIES:-4}
PER_FACILITY=${PER_FACILITY:-100}
CONNECTIONS=${CONNECTIONS:-20000}
WARMUP=${WARMUP:-200}
ROUNDS=${ROUNDS:-500}
CONCURRENCY=${CONCURRENCY:-"1 10"}
SOURCES=${SOURCES:-4}
WORKERS=${WORKERS:-4}
FIRST_FRAME=${FIRST_FRAME:-1}
FRAME_ROUNDS=${FRAME_ROUNDS:-10}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results}

die() { echo "calls bench: FAIL: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

for tool in cmake curl python3 timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
[ "$FIRST_FRAME" = 0 ] || command -v node >/dev/null 2>&1 || die "node not found (or FIRST_FRAME=0)"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)

# --- 0. the tools (and the server, when it is this checkout's and missing) --------------------
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Configured every time (cheap): an older build folder may predate the tools' targets.
if [ -f "$TOOLS_BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$TOOLS_BUILD_DIR" >/dev/null
else
  say "configuring $TOOLS_BUILD_DIR (RelWithDebInfo)"
  cmake -S "$ROOT" -B "$TOOLS_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
fi
targets=(calls_seed ws_load)
[ -x "$CARELIVE" ] || [ "$CARELIVE" != "$TOOLS_BUILD_DIR/carelive" ] || targets+=(carelive)
say "building ${targets[*]} in $TOOLS_BUILD_DIR"
cmake --build "$TOOLS_BUILD_DIR" -j2 --target "${targets[@]}" >&2
[ -x "$CARELIVE" ] || die "$CARELIVE not found: set BUILD_DIR or CARELIVE_BIN"
SEED=$TOOLS_BUILD_DIR/calls_seed
LOAD=$TOOLS_BUILD_DIR/ws_load

# Every connection is a file descriptor in the server and in ws_load: take the hard limit.
ulimit -n "$(ulimit -Hn)"
nofile=$(ulimit -n)

tmp=$(mktemp -d /tmp/carelive-calls-bench.XXXXXX)
server_pid=""

stop_pid() {  # pid [seconds]: TERM, wait, then KILL
  local pid=$1 wait_s=${2:-20}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((wait_s * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$server_pid" 5
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

server_alive() {
  kill -0 "$server_pid" 2>/dev/null && return 0
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$tmp"/server-*.log >&2 || true
  server_pid=""
  die "the carelive server exited during the run"
}

# --- 1. the world ------------------------------------------------------------------------------
facilities=$(( (RESIDENTS + PER_FACILITY - 1) / PER_FACILITY ))
say "seeding $RESIDENTS residents in $facilities facilities, $FAMILIES family accounts each, $facilities staff"
seed_start=$(date +%s.%N)
"$SEED" --data "$tmp/data" --residents "$RESIDENTS" --families "$FAMILIES" \
  --per-facility "$PER_FACILITY" --tokens "$tmp/tokens.txt" >&2 || die "seeding failed"
seed_seconds=$(python3 -c "import time; print(round(time.time() - $seed_start, 1))")

port=$(free_port)
base=http://127.0.0.1:$port
# 0600: carelive refuses a config file other users may read (it holds secrets).
(umask 077 && cat >"$tmp/carelive.toml" <<EOF
[server]
worker_threads = $WORKERS
EOF
)

start_server() {  # NAME: carelive serve on $base, log in $tmp/server-NAME.log
  "$CARELIVE" serve --config "$tmp/carelive.toml" --data "$tmp/data" --listen "127.0.0.1:$port" \
    --public-url "$base" >"$tmp/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/healthz" || true)" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  server_alive
  die "server did not become ready"
}

# --- 2. idle connections and the call-start fan-out ------------------------------------------
say "carelive serve on $base ($CARELIVE, $WORKERS workers)"
start_server ws
# The server holds one descriptor per connection plus its own (store, listener, logs; the
# store pool opens more under load), and so does ws_load plus one per staff connection. A
# container's hard limit can sit at 20,000: hold what fits and say so.
server_fds=$(ls "/proc/$server_pid/fd" | wc -l)
fit=$(( (nofile - server_fds - facilities - 64) / FAMILIES * FAMILIES ))
seeded=$((RESIDENTS * FAMILIES))
held=$CONNECTIONS
[ "$held" -le "$seeded" ] || held=$seeded
capped=""
if [ "$held" -gt "$fit" ]; then
  capped="capped from $held: open files limit $nofile per process (hard), server uses $server_fds at start"
  held=$fit
  say "holding $held connections ($capped)"
fi
read -r -a conc <<<"$CONCURRENCY"
say "ws_load: $held connections, then $ROUNDS calls per pass at ${CONCURRENCY// /, } at once"
if ! "$LOAD" --port "$port" --origin "$base" --tokens "$tmp/tokens.txt" --connections "$held" \
    --warmup "$WARMUP" --server-pid "$server_pid" --rounds "$ROUNDS" --concurrency "${conc[@]}" \
    --sources "$SOURCES" >"$tmp/ws.out" 2>"$tmp/ws.err"; then
  ws_failed=1
else
  ws_failed=0
fi
cat "$tmp/ws.err" >&2
server_alive
grep '^BENCH_JSON ' "$tmp/ws.out" | sed 's/^BENCH_JSON //' >"$tmp/ws.json" || die "ws_load printed no result"
# ws_load has exited: the server now closes every connection. Stop it and start afresh for
# the browser measurement, so the two do not mix.
stop_pid "$server_pid" 60
server_pid=""

# --- 3. 「開始する」 → first decoded remote frame, Chromium ----------------------------------
echo '{}' >"$tmp/frame.json"
frame_failed=0
if [ "$FIRST_FRAME" != 0 ]; then
  start_server frame
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/" || true)" != 200 ]; then
    say "the server serves no web app (web/dist next to the binary, or [server] web_dir): first frame skipped"
    frame_failed=1
  else
    read -r _ staff_facility _ staff_token < <(grep -m1 '^staff ' "$tmp/tokens.txt")
    read -r _ resident _ _ family_token < <(grep -m1 '^family ' "$tmp/tokens.txt")
    say "Chromium: $FRAME_ROUNDS calls, 「開始する」 → first decoded remote frame"
    if BENCH_URL=$base BENCH_FACILITY=$staff_facility BENCH_RESIDENT=$resident \
        BENCH_STAFF_TOKEN=$staff_token BENCH_FAMILY_TOKEN=$family_token FRAME_ROUNDS=$FRAME_ROUNDS \
        timeout 600 node bench/first-frame.mjs >"$tmp/frame.out"; then :; else frame_failed=1; fi
    grep '^BENCH_JSON ' "$tmp/frame.out" | sed 's/^BENCH_JSON //' >"$tmp/frame.json" || echo '{}' >"$tmp/frame.json"
    server_alive
  fi
  stop_pid "$server_pid" 20
  server_pid=""
fi

# --- 4. summary ---------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
server_errors=$(cat "$tmp"/server-*.log | grep -ciE '\[(error|critical)\]|"level":"(error|critical)"' || true)
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
build_type() { awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$1/CMakeCache.txt" 2>/dev/null || true; }
server_build=$(build_type "$(dirname "$CARELIVE")")
tools_build=$(build_type "$TOOLS_BUILD_DIR")
server_commit=$(git -C "$(dirname "$CARELIVE")" rev-parse --short HEAD 2>/dev/null || echo "?")
mkdir -p "$RESULTS_DIR"
result_file=$RESULTS_DIR/calls-$(date +%Y-%m-%dT%H%M%S).txt

set +e
python3 - "$tmp" <<EOF | tee "$result_file"
import json, sys
tmp = sys.argv[1]
ws = json.load(open(f"{tmp}/ws.json"))
fr = json.load(open(f"{tmp}/frame.json"))
nproc = $(nproc)
verdict = lambda ok: "ok" if ok else "MISS"
kib = lambda b: b / 1024.0

print("CareLive call benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $commit")
print(f"machine: nproc {nproc}, CPU: ${cpu:-unknown}; load average at start $load_start, at end $load_end")
print("server: $CARELIVE (build ${server_build:-?}, checkout $server_commit); $WORKERS worker threads, 1 I/O thread, SQLite")
print("tools: $TOOLS_BUILD_DIR (build ${tools_build:-?}); loopback, $SOURCES client source addresses, "
      "ephemeral ports $(tr '\t' - </proc/sys/net/ipv4/ip_local_port_range); open files limit $nofile")
print("world: $RESIDENTS residents in $facilities facilities, $FAMILIES family accounts each "
      f"({$RESIDENTS * $FAMILIES}) + $facilities staff, seeded in ${seed_seconds} s")
if float("$load_start".split()[0]) > nproc / 2:
    print(f"WARNING: the machine was busy before the run (load > {nproc / 2:g}): figures are unreliable")
print()
n = ws.get("connections", 0)
print("idle WebSocket clients (family call screens: upgrade with cookie + Origin, then watch)")
print(f"  connections held, all watching   {n:>10}   asked $CONNECTIONS" + ("  ($capped)" if "$capped" else ""))
if "open_seconds" in ws:
    print(f"  time to open and watch them all  {ws['open_seconds']:>10.1f} s   ($WARMUP warm-up connections before)")
per = ws.get("server_bytes_per_connection")
if per is not None:
    print(f"  server VmRSS before / after      {ws['server_rss_before_kib'] / 1024:>10.1f} / {ws['server_rss_after_kib'] / 1024:.1f} MiB"
          f"   (server open files: {ws['server_fds']})")
    print(f"  server memory per connection     {kib(per):>10.2f} KiB   target < 20 KiB: {verdict(kib(per) < 20)}")
    print(f"  ws_load memory per connection    {kib(ws['client_bytes_per_connection']):>10.2f} KiB   (the client, for comparison)")
print()
print(f"call-start fan-out: staff 'start' -> every waiting client of the resident has 'ringing' "
      f"(all {n} connections open; {ws.get('staff_connections', 0)} staff connections)")
print(f"  {'calls at once':<15}{'calls':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'mean ms':>9}{'timeouts':>10}")
worst = None
for f in ws.get("fanout", []):
    print(f"  {f['concurrency']:<15}{f['calls']:>7}{f['p50_ms']:>9.2f}{f['p90_ms']:>9.2f}{f['p99_ms']:>9.2f}"
          f"{f['max_ms']:>9.2f}{f['mean_ms']:>9.2f}{f['timeouts']:>10}")
    if f.get("asked", f["concurrency"]) == 1 and worst is None:
        worst = f["p99_ms"]
    if f.get("asked", f["concurrency"]) != f["concurrency"]:
        print(f"  (asked {f['asked']} at once: only {f['concurrency']} facilities have measured residents)")
print("  for comparison, 'start' -> the staff connection has 'joined' (sent after the call log is written,")
print("  before the fan-out to the watchers):")
for f in ws.get("fanout", []):
    j = f.get("staff_joined", {})
    if j.get("calls"):
        print(f"  {f['concurrency']:<15}{j['calls']:>7}{j['p50_ms']:>9.2f}{j['p90_ms']:>9.2f}{j['p99_ms']:>9.2f}"
              f"{j['max_ms']:>9.2f}{j['mean_ms']:>9.2f}")
if worst is not None:
    print(f"  p99 with one call at a time: {worst:.2f} ms   target < 100 ms: {verdict(worst < 100)}")
print()
if fr.get("rounds"):
    print("「開始する」 -> first remote video frame on the family page (Chromium, fake camera, loopback; fresh server)")
    print(f"  {'':<36}{'rounds':>7}{'min ms':>9}{'p50 ms':>9}{'p90 ms':>9}{'max ms':>9}")
    for key, name in (("first", "first frame decoded"), ("presented", "first frame presented (rVFC)"),
                      ("decoded", "  decoded, from rVFC metadata"),
                      ("polled", "  decoded, getStats poll")):
        s = fr.get(key, {})
        if s.get("rounds"):
            print(f"  {name:<36}{s['rounds']:>7}{s['min_ms']:>9.0f}{s['p50_ms']:>9.0f}{s['p90_ms']:>9.0f}{s['max_ms']:>9.0f}")
elif "$FIRST_FRAME" != "0":
    print("「開始する」 -> first remote frame: NOT MEASURED (see the messages above)")
print()
print(f"ws_load: failed {ws.get('failed')}, closed by the server {ws.get('closed')}, error answers {ws.get('errors')}, "
      f"unexpected messages {ws.get('unexpected_messages')}; server log error lines: $server_errors")
EOF
summary_rc=${PIPESTATUS[0]}
set -e
echo "saved: ${result_file#"$ROOT"/}" >&2
[ "$summary_rc" = 0 ] || die "could not summarise (see above)"
[ "$server_errors" = 0 ] || { grep -ihE 'error|critical' "$tmp"/server-*.log | head -n 10 >&2; die "the server logged errors (above)"; }
[ "$ws_failed" = 0 ] || die "ws_load failed (connections refused or dropped, messages refused, or fan-out timeouts; above)"
[ "$frame_failed" = 0 ] || die "the Chromium measurement failed (above)"
