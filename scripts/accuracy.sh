#!/usr/bin/env bash
# scripts/accuracy.sh: the labelled accuracy corpus behind `make accuracy` (see ACCURACY.md).
#
# Starts a throwaway cluster `accuracy` (port 54335, no shared_preload_libraries), makes a
# template database with the installed rls_fixer, and runs tests/corpus/accuracy.py: every case
# in its own database, rls_audit() compared with the case's labels, and `pgrls lint` (PyPI
# pgrls 0.57.1, the venv bench/run.sh uses) side by side on the checks it has a rule for.
# Prints precision/recall per check and overall; exits non-zero when any case's findings
# differ from its labels (each difference is listed).
#
# Knobs (environment): ACCURACY_PORT (54335), ACCURACY_JOBS (cases side by side, 2),
# ACCURACY_ONLY (comma-separated case numbers or name parts), ACCURACY_PGRLS=0 (skip pgrls),
# ACCURACY_OUT (the result table, markdown; default $RLS_FIXER_RUN/accuracy-latest.md),
# ACCURACY_PGRLS_LOG (how each pgrls finding was scored), ACCURACY_KEEP=1 (keep the cluster
# and the case databases), BENCH_VENV (the pgrls venv, /opt/rls_fixer-bench-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
# PG_MAJOR, BIN (the server's binaries), RLS_FIXER_RUN and rls_port: scripts/defaults.sh
# shellcheck source=scripts/defaults.sh
. scripts/defaults.sh
[ -x "$BIN/postgres" ] || { echo "no PostgreSQL ${PG_MAJOR} server in $BIN (PG_MAJOR=${PG_MAJOR} make setup builds it)" >&2; exit 2; }
export PG_MAJOR PG_CONFIG="$BIN/pg_config" PATH="$BIN:$PATH"

NAME=accuracy
PORT="${ACCURACY_PORT:-$(rls_port 54335)}"
RUN="$RLS_FIXER_RUN"
SOCK="$RUN/$NAME/sock"
VENV="${BENCH_VENV:-/opt/rls_fixer-bench-venv}"
PGRLS_VERSION="0.57.1"   # the version bench/run.sh measures against
OUT="${ACCURACY_OUT:-$RUN/accuracy-latest.md}"
T0=$(date +%s)
log() { printf '[accuracy +%ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }

# one run at a time: a second one would destroy the first one's cluster
mkdir -p "$RUN"
exec 9>"$RUN/accuracy.lock"
if ! flock -n 9; then
  log "another accuracy run holds $RUN/accuracy.lock; waiting for it (up to 10 minutes)"
  flock -w 600 9 || { log "ERROR: still locked after 10 minutes"; exit 2; }
fi

# ---------------------------------------------------------------- pgrls (reference linter)
PY=python3
PGRLS_ARGS=()
if [ "${ACCURACY_PGRLS:-1}" = 0 ]; then
  PGRLS_ARGS=(--pgrls-note "ACCURACY_PGRLS=0")
  log "pgrls: skipped (ACCURACY_PGRLS=0)"
else
  have=""
  if [ -x "$VENV/bin/pgrls" ]; then have=$("$VENV/bin/pgrls" --version 2>/dev/null | awk '{print $NF}' || true); fi
  if [ "$have" != "$PGRLS_VERSION" ]; then
    log "installing pgrls $PGRLS_VERSION into $VENV (PyPI)"
    if { [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"; } >/dev/null 2>&1 \
       && timeout 300 "$VENV/bin/pip" install -q "pgrls==$PGRLS_VERSION" >/dev/null 2>&1; then
      have=$("$VENV/bin/pgrls" --version 2>/dev/null | awk '{print $NF}' || true)
    fi
  fi
  if [ "$have" = "$PGRLS_VERSION" ]; then
    PY="$VENV/bin/python"
    PGRLS_ARGS=(--pgrls)
    log "pgrls $have from $VENV"
  else
    PGRLS_ARGS=(--pgrls-note "pgrls $PGRLS_VERSION could not be installed from PyPI into $VENV (offline?); its columns are left out")
    log "WARNING: pgrls $PGRLS_VERSION is not available (PyPI unreachable?): rls_fixer's accuracy only"
  fi
fi

# ---------------------------------------------------------------- the cluster
cleanup() {
  local rc=$?
  if [ "${ACCURACY_KEEP:-0}" = 1 ]; then
    log "ACCURACY_KEEP=1: cluster left running (PGHOST=$SOCK PGPORT=$PORT); stop: bash scripts/cluster.sh destroy $NAME"
  else
    bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT
bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
bash scripts/cluster.sh start "$NAME" "$PORT" "shared_preload_libraries = ''" >/dev/null
export PGHOST="$SOCK" PGPORT="$PORT" PGUSER=postgres
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE acc_template" >/dev/null
# `make install` unlinks the library before it copies the new one: wait out a concurrent install
LIB="$("$BIN/pg_config" --pkglibdir)/rls_fixer.so"
for _ in $(seq 1 150); do [ -f "$LIB" ] && break; sleep 2; done
psql -X -q -v ON_ERROR_STOP=1 -d acc_template -c "CREATE EXTENSION rls_fixer" >/dev/null \
  || { log "ERROR: CREATE EXTENSION rls_fixer failed (make install first)"; exit 2; }
log "cluster $NAME up on port $PORT; rls_fixer $(psql -X -At -d acc_template -c "SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer'"), $(psql -X -At -d postgres -c 'SHOW server_version')"

# ---------------------------------------------------------------- the corpus
ARGS=(--host "$SOCK" --port "$PORT" --template acc_template --jobs "${ACCURACY_JOBS:-2}" --markdown "$OUT")
if [ -n "${ACCURACY_ONLY:-}" ]; then ARGS+=(--only "$ACCURACY_ONLY"); fi
if [ -n "${ACCURACY_PGRLS_LOG:-}" ]; then ARGS+=(--pgrls-log "$ACCURACY_PGRLS_LOG"); fi
if [ "${ACCURACY_KEEP:-0}" = 1 ]; then ARGS+=(--keep); fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rc=0
"$PY" tests/corpus/accuracy.py "${ARGS[@]}" "${PGRLS_ARGS[@]}" || rc=$?
log "done in $(( $(date +%s) - T0 )) s on $(nproc) cores (load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end); table in $OUT"
case $rc in
  0) log "every case matches its labels" ;;
  1) log "FAILED: some cases differ from their labels (listed above)" ;;
  *) log "ERROR: the runner failed (exit $rc)" ;;
esac
exit $rc
