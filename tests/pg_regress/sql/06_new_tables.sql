-- The rls_fixer_new_tenant_table event trigger: new tenant tables are caught when they are
-- born (CREATE TABLE, PARTITION OF, ALTER TABLE ... ADD COLUMN tenant_id).
CREATE SCHEMA nt;
-- warn (the default): a WARNING with the fix, nothing changed
CREATE TABLE nt.a (tenant_id text NOT NULL);
SHOW rls_fixer.on_new_tenant_table;
-- not a tenant table, and unrelated ALTERs: silent
CREATE TABLE nt.plain (x int);
ALTER TABLE nt.plain ADD COLUMN y int;
ALTER TABLE nt.a ADD COLUMN z int;
-- the tenant column added later
ALTER TABLE nt.plain ADD COLUMN tenant_id text;
-- a migration that protects the table in the same transaction warns once, not per statement
BEGIN;
CREATE TABLE nt.b (tenant_id uuid NOT NULL);
ALTER TABLE nt.b ENABLE ROW LEVEL SECURITY;
ALTER TABLE nt.b FORCE ROW LEVEL SECURITY;
COMMIT;
SELECT relname, relrowsecurity FROM pg_class WHERE relnamespace = 'nt'::regnamespace ORDER BY 1;
-- protect: ENABLE + FORCE + the tenant policy in the same transaction, recorded and undoable
SET rls_fixer.on_new_tenant_table = protect;
CREATE TABLE nt.c (tenant_id bigint NOT NULL, v int) PARTITION BY LIST (tenant_id);
CREATE TABLE nt.c1 PARTITION OF nt.c FOR VALUES IN (1);
SELECT relname, relrowsecurity, relforcerowsecurity,
       (SELECT string_agg(polname, ',') FROM pg_policy WHERE polrelid = c.oid) AS policies
  FROM pg_class c WHERE relnamespace = 'nt'::regnamespace AND relname LIKE 'c%' ORDER BY 1;
SELECT check_name, object_name, statement FROM rls_fixer.fix_action
 WHERE run_id = (SELECT max(run_id) FROM rls_fixer.fix_run) ORDER BY step;
-- a rolled-back CREATE leaves nothing behind
BEGIN;
CREATE TABLE nt.gone (tenant_id text);
ROLLBACK;
SELECT count(*) AS gone FROM pg_class WHERE relname = 'gone';
-- rls_fix's own DDL does not trigger it (no WARNING while it enables RLS on a, b and plain)
SET rls_fixer.on_new_tenant_table = warn;
SET rls_fixer.schemas = 'nt';
SELECT check_name, object_name FROM rls_fix(false);
SELECT check_name, object_name FROM rls_audit() WHERE severity = 'error';
RESET rls_fixer.schemas;
-- protect: a tenant column added inside a savepoint, or a PL/pgSQL exception block (a
-- subtransaction), and the partitions of a partitioned parent that gets the tenant column
SET rls_fixer.on_new_tenant_table = off;
CREATE TABLE nt.later (id int);
CREATE TABLE nt.later_block (id int);
CREATE TABLE nt.pl (id int, at int NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE nt.pl_1 PARTITION OF nt.pl FOR VALUES FROM (0) TO (10);
CREATE TABLE nt.pl_2 PARTITION OF nt.pl FOR VALUES FROM (10) TO (20);
SET rls_fixer.on_new_tenant_table = protect;
BEGIN;
SAVEPOINT s;
ALTER TABLE nt.later ADD COLUMN tenant_id text;
RELEASE SAVEPOINT s;
COMMIT;
DO $$ BEGIN
  ALTER TABLE nt.later_block ADD COLUMN tenant_id text;
EXCEPTION WHEN OTHERS THEN RAISE;
END $$;
ALTER TABLE nt.pl ADD COLUMN tenant_id text;
SELECT relname, relrowsecurity, relforcerowsecurity,
       (SELECT string_agg(polname, ',') FROM pg_policy WHERE polrelid = c.oid) AS policies
  FROM pg_class c WHERE relnamespace = 'nt'::regnamespace AND relname IN ('later', 'later_block', 'pl', 'pl_1', 'pl_2') ORDER BY 1;
-- off: silent
SET rls_fixer.on_new_tenant_table = off;
CREATE TABLE nt.d (tenant_id text);
RESET rls_fixer.on_new_tenant_table;
SET client_min_messages = warning;
DROP SCHEMA nt CASCADE;
RESET client_min_messages;
