-- rls_verify(): isolation proven by running queries as the app role; every probe is rolled
-- back, so the data is unchanged afterwards.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE ROLE ver_app LOGIN;
CREATE SCHEMA ver;
GRANT USAGE ON SCHEMA ver TO ver_app;
CREATE TABLE ver.notes (id serial PRIMARY KEY, tenant_id text NOT NULL, body text);
CREATE INDEX ON ver.notes (tenant_id);
INSERT INTO ver.notes (tenant_id, body) VALUES ('t1', 'a'), ('t1', 'b'), ('t2', 'c');
CREATE TABLE ver.empty_uuid (tenant_id uuid NOT NULL);
CREATE INDEX ON ver.empty_uuid (tenant_id);
CREATE VIEW ver.notes_view AS SELECT tenant_id, body FROM ver.notes;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ver TO ver_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ver TO ver_app;
\set QUIET off
SET rls_fixer.schemas = 'ver';
-- before the fix: what leaks, named
SELECT object_name, probe, passed, detail FROM rls_verify();
SELECT count(*) AS rows_unchanged FROM ver.notes;
SELECT count(*) FROM rls_fix(false);
-- after the fix: every probe passes (tenants found in the data: t1, t2, read through the column
-- type's output function only; probe rows for the empty table)
SELECT object_name, probe, passed, detail FROM rls_verify();
SELECT tenant_id, body FROM ver.notes ORDER BY body;
SELECT count(*) AS empty_still_empty FROM ver.empty_uuid;
-- explicit tenants and role
SELECT probe, passed FROM rls_verify('t2', 't1', 'ver_app') WHERE object_name = 'ver.notes';
-- bad input
SELECT * FROM rls_verify('t1', 't1');
SELECT * FROM rls_verify(as_role => 'no_such_role');
\echo :LAST_ERROR_SQLSTATE
SET ROLE ver_app;
SELECT * FROM rls_verify();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
