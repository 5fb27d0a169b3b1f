#!/usr/bin/env bash
# pg_regress golden tests (tests/pg_regress/sql/*.sql vs expected/*.out) against a fresh
# throwaway cluster with the installed extension.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_MAJOR="${PG_MAJOR:-15}"
PORT="${REGRESS_PORT:-54331}"
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
bash scripts/cluster.sh destroy regress >/dev/null 2>&1 || true
bash scripts/cluster.sh start regress "$PORT" >/dev/null
trap 'bash scripts/cluster.sh stop regress' EXIT
tests=$(cd tests/pg_regress/sql && ls *.sql | sed 's/\.sql$//' | sort)
out="$RUN/regress-out"; rm -rf "$out"; mkdir -p "$out"
set +e
/usr/lib/postgresql/${PG_MAJOR}/lib/pgxs/src/test/regress/pg_regress \
  --inputdir=tests/pg_regress --outputdir="$out" \
  --host="$RUN/regress/sock" --port="$PORT" --user=postgres \
  --dbname=rls_regress $tests
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "---- regression.diffs ----"; cat "$out/regression.diffs" 2>/dev/null | head -200
fi
exit $rc
