-- 04_copy_insert: writes as the app role with the tenant context set (SET LOCAL, propagated).
SET rls_fixer.on_new_tenant_table = off;
CREATE TABLE local_rls (tenant_id text, id bigint);      -- a plain local table, for comparison
ALTER TABLE local_rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY t ON local_rls USING (tenant_id = current_setting('app.current_tenant_id', true));
GRANT SELECT, INSERT ON local_rls TO citus_app;
\set VERBOSITY default
\c - citus_app
\echo '=== (d1) COPY into the distributed table, own tenant only, context propagated'
BEGIN;
SELECT set_tenant_spi('a');
COPY orders FROM STDIN WITH (FORMAT csv);
a,101,1
a,102,2
\.
ROLLBACK;
\echo '--- the same COPY into a plain PostgreSQL table with RLS: PostgreSQL itself refuses COPY FROM under RLS'
BEGIN;
SET LOCAL app.current_tenant_id = 'a';
COPY local_rls FROM STDIN WITH (FORMAT csv);
a,101
\.
ROLLBACK;

\echo '=== (d2) INSERT own tenant / another tenant (WITH CHECK on the shard)'
BEGIN;
SELECT set_tenant_spi('a');
INSERT INTO orders VALUES ('a', 100, 1);
SELECT research.expect('d2 own-tenant INSERT visible', (SELECT count(*) FROM orders WHERE id = 100), 1::bigint);
SAVEPOINT s1;
INSERT INTO orders VALUES ('b', 100, 1);
ROLLBACK TO SAVEPOINT s1;
\echo '--- multi-row INSERT spanning two tenants (two shards): refused as a whole'
SAVEPOINT s2;
INSERT INTO orders VALUES ('a', 101, 1), ('b', 101, 1);
ROLLBACK TO SAVEPOINT s2;
SELECT research.expect('d2 nothing of the mixed INSERT kept', (SELECT count(*) FROM orders WHERE id = 101), 0::bigint);
\echo '--- UPDATE moving an own row to another tenant: the distribution column cannot be updated'
SAVEPOINT s3;
UPDATE orders SET tenant_id = 'b' WHERE id = 100;
ROLLBACK TO SAVEPOINT s3;
\echo '--- DELETE of another tenant''s rows deletes nothing'
DELETE FROM orders WHERE tenant_id = 'b';
COMMIT;
\c - postgres
SELECT research.expect('d2 committed: one new row for a, tenant b untouched',
  (SELECT count(*) FILTER (WHERE id = 100) || '/' || count(*) FILTER (WHERE tenant_id = 'b') FROM orders), '1/5');
DELETE FROM orders WHERE id = 100;
\c - citus_app
\echo '=== (d3) INSERT with only a session-level context: the worker sees no tenant, WITH CHECK fails (fail closed)'
SET app.current_tenant_id = 'a';
INSERT INTO orders VALUES ('a', 102, 1);
RESET app.current_tenant_id;
\c - postgres
\echo '=== (d4) COPY as the table owner (superuser bypasses RLS): the bulk-load path'
COPY orders FROM STDIN WITH (FORMAT csv);
a,103,1
b,103,1
\.
SELECT research.expect('d4 owner COPY landed on two shards', (SELECT count(*) FROM orders WHERE id = 103), 2::bigint);
DELETE FROM orders WHERE id = 103;
DROP TABLE local_rls;
