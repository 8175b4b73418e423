#!/usr/bin/env bash
# Access records (SPEC 15): what they cost and how fast they are searched.
#   1. audit_bench: the console's searches over 1,000,000 audit rows (ROWS) on SQLite, and on
#      PostgreSQL (scripts/postgres.sh) unless PG=0: p50 / p99 of a page.
#   2. The staff read benchmark: GET …/residents/{rid}/links (a read that writes an access
#      record) with `[audit] record_reads` on and off, in alternating rounds on the same server
#      data (ROUNDS × DURATION s each, wrk -t2 -c$CONNECTIONS): requests/s and p99, and how much
#      slower the reads are with their records (target < 5 %).
# On demand only, never in CI (figures depend on the machine). Needs scripts/setup.sh first.
#   bash bench/access.sh        ROWS=1000000 ROUNDS=3 DURATION=10 CONNECTIONS=16 PG=1 SEARCH=1
# (SEARCH=0: the read benchmark only.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
PG=${PG:-1}
SEARCH=${SEARCH:-1}
CARELIVE=$BUILD_DIR/carelive
cmake --build "$BUILD_DIR" --target audit_bench carelive -j"$(nproc)" >/dev/null

tmp=$(mktemp -d /tmp/carelive-access-bench.XXXXXX)
pg_dir=/tmp/carelive-access-bench-pg.$$  # outside $tmp (0700): PostgreSQL runs as its own user
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  [ "$PG" != 1 ] || CARELIVE_PG_DIR=$pg_dir bash scripts/postgres.sh stop >/dev/null 2>&1 || true
  rm -rf "$tmp" "$pg_dir"
}
trap cleanup EXIT
say() { echo "==> $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. searches over a large log ---------------------------------------------------------------
[ "$SEARCH" = 1 ] || PG=0
if [ "$SEARCH" = 1 ]; then
say "audit search over $ROWS rows, SQLite"
"$BUILD_DIR/audit_bench" --data "$tmp/sqlite" --rows "$ROWS" 2>/dev/null | grep -v '\[info\]'
if [ "$PG" = 1 ]; then
  say "audit search over $ROWS rows, PostgreSQL"
  eval "$(CARELIVE_PG_DIR=$pg_dir CARELIVE_PG_PORT=$(free_port) bash scripts/postgres.sh start)"
  "$BUILD_DIR/audit_bench" --data "$tmp/pg-data" --database "$CARELIVE_TEST_PG_URL" --rows "$ROWS" \
    2>/dev/null | grep -v '\[info\]'
fi
fi

# --- 2. a staff read with and without its access record ------------------------------------------
password='Bench#Pass2026'
data=$tmp/read
admin() { "$CARELIVE" admin --config "$tmp/carelive.toml" --data "$data" "$@" >>"$tmp/admin.log" 2>&1; }
write_config() {  # record_reads on|off
  (umask 077 && cat >"$tmp/carelive.toml" <<EOF
[security]
staff_mfa = "optional"

[audit]
record_reads = $1
EOF
  )
}
write_config true
admin facility add --code bench --name ベンチ園 --kind 老人保健施設
resident=$("$CARELIVE" admin --config "$tmp/carelive.toml" --data "$data" resident add --facility bench \
  --family-name 駿河 --given-name 市子 --family-name-kana するが --given-name-kana いちこ | tail -1)
printf '%s\n' "$password" | admin staff add --facility bench --family-name 富士 --given-name 職員 \
  --family-name-kana ふじ --given-name-kana しょくいん --login-id staff@example.jp --password-stdin
facility=$(sqlite3 "$data/carelive.db" "SELECT id FROM facilities WHERE code = 'bench'")

run_round() {  # MODE(true|false) ROUND
  write_config "$1"
  local port; port=$(free_port)
  local base=http://127.0.0.1:$port
  "$CARELIVE" serve --config "$tmp/carelive.toml" --data "$data" --listen "127.0.0.1:$port" \
    --public-url "$base" >"$tmp/server-$1-$2.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "$base/healthz" && break; sleep 0.1; done
  local jar=$tmp/jar-$1-$2
  curl -s -o /dev/null -c "$jar" "$base/api/v1/session"
  local csrf; csrf=$(awk '$6 == "carelive_csrf" { print $7 }' "$jar")
  curl -s -o /dev/null -b "$jar" -c "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    --data "{\"login_id\":\"staff@example.jp\",\"password\":\"$password\"}" "$base/api/v1/login"
  local session; session=$(awk '$6 == "carelive_session" { print $7 }' "$jar")
  local url=$base/api/v1/staff/facilities/$facility/residents/$resident/links
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: carelive_session=$session" "$url")" = 200 ] ||
    { tail -20 "$tmp/server-$1-$2.log" >&2; echo "the links read did not answer 200" >&2; exit 1; }
  BENCH_COOKIE="carelive_session=$session; carelive_csrf=$csrf" BENCH_DIR=$ROOT/bench \
    wrk -t2 -c"$CONNECTIONS" -d2s -s bench/read.lua "$url" >/dev/null 2>&1  # warm-up
  BENCH_COOKIE="carelive_session=$session; carelive_csrf=$csrf" BENCH_DIR=$ROOT/bench \
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/read.lua "$url" 2>&1 |
    sed -n 's/^BENCH_JSON //p' >"$tmp/read-$1-$2.json"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

say "staff read GET …/links, record_reads on/off, $ROUNDS alternating rounds of ${DURATION}s"
before=$(sqlite3 "$data/carelive.db" "SELECT COUNT(*) FROM audit_log WHERE event = 'people_viewed'")
for round in $(seq "$ROUNDS"); do
  run_round true "$round"
  run_round false "$round"
done
after=$(sqlite3 "$data/carelive.db" "SELECT COUNT(*) FROM audit_log WHERE event = 'people_viewed'")
python3 - "$tmp" "$ROUNDS" "$((after - before))" <<'EOF'
import json, statistics, sys
tmp, rounds, written = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(mode):
    return [json.load(open(f"{tmp}/read-{mode}-{r}.json")) for r in range(1, rounds + 1)]
on, off = load("true"), load("false")
for name, runs in (("records on ", on), ("records off", off)):
    print(f"  {name}: " + ", ".join(f"{r['rps']:.0f} req/s p99 {r['p99_us']/1000:.2f} ms" for r in runs)
          + f"  (non-2xx {sum(r['non2xx'] for r in runs)})")
rps_on, rps_off = statistics.median(r["rps"] for r in on), statistics.median(r["rps"] for r in off)
p99_on, p99_off = statistics.median(r["p99_us"] for r in on), statistics.median(r["p99_us"] for r in off)
served_on = sum(r["requests"] for r in on)
print(f"  median: {rps_on:.0f} vs {rps_off:.0f} req/s -> {100 * (1 - rps_on / rps_off):+.1f} % slower with records "
      f"(target < 5 %); p99 {p99_on/1000:.2f} vs {p99_off/1000:.2f} ms")
print(f"  access records written: {written} for {served_on} reads with records on (warm-ups included)")
EOF
