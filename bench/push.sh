#!/usr/bin/env bash
# Web Push benchmark (issue 11): encrypted pushes per second per core to a loopback push service
# (target ≥ 1,000/s), and call start → push POST at the push service, p50/p99, with 1,000
# subscribed devices of one facility. On demand only, never in CI; loopback only; a minute.
#
#   bash scripts/setup.sh        # builds build/
#   bash bench/push.sh
#
# Environment (optional): BUILD_DIR=<repo>/build DEVICES=1000 RESIDENTS=500 MESSAGES=3000
# CALLS=200 RESULTS_DIR=<repo>/bench/results
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results}

cmake --build "$BUILD_DIR" --target push_bench -j"$(nproc)" >/dev/null
tmp=$(mktemp -d /tmp/carelive-push-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/push-$(date -u +%Y-%m-%dT%H%M%S).txt"
{
  echo "CareLive Web Push benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo -)"
  echo "machine: nproc $(nproc), CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BUILD_DIR/push_bench" --data "$tmp/data" --devices "${DEVICES:-1000}" --residents "${RESIDENTS:-500}" \
    --messages "${MESSAGES:-3000}" --calls "${CALLS:-200}" 2> >(grep -v '^\[' >&2)
  echo "targets: >= 1000 encrypted pushes/s per core"
} | tee "$out"
echo "saved: $out"
