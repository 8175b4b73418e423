#!/usr/bin/env bash
# Builds the Debian package: dist/carelive_<version>_<arch>.deb (CPack's DEB generator).
# The binary is built in Release in build-package/, with the web app of web/dist (built and
# precompressed by scripts/setup.sh). Install with: apt-get install ./dist/carelive_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

echo "==> package build (Release)"
cmake -S . -B build-package -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-package --target carelive -j"$(nproc)"
mkdir -p dist
(cd build-package && cpack -G DEB -B "$PWD/../dist" >/dev/null)
rm -rf dist/_CPack_Packages
deb=$(ls -t dist/carelive_*.deb | head -1)
echo "$deb"
