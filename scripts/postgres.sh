#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on 127.0.0.1 and a free port, in a
# temporary directory; nothing is left behind.
#   eval "$(bash scripts/postgres.sh start)"   # exports DATABASE_URL, MTSESSION_PG_DIR
#   bash scripts/postgres.sh stop "$MTSESSION_PG_DIR"
# Prints nothing on stdout and exits 1 when PostgreSQL is not installed.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
NODE=${NODE:-$(cd "$(dirname "$0")/.." && pwd)/node_modules/.bin/node}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "postgres.sh: PostgreSQL is not installed" >&2
    exit 1
  fi
  base=$(mktemp -d)
  chmod 755 "$base"
  mkdir "$base/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$base/pg"
  port=$("$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  as_postgres "$PGBIN/initdb" -D "$base/pg/data" -U postgres -A trust --no-sync \
    -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1
  as_postgres "$PGBIN/pg_ctl" -D "$base/pg/data" -l "$base/pg/server.log" -w -t 30 start \
    -o "-h 127.0.0.1 -p $port -k $base/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >"$base/start.log" 2>&1
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "export MTSESSION_PG_DIR=$base"
  ;;
stop)
  base=${2:?usage: postgres.sh stop DIR}
  as_postgres "$PGBIN/pg_ctl" -D "$base/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$base"
  ;;
*)
  echo "usage: postgres.sh start | stop DIR" >&2
  exit 2
  ;;
esac
