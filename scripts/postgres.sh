#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL 15 server on loopback for the tests.
#   eval "$(bash scripts/postgres.sh start)"   # exports CARELIVE_TEST_PG_URL
#   bash scripts/postgres.sh stop
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
DIR=${CARELIVE_PG_DIR:-/tmp/carelive-test-pg}
PORT=${CARELIVE_PG_PORT:-55432}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
  start)
    if ! as_postgres "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      rm -rf "$DIR"
      mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
      as_postgres "$PGBIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
      as_postgres "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    fi
    echo "export CARELIVE_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_postgres "$PGBIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
