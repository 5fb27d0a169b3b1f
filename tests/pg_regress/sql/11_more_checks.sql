-- The checks added for accuracy, one planted instance each in schema chk2 (see 04_checks for
-- the others), and the soundness cases: a floor TO another role, a char(n) cast that
-- truncates, a policy on another setting.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE ROLE chk2_app LOGIN;
CREATE ROLE chk2_admin NOLOGIN;
CREATE SCHEMA chk2;
GRANT USAGE ON SCHEMA chk2 TO chk2_app;
-- a protected tenant table with everything right: the control
CREATE TABLE chk2.ok (tenant_id text NOT NULL, v int);
CREATE INDEX ON chk2.ok (tenant_id);
ALTER TABLE chk2.ok ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.ok USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
-- UPDATE may move rows to another tenant
CREATE TABLE chk2.moves (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.moves ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY sel ON chk2.moves FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY ins ON chk2.moves FOR INSERT WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY del ON chk2.moves FOR DELETE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY upd ON chk2.moves FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (true);
-- a policy deciding from a membership table the app can write, one from a table without RLS,
-- and two tables whose policies read each other
-- (their column is org, not tenant_id: they are lookup tables, not tenant tables)
CREATE TABLE chk2.members (user_name text, org text);
CREATE TABLE chk2.directory (user_name text, org text);
CREATE TABLE chk2.by_membership (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.by_membership ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.by_membership USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY member ON chk2.by_membership FOR SELECT
  USING (tenant_id IN (SELECT m.org FROM chk2.members m WHERE m.user_name = current_user));
CREATE TABLE chk2.by_directory (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.by_directory ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.by_directory USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY listed ON chk2.by_directory FOR SELECT
  USING (tenant_id IN (SELECT d.org FROM chk2.directory d WHERE d.user_name = current_user));
CREATE TABLE chk2.ping (LIKE chk2.ok INCLUDING INDEXES);
CREATE TABLE chk2.pong (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.ping ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE chk2.pong ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.ping USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON chk2.pong USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY via_pong ON chk2.ping FOR SELECT USING (EXISTS (SELECT 1 FROM chk2.pong p WHERE p.v = ping.v));
CREATE POLICY via_ping ON chk2.pong FOR SELECT USING (EXISTS (SELECT 1 FROM chk2.ping p WHERE p.v = pong.v));
-- a policy calling an IMMUTABLE function that reads the setting
CREATE FUNCTION chk2.my_tenant() RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '') $$;
CREATE TABLE chk2.immutable (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.immutable ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.immutable USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY fast ON chk2.immutable AS RESTRICTIVE USING (tenant_id = chk2.my_tenant());
-- grants, default privileges, triggers, rules, publications, foreign tables, settings
CREATE TABLE chk2.public_grant (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.public_grant ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.public_grant USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT ON chk2.public_grant TO PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE chk2_admin IN SCHEMA chk2 GRANT SELECT ON TABLES TO PUBLIC;
CREATE FUNCTION chk2.audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE chk2.audited (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.audited ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.audited USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TRIGGER audit BEFORE INSERT ON chk2.audited FOR EACH ROW EXECUTE FUNCTION chk2.audit_row();
CREATE TABLE chk2.ruled (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.ruled ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.ruled USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk2.ruled_copy (org text, v int);
CREATE RULE copy_out AS ON INSERT TO chk2.ruled DO ALSO INSERT INTO chk2.ruled_copy VALUES (NEW.tenant_id, NEW.v);
CREATE TABLE chk2.published (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.published ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.published USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE PUBLICATION chk2_pub FOR TABLE chk2.published;
CREATE SERVER chk2_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE chk2.remote (tenant_id text, v int) SERVER chk2_files OPTIONS (filename '/dev/null');
ALTER ROLE chk2_app SET row_security = off;
-- soundness: a floor TO another role, a char(n) column compared through char(1), another setting
CREATE TABLE chk2.floor_elsewhere (LIKE chk2.ok INCLUDING INDEXES);
ALTER TABLE chk2.floor_elsewhere ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.floor_elsewhere USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY everyone ON chk2.floor_elsewhere FOR SELECT USING (true);
CREATE POLICY floor ON chk2.floor_elsewhere AS RESTRICTIVE TO chk2_admin
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE chk2.fixed_width (tenant_id char(4) NOT NULL, v int);
CREATE INDEX ON chk2.fixed_width (tenant_id);
ALTER TABLE chk2.fixed_width ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON chk2.fixed_width USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::character);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA chk2 TO chk2_app;
REVOKE INSERT, UPDATE, DELETE ON chk2.directory FROM chk2_app;
\set QUIET off
SET rls_fixer.schemas = 'chk2';
SET rls_fixer.app_roles = 'chk2_app';
SELECT severity, check_name, object_type, object_name FROM rls_audit()
 WHERE check_name NOT IN ('table_skipped', 'tenant_context_spoofable') ORDER BY 2, 4;
SELECT check_name, object_name, fix_sql FROM rls_audit()
 WHERE check_name IN ('update_moves_tenant', 'policy_function_misdeclared', 'default_privileges_public', 'role_row_security_off')
 ORDER BY 1, 2;
-- the fix: floors and isolation policies on the configured setting, where automatic
SELECT object_name, statement FROM rls_fix(true) ORDER BY step;
-- the char(4) table after the fix: tenant 'AB' no longer reads tenant 'A'
\set QUIET on
SELECT count(*) > 0 FROM rls_fix(false);
INSERT INTO chk2.fixed_width VALUES ('A', 1), ('AB', 2);
ALTER ROLE chk2_app RESET row_security;
\set QUIET off
SET ROLE chk2_app;
SELECT set_tenant_context('AB');
SELECT tenant_id, v FROM chk2.fixed_width;
RESET ROLE;
\set QUIET on
SELECT clear_tenant_context();
DROP PUBLICATION chk2_pub;
RESET rls_fixer.schemas;
RESET rls_fixer.app_roles;
RESET rls_fixer.on_new_tenant_table;
\set QUIET off
