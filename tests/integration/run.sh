#!/usr/bin/env bash
# Integration tests with real neighbours (Django, PgBouncer, pg_cron, psql scripts), run by
# pytest against a throwaway cluster that has the installed extension, and pg_cron and
# pg_stat_statements preloaded (test_perf.py installs pg_stat_statements in databases of its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
# PG_MAJOR, BIN (the server's binaries), RLS_FIXER_RUN and rls_port: scripts/defaults.sh
# shellcheck source=scripts/defaults.sh
. scripts/defaults.sh
rls_need_server
# the cluster runs that server; psql and the other clients are its own
export PG_MAJOR PG_CONFIG="$BIN/pg_config" PATH="$BIN:$PATH"
PORT="${INTEG_PORT:-$(rls_port 54332)}"
NAME="${INTEG_NAME:-integ}"
RUN="$RLS_FIXER_RUN"
VENV="${RLS_FIXER_VENV:-/opt/rls_fixer-venv}"
bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
bash scripts/cluster.sh start "$NAME" "$PORT" \
  "shared_preload_libraries = 'pg_cron,pg_stat_statements'" "cron.database_name = 'rls_integ'" "cron.host = '127.0.0.1'" "max_connections = 200" >/dev/null
trap 'bash scripts/cluster.sh stop "$NAME"' EXIT
export PGHOST="$RUN/$NAME/sock" PGPORT="$PORT" PGUSER=postgres PGDATABASE=rls_integ
export RLS_INTEG_PORT="$PORT" RLS_INTEG_SOCK="$RUN/$NAME/sock" RLS_INTEG_RUN="$RUN" RLS_INTEG_LOG="$RUN/$NAME/server.log"
# test_lifecycle.py restores a dump into a second cluster of the same major
export RLS_RESTORE_PORT="${RLS_RESTORE_PORT:-$(rls_port 54337)}"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE rls_integ"
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION rls_fixer" -c "CREATE EXTENSION pg_cron"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration "$@"
