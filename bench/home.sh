#!/usr/bin/env bash
# Home-screen API cost against store size (issue 3): GET /api/v1/live/residents/{id}/home for
# a linked family member, with 1,000 and with 100,000 generated accounts, residents and links
# in the store. On demand only; loopback only; about 1 minute.
#
#   bash scripts/setup.sh && bash bench/home.sh
#
# Environment: BUILD_DIR (default <repo>/build), SIZES ("1000 100000"), DURATION (10 s),
# THREADS (2), CONNECTIONS (32).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SIZES=${SIZES:-"1000 100000"}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
CARELIVE=$BUILD_DIR/carelive
export BENCH_DIR=$ROOT/bench

die() { echo "home bench: FAIL: $*" >&2; exit 1; }
for tool in wrk sqlite3 curl python3; do command -v "$tool" >/dev/null || die "$tool missing"; done
[ -x "$CARELIVE" ] || die "$CARELIVE not found (bash scripts/setup.sh)"

tmp=$(mktemp -d /tmp/carelive-home-bench.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

results=()
for n in $SIZES; do
  data=$tmp/data-$n
  mkdir -p "$data"
  port=$(free_port)
  url=http://127.0.0.1:$port
  admin() { "$CARELIVE" admin --data "$data" --public-url "$url" "$@" >/dev/null 2>&1; }
  admin facility add --code bench00 --name ベンチ園 --kind 老人保健施設
  printf '規約\n' > "$tmp/terms.txt"
  admin terms publish --file "$tmp/terms.txt"
  echo 'Bench#Home2026' | admin account add --family-name 計測 --given-name 花子 \
    --family-name-kana けいそく --given-name-kana はなこ --login-id home@example.jp --password-stdin

  # N accounts, N residents over N/100 facilities, one family link each, consents — generated
  # in SQL (no Argon2id: the generated accounts never log in).
  sqlite3 "$data/carelive.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < max(1, $n / 100))
INSERT INTO facilities (code, name, kind, created_at)
  SELECT printf('gen%06d', i), '生成園' || i, '老人保健施設', 0 FROM seq;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
INSERT INTO accounts (family_name, given_name, family_name_kana, given_name_kana, email,
                      password_hash, created_at, updated_at)
  SELECT '生成', '太郎', 'せいせい', 'たろう', printf('gen%07d@example.jp', i), 'x', 0, 0 FROM seq;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
INSERT INTO residents (facility_id, family_name, given_name, family_name_kana, given_name_kana,
                       created_at, updated_at)
  SELECT 2 + (i % max(1, $n / 100)), '利用', '者' || i, 'りよう', 'しゃ', 0, 0 FROM seq;
INSERT INTO links (resident_id, account_id, kind, relationship, created_at, updated_at)
  SELECT r.id, a.id, 'family', '子', 0, 0 FROM residents r
  JOIN accounts a ON a.email = printf('gen%07d@example.jp', r.id);
INSERT INTO consents (account_id, terms_version_id, agreed_at)
  SELECT id, (SELECT max(id) FROM terms_versions), 0 FROM accounts;
-- The measured family member: linked to the first generated resident, terms agreed.
INSERT INTO links (resident_id, account_id, kind, relationship, created_at, updated_at)
  SELECT 1, id, 'family', '子', 0, 0 FROM accounts WHERE email = 'home@example.jp';
COMMIT;
SQL

  "$CARELIVE" serve --data "$data" --listen 127.0.0.1:$port --public-url "$url" \
    >"$tmp/server-$n.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
  jar=$tmp/jar-$n
  curl -sf -c "$jar" -b "$jar" "$url/api/v1/session" >/dev/null
  csrf=$(awk '$6 == "carelive_csrf" {print $7}' "$jar")
  curl -sf -c "$jar" -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"login_id":"home@example.jp","password":"Bench#Home2026"}' "$url/api/v1/login" >/dev/null \
    || die "login failed"
  session=$(awk '$6 == "carelive_session" {print $7}' "$jar")
  status=$(curl -s -o "$tmp/home-$n.json" -w '%{http_code}' -b "$jar" "$url/api/v1/live/residents/1/home")
  [ "$status" = 200 ] || die "home answered $status: $(cat "$tmp/home-$n.json")"

  export BENCH_COOKIE="carelive_session=$session; carelive_csrf=$csrf"
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s bench/read.lua \
    "$url/api/v1/live/residents/1/home" | grep '^BENCH_JSON' | sed 's/^BENCH_JSON //')
  line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); n=sys.argv[2]
if d["non2xx"] or d["connect_errors"] or d["read_errors"] or d["timeouts"]:
    print("ERRORS", d); sys.exit(1)
print("%8d accounts/residents  %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms" % (int(n), d["rps"], d["p50_us"] / 1000, d["p99_us"] / 1000))' "$out" "$n") \
    || die "wrk saw failed requests: $line"
  results+=("$line")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

echo "CareLive home-screen API vs store size — $(date -u +%FT%TZ), nproc $(nproc), $(git rev-parse --short HEAD 2>/dev/null)"
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s GET /api/v1/live/residents/1/home (SQLite)"
printf '%s\n' "${results[@]}"
