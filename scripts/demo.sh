#!/usr/bin/env bash
# Sets everything up and starts CareLive on the embedded store (SQLite) with demo data.
#   bash scripts/demo.sh            # http://127.0.0.1:8080
#   PORT=9000 HOST=0.0.0.0 PUBLIC_URL=http://myhost:9000 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8080}
PUBLIC_URL=${PUBLIC_URL:-http://$HOST:$PORT}
DATA=${DATA:-$PWD/demo-data}
CARELIVE=(./build/carelive)

if [ ! -e "$DATA/carelive.db" ]; then
  echo "==> demo data in $DATA"
  mkdir -p "$DATA"
  echo 'Demo#Pass2026' | "${CARELIVE[@]}" admin --data "$DATA" account add \
    --family-name 富士田 --given-name 熊吉 --family-name-kana ふじた --given-name-kana くまきち \
    --login-id demo@example.jp --password-stdin
fi

cat <<MSG

  CareLive is starting. Open:  $PUBLIC_URL/login
  Demo CareLive Pass:          demo@example.jp / Demo#Pass2026
  Messages (no SMTP set up):   $DATA/outbox/

MSG
exec "${CARELIVE[@]}" serve --data "$DATA" --listen "$HOST:$PORT" --public-url "$PUBLIC_URL"
