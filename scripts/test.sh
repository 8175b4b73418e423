#!/usr/bin/env bash
# Sets everything up and runs every test: C++ (GoogleTest, on SQLite and PostgreSQL, with a
# real SMTP sink), the crash-consistency run of the real server, backup and restore under
# load, its metrics (promtool), the Debian package installed and run as the service, the fuzz
# targets (libFuzzer, 30 s each), web unit tests (Vitest) and
# end-to-end flows in Chromium (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step says when it starts (seconds since this script began), so a slow step shows in the log.
step() { echo "==> $1 (${SECONDS} s)"; }

CARELIVE_BUILD_TYPE=${CARELIVE_BUILD_TYPE:-Release} bash scripts/setup.sh

eval "$(bash scripts/postgres.sh start)"
export CARELIVE_TEST_REQUIRE_PG=1
trap 'bash scripts/postgres.sh stop' EXIT

step "C++ style (clang-format, .clang-format)"
find src bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run -Werror

step "layering (docs/architecture.md: every include looks down)"
python3 scripts/check_layers.py

step "benchmark tools still build (bench/: they use the services as the server does)"
cmake --build build --target calls_seed ws_load push_sink push_bench audit_bench -j"$(nproc)"

step "deploy/turnserver.conf relays only to the public internet (real coturn)"
python3 tests/turn/deny_list_test.py

step "C++ tests"
(cd build && ctest --output-on-failure -j2 --timeout 300)

step "processes started at the same instant on one empty PostgreSQL database all come up"
python3 tests/cluster/start_together.py

step "crash consistency (the server killed with SIGKILL under load, on SQLite)"
python3 tests/crash/crash_consistency.py

step "backup under load (admin backup while the server writes, restore into a fresh folder)"
python3 tests/backup/backup_under_load.py

step "metrics, /healthz and SIGHUP log reopening of the real server (promtool)"
python3 tests/metrics/metrics_e2e.py

step "the Debian package: built, installed, run as the service user, removed (needs root)"
bash tests/package/install_test.sh

step "fuzzing (fuzz/: libFuzzer, 30 s per target)"
bash scripts/fuzz.sh 30  # a smoke run that keeps CI under 30 minutes; longer runs on demand

step "web unit tests"
(cd web && npm run --silent test:unit)

step "end-to-end tests (Chromium)"
(cd web && npx playwright test)
echo "==> all tests passed (${SECONDS} s)"
