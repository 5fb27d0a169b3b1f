-- 00_setup: a clean slate in the database rls_citus (coordinator), shared by the other scripts.
-- Run by run.sh as postgres on the coordinator; psql variables :w1 :w2 are worker conninfo strings.
SET client_min_messages = warning;
SET rls_fixer.on_new_tenant_table = off;   -- ignored (placeholder) before CREATE EXTENSION rls_fixer
DROP TABLE IF EXISTS orders, pre_sublink, f_sqlfn, f_cfn, f_const, coord_only, ref_tenants,
  plain_local, citus_local, probe, orders_const, orders_fn, orders_c, orders_probe, unprot,
  born_protected, tenants, local_rls CASCADE;
DROP SCHEMA IF EXISTS research CASCADE;
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'citus_app') THEN
    EXECUTE 'DROP OWNED BY citus_app CASCADE';
    EXECUTE 'DROP ROLE citus_app';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
    EXECUTE 'DROP OWNED BY app_user CASCADE';
    EXECUTE 'DROP ROLE app_user';
  END IF;
END $$;
DROP FUNCTION IF EXISTS public.app_tenant_sql(), public.tenant_probe(), public.set_tenant_local_plpgsql(text),
  public.set_tenant_spi(text) CASCADE;
RESET client_min_messages;

-- rls_fixer on every node: CREATE EXTENSION on the coordinator is propagated by Citus
CREATE EXTENSION IF NOT EXISTS rls_fixer;
SELECT nodeid, success, result AS rls_fixer_version
  FROM run_command_on_all_nodes($$SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer'$$)
 ORDER BY nodeid;
SET rls_fixer.on_new_tenant_table = off;

-- research.expect(label, actual, expected): a PASS/FAIL line that run.sh counts
CREATE SCHEMA research;
GRANT USAGE ON SCHEMA research TO PUBLIC;
CREATE FUNCTION research.expect(label text, actual anyelement, expected anyelement) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN actual IS NOT DISTINCT FROM expected
              THEN 'PASS ' || label || ': ' || coalesce(actual::text, 'NULL')
              ELSE 'FAIL ' || label || ': got ' || coalesce(actual::text, 'NULL')
                   || ', expected ' || coalesce(expected::text, 'NULL') END
$$;
-- research.task_count(sql): the "Task Count" of the distributed plan (EXPLAIN, not executed)
CREATE FUNCTION research.task_count(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
    IF line ~ 'Task Count: [0-9]+' THEN
      RETURN substring(line from 'Task Count: ([0-9]+)')::int;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA research TO PUBLIC;

-- the table of the brief: distributed by tenant_id, 32 shards, 4 tenants x 5 rows
SET citus.shard_count = 32;
CREATE TABLE orders (tenant_id text, id bigint, amount int);
SELECT create_distributed_table('orders', 'tenant_id');
INSERT INTO orders SELECT t, g, g * 10 FROM unnest(ARRAY['a', 'b', 'c', 'd']) t, generate_series(1, 5) g;
SELECT tenant_id, count(*), get_shard_id_for_distribution_column('orders', tenant_id) AS shardid
  FROM orders GROUP BY 1 ORDER BY 1;

-- a distributed table without RLS, one row per shard-ish, to ask workers what they see
CREATE TABLE probe (k int);
SELECT create_distributed_table('probe', 'k', shard_count := 8);
INSERT INTO probe SELECT generate_series(1, 64);

-- the application role: created on the coordinator, propagated to the workers by Citus 13
CREATE ROLE citus_app LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO citus_app;
GRANT SELECT ON probe TO citus_app;
SELECT nodeid, result AS "citus_app on node: rolcanlogin, SELECT on orders"
  FROM run_command_on_all_nodes($$SELECT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'citus_app')::text
                                         || ', ' || has_table_privilege('citus_app', 'public.orders', 'SELECT')$$)
 ORDER BY nodeid;
SELECT research.expect('setup: citus_app exists on all 3 nodes',
  (SELECT count(*) FROM run_command_on_all_nodes($$SELECT 1 FROM pg_roles WHERE rolname = 'citus_app'$$) WHERE result = '1'), 3::bigint);
