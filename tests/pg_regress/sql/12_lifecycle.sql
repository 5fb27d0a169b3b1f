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
