-- rls_perf_report() where pg_stat_statements is not available (this cluster does not preload
-- it; tests/integration/test_perf.py has the cluster that does), its privileges, and the
-- snapshot table. In a database of its own, so run ids start at 1.
CREATE DATABASE rls_perf_regress;
\c rls_perf_regress
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE EXTENSION rls_fixer;
CREATE SCHEMA perf;
CREATE TABLE perf.orders (id int, tenant_id text NOT NULL);
SET rls_fixer.schemas = 'perf';
\set QUIET off
-- neither loaded nor installed: a NOTICE says both steps, and no rows
SELECT * FROM rls_perf_report();
-- installed, not loaded
CREATE EXTENSION pg_stat_statements;
SELECT count(*) FROM rls_perf_report();
-- a placeholder setting makes it look loaded: the call fails (55000) and is caught
SET pg_stat_statements.max = '100';
SELECT count(*) FROM rls_perf_report();
-- the fix still applies; recording its snapshot failed, which only warns
SELECT step, object_name, applied FROM rls_fix(false);
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'perf.orders'::regclass;
SELECT count(*) FROM rls_fixer.perf_snapshot;
RESET pg_stat_statements.max;
-- since_run must be an applied run: 1 is, 2 (a dry run) and 99 are not
SELECT count(*) FROM rls_fix(true);
SELECT count(*) FROM rls_perf_report(1);
SELECT * FROM rls_perf_report(2);
SELECT * FROM rls_perf_report(99);
-- who may call it: superusers and admins, not PUBLIC; the snapshots are the extension's alone
CREATE ROLE perf_regress_admin LOGIN;
SELECT rls_fixer.grant_admin('perf_regress_admin');
SELECT r AS role,
       has_function_privilege(r, 'rls_perf_report(bigint)', 'EXECUTE') AS report,
       has_table_privilege(r, 'rls_fixer.perf_snapshot', 'SELECT') AS read_snapshots,
       has_table_privilege(r, 'rls_fixer.perf_snapshot', 'INSERT, UPDATE, DELETE') AS write_snapshots
  FROM unnest(ARRAY['public', 'perf_regress_admin']) r;
SET ROLE perf_regress_admin;
SELECT count(*) FROM rls_perf_report();
SELECT * FROM rls_fixer.perf_snapshot;
INSERT INTO rls_fixer.perf_snapshot VALUES (1, 10, 1, 1, 1, 1, 1);
RESET ROLE;
-- kept in pg_dump output like the other history tables
SELECT c.relname
  FROM pg_extension e, unnest(e.extconfig) x JOIN pg_class c ON c.oid = x
 WHERE e.extname = 'rls_fixer'
 ORDER BY 1;
\c rls_regress
DROP DATABASE rls_perf_regress;
DROP ROLE perf_regress_admin;
