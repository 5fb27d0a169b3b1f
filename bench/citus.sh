#!/usr/bin/env bash
# bench/citus.sh: rls_fixer on a 3-node Citus cluster (coordinator + 2 workers, scripts/citus.sh),
# rows for BENCHMARKS.md. BENCH_SMOKE=1: toy sizes, one 1 s run each (about a minute, mostly
# starting the cluster); full: several minutes on 2 cores, most of it creating 32,000 shards.
#
#   1. audit time with BENCH_TABLES distributed tenant tables x BENCH_SHARDS shards (a third
#      without RLS, a third with RLS and no policy, a third with a policy but not FORCEd), with
#      and without the per-node shard summary; the batched fix through Citus; the audit after it
#   2. router queries: TPS of the app role under the generated policy with its tenant context
#      (BEGIN; set_tenant_context(id, true); query; COMMIT) vs the superuser with an explicit
#      WHERE tenant_id, for a point lookup and a count; and the policy alone (a multi-shard count
#      over every shard) vs the same count naming the tenant (one shard)
#   3. the per-row cost of the policy form Citus tables get (bare NULLIF(current_setting(…)))
#      against the sub-select form, on a plain table in a database without Citus: unindexed count
#
# Progress on stderr; the markdown table on stdout and in bench/results/citus.md (smoke:
# bench/results/citus-smoke.md). Timings never fail the run. Skips (exit 0) with a message when
# Citus is neither installed nor buildable. Needs rls_fixer installed in PG_CONFIG's tree.
#
# Knobs: BENCH_SMOKE, BENCH_RUNS (3), BENCH_SECONDS (5), BENCH_TABLES (1000), BENCH_SHARDS (32),
# BENCH_ROWS (router table rows, 1000000), BENCH_SEQ_ROWS (plain table rows, 1000000),
# CITUS_BENCH_PORT (coordinator, workers +1 +2; default 54350), BENCH_KEEP=1, BENCH_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE="${BENCH_SMOKE:-0}"
PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config}"
BIN="$("$PG_CONFIG" --bindir)"
export PG_MAJOR PG_CONFIG PATH="$BIN:$PATH"
PGBENCH="$BIN/pgbench"
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
# a cluster of its own (node names are fixed in scripts/citus.sh: a separate run directory)
export RLS_FIXER_RUN="$RUN/citus-bench" CITUS_PORT="${CITUS_BENCH_PORT:-54350}"
CLIENTS=2
if [ "$SMOKE" = 1 ]; then
  RUNS="${BENCH_RUNS:-1}"; SECS="${BENCH_SECONDS:-1}"; TABLES="${BENCH_TABLES:-30}"; SHARDS="${BENCH_SHARDS:-4}"
  ROWS="${BENCH_ROWS:-10000}"; SEQ_ROWS="${BENCH_SEQ_ROWS:-20000}"; OUT="${BENCH_OUT:-bench/results/citus-smoke.md}"; MODE=smoke
else
  RUNS="${BENCH_RUNS:-3}"; SECS="${BENCH_SECONDS:-5}"; TABLES="${BENCH_TABLES:-1000}"; SHARDS="${BENCH_SHARDS:-32}"
  ROWS="${BENCH_ROWS:-1000000}"; SEQ_ROWS="${BENCH_SEQ_ROWS:-1000000}"; OUT="${BENCH_OUT:-bench/results/citus.md}"; MODE=full
fi
KMAX=$(( ROWS / 100 - 1 ))     # t42 owns ids 41 + 100 k, k = 0 .. KMAX
SEQ_KMAX=$(( SEQ_ROWS / 100 - 1 ))

WORK="$(mktemp -d /tmp/rls_fixer-citus-bench.XXXXXX)"
chmod 755 "$WORK"
LOG="$WORK/bench.log"
T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log() { printf '[citus-bench %s +%ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - T_START ))" "$*" >&2; }
die() { log "ERROR: $*"; [ -s "$LOG" ] && { echo "--- last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2; }; exit 1; }

rc=0; bash scripts/citus.sh build >>"$LOG" 2>&1 || rc=$?
if [ "$rc" = 3 ]; then
  echo "SKIP: Citus is not installed in $("$PG_CONFIG" --pkglibdir) and its source archive is absent; no Citus benchmark" >&2
  rm -rf "$WORK"; exit 0
fi
[ "$rc" = 0 ] || die "building Citus failed (see $LOG)"
[ -f "$("$PG_CONFIG" --sharedir)/extension/rls_fixer.control" ] || die "rls_fixer is not installed in $("$PG_CONFIG" --sharedir)"

cleanup() {
  local rc=$?
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "BENCH_KEEP=1: cluster left running ($(bash scripts/citus.sh env coord))"
  else
    bash scripts/citus.sh destroy >/dev/null 2>&1 || true
  fi
  if [ $rc -eq 0 ]; then rm -rf "$WORK"; else log "work files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'log "FAILED (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

log "mode $MODE: $TABLES tables x $SHARDS shards, $ROWS router rows, $SEQ_ROWS plain rows, $RUNS run(s), pgbench -T $SECS -c $CLIENTS"
bash scripts/citus.sh destroy >/dev/null 2>&1 || true
bash scripts/citus.sh start >>"$LOG" 2>&1 || die "starting the cluster failed"
export PGHOST="$RLS_FIXER_RUN/citus-coord/sock" PGPORT="$CITUS_PORT" PGUSER=postgres PGDATABASE=rls_citus
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
q() { "${PSQL[@]}" -At "$@" 2>>"$LOG"; }

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) exit 1; if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
fmt_ms() { awk -v v="$1" 'BEGIN {if (v < 10) printf "%.2f ms", v; else if (v < 100) printf "%.1f ms", v; else {s = sprintf("%.0f", v); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s " ms"}}'; }
fmt_n() { awk -v v="$1" 'BEGIN {s = sprintf("%.0f", v); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.2f", a / b}'; }
tps_fmt() { printf '%s tps' "$(fmt_n "$1")"; }

# time_sql DB SQL...: the \timing of the last statement, in a fresh session, in ms
time_sql() {
  local db="$1" out; shift
  local args=(-c '\timing on'); for s in "$@"; do args+=(-c "$s"); done
  out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "${args[@]}" 2>>"$LOG") || die "query failed on $db: $*"
  awk '/^Time: /{t=$2} END {if (t == "") exit 1; print t}' <<<"$out"
}
times_sql() {
  local i; TIMES=()
  for ((i = 1; i <= RUNS; i++)); do TIMES+=("$(time_sql "$@")"); done
  MED=$(median "${TIMES[@]}")
}
# pgbench_tps USER DB SCRIPT: TPS without connection time; any failed transaction fails the run
pgbench_tps() {
  local out tps
  out=$("$PGBENCH" -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" -U "$1" -D kmax="$KMAX" -D seqkmax="$SEQ_KMAX" \
        -f "$WORK/$3" "$2" 2>&1) || { echo "$out" >>"$LOG"; die "pgbench $3 as $1 failed"; }
  echo "$out" >>"$LOG"
  if grep -Eq '^number of failed transactions: [1-9]' <<<"$out"; then die "pgbench $3 had failed transactions"; fi
  tps=$(awk '/^tps = .*without initial connection time/ {print $3}' <<<"$out")
  [ -n "$tps" ] || die "no tps in pgbench output for $3"
  echo "$tps"
}
# ab_tps USER_A DB SCRIPT_A USER_B SCRIPT_B: interleaved runs, medians in TPS_A / TPS_B
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
row() { ROWS_MD+=("| $1 | $2 | $3 | $4 |"); }

q -c "CREATE EXTENSION rls_fixer" -c "ALTER DATABASE rls_citus SET rls_fixer.on_new_tenant_table = off" \
  || die "CREATE EXTENSION rls_fixer failed"
q -c "CREATE ROLE bench_app LOGIN" || die "CREATE ROLE failed"

# ---------------------------------------------------------------- 1. audit at TABLES x SHARDS
log "creating $TABLES distributed tables x $SHARDS shards"
t0=$(date +%s)
{
  echo "SET citus.shard_count = $SHARDS;"
  echo "SET client_min_messages = warning;"
  for ((i = 1; i <= TABLES; i++)); do
    t=$(printf 't_%05d' "$i")
    echo "CREATE TABLE $t (tenant_id text NOT NULL, id bigint NOT NULL, payload text, PRIMARY KEY (tenant_id, id));"
    if (( i == 1 )); then echo "SELECT create_distributed_table('$t', 'tenant_id');"
    else echo "SELECT create_distributed_table('$t', 'tenant_id', colocate_with := 't_00001');"; fi
    case $(( i % 3 )) in
      1) echo "ALTER TABLE $t ENABLE ROW LEVEL SECURITY;" ;;
      2) echo "ALTER TABLE $t ENABLE ROW LEVEL SECURITY;"
         echo "CREATE POLICY iso ON $t USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));" ;;
    esac
  done
  echo "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bench_app;"
} >"$WORK/tables.sql"
"${PSQL[@]}" -f "$WORK/tables.sql" >>"$LOG" 2>&1 || die "creating the tables failed"
# table by table, each in its own transaction: one database-wide ANALYZE holds a lock on every
# shard of a worker at once (32,000 shards: "out of shared memory" with the default lock table)
{ for ((i = 1; i <= TABLES; i++)); do printf 'ANALYZE t_%05d;\n' "$i"; done
  q -c "SELECT format('ANALYZE pg_catalog.%I;', relname) FROM pg_catalog.pg_class
         WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r'"
} >"$WORK/analyze.sql"
"${PSQL[@]}" -f "$WORK/analyze.sql" >>"$LOG" 2>&1 || die "ANALYZE failed"
NSHARDS=$(q -c "SELECT count(*) FROM pg_dist_shard")
log "  $NSHARDS shards in $(( $(date +%s) - t0 )) s"
FINDINGS=$(q -c "SELECT string_agg(check_name || ' ' || n, ', ' ORDER BY check_name) FROM (SELECT check_name, count(*) n FROM rls_audit() WHERE severity <> 'info' GROUP BY 1) s")
log "  findings: $FINDINGS"
AUDIT_SQL="SELECT count(*) FROM rls_audit()"
log "audit ($RUNS fresh sessions), with the shard summary from every node"
times_sql rls_citus "$AUDIT_SQL"; AUDIT_MS=$MED; log "  ${TIMES[*]} ms"
log "audit without the shard summary (a transaction that has written skips it)"
times_sql rls_citus "BEGIN" "SELECT pg_current_xact_id()" "$AUDIT_SQL"; AUDIT_NOSHARD_MS=$MED; log "  ${TIMES[*]} ms"
log "fix: CALL rls_fix_batched(500)"
FIX_MS=$(time_sql rls_citus "CALL rls_fix_batched(500)")
FIX_STMTS=$(q -c "SELECT sum(statement_count) FROM rls_fixer.fix_run WHERE NOT dry_run")
LEFT=$(q -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error'")
log "  $FIX_STMTS statements in $FIX_MS ms; error findings left: $LEFT"
[ "$LEFT" = 0 ] || die "errors left after the fix: $LEFT"
times_sql rls_citus "$AUDIT_SQL"; AUDIT_FIXED_MS=$MED; log "  audit after the fix: ${TIMES[*]} ms"

# ---------------------------------------------------------------- 2. router queries
log "router table: $ROWS rows, 100 tenants, $SHARDS shards"
q -c "SET citus.shard_count = $SHARDS" \
  -c "CREATE TABLE rorders (tenant_id text NOT NULL, id bigint NOT NULL, amount int, PRIMARY KEY (tenant_id, id))" \
  -c "SELECT create_distributed_table('rorders', 'tenant_id')" \
  -c "INSERT INTO rorders SELECT 't' || (g % 100 + 1), g, g % 1000 FROM generate_series(0, $ROWS - 1) g" \
  -c "GRANT SELECT ON rorders TO bench_app" -c "ANALYZE rorders" >/dev/null || die "router table failed"
q -c "SELECT count(*) FROM rls_fix(false)" >/dev/null || die "rls_fix on rorders failed"
check=$(q -c "BEGIN" -c "SELECT set_tenant_context('t42', true)" -c "SELECT count(*) FROM rorders" -c "COMMIT" -U bench_app | tail -n1)
[ "$check" = $(( ROWS / 100 )) ] || die "bench_app sees $check rows of t42, expected $(( ROWS / 100 ))"
cat >"$WORK/point_rls.sql" <<'EOF'
\set id 41 + 100 * random(0, :kmax)
BEGIN;
SELECT set_tenant_context('t42', true);
SELECT amount FROM public.rorders WHERE tenant_id = 't42' AND id = :id;
COMMIT;
EOF
cat >"$WORK/point_ref.sql" <<'EOF'
\set id 41 + 100 * random(0, :kmax)
BEGIN;
SELECT set_config('app.current_tenant_id', 't42', true);
SELECT amount FROM public.rorders WHERE tenant_id = 't42' AND id = :id;
COMMIT;
EOF
cat >"$WORK/count_rls.sql" <<'EOF'
BEGIN;
SELECT set_tenant_context('t42', true);
SELECT count(*) FROM public.rorders WHERE tenant_id = 't42';
COMMIT;
EOF
cat >"$WORK/count_ref.sql" <<'EOF'
BEGIN;
SELECT set_config('app.current_tenant_id', 't42', true);
SELECT count(*) FROM public.rorders WHERE tenant_id = 't42';
COMMIT;
EOF
cat >"$WORK/count_policy_only.sql" <<'EOF'
BEGIN;
SELECT set_tenant_context('t42', true);
SELECT count(*) FROM public.rorders;
COMMIT;
EOF
q -U bench_app -c "BEGIN" -c "SELECT set_tenant_context('t42', true)" \
  -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM public.rorders WHERE tenant_id = 't42'" \
  -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM public.rorders" -c "COMMIT" >"$WORK/explain.txt" || die "EXPLAIN failed"
TASKS=$(grep -o 'Task Count: [0-9]*' "$WORK/explain.txt" | awk '{print $3}' | paste -sd/)
log "  task counts (WHERE tenant_id / policy only): $TASKS"
log "pgbench point lookup: bench_app with context vs superuser with WHERE ($RUNS x ${SECS}s)"
ab_tps bench_app rls_citus point_rls.sql postgres point_ref.sql; P_OURS=$TPS_A; P_REF=$TPS_B
log "pgbench count of t42"
ab_tps bench_app rls_citus count_rls.sql postgres count_ref.sql; C_OURS=$TPS_A; C_REF=$TPS_B
log "pgbench count of t42, policy only (multi-shard) vs naming the tenant (router)"
ab_tps bench_app rls_citus count_policy_only.sql bench_app count_rls.sql; M_OURS=$TPS_A; M_ROUTER=$TPS_B

# ---------------------------------------------------------------- 3. per-row cost, plain table
log "plain table ($SEQ_ROWS rows, no index, a database without Citus): bare vs sub-select policy"
q -d postgres -c "CREATE DATABASE plain" >/dev/null || die "CREATE DATABASE plain failed"
q -d plain -c "CREATE EXTENSION rls_fixer" -c "GRANT CONNECT ON DATABASE plain TO bench_app" \
  -c "CREATE TABLE seq_sub (tenant_id text NOT NULL, id bigint NOT NULL, amount int)" \
  -c "INSERT INTO seq_sub SELECT 't' || (g % 100 + 1), g, g % 1000 FROM generate_series(0, $SEQ_ROWS - 1) g" \
  -c "CREATE TABLE seq_bare AS SELECT * FROM seq_sub" \
  -c "CREATE POLICY p ON seq_sub USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))" \
  -c "CREATE POLICY p ON seq_bare USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))" \
  -c "ALTER TABLE seq_sub ENABLE ROW LEVEL SECURITY" -c "ALTER TABLE seq_bare ENABLE ROW LEVEL SECURITY" \
  -c "CREATE TABLE idx_sub AS SELECT * FROM seq_sub" -c "CREATE TABLE idx_bare AS SELECT * FROM seq_sub" \
  -c "CREATE INDEX ON idx_sub (tenant_id)" -c "CREATE INDEX ON idx_bare (tenant_id)" \
  -c "CREATE POLICY p ON idx_sub USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))" \
  -c "CREATE POLICY p ON idx_bare USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))" \
  -c "ALTER TABLE idx_sub ENABLE ROW LEVEL SECURITY" -c "ALTER TABLE idx_bare ENABLE ROW LEVEL SECURITY" \
  -c "GRANT SELECT ON seq_sub, seq_bare, idx_sub, idx_bare TO bench_app" -c "VACUUM ANALYZE" >/dev/null \
  || die "plain tables failed"
for t in seq_sub seq_bare idx_sub idx_bare; do
  printf "SELECT set_tenant_context('t42');\nSELECT count(*) FROM public.%s;\n" "$t" >"$WORK/$t.sql"
done
ab_tps bench_app plain seq_bare.sql bench_app seq_sub.sql; S_BARE=$TPS_A; S_SUB=$TPS_B
ab_tps bench_app plain idx_bare.sql bench_app idx_sub.sql; I_BARE=$TPS_A; I_SUB=$TPS_B

# ---------------------------------------------------------------- the table
row "audit, $(fmt_n "$TABLES") distributed tenant tables x $SHARDS shards ($(fmt_n "$NSHARDS") shards on 2 workers): \`$AUDIT_SQL\`, shard summary from every node included" \
    "$(fmt_ms "$AUDIT_MS")" "$(fmt_ms "$AUDIT_NOSHARD_MS") without the shard summary (catalog snapshot and checks only)" "$(ratio "$AUDIT_MS" "$AUDIT_NOSHARD_MS")x"
row "fix through Citus (2PC, every shard): \`CALL rls_fix_batched(500)\`, $(fmt_n "$FIX_STMTS") statements" \
    "$(awk -v v="$FIX_MS" 'BEGIN {printf "%.2f s", v / 1000}')" "-" "-"
row "audit after the fix ($(fmt_n "$TABLES") tables compliant)" "$(fmt_ms "$AUDIT_FIXED_MS")" "-" "-"
row "router point lookup of a t42 row (task count 1): app role, \`BEGIN; set_tenant_context('t42', true); … WHERE tenant_id = 't42' AND id = :id; COMMIT\` vs superuser (no RLS), the same with \`set_config(…, true)\` (not propagated)" \
    "$(tps_fmt "$P_OURS")" "$(tps_fmt "$P_REF")" "$(ratio "$P_REF" "$P_OURS")x (ref/ours)"
row "router count of t42 ($(fmt_n $(( ROWS / 100 ))) of $(fmt_n "$ROWS") rows): app role with context and WHERE tenant_id vs superuser with WHERE tenant_id" \
    "$(tps_fmt "$C_OURS")" "$(tps_fmt "$C_REF")" "$(ratio "$C_REF" "$C_OURS")x (ref/ours)"
row "count of t42 by the policy alone (task counts WHERE/policy only: $TASKS) vs naming the tenant (router), both as the app role" \
    "$(tps_fmt "$M_OURS")" "$(tps_fmt "$M_ROUTER") (router)" "$(ratio "$M_ROUTER" "$M_OURS")x (router/multi-shard)"
row "per-row cost of the bare policy form (Citus tables) vs the sub-select form: unindexed count(*) of t42 on $(fmt_n "$SEQ_ROWS") rows, plain PostgreSQL" \
    "$(tps_fmt "$S_BARE") (bare)" "$(tps_fmt "$S_SUB") (sub-select)" "$(ratio "$S_SUB" "$S_BARE")x (sub-select/bare)"
row "the same with an index on tenant_id (the policy's value is an index key, computed once per scan)" \
    "$(tps_fmt "$I_BARE") (bare)" "$(tps_fmt "$I_SUB") (sub-select)" "$(ratio "$I_SUB" "$I_BARE")x (sub-select/bare)"
{
  echo "## rls_fixer on Citus ($MODE mode)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); PostgreSQL $(q -c 'SHOW server_version'); Citus $(q -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'"); rls_fixer $(q -c "SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer'"); 3 nodes on one machine;" \
       "$(nproc) cores, load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; medians of $RUNS run(s);" \
       "pgbench -n -c $CLIENTS -j $CLIENTS -T $SECS (simple protocol); findings before the fix: $FINDINGS."
  echo
  echo "| scenario | ours | reference (same run) | ratio |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${ROWS_MD[@]}"
  echo
  echo "Total bench time $(( $(date +%s) - T_START )) s."
} >"$WORK/table.md"
mkdir -p "$(dirname "$OUT")"
cp "$WORK/table.md" "$OUT"
log "done; results in $OUT"
cat "$WORK/table.md"
