#!/usr/bin/env bash
# bench/run.sh: the benchmarks behind `make bench` (full, about 5 minutes on 2 cores) and `make bench-smoke`
# (BENCH_SMOKE=1: tiny sizes, one run, about 20 s; run in CI so this script cannot rot).
#
# A throwaway cluster `bench` (port 54333) is built, measured and destroyed. Progress goes to
# stderr; the result table (markdown) goes to stdout and to bench/results/latest.md
# (smoke: bench/results/smoke.md), EXPLAIN plans to bench/results/*-explain.txt.
# Timings never fail the run: it fails only when a step errors. See BENCHMARKS.md.
#
# Knobs (environment): BENCH_SMOKE=1, BENCH_PORT (54333), BENCH_RUNS, BENCH_SECONDS (pgbench -T;
# smoke runs BENCH_XACTS transactions per client instead, unless BENCH_SECONDS is given),
# BENCH_TABLES, BENCH_GROWTH ("1000 5000 10000 20000"), BENCH_ROWS, BENCH_PARTS (partitions of
# the partition-planning table), BENCH_VENV, BENCH_KEEP=1 (keep the cluster afterwards),
# BENCH_OUT (result file; the audit JSON and EXPLAIN files are named after it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SMOKE="${BENCH_SMOKE:-0}"
# PG_MAJOR, BIN (the server's binaries), RLS_FIXER_RUN and rls_port: scripts/defaults.sh
# shellcheck source=scripts/defaults.sh
. scripts/defaults.sh
rls_need_server
# the cluster runs that server; psql and the other clients are its own
export PG_MAJOR PG_CONFIG="$BIN/pg_config" PATH="$BIN:$PATH"
PGBENCH="$BIN/pgbench"
PORT="${BENCH_PORT:-$(rls_port 54333)}"
NAME=bench
RUN="$RLS_FIXER_RUN"
SOCK="$RUN/$NAME/sock"
VENV="${BENCH_VENV:-/opt/rls_fixer-bench-venv}"
PGRLS_VERSION="0.57.1"
CLIENTS=2   # pgbench -c/-j: this is a 2-core machine

if [ "$SMOKE" = 1 ]; then
  RUNS="${BENCH_RUNS:-1}"; SECS="${BENCH_SECONDS:-1}"; TABLES="${BENCH_TABLES:-200}"
  GROWTH="${BENCH_GROWTH:-100 200}"; ROWS="${BENCH_ROWS:-10000}"; PARTS="${BENCH_PARTS:-50}"
  OUT="${BENCH_OUT:-bench/results/smoke.md}"; MODE=smoke
else
  RUNS="${BENCH_RUNS:-3}"; SECS="${BENCH_SECONDS:-5}"; TABLES="${BENCH_TABLES:-10000}"
  GROWTH="${BENCH_GROWTH:-1000 5000 10000 20000}"; ROWS="${BENCH_ROWS:-1000000}"; PARTS="${BENCH_PARTS:-1000}"
  OUT="${BENCH_OUT:-bench/results/latest.md}"; MODE=full
fi
# pgbench length: -T SECS; smoke: BENCH_XACTS transactions per client (1 s for each of the ~40
# pgbench runs would triple the smoke time), unless BENCH_SECONDS is given
if [ "$SMOKE" = 1 ] && [ -z "${BENCH_SECONDS:-}" ]; then
  PGB_LEN=(-t "${BENCH_XACTS:-100}"); PGB_DESC="-t ${BENCH_XACTS:-100}"
else
  PGB_LEN=(-T "$SECS"); PGB_DESC="-T $SECS"
fi
PGB_OPTS=()   # extra pgbench options for the next runs (-M prepared, -D token=...)
EXPLAIN_OUT="${OUT%.md}-explain.txt"
JSON_OUT="${OUT%.md}-audit"   # + -synthetic.json.gz, -realistic.json.gz, -realistic-fixed.json.gz
# the audit/fix size must be one of the growth sizes (its database is reused)
case " $GROWTH " in *" $TABLES "*) ;; *) GROWTH="$GROWTH $TABLES" ;; esac
KMAX=$(( ROWS / 100 - 1 ))   # t42 owns ids 41 + 100 k, k = 0 .. KMAX
PER=$(( ROWS / 100 ))        # rows per tenant in the query tables
CALLS=$(( SMOKE == 1 ? 20000 : 200000 ))   # server-side context calls per statement

# Isolation from concurrent installs: a `make install` elsewhere on this machine replaces
# rls_fixer.so and its SQL script while a run goes on, so new backends would load the other build
# (or fail while the file is missing). As root, the run is re-executed in a private mount
# namespace in which the server's library and extension directories are a copy taken now (bind
# mounts over the real paths, visible to this run's processes only: the cluster and its clients).
# BENCH_ISOLATE=0 turns it off.
PKGLIB="$("$BIN/pg_config" --pkglibdir)"; EXTDIR="$("$BIN/pg_config" --sharedir)/extension"
if [ "${BENCH_ISOLATE:-1}" = 1 ] && [ -z "${RLS_FIXER_BENCH_SNAPSHOT:-}" ] && [ "$(id -u)" = 0 ] \
   && command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
  snap="$(mktemp -d /tmp/rls_fixer-bench-lib.XXXXXX)"
  chmod 755 "$snap"
  if ! { cp -a "$PKGLIB" "$snap/lib" && cp -a "$EXTDIR" "$snap/extension"; }; then
    rm -rf "$snap"; echo "[bench] could not copy $PKGLIB and $EXTDIR" >&2; exit 1
  fi
  rc=0
  RLS_FIXER_BENCH_SNAPSHOT="$snap" unshare -m --propagation private bash -c \
    'mount --bind "$1/lib" "$2" && mount --bind "$1/extension" "$3" && exec bash "$4"' \
    _ "$snap" "$PKGLIB" "$EXTDIR" "$ROOT/bench/run.sh" || rc=$?
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "[bench] the kept cluster runs on the library snapshot in $snap; remove it after destroying the cluster" >&2
  else
    rm -rf "$snap"
  fi
  exit $rc
fi
if [ -n "${RLS_FIXER_BENCH_SNAPSHOT:-}" ]; then
  ISOLATION="the library and extension files as installed at the start (a private copy: later installs do not reach this run)"
else
  ISOLATION="the installed library (not isolated from concurrent installs)"
fi

# One bench run at a time on this machine: a second one (e.g. `make test`'s bench-smoke while
# `make bench` runs) would destroy the first one's cluster. It waits for the lock instead.
mkdir -p "$RUN"
exec 9>"$RUN/bench.lock"
if ! flock -n 9; then
  echo "[bench] another bench run holds $RUN/bench.lock; waiting for it (up to 20 minutes)" >&2
  flock -w 1200 9 || { echo "[bench] ERROR: still locked after 20 minutes" >&2; exit 1; }
fi

WORK="$(mktemp -d /tmp/rls_fixer-bench.XXXXXX)"
chmod 755 "$WORK"
LOG="$WORK/bench.log"
T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

log() { printf '[bench %s +%ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - T_START ))" "$*" >&2; }
die() { log "ERROR: $*"; [ -s "$LOG" ] && { echo "--- last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2; }; exit 1; }

cleanup() {
  local rc=$?
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "BENCH_KEEP=1: cluster left running (PGHOST=$SOCK PGPORT=$PORT); stop: bash scripts/cluster.sh destroy $NAME"
  else
    bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
  fi
  if [ $rc -eq 0 ]; then rm -rf "$WORK"; else log "work files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'log "FAILED (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

export PGHOST="$SOCK" PGPORT="$PORT" PGUSER=postgres PGAPPNAME=rls_fixer_bench
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

# ---------------------------------------------------------------- helpers
now_ms() { date +%s%3N; }

# median of the arguments (numbers)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) exit 1; if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# fmt_ms 1234.5 -> "1,234 ms" / "0.85 ms"
fmt_ms() { awk -v v="$1" 'BEGIN {if (v < 10) printf "%.2f ms", v; else if (v < 100) printf "%.1f ms", v; else {s = sprintf("%.0f", v); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s " ms"}}'; }
fmt_n() { awk -v v="$1" 'BEGIN {s = sprintf("%.0f", v); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s}'; }
s_ms() { awk -v v="$1" 'BEGIN {printf "%.2f s", v / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.2f", a / b}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; }
verdict() { if [ "$MODE" = smoke ]; then echo "(smoke)"; elif "$@"; then echo "**met**"; else echo "**missed**"; fi; }

# time_sql DB USER SQL: run SQL in a fresh session, print psql's \timing of it in ms
time_sql() {
  local out
  out=$(psql -X -q -At -v ON_ERROR_STOP=1 -U "$2" -d "$1" -c '\timing on' -c "$3" 2>>"$LOG") || die "query failed on $1: $3"
  awk '/^Time: /{t=$2} END {if (t == "") exit 1; print t}' <<<"$out"
}

# times_sql DB USER SQL: RUNS fresh sessions; all times (ms) in TIMES, their median in MED
times_sql() {
  local i; TIMES=()
  for ((i = 1; i <= RUNS; i++)); do TIMES+=("$(time_sql "$1" "$2" "$3")"); done
  MED=$(median "${TIMES[@]}")
}

# pgbench_tps USER DB SCRIPT: TPS (without initial connection time); fails on any failed
# transaction. PGB_OPTS (global) adds options (-M prepared, -D token=...).
pgbench_tps() {
  local out tps
  out=$("$PGBENCH" -n -c "$CLIENTS" -j "$CLIENTS" "${PGB_LEN[@]}" -U "$1" -D ctx=0 -D kmax="$KMAX" -D per="$PER" \
        "${PGB_OPTS[@]}" -f "$ROOT/bench/pgbench/$3" "$2" 2>&1) \
    || { echo "$out" >>"$LOG"; die "pgbench $3 as $1 on $2 ${PGB_OPTS[*]} failed"; }
  echo "$out" >>"$LOG"
  if grep -Eq '^number of failed transactions: [1-9]' <<<"$out"; then die "pgbench $3 had failed transactions"; fi
  tps=$(awk '/^tps = .*without initial connection time/ {print $3}' <<<"$out")
  [ -n "$tps" ] || die "no tps in pgbench output for $3"
  echo "$tps"
}

# multi_tps "USER DB SCRIPT" ...: RUNS rounds; round i runs the scripts in an order rotated by i,
# so each script takes each position in turn (two scripts: the order alternates). The median TPS
# of each script in TPS (an array, in argument order).
multi_tps() {
  local n=$# i j k t u d s specs=("$@") got=() msg=""
  for ((i = 0; i < RUNS; i++)); do
    for ((j = 0; j < n; j++)); do
      k=$(( (i + j) % n ))
      read -r u d s <<<"${specs[$k]}"
      t=$(pgbench_tps "$u" "$d" "$s") || exit 1
      got[k]="${got[k]:-}$t "
    done
  done
  TPS=()
  for ((k = 0; k < n; k++)); do
    # shellcheck disable=SC2086  # the list of numbers is split on purpose
    TPS+=("$(median ${got[k]})")
    read -r u d s <<<"${specs[$k]}"
    msg="$msg${msg:+ | }$s as $u on $d: ${got[k]% }"
  done
  log "    ${PGB_OPTS[*]:+[${PGB_OPTS[*]}] }$msg (tps)"
}

# ab_tps USER_A DB SCRIPT_A USER_B SCRIPT_B: RUNS interleaved runs (order alternates), medians in TPS_A/TPS_B
ab_tps() {
  multi_tps "$1 $2 $3" "$4 $2 $5"
  TPS_A=${TPS[0]}; TPS_B=${TPS[1]}
}

# audit_memory DB: VmHWM and RssAnon (kB) of a backend before and after SELECT count(*) FROM
# rls_audit() (MEM_HWM0/MEM_ANON0, MEM_HWM1/MEM_ANON1), and of a fresh backend that runs only the
# raw catalog query (MEM_HWM_RAW/MEM_ANON_RAW): it reads the same catalog pages into shared
# buffers, which VmHWM counts as well
STATUS_SQL="SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+)'), substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+)')"
audit_memory() {
  local mem
  mem=$("${PSQL[@]}" -At -F ' ' -d "$1" -c "SELECT current_tenant_id() IS NULL" -c "$STATUS_SQL" \
        -c "SELECT count(*) FROM rls_audit()" -c "$STATUS_SQL" 2>>"$LOG") \
    || die "reading /proc/self/status of the audit backend on $1"
  read -r _ MEM_HWM0 MEM_ANON0 _ MEM_HWM1 MEM_ANON1 <<<"$(tr '\n' ' ' <<<"$mem")"
  mem=$("${PSQL[@]}" -At -F ' ' -d "$1" -c "$RAW_QUERY" -c "$STATUS_SQL" 2>>"$LOG") \
    || die "reading /proc/self/status of the raw-query backend on $1"
  read -r _ MEM_HWM_RAW MEM_ANON_RAW <<<"$(tr '\n' ' ' <<<"$mem")"
  log "  audit backend: VmHWM $MEM_HWM0 kB -> $MEM_HWM1 kB, RssAnon $MEM_ANON0 kB -> $MEM_ANON1 kB; raw-query backend: VmHWM $MEM_HWM_RAW kB, RssAnon $MEM_ANON_RAW kB"
}

# pgrls_lint DB: RUNS runs of `pgrls lint` on DB, timed by wall clock; the median in PGRLS_MS
# (empty when pgrls is not installed), the number of violations it reports in PGRLS_FINDINGS
pgrls_lint() {
  local i t=() t0 t1 rc dsn="postgresql:///$1?host=$SOCK&port=$PORT&user=postgres"
  PGRLS_MS=""; PGRLS_FINDINGS="?"
  [ -n "$PGRLS" ] || return 0
  log "pgrls lint on $1 ($RUNS run(s))"
  for ((i = 1; i <= RUNS; i++)); do
    t0=$(now_ms); rc=0
    "$PGRLS" lint --database-url "$dsn" --format json -o "$WORK/pgrls-$1.json" >>"$LOG" 2>&1 || rc=$?
    t1=$(now_ms)
    [ $rc -le 1 ] || die "pgrls lint exited $rc (0 = clean, 1 = findings, 2 = tool error)"
    t+=("$(( t1 - t0 ))")
  done
  PGRLS_MS=$(median "${t[@]}")
  PGRLS_FINDINGS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["violations"]))' "$WORK/pgrls-$1.json" 2>/dev/null || echo "?")
  log "  ${t[*]} ms ($PGRLS_FINDINGS findings)"
}

# save_audit_json DB NAME: SELECT rls_audit_json() on DB, saved as $JSON_OUT-NAME.json.gz: the same
# JSON with one finding per line and sorted keys, gzip -n (the same findings give the same bytes,
# and `diff <(zcat a) <(zcat b)` shows what changed). Compared with the file a previous run left
# there (kept as .prev when it differs). Sets BY_CHECK (findings per check) and JSON_CMP[NAME].
declare -A JSON_CMP
save_audit_json() {
  local f="$JSON_OUT-$2.json.gz" raw="$WORK/audit-$2.raw.json" new="$WORK/audit-$2.json" old="$WORK/audit-$2.old.json" d
  "${PSQL[@]}" -At -d "$1" -c "SELECT rls_audit_json()" >"$raw" 2>>"$LOG" || die "rls_audit_json() on $1"
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
findings = j.pop("findings")
with open(sys.argv[2], "w") as o:
    o.write("{\n")
    for k in sorted(j):
        o.write("  %s: %s,\n" % (json.dumps(k), json.dumps(j[k], sort_keys=True)))
    o.write("  \"findings\": [\n" + ",\n".join("    " + json.dumps(x, sort_keys=True) for x in findings) + "\n  ]\n}\n")
' "$raw" "$new" || die "reformatting the rls_audit_json() output of $1"
  BY_CHECK="$(jq -r '.summary.by_check | to_entries | map("\(.key) \(.value)") | join(", ")' "$new") = $(jq '.findings | length' "$new")"
  if [ -f "$f" ] && gzip -dc "$f" >"$old" 2>/dev/null; then
    if cmp -s "$old" "$new"; then
      JSON_CMP[$2]="identical to the previous run's"
    else
      # finding lines are the ones indented by 4 spaces; the others are the summary and config
      d=$(diff "$old" "$new" | grep -c '^[<>] ' || true)
      df=$(diff "$old" "$new" | grep -c '^[<>]     {' || true)
      if [ "$df" = 0 ]; then
        JSON_CMP[$2]="findings identical to the previous run's; $d summary/config lines differ (previous file kept as $(basename "$f").prev)"
      else
        JSON_CMP[$2]="**differ** from the previous run's: $df finding lines ($d lines in all; previous file kept as $(basename "$f").prev)"
      fi
      cp "$f" "$f.prev"
    fi
  else
    JSON_CMP[$2]="no previous file to compare with"
  fi
  mkdir -p "$(dirname "$f")"
  gzip -n -c "$new" >"$f"
  log "  rls_audit_json() of $1 -> $f: $BY_CHECK; ${JSON_CMP[$2]}"
}

# plan_ms DB USER SETUP SQL: RUNS fresh sessions; each runs SETUP, one EXPLAIN (SUMMARY true) of
# SQL to fill the caches, then 20 more; the median "Planning Time" (ms) of all but the first in MED
plan_ms() {
  local i j args out times=()
  for ((i = 1; i <= RUNS; i++)); do
    args=(-c '\o /dev/null' -c "$3" -c '\o')
    for ((j = 0; j <= 20; j++)); do args+=(-c "EXPLAIN (SUMMARY true) $4"); done
    out=$(psql -X -q -At -v ON_ERROR_STOP=1 -U "$2" -d "$1" "${args[@]}" 2>>"$LOG") || die "EXPLAIN of $4 as $2 on $1"
    # shellcheck disable=SC2207  # one number per line
    times+=($(awk '/^Planning Time:/ {n++; if (n > 1) print $3}' <<<"$out"))
  done
  MED=$(median "${times[@]}")
  log "    planning time of $4 as $2: median $MED ms of ${#times[@]}"
}

ROWS_MD=()
row() { ROWS_MD+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# ---------------------------------------------------------------- pgrls (the reference linter)
PGRLS=""
if [ -x "$VENV/bin/pgrls" ]; then
  PGRLS="$VENV/bin/pgrls"
else
  log "installing pgrls $PGRLS_VERSION into $VENV (reference linter)"
  if python3 -m venv "$VENV" >>"$LOG" 2>&1 && "$VENV/bin/pip" install -q "pgrls==$PGRLS_VERSION" >>"$LOG" 2>&1; then
    PGRLS="$VENV/bin/pgrls"
  else
    log "WARNING: could not install pgrls; its column will read n/a"
  fi
fi

# ---------------------------------------------------------------- cluster
log "mode $MODE: $TABLES tables (growth: $GROWTH), $ROWS rows, $RUNS run(s) per figure, pgbench $PGB_DESC -c $CLIENTS -j $CLIENTS"
bash scripts/cluster.sh destroy "$NAME" >/dev/null 2>&1 || true
# autovacuum off: catalog statistics exist exactly when this script ANALYZEs (deterministic plans).
# shared_buffers 512MB: the 2 x 1M-row query tables stay in memory. max_locks_per_transaction
# stays at its default (64): the fix scenario must work with it.
bash scripts/cluster.sh start "$NAME" "$PORT" "autovacuum = off" "shared_buffers = '512MB'" >>"$LOG" 2>&1 9>&- \
  || die "could not start the bench cluster"
SERVER_VERSION=$("${PSQL[@]}" -At -d postgres -c "SHOW server_version")
MAX_LOCKS=$("${PSQL[@]}" -At -d postgres -c "SHOW max_locks_per_transaction")
EXT_VERSION=$(awk -F"'" '/^default_version/ {print $2}' "$("$BIN/pg_config" --sharedir)/extension/rls_fixer.control")
SO="$("$BIN/pg_config" --pkglibdir)/rls_fixer.so"
[ -f "$SO" ] || die "$SO is missing: install the extension first (make install; make bench does)"
SO_STAMP=$(stat -c '%y' "$SO" | cut -d. -f1)
GIT_REV=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
if ! command -v readelf >/dev/null; then BUILD="unknown (no readelf to tell)"
elif readelf -S "$SO" 2>/dev/null | grep -q '\.debug_info'; then BUILD="debug (unoptimised; the .so has .debug_info)"; else BUILD="release (no .debug_info)"; fi
log "PostgreSQL $SERVER_VERSION, rls_fixer $EXT_VERSION ($BUILD build, $(du -h "$SO" | cut -f1) .so), max_locks_per_transaction=$MAX_LOCKS"

# ---------------------------------------------------------------- 1. audit schemas + growth
RAW_QUERY="SELECT count(*) FROM (
  SELECT c.oid, c.relrowsecurity, c.relforcerowsecurity,
         EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) AS has_policy
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
) t WHERE NOT relrowsecurity OR NOT relforcerowsecurity OR NOT has_policy"
AUDIT_SQL="SELECT count(*) FROM rls_audit()"

declare -A GROW_MS GROW_COLD_MS
for n in $GROWTH; do
  db="audit_$n"
  log "building $db: $n tenant tables (a third each: no RLS / RLS without policy / RLS+policy not forced)"
  t0=$(now_ms)
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $db" >>"$LOG" 2>&1 || die "CREATE DATABASE $db"
  "${PSQL[@]}" -d "$db" -v n="$n" -f bench/sql/audit_schema.sql >>"$LOG" 2>&1 || die "building $db"
  log "  built in $(( $(now_ms) - t0 )) ms; audit before any ANALYZE of the catalogs"
  times_sql "$db" postgres "$AUDIT_SQL"; GROW_COLD_MS[$n]=$MED
  log "  audit (no catalog statistics): ${TIMES[*]} ms"
  "${PSQL[@]}" -d "$db" -c "ANALYZE" >>"$LOG" 2>&1 || die "ANALYZE $db"
  times_sql "$db" postgres "$AUDIT_SQL"; GROW_MS[$n]=$MED
  log "  audit (catalogs analyzed): ${TIMES[*]} ms"
done

ADB="audit_$TABLES"
FINDINGS=$("${PSQL[@]}" -At -d "$ADB" -c "SELECT string_agg(check_name || ' ' || n, ', ' ORDER BY check_name) || ' = ' || sum(n) FROM (SELECT check_name, count(*) n FROM rls_audit() GROUP BY 1) s") \
  || die "rls_audit() on $ADB"
log "findings at $TABLES tables: $FINDINGS"
save_audit_json "$ADB" synthetic
AUDIT_MS=${GROW_MS[$TABLES]}; AUDIT_COLD_MS=${GROW_COLD_MS[$TABLES]}

log "raw catalog query at $TABLES tables"
times_sql "$ADB" postgres "$RAW_QUERY"; RAW_MS=$MED; log "  ${TIMES[*]} ms"

log "peak memory of the audit backend"
audit_memory "$ADB"
HWM0=$MEM_HWM0; HWM1=$MEM_HWM1; ANON1=$MEM_ANON1; HWM_RAW=$MEM_HWM_RAW; ANON_RAW=$MEM_ANON_RAW

pgrls_lint "$ADB"
if [ -n "$PGRLS_MS" ]; then
  t0=$(now_ms); "$PGRLS" --version >/dev/null; PGRLS_START_MS=$(( $(now_ms) - t0 ))
  log "  pgrls interpreter start + import: $PGRLS_START_MS ms"
fi
SYN_PGRLS_MS=$PGRLS_MS; SYN_PGRLS_FINDINGS=$PGRLS_FINDINGS

# ---------------------------------------------------------------- 1b. realistic audit fixture
# The same number of tables shaped like a real schema (bench/sql/audit_realistic.sql): bigserial
# ids, uuid tenant column without an index, an app role, hand-written current_setting()::uuid
# policies; audited, linted by pgrls, then fixed with rls_fix_batched() and audited again.
RDB=audit_real
log "building $RDB: $TABLES realistic tenant tables (bigserial id, uuid tenant_id without index; a third each: no RLS / RLS without policy / hand-written ::uuid policy, not forced)"
t0=$(now_ms)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $RDB" >>"$LOG" 2>&1 || die "CREATE DATABASE $RDB"
"${PSQL[@]}" -d "$RDB" -v n="$TABLES" -f bench/sql/audit_realistic.sql >>"$LOG" 2>&1 || die "building $RDB"
"${PSQL[@]}" -d "$RDB" -c "ANALYZE" >>"$LOG" 2>&1 || die "ANALYZE $RDB"
log "  built and analyzed in $(( $(now_ms) - t0 )) ms"
times_sql "$RDB" postgres "$AUDIT_SQL"; REAL_MS=$MED; log "  audit: ${TIMES[*]} ms"
save_audit_json "$RDB" realistic; REAL_FINDINGS=$BY_CHECK
log "  peak memory of the audit backend on $RDB"
audit_memory "$RDB"
R_HWM0=$MEM_HWM0; R_HWM1=$MEM_HWM1; R_ANON1=$MEM_ANON1; R_HWM_RAW=$MEM_HWM_RAW; R_ANON_RAW=$MEM_ANON_RAW
pgrls_lint "$RDB"; REAL_PGRLS_MS=$PGRLS_MS; REAL_PGRLS_FINDINGS=$PGRLS_FINDINGS
log "  CALL rls_fix_batched() on $RDB (every table protected), then ANALYZE"
REAL_FIX_MS=$(time_sql "$RDB" postgres "CALL rls_fix_batched()")
"${PSQL[@]}" -d "$RDB" -c "ANALYZE" >>"$LOG" 2>&1 || die "ANALYZE $RDB"
REAL_LEFT=$("${PSQL[@]}" -At -d "$RDB" -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error'") || die "rls_audit() on $RDB"
log "  fixed in $REAL_FIX_MS ms; $REAL_LEFT error findings left"
times_sql "$RDB" postgres "$AUDIT_SQL"; REAL_FIXED_MS=$MED; log "  audit after the fix: ${TIMES[*]} ms"
save_audit_json "$RDB" realistic-fixed; REAL_FIXED_FINDINGS=$BY_CHECK

# ---------------------------------------------------------------- 2. fix
log "fix scenario on copies of $ADB ($RUNS run(s) each side)"
one_ref() {
  local t0; t0=$(now_ms)
  "${PSQL[@]}" -d fix_ref -f "$WORK/fix.sql" >>"$LOG" 2>&1 || die "psql -f fix.sql"
  FIX_REF+=("$(( $(now_ms) - t0 ))")
}
one_ours() {
  FIX_OURS+=("$(time_sql fix_ours postgres "CALL rls_fix_batched()")")
}
FIX_OURS=(); FIX_REF=(); FIX_STMTS=""; FIX_LEFT=""; AUDIT_FIXED_MS=""
for ((i = 1; i <= RUNS; i++)); do
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE fix_ours TEMPLATE $ADB STRATEGY FILE_COPY" \
    -c "CREATE DATABASE fix_ref TEMPLATE $ADB STRATEGY FILE_COPY" >>"$LOG" 2>&1 || die "copying $ADB"
  if [ -z "$FIX_STMTS" ]; then
    # the reference: the very DDL rls_fix would run, as a plain SQL file
    "${PSQL[@]}" -At -d fix_ref -c "SELECT statement || ';' FROM rls_fix(true) ORDER BY step" >"$WORK/fix.sql" 2>>"$LOG" \
      || die "rls_fix(true) on fix_ref"
    FIX_STMTS=$(wc -l <"$WORK/fix.sql")
    [ "$FIX_STMTS" -gt 0 ] || die "rls_fix(true) planned nothing on a copy of $ADB"
    log "  $FIX_STMTS statements: $(awk '/ENABLE ROW/ {e++} /FORCE ROW/ {f++} /^CREATE POLICY/ {p++} END {printf "%d ENABLE, %d FORCE, %d CREATE POLICY", e, f, p}' "$WORK/fix.sql")"
  fi
  # the reference is plain PostgreSQL: no extension (and so no event trigger) in its database
  "${PSQL[@]}" -d fix_ref -c "DROP EXTENSION rls_fixer" >>"$LOG" 2>&1 || die "DROP EXTENSION on fix_ref"
  if (( i % 2 )); then one_ours; one_ref; else one_ref; one_ours; fi
  left_ours=$("${PSQL[@]}" -At -d fix_ours -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error'")
  "${PSQL[@]}" -d fix_ref -c "CREATE EXTENSION rls_fixer" >>"$LOG" 2>&1 || die "CREATE EXTENSION on fix_ref"
  left_ref=$("${PSQL[@]}" -At -d fix_ref -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error'")
  batches=$("${PSQL[@]}" -At -d fix_ours -c "SELECT count(*) || ' batches, ' || sum(statement_count) || ' statements' FROM rls_fixer.fix_run WHERE batched AND NOT dry_run AND statement_count > 0")
  log "  run $i: rls_fix_batched ${FIX_OURS[-1]} ms ($batches, $left_ours errors left) | psql -f ${FIX_REF[-1]} ms ($left_ref errors left)"
  FIX_LEFT="$left_ours/$left_ref"
  [ "$left_ours" = 0 ] || log "  WARNING: $left_ours error findings left after rls_fix_batched"
  if [ "$i" = 1 ]; then
    "${PSQL[@]}" -d fix_ours -c "ANALYZE" >>"$LOG" 2>&1
    times_sql fix_ours postgres "$AUDIT_SQL"; AUDIT_FIXED_MS=$MED
    log "  audit of the fixed copy (every table compliant): ${TIMES[*]} ms"
  fi
  "${PSQL[@]}" -d postgres -c "DROP DATABASE fix_ours" -c "DROP DATABASE fix_ref" >>"$LOG" 2>&1 || die "dropping the fix copies"
done
FIX_OURS_MS=$(median "${FIX_OURS[@]}"); FIX_REF_MS=$(median "${FIX_REF[@]}")

# for comparison (one run): the whole plan in ONE transaction. It needs a lock per table, so past
# roughly max_locks_per_transaction x max_connections tables it fails; that is recorded, not fatal.
log "fix in one transaction: SELECT count(*) FROM rls_fix(false) on a copy of $ADB (1 run)"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE fix_one TEMPLATE $ADB STRATEGY FILE_COPY" >>"$LOG" 2>&1 || die "copying $ADB"
if out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d fix_one -c '\timing on' -c "SELECT count(*) FROM rls_fix(false)" 2>"$WORK/fix_one.err"); then
  FIX_ONE="$(s_ms "$(awk '/^Time: /{t=$2} END {print t}' <<<"$out")")"
else
  FIX_ONE="fails: $(grep -m1 "^ERROR" "$WORK/fix_one.err" | tr "|" "/" | cut -c1-160)"
fi
cat "$WORK/fix_one.err" >>"$LOG"
log "  $FIX_ONE"
"${PSQL[@]}" -d postgres -c "DROP DATABASE fix_one" >>"$LOG" 2>&1 || die "dropping fix_one"

# ---------------------------------------------------------------- 3. query overhead
log "building the query database: $ROWS rows, 100 tenants, generated policy via rls_fix(false)"
t0=$(now_ms)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE query" >>"$LOG" 2>&1
"${PSQL[@]}" -d query -v rows="$ROWS" -f bench/sql/query_schema.sql >>"$LOG" 2>&1 || die "building the query database"
log "  built in $(( $(now_ms) - t0 )) ms; $(grep -m1 '^rls_fix applied' "$LOG")"
# query_p: a file copy of it (same rows, same statistics) whose generated policies are rebuilt in
# protected mode by an rls_fix run (generated_policy_outdated), as README's "Two modes" describes
log "building query_p: a copy of the query database, switched to protected mode with rls_fix(false)"
t0=$(now_ms)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE query_p TEMPLATE query STRATEGY FILE_COPY" >>"$LOG" 2>&1 || die "copying the query database"
"${PSQL[@]}" -d query_p >>"$LOG" 2>&1 <<'SQL' || die "switching query_p to protected mode"
ALTER DATABASE query_p SET rls_fixer.context_mode = protected;
SET rls_fixer.context_mode = protected;
\pset format unaligned
\pset tuples_only on
SELECT 'protected rls_fix applied ' || count(*) || ' statements' FROM rls_fix(false);
SELECT 'protected policy on ' || tablename || ': ' || qual FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename;
SQL
log "  switched in $(( $(now_ms) - t0 )) ms; $(grep -m1 '^protected rls_fix applied' "$LOG")"
# the copy starts with cold shared buffers: read both databases' tables and indexes into them
# (pg_prewarm when this server has it, else plain scans of the tables)
prewarm() {
  local db
  for db in "$@"; do
    if [ -f "$("$BIN/pg_config" --sharedir)/extension/pg_prewarm.control" ]; then
      "${PSQL[@]}" -At -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
        -c "SELECT sum(pg_prewarm(c)) FROM unnest('{public.orders, public.orders_pkey, public.orders_tenant_id_idx, public.orders_noidx}'::regclass[]) c" >>"$LOG" 2>&1
    else
      "${PSQL[@]}" -At -d "$db" -c "SELECT count(*) FROM public.orders" -c "SELECT count(*) FROM public.orders_noidx" >>"$LOG" 2>&1
    fi || die "prewarming $db"
  done
}
prewarm query_p

{
  echo "# EXPLAIN (ANALYZE, BUFFERS) of the query-overhead scenarios, $MODE mode, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# generated policies (database query: setting mode; query_p: protected mode):"
  grep -E '^(protected )?policy on ' "$LOG" | sed 's/^/#   /'
  for q in "count:SELECT count(*) FROM public.orders" \
           "point:SELECT amount FROM public.orders WHERE id = 4241" \
           "seqcount:SELECT count(*) FROM public.orders_noidx"; do
    label=${q%%:*}; sql=${q#*:}
    refsql="$sql"; case "$sql" in *WHERE*) refsql="$sql AND tenant_id = 't42'" ;; *) refsql="$sql WHERE tenant_id = 't42'" ;; esac
    for db in query query_p; do
      echo; echo "## $label, ours ($db: $([ $db = query ] && echo setting || echo protected) mode): bench_app, SELECT set_tenant_context('t42'); $sql"
      psql -X -q -v ON_ERROR_STOP=1 -U bench_app -d $db -c '\o /dev/null' -c "SELECT set_tenant_context('t42')" -c '\o' \
        -c "EXPLAIN (ANALYZE, BUFFERS) $sql"
    done
    echo "## $label, reference: postgres (superuser, bypasses RLS); $refsql"
    psql -X -q -v ON_ERROR_STOP=1 -U postgres -d query -c "EXPLAIN (ANALYZE, BUFFERS) $refsql"
  done
} >"$EXPLAIN_OUT" 2>>"$LOG" || die "EXPLAIN of the query scenario"
for db in query query_p; do
  check=$(psql -X -q -At -v ON_ERROR_STOP=1 -U bench_app -d $db -c '\o /dev/null' -c "SELECT set_tenant_context('t42')" -c '\o' \
    -c "SELECT (SELECT count(*) FROM orders) || '/' || (SELECT count(*) FROM orders_noidx) || ' ' || (SELECT string_agg(DISTINCT tenant_id, ',') FROM orders)")
  log "  $db: bench_app sees $check as t42 (expected $PER/$PER t42)"
  [ "$check" = "$PER/$PER t42" ] || die "ISOLATION: the policy on $db does not isolate t42 as expected: $check"
done

declare -A Q_OURS Q_REF
for q in count point seqcount; do
  log "pgbench $q: bench_app under the policy vs superuser with WHERE tenant_id ($RUNS x $PGB_DESC each)"
  ab_tps bench_app query "${q}_rls.sql" postgres "${q}_ref.sql"
  Q_OURS[$q]=$TPS_A; Q_REF[$q]=$TPS_B
done

# ---------------------------------------------------------------- 3b. pooled per-request overhead, protected vs setting mode
# Isolation first (not timed). A prepared statement across tenant switches in protected mode: its
# plan folds the tenant, so every switch must replan it (README, "The tenant as a plan-time constant").
log "protected mode isolation checks on query_p (prepared statements across tenant switches)"
sw=$(psql -X -q -At -v ON_ERROR_STOP=1 -U bench_app -d query_p 2>>"$LOG" <<'SQL' | grep '^q=' | tr '\n' ' '
PREPARE q AS SELECT 'q=' || coalesce(string_agg(DISTINCT tenant_id, ','), '-') || '/' || count(*) FROM public.orders;
SELECT set_tenant_context('t42');
EXECUTE q; EXECUTE q; EXECUTE q; EXECUTE q; EXECUTE q; EXECUTE q;
SELECT set_tenant_context('t7');
EXECUTE q;
BEGIN; SELECT set_tenant_context('t9', true); EXECUTE q; COMMIT;
EXECUTE q;
BEGIN; SELECT set_tenant_context('t11', true); EXECUTE q; ROLLBACK;
EXECUTE q;
SELECT clear_tenant_context();
EXECUTE q;
SET app.current_tenant_id = 't5';
EXECUTE q;
SQL
) || die "the prepared-statement isolation check on query_p failed to run"
sw=${sw% }
want="q=t42/$PER q=t42/$PER q=t42/$PER q=t42/$PER q=t42/$PER q=t42/$PER q=t7/$PER q=t9/$PER q=t7/$PER q=t11/$PER q=t7/$PER q=-/0 q=-/0"
log "  one prepared statement, t42 x6 / t7 / t9 (local) / t7 / t11 (local, rolled back) / t7 / cleared / SET app.current_tenant_id: $sw"
[ "$sw" = "$want" ] || die "ISOLATION FAILURE in protected mode: a prepared statement saw '$sw', expected '$want' (reproduce: bench/run.sh section 3b, psql -U bench_app -d query_p)"
# The same under load: pgbench -M prepared, a random tenant per transaction; any row of another
# tenant or a wrong count divides by zero and fails the run.
for db in query_p query; do
  log "  pgbench isolation check on $db: -M prepared, random tenant per transaction, 5 checked statements each (1 x $PGB_DESC)"
  PGB_OPTS=(-M prepared)
  out=$("$PGBENCH" -n -c "$CLIENTS" -j "$CLIENTS" "${PGB_LEN[@]}" -U bench_app -D kmax="$KMAX" -D per="$PER" "${PGB_OPTS[@]}" \
        -f "$ROOT/bench/pgbench/isolation_check.sql" "$db" 2>&1) \
    || { echo "$out" >>"$LOG"; die "ISOLATION FAILURE on $db under pgbench -M prepared with random tenants (bench/pgbench/isolation_check.sql): $(grep -m1 ERROR <<<"$out")"; }
  echo "$out" >>"$LOG"
  PGB_OPTS=()
  log "    $(awk '/^number of transactions actually processed/ {print $NF " transactions,"}' <<<"$out") no row of another tenant"
done

prewarm query query_p
declare -A PQ_REF PQ_PROT PQ_SET
for proto in simple prepared random; do
  case $proto in
    simple) PGB_OPTS=(); pre=pool ;;
    prepared) PGB_OPTS=(-M prepared); pre=pool ;;
    random) PGB_OPTS=(-M prepared); pre=rand ;;
  esac
  for q in count point seqcount; do
    if [ "$proto" = random ]; then
      # setting mode does not care which tenant a transaction has: it is measured with t42 only
      log "pgbench pooled $q ($proto): superuser with WHERE tenant_id | bench_app, protected mode (query_p) ($RUNS x $PGB_DESC each)"
      multi_tps "postgres query ${pre}_${q}_ref.sql" "bench_app query_p ${pre}_${q}_ours.sql"
    else
      log "pgbench pooled $q ($proto): superuser with WHERE tenant_id | bench_app, protected mode (query_p) | bench_app, setting mode (query) ($RUNS x $PGB_DESC each)"
      multi_tps "postgres query ${pre}_${q}_ref.sql" "bench_app query_p ${pre}_${q}_ours.sql" "bench_app query ${pre}_${q}_ours.sql"
      PQ_SET[$proto,$q]=${TPS[2]}
    fi
    PQ_REF[$proto,$q]=${TPS[0]}; PQ_PROT[$proto,$q]=${TPS[1]}
  done
done
PGB_OPTS=()

# ---------------------------------------------------------------- 3c. partition planning (protected mode)
PER_PART=10
log "building the partition database: public.parted LIST-partitioned by tenant_id into $PARTS partitions ($PER_PART rows each), protected-mode policies via rls_fix(false)"
t0=$(now_ms)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE parted" >>"$LOG" 2>&1 || die "CREATE DATABASE parted"
"${PSQL[@]}" -d parted -v parts="$PARTS" -v per="$PER_PART" -f bench/sql/parted_schema.sql >>"$LOG" 2>&1 || die "building the partition database"
PART_FIX=$(grep -m1 '^parted rls_fix applied' "$LOG" || true)
log "  built in $(( $(now_ms) - t0 )) ms; $PART_FIX"
pc=$(psql -X -q -At -v ON_ERROR_STOP=1 -U bench_app -d parted 2>>"$LOG" <<'SQL' | grep '^q=' | tr '\n' ' '
PREPARE q AS SELECT 'q=' || coalesce(string_agg(DISTINCT tenant_id, ','), '-') || '/' || count(*) FROM public.parted;
EXECUTE q;
SELECT set_tenant_context('t42');
EXECUTE q; EXECUTE q; EXECUTE q; EXECUTE q; EXECUTE q; EXECUTE q;
SELECT set_tenant_context('t7');
EXECUTE q;
SQL
) || die "the isolation check on parted failed to run"
pc=${pc% }
want="q=-/0 q=t42/$PER_PART q=t42/$PER_PART q=t42/$PER_PART q=t42/$PER_PART q=t42/$PER_PART q=t42/$PER_PART q=t7/$PER_PART"
log "  bench_app on parted, one prepared statement, no tenant / t42 x6 / t7: $pc"
[ "$pc" = "$want" ] || die "ISOLATION FAILURE on the partitioned table: '$pc', expected '$want'"
PART_SQL="SELECT count(*) FROM public.parted"
PART_REF_SQL="SELECT count(*) FROM public.parted WHERE tenant_id = 't42'"
{
  echo; echo "# partition planning: public.parted, $PARTS LIST partitions by tenant_id, protected-mode policies"
  grep '^parted policy on' "$LOG" | sed 's/^parted /#   /'
  echo "## ours: bench_app, SELECT set_tenant_context('t42'); $PART_SQL"
  psql -X -q -v ON_ERROR_STOP=1 -U bench_app -d parted -c '\o /dev/null' -c "SELECT set_tenant_context('t42')" -c '\o' \
    -c "EXPLAIN (ANALYZE, COSTS false, SUMMARY true) $PART_SQL"
  echo "## reference: postgres (superuser, bypasses RLS); $PART_REF_SQL"
  psql -X -q -v ON_ERROR_STOP=1 -U postgres -d parted -c "EXPLAIN (ANALYZE, COSTS false, SUMMARY true) $PART_REF_SQL"
} >"$WORK/parted-explain.txt" 2>>"$LOG" || die "EXPLAIN of the partition scenario"
cat "$WORK/parted-explain.txt" >>"$EXPLAIN_OUT"
# scan nodes on a partition, per side: exactly one each when the tenant prunes at plan time
PART_SCANS=$(awk '/^## ours/ {s = "ours"} /^## reference/ {s = "ref"} / on parted_[0-9]+/ {n[s]++} END {printf "%d/%d", n["ours"], n["ref"]}' "$WORK/parted-explain.txt")
log "  partitions scanned (ours/reference): $PART_SCANS"
[ "$PART_SCANS" = 1/1 ] || log "  WARNING: expected exactly one partition scanned on each side, got $PART_SCANS (see $EXPLAIN_OUT)"
log "  planning time, $RUNS session(s) x 20 EXPLAINs each side"
plan_ms parted bench_app "SELECT set_tenant_context('t42')" "$PART_SQL"; PLAN_OURS=$MED
plan_ms parted postgres "SELECT 1" "$PART_REF_SQL"; PLAN_REF=$MED

# ---------------------------------------------------------------- 4. context call
# set_tenant_context() sets app.current_tenant_id and the protected tenant (whatever the mode):
# these rows are the protected form's cost. The signed form needs a context key, which only
# query_p gets (while it is set, set_tenant_context() is refused to bench_app there); it is
# dropped again before anything else runs.
log "context key on query_p (decode(repeat('ab', 32), 'hex')); one token for t42 from rls_fixer.sign_tenant_token"
TOKEN=$("${PSQL[@]}" -At -d query_p -c "SELECT rls_fixer.set_context_key(decode(repeat('ab', 32), 'hex'))" \
        -c "SELECT rls_fixer.sign_tenant_token('t42', '2 hours')" 2>>"$LOG" | tail -n 1) || die "setting the context key on query_p"
[[ "$TOKEN" =~ ^v1\.[A-Za-z0-9_-]+\.[0-9]+\.[A-Za-z0-9_-]+$ ]] || die "sign_tenant_token returned '$TOKEN'"
sg=$(psql -X -q -At -v ON_ERROR_STOP=1 -U bench_app -d query_p -c '\o /dev/null' -c "SELECT set_tenant_context_signed('$TOKEN')" -c '\o' \
     -c "SELECT current_tenant_id() || '/' || count(*) FROM orders" 2>>"$LOG") || die "set_tenant_context_signed as bench_app"
plain_rc=0; psql -X -q -At -v ON_ERROR_STOP=1 -U bench_app -d query_p -c "SELECT set_tenant_context('t1')" >/dev/null 2>>"$LOG" || plain_rc=$?
log "  token $TOKEN: bench_app sees $sg with it (expected t42/$PER); the plain set_tenant_context() $([ $plain_rc = 0 ] && echo "was ALLOWED" || echo refused)"
[ "$sg" = "t42/$PER" ] || die "the signed context did not give t42's $PER rows: $sg"
[ $plain_rc != 0 ] || die "SIGNED CONTEXT NOT ENFORCED: bench_app's plain set_tenant_context('t1') succeeded while a context key is set (query_p)"
declare -A C_OURS C_REF
log "pgbench context call, local form: set_config | set_tenant_context (query) | set_tenant_context_signed (query_p, key set) ($RUNS x $PGB_DESC each)"
PGB_OPTS=(-D token="$TOKEN")
multi_tps "bench_app query ctx_local_ref.sql" "bench_app query ctx_local_ours.sql" "bench_app query_p ctx_signed_ours.sql"
PGB_OPTS=()
C_REF[local]=${TPS[0]}; C_OURS[local]=${TPS[1]}; C_SIGNED=${TPS[2]}
log "context call server-side, signed: $CALLS calls in one statement"
times_sql query_p bench_app "SELECT count(set_tenant_context_signed('$TOKEN')) FROM generate_series(1, $CALLS)"; CALL_SIGNED_MS=$MED; log "  ${TIMES[*]} ms"
dropped=$("${PSQL[@]}" -At -d query_p -c "SELECT rls_fixer.drop_context_keys()" 2>>"$LOG") || die "drop_context_keys on query_p"
log "  context keys dropped on query_p: $dropped"
log "pgbench context call, session form ($RUNS x $PGB_DESC each)"
ab_tps bench_app query "ctx_session_ours.sql" bench_app "ctx_session_ref.sql"
C_OURS[session]=$TPS_A; C_REF[session]=$TPS_B
log "context call server-side, $CALLS calls in one statement"
times_sql query bench_app "SELECT count(set_tenant_context('t42')) FROM generate_series(1, $CALLS)"; CALL_OURS_MS=$MED; log "  ${TIMES[*]} ms"
times_sql query bench_app "SELECT count(set_config('app.current_tenant_id', 't42', false)) FROM generate_series(1, $CALLS)"; CALL_REF_MS=$MED; log "  ${TIMES[*]} ms"

# ---------------------------------------------------------------- 5. live verify
VTABLES=$(( SMOKE == 1 ? 50 : 1000 ))
log "building the verify database: $VTABLES tenant tables with two tenants' rows, fixed with rls_fix_batched"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE verify" >>"$LOG" 2>&1
"${PSQL[@]}" -d verify >>"$LOG" 2>&1 <<SQL || die "building the verify database"
SET rls_fixer.on_new_tenant_table = off;
CREATE EXTENSION IF NOT EXISTS rls_fixer;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'verify_app') THEN CREATE ROLE verify_app LOGIN; END IF;
END \$\$;
CREATE SCHEMA v;
GRANT USAGE ON SCHEMA v TO verify_app;
SELECT format('CREATE TABLE v.t%s (id bigserial PRIMARY KEY, tenant_id text NOT NULL, note text);
               CREATE INDEX ON v.t%s (tenant_id);
               INSERT INTO v.t%s (tenant_id, note) VALUES (''t1'', ''a''), (''t2'', ''b'');', i, i, i)
  FROM generate_series(1, $VTABLES) i \gexec
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA v TO verify_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA v TO verify_app;
CALL rls_fix_batched(500);
SQL
VERIFY_SQL="SELECT count(*) FILTER (WHERE passed) || '/' || count(*) FROM rls_verify('t1', 't2', 'verify_app')"
vres=$(psql -X -q -At -v ON_ERROR_STOP=1 -U postgres -d verify -c "$VERIFY_SQL" 2>>"$LOG") || die "rls_verify failed"
log "  rls_verify passed/probes: $vres"
[ "$vres" = "$((VTABLES * 5))/$((VTABLES * 5))" ] || die "rls_verify: not every probe passed ($vres)"
times_sql verify postgres "$VERIFY_SQL"; VERIFY_MS=$MED; log "  ${TIMES[*]} ms"

# ---------------------------------------------------------------- the table
tps_fmt() { printf '%s tps' "$(fmt_n "$1")"; }
us_call() { awk -v t="$1" -v n="$CALLS" 'BEGIN {printf "%.2f us/call", t * 1000 / n}'; }

speedup=""; [ -n "$SYN_PGRLS_MS" ] && speedup=$(ratio "$SYN_PGRLS_MS" "$AUDIT_MS")
audit_ok() { le "$AUDIT_MS" 500 && le 10 "$speedup"; }
if [ -n "$SYN_PGRLS_MS" ]; then
  row "audit, $(fmt_n "$TABLES") tenant tables (catalogs analyzed): \`$AUDIT_SQL\` vs \`pgrls lint\`" \
      "$(fmt_ms "$AUDIT_MS")" "$(fmt_ms "$SYN_PGRLS_MS") (pgrls $PGRLS_VERSION, $SYN_PGRLS_FINDINGS findings)" \
      "${speedup}x faster" "<= 500 ms; >= 10x faster" \
      "$(verdict audit_ok)"
else
  row "audit, $(fmt_n "$TABLES") tenant tables (catalogs analyzed)" "$(fmt_ms "$AUDIT_MS")" "n/a (pgrls not installed)" "n/a" "<= 500 ms; >= 10x faster" \
      "$(verdict le "$AUDIT_MS" 500)"
fi
row "audit vs one raw catalog query (pg_class/pg_attribute/pg_policy, same $(fmt_n "$TABLES") tables)" \
    "$(fmt_ms "$AUDIT_MS")" "$(fmt_ms "$RAW_MS")" "$(ratio "$AUDIT_MS" "$RAW_MS")x slower" "-" "-"
row "audit, $(fmt_n "$TABLES") tables, catalogs never ANALYZEd (right after the migration, autovacuum off)" \
    "$(fmt_ms "$AUDIT_COLD_MS")" "-" "$(ratio "$AUDIT_COLD_MS" "$AUDIT_MS")x the analyzed time" "<= 500 ms" "$(verdict le "$AUDIT_COLD_MS" 500)"
row "audit, $(fmt_n "$TABLES") tables after the fix (all compliant, $(fmt_n "$TABLES") policies)" \
    "$(fmt_ms "$AUDIT_FIXED_MS")" "-" "-" "(<= 500 ms)" "$(verdict le "$AUDIT_FIXED_MS" 500)"
row "audit peak memory at $(fmt_n "$TABLES") tables: VmHWM of the backend (RssAnon after the query in brackets)" \
    "$(fmt_n "$HWM1") kB ($(fmt_n "$ANON1") kB); $(fmt_n "$HWM0") kB before the audit" "$(fmt_n "$HWM_RAW") kB ($(fmt_n "$ANON_RAW") kB): a fresh backend running the raw catalog query" \
    "+$(fmt_n $(( HWM1 - HWM_RAW ))) kB" "-" "-"
# the realistic fixture
real_what="realistic fixture, $(fmt_n "$TABLES") tables (bigserial id, uuid tenant_id without index; a third each: no RLS / RLS without policy / hand-written \`::uuid\` policy, not forced)"
if [ -n "$REAL_PGRLS_MS" ]; then
  rspeed=$(ratio "$REAL_PGRLS_MS" "$REAL_MS")
  real_ok() { le "$REAL_MS" 300 && le 15 "$rspeed"; }
  row "audit, $real_what: \`$AUDIT_SQL\` vs \`pgrls lint\`" \
      "$(fmt_ms "$REAL_MS")" "$(fmt_ms "$REAL_PGRLS_MS") (pgrls $PGRLS_VERSION, $REAL_PGRLS_FINDINGS findings)" \
      "${rspeed}x faster" "<= 300 ms; >= 15x faster" "$(verdict real_ok)"
else
  row "audit, $real_what" "$(fmt_ms "$REAL_MS")" "n/a (pgrls not installed)" "n/a" "<= 300 ms; >= 15x faster" "$(verdict le "$REAL_MS" 300)"
fi
row "audit, the realistic fixture after \`CALL rls_fix_batched()\` ($(s_ms "$REAL_FIX_MS"); every table ENABLEd, FORCEd, with a tenant policy; $REAL_LEFT error findings left)" \
    "$(fmt_ms "$REAL_FIXED_MS")" "-" "$(ratio "$REAL_FIXED_MS" "$REAL_MS")x the unfixed time" "<= 300 ms" "$(verdict le "$REAL_FIXED_MS" 300)"
row "audit peak memory, realistic fixture: VmHWM of the backend (RssAnon after the query in brackets)" \
    "$(fmt_n "$R_HWM1") kB ($(fmt_n "$R_ANON1") kB); $(fmt_n "$R_HWM0") kB before the audit" "$(fmt_n "$R_HWM_RAW") kB ($(fmt_n "$R_ANON_RAW") kB): a fresh backend running the raw catalog query" \
    "+$(fmt_n $(( R_HWM1 - R_HWM_RAW ))) kB" "-" "-"
for fx in synthetic realistic realistic-fixed; do
  case $fx in
    synthetic) fwhat="the $(fmt_n "$TABLES")-table fixture" ;;
    realistic) fwhat="the realistic fixture" ;;
    realistic-fixed) fwhat="the realistic fixture after the fix" ;;
  esac
  case "${JSON_CMP[$fx]}" in
    identical*|"findings identical"*) fok=identical ;; "**differ"*) fok="**differ**" ;; *) fok="-" ;;
  esac
  row "findings of $fwhat: \`rls_audit_json()\` saved to \`$JSON_OUT-$fx.json.gz\`" \
      "$(fmt_n "$(jq '.findings | length' "$WORK/audit-$fx.json")") findings" "${JSON_CMP[$fx]}" "-" "findings identical between runs of one build" "$fok"
done
row "fix, $(fmt_n "$TABLES") tables ($FIX_STMTS statements), max_locks_per_transaction=$MAX_LOCKS: \`CALL rls_fix_batched()\` vs \`psql -f\` of the same DDL (autocommit)" \
    "$(s_ms "$FIX_OURS_MS")" "$(s_ms "$FIX_REF_MS")" "$(ratio "$FIX_OURS_MS" "$FIX_REF_MS")x" "completes; <= 1.3x" \
    "$(verdict le "$(ratio "$FIX_OURS_MS" "$FIX_REF_MS")" 1.3)"
row "fix, the same plan in one transaction: \`SELECT count(*) FROM rls_fix(false)\` (1 run)" \
    "$FIX_ONE" "$(s_ms "$FIX_REF_MS")" "-" "-" "-"
q_what() {
  case $1 in
    count) echo "indexed count(*) of the tenant ($(fmt_n "$PER") of $(fmt_n "$ROWS") rows)" ;;
    point) echo "point lookup by primary key (a row of the tenant)" ;;
    seqcount) echo "count(*) of the tenant on an unindexed copy" ;;
  esac
}
for q in count point seqcount; do
  r=$(ratio "${Q_REF[$q]}" "${Q_OURS[$q]}")
  row "query overhead, tenant set once per connection (setting mode): $(q_what $q) of t42; app role under the generated policy vs superuser with WHERE tenant_id" \
      "$(tps_fmt "${Q_OURS[$q]}")" "$(tps_fmt "${Q_REF[$q]}")" "${r}x (ref/ours)" "<= 1.05x" "$(verdict le "$r" 1.05)"
done
for proto in simple prepared random; do
  case $proto in
    simple) pdesc="simple protocol, t42" ;;
    prepared) pdesc="\`-M prepared\`, t42" ;;
    random) pdesc="\`-M prepared\`, **random tenant** per transaction" ;;
  esac
  for q in count point seqcount; do
    rp=$(ratio "${PQ_REF[$proto,$q]}" "${PQ_PROT[$proto,$q]}")
    if [ "$proto" = random ]; then tgt="- (reported)"; ok="-"; else tgt="<= 1.02x"; ok=$(verdict le "$rp" 1.02); fi
    row "pooled per request, **protected mode**, $pdesc: $(q_what $q)" \
        "$(tps_fmt "${PQ_PROT[$proto,$q]}")" "$(tps_fmt "${PQ_REF[$proto,$q]}")" "${rp}x (ref/ours)" "$tgt" "$ok"
    [ "$proto" != random ] || continue
    rs=$(ratio "${PQ_REF[$proto,$q]}" "${PQ_SET[$proto,$q]}")
    row "pooled per request, setting mode (comparison), $pdesc: $(q_what $q)" \
        "$(tps_fmt "${PQ_SET[$proto,$q]}")" "$(tps_fmt "${PQ_REF[$proto,$q]}")" "${rs}x (ref/ours)" "-" "-"
  done
done
rplan=$(ratio "$PLAN_OURS" "$PLAN_REF")
plan_ok() { le "$rplan" 1.1 && [ "$PART_SCANS" = 1/1 ]; }
row "partition planning, protected mode, $(fmt_n "$PARTS") LIST partitions by tenant_id: \`$PART_SQL\` as the app role (t42) vs the superuser's \`... WHERE tenant_id = 't42'\`, median EXPLAIN Planning Time" \
    "$(awk -v v="$PLAN_OURS" 'BEGIN {printf "%.3f ms", v}')" "$(awk -v v="$PLAN_REF" 'BEGIN {printf "%.3f ms", v}')" \
    "${rplan}x (ours/ref); partitions scanned $PART_SCANS" "<= 1.1x; one partition scanned" "$(verdict plan_ok)"
r=$(ratio "${C_OURS[local]}" "${C_REF[local]}")
row "context call, local form (protected form: sets the setting and the protected tenant): \`BEGIN; SELECT set_tenant_context('t42', true); COMMIT\` vs \`set_config(..., true)\`" \
    "$(tps_fmt "${C_OURS[local]}")" "$(tps_fmt "${C_REF[local]}")" "${r}x (ours/ref)" ">= 0.9x" "$(verdict le 0.9 "$r")"
r=$(ratio "$C_SIGNED" "${C_REF[local]}")
row "context call, signed local form (a context key set): \`BEGIN; SELECT set_tenant_context_signed(:token, true); COMMIT\` vs \`set_config(..., true)\`" \
    "$(tps_fmt "$C_SIGNED")" "$(tps_fmt "${C_REF[local]}")" "${r}x (ours/ref)" "- (cost reported)" "-"
r=$(ratio "${C_OURS[session]}" "${C_REF[session]}")
row "context call, session form (protected form): \`SELECT set_tenant_context('t42')\` vs \`set_config(..., false)\`" \
    "$(tps_fmt "${C_OURS[session]}")" "$(tps_fmt "${C_REF[session]}")" "${r}x (ours/ref)" ">= 0.9x" "$(verdict le 0.9 "$r")"
row "live verify, $(fmt_n "$VTABLES") tenant tables: \`rls_verify()\` (5 probes per table, each in a rolled-back subtransaction)" \
  "$(s_ms "$VERIFY_MS")" "-" "-" "<= 5 s" "$(verdict le "$VERIFY_MS" 5000)"
row "context call, server side: $(fmt_n "$CALLS") calls of \`set_tenant_context('t42')\` in one SELECT vs \`set_config\`" \
    "$(us_call "$CALL_OURS_MS")" "$(us_call "$CALL_REF_MS")" "$(ratio "$CALL_REF_MS" "$CALL_OURS_MS")x (ref/ours)" "-" "-"
row "context call, server side, signed: $(fmt_n "$CALLS") calls of \`set_tenant_context_signed(token)\` in one SELECT vs \`set_config\`" \
    "$(us_call "$CALL_SIGNED_MS")" "$(us_call "$CALL_REF_MS")" "$(ratio "$CALL_REF_MS" "$CALL_SIGNED_MS")x (ref/ours)" "-" "-"
prev_n=""; prev_t=""
for n in $(tr ' ' '\n' <<<"$GROWTH" | sort -n | uniq); do
  gt=${GROW_MS[$n]}; c=${GROW_COLD_MS[$n]}
  per=$(awk -v t="$gt" -v n="$n" 'BEGIN {printf "%.0f us/table", t * 1000 / n}')
  if [ -n "$prev_n" ]; then
    e=$(awk -v t1="$prev_t" -v t2="$gt" -v n1="$prev_n" -v n2="$n" 'BEGIN {printf "%.2f", log(t2 / t1) / log(n2 / n1)}')
    ec=$(awk -v t1="$prev_c" -v t2="$c" -v n1="$prev_n" -v n2="$n" 'BEGIN {printf "%.2f", log(t2 / t1) / log(n2 / n1)}')
    expo="exponent $e (unanalyzed: $ec)"
    ok=$(verdict le "$e" 1.15)
  else
    expo="-"; ok="-"
  fi
  row "growth: audit at $(fmt_n "$n") tables" "$(fmt_ms "$gt") ($per)" "unanalyzed catalogs: $(fmt_ms "$c")" "$expo" "linear or better (exponent <= ~1.1)" "$ok"
  prev_n=$n; prev_t=$gt; prev_c=$c
done

{
  echo "## rls_fixer benchmarks ($MODE mode)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); PostgreSQL $SERVER_VERSION; rls_fixer $EXT_VERSION, **$BUILD build** (library installed $SO_STAMP UTC; work tree at $GIT_REV; measured on $ISOLATION);" \
       "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM;" \
       "load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
       "medians of $RUNS run(s); pgbench -n -c $CLIENTS -j $CLIENTS $PGB_DESC (simple protocol unless a row says \`-M prepared\`);" \
       "findings at $(fmt_n "$TABLES") tables: $FINDINGS; realistic fixture: $REAL_FINDINGS; after its fix: $REAL_FIXED_FINDINGS."
  echo
  echo "| scenario | ours | reference (same run) | ratio | target | met |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${ROWS_MD[@]}"
  echo
  echo "Fix: error findings left after ours/reference: $FIX_LEFT. EXPLAIN plans: \`$EXPLAIN_OUT\`. Audit findings: \`$JSON_OUT-*.json.gz\`. Total bench time $(( $(date +%s) - T_START )) s."
} >"$WORK/table.md"
if [ "$(stat -c '%y' "$SO" | cut -d. -f1)" != "$SO_STAMP" ]; then
  log "WARNING: $SO was reinstalled during the run: the figures may mix two builds"
  echo "**Warning: the library was reinstalled during this run; the figures may mix two builds.**" >>"$WORK/table.md"
fi
mkdir -p "$(dirname "$OUT")"
cp "$WORK/table.md" "$OUT"
log "done in $(( $(date +%s) - T_START )) s; results in $OUT"
cat "$WORK/table.md"
