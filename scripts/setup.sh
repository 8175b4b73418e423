#!/usr/bin/env bash
# Installs what CareLive needs on Debian 12 (as root), builds the server and the web app.
# Safe to run again: it installs only what is missing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build and run: the libraries of docs/architecture.md. Tests: PostgreSQL, an SMTP sink,
# Chromium for Playwright, nginx and wrk for the benchmark's comparison.
PACKAGES=(
  build-essential cmake pkg-config git ca-certificates curl openssl
  libboost-dev nlohmann-json3-dev libsqlite3-dev libpq-dev libsodium-dev libicu-dev
  libphonenumber-dev libcurl4-openssl-dev libqrencode-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libgtest-dev libgmock-dev libcrack2-dev cracklib-runtime libssl-dev
  postgresql python3 python3-aiosmtpd chromium fonts-noto-cjk nginx-light wrk sqlite3 clang-format
  coturn logrotate  # logrotate: the package test checks the shipped /etc/logrotate.d/carelive
  redis-server libhiredis-dev
  liboath-dev  # TOTP (RFC 6238) for the staff's two-step sign-in
  libfido2-dev libcbor-dev  # passkeys (WebAuthn): libfido2 verifies, libcbor reads the attestation
  prometheus-cpp-dev  # /metrics; the metrics test installs Debian's prometheus for promtool
  clang libclang-rt-14-dev  # the fuzz targets (scripts/fuzz.sh): clang and libFuzzer's runtime
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# coturn is only run by the relay test, which starts its own turnserver on loopback: never leave
# the packaged service running or enabled.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now coturn >/dev/null 2>&1 || true
elif [ -x /etc/init.d/coturn ]; then
  /etc/init.d/coturn stop >/dev/null 2>&1 || true  # a no-op unless TURNSERVER_ENABLED=1
fi
# redis-server likewise: the call bus tests and the cluster spec start their own on loopback.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now redis-server >/dev/null 2>&1 || true
elif [ -x /etc/init.d/redis-server ]; then
  /etc/init.d/redis-server stop >/dev/null 2>&1 || true
fi
# cracklib's dictionary is built by the package's trigger; make sure it exists.
if [ ! -e /var/cache/cracklib/cracklib_dict.pwd ] && command -v update-cracklib >/dev/null; then
  update-cracklib >/dev/null
fi

# The web build (Vite 8) needs Node.js 20.19 or newer; Debian 12's own nodejs is 18.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20.19+ is needed to build the web app (found $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

echo "==> web app"
(
  cd web
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run build --silent
  # Precompressed copies, served when the browser accepts gzip.
  find dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \
    -o -name '*.json' -o -name '*.webmanifest' \) -exec gzip -9 -k -f {} \;
)

echo "==> server"
# scripts/test.sh builds without debug info (CARELIVE_BUILD_TYPE=Release: a third less compile
# time on a 2-core CI machine); the server people run keeps it for readable crash reports. Unset,
# an existing build keeps its type (scripts/package.sh after the tests rebuilds nothing).
build_type=${CARELIVE_BUILD_TYPE:-}
if [ -z "$build_type" ] && [ ! -f build/CMakeCache.txt ]; then build_type=RelWithDebInfo; fi
cmake -S . -B build ${build_type:+-DCMAKE_BUILD_TYPE="$build_type"} >/dev/null
cmake --build build -j"$(nproc)"
echo "==> built build/carelive"
