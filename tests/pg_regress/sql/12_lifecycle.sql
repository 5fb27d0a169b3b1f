-- Lifecycle: what FORCE does to the objects the table owner owns (materialized views, views,
-- SECURITY DEFINER functions), named before the fix (dry-run WARNINGs, audit) and after it.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE ROLE life_owner NOLOGIN;
CREATE ROLE life_app LOGIN;
CREATE ROLE life_reporting NOLOGIN BYPASSRLS;
CREATE SCHEMA life AUTHORIZATION life_owner;
GRANT USAGE ON SCHEMA life TO life_app;
SET ROLE life_owner;
CREATE TABLE life.hr_employee (id int, tenant_id text NOT NULL, name text);
CREATE INDEX ON life.hr_employee (tenant_id);
INSERT INTO life.hr_employee VALUES (1, 'a', 'Ann'), (2, 'b', 'Bob');
GRANT SELECT, INSERT, UPDATE, DELETE ON life.hr_employee TO life_app;
GRANT SELECT ON life.hr_employee TO life_reporting;
CREATE MATERIALIZED VIEW life.headcount AS SELECT tenant_id, count(*) AS n FROM life.hr_employee GROUP BY tenant_id;
CREATE FUNCTION life.total_staff() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp BEGIN ATOMIC SELECT count(*) FROM life.hr_employee; END;
REVOKE ALL ON FUNCTION life.total_staff() FROM PUBLIC;
RESET ROLE;
SET rls_fixer.schemas = 'life';
SET rls_fixer.app_roles = 'life_app';
\set QUIET off
-- before the fix: the audit says what FORCE will do
SELECT check_name, object_type, object_name, detail FROM rls_audit()
 WHERE check_name = 'force_affects_owner_objects' ORDER BY object_name;
-- the dry run names them as WARNINGs
SELECT step, object_name, statement FROM rls_fix(true) ORDER BY step;
SELECT count(*) > 0 AS applied FROM rls_fix(false);
-- what it means: REFRESH runs as the owner, now subject to FORCE; with no tenant it empties
SELECT count(*) AS rows_before_refresh FROM life.headcount;
REFRESH MATERIALIZED VIEW life.headcount;
SELECT count(*) AS rows_after_refresh FROM life.headcount;
SET row_security = off;
REFRESH MATERIALIZED VIEW life.headcount;
RESET row_security;
-- after the fix the audit still reports them; with a reporting role in bypass_roles it
-- suggests that owner, and applying the suggestion clears the finding
SET rls_fixer.bypass_roles = 'life_reporting';
SELECT object_name, fix_sql FROM rls_audit() WHERE check_name = 'force_affects_owner_objects' ORDER BY object_name;
ALTER MATERIALIZED VIEW life.headcount OWNER TO life_reporting;
REFRESH MATERIALIZED VIEW life.headcount;
SELECT count(*) AS rows_after_refresh_as_reporting FROM life.headcount;
SELECT object_name FROM rls_audit() WHERE check_name = 'force_affects_owner_objects' ORDER BY object_name;
RESET rls_fixer.bypass_roles;
-- Waivers: a reviewed finding leaves the counts and rls_fix's plan, stays visible
\set QUIET on
CREATE ROLE life_admin LOGIN;
SELECT rls_fixer.grant_admin('life_admin');
SET ROLE life_owner;
CREATE TABLE life.shared_lookup (tenant_id text, code text);
CREATE TABLE life.gone (tenant_id text);
RESET ROLE;
\set QUIET off
SELECT check_name, object_name FROM rls_audit() WHERE object_name IN ('life.shared_lookup', 'life.gone') ORDER BY 1, 2;
-- bad input: an unknown check, no reason, an expiry in the past, waiving the stale-waiver check
SELECT rls_fixer.waive('no_such_check', 'life.shared_lookup', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT rls_fixer.waive('rls_disabled', 'life.shared_lookup', '  ');
\echo :LAST_ERROR_SQLSTATE
SELECT rls_fixer.waive('rls_disabled', 'life.shared_lookup', 'x', date '2000-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT rls_fixer.waive('waiver_unmatched', 'life.shared_lookup', 'x');
\echo :LAST_ERROR_SQLSTATE
-- the app role and other non-admins cannot waive, nor read the waivers
SET ROLE life_app;
SELECT rls_fixer.waive('rls_disabled', 'life.shared_lookup', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rls_fixer.waiver;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- an admin waives; who and when are recorded
SET ROLE life_admin;
SELECT rls_fixer.waive(check_name, 'life.shared_lookup', 'shared lookup table, same rows for every tenant (ticket SEC-12)')
  FROM (VALUES ('rls_disabled'), ('rls_not_forced'), ('tenant_policy_missing'), ('tenant_index_missing'),
               ('tenant_column_nullable')) c(check_name);
SELECT rls_fixer.waive('rls_disabled', 'life.gone', 'about to be dropped', current_date + 30);
SELECT check_name, object_name, reason, expires - current_date AS days_left, waived_by
  FROM rls_fixer.waiver ORDER BY 1, 2;
-- waived findings are gone from the default audit and counts, visible with include_waived
SELECT check_name, object_name FROM rls_audit() WHERE object_name IN ('life.shared_lookup', 'life.gone') ORDER BY 1, 2;
SELECT check_name, waiver IS NOT NULL AS waived, regexp_replace(waiver, 'on \d{4}-\d\d-\d\d', 'on <today>') AS waiver
  FROM rls_audit(include_waived => true)
 WHERE object_name = 'life.shared_lookup' ORDER BY 1;
SELECT (rls_audit_json() -> 'summary' ->> 'waived')::int AS json_waived,
       jsonb_array_length(rls_audit_json() -> 'waived') AS json_waived_findings,
       rls_audit_json() #>> '{waived,0,waiver,reason}' AS first_reason;
SELECT r ->> 'ruleId' AS rule, r #>> '{suppressions,0,kind}' AS kind, r #>> '{suppressions,0,status}' AS status
  FROM jsonb_array_elements(rls_audit_sarif() #> '{runs,0,results}') r
 WHERE r #>> '{locations,0,logicalLocations,0,fullyQualifiedName}' = 'life.shared_lookup' ORDER BY 1;
-- rls_fix leaves waived findings alone
SELECT object_name, statement FROM rls_fix(true) WHERE object_name IN ('life.shared_lookup', 'life.gone') ORDER BY step;
RESET ROLE;
-- a waiver whose object is gone is reported, with the SQL that removes it
DROP TABLE life.gone;
SELECT check_name, severity, object_name, fix_sql FROM rls_audit() WHERE check_name = 'waiver_unmatched';
SELECT rls_fixer.unwaive('rls_disabled', 'life.gone') AS removed, rls_fixer.unwaive('rls_disabled', 'life.gone') AS again;
-- a waiver for a finding that does not exist yet: NOTICE, kept
SELECT rls_fixer.waive('rls_disabled', 'life.future', 'will be a lookup table');
SELECT rls_fixer.unwaive('rls_disabled', 'life.future');
-- an expired waiver lapses: the finding is back and says so
UPDATE rls_fixer.waiver SET expires = current_date WHERE check_name = 'rls_disabled' AND object_name = 'life.shared_lookup';
SELECT check_name, object_name, detail LIKE '%a waiver expired on%' AS says_expired FROM rls_audit()
 WHERE object_name = 'life.shared_lookup' ORDER BY 1;
-- rls_check counts only what is not waived
SELECT rls_check() AS errors;
\set QUIET on
DELETE FROM rls_fixer.waiver;
DROP TABLE life.shared_lookup;
\set QUIET off
-- Uninstall: DROP EXTENSION is refused while policies call the extension (protected form);
-- prepare_uninstall() rewrites the generated ones into the setting form (a recorded run)
\set QUIET on
SET ROLE life_owner;
CREATE TABLE life.orders (id int, tenant_id text NOT NULL);
CREATE INDEX ON life.orders (tenant_id);
INSERT INTO life.orders VALUES (1, 'a'), (2, 'b');
GRANT SELECT ON life.orders TO life_app;
RESET ROLE;
SET rls_fixer.context_mode = protected;
SELECT count(*) > 0 FROM rls_fix(false);
\set QUIET off
SELECT policyname, qual FROM pg_policies WHERE schemaname = 'life' AND tablename = 'orders';
BEGIN;
DROP EXTENSION rls_fixer;
ROLLBACK;
BEGIN;
DROP EXTENSION rls_fixer CASCADE;
ROLLBACK;
BEGIN;
DROP SCHEMA rls_fixer CASCADE;
ROLLBACK;
-- a non-superuser may not run it
SET ROLE life_admin;
SELECT * FROM rls_fixer.prepare_uninstall();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
BEGIN;
SELECT * FROM rls_fixer.prepare_uninstall();
SELECT policyname, qual FROM pg_policies WHERE schemaname = 'life' AND tablename = 'orders';
-- the app role still sees its tenant's rows only, through the setting
SET ROLE life_app;
SELECT set_config('app.current_tenant_id', 'a', false);
SELECT id, tenant_id FROM life.orders;
RESET ROLE;
SAVEPOINT before_drop;
DROP EXTENSION rls_fixer;
-- RLS, FORCE and the policies stay: the table is as protected as before
SELECT relrowsecurity, relforcerowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = c.oid) AS policies
  FROM pg_class c WHERE oid = 'life.orders'::regclass;
SET ROLE life_app;
SELECT id, tenant_id FROM life.orders;
RESET ROLE;
ROLLBACK TO SAVEPOINT before_drop;
-- rls_undo reverts prepare_uninstall
SELECT max(run_id) AS uninstall_run FROM rls_fixer.fix_run \gset
SELECT step, object_name FROM rls_undo(:uninstall_run);
SELECT policyname, qual FROM pg_policies WHERE schemaname = 'life' AND tablename = 'orders';
ROLLBACK;
RESET rls_fixer.context_mode;
RESET rls_fixer.schemas;
RESET rls_fixer.app_roles;
RESET rls_fixer.on_new_tenant_table;
