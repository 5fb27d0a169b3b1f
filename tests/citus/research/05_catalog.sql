-- 05_catalog: telling distributed / reference / Citus-local / plain tables apart, the distribution
-- column, shards and placements, and running commands on every shard atomically.
SET rls_fixer.on_new_tenant_table = off;
CREATE TABLE ref_tenants (tenant_id text PRIMARY KEY, name text);
SELECT create_reference_table('ref_tenants');
CREATE TABLE plain_local (tenant_id text, x int);
CREATE TABLE citus_local (tenant_id text, x int);
SELECT citus_add_local_table_to_metadata('citus_local');

\echo '=== (e1) pg_dist_partition: partmethod h = hash-distributed, n = none (reference if repmodel = t, else Citus local)'
SELECT logicalrelid, partmethod, repmodel, colocationid,
       column_to_column_name(logicalrelid, partkey) AS distribution_column
  FROM pg_dist_partition ORDER BY logicalrelid::text;
\echo '--- one catalog pass for an audit: every table of a schema with its Citus kind'
SELECT c.oid::regclass AS table_name,
       CASE WHEN p.logicalrelid IS NULL THEN 'local (not in Citus metadata)'
            WHEN p.partmethod = 'h' THEN 'distributed'
            WHEN p.partmethod = 'n' AND p.repmodel = 't' THEN 'reference'
            WHEN p.partmethod = 'n' THEN 'citus local'
            ELSE 'append/range (' || p.partmethod::text || ')' END AS kind,
       column_to_column_name(p.logicalrelid, p.partkey) AS distribution_column,
       (SELECT count(*) FROM pg_dist_shard s WHERE s.logicalrelid = c.oid) AS shards
  FROM pg_class c
  LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
 ORDER BY 1::text;
\echo '--- the citus_tables view (coordinator) says the same in words'
SELECT table_name, citus_table_type, distribution_column, colocation_id, shard_count, table_owner
  FROM citus_tables ORDER BY table_name::text;
\echo '--- on a worker the metadata is synced too (pg_dist_partition is readable there)'
SELECT nodeid, result FROM run_command_on_workers($$SELECT count(*) FROM pg_dist_partition$$) w
  JOIN pg_dist_node n ON (n.nodename, n.nodeport) = (w.nodename, w.nodeport) ORDER BY nodeid;

\echo '=== (e2) shards and placements'
SELECT shardid, shard_name('orders', shardid), shardminvalue, shardmaxvalue
  FROM pg_dist_shard WHERE logicalrelid = 'orders'::regclass ORDER BY shardid LIMIT 3;
SELECT p.shardid, n.nodename, n.nodeport, p.shardstate
  FROM pg_dist_shard_placement p JOIN pg_dist_node n USING (nodename, nodeport)
 WHERE p.shardid IN (SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'orders'::regclass)
 ORDER BY p.shardid LIMIT 3;
SELECT table_name, shardid, shard_name, citus_table_type, nodename, nodeport
  FROM citus_shards WHERE table_name IN ('orders'::regclass, 'ref_tenants'::regclass) ORDER BY shardid LIMIT 4;
SELECT nodeport, count(*) AS orders_shards FROM citus_shards WHERE table_name = 'orders'::regclass GROUP BY 1 ORDER BY 1;
SELECT get_shard_id_for_distribution_column('orders', 'a') AS shard_of_tenant_a,
       (SELECT nodeport FROM citus_shards WHERE shardid = get_shard_id_for_distribution_column('orders', 'a')) AS on_port;

\echo '=== (e3) run_command_on_shards / _workers / _all_nodes: one new connection per command, autocommit'
SELECT * FROM run_command_on_workers($$SELECT current_setting('port')$$);
SELECT * FROM run_command_on_all_nodes($$SELECT count(*) FROM pg_extension WHERE extname = 'rls_fixer'$$);
\echo '--- not atomic: a COMMENT via run_command_on_shards survives the ROLLBACK of the calling transaction'
BEGIN;
SELECT count(*) AS commented FROM run_command_on_shards('orders', $$COMMENT ON TABLE %1$s IS 'via run_command_on_shards'$$) WHERE success;
ROLLBACK;
SELECT research.expect('e3 run_command_on_shards ignored the ROLLBACK',
  (SELECT count(*) FROM run_command_on_shards('orders', $$SELECT obj_description('%1$s'::regclass, 'pg_class')$$)
    WHERE result = 'via run_command_on_shards'), 32::bigint);
SELECT count(*) FROM run_command_on_shards('orders', $$COMMENT ON TABLE %1$s IS NULL$$);

\echo '=== (e4) DDL on the distributed table in a transaction: propagated to every shard in the same'
\echo '    coordinated transaction and committed with 2PC (PREPARE TRANSACTION / COMMIT PREPARED)'
SET citus.log_remote_commands = on;
SET citus.grep_remote_commands = '%PREPARE%';
BEGIN;
CREATE POLICY tenant_select_extra ON orders FOR SELECT USING (tenant_id = public.current_tenant_id());
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
DROP POLICY tenant_select_extra ON orders;
COMMIT;
RESET citus.grep_remote_commands;
RESET citus.log_remote_commands;
\echo '--- and a ROLLBACK undoes it on every shard'
BEGIN;
CREATE POLICY tenant_rolled_back ON orders FOR SELECT USING (tenant_id = public.current_tenant_id());
ROLLBACK;
SELECT research.expect('e4 rolled-back CREATE POLICY absent from every shard',
  (SELECT count(*) FROM run_command_on_shards('orders', $$SELECT count(*) FROM pg_policy WHERE polrelid = '%1$s'::regclass AND polname = 'tenant_rolled_back'$$)
    WHERE result = '0'), 32::bigint);
\echo '--- the pre-11 2PC settings no longer exist (2PC is always used for multi-node writes)'
SET citus.multi_shard_commit_protocol = '2pc';
SET citus.enable_2pc = on;
SELECT name, setting FROM pg_settings WHERE name IN ('citus.multi_shard_modify_mode', 'citus.recover_2pc_interval', 'max_prepared_transactions');

\echo '=== (e5) rls_fixer''s audit on a worker: shards hidden by default, visible with override_table_visibility = off'
\c :w1
SELECT count(*) AS findings_on_shells FROM rls_audit() WHERE object_name ~ '^public\.orders';
SET citus.override_table_visibility = off;
SELECT count(*) AS findings_incl_shards, count(DISTINCT split_part(object_name, '.', 2)) AS relations
  FROM rls_audit() WHERE object_name ~ '^public\.orders';
\c :coord
SET rls_fixer.on_new_tenant_table = off;
\echo '--- on the coordinator: which policy forms does today''s audit accept as tenant policies?'
SELECT object_name, check_name, severity FROM rls_audit()
 WHERE object_name ~ '^public\.(orders|f_sqlfn|f_cfn|f_const)(\.|$)' AND severity = 'error' ORDER BY 1, 2;
DROP TABLE ref_tenants, plain_local, citus_local;
