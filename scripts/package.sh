#!/usr/bin/env bash
# Builds the Debian package: dist/carelive_<version>_<arch>.deb (CPack's DEB generator), from
# the build that scripts/setup.sh makes (optimised, -O2; CPack strips the debug info) and the
# web app it builds and precompresses. Install with: apt-get install ./dist/carelive_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

echo "==> package"
mkdir -p dist
(cd build && cpack -G DEB -B "$PWD/../dist" >/dev/null)
rm -rf dist/_CPack_Packages
ls -t dist/carelive_*.deb | head -1
