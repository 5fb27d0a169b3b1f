-- 03_router: does a tenant-scoped query under RLS get router-planned (Task Count: 1)?
-- Where is a function in a policy evaluated?
SET rls_fixer.on_new_tenant_table = off;
CREATE FUNCTION public.tenant_probe() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RAISE NOTICE 'tenant_probe() evaluated on port %', current_setting('port');
  RETURN NULLIF(current_setting('app.current_tenant_id', true), '');
END $$;
CREATE TABLE orders_probe (LIKE orders);
SELECT create_distributed_table('orders_probe', 'tenant_id', colocate_with := 'orders');
INSERT INTO orders_probe SELECT * FROM orders;
CREATE POLICY tenant_probe ON orders_probe USING (tenant_id = public.tenant_probe())
  WITH CHECK (tenant_id = public.tenant_probe());
ALTER TABLE orders_probe ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders_probe FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT ON orders_probe TO citus_app;

\c - citus_app
BEGIN;
SELECT set_tenant_spi('a');

\echo '=== (c1) bare-form policy, no WHERE: fan-out to every shard; the shard query carries no policy qual'
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM orders;
SELECT research.expect('c1 policy only (bare form): tasks', research.task_count('SELECT count(*) FROM orders'), 32);
\echo '=== (c2) explicit WHERE tenant_id = literal: router'
EXPLAIN (COSTS OFF) SELECT count(*) FROM orders WHERE tenant_id = 'a';
SELECT research.expect('c2 WHERE tenant_id = ''a'': tasks', research.task_count($$SELECT count(*) FROM orders WHERE tenant_id = 'a'$$), 1);
\echo '=== (c3) WHERE tenant_id = current_tenant_id(): not evaluated on the coordinator for SELECT, so no pruning'
EXPLAIN (COSTS OFF) SELECT count(*) FROM orders WHERE tenant_id = current_tenant_id();
SELECT research.expect('c3 WHERE tenant_id = current_tenant_id(): tasks', research.task_count('SELECT count(*) FROM orders WHERE tenant_id = current_tenant_id()'), 32);
SELECT research.expect('c3 WHERE tenant_id = NULLIF(current_setting(...)): tasks',
  research.task_count($$SELECT count(*) FROM orders WHERE tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')$$), 32);
\echo '=== (c4) a bind parameter: router (deferred pruning), also after the plan goes generic'
PREPARE q(text) AS SELECT count(*) FROM orders WHERE tenant_id = $1;
EXECUTE q('a'); EXECUTE q('a'); EXECUTE q('a'); EXECUTE q('a'); EXECUTE q('a'); EXECUTE q('a');
EXPLAIN (COSTS OFF) EXECUTE q('a');
SELECT research.expect('c4 WHERE tenant_id = $1 (7th execution): tasks', research.task_count($$EXECUTE q('a')$$), 1);
\echo '=== (c5) policy calling a STABLE SQL function (inlined on the worker) or the C function'
EXPLAIN (COSTS OFF) SELECT count(*) FROM f_sqlfn;
EXPLAIN (COSTS OFF) SELECT count(*) FROM f_cfn;
SELECT research.expect('c5 policy = app_tenant_sql(): tasks', research.task_count('SELECT count(*) FROM f_sqlfn'), 32);
SELECT research.expect('c5 policy = current_tenant_id(): tasks', research.task_count('SELECT count(*) FROM f_cfn'), 32);
SELECT research.expect('c5 policy = current_tenant_id(): rows', (SELECT count(*) FROM f_cfn), 5::bigint);
SELECT research.expect('c5 policy = current_tenant_id() + WHERE literal: tasks', research.task_count($$SELECT count(*) FROM f_cfn WHERE tenant_id = 'a'$$), 1);
\echo '=== (c6) policy with a constant (tenant_id = ''a''): the coordinator prunes with the policy qual'
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM f_const;
SELECT research.expect('c6 constant policy, no WHERE: tasks', research.task_count('SELECT count(*) FROM f_const'), 1);
SELECT research.expect('c6 constant policy, no WHERE: rows', (SELECT count(*) FROM f_const), 5::bigint);
\echo '=== (c7) where a policy function runs: SELECT -> on the worker only'
SELECT count(*) FROM orders_probe WHERE tenant_id = 'a';
\echo '--- INSERT: the VALUES expression is evaluated on the coordinator (modifications evaluate STABLE functions there); WITH CHECK runs on the worker'
INSERT INTO orders_probe VALUES (public.tenant_probe(), 1000, 1);
SELECT research.expect('c8 INSERT ... VALUES (current_tenant_id(), ...): tasks', research.task_count('INSERT INTO orders VALUES (current_tenant_id(), 1000, 1)'), 1);
ROLLBACK;
\c - postgres
