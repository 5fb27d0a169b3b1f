#!/usr/bin/env bash
# Integration tests with real neighbours (Django, PgBouncer, pg_cron, psql scripts), run by
# pytest against a throwaway cluster that has the installed extension, and pg_cron and
# pg_stat_statements preloaded (test_perf.py installs pg_stat_statements in databases of its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_MAJOR="${PG_MAJOR:-15}"
# the server's binaries: PG_CONFIG's bindir when given, else the system's 15 or the private build
# of scripts/build_pg.sh (/opt/rls_fixer-pg/MAJOR) for another major
if [ -n "${PG_CONFIG:-}" ]; then BIN="$("$PG_CONFIG" --bindir)"
elif [ "$PG_MAJOR" = 15 ]; then BIN="/usr/lib/postgresql/15/bin"
else BIN="${RLS_FIXER_PG_ROOT:-/opt/rls_fixer-pg}/${PG_MAJOR}/bin"; fi
[ -x "$BIN/postgres" ] || { echo "no PostgreSQL ${PG_MAJOR} server in $BIN (PG_MAJOR=${PG_MAJOR} make setup builds it)" >&2; exit 1; }
# the cluster runs that server; psql and the other clients are its own
export PG_MAJOR PG_CONFIG="$BIN/pg_config" PATH="$BIN:$PATH"
PORT="${INTEG_PORT:-54332}"
NAME="${INTEG_NAME:-integ}"
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
VENV="${RLS_FIXER_VENV:-/opt/rls_fixer-venv}"
bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
bash scripts/cluster.sh start "$NAME" "$PORT" \
  "shared_preload_libraries = 'pg_cron,pg_stat_statements'" "cron.database_name = 'rls_integ'" "cron.host = '127.0.0.1'" "max_connections = 200" >/dev/null
trap 'bash scripts/cluster.sh stop "$NAME"' EXIT
export PGHOST="$RUN/$NAME/sock" PGPORT="$PORT" PGUSER=postgres PGDATABASE=rls_integ
export RLS_INTEG_PORT="$PORT" RLS_INTEG_SOCK="$RUN/$NAME/sock" RLS_INTEG_RUN="$RUN" RLS_INTEG_LOG="$RUN/$NAME/server.log"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE rls_integ"
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION rls_fixer" -c "CREATE EXTENSION pg_cron"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration "$@"
