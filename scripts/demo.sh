#!/usr/bin/env bash
# `make demo`: a throwaway cluster with the guide's multi-tenant database, then what
# rls_fixer does to it, in one screen per step.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/defaults.sh
. scripts/defaults.sh
PORT="${DEMO_PORT:-$(rls_port 54329)}"
RUN="$RLS_FIXER_RUN"
SOCK="$RUN/demo/sock"
bash scripts/cluster.sh start demo "$PORT" >/dev/null
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS demo WITH (FORCE)" -c "CREATE DATABASE demo"
"${PSQL[@]}" -d demo -c "CREATE EXTENSION rls_fixer" >/dev/null
"${PSQL[@]}" -d demo -f examples/demo/schema.sql >/dev/null 2>&1

h() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }

h "1. rls_audit(): what leaks (one row per weakness)"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT severity, check_name, object_type, object_name FROM rls_audit()"

h "1b. rls_verify(): the same leaks, proven live as the app role (every probe rolled back)"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT object_name, probe, passed, detail FROM rls_verify() WHERE passed IS DISTINCT FROM true"

h "2. rls_fix(true): the plan, nothing changed (dry run is the default)"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT step, check_name, object_name, statement FROM rls_fix(true)"

h "3. rls_fix(false): applied atomically, recorded in rls_fixer.fix_run"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT step, object_name, applied FROM rls_fix(false)" \
  -c "SELECT run_id, dry_run, statement_count, session_user_name FROM rls_fixer.fix_run ORDER BY run_id"

h "4. The guide's isolation test, as the app role saas_app"
"${PSQL[@]}" -d demo -U saas_app -P pager=off <<'SQL'
SELECT set_tenant_context('tenant1');
SELECT count(*) AS tenant1_rows FROM app.rls_test_table;
SELECT set_tenant_context('tenant2');
SELECT count(*) AS tenant2_rows FROM app.rls_test_table;
SELECT clear_tenant_context();
SELECT count(*) AS rows_without_tenant FROM app.rls_test_table;
SQL

h "4b. rls_verify() after the fix: every probe passes"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT count(*) FILTER (WHERE passed) AS passed, count(*) FILTER (WHERE NOT passed) AS failed, count(*) FILTER (WHERE passed IS NULL) AS not_run FROM rls_verify()"

h "5. rls_audit() again: no errors left, only what needs a human"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT severity, check_name, object_name, fix_sql FROM rls_audit()"

h "6. rls_fix(true) again: nothing to do"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT count(*) AS statements_left FROM rls_fix(true)"

h "7. rls_undo(): the last run, reverted atomically (then re-applied to leave the demo fixed)"
"${PSQL[@]}" -d demo -P pager=off -c "SELECT step, object_name, statement FROM rls_undo()" \
  -c "SELECT count(*) FILTER (WHERE severity = 'error') AS errors_after_undo FROM rls_audit()" \
  -c "SELECT count(*) AS reapplied FROM rls_fix(false)"

cat <<MSG

The demo cluster is still running:
  connect:  psql -h $SOCK -p $PORT -U postgres demo        (app role: -U saas_app)
  stop:     make demo-stop
MSG
