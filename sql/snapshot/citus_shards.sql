-- Citus: the command run on every node (pg_catalog.run_command_on_all_nodes) to sum up, per
-- table, the row-level security of the shards stored there: how many, how many with RLS enabled
-- and forced, the sets of policy names they carry (with how many shards carry each), and the
-- policies that differ between them (command, kind, roles, expressions without their parse
-- locations). One JSON text per node: [[schema, table, shards, rls, forced, sets, diverging], …].
-- It runs in a new session with that session's search_path: every function and operator is
-- qualified (no USING joins, whose = is looked up by name). No relation is opened.
WITH h0 AS MATERIALIZED (
  SELECT s.logicalrelid AS shell,
         pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid))::oid AS shard
    FROM pg_catalog.pg_dist_shard s),
h AS MATERIALIZED (
  SELECT h0.shell, c.oid AS shard, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
    FROM h0 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) h0.shard),
pol AS MATERIALIZED (
  SELECT h.shell, h.shard, p.polname::text AS polname,
         pg_catalog.concat_ws('|', p.polcmd, p.polpermissive, p.polroles) AS head,
         p.polqual::text AS qual, p.polwithcheck::text AS chk
    FROM h JOIN pg_catalog.pg_policy p ON p.polrelid OPERATOR(pg_catalog.=) h.shard),
names AS (
  SELECT h.shell, h.shard, coalesce(pg_catalog.string_agg(pol.polname, ',' ORDER BY pol.polname), '') AS names
    FROM h LEFT JOIN pol ON pol.shard OPERATOR(pg_catalog.=) h.shard
   GROUP BY h.shell, h.shard),
sets AS (
  SELECT x.shell, pg_catalog.json_agg(pg_catalog.json_build_array(x.names, x.k) ORDER BY x.names) AS sets
    FROM (SELECT names.shell, names.names, pg_catalog.count(*) AS k FROM names GROUP BY 1, 2) x
   GROUP BY x.shell),
-- policies whose node trees differ between shards: compared as stored first (cheap), and only
-- those that differ again without their parse locations (which follow the shard name's length)
cand AS (
  SELECT pol.shell, pol.polname FROM pol GROUP BY 1, 2
  HAVING pg_catalog.count(DISTINCT pg_catalog.concat_ws('|', pol.head, pol.qual, pol.chk)) OPERATOR(pg_catalog.>) 1),
diverging AS (
  SELECT d.shell, pg_catalog.json_agg(d.polname ORDER BY d.polname) AS names
    FROM (SELECT pol.shell, pol.polname
            FROM pol JOIN cand ON cand.shell OPERATOR(pg_catalog.=) pol.shell
                              AND cand.polname OPERATOR(pg_catalog.=) pol.polname
           GROUP BY 1, 2
          HAVING pg_catalog.count(DISTINCT pg_catalog.concat_ws('|', pol.head,
                   pg_catalog.regexp_replace(pol.qual, ' :location -?[0-9]+', '', 'g'),
                   pg_catalog.regexp_replace(pol.chk, ' :location -?[0-9]+', '', 'g'))) OPERATOR(pg_catalog.>) 1) d
   GROUP BY d.shell),
t AS (
  SELECT h.shell, pg_catalog.count(*) AS shards,
         pg_catalog.count(*) FILTER (WHERE h.rls) AS rls,
         pg_catalog.count(*) FILTER (WHERE h.forced) AS forced
    FROM h GROUP BY h.shell)
SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(
         n.nspname, sh.relname, t.shards, t.rls, t.forced, sets.sets, diverging.names)), '[]')::text
  FROM t
  JOIN pg_catalog.pg_class sh ON sh.oid OPERATOR(pg_catalog.=) t.shell
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) sh.relnamespace
  LEFT JOIN sets ON sets.shell OPERATOR(pg_catalog.=) t.shell
  LEFT JOIN diverging ON diverging.shell OPERATOR(pg_catalog.=) t.shell
