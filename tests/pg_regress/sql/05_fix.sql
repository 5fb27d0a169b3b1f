-- rls_fix on hostile identifiers and typed tenant columns, live isolation after the fix,
-- undo that refuses when an object changed, and the privilege rules.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;  -- 06_new_tables covers the event trigger
CREATE ROLE "Fix App" LOGIN;
CREATE SCHEMA "Billing Dept";
CREATE TABLE "Billing Dept"."Invoice Line" ("tenant_id" uuid NOT NULL, "select" text, "Ünïcode ✓" int);
CREATE INDEX ON "Billing Dept"."Invoice Line" (tenant_id);
INSERT INTO "Billing Dept"."Invoice Line" VALUES
  ('11111111-1111-1111-1111-111111111111', 'a', 1), ('11111111-1111-1111-1111-111111111111', 'b', 2),
  ('22222222-2222-2222-2222-222222222222', 'c', 3);
CREATE TABLE "Billing Dept"."order" (tenant_id bigint NOT NULL, "it's" text);
CREATE INDEX ON "Billing Dept"."order" (tenant_id);
INSERT INTO "Billing Dept"."order" VALUES (1, 'x'), (2, 'y'), (2, 'z');
CREATE TABLE "Billing Dept"."Vc" (tenant_id varchar(20) NOT NULL, n int);
CREATE INDEX ON "Billing Dept"."Vc" (tenant_id);
INSERT INTO "Billing Dept"."Vc" VALUES ('t1', 1), ('t2', 2);
CREATE VIEW "Billing Dept"."Line View" AS SELECT * FROM "Billing Dept"."Invoice Line";
GRANT USAGE ON SCHEMA "Billing Dept" TO "Fix App";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "Billing Dept" TO "Fix App";
\set QUIET off
SET rls_fixer.schemas = 'Billing Dept';
SELECT step, check_name, object_name, statement FROM rls_fix(false);
SELECT count(*) AS left_after_fix FROM rls_fix(true);
-- live: the app role sees only its tenant through the table and the view
SET ROLE "Fix App";
SELECT set_tenant_context('11111111-1111-1111-1111-111111111111');
SELECT count(*) AS lines FROM "Billing Dept"."Invoice Line";
SELECT count(*) AS via_view FROM "Billing Dept"."Line View";
SELECT set_tenant_context('2');
SELECT count(*) AS orders FROM "Billing Dept"."order";
-- an unset or cleared setting matches nothing and raises no cast error
SELECT clear_tenant_context();
SELECT count(*) AS lines_cleared FROM "Billing Dept"."Invoice Line";
SELECT count(*) AS orders_cleared FROM "Billing Dept"."order";
SELECT count(*) AS vc_cleared FROM "Billing Dept"."Vc";
SELECT set_tenant_context('t1');
SELECT n FROM "Billing Dept"."Vc";
UPDATE "Billing Dept"."Vc" SET tenant_id = 't2';
RESET ROLE;
-- undo refuses, changing nothing, when an object is no longer as the run left it
ALTER TABLE "Billing Dept"."order" NO FORCE ROW LEVEL SECURITY;
SELECT * FROM rls_undo();
\echo :LAST_ERROR_SQLSTATE
SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
 WHERE relnamespace = '"Billing Dept"'::regnamespace AND relkind = 'r' ORDER BY relname;
ALTER TABLE "Billing Dept"."order" FORCE ROW LEVEL SECURITY;
SELECT count(*) AS undone_steps FROM rls_undo();
SELECT count(*) AS policies_left FROM pg_policy WHERE polname LIKE 'rls_fixer%';
SELECT undone_at IS NOT NULL AS undone FROM rls_fixer.fix_run WHERE NOT dry_run ORDER BY run_id DESC LIMIT 1;
SELECT * FROM rls_undo(999999);
\echo :LAST_ERROR_SQLSTATE
-- privileges: a non-superuser cannot apply, undo or read the history
SET ROLE "Fix App";
SELECT * FROM rls_fix(false);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rls_undo();
SELECT count(*) FROM rls_fixer.fix_run;
RESET ROLE;
-- a delegated non-superuser owner can fix its tables but not NOBYPASSRLS: refused before any change
CREATE ROLE fix_dba LOGIN;
CREATE ROLE fix_bypass LOGIN BYPASSRLS;
GRANT SELECT ON "Billing Dept"."Vc" TO fix_bypass;
ALTER TABLE "Billing Dept"."Vc" OWNER TO fix_dba;
ALTER SCHEMA "Billing Dept" OWNER TO fix_dba;
SELECT rls_fixer.grant_admin('fix_dba');
-- what is audited is a superuser's setting (SUSET): set before becoming fix_dba
SET rls_fixer.app_roles = 'fix_bypass';
SET ROLE fix_dba;
SELECT step, object_name, statement FROM rls_fix(true) WHERE check_name = 'role_bypassrls';
SELECT * FROM rls_fix(false);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT relrowsecurity FROM pg_class WHERE oid = '"Billing Dept"."Vc"'::regclass;
RESET rls_fixer.app_roles;
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
