#!/usr/bin/env bash
# CareLive benchmark against DESIGN.md "Performance and capacity targets". On demand only,
# never in CI. Loopback only (127.0.0.1), bounded in time (about 2 minutes in total).
#
#   bash scripts/setup.sh          # builds build/carelive; installs wrk and nginx-light
#   bash bench/run.sh
#
# Environment (all optional):
#   BUILD_DIR=<repo>/build       folder holding the carelive binary
#   WORKERS=4                    server worker threads = login concurrency = hash threads
#   DURATION=15                  seconds per measured wrk phase
#   WARMUP=2                     seconds of unmeasured wrk before each read phase
#   READ_THREADS=2 READ_CONNECTIONS=64   wrk shape of the read phases (carelive and nginx)
#   LOGIN_ROUNDS=3               login phase split in rounds, a bare-hash measurement around each
#   HASH_VERIFICATIONS=<WORKERS*25>       bare Argon2id verifications per hash measurement
#   RESULTS_DIR=<repo>/bench/results      where the summary is saved (gitignored)
#   METRICS=0                    1: serve /metrics too ([metrics] listen), to compare its cost
#
# Exit status: 0 when every request succeeded (targets missed are shown as MISS, not as an
# error); 1 when anything failed: build missing, server not starting, a non-2xx answer,
# socket errors or timeouts, an error in the server's log, the server dying mid-run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BUILD_DIR=${BUILD_DIR:-$ROOT/build}
WORKERS=${WORKERS:-4}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-2}
READ_THREADS=${READ_THREADS:-2}
READ_CONNECTIONS=${READ_CONNECTIONS:-64}
LOGIN_ROUNDS=${LOGIN_ROUNDS:-3}
HASH_VERIFICATIONS=${HASH_VERIFICATIONS:-$((WORKERS * 25))}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results}
METRICS=${METRICS:-0}
CARELIVE=$BUILD_DIR/carelive

# Argon2id parameters: the server's defaults (src/core/crypto.hpp PasswordHashParams). The
# benchmark's config file does not override them, so the bare hash uses the same.
ARGON2_OPS=2
ARGON2_MEM=$((19 * 1024 * 1024))

LOGIN_ID=bench@example.jp
PASSWORD='Bench#Pass2026'

die() { echo "bench: FAIL: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

for tool in wrk nginx g++ curl python3 timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (bash scripts/setup.sh installs it)"
done
[ -x "$CARELIVE" ] || die "$CARELIVE not found: run 'bash scripts/setup.sh' or set BUILD_DIR"
[ "$WORKERS" -ge 1 ] || die "WORKERS must be ≥ 1"

tmp=$(mktemp -d /tmp/carelive-bench.XXXXXX)
chmod 755 "$tmp"  # nginx workers (user nobody when started as root) read the static file
server_pid=""
nginx_pid=""

stop_pid() {  # pid: TERM, wait up to 10 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$server_pid"
  stop_pid "$nginx_pid"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() {  # url: until it answers 200, at most 15 s
  for _ in $(seq 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" || true)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

server_alive() {
  kill -0 "$server_pid" 2>/dev/null && return 0
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$tmp/server.log" >&2 || true
  local rc=0
  wait "$server_pid" 2>/dev/null || rc=$?
  server_pid=""
  die "the carelive server exited during the run (status $rc$([ $rc -gt 128 ] && echo ", signal $((rc - 128))"))"
}

# run_wrk NAME SCRIPT URL THREADS CONNECTIONS SECONDS: wrk with its report on stderr (unless
# QUIET=1) and its BENCH_JSON line kept in $tmp/NAME.json.
run_wrk() {
  local name=$1 script=$2 url=$3 threads=$4 conns=$5 seconds=$6
  if ! BENCH_DIR="$ROOT/bench" timeout $((seconds + 30)) \
      wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 5s --latency -s "$script" "$url" \
      >"$tmp/$name.out" 2>&1; then
    cat "$tmp/$name.out" >&2
    [ -z "$server_pid" ] || server_alive
    die "wrk failed for $name"
  fi
  grep '^BENCH_JSON ' "$tmp/$name.out" | sed 's/^BENCH_JSON //' >"$tmp/$name.json" ||
    { cat "$tmp/$name.out" >&2; die "wrk printed no result for $name"; }
  [ "${QUIET:-0}" = 1 ] || grep -v '^BENCH_JSON ' "$tmp/$name.out" | sed 's/^/    /' >&2
}

hash_rate() {  # NAME: one bare-hash measurement into $tmp/NAME.json
  timeout 300 "$tmp/hash_rate" "$WORKERS" "$HASH_VERIFICATIONS" "$ARGON2_OPS" "$ARGON2_MEM" \
    >"$tmp/$1.json" || die "hash_rate failed"
  sed 's/^/    /' "$tmp/$1.json" >&2
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)  # read-only

# --- 0. the bare hash -------------------------------------------------------------------
say "bare Argon2id verify rate: $WORKERS threads, $HASH_VERIFICATIONS verifications (m=19 MiB, t=2)"
g++ -O2 -std=c++20 -pthread bench/hash_rate.cpp -lsodium -o "$tmp/hash_rate" ||
  die "cannot build bench/hash_rate.cpp (libsodium-dev missing?)"
hash_rate hash-0

# --- 1. the server ----------------------------------------------------------------------
port=$(free_port)
base=http://127.0.0.1:$port
mkdir -p "$tmp/data"
# Throttle limits raised so the benchmark measures the login path, not the throttle: every
# attempt counts as a failure until it succeeds (src/pass/throttle.cpp), so concurrent logins
# to one account would otherwise soon hit free_failures / lock_failures / address_failures.
# 0600: carelive refuses a config file other users may read (it holds secrets).
(umask 077 && cat >"$tmp/carelive.toml" <<EOF
[server]
worker_threads = $WORKERS

[throttle]
free_failures = 1000000000
lock_failures = 1000000000
address_failures = 1000000000
EOF
)
if [ "$METRICS" = 1 ]; then
  printf '\n[metrics]\nlisten = "127.0.0.1:%s"\n' "$(free_port)" >>"$tmp/carelive.toml"
fi
say "account $LOGIN_ID in a fresh SQLite store"
printf '%s\n' "$PASSWORD" | "$CARELIVE" admin --config "$tmp/carelive.toml" --data "$tmp/data" \
  account add --family-name 富士田 --given-name 熊吉 --family-name-kana ふじた \
  --given-name-kana くまきち --login-id "$LOGIN_ID" --password-stdin >"$tmp/admin.log" 2>&1 ||
  { cat "$tmp/admin.log" >&2; die "admin account add failed"; }

say "carelive serve on $base ($WORKERS workers)"
"$CARELIVE" serve --config "$tmp/carelive.toml" --data "$tmp/data" --listen "127.0.0.1:$port" \
  --public-url "$base" >"$tmp/server.log" 2>&1 &
server_pid=$!
wait_http "$base/healthz" || { server_alive; tail -n 40 "$tmp/server.log" >&2; die "server did not become ready"; }

# CSRF cookie from GET /session, then one login with curl for the session cookie.
jar=$tmp/cookies.txt
curl -s -o /dev/null -c "$jar" "$base/api/v1/session" || { server_alive; die "GET /api/v1/session failed"; }
csrf=$(awk '$6 == "carelive_csrf" { print $7 }' "$jar")
[ -n "$csrf" ] || die "no carelive_csrf cookie from GET /api/v1/session"
login_body=$(python3 -c 'import json, sys; print(json.dumps({"login_id": sys.argv[1], "password": sys.argv[2]}))' \
  "$LOGIN_ID" "$PASSWORD")
status=$(curl -s -o "$tmp/login.body" -w '%{http_code}' -b "$jar" -c "$jar" \
  -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" --data "$login_body" \
  "$base/api/v1/login" || true)
server_alive
[ "$status" = 200 ] || { cat "$tmp/login.body" >&2; die "login with curl answered $status"; }
session=$(awk '$6 == "carelive_session" { print $7 }' "$jar")
[ -n "$session" ] || die "no carelive_session cookie after login"
status=$(curl -s -o "$tmp/account.body" -w '%{http_code}' \
  -H "Cookie: carelive_session=$session; carelive_csrf=$csrf" "$base/api/v1/account" || true)
server_alive
[ "$status" = 200 ] || { cat "$tmp/account.body" >&2; die "GET /api/v1/account answered $status"; }
account_bytes=$(wc -c <"$tmp/account.body")

# --- 2a. login throughput, in rounds between bare-hash measurements ------------------------
# On a shared machine the CPU available drifts; alternating hash / login / hash … lets each
# login round be compared with the hash rate measured just before and just after it.
login_threads=$((WORKERS < 2 ? WORKERS : 2))
round_seconds=$(( (DURATION + LOGIN_ROUNDS - 1) / LOGIN_ROUNDS ))
[ "$round_seconds" -ge 2 ] || round_seconds=2
for round in $(seq "$LOGIN_ROUNDS"); do
  say "a) POST /api/v1/login, round $round/$LOGIN_ROUNDS: wrk -t$login_threads -c$WORKERS -d${round_seconds}s"
  BENCH_LOGIN_ID=$LOGIN_ID BENCH_PASSWORD=$PASSWORD BENCH_CSRF=$csrf \
    run_wrk "login-$round" bench/login.lua "$base/api/v1/login" "$login_threads" "$WORKERS" "$round_seconds"
  server_alive
  say "bare Argon2id verify rate again (the server idle)"
  hash_rate "hash-$round"
done

# --- 2b. authenticated JSON read, as fast as it goes ------------------------------------------
export BENCH_COOKIE="carelive_session=$session; carelive_csrf=$csrf"
say "b) GET /api/v1/account ($account_bytes-byte body): wrk -t$READ_THREADS -c$READ_CONNECTIONS -d${DURATION}s (+${WARMUP}s warm-up)"
if [ "$WARMUP" -gt 0 ]; then
  QUIET=1 run_wrk account-warmup bench/read.lua "$base/api/v1/account" \
    "$READ_THREADS" "$READ_CONNECTIONS" "$WARMUP"
fi
run_wrk account bench/read.lua "$base/api/v1/account" "$READ_THREADS" "$READ_CONNECTIONS" "$DURATION"
server_alive
unset BENCH_COOKIE

# --- 2c. nginx, the same shape on a static file ----------------------------------------------
nport=$(free_port)
mkdir -p "$tmp/nginx" "$tmp/www"
# A static JSON file of about the size of the account answer.
python3 - "$tmp/www/account.json" "$account_bytes" <<'EOF'
import json, sys
path, size = sys.argv[1], int(sys.argv[2])
doc = {"account": {"id": 1, "family_name": "富士田", "given_name": "熊吉",
                   "family_name_kana": "ふじた", "given_name_kana": "くまきち",
                   "email": "bench@example.jp", "phone": None, "phone_display": None},
       "pad": ""}
while len(json.dumps(doc, ensure_ascii=False).encode()) < size:
    doc["pad"] += "x"
open(path, "w", encoding="utf-8").write(json.dumps(doc, ensure_ascii=False))
EOF
chmod 644 "$tmp/www/account.json"; chmod 755 "$tmp/www"
static_bytes=$(wc -c <"$tmp/www/account.json")
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  # carelive keeps connections open indefinitely; let nginx do the same (default: 1000).
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    location / { default_type application/json; }
  }
}
EOF
say "c) nginx on 127.0.0.1:$nport, $static_bytes-byte static JSON: same wrk shape"
nginx -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
wait_http "http://127.0.0.1:$nport/account.json" ||
  { cat "$tmp/nginx/stdout.log" "$tmp/nginx/error.log" >&2 2>/dev/null; die "nginx did not start"; }
if [ "$WARMUP" -gt 0 ]; then
  QUIET=1 run_wrk nginx-warmup bench/read.lua "http://127.0.0.1:$nport/account.json" \
    "$READ_THREADS" "$READ_CONNECTIONS" "$WARMUP"
fi
run_wrk nginx bench/read.lua "http://127.0.0.1:$nport/account.json" "$READ_THREADS" \
  "$READ_CONNECTIONS" "$DURATION"

# --- 2d. authenticated JSON read at the target load: 30 % of nginx's rate ---------------------
# wrk has no fixed-rate mode; bench/read.lua paces each connection (think time) instead. wrk's
# timers and the answer time add to the wait, so the pace asked of wrk is calibrated on each
# server first (two 3-second runs: asked = asked × target / reached).
target_rate=$(python3 -c 'import json, sys; print(round(0.30 * json.load(open(sys.argv[1]))["rps"]))' "$tmp/nginx.json")
calibrate() {  # NAME URL: prints the pace to ask of wrk for target_rate
  local name=$1 url=$2 asked=$target_rate
  for i in 1 2; do
    BENCH_RATE=$asked BENCH_CONNECTIONS=$READ_CONNECTIONS QUIET=1 run_wrk "calibrate-$name-$i" \
      bench/read.lua "$url" "$READ_THREADS" "$READ_CONNECTIONS" 3
    asked=$(python3 -c '
import json, sys
asked, target, reached = float(sys.argv[2]), float(sys.argv[3]), json.load(open(sys.argv[1]))["rps"]
print(round(min(asked * target / max(reached, 1.0), 3 * target)))' "$tmp/calibrate-$name-$i.json" "$asked" "$target_rate")
  done
  echo "$asked"
}
export BENCH_COOKIE="carelive_session=$session; carelive_csrf=$csrf"
paced_rate=$(calibrate account "$base/api/v1/account")
say "d) GET /api/v1/account at 30 % of nginx's rate ($target_rate req/s; pace asked of wrk: $paced_rate): wrk -t$READ_THREADS -c$READ_CONNECTIONS -d${DURATION}s"
BENCH_RATE=$paced_rate BENCH_CONNECTIONS=$READ_CONNECTIONS \
  run_wrk account-paced bench/read.lua "$base/api/v1/account" "$READ_THREADS" "$READ_CONNECTIONS" "$DURATION"
server_alive
unset BENCH_COOKIE
# Control: nginx at the same pace. A long tail there too means the machine (other processes,
# wrk sharing the cores), not carelive.
nginx_paced_rate=$(calibrate nginx "http://127.0.0.1:$nport/account.json")
say "e) nginx at the same rate (control for d; pace asked of wrk: $nginx_paced_rate): same wrk shape"
BENCH_RATE=$nginx_paced_rate BENCH_CONNECTIONS=$READ_CONNECTIONS \
  run_wrk nginx-paced bench/read.lua "http://127.0.0.1:$nport/account.json" "$READ_THREADS" \
  "$READ_CONNECTIONS" "$DURATION"
stop_pid "$nginx_pid"; nginx_pid=""
stop_pid "$server_pid"; server_pid=""
# What the server recorded about the logins (throttled or failed ones would show here).
audit=$(sqlite3 "$tmp/data/carelive.db" \
  "SELECT group_concat(event || ' ' || n, ', ') FROM (SELECT event, count(*) AS n FROM audit_log GROUP BY event ORDER BY event)" \
  2>/dev/null || echo "(sqlite3 not available)")

# --- 3. summary ---------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
server_errors=$(grep -ciE '\[(error|critical)\]|"level":"(error|critical)"' "$tmp/server.log" || true)
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | awk -F': *' '/Model name/ { print $2; exit }')
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
mkdir -p "$RESULTS_DIR"
result_file=$RESULTS_DIR/$(date +%Y-%m-%dT%H%M%S).txt

set +e
python3 - "$tmp" <<EOF | tee "$result_file"
import json, os, sys
tmp = sys.argv[1]
load = lambda n: json.load(open(f"{tmp}/{n}.json"))
rounds = $LOGIN_ROUNDS
hashes = [load(f"hash-{i}") for i in range(rounds + 1)]
logins = [load(f"login-{i}") for i in range(1, rounds + 1)]
ac, ng = load("account"), load("nginx")
pc, npc = load("account-paced"), load("nginx-paced")
ms = lambda us: us / 1000.0
verdict = lambda ok: "ok" if ok else "MISS"
nproc = $(nproc)

print("CareLive benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $commit  build ${build_type:-?}")
print(f"machine: nproc {nproc}, CPU: ${cpu:-unknown}; load average at start $load_start, at end $load_end")
print("server: $WORKERS worker threads, 1 I/O thread, SQLite; wrk ${DURATION}s per phase, loopback")
if float("$load_start".split()[0]) > nproc / 2:
    print(f"WARNING: the machine was busy before the run (load > {nproc / 2:g}): figures are unreliable")
print()
print(f"{'phase':<40}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'non-2xx':>9}{'sock err':>9}")
def errors(r):
    return r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
def row(name, r):
    print(f"{name:<40}{r['rps']:>10.1f}{ms(r['p50_us']):>9.2f}{ms(r['p99_us']):>9.2f}"
          f"{r['requests']:>10}{r['non2xx']:>9}{errors(r):>9}")
hrate = [h["hashes_per_sec"] for h in hashes]
for i, h in enumerate(hashes):
    print(f"{'bare Argon2id verify, ' + str(h['threads']) + ' thr (' + str(i) + ')':<40}"
          f"{h['hashes_per_sec']:>10.1f}{'':>18}{h['verifications']:>10}")
for i, r in enumerate(logins, 1):
    around = (hrate[i - 1] + hrate[i]) / 2
    row(f"a) POST /api/v1/login round {i} (c=$WORKERS)", r)
    print(f"{'':<4}overhead vs hash {i - 1}/{i} ({around:.1f}/s): {(1 - r['rps'] / around) * 100:.1f} %")
# All rounds together: the rate over the summed time, p50 the mean of the rounds', p99 the worst.
login_requests = sum(r["requests"] for r in logins)
login_seconds = sum(r["duration_us"] for r in logins) / 1e6
lg = dict(logins[0])
lg.update(requests=login_requests, rps=login_requests / login_seconds,
          p50_us=sum(r["p50_us"] for r in logins) / rounds, p99_us=max(r["p99_us"] for r in logins),
          non2xx=sum(r["non2xx"] for r in logins),
          **{k: sum(r[k] for r in logins)
             for k in ("connect_errors", "read_errors", "write_errors", "timeouts")})
row(f"a) POST /api/v1/login, all {rounds} rounds", lg)
row("b) GET /api/v1/account (c=$READ_CONNECTIONS)", ac)
row("c) nginx static ${static_bytes} B (c=$READ_CONNECTIONS)", ng)
row("d) GET /api/v1/account paced (c=$READ_CONNECTIONS)", pc)
row("e) nginx static paced (c=$READ_CONNECTIONS)", npc)
print()
# Each login round weighs as much as its time; the hash rate around it is the mean of the
# measurements before and after it.
hash_rps = sum((hrate[i - 1] + hrate[i]) / 2 * r["duration_us"] for i, r in enumerate(logins, 1)) \
    / sum(r["duration_us"] for r in logins)
overhead = 1 - lg["rps"] / hash_rps
ratio = ac["rps"] / ng["rps"]
drift = (max(hrate) - min(hrate)) / hash_rps
print(f"server overhead on login: {overhead * 100:.1f} %  (login {lg['rps']:.1f}/s vs bare hash "
      f"{hash_rps:.1f}/s around the rounds)   target < 10 %: {verdict(overhead < 0.10)}")
if drift > 0.10:
    print(f"  UNRELIABLE: the bare hash rate moved {drift * 100:.0f} % during the run "
          "(other load on the machine); rerun on a quiet machine")
print(f"account GET rate / nginx rate: {ratio * 100:.1f} %   target >= 30 %: {verdict(ratio >= 0.30)}")
p99 = ms(pc["p99_us"])
reached = pc["rps"] / ng["rps"]
note = "" if reached >= 0.285 else f" (only {reached * 100:.0f} % of nginx's rate reached: load below target)"
print(f"account GET p99 at 30 % of nginx's rate: {p99:.2f} ms at {pc['rps']:.0f} req/s{note}"
      f"   target < 20 ms: {verdict(p99 < 20)}")
print(f"  control: nginx p99 at the same rate: {ms(npc['p99_us']):.2f} ms at {npc['rps']:.0f} req/s")
print(f"account GET p99 at saturation: {ms(ac['p99_us']):.2f} ms at {ac['rps']:.0f} req/s "
      f"(nginx at saturation: {ms(ng['p99_us']):.2f} ms)")
warm = [load(n) for n in ("account-warmup", "nginx-warmup", "calibrate-account-1",
                          "calibrate-account-2", "calibrate-nginx-1", "calibrate-nginx-2")
        if os.path.exists(f"{tmp}/{n}.json")]
bad = sum(r["non2xx"] + errors(r) for r in logins + [ac, ng, pc, npc] + warm)
print(f"server log error lines: $server_errors; audit log: $audit")
if bad:
    print(f"FAILED REQUESTS (incl. warm-ups): {bad}: see the Non-2xx / Socket errors lines")
sys.exit(1 if bad else 0)
EOF
summary_rc=${PIPESTATUS[0]}
set -e
echo "saved: ${result_file#"$ROOT"/}" >&2
grep -H -E 'Non-2xx|Socket errors|BENCH_BAD_ANSWER' "$tmp"/*.out 2>/dev/null | sed "s|$tmp/||" >&2 || true
[ "$server_errors" = 0 ] || grep -iE 'error|critical' "$tmp/server.log" | head -n 10 >&2
[ "$summary_rc" = 0 ] || die "non-2xx answers or socket errors (see above); the figures are not valid"
[ "$server_errors" = 0 ] || die "the server logged errors (above)"
