#!/usr/bin/env bash
# Outside corpus: PostgreSQL's own regression schema for row-level security
# (src/test/regress/sql/rowsecurity.sql of the PostgreSQL 18.6 source in ../shared/vendor/, up
# to its final clean-up: ~45 tables, inheritance, partitions, recursive and hostile policies)
# loaded into a throwaway cluster, then audited, fixed, verified and undone with several of its
# columns as the tenant column (tests/outside/driver.sql). The output is compared with
# tests/outside/expected/rowsecurity.out. Skipped, saying so, when the source archive is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
# PG_MAJOR, BIN (the server's binaries), RLS_FIXER_RUN and rls_port: scripts/defaults.sh
# shellcheck source=scripts/defaults.sh
. scripts/defaults.sh
export PG_MAJOR PG_CONFIG="$BIN/pg_config"
ARCHIVE="${RLS_FIXER_PG_SOURCE:-$(cd .. && pwd)/shared/vendor/postgresql-18_18.6.orig.tar.bz2}"
RUN="$RLS_FIXER_RUN"
PORT="${OUTSIDE_PORT:-$(rls_port 54336)}"
NAME=outside
work="$RUN/outside-work"
if [ ! -f "$ARCHIVE" ]; then
  echo "[outside] SKIPPED: no PostgreSQL source archive at $ARCHIVE (set RLS_FIXER_PG_SOURCE)"
  exit 0
fi
rm -rf "$work"; mkdir -p "$work"
tar -xjf "$ARCHIVE" -C "$work" --wildcards '*/src/test/regress/sql/rowsecurity.sql'
src="$(find "$work" -name rowsecurity.sql | head -n1)"
# everything before the final clean-up (which drops the schema)
cut="$(grep -n '^-- Clean up objects' "$src" | tail -n1 | cut -d: -f1)"
head -n "$((cut - 2))" "$src" > "$work/schema.sql"
bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
bash scripts/cluster.sh start "$NAME" "$PORT" >/dev/null
trap 'bash scripts/cluster.sh stop "$NAME" >/dev/null; bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true' EXIT
PSQL=("$BIN/psql" -X -q -h "$RUN/$NAME/sock" -p "$PORT" -U postgres)
"${PSQL[@]}" -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE rls_outside" \
  -c "ALTER DATABASE rls_outside SET rls_fixer.on_new_tenant_table = off"
"${PSQL[@]}" -d rls_outside -v ON_ERROR_STOP=1 -c "CREATE EXTENSION rls_fixer"
# the regression script expects some of its statements to fail: errors are its own
"${PSQL[@]}" -d rls_outside -f "$work/schema.sql" > "$work/load.log" 2>&1 || true
out="$work/rowsecurity.out"
: > "$out"
for spec in "a regress_rls_bob" "cid regress_rls_carol" "dauthor regress_rls_dave" "c1 regress_rls_bob"; do
  read -r col app <<<"$spec"
  "${PSQL[@]}" -d rls_outside -P pager=off -v col="$col" -v app="$app" -f tests/outside/driver.sql >> "$out" 2>&1 \
    || { cat "$out"; echo "[outside] FAIL: the driver stopped for tenant column $col" >&2; exit 1; }
done
# the server survived every call (no crash, no internal error)
if grep -E 'XX000|internal error|server closed the connection|panicked' "$out" "$RUN/$NAME/server.log" >/dev/null; then
  grep -E 'XX000|internal error|server closed the connection|panicked' "$out" "$RUN/$NAME/server.log" | head >&2
  echo "[outside] FAIL: an internal error or crash" >&2; exit 1
fi
expected="tests/outside/expected/rowsecurity.out"
if ! diff -u "$expected" "$out" > "$work/rowsecurity.diff"; then
  head -n 120 "$work/rowsecurity.diff"
  echo "[outside] FAIL: findings differ from $expected (accept with: cp $out $expected)" >&2
  exit 1
fi
echo "[outside] PostgreSQL's rowsecurity.sql: audit, fix, verify and undo with 4 tenant columns match $expected"
