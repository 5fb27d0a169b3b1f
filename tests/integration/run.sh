#!/usr/bin/env bash
# Integration tests with real neighbours (Django, PgBouncer, pg_cron, psql scripts), run by
# pytest against a throwaway cluster that has the installed extension and pg_cron preloaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT="${INTEG_PORT:-54332}"
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
VENV="${RLS_FIXER_VENV:-/opt/rls_fixer-venv}"
bash scripts/cluster.sh destroy integ >/dev/null 2>&1 || true
bash scripts/cluster.sh start integ "$PORT" \
  "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'rls_integ'" "max_connections = 200" >/dev/null
trap 'bash scripts/cluster.sh stop integ' EXIT
export PGHOST="$RUN/integ/sock" PGPORT="$PORT" PGUSER=postgres PGDATABASE=rls_integ
export RLS_INTEG_PORT="$PORT" RLS_INTEG_SOCK="$RUN/integ/sock" RLS_INTEG_RUN="$RUN"
psql -X -q -d postgres -c "CREATE DATABASE rls_integ"
psql -X -q -c "CREATE EXTENSION rls_fixer" -c "CREATE EXTENSION pg_cron"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration "$@"
