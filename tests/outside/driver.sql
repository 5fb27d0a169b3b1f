-- Audit, fix, verify and undo PostgreSQL's own rowsecurity.sql schema with one of its columns as
-- the tenant column (psql variable :col, app role :app). No internal error, no crash, the fix
-- idempotent, the undo exact.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET rls_fixer.tenant_column = :'col';
SET rls_fixer.app_roles = :'app';
SET rls_fixer.schemas = 'regress_rls_schema';
\echo === tenant column :col, app role :app
SELECT count(*) FILTER (WHERE severity = 'error') AS errors, count(*) FILTER (WHERE severity = 'warning') AS warnings,
       count(*) FILTER (WHERE severity = 'info') AS infos
  FROM rls_audit();
SELECT severity, check_name, object_name FROM rls_audit() ORDER BY 1, 2, 3;
CREATE TEMP TABLE before AS
SELECT c.oid::regclass::text AS rel, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT string_agg(p.polname || ':' || p.polcmd::text || ':' || p.polpermissive || ':' ||
                          coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ':' ||
                          coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''), ' | ' ORDER BY p.polname)
          FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
  FROM pg_class c WHERE c.relnamespace = 'regress_rls_schema'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm');
SELECT count(*) AS planned FROM rls_fix(true);
SELECT count(*) AS applied FROM rls_fix(false);
-- idempotent: nothing left to do, no error-level finding the fix could fix
SELECT count(*) AS planned_again FROM rls_fix(true);
SELECT check_name, count(*) AS errors_left FROM rls_audit() WHERE severity = 'error' GROUP BY 1 ORDER BY 1;
-- isolation proven live as the app role (per probe: passed / failed / not run)
SELECT probe, passed, count(*) FROM rls_verify(as_role => :'app') GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS undone FROM rls_undo();
SELECT count(*) AS differs_after_undo FROM (
  SELECT c.oid::regclass::text AS rel, c.relrowsecurity, c.relforcerowsecurity,
         (SELECT string_agg(p.polname || ':' || p.polcmd::text || ':' || p.polpermissive || ':' ||
                            coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ':' ||
                            coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''), ' | ' ORDER BY p.polname)
            FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
    FROM pg_class c WHERE c.relnamespace = 'regress_rls_schema'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
  EXCEPT SELECT * FROM before) d;
DROP TABLE before;
