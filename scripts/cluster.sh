#!/usr/bin/env bash
# Throwaway PostgreSQL clusters owned by the `postgres` user on a private socket and port.
#   scripts/cluster.sh start NAME PORT [extra postgresql.conf lines...]
#   scripts/cluster.sh stop NAME
#   scripts/cluster.sh env NAME PORT      -> prints PGHOST/PGPORT exports
# Data and socket live in $RLS_FIXER_RUN/NAME (never under target/; scripts/defaults.sh: /tmp/rls_fixer
# for 15, /tmp/rls_fixer-pgMAJOR for another major).
set -euo pipefail
# PG_MAJOR, BIN (the server's binaries), RLS_FIXER_RUN and rls_port: scripts/defaults.sh
# shellcheck source=scripts/defaults.sh
. "$(dirname "$0")/defaults.sh"
RUN="$RLS_FIXER_RUN"
cmd="${1:?usage: cluster.sh start|stop|env NAME [PORT]}"; name="${2:?name}"
dir="${RUN}/${name}"

as_pg() {
  if [ "$(id -un)" = postgres ]; then bash -c "$1"; else su postgres -s /bin/bash -c "$1"; fi
}

case "$cmd" in
  start)
    port="${3:?port}"; shift 3
    [ "$port" != 5432 ] || { echo "refusing the default port 5432" >&2; exit 2; }
    rls_need_server
    mkdir -p "$RUN"; chmod 755 "$RUN"
    # a throwaway cluster made by another major (PG_MAJOR changed) is made anew, unless it runs
    major="$("$BIN/pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
    if [ -f "$dir/data/PG_VERSION" ] && [ "$(cat "$dir/data/PG_VERSION")" != "$major" ]; then
      if [ -f "$dir/data/postmaster.pid" ] && kill -0 "$(head -n1 "$dir/data/postmaster.pid")" 2>/dev/null; then
        echo "cluster $name runs PostgreSQL $(cat "$dir/data/PG_VERSION"): stop it with that PG_MAJOR first" >&2; exit 1
      fi
      echo "cluster $name was made by PostgreSQL $(cat "$dir/data/PG_VERSION"): making it anew for $major" >&2
      rm -rf "$dir"
    fi
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl -D '$dir/data' status" >/dev/null 2>&1; then
      echo "cluster $name already running on port $port"; exit 0
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      rm -rf "$dir"; mkdir -p "$dir/sock"; chown -R postgres:postgres "$dir"
      as_pg "$BIN/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$dir/sock'"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "log_min_messages = log"
        for line in "$@"; do echo "$line"; done
      } >> "$dir/data/postgresql.conf"
      # loopback TCP for PgBouncer and Django, trusted: these clusters are throwaway test fixtures
      echo "host all all 127.0.0.1/32 trust" >> "$dir/data/pg_hba.conf"
    fi
    # RUST_BACKTRACE in the caller's environment would put a backtrace in every error's DETAIL
    as_pg "unset RUST_BACKTRACE RUST_LIB_BACKTRACE; $BIN/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -t 60 start >/dev/null" \
      || { tail -n 30 "$dir/server.log" >&2; exit 1; }
    echo "cluster $name up: psql -h $dir/sock -p $port -U postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$BIN/pg_ctl -D '$dir/data' -m fast -w stop >/dev/null" || true
    fi
    ;;
  destroy)
    "$0" stop "$name"; rm -rf "$dir"
    ;;
  env)
    port="${3:?port}"
    echo "export PGHOST='$dir/sock' PGPORT='$port' PGUSER=postgres"
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
