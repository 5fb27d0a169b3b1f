-- 01_policy_forms: which CREATE POLICY predicates Citus 13.2.2 accepts on a distributed table and
-- propagates to the shards; ENABLE/FORCE ROW LEVEL SECURITY propagation; where RLS is enforced.
SET rls_fixer.on_new_tenant_table = off;
\echo '=== (1) the sub-select form rls_fix generates today, on a distributed table'
CREATE POLICY tenant_sublink ON orders
  USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))
  WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')));
SELECT research.expect('(1) sub-select policy not created on the coordinator',
  (SELECT count(*) FROM pg_policy WHERE polrelid = 'orders'::regclass), 0::bigint);

\echo '=== (1b) the same policy on a local table, then create_distributed_table'
CREATE TABLE pre_sublink (tenant_id text, id bigint);
CREATE POLICY tenant_sublink ON pre_sublink
  USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')));
SELECT create_distributed_table('pre_sublink', 'tenant_id', colocate_with := 'orders');
SELECT research.expect('(1b) table with a sub-select policy stays local',
  (SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'pre_sublink'::regclass), 0::bigint);
DROP TABLE pre_sublink;

\echo '=== (1c) rls_fix on a distributed tenant table: the plan uses the sub-select form'
SELECT step, check_name, object_name, left(statement, 90) AS statement
  FROM rls_fix(true) WHERE object_name = 'public.orders' ORDER BY step;
SELECT count(*) AS applied_steps FROM rls_fix(false);
SELECT research.expect('(1c) rls_fix(false) left public.orders untouched (atomic failure)',
  (SELECT relrowsecurity FROM pg_class WHERE oid = 'orders'::regclass), false);

\echo '=== (2) bare NULLIF(current_setting(...)) form'
CREATE POLICY tenant_bare ON orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));

\echo '=== (2b) the bare form with the cast rls_fixer uses for typed tenant columns (uuid, bigint)'
CREATE TABLE f_uuid (tenant_id uuid, id bigint);
CREATE TABLE f_int (tenant_id bigint, id bigint);
SELECT create_distributed_table(t, 'tenant_id', shard_count := 4) FROM unnest(ARRAY['f_uuid', 'f_int']) t;
CREATE POLICY tenant_bare ON f_uuid
  USING (tenant_id = (NULLIF(current_setting('app.current_tenant_id', true), ''))::uuid)
  WITH CHECK (tenant_id = (NULLIF(current_setting('app.current_tenant_id', true), ''))::uuid);
CREATE POLICY tenant_bare ON f_int
  USING (tenant_id = (NULLIF(current_setting('app.current_tenant_id', true), ''))::bigint)
  WITH CHECK (tenant_id = (NULLIF(current_setting('app.current_tenant_id', true), ''))::bigint);
SELECT research.expect('(2b) cast bare-form policies on all 4+4 shards',
  (SELECT count(*) FROM unnest(ARRAY['f_uuid', 'f_int']) t,
     run_command_on_shards(t, $$SELECT count(*) FROM pg_policy WHERE polrelid = '%1$s'::regclass$$) s WHERE s.result = '1'), 8::bigint);
DROP TABLE f_uuid, f_int;

\echo '=== (4) ENABLE / FORCE ROW LEVEL SECURITY on the distributed table'
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;

\echo '=== (3a) a STABLE SQL function, (3b) rls_fixer''s STABLE C function current_tenant_id(), (3c) a constant'
CREATE FUNCTION public.app_tenant_sql() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '') $$;
CREATE TABLE f_sqlfn (LIKE orders);
CREATE TABLE f_cfn (LIKE orders);
CREATE TABLE f_const (LIKE orders);
SELECT create_distributed_table(t, 'tenant_id', colocate_with := 'orders')
  FROM unnest(ARRAY['f_sqlfn', 'f_cfn', 'f_const']) t;
INSERT INTO f_sqlfn SELECT * FROM orders;
INSERT INTO f_cfn SELECT * FROM orders;
INSERT INTO f_const SELECT * FROM orders;
CREATE POLICY tenant_sqlfn ON f_sqlfn USING (tenant_id = public.app_tenant_sql())
  WITH CHECK (tenant_id = public.app_tenant_sql());
CREATE POLICY tenant_cfn ON f_cfn USING (tenant_id = public.current_tenant_id())
  WITH CHECK (tenant_id = public.current_tenant_id());
CREATE POLICY tenant_const ON f_const USING (tenant_id = 'a') WITH CHECK (tenant_id = 'a');
ALTER TABLE f_sqlfn ENABLE ROW LEVEL SECURITY;  ALTER TABLE f_sqlfn FORCE ROW LEVEL SECURITY;
ALTER TABLE f_cfn ENABLE ROW LEVEL SECURITY;    ALTER TABLE f_cfn FORCE ROW LEVEL SECURITY;
ALTER TABLE f_const ENABLE ROW LEVEL SECURITY;  ALTER TABLE f_const FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON f_sqlfn, f_cfn, f_const TO citus_app;

\echo '=== the functions exist on the workers (CREATE FUNCTION propagated; current_tenant_id via the extension)'
SELECT nodeid, result FROM run_command_on_all_nodes($$SELECT string_agg(proname || ':' || provolatile::text || ':' || (SELECT lanname FROM pg_language l WHERE l.oid = prolang), ', ' ORDER BY proname)
  FROM pg_proc WHERE proname IN ('app_tenant_sql', 'current_tenant_id') AND pronamespace = 'public'::regnamespace$$) ORDER BY nodeid;

\echo '=== per shard (run_command_on_shards): relrowsecurity, relforcerowsecurity, policies'
SELECT t AS table_name, s.result AS "rls,force,policies", count(*) AS shards
  FROM unnest(ARRAY['orders', 'f_sqlfn', 'f_cfn', 'f_const']) t,
       run_command_on_shards(t, $$SELECT relrowsecurity || ',' || relforcerowsecurity || ',' ||
         coalesce((SELECT string_agg(polname, '+') FROM pg_policy WHERE polrelid = '%1$s'::regclass), '-')
         FROM pg_class WHERE oid = '%1$s'::regclass$$) s
 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT research.expect('(2)+(4) all 32 orders shards: RLS on, FORCE on, policy tenant_bare',
  (SELECT count(*) FROM run_command_on_shards('orders', $$SELECT relrowsecurity AND relforcerowsecurity
     AND EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = '%1$s'::regclass AND polname = 'tenant_bare')
     FROM pg_class WHERE oid = '%1$s'::regclass$$) WHERE result = 't'), 32::bigint);
SELECT research.expect('(3a) SQL-function policy on all 32 shards',
  (SELECT count(*) FROM run_command_on_shards('f_sqlfn', $$SELECT count(*) FROM pg_policy WHERE polrelid = '%1$s'::regclass$$) WHERE result = '1'), 32::bigint);
SELECT research.expect('(3b) current_tenant_id() policy on all 32 shards',
  (SELECT count(*) FROM run_command_on_shards('f_cfn', $$SELECT count(*) FROM pg_policy WHERE polrelid = '%1$s'::regclass$$) WHERE result = '1'), 32::bigint);

\echo '=== the same, read directly on worker w1 (shards are hidden unless citus.override_table_visibility = off)'
\c :w1
SELECT count(*) AS visible_orders_relations FROM pg_class WHERE relname ~ '^orders(_[0-9]+)?$';
SET citus.override_table_visibility = off;
SELECT c.relname, c.relrowsecurity AS rls, c.relforcerowsecurity AS force, p.polname,
       pg_get_expr(p.polqual, p.polrelid) AS using_expr, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
  FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
 WHERE c.relname ~ '^(orders|f_sqlfn|f_cfn|f_const)(_[0-9]+)?$' AND c.relkind = 'r'
 ORDER BY c.relname LIMIT 6;
SELECT regexp_replace(c.relname, '_[0-9]+$', '') AS family, count(*) AS relations,
       count(*) FILTER (WHERE c.relrowsecurity) AS rls, count(*) FILTER (WHERE c.relforcerowsecurity) AS force,
       string_agg(DISTINCT pg_get_expr(p.polqual, p.polrelid), ' | ') AS using_exprs
  FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
 WHERE c.relname ~ '^(orders|f_sqlfn|f_cfn|f_const)(_[0-9]+)?$' AND c.relkind = 'r'
 GROUP BY 1 ORDER BY 1;
\c :coord
SET rls_fixer.on_new_tenant_table = off;

\echo '=== (5) where RLS is enforced: a policy on the coordinator''s shell table only (DDL propagation off)'
CREATE TABLE coord_only (tenant_id text, id bigint);
SELECT create_distributed_table('coord_only', 'tenant_id', shard_count := 4);
INSERT INTO coord_only SELECT t, g FROM unnest(ARRAY['a', 'b', 'c']) t, generate_series(1, 3) g;
GRANT SELECT ON coord_only TO citus_app;
SET citus.enable_ddl_propagation = off;
ALTER TABLE coord_only ENABLE ROW LEVEL SECURITY;
ALTER TABLE coord_only FORCE ROW LEVEL SECURITY;
CREATE POLICY p ON coord_only USING (tenant_id = current_setting('app.current_tenant_id', true));
RESET citus.enable_ddl_propagation;
\c - citus_app
SET app.current_tenant_id = 'a';
SELECT tenant_id, count(*) FROM coord_only GROUP BY 1 ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF) SELECT tenant_id FROM coord_only;
SELECT research.expect('(5) coordinator-only policy is not enforced: citus_app sees all 9 rows',
  (SELECT count(*) FROM coord_only), 9::bigint);
\c - postgres
DROP TABLE coord_only;
