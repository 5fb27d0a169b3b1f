#!/usr/bin/env bash
# The Citus suite: a real 3-node Citus cluster (coordinator + 2 workers, scripts/citus.sh) built
# from the vendored source, with rls_fixer installed in the same server tree, and pytest in
# tests/citus (audit, fix and undo, the app role isolated, the context on the workers through
# PgBouncer, router plans, rls_verify).
#   PG_CONFIG      the server tree (rls_fixer must be installed there: make install PG_CONFIG=…)
#   CITUS_PORT     the coordinator's port, workers +1 and +2 (default 54340); PgBouncer takes +3
#   RLS_FIXER_RUN  where the nodes live (default /tmp/rls_fixer)
# Exit 0 with a SKIP line when Citus is neither installed nor buildable (no vendored archive).
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config}"
BIN="$("$PG_CONFIG" --bindir)"
export PG_MAJOR PG_CONFIG PATH="$BIN:$PATH"
export RLS_FIXER_RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}" CITUS_PORT="${CITUS_PORT:-54340}"
VENV="${RLS_FIXER_VENV:-/opt/rls_fixer-venv}"
major="$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
if [ "$major" -gt 17 ]; then
  echo "SKIP: the Citus suite builds Citus 13.2.2, which supports PostgreSQL 15-17 (this server: $major)"
  exit 0
fi
t0=$SECONDS
rc=0; bash scripts/citus.sh build || rc=$?
if [ "$rc" = 3 ]; then
  echo "SKIP: Citus is not installed in $("$PG_CONFIG" --pkglibdir) and its source archive is absent (CITUS_ARCHIVE); the Citus suite did not run"
  exit 0
fi
[ "$rc" = 0 ] || exit "$rc"
if [ ! -f "$("$PG_CONFIG" --sharedir)/extension/rls_fixer.control" ]; then
  echo "rls_fixer is not installed in $("$PG_CONFIG" --sharedir)/extension: make install PG_CONFIG=$PG_CONFIG" >&2
  exit 1
fi
# a clean slate: three fresh nodes
bash scripts/citus.sh destroy >/dev/null 2>&1 || true
bash scripts/citus.sh start
trap 'bash scripts/citus.sh stop' EXIT
# RUST_BACKTRACE would put a backtrace in every rls_fixer error's DETAIL
env -u RUST_BACKTRACE "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/citus "$@"
echo "[citus-test] passed in $((SECONDS - t0))s"
