-- The demo database (examples/demo/schema.sql): audit, dry run, apply, the guide's isolation
-- test as the app role, a clean audit, idempotence, undo. Pins what `make demo` shows.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;  -- 06_new_tables covers the event trigger
SET client_min_messages = warning;
\i examples/demo/schema.sql
RESET client_min_messages;
\set QUIET off
SET rls_fixer.schemas = 'app';
SELECT severity, check_name, object_type, object_name, fix_sql FROM rls_audit();
SELECT jsonb_pretty((rls_audit_json() -> 'summary') - 'server_version_num');
-- dry run: plan only, nothing changes
SELECT step, check_name, object_name, statement, applied FROM rls_fix();
SELECT count(*) AS tables_with_rls FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relrowsecurity;
-- apply
SELECT step, object_name, applied FROM rls_fix(false);
SELECT run_id, dry_run, statement_count, finished_at IS NOT NULL AS finished FROM rls_fixer.fix_run ORDER BY run_id;
-- the guide's isolation test, as the app role
SET ROLE saas_app;
SELECT set_tenant_context('tenant1');
SELECT count(*) AS tenant1_rows FROM app.rls_test_table;
SELECT tenant_id, total FROM app.order_totals;
SELECT count(*) AS partition_rows FROM app.events_2026;
SELECT set_tenant_context('tenant2');
SELECT count(*) AS tenant2_rows FROM app.rls_test_table;
-- a write for another tenant is rejected
INSERT INTO app.rls_test_table (tenant_id, note) VALUES ('tenant1', 'sneaky');
SELECT clear_tenant_context();
SELECT count(*) AS rows_without_tenant FROM app.rls_test_table;
INSERT INTO app.rls_test_table (tenant_id, note) VALUES ('tenant1', 'orphan');
RESET ROLE;
-- what is left needs a human
SELECT severity, check_name, object_name FROM rls_audit();
-- idempotent
SELECT count(*) AS statements_left FROM rls_fix(true);
-- undo the applied run (the last one not undone)
SELECT step, object_name, statement FROM rls_undo();
SELECT count(*) FILTER (WHERE severity = 'error') AS errors_after_undo FROM rls_audit();
SELECT rls_undo();
\echo :LAST_ERROR_SQLSTATE
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
