-- One instance of each weakness, planted in schema chk: every check fires exactly where
-- planted (tables without the tenant column are only ever table_skipped).
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;  -- 06_new_tables covers the event trigger
CREATE ROLE chk_app LOGIN;
CREATE ROLE chk_bypass LOGIN BYPASSRLS;
CREATE ROLE chk_super LOGIN SUPERUSER;
CREATE ROLE chk_owner_group NOLOGIN;
CREATE ROLE chk_member LOGIN IN ROLE chk_owner_group;
CREATE ROLE chk_owner LOGIN;
CREATE SCHEMA chk;
-- a protected tenant table: the control, no finding
CREATE TABLE chk.t_ok (tenant_id text NOT NULL, v int);
CREATE INDEX ON chk.t_ok (tenant_id);
ALTER TABLE chk.t_ok ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_ok USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
-- the same shape for the others, then one weakness each
CREATE TABLE chk.t_disabled (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_disabled FORCE ROW LEVEL SECURITY;
CREATE TABLE chk.t_unforced (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_unforced ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_unforced USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk.t_nopolicy (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_nopolicy ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE TABLE chk.plain_dormant (id int);
CREATE POLICY p ON chk.plain_dormant USING (true);
CREATE TABLE chk.t_permissive (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_permissive ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_permissive USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY everyone_reads ON chk.t_permissive FOR SELECT USING (true);
CREATE TABLE chk.t_failopen (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_failopen ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_failopen
  USING (current_setting('app.current_tenant_id', true) IS NULL OR tenant_id = current_setting('app.current_tenant_id', true));
CREATE TABLE chk.t_writeopen (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_writeopen ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_writeopen
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (true);
CREATE TABLE chk.t_mismatch (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_mismatch ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_mismatch USING (tenant_id = NULLIF(current_setting('app.tenant', true), ''));
CREATE TABLE chk.t_cast (tenant_id int NOT NULL, v int);
CREATE INDEX ON chk.t_cast (tenant_id);
ALTER TABLE chk.t_cast ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_cast USING (tenant_id::text = current_setting('app.current_tenant_id', true));
CREATE TABLE chk.t_uuid (tenant_id uuid NOT NULL, v int);
CREATE INDEX ON chk.t_uuid (tenant_id);
ALTER TABLE chk.t_uuid ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_uuid USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE TABLE chk.t_noindex (tenant_id text NOT NULL, v int);
ALTER TABLE chk.t_noindex ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_noindex USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk.t_nullable (tenant_id text, v int);
CREATE INDEX ON chk.t_nullable (tenant_id);
ALTER TABLE chk.t_nullable ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_nullable USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
-- partitions and inheritance children queried directly
CREATE TABLE chk.parted (tenant_id text NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE INDEX ON chk.parted (tenant_id);
ALTER TABLE chk.parted ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.parted USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk.parted_2026 PARTITION OF chk.parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE chk.legacy (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.legacy ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.legacy USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk.legacy_child () INHERITS (chk.legacy);
CREATE INDEX ON chk.legacy_child (tenant_id);
-- views and materialized views
CREATE VIEW chk.v_owner AS SELECT tenant_id, v FROM chk.t_ok;
CREATE VIEW chk.v_invoker WITH (security_invoker = true) AS SELECT tenant_id, v FROM chk.t_ok;
CREATE MATERIALIZED VIEW chk.mv AS SELECT tenant_id, count(*) FROM chk.t_ok GROUP BY 1;
-- SECURITY DEFINER functions
CREATE FUNCTION chk.peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  AS 'SELECT count(*) FROM chk.t_ok';
CREATE FUNCTION chk.helper() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
-- constraints
CREATE TABLE chk.t_uq (tenant_id text NOT NULL, code text UNIQUE);
CREATE INDEX ON chk.t_uq (tenant_id);
ALTER TABLE chk.t_uq ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_uq USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk.ref_plain (id int, code text REFERENCES chk.t_uq (code));
-- ownership by app roles
CREATE TABLE chk.t_owned (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_owned ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_owned USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
ALTER TABLE chk.t_owned OWNER TO chk_owner;
CREATE TABLE chk.t_group (LIKE chk.t_ok INCLUDING INDEXES);
ALTER TABLE chk.t_group ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk.t_group USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
ALTER TABLE chk.t_group OWNER TO chk_owner_group;
GRANT USAGE ON SCHEMA chk TO chk_app, chk_bypass, chk_member;
GRANT SELECT, INSERT, UPDATE, DELETE ON chk.t_ok TO chk_app, chk_bypass, chk_member;
GRANT SELECT ON chk.t_ok TO chk_super;
GRANT SELECT ON chk.mv TO chk_app;
\set QUIET off
SET rls_fixer.schemas = 'chk';
SELECT severity, check_name, object_type, object_name FROM rls_audit();
-- each check, how often
SELECT check_name, count(*) FROM rls_audit() GROUP BY 1 ORDER BY 1;
-- what the details and fixes say, for a few
SELECT check_name, object_name, detail, fix_sql FROM rls_audit()
 WHERE check_name IN ('policy_fail_open', 'partition_unprotected', 'role_can_assume_bypass', 'policy_errors_without_tenant');
-- with an explicit app role list only that role is judged
SET rls_fixer.app_roles = 'chk_app';
SELECT check_name, object_name FROM rls_audit() WHERE object_type = 'role' OR check_name LIKE 'role%';
-- bad settings: SQLSTATE 22023 naming the setting
SET rls_fixer.app_roles = 'chk_app, nobody_here';
SELECT count(*) FROM rls_audit();
\echo :LAST_ERROR_SQLSTATE
RESET rls_fixer.app_roles;
SET rls_fixer.bypass_roles = 'ghost';
SELECT count(*) FROM rls_audit();
RESET rls_fixer.bypass_roles;
SET rls_fixer.tenant_column = '';
SELECT count(*) FROM rls_audit();
\echo :LAST_ERROR_SQLSTATE
RESET rls_fixer.tenant_column;
SET rls_fixer.tenant_setting = 'nodot';
SELECT count(*) FROM rls_audit();
RESET rls_fixer.tenant_setting;
-- the audit is read-only and works for a non-superuser
SET ROLE chk_app;
SELECT count(*) > 0 AS audit_works_for_app_role FROM rls_audit();
SELECT count(*) FROM rls_fix(true);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
