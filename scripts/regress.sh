#!/usr/bin/env bash
# pg_regress golden tests (tests/pg_regress/sql/*.sql vs expected/*.out) against a fresh
# throwaway cluster with the installed extension.
set -euo pipefail
cd "$(dirname "$0")/.."
# PG_MAJOR, BIN (the server's binaries), RLS_FIXER_RUN and rls_port: scripts/defaults.sh
# shellcheck source=scripts/defaults.sh
. scripts/defaults.sh
rls_need_server
PG_REGRESS="$("$BIN/pg_config" --pkglibdir)/pgxs/src/test/regress/pg_regress"
export PG_MAJOR PG_CONFIG="$BIN/pg_config"   # the cluster below runs the same server
PORT="${REGRESS_PORT:-$(rls_port 54331)}"
RUN="$RLS_FIXER_RUN"
bash scripts/cluster.sh destroy regress >/dev/null 2>&1 || true
bash scripts/cluster.sh start regress "$PORT" >/dev/null
trap 'bash scripts/cluster.sh stop regress' EXIT
mapfile -t tests < <(find tests/pg_regress/sql -maxdepth 1 -name '*.sql' -printf '%f\n' | sed 's/\.sql$//' | sort)
out="$RUN/regress-out"; rm -rf "$out"; mkdir -p "$out"
set +e
"$PG_REGRESS" --bindir="$BIN" \
  --inputdir=tests/pg_regress --outputdir="$out" \
  --host="$RUN/regress/sock" --port="$PORT" --user=postgres \
  --dbname=rls_regress "${tests[@]}"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "---- regression.diffs ----"; head -n 200 "$out/regression.diffs" 2>/dev/null || true
fi
exit $rc
