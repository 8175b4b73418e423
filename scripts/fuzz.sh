#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, ASan + UBSan, in build-fuzz/) and runs each for
# SECONDS (default 300) from its seed corpus, as many at a time as there are cores. Fails on any
# crash, sanitizer report or broken invariant; the input that found it is kept in
# build-fuzz/findings/<target>/ (add it to fuzz/corpus/<target>/ once fixed).
#   bash scripts/fuzz.sh [SECONDS] [TARGET…]     e.g. bash scripts/fuzz.sh 60 fuzz_hub
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_router fuzz_hub fuzz_normalize fuzz_mime)

# clang and the libFuzzer runtime: scripts/setup.sh installs them (Debian 12: clang,
# libclang-rt-14-dev).
if ! command -v clang++ >/dev/null 2>&1 ||
  ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  echo "fuzz: clang and libFuzzer are missing; run scripts/setup.sh (as root) first" >&2
  exit 1
fi

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
echo "==> building fuzz targets (build-fuzz/, clang)"
start=$(date +%s)
cmake -S . -B build-fuzz -DCARELIVE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None \
  "${launcher[@]}" >/dev/null
cmake --build build-fuzz --target "${targets[@]}" -j"$(nproc)"
echo "    built in $(($(date +%s) - start)) s"

# Each target fuzzes a scratch copy of its corpus, so the committed one does not grow.
run_one() {
  local t=$1 name=${1#fuzz_} root=$PWD work=$PWD/build-fuzz/run/$1
  rm -rf "$work" && mkdir -p "$work/corpus" "build-fuzz/findings/$t"
  cp "fuzz/corpus/$name"/* "$work/corpus/"
  local dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="$root/fuzz/$name.dict")
  (cd "$work" && "$root/build-fuzz/fuzz/$t" -max_total_time="$seconds" -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$root/build-fuzz/findings/$t/" "${dict[@]}" \
    corpus >log.txt 2>&1)
}

echo "==> fuzzing ${targets[*]} for ${seconds} s each"
jobs_max=$(nproc)
declare -A pids
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  run_one "$t" &
  pids[$t]=$!
done
failed=()
for t in "${targets[@]}"; do
  if wait "${pids[$t]}"; then status=ok; else status=FAILED; failed+=("$t"); fi
  log=build-fuzz/run/$t/log.txt
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | head -1)
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | head -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  printf '    %-15s %-6s execs %-8s new units %-5s %s\n' "$t" "$status" "${execs:-?}" "${new:-?}" \
    "${cov:-}"
done
if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "==> $t failed (build-fuzz/run/$t/log.txt; input in build-fuzz/findings/$t/):"
    grep -E -A30 'FINDING|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehavior)|runtime error' \
      "build-fuzz/run/$t/log.txt" | head -60
  done
  exit 1
fi
