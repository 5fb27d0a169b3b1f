-- What differs between majors, where the audit looks: NOT NULL constraints as pg_constraint rows
-- that can be NOT VALID (18), virtual generated tenant columns (18), the MAINTAIN privilege
-- (17+). The same script runs everywhere; 13_majors.out is 15's output, 13_majors_1.out 18's.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
SELECT current_setting('server_version_num')::int >= 170000 AS pg17,
       current_setting('server_version_num')::int >= 180000 AS pg18 \gset
CREATE ROLE maj_app NOLOGIN;
CREATE SCHEMA maj;
GRANT USAGE ON SCHEMA maj TO maj_app;
-- 1. a tenant column whose not-null constraint was added NOT VALID over a NULL row: 18 sets
-- attnotnull anyway (15 can only add a CHECK NOT VALID, attnotnull stays false). Either way
-- the column is nullable for the audit.
CREATE TABLE maj.checked (id int, tenant_id int);
CREATE INDEX ON maj.checked (tenant_id);
INSERT INTO maj.checked VALUES (1, NULL);
\if :pg18
ALTER TABLE maj.checked ADD CONSTRAINT checked_tenant_nn NOT NULL tenant_id NOT VALID;
\else
ALTER TABLE maj.checked ADD CONSTRAINT checked_tenant_nn CHECK (tenant_id IS NOT NULL) NOT VALID;
\endif
-- the control: a validated NOT NULL
CREATE TABLE maj.valid (id int, tenant_id int NOT NULL);
CREATE INDEX ON maj.valid (tenant_id);
\set QUIET off
SELECT attrelid::regclass AS rel, attnotnull FROM pg_attribute
 WHERE attrelid IN ('maj.checked'::regclass, 'maj.valid'::regclass) AND attname = 'tenant_id' ORDER BY 1;
SET rls_fixer.schemas = 'maj';
SET rls_fixer.app_roles = 'maj_app';
SELECT object_name, detail FROM rls_audit() WHERE check_name = 'tenant_column_nullable' ORDER BY 1;
-- its fix: the NULL row goes, then the suggested statement makes the column NOT NULL for good
DELETE FROM maj.checked WHERE tenant_id IS NULL;
SELECT fix_sql FROM rls_audit() WHERE check_name = 'tenant_column_nullable' AND object_name = 'maj.checked' \gexec
SELECT object_name FROM rls_audit() WHERE check_name = 'tenant_column_nullable';
-- 2. a generated tenant column: VIRTUAL on 18 (its default kind), which cannot be indexed; the
-- suggested index is on its expression, and counts as the tenant index once made. 15 has only
-- STORED generated columns, indexed as usual.
\set QUIET on
\if :pg18
CREATE TABLE maj.virt (id int, payload jsonb NOT NULL, tenant_id int GENERATED ALWAYS AS ((payload ->> 't')::int) VIRTUAL);
\else
CREATE TABLE maj.virt (id int, payload jsonb NOT NULL, tenant_id int GENERATED ALWAYS AS ((payload ->> 't')::int) STORED);
\endif
\set QUIET off
SELECT attgenerated FROM pg_attribute WHERE attrelid = 'maj.virt'::regclass AND attname = 'tenant_id';
SELECT detail, fix_sql FROM rls_audit() WHERE check_name = 'tenant_index_missing' AND object_name = 'maj.virt';
SELECT fix_sql FROM rls_audit() WHERE check_name = 'tenant_index_missing' AND object_name = 'maj.virt' \gexec
SELECT count(*) AS still_missing FROM rls_audit() WHERE check_name = 'tenant_index_missing' AND object_name = 'maj.virt';
-- rls_fix plans no index for it (rls_fix never creates indexes), and its policy works on the
-- virtual column
SELECT count(*) AS index_statements FROM rls_fix(true) WHERE statement ILIKE '%CREATE INDEX%';
SELECT count(*) > 0 AS applied FROM rls_fix(false) WHERE object_name = 'maj.virt';
\set QUIET on
INSERT INTO maj.virt (id, payload) VALUES (1, '{"t": 1}'), (2, '{"t": 2}');
GRANT SELECT ON maj.virt TO maj_app;
\set QUIET off
SET ROLE maj_app;
SELECT set_tenant_context('2');
SELECT id, tenant_id FROM maj.virt;
RESET ROLE;
SELECT clear_tenant_context();
-- 3. MAINTAIN (17+; GRANT ALL includes it there): VACUUM, ANALYZE, REINDEX, CLUSTER, REFRESH
-- and LOCK TABLE. It reads and writes no rows, so it makes a role neither a reader, a writer
-- nor a truncater of the table, and a PUBLIC grant of it is not a read grant.
\set QUIET on
CREATE TABLE maj.kept (id int, tenant_id int NOT NULL);
CREATE INDEX ON maj.kept (tenant_id);
ALTER TABLE maj.kept ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON maj.kept USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int);
\if :pg17
GRANT MAINTAIN ON maj.kept TO maj_app, PUBLIC;
\endif
\set QUIET off
SELECT count(*) AS maintain_grants FROM pg_class c, aclexplode(c.relacl) a
 WHERE c.oid = 'maj.kept'::regclass AND a.privilege_type = 'MAINTAIN';
SELECT check_name FROM rls_audit() WHERE object_name = 'maj.kept' ORDER BY 1;
\set QUIET on
RESET rls_fixer.schemas;
RESET rls_fixer.app_roles;
RESET rls_fixer.on_new_tenant_table;
DROP SCHEMA maj CASCADE;
DROP OWNED BY maj_app;
DROP ROLE maj_app;
