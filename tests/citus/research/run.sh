#!/usr/bin/env bash
# Re-runs the Citus research against the 3-node cluster of scripts/citus.sh.
#   tests/citus/research/run.sh            all scripts, in order (00_setup first: a clean slate)
#   tests/citus/research/run.sh 02 03      00_setup plus the named ones
# Each NN_*.sql is run with psql -a (statements echoed, errors inline) into results/NN_*.out;
# research.expect() lines are counted: exit 1 on any FAIL, 3 when Citus or rls_fixer is unavailable.
# RLS_FIXER_CITUS_INSTALL=1 builds and installs rls_fixer first (cargo pgrx install, debug build).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
BIN="$("$PG_CONFIG" --bindir)"
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
export PATH="$HOME/.cargo/bin:$PATH"

rc=0; bash "$ROOT/scripts/citus.sh" build || rc=$?
[ "$rc" = 0 ] || exit "$rc"                                   # 3: archive absent, skipped
if [ "${RLS_FIXER_CITUS_INSTALL:-0}" = 1 ]; then
  rm -f "$("$PG_CONFIG" --pkglibdir)/rls_fixer.so"            # never overwrite a mapped .so
  ( cd "$ROOT" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/target-citus}" \
      cargo pgrx install --pg-config "$PG_CONFIG" >/dev/null )
fi
if [ ! -f "$("$PG_CONFIG" --sharedir)/extension/rls_fixer.control" ] || ! ls "$("$PG_CONFIG" --sharedir)"/extension/rls_fixer--*.sql >/dev/null 2>&1; then
  echo "SKIP: rls_fixer is not installed in $("$PG_CONFIG" --sharedir)/extension (RLS_FIXER_CITUS_INSTALL=1 installs it)" >&2
  exit 3
fi
t0=$SECONDS
bash "$ROOT/scripts/citus.sh" start

conn() { echo "host=$RUN/citus-$1/sock port=$2 dbname=rls_citus user=postgres"; }
P="${CITUS_PORT:-54340}"
COORD="$(conn coord "$P")"; W1="$(conn w1 $((P + 1)))"; W2="$(conn w2 $((P + 2)))"
mkdir -p "$HERE/results"
if [ "$#" -gt 0 ]; then
  files=("$HERE/00_setup.sql"); for n in "$@"; do files+=("$HERE/$n"_*.sql); done
else
  files=("$HERE"/[0-9][0-9]_*.sql)
fi
for f in "${files[@]}"; do
  out="$HERE/results/$(basename "${f%.sql}").out"
  # RUST_BACKTRACE would put a backtrace in every rls_fixer error's DETAIL
  env -u RUST_BACKTRACE PGOPTIONS='-c client_min_messages=notice' \
    "$BIN/psql" -X -a -v ON_ERROR_STOP=0 -v coord="$COORD" -v w1="$W1" -v w2="$W2" "$COORD" -f "$f" >"$out" 2>&1 || true
  printf '%-24s %3d PASS %3d FAIL %3d ERROR lines\n' "$(basename "$f")" \
    "$(grep -c ' PASS ' "$out" || true)" "$(grep -c ' FAIL ' "$out" || true)" "$(grep -c 'ERROR:' "$out" || true)"
done
fails="$(grep -h ' FAIL ' "$HERE"/results/*.out || true)"
echo "research done in $((SECONDS - t0))s; outputs in $HERE/results/"
if [ -n "$fails" ]; then echo "$fails" >&2; exit 1; fi
