#!/usr/bin/env bash
# bench/run.sh: the benchmarks behind `make bench` (full, about 5 minutes on 2 cores) and `make bench-smoke`
# (BENCH_SMOKE=1: tiny sizes, one run, about 20 s; run in CI so this script cannot rot).
#
# A throwaway cluster `bench` (port 54333) is built, measured and destroyed. Progress goes to
# stderr; the result table (markdown) goes to stdout and to bench/results/latest.md
# (smoke: bench/results/smoke.md), EXPLAIN plans to bench/results/*-explain.txt.
# Timings never fail the run: it fails only when a step errors. See BENCHMARKS.md.
#
# Knobs (environment): BENCH_SMOKE=1, BENCH_PORT (54333), BENCH_RUNS, BENCH_SECONDS (pgbench -T),
# BENCH_TABLES, BENCH_GROWTH ("1000 5000 10000 20000"), BENCH_ROWS, BENCH_VENV, BENCH_KEEP=1
# (keep the cluster afterwards), BENCH_OUT (result file).
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
  GROWTH="${BENCH_GROWTH:-100 200}"; ROWS="${BENCH_ROWS:-10000}"
  OUT="${BENCH_OUT:-bench/results/smoke.md}"; MODE=smoke
else
  RUNS="${BENCH_RUNS:-3}"; SECS="${BENCH_SECONDS:-5}"; TABLES="${BENCH_TABLES:-10000}"
  GROWTH="${BENCH_GROWTH:-1000 5000 10000 20000}"; ROWS="${BENCH_ROWS:-1000000}"
  OUT="${BENCH_OUT:-bench/results/latest.md}"; MODE=full
fi
EXPLAIN_OUT="${OUT%.md}-explain.txt"
# the audit/fix size must be one of the growth sizes (its database is reused)
case " $GROWTH " in *" $TABLES "*) ;; *) GROWTH="$GROWTH $TABLES" ;; esac
KMAX=$(( ROWS / 100 - 1 ))   # t42 owns ids 41 + 100 k, k = 0 .. KMAX
CALLS=$(( SMOKE == 1 ? 20000 : 200000 ))   # server-side context calls per statement

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

# pgbench_tps USER DB SCRIPT: TPS (without initial connection time); fails on any failed transaction
pgbench_tps() {
  local out tps
  out=$("$PGBENCH" -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" -U "$1" -D ctx=0 -D kmax="$KMAX" \
        -f "$ROOT/bench/pgbench/$3" "$2" 2>&1) || { echo "$out" >>"$LOG"; die "pgbench $3 as $1 failed"; }
  echo "$out" >>"$LOG"
  if grep -Eq '^number of failed transactions: [1-9]' <<<"$out"; then die "pgbench $3 had failed transactions"; fi
  tps=$(awk '/^tps = .*without initial connection time/ {print $3}' <<<"$out")
  [ -n "$tps" ] || die "no tps in pgbench output for $3"
  echo "$tps"
}

# ab_tps USER_A DB SCRIPT_A USER_B SCRIPT_B: RUNS interleaved runs (order alternates), medians in TPS_A/TPS_B
ab_tps() {
  local i a=() b=()
  for ((i = 1; i <= RUNS; i++)); do
    if (( i % 2 )); then a+=("$(pgbench_tps "$1" "$2" "$3")"); b+=("$(pgbench_tps "$4" "$2" "$5")")
    else b+=("$(pgbench_tps "$4" "$2" "$5")"); a+=("$(pgbench_tps "$1" "$2" "$3")"); fi
  done
  TPS_A=$(median "${a[@]}"); TPS_B=$(median "${b[@]}")
  log "    $3: ${a[*]} | $5: ${b[*]} (tps)"
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
log "mode $MODE: $TABLES tables (growth: $GROWTH), $ROWS rows, $RUNS run(s) per figure, pgbench -T $SECS -c $CLIENTS -j $CLIENTS"
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
AUDIT_MS=${GROW_MS[$TABLES]}; AUDIT_COLD_MS=${GROW_COLD_MS[$TABLES]}

log "raw catalog query at $TABLES tables"
times_sql "$ADB" postgres "$RAW_QUERY"; RAW_MS=$MED; log "  ${TIMES[*]} ms"

log "peak memory of the audit backend"
MEM=$("${PSQL[@]}" -At -F ' ' -d "$ADB" \
  -c "SELECT current_tenant_id() IS NULL" \
  -c "SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+)'), substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+)')" \
  -c "SELECT count(*) FROM rls_audit()" \
  -c "SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+)'), substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+)')" 2>>"$LOG") \
  || die "reading /proc/self/status of the audit backend"
read -r _ HWM0 ANON0 _ HWM1 ANON1 <<<"$(tr '\n' ' ' <<<"$MEM")"
# the same figures for a fresh backend that runs only the raw catalog query (it reads the same
# catalog pages into shared buffers, which VmHWM counts as well)
MEM=$("${PSQL[@]}" -At -F ' ' -d "$ADB" -c "$RAW_QUERY" \
  -c "SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+)'), substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+)')" 2>>"$LOG") \
  || die "reading /proc/self/status of the raw-query backend"
read -r _ HWM_RAW ANON_RAW <<<"$(tr '\n' ' ' <<<"$MEM")"
log "  audit backend: VmHWM $HWM0 kB -> $HWM1 kB, RssAnon $ANON0 kB -> $ANON1 kB; raw-query backend: VmHWM $HWM_RAW kB, RssAnon $ANON_RAW kB"

PGRLS_MS=""
if [ -n "$PGRLS" ]; then
  log "pgrls lint on $ADB ($RUNS run(s))"
  t=(); dsn="postgresql:///$ADB?host=$SOCK&port=$PORT&user=postgres"
  for ((i = 1; i <= RUNS; i++)); do
    t0=$(now_ms); rc=0
    "$PGRLS" lint --database-url "$dsn" --format json -o "$WORK/pgrls.json" >>"$LOG" 2>&1 || rc=$?
    t1=$(now_ms)
    [ $rc -le 1 ] || die "pgrls lint exited $rc (0 = clean, 1 = findings, 2 = tool error)"
    t+=("$(( t1 - t0 ))")
  done
  PGRLS_MS=$(median "${t[@]}")
  PGRLS_FINDINGS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["violations"]))' "$WORK/pgrls.json" 2>/dev/null || echo "?")
  t0=$(now_ms); "$PGRLS" --version >/dev/null; PGRLS_START_MS=$(( $(now_ms) - t0 ))
  log "  ${t[*]} ms ($PGRLS_FINDINGS findings; interpreter start + import: $PGRLS_START_MS ms)"
fi

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

{
  echo "# EXPLAIN (ANALYZE, BUFFERS) of the query-overhead scenario, $MODE mode, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# generated policies:"; grep '^policy on ' "$LOG" | sed 's/^/#   /'
  for q in "count:SELECT count(*) FROM public.orders" \
           "point:SELECT amount FROM public.orders WHERE id = 4241" \
           "seqcount:SELECT count(*) FROM public.orders_noidx"; do
    label=${q%%:*}; sql=${q#*:}
    refsql="$sql"; case "$sql" in *WHERE*) refsql="$sql AND tenant_id = 't42'" ;; *) refsql="$sql WHERE tenant_id = 't42'" ;; esac
    echo; echo "## $label, ours: bench_app, SELECT set_tenant_context('t42'); $sql"
    psql -X -q -v ON_ERROR_STOP=1 -U bench_app -d query -c '\o /dev/null' -c "SELECT set_tenant_context('t42')" -c '\o' \
      -c "EXPLAIN (ANALYZE, BUFFERS) $sql"
    echo "## $label, reference: postgres (superuser, bypasses RLS); $refsql"
    psql -X -q -v ON_ERROR_STOP=1 -U postgres -d query -c "EXPLAIN (ANALYZE, BUFFERS) $refsql"
  done
} >"$EXPLAIN_OUT" 2>>"$LOG" || die "EXPLAIN of the query scenario"
check=$(psql -X -q -At -v ON_ERROR_STOP=1 -U bench_app -d query -c '\o /dev/null' -c "SELECT set_tenant_context('t42')" -c '\o' \
  -c "SELECT (SELECT count(*) FROM orders) || '/' || (SELECT count(*) FROM orders_noidx)")
log "  bench_app sees $check rows as t42 (expected $((ROWS / 100))/$((ROWS / 100)))"
[ "$check" = "$((ROWS / 100))/$((ROWS / 100))" ] || die "the policy does not isolate t42 as expected: $check"

declare -A Q_OURS Q_REF
for q in count point seqcount; do
  log "pgbench $q: bench_app under the policy vs superuser with WHERE tenant_id ($RUNS x ${SECS}s each)"
  ab_tps bench_app query "${q}_rls.sql" postgres "${q}_ref.sql"
  Q_OURS[$q]=$TPS_A; Q_REF[$q]=$TPS_B
done

# ---------------------------------------------------------------- 4. context call
declare -A C_OURS C_REF
for form in local session; do
  log "pgbench context call, $form form ($RUNS x ${SECS}s each)"
  ab_tps bench_app query "ctx_${form}_ours.sql" bench_app "ctx_${form}_ref.sql"
  C_OURS[$form]=$TPS_A; C_REF[$form]=$TPS_B
done
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

speedup=""; [ -n "$PGRLS_MS" ] && speedup=$(ratio "$PGRLS_MS" "$AUDIT_MS")
audit_ok() { le "$AUDIT_MS" 500 && le 10 "$speedup"; }
if [ -n "$PGRLS_MS" ]; then
  row "audit, $(fmt_n "$TABLES") tenant tables (catalogs analyzed): \`$AUDIT_SQL\` vs \`pgrls lint\`" \
      "$(fmt_ms "$AUDIT_MS")" "$(fmt_ms "$PGRLS_MS") (pgrls $PGRLS_VERSION, $PGRLS_FINDINGS findings)" \
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
row "fix, $(fmt_n "$TABLES") tables ($FIX_STMTS statements), max_locks_per_transaction=$MAX_LOCKS: \`CALL rls_fix_batched()\` vs \`psql -f\` of the same DDL (autocommit)" \
    "$(s_ms "$FIX_OURS_MS")" "$(s_ms "$FIX_REF_MS")" "$(ratio "$FIX_OURS_MS" "$FIX_REF_MS")x" "completes; <= 1.3x" \
    "$(verdict le "$(ratio "$FIX_OURS_MS" "$FIX_REF_MS")" 1.3)"
row "fix, the same plan in one transaction: \`SELECT count(*) FROM rls_fix(false)\` (1 run)" \
    "$FIX_ONE" "$(s_ms "$FIX_REF_MS")" "-" "-" "-"
for q in count point seqcount; do
  case $q in
    count) what="indexed count(*) of tenant t42 ($(fmt_n $((ROWS / 100))) of $(fmt_n "$ROWS") rows)" ;;
    point) what="point lookup by primary key (a t42 row)" ;;
    seqcount) what="count(*) of t42 on an unindexed copy" ;;
  esac
  r=$(ratio "${Q_REF[$q]}" "${Q_OURS[$q]}")
  row "query overhead: $what; app role under the generated policy vs superuser with WHERE tenant_id" \
      "$(tps_fmt "${Q_OURS[$q]}")" "$(tps_fmt "${Q_REF[$q]}")" "${r}x (ref/ours)" "<= 1.05x" "$(verdict le "$r" 1.05)"
done
for form in local session; do
  case $form in
    local) what="\`BEGIN; SELECT set_tenant_context('t42', true); COMMIT\` vs \`set_config(..., true)\`" ;;
    session) what="\`SELECT set_tenant_context('t42')\` vs \`set_config(..., false)\`" ;;
  esac
  r=$(ratio "${C_OURS[$form]}" "${C_REF[$form]}")
  row "context call, $form form: $what" "$(tps_fmt "${C_OURS[$form]}")" "$(tps_fmt "${C_REF[$form]}")" "${r}x (ours/ref)" ">= 0.95x" \
      "$(verdict le 0.95 "$r")"
done
row "live verify, $(fmt_n "$VTABLES") tenant tables: \`rls_verify()\` (5 probes per table, each in a rolled-back subtransaction)" \
  "$(s_ms "$VERIFY_MS")" "-" "-" "<= 5 s" "$(verdict le "$VERIFY_MS" 5000)"
row "context call, server side: $(fmt_n "$CALLS") calls in one SELECT" \
    "$(awk -v t="$CALL_OURS_MS" -v n="$CALLS" 'BEGIN {printf "%.2f us/call", t * 1000 / n}')" \
    "$(awk -v t="$CALL_REF_MS" -v n="$CALLS" 'BEGIN {printf "%.2f us/call", t * 1000 / n}')" \
    "$(ratio "$CALL_REF_MS" "$CALL_OURS_MS")x (ref/ours)" "-" "-"
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
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); PostgreSQL $SERVER_VERSION; rls_fixer $EXT_VERSION, **$BUILD build** (library installed $SO_STAMP UTC; work tree at $GIT_REV);" \
       "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM;" \
       "load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
       "medians of $RUNS run(s); pgbench -n -c $CLIENTS -j $CLIENTS -T $SECS (simple protocol); findings at $(fmt_n "$TABLES") tables: $FINDINGS."
  echo
  echo "| scenario | ours | reference (same run) | ratio | target | met |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${ROWS_MD[@]}"
  echo
  echo "Fix: error findings left after ours/reference: $FIX_LEFT. EXPLAIN plans: \`$EXPLAIN_OUT\`. Total bench time $(( $(date +%s) - T_START )) s."
} >"$WORK/table.md"
if [ "$(stat -c '%y' "$SO" | cut -d. -f1)" != "$SO_STAMP" ]; then
  log "WARNING: $SO was reinstalled during the run: the figures may mix two builds"
  echo "**Warning: the library was reinstalled during this run; the figures may mix two builds.**" >>"$WORK/table.md"
fi
mkdir -p "$(dirname "$OUT")"
cp "$WORK/table.md" "$OUT"
log "done in $(( $(date +%s) - T_START )) s; results in $OUT"
cat "$WORK/table.md"
