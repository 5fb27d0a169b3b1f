-- 02_tenant_context: what the app role sees on the workers for each way of setting the tenant.
-- The policy on orders is the bare form from 01 (evaluated on the worker that holds the shard).
-- "worker_sees" asks the workers directly: current_setting() in the target list of a query on the
-- RLS-free distributed table probe is evaluated on the workers (Citus evaluates only parameters,
-- not functions, on the coordinator for SELECT).
CREATE FUNCTION public.set_tenant_local_plpgsql(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL app.current_tenant_id = %L', t);   -- a utility statement through SPI
  RETURN t;
END $$;
CREATE FUNCTION public.set_tenant_spi(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'SET LOCAL citus.propagate_set_commands = local';      -- no need for the caller to set it
  EXECUTE format('SET LOCAL app.current_tenant_id = %L', t);
  RETURN t;
END $$;
GRANT EXECUTE ON FUNCTION public.set_tenant_local_plpgsql(text), public.set_tenant_spi(text) TO PUBLIC;
SELECT name, setting, context FROM pg_settings WHERE name = 'citus.propagate_set_commands';

\c - citus_app
\echo '=== (b0) no tenant'
SELECT research.expect('b0 none: multi-shard', (SELECT count(*) FROM orders), 0::bigint);

\echo '=== (b1) session SET app.current_tenant_id (with citus.propagate_set_commands = none, the default)'
SET app.current_tenant_id = 'a';
SELECT current_setting('app.current_tenant_id') AS coordinator_sees;
SELECT DISTINCT current_setting('port') AS port, current_setting('app.current_tenant_id', true) AS worker_sees FROM probe ORDER BY 1;
SELECT research.expect('b1 session SET: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b1 session SET: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
\echo '--- (b1'') session SET with citus.propagate_set_commands = local: still only SET LOCAL is propagated'
SET citus.propagate_set_commands = local;
SET app.current_tenant_id = 'a';
SELECT research.expect('b1'' session SET + propagate local: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b1'' session SET + propagate local: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
RESET app.current_tenant_id;
RESET citus.propagate_set_commands;

\echo '=== (b2) SET LOCAL inside BEGIN, citus.propagate_set_commands = none'
BEGIN;
SET LOCAL app.current_tenant_id = 'a';
SELECT research.expect('b2 SET LOCAL, propagate none: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b2 SET LOCAL, propagate none: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
COMMIT;

\echo '=== (b3) SET LOCAL inside BEGIN, citus.propagate_set_commands = local'
SET citus.propagate_set_commands = local;
BEGIN;
SET LOCAL app.current_tenant_id = 'a';
SELECT DISTINCT current_setting('port') AS port, current_setting('app.current_tenant_id', true) AS worker_sees FROM probe ORDER BY 1;
SELECT research.expect('b3 SET LOCAL, propagate local: multi-shard', (SELECT count(*) FROM orders), 5::bigint);
SELECT research.expect('b3 SET LOCAL, propagate local: router own tenant', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 5::bigint);
SELECT research.expect('b3 SET LOCAL, propagate local: router other tenant', (SELECT count(*) FROM orders WHERE tenant_id = 'b'), 0::bigint);
COMMIT;

\echo '=== (b4) set_config(..., true) inside BEGIN (propagate local): a function call, not a SET statement'
BEGIN;
SELECT set_config('app.current_tenant_id', 'a', true);
SELECT DISTINCT current_setting('port') AS port, current_setting('app.current_tenant_id', true) AS worker_sees FROM probe ORDER BY 1;
SELECT research.expect('b4 set_config local: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b4 set_config local: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
COMMIT;

\echo '=== (b5) set_config(..., false) (session)'
SELECT set_config('app.current_tenant_id', 'a', false);
SELECT research.expect('b5 set_config session: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b5 set_config session: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
RESET app.current_tenant_id;

\echo '=== (b6) rls_fixer set_tenant_context(''a'') (session; C, set_config_option)'
SELECT set_tenant_context('a');
SELECT current_tenant_id() AS coordinator_sees;
SELECT research.expect('b6 set_tenant_context session: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b6 set_tenant_context session: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
SELECT clear_tenant_context();

\echo '=== (b7) rls_fixer set_tenant_context(''a'', true) inside BEGIN (propagate local)'
BEGIN;
SELECT set_tenant_context('a', true);
SELECT DISTINCT current_setting('port') AS port, current_setting('app.current_tenant_id', true) AS worker_sees FROM probe ORDER BY 1;
SELECT research.expect('b7 set_tenant_context local: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT research.expect('b7 set_tenant_context local: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
COMMIT;

\echo '=== (b8) SET LOCAL executed through SPI (plpgsql EXECUTE) inside BEGIN (propagate local)'
BEGIN;
SELECT set_tenant_local_plpgsql('a');
SELECT DISTINCT current_setting('port') AS port, current_setting('app.current_tenant_id', true) AS worker_sees FROM probe ORDER BY 1;
SELECT research.expect('b8 SPI SET LOCAL: multi-shard', (SELECT count(*) FROM orders), 5::bigint);
SELECT research.expect('b8 SPI SET LOCAL: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 5::bigint);
\echo '--- (b10) switching the tenant after worker connections are open'
SELECT set_tenant_local_plpgsql('c');
SELECT research.expect('b10 switched to c: multi-shard', (SELECT count(*) FROM orders), 5::bigint);
SELECT research.expect('b10 switched to c: router c', (SELECT count(*) FROM orders WHERE tenant_id = 'c'), 5::bigint);
SELECT research.expect('b10 switched to c: router a', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 0::bigint);
COMMIT;
RESET citus.propagate_set_commands;

\echo '=== (b9) SPI: SET LOCAL citus.propagate_set_commands = local + SET LOCAL tenant (session setting left at none)'
SHOW citus.propagate_set_commands;
BEGIN;
SELECT set_tenant_spi('a');
SELECT research.expect('b9 SPI both SET LOCALs: multi-shard', (SELECT count(*) FROM orders), 5::bigint);
SELECT research.expect('b9 SPI both SET LOCALs: router', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 5::bigint);
\echo '--- (b12) a SET LOCAL rolled back to a savepoint is rolled back on the workers too'
SAVEPOINT s;
SELECT set_tenant_spi('b');
SELECT research.expect('b12 after switch to b: router b', (SELECT count(*) FROM orders WHERE tenant_id = 'b'), 5::bigint);
ROLLBACK TO SAVEPOINT s;
SELECT research.expect('b12 after ROLLBACK TO: router a', (SELECT count(*) FROM orders WHERE tenant_id = 'a'), 5::bigint);
SELECT research.expect('b12 after ROLLBACK TO: router b', (SELECT count(*) FROM orders WHERE tenant_id = 'b'), 0::bigint);
\echo '--- (b14) clearing inside the transaction: SET LOCAL to '''''
SELECT set_tenant_spi('');
SELECT research.expect('b14 cleared: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
COMMIT;
SHOW citus.propagate_set_commands;

\echo '=== (b11) nothing leaks into the next transaction on the cached worker connections'
BEGIN;
SELECT DISTINCT current_setting('port') AS port, current_setting('app.current_tenant_id', true) AS worker_sees FROM probe ORDER BY 1;
SELECT research.expect('b11 next transaction: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
COMMIT;

\echo '=== (b13) autocommit: a SET LOCAL ends with its statement; is_local outside a block is refused'
SELECT set_tenant_spi('a');
SELECT research.expect('b13 autocommit after SPI SET LOCAL: multi-shard', (SELECT count(*) FROM orders), 0::bigint);
SELECT set_tenant_context('a', true);
\c - postgres
