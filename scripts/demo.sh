#!/usr/bin/env bash
# Sets everything up and starts CareLive on the embedded store (SQLite) with demo data.
#   bash scripts/demo.sh            # http://127.0.0.1:8080
#   PORT=9000 HOST=0.0.0.0 PUBLIC_URL=http://myhost:9000 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8080}
# On this machine only, the address is localhost: browsers take passkeys from a host name
# (never from an IP address), and localhost is a secure context without TLS.
if [ "$HOST" = 127.0.0.1 ]; then PUBLIC_URL=${PUBLIC_URL:-http://localhost:$PORT}; fi
PUBLIC_URL=${PUBLIC_URL:-http://$HOST:$PORT}
DATA=${DATA:-$PWD/demo-data}
CARELIVE=(./build/carelive)

admin() { "${CARELIVE[@]}" admin --data "$DATA" --public-url "$PUBLIC_URL" "$@"; }

if [ ! -e "$DATA/carelive.db" ]; then
  echo "==> demo data in $DATA (the manual's world)"
  mkdir -p "$DATA"
  admin facility add --code livetest01 --name ふじ園 --kind '老人保健施設（施設サービス版）'
  echo 'Staff#Fuji2026' | admin staff add --facility livetest01 --family-name 富士 --given-name 職員 \
    --family-name-kana ふじ --given-name-kana しょくいん --login-id staff@example.jp --admin --password-stdin
  for r in '駿河 市子 するが いちこ' '駿河 秋男 するが あきお' 'シナリオ 香奈子 しなりお かなこ'; do
    set -- $r
    id=$(admin resident add --facility livetest01 --family-name "$1" --given-name "$2" \
      --family-name-kana "$3" --given-name-kana "$4")
    echo "resident $id: $1$2 様  application URL: $(admin invite --facility livetest01 --resident "$id" | tail -n1)"
  done
  printf '%s\n' '本規約は、CareLive（以下「本サービス」）をご利用の際の取扱いについて定めるものです。' \
    '本規約に同意した上で本サービスをご利用ください。' > "$DATA/terms.txt"
  admin terms publish --file "$DATA/terms.txt"
  printf '%s\n' 'CareLiveをご利用いただきありがとうございます。' > "$DATA/welcome.txt"
  admin announcement add --title 'CareLiveのご案内' --body-file "$DATA/welcome.txt"
  echo 'Demo#Pass2026' | admin account add \
    --family-name 富士田 --given-name 熊吉 --family-name-kana ふじた --given-name-kana くまきち \
    --login-id demo@example.jp --password-stdin
fi

cat <<MSG

  CareLive is starting. Open:  $PUBLIC_URL/login
  Demo CareLive Pass (family): demo@example.jp / Demo#Pass2026
  Staff of ふじ園 (livetest01):  staff@example.jp / Staff#Fuji2026
  Application URLs (QR codes): carelive admin --data $DATA invite --facility livetest01 --resident ID
  Messages (no SMTP set up):   $DATA/outbox/

MSG
exec "${CARELIVE[@]}" serve --data "$DATA" --listen "$HOST:$PORT" --public-url "$PUBLIC_URL"
